"""`manage.py send_weekly_summaries` for operators and the embedded default (no beat)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.notifications.models import Delivery, NotificationPreference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("send_weekly_summaries", *args, stdout=out)
    return out.getvalue()


def test_now_for_one_user_and_week_sends_once(smtp_server):
    UserFactory(email="ada@example.com")
    UserFactory(email="bob@example.com")
    assert "2 sent" in run("--now", "--user", "ADA@example.com", "--week", "2026-W44")
    assert "0 sent" in run("--now", "--user", "ada@example.com", "--week", "2026-W44")
    assert [m["To"] for m in smtp_server.messages] == ["ada@example.com"]
    assert smtp_server.messages[0]["Subject"].strip().startswith("Your Lowtide week, 26 Oct")


def test_without_now_only_due_users_are_sent(smtp_server):
    due = UserFactory(email="due@example.com")
    UserFactory(email="later@example.com")
    NotificationPreference.objects.filter(user=due).update(
        next_send_at=timezone.now() - timedelta(minutes=1)
    )
    run()
    assert [m["To"] for m in smtp_server.messages] == ["due@example.com"]
    assert set(Delivery.objects.values_list("user__email", flat=True)) == {"due@example.com"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--now", "--week", "2026-W60"), "ISO week"),
        (("--week", "2026-W44"), "--week needs --now"),
        (("--now", "--user", "nobody@example.com"), "No active user"),
    ],
)
def test_bad_arguments_are_explained(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
