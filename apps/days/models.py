from django.db import models

from apps.common.models import UserOwnedRecord


class DayConfirmation(UserOwnedRecord):
    """The user's word on a local day: the food log is complete and/or no exercise was done
    (the scoring engine's `confirmed_days` and `no_exercise_days`)."""

    date = models.DateField()
    food_log_complete = models.BooleanField(default=False)
    no_exercise = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "date"],
                condition=models.Q(deleted_at__isnull=True),
                name="day_confirmation_one_per_day",
            ),
        ]
        indexes = [models.Index(fields=["user", "change_seq"], name="dayconf_user_seq")]
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} food={self.food_log_complete} no_exercise={self.no_exercise}"
