"""The per-user change counter behind the sync cursor (docs/sync.md).

Every write to a synced row takes the next value of its owner's counter inside the write's
transaction. The counter row's lock serialises one user's writes, so values commit in
order: a pull that reads the counter first and then rows up to that value can never miss
a row that commits later with a smaller value.
"""

from django.conf import settings
from django.db import models


class ChangeCounter(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="change_counter",
    )
    # Starts at 1 so that a cursor is always > 0 (0 means "never pulled").
    value = models.BigIntegerField(default=1)
    # Bumped after each commit that changes the user's scores or their pending marks
    # (scores are derived: they change without a tracked write). With `value` it keys the
    # day timeline's cache (docs/decisions/0016-day-timeline-cache-includes-the-score.md).
    score_seq = models.BigIntegerField(default=0, db_default=0)  # raw INSERTs omit it

    def __str__(self) -> str:
        return f"{self.user_id}: {self.value}"
