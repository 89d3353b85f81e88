"""Re-score history after an algorithm change: marks days dirty and fans out in batches."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.accounts.models import User
from apps.scoring.selectors import user_data_date_range
from apps.scoring.services import (
    USERS_PER_BATCH,
    score_days_mark_dirty,
    score_recompute_enqueue_batch,
)

BATCH = 500


class Command(BaseCommand):
    help = "Recompute daily scores for --all users or one --user EMAIL, optionally --since DATE."

    def add_arguments(self, parser) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--all", action="store_true", help="every user")
        who.add_argument("--user", metavar="EMAIL", help="one user")
        parser.add_argument(
            "--since",
            type=date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="only days on or after this local date",
        )

    def handle(self, *args, **options) -> None:
        if options["user"]:
            users = User.objects.filter(email=options["user"].lower())
            if not users.exists():
                raise CommandError(f"No user with email {options['user']}.")
        else:
            users = User.objects.all()
        ids = list(users.order_by("pk").values_list("pk", flat=True))
        total_days = 0
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            marked = []
            for user_id in batch:
                span = user_data_date_range(user_id=user_id)
                if span is None:
                    continue
                first, last = span
                if options["since"]:
                    first = max(first, options["since"])
                days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
                with transaction.atomic():
                    score_days_mark_dirty(user_id=user_id, dates=days, enqueue=False)
                marked.append(user_id)
                total_days += len(days)
            for i in range(0, len(marked), USERS_PER_BATCH):
                score_recompute_enqueue_batch(user_ids=marked[i : i + USERS_PER_BATCH])
            self.stdout.write(
                f"  {min(start + BATCH, len(ids))}/{len(ids)} users queued ({total_days} days)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Marked {total_days} days of {len(ids)} users for recompute; workers pick them up "
                "(the sweeper re-enqueues anything a lost message missed)."
            )
        )
