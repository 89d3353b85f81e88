"""Weekly summaries end to end: a real Celery worker process, a private Redis, PostgreSQL,
a real SMTP server and a loopback FCM gateway. Exactly one email (and at most one push)
per user and week, at the user's local hour, under two dispatchers at once, every task
delivered twice, a worker killed mid-batch and a Redis restart."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from apps.coaching.models import CoachClientLink
from apps.fasting.models import FastingWindow
from apps.notifications.dispatch import Job, dispatch_run, jobs_enqueue
from apps.notifications.models import (
    OPEN_STATUSES,
    Delivery,
    DeliveryStatus,
    Device,
    Notification,
    NotificationPreference,
    WeeklySummary,
)
from apps.notifications.tasks import dispatch_weekly_summaries
from apps.notifications.weeks import IsoWeek, next_send_at, week_to_send
from apps.nutrition.models import Meal
from tests.factories import UserFactory
from tests.notifications.conftest import GATEWAY_TOKEN, PROJECT
from tests.support.processes import app_broker, celery_worker, redis_server, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ZONES = ("Pacific/Auckland", "Asia/Kolkata", "America/Los_Angeles")
TICK = timedelta(minutes=30)
# Two Sundays-to-Mondays that cover Monday 07:00–09:00 local in all three zones; Los
# Angeles leaves DST between them (Sunday 1 November 2026).
WINDOWS = (
    (datetime(2026, 10, 25, 12, tzinfo=UTC), datetime(2026, 10, 26, 18, tzinfo=UTC)),
    (datetime(2026, 11, 1, 12, tzinfo=UTC), datetime(2026, 11, 2, 18, tzinfo=UTC)),
)
WEEKS = ("2026-W43", "2026-W44")


def worker_env(smtp_port: int, gateway_url: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "FCM_ENDPOINT": gateway_url,
        "FCM_PROJECT_ID": PROJECT,
        "FCM_ACCESS_TOKEN": GATEWAY_TOKEN,
        "NOTIFICATIONS_RETRY_BACKOFF_SECONDS": "0.3",
        "NOTIFICATIONS_DELIVERY_LEASE_SECONDS": "3",
        "NOTIFICATIONS_REENQUEUE_AFTER_SECONDS": "2",
    }


def light_week(users, week: IsoWeek) -> None:
    """A fast and two meals on the Wednesday of `week`, in each user's zone."""
    fasts, meals = [], []
    wednesday = week.monday + timedelta(days=2)
    for user in users:
        zone = ZoneInfo(user.profile.timezone)
        noon = datetime(wednesday.year, wednesday.month, wednesday.day, 12, tzinfo=zone)
        fasts.append(FastingWindow(user=user, started_at=noon - timedelta(hours=17), ended_at=noon))
        meals.append(Meal(user=user, eaten_at=noon + timedelta(minutes=5), kcal=650, protein_g=35))
        meals.append(Meal(user=user, eaten_at=noon + timedelta(hours=6), kcal=800, protein_g=45))
    FastingWindow.objects.bulk_create(fasts)
    Meal.objects.bulk_create(meals)


def open_deliveries() -> bool:
    return Delivery.objects.filter(status__in=OPEN_STATUSES).exists()


def two_dispatchers(now: datetime) -> list[Job]:
    """Two dispatchers at once (as two beat processes would), each on its own connection."""
    jobs: list[Job] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        barrier.wait()
        try:
            jobs.extend(dispatch_run(now=now).jobs)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return jobs


def test_two_hundred_users_across_zones_get_one_email_each_at_their_local_hour(
    smtp_server, push_gateway
):
    with time_machine.travel(WINDOWS[0][0]):  # schedules are computed from this moment
        users = [
            UserFactory(email=f"u{i:03d}@example.com", profile__timezone=ZONES[i % 3])
            for i in range(200)
        ]
        coach = UserFactory(email="coach@example.com", role="coach")
    hour = {u.pk: 7 + (i // 3) % 3 for i, u in enumerate(users)}  # 07, 08 or 09 local
    for i, user in enumerate(users):
        NotificationPreference.objects.filter(user=user).update(
            send_hour=hour[user.pk],
            email_enabled=i % 20 != 7,
            push_enabled=i % 15 != 4,
            next_send_at=next_send_at(
                tz=ZONES[i % 3], weekday=0, hour=hour[user.pk], after=WINDOWS[0][0]
            ),
        )
        token = f"flaky-{i}" if i % 10 == 1 else f"tok-{i}"
        Device.objects.create(user=user, platform=("ios", "android", "web")[i % 3], token=token)
        if i % 25 == 2:
            Device.objects.create(user=user, platform="android", token=f"dead-{i}")
    with_data = [u for i, u in enumerate(users) if i % 4 != 0]
    for week in WEEKS:
        light_week(with_data, IsoWeek.parse(week))
    for client in users[:3]:
        CoachClientLink.objects.create(coach=coach, client=client)

    arrived: dict[str, list[datetime]] = defaultdict(list)  # recipient → tick of each email
    with (
        redis_server() as redis,
        app_broker(redis.url),
        celery_worker(
            redis.url,
            queues="notifications",
            concurrency=2,
            extra_env=worker_env(smtp_server.port, push_gateway.url),
        ) as worker,
    ):
        for start, end in WINDOWS:
            tick = start
            while tick <= end:
                before = smtp_server.count_by_recipient()
                jobs = two_dispatchers(tick)
                jobs_enqueue(jobs)  # every task is delivered a second time
                wait_for(
                    lambda: not open_deliveries(),
                    timeout=90,
                    what=f"deliveries of {tick}; worker log:\n{worker.output()[-3000:]}",
                )
                for recipient, count in smtp_server.count_by_recipient().items():
                    arrived[recipient] += [tick] * (count - before.get(recipient, 0))
                tick += TICK

    # Exactly one email per user and week, none for those who opted out of email.
    emails = Counter((m["To"], "clients' week" in m["Subject"]) for m in smtp_server.messages)
    for i, user in enumerate(users):
        assert emails[(user.email, False)] == (0 if i % 20 == 7 else 2), user.email
    assert emails[("coach@example.com", True)] == 2  # one digest a week

    # ...each sent in the half hour after the user's local send time, across the DST change.
    for user in users:
        rows = Delivery.objects.filter(user=user, channel="email", kind="weekly_summary")
        dues = sorted(rows.values_list("due_at", flat=True))
        assert [r.week for r in rows.order_by("week")] == (list(WEEKS) if dues else [])
        for due, got in zip(dues, sorted(arrived[user.email]), strict=True):
            local = due.astimezone(ZoneInfo(user.profile.timezone))
            assert (local.weekday(), local.hour, local.minute) == (0, hour[user.pk], 0)
            assert due <= got < due + TICK, (user.email, due, got)

    # At most one push per device and week: retried after a 500, never to a dead token.
    for i in range(len(users)):
        token = f"flaky-{i}" if i % 10 == 1 else f"tok-{i}"
        assert push_gateway.count_for(token) == (0 if i % 15 == 4 else 2), token
        if i % 25 == 2 and i % 15 != 4:
            assert push_gateway.attempts_for(f"dead-{i}") == 1
            assert not Device.objects.get(token=f"dead-{i}").active
    assert push_gateway.attempts_for("flaky-1") == 3  # 500, then 200, then next week's 200

    # One inbox entry per user and week; nudges for the weeks with nothing logged.
    assert Counter(Notification.objects.values_list("user_id", flat=True)) == {
        u.pk: 2 for u in users
    } | {coach.pk: 2}
    assert (
        Notification.objects.filter(kind="nudge").count() == 2 * (len(users) - len(with_data)) + 2
    )
    assert not Delivery.objects.filter(status=DeliveryStatus.FAILED).exists()
    # The Los Angeles week that left DST lasted 169 hours.
    la = next(u for u in users if u.profile.timezone == "America/Los_Angeles")
    assert WeeklySummary.objects.get(user=la, week="2026-W44").data["hours"] == 169.0


def test_a_worker_killed_mid_batch_and_a_redis_restart_still_send_exactly_one_email(
    smtp_server, push_gateway, settings
):
    settings.NOTIFICATIONS_REENQUEUE_AFTER_SECONDS = 2
    settings.NOTIFICATIONS_DELIVERY_LEASE_SECONDS = 3
    # Real time here: the dispatcher task on the worker runs on the real clock.
    due = datetime.now(UTC) - timedelta(minutes=1)
    users = [UserFactory(email=f"k{i:03d}@example.com") for i in range(100)]
    NotificationPreference.objects.update(next_send_at=due)
    light_week(users[::2], week_to_send(due_at=due, tz="UTC"))
    stuck = users[30]
    # Claimed first; its RCPT is never answered, so one worker process hangs mid-send.
    NotificationPreference.objects.filter(user=stuck).update(next_send_at=due - timedelta(1))
    expected_weeks = {
        week_to_send(due_at=due, tz="UTC").label,
        week_to_send(due_at=due - timedelta(1), tz="UTC").label,
    }
    smtp_server.hold.add(stuck.email)
    env = worker_env(smtp_server.port, push_gateway.url)

    with redis_server() as redis, app_broker(redis.url):
        with celery_worker(redis.url, queues="notifications", concurrency=2, extra_env=env) as w:
            jobs_enqueue(two_dispatchers(due))  # the dispatchers publish, then a duplicate
            wait_for(
                lambda: smtp_server.holding.is_set() and len(smtp_server) >= 10,
                timeout=60,
                interval=0.05,
                what=f"a batch in flight; worker log:\n{w.output()[-3000:]}",
            )
            w.kill()  # mid-batch: some sent, one claimed and in flight, the rest queued
        assert len(smtp_server) < len(users)
        smtp_server.hold.discard(stuck.email)
        smtp_server.release.set()  # the dead client's session ends without a message

        redis.kill()  # no persistence: every queued task is gone
        redis.start()
        with celery_worker(redis.url, queues="notifications", concurrency=2, extra_env=env) as w:

            def settled() -> bool:
                # What beat does every minute: the dispatcher task, run by the worker.
                try:
                    dispatch_weekly_summaries.apply_async()
                except Exception:  # the publisher is still reconnecting to the new Redis
                    return False
                return not open_deliveries()

            wait_for(settled, timeout=90, interval=1.5, what=f"recovery:\n{w.output()[-3000:]}")

    assert sorted(m["To"] for m in smtp_server.messages) == sorted(u.email for u in users)
    assert Counter(Notification.objects.values_list("user_id", flat=True)) == {
        u.pk: 1 for u in users
    }
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert set(Delivery.objects.values_list("week", flat=True)) <= expected_weeks
    retried = Delivery.objects.get(user=stuck, channel="email")
    assert retried.attempts >= 2  # the killed worker's claim expired and was taken over
