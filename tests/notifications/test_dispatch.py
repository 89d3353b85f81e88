"""The dispatcher: due users only, each claimed once, deliveries recorded, lost work swept."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from apps.notifications.dispatch import dispatch_run, due_claim, stale_claim
from apps.notifications.models import Delivery, DeliveryStatus, Device, NotificationPreference
from apps.notifications.weeks import next_send_at
from tests.factories import UserFactory
from tests.notifications.conftest import preferences

MONDAY = datetime(2026, 11, 2, tzinfo=UTC)


def schedule(user, due: datetime) -> None:
    NotificationPreference.objects.filter(user=user).update(next_send_at=due)


@pytest.mark.django_db
def test_only_due_users_are_claimed_and_moved_to_next_week():
    due = UserFactory(profile__timezone="Asia/Kolkata")
    later = UserFactory(profile__timezone="America/Los_Angeles")
    schedule(due, MONDAY + timedelta(hours=2, minutes=30))
    schedule(later, MONDAY + timedelta(hours=16))
    _, jobs = due_claim(now=MONDAY + timedelta(hours=3), batch_size=100)
    assert [(j.user_id, j.week, j.kind) for j in jobs] == [(due.pk, "2026-W44", "weekly_summary")]
    assert NotificationPreference.objects.get(user=due).next_send_at == datetime(
        2026, 11, 9, 2, 30, tzinfo=UTC
    )
    assert NotificationPreference.objects.get(user=later).next_send_at == MONDAY + timedelta(
        hours=16
    )
    assert set(Delivery.objects.filter(user=due).values_list("channel", flat=True)) == {
        "email",
        "in_app",
    }


@pytest.mark.django_db
def test_push_is_recorded_only_for_users_with_an_active_device():
    with_device = UserFactory()
    without = UserFactory()
    Device.objects.create(user=with_device, platform="web", token="t1")
    Device.objects.create(user=without, platform="web", token="t2", active=False)
    for user in (with_device, without):
        schedule(user, MONDAY)
    due_claim(now=MONDAY, batch_size=100)
    assert Delivery.objects.filter(channel="push").get().user_id == with_device.pk


@pytest.mark.django_db
def test_a_dispatcher_that_read_a_stale_schedule_claims_nothing():
    user = UserFactory()
    schedule(user, MONDAY)
    # Another dispatcher moved the row on between our read and our update.
    original = NotificationPreference.objects.filter

    def racing_filter(*args, **kwargs):
        if kwargs.get("next_send_at") == MONDAY and "user_id" in kwargs:
            original(user_id=user.pk).update(next_send_at=MONDAY + timedelta(days=7))
        return original(*args, **kwargs)

    NotificationPreference.objects.filter = racing_filter
    try:
        _, jobs = due_claim(now=MONDAY, batch_size=100)
    finally:
        NotificationPreference.objects.filter = original
    assert jobs == []
    assert not Delivery.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_claim_every_user_exactly_once(settings):
    settings.NOTIFICATIONS_DISPATCH_BATCH_SIZE = 7
    users = [UserFactory(profile__timezone="Pacific/Auckland") for _ in range(60)]
    for user in users:
        schedule(user, MONDAY - timedelta(hours=5))
    claimed: list = []
    start = threading.Barrier(2)

    def dispatcher():
        start.wait()
        try:
            claimed.extend(dispatch_run(now=MONDAY, enqueue=False).jobs)
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(str(j.user_id) for j in claimed) == sorted(str(u.pk) for u in users)
    assert Delivery.objects.count() == 2 * len(users)  # email + in-app each, no duplicates


@pytest.mark.django_db
def test_users_created_without_signals_get_the_default_schedule():
    user = UserFactory(profile__timezone="Asia/Kolkata")
    NotificationPreference.objects.all().delete()
    report = dispatch_run(now=MONDAY, enqueue=False)
    assert report.scheduled == 1
    pref = NotificationPreference.objects.get(user=user)
    assert pref.next_send_at == next_send_at(tz="Asia/Kolkata", weekday=0, hour=8, after=MONDAY)


@pytest.mark.django_db
def test_coaches_also_get_a_digest_job_unless_they_opted_out():
    coach = UserFactory(role="coach")
    quiet_coach = UserFactory(role="coach")
    preferences(quiet_coach, coach_digest_enabled=False)
    for user in (coach, quiet_coach):
        schedule(user, MONDAY)
    _, jobs = due_claim(now=MONDAY, batch_size=100)
    digests = {j.user_id for j in jobs if j.kind == "coach_digest"}
    assert digests == {coach.pk}


@pytest.mark.django_db
def test_inactive_users_are_rescheduled_but_not_sent():
    user = UserFactory(is_active=False)
    schedule(user, MONDAY)
    _, jobs = due_claim(now=MONDAY, batch_size=100)
    assert jobs == [] and not Delivery.objects.exists()
    assert NotificationPreference.objects.get(user=user).next_send_at > MONDAY


@pytest.mark.django_db
def test_the_sweeper_republishes_lost_work_once_per_grace_period(settings):
    settings.NOTIFICATIONS_REENQUEUE_AFTER_SECONDS = 60
    user = UserFactory()
    schedule(user, MONDAY)
    due_claim(now=MONDAY, batch_size=100)
    assert stale_claim() == []  # just enqueued
    Delivery.objects.update(enqueued_at=timezone.now() - timedelta(seconds=61))
    (job,) = stale_claim()
    assert (job.user_id, job.week) == (user.pk, "2026-W44")
    assert stale_claim() == []  # bumped: not again until the grace period passes


@pytest.mark.django_db
def test_the_sweeper_takes_back_an_expired_claim_but_not_a_live_one(settings):
    user = UserFactory()
    schedule(user, MONDAY)
    due_claim(now=MONDAY, batch_size=100)
    old = timezone.now() - timedelta(seconds=settings.NOTIFICATIONS_DELIVERY_LEASE_SECONDS + 1)
    Delivery.objects.update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now(), enqueued_at=old
    )
    assert stale_claim() == []
    Delivery.objects.update(claimed_at=old)
    assert len(stale_claim()) == 1
