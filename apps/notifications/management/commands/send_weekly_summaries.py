"""Operators, and the embedded default where no beat runs: send weekly summaries in-process.

    manage.py send_weekly_summaries                  # one dispatcher tick: whoever is due
    manage.py send_weekly_summaries --now            # everyone, now, their last full week
    manage.py send_weekly_summaries --now --user a@example.com --week 2026-W48

Exactly-once holds either way: a (user, week, channel) already sent is not sent again.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.accounts.models import User
from apps.notifications.delivery import deliveries_process
from apps.notifications.dispatch import Job, deliveries_force, dispatch_run, due_claim
from apps.notifications.weeks import IsoWeek


class Command(BaseCommand):
    help = "Send due weekly summaries (and coach digests) in this process."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--now", action="store_true", help="Ignore the schedule.")
        parser.add_argument("--user", metavar="EMAIL", help="Only this user.")
        parser.add_argument("--week", metavar="YYYY-Www", help="ISO week (default: last full).")

    def handle(self, *args, now: bool, user: str | None, week: str | None, **options) -> None:
        try:
            iso_week = IsoWeek.parse(week) if week else None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if iso_week is not None and not now:
            raise CommandError("--week needs --now (the schedule picks its own week).")
        users = User.objects.filter(is_active=True).select_related("profile")
        if user:
            users = users.filter(email=user.strip().lower())
            if not users.exists():
                raise CommandError("No active user with that email.")
        moment = timezone.now()
        if now:
            jobs = deliveries_force(users=users.iterator(), week=iso_week, now=moment)
        elif user:
            _, jobs = due_claim(
                now=moment, batch_size=1, user_ids=users.values_list("pk", flat=True)
            )
        else:
            jobs = dispatch_run(now=moment, enqueue=False).jobs
        self._process(jobs)

    def _process(self, jobs: list[Job]) -> None:
        totals = {"sent": 0, "skipped": 0, "failed": 0, "retry": 0}
        for job in dict.fromkeys(jobs):
            result = deliveries_process(
                user_id=job.user_id, kind=job.kind, week=IsoWeek.parse(job.week)
            )
            totals["sent"] += result.sent
            totals["skipped"] += result.skipped
            totals["failed"] += result.failed
            totals["retry"] += result.retry_in is not None
        self.stdout.write(
            f"{len(set(jobs))} jobs: {totals['sent']} sent, {totals['skipped']} skipped, "
            f"{totals['failed']} failed, {totals['retry']} to retry (next run or the sweeper)"
        )
