"""One user's deliveries, in-process, against a real SMTP server and a loopback FCM gateway."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.notifications.delivery import deliveries_process
from apps.notifications.dispatch import deliveries_force
from apps.notifications.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Device,
    Notification,
    WeeklySummary,
)
from apps.notifications.services import unsubscribe_apply
from apps.notifications.weeks import IsoWeek
from tests.factories import UserFactory
from tests.notifications.conftest import html_part, preferences, text_part
from tests.notifications.weekdata import ordinary_week

pytestmark = pytest.mark.django_db

W44 = IsoWeek.parse("2026-W44")
BERLIN = "Europe/Berlin"


@pytest.fixture
def ada(db):
    user = UserFactory(
        email="ada@example.com",
        display_name="Ada",
        profile__timezone=BERLIN,
        profile__glucose_unit="mmol/L",
    )
    ordinary_week(user, BERLIN, W44.monday)
    return user


def send(user, kind=DeliveryKind.WEEKLY_SUMMARY, week=W44):
    deliveries_force(users=[user], week=week, now=timezone.now())
    return deliveries_process(user_id=user.pk, kind=kind, week=week)


def statuses(user) -> dict[str, str]:
    return dict(Delivery.objects.filter(user=user).values_list("channel", "status"))


def test_one_email_one_push_one_inbox_entry(ada, smtp_server, push_gateway):
    Device.objects.create(user=ada, platform="ios", token="tok-ada")
    result = send(ada)
    assert (result.sent, result.failed, result.retry_in) == (3, 0, None)
    assert statuses(ada) == {"email": "sent", "push": "sent", "in_app": "sent"}
    assert len(smtp_server.to("ada@example.com")) == 1
    assert push_gateway.count_for("tok-ada") == 1
    assert Notification.objects.filter(user=ada, kind="weekly_summary").count() == 1
    assert WeeklySummary.objects.get(user=ada, week="2026-W44").has_data is True


def test_running_again_sends_nothing_more(ada, smtp_server, push_gateway):
    Device.objects.create(user=ada, platform="android", token="tok-ada")
    send(ada)
    again = send(ada)
    assert (again.sent, again.skipped) == (0, 0)
    assert len(smtp_server) == 1
    assert push_gateway.count_for("tok-ada") == 1
    assert Notification.objects.filter(user=ada).count() == 1


def test_the_email_has_text_html_units_and_a_one_click_unsubscribe(ada, smtp_server):
    send(ada)
    (message,) = smtp_server.to("ada@example.com")
    assert message["Subject"].strip() == "Your Lowtide week, 26 Oct – 01 Nov 2026"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"].strip() == f"<weekly_summary.2026-W44.{ada.pk}@127.0.0.1>"
    text, html = text_part(message), html_part(message)
    assert "Hi Ada," in text
    assert "Time in range (3.9–10.0 mmol/L)" not in text  # no CGM this week
    assert "No CGM readings this week." in text
    assert "Longest fast: 16.5 h" in text
    assert "Days logged: 7 of 7" in text
    assert "<h2" in html and "Fasting" in html
    link = message["List-Unsubscribe"].strip().strip("<>")
    assert link in text
    token = link.split("token=", 1)[1]
    assert unsubscribe_apply(token=token)[1] == "email"


def test_glucose_is_shown_in_the_users_unit(ada, smtp_server):
    from tests.notifications.weekdata import cgm

    start, _ = W44.bounds(BERLIN)
    cgm(ada, start, [90.0] * 288)
    send(ada)
    text = text_part(smtp_server.to("ada@example.com")[0])
    assert "Average glucose: 5.0 mmol/L" in text
    assert "Time below 3.9 mmol/L: 0.0 %" in text


def test_an_empty_week_gets_a_short_nudge(smtp_server):
    idle = UserFactory(email="idle@example.com")
    send(idle)
    (message,) = smtp_server.to("idle@example.com")
    assert message["Subject"].strip().endswith("nothing logged")
    assert "Nothing was logged" in text_part(message)
    assert Notification.objects.get(user=idle).kind == "nudge"


def test_no_nudge_for_an_empty_week_when_opted_out(smtp_server):
    idle = UserFactory(email="idle@example.com")
    preferences(idle, empty_week_nudge=False)
    result = send(idle)
    assert result.sent == 0
    assert len(smtp_server) == 0
    assert set(statuses(idle).values()) == {"skipped"}


def test_opted_out_channels_send_nothing(ada, smtp_server, push_gateway):
    Device.objects.create(user=ada, platform="ios", token="tok-ada")
    preferences(ada, email_enabled=False, push_enabled=False)
    send(ada)
    assert len(smtp_server) == 0
    assert push_gateway.requests == []
    assert statuses(ada) == {"in_app": "sent"}  # no rows were even recorded for the others


def test_opting_out_after_dispatch_still_sends_nothing(ada, smtp_server):
    deliveries_force(users=[ada], week=W44, now=timezone.now())
    preferences(ada, email_enabled=False)
    deliveries_process(user_id=ada.pk, kind=DeliveryKind.WEEKLY_SUMMARY, week=W44)
    assert len(smtp_server) == 0
    assert Delivery.objects.get(user=ada, channel="email").error == "opted_out"


def test_a_gateway_500_is_retried_with_backoff(ada, push_gateway, settings, smtp_server):
    settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS = 30
    Device.objects.create(user=ada, platform="ios", token="flaky-ada")
    first = send(ada)
    push = Delivery.objects.get(user=ada, channel="push")
    assert (push.status, push.attempts, push.error) == ("pending", 1, "fcm_500")
    assert 20 <= first.retry_in <= 40
    assert push.next_attempt_at > timezone.now() + timedelta(seconds=20)
    # Not before its time...
    assert deliveries_process(user_id=ada.pk, kind="weekly_summary", week=W44).sent == 0
    # ...and then it goes through, once.
    Delivery.objects.filter(pk=push.pk).update(next_attempt_at=timezone.now())
    assert deliveries_process(user_id=ada.pk, kind="weekly_summary", week=W44).sent == 1
    assert push_gateway.attempts_for("flaky-ada") == 2
    assert push_gateway.count_for("flaky-ada") == 1
    assert len(smtp_server) == 1  # the email went out on the first run, and only then


def test_retries_are_bounded(ada, push_gateway, fast_retries, smtp_server):
    Device.objects.create(user=ada, platform="ios", token="down-ada")
    send(ada)
    for _ in range(5):
        deliveries_process(user_id=ada.pk, kind="weekly_summary", week=W44)
    push = Delivery.objects.get(user=ada, channel="push")
    assert (push.status, push.attempts, push.error) == ("failed", 3, "fcm_503")
    assert push_gateway.attempts_for("down-ada") == 3


def test_a_404_token_is_deactivated_and_the_other_device_still_gets_its_push(
    ada, push_gateway, smtp_server
):
    dead = Device.objects.create(user=ada, platform="android", token="dead-ada")
    Device.objects.create(user=ada, platform="ios", token="tok-ada")
    send(ada)
    dead.refresh_from_db()
    assert (dead.active, dead.deactivation_reason) == (False, "unregistered")
    assert push_gateway.count_for("tok-ada") == 1
    assert statuses(ada)["push"] == "sent"


def test_a_retry_never_pushes_twice_to_a_device_already_reached(ada, push_gateway, fast_retries):
    Device.objects.create(user=ada, platform="ios", token="tok-ada")
    Device.objects.create(user=ada, platform="android", token="flaky-ada")
    send(ada)
    deliveries_process(user_id=ada.pk, kind="weekly_summary", week=W44)
    assert push_gateway.count_for("tok-ada") == 1
    assert push_gateway.count_for("flaky-ada") == 1
    assert statuses(ada)["push"] == "sent"


def test_an_smtp_outage_does_not_block_push_or_inbox(ada, push_gateway, settings, fast_retries):
    from tests.notifications.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    Device.objects.create(user=ada, platform="ios", token="tok-ada")
    result = send(ada)
    assert statuses(ada) == {"email": "pending", "push": "sent", "in_app": "sent"}
    assert result.retry_in is not None
    assert Delivery.objects.get(user=ada, channel="email").error.startswith("smtp_")


def test_a_temporary_smtp_refusal_is_retried(ada, smtp_server):
    smtp_server.hold.add("ada@example.com")
    smtp_server.release.set()  # answer the held RCPT at once, with a 451
    result = send(ada)
    email = Delivery.objects.get(user=ada, channel="email")
    assert (email.status, email.error) == ("pending", "smtp_451")
    assert result.retry_in is not None


def test_a_permanent_smtp_refusal_fails_without_retrying(ada, smtp_server):
    smtp_server.reject.add("ada@example.com")
    result = send(ada)
    email = Delivery.objects.get(user=ada, channel="email")
    assert (email.status, email.error, email.attempts) == ("failed", "smtp_550", 1)
    assert result.retry_in is None


def test_a_claim_older_than_the_lease_is_taken_over(ada, smtp_server, settings):
    deliveries_force(users=[ada], week=W44, now=timezone.now())
    stale = timezone.now() - timedelta(seconds=settings.NOTIFICATIONS_DELIVERY_LEASE_SECONDS + 5)
    Delivery.objects.filter(user=ada).update(status=DeliveryStatus.SENDING, claimed_at=stale)
    deliveries_process(user_id=ada.pk, kind="weekly_summary", week=W44)
    assert len(smtp_server) == 1
    fresh = timezone.now() - timedelta(seconds=10)
    Delivery.objects.filter(user=ada).update(status=DeliveryStatus.SENDING, claimed_at=fresh)
    deliveries_process(user_id=ada.pk, kind="weekly_summary", week=W44)
    assert len(smtp_server) == 1  # a live claim is never taken over


def test_a_channel_bug_is_contained(ada, smtp_server, monkeypatch, fast_retries):
    from apps.notifications.channels import inapp

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(inapp, "notification_create", broken)
    send(ada)
    assert statuses(ada) == {"email": "sent", "in_app": "pending"}
    assert Delivery.objects.get(user=ada, channel="in_app").error == "error_RuntimeError"


def test_a_retry_reuses_the_summary_the_other_channels_sent(
    ada, smtp_server, push_gateway, fast_retries
):
    Device.objects.create(user=ada, platform="ios", token="flaky-ada")
    send(ada)  # email and in-app sent; push failed once
    built = WeeklySummary.objects.get(user=ada).built_at
    from tests.notifications.weekdata import meal

    meal(ada, W44.bounds(BERLIN)[0], 5000)  # a late edit to the week
    assert deliveries_process(user_id=ada.pk, kind="weekly_summary", week=W44).sent == 1
    assert WeeklySummary.objects.get(user=ada).built_at == built


def test_a_failing_summary_gives_the_claims_back_for_a_retry(ada, smtp_server, monkeypatch):
    from apps.notifications import delivery

    def broken(**kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(delivery, "weekly_summary_refresh", broken)
    result = send(ada)
    assert result.retry_in is not None
    assert set(statuses(ada).values()) == {"pending"}
    monkeypatch.undo()
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert deliveries_process(user_id=ada.pk, kind="weekly_summary", week=W44).sent == 2
