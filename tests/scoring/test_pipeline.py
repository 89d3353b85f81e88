"""The recompute pipeline: durable dirty marks, coalescing, idempotence, the score API."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from apps.fasting.models import FastingWindow
from apps.glucose.models import GlucoseReading
from apps.notifications.models import Notification
from apps.nutrition.models import Meal
from apps.scoring import services
from apps.scoring.models import DailyScore, DirtyDay, SafetyFlag

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def dirty_dates(user) -> set[date]:
    return set(DirtyDay.objects.filter(user=user).values_list("local_date", flat=True))


def test_a_meal_dirties_its_day_in_the_same_request(member, member_client):
    eaten = datetime.now(UTC) - timedelta(days=3)
    response = member_client.post(
        "/api/v1/meals/", {"eaten_at": eaten.isoformat(), "kcal": 600}, format="json"
    )
    assert response.status_code == 201
    assert eaten.astimezone(BERLIN).date() in dirty_dates(member)


def test_a_fast_spanning_midnight_dirties_both_days(member, member_client):
    start = datetime(2026, 11, 9, 20, tzinfo=BERLIN)
    member_client.post(
        "/api/v1/fasts/",
        {"started_at": start.isoformat(), "ended_at": (start + timedelta(hours=16)).isoformat()},
        format="json",
    )
    assert {date(2026, 11, 9), date(2026, 11, 10)} <= dirty_dates(member)


def test_a_time_zone_change_dirties_the_whole_history(member, member_client):
    first = datetime.now(UTC) - timedelta(days=20)
    GlucoseReading.objects.create(user=member, measured_at=first, value_mgdl=100)
    DirtyDay.objects.all().delete()
    member_client.patch("/api/v1/me/", {"timezone": "Asia/Tokyo"}, format="json")
    days = dirty_dates(member)
    assert len(days) >= 20
    assert min(days) <= first.astimezone(ZoneInfo("Asia/Tokyo")).date()


def test_a_bulk_upload_dirties_the_days_of_the_created_rows(member, member_client):
    at = datetime(2026, 11, 1, 12, tzinfo=BERLIN)
    member_client.post(
        "/api/v1/glucose/readings/bulk/",
        {
            "readings": [
                {"measured_at": at.isoformat(), "value": 90, "unit": "mg/dL", "device": "g7"},
                {
                    "measured_at": (at + timedelta(days=1)).isoformat(),
                    "value": 90,
                    "unit": "mg/dL",
                    "device": "g7",
                },
            ]
        },
        format="json",
    )
    assert dirty_dates(member) == {date(2026, 11, 1), date(2026, 11, 2)}


def test_a_bulk_upload_dirties_the_users_local_days_not_utc_ones(member, member_client):
    """23:30 UTC is 00:30 the next day in Berlin, the member's zone."""
    response = member_client.post(
        "/api/v1/glucose/readings/bulk/",
        {
            "readings": [
                {"measured_at": "2026-11-01T23:30:00+00:00", "value": 90, "device": "g7"},
                {"measured_at": "2026-11-03T12:00:00+00:00", "value": 91, "device": "g7"},
            ]
        },
        format="json",
    )
    assert response.json()["created"] == 2
    assert dirty_dates(member) == {date(2026, 11, 2), date(2026, 11, 3)}


def seed_day(user, day: date):
    start = datetime(day.year, day.month, day.day, tzinfo=BERLIN)
    FastingWindow.objects.create(
        user=user, started_at=start - timedelta(hours=4), ended_at=start + timedelta(hours=12)
    )
    GlucoseReading.objects.bulk_create(
        GlucoseReading(
            user=user, measured_at=start + timedelta(minutes=5 * i), value_mgdl=95, device="g7"
        )
        for i in range(288)
    )
    services.score_days_mark_dirty(user_id=user.pk, dates=[day])


def test_recompute_scores_the_dirty_days_and_clears_the_marks(member):
    seed_day(member, date(2026, 11, 10))
    assert services.score_user_dirty_days_recompute(user_id=member.pk) == 1
    row = DailyScore.objects.get(user=member, local_date=date(2026, 11, 10))
    assert row.score is not None and 0 <= row.score <= 100
    assert row.algorithm_version == "mtor-heuristic/1.0.0"
    assert len(row.params_sha256) == 64
    assert row.status == "final"
    assert row.has_data
    assert "fasting" in row.components
    assert not DirtyDay.objects.exists()


def test_running_the_recompute_twice_leaves_identical_rows(member):
    seed_day(member, date(2026, 11, 10))
    services.score_user_dirty_days_recompute(user_id=member.pk)
    first = DailyScore.objects.values(
        "score", "confidence", "components", "flags", "inputs_digest"
    ).get()
    services.score_days_mark_dirty(user_id=member.pk, dates=[date(2026, 11, 10)])
    services.score_user_dirty_days_recompute(user_id=member.pk)
    assert DailyScore.objects.count() == 1
    assert (
        DailyScore.objects.values(
            "score", "confidence", "components", "flags", "inputs_digest"
        ).get()
        == first
    )


def test_a_day_dirtied_again_during_a_recompute_stays_dirty(member):
    seed_day(member, date(2026, 11, 10))
    consumed = list(DirtyDay.objects.values_list("id", "user_id", "local_date", "token"))
    # A write commits while the task computes: the mark gets a new token.
    services.score_days_mark_dirty(user_id=member.pk, dates=[date(2026, 11, 10)])
    services._consume(consumed)
    assert dirty_dates(member) == {date(2026, 11, 10)}


def test_changed_data_changes_the_inputs_digest(member):
    seed_day(member, date(2026, 11, 10))
    services.score_user_dirty_days_recompute(user_id=member.pk)
    before = DailyScore.objects.get().inputs_digest
    GlucoseReading.objects.filter(user=member).update(change_seq=99)
    services.score_days_mark_dirty(user_id=member.pk, dates=[date(2026, 11, 10)])
    services.score_user_dirty_days_recompute(user_id=member.pk)
    assert DailyScore.objects.get().inputs_digest != before


def test_future_days_are_not_scored(member):
    services.score_days_mark_dirty(
        user_id=member.pk, dates=[datetime.now(UTC).date() + timedelta(days=5)]
    )
    assert services.score_user_dirty_days_recompute(user_id=member.pk) == 0
    assert not DirtyDay.objects.exists()


def test_today_is_provisional(member):
    today = datetime.now(UTC).astimezone(BERLIN).date()
    seed_day(member, today - timedelta(days=1))
    services.score_days_mark_dirty(user_id=member.pk, dates=[today])
    services.score_user_dirty_days_recompute(user_id=member.pk)
    assert DailyScore.objects.get(local_date=today).status == "provisional"


def test_a_level_2_low_raises_a_flag_row_and_an_inbox_notification(member):
    day = date(2026, 11, 10)
    start = datetime(2026, 11, 10, 3, tzinfo=BERLIN)
    GlucoseReading.objects.bulk_create(
        GlucoseReading(
            user=member, measured_at=start + timedelta(minutes=5 * i), value_mgdl=50, device="g7"
        )
        for i in range(6)
    )
    services.score_days_mark_dirty(user_id=member.pk, dates=[day])
    services.score_user_dirty_days_recompute(user_id=member.pk)
    codes = set(SafetyFlag.objects.filter(user=member).values_list("code", flat=True))
    assert "HYPO_L2_EVENT" in codes
    note = Notification.objects.get(
        user=member, kind="safety_flag", dedupe_key="flag:2026-11-10:HYPO_L2_EVENT"
    )
    assert note.severity == "high"
    # Recomputing does not notify twice.
    services.score_days_mark_dirty(user_id=member.pk, dates=[day])
    services.score_user_dirty_days_recompute(user_id=member.pk)
    assert Notification.objects.filter(user=member, kind="safety_flag").count() == len(
        [c for c in codes if c in services.INBOX_FLAG_TITLES]
    )


def test_the_score_api_lists_every_day_and_says_when_there_is_no_data(member, member_client):
    seed_day(member, date(2026, 11, 10))
    services.score_user_dirty_days_recompute(user_id=member.pk)
    services.score_days_mark_dirty(user_id=member.pk, dates=[date(2026, 11, 11)])
    body = member_client.get(
        "/api/v1/scores/daily/", {"start_date": "2026-11-09", "end_date": "2026-11-11"}
    ).json()
    assert [d["local_date"] for d in body] == ["2026-11-09", "2026-11-10", "2026-11-11"]
    assert body[0]["score"] is None and body[0]["confidence"] == 0 and not body[0]["has_data"]
    assert body[1]["score"] is not None and body[1]["status"] == "final"
    assert body[2]["status"] == "pending"
    one = member_client.get("/api/v1/scores/daily/2026-11-10/").json()
    assert one["score"] == body[1]["score"]
    assert member_client.get("/api/v1/days/2026-11-10/").json()["score"]["score"] == one["score"]


def test_another_users_scores_are_never_returned(member, other_client):
    seed_day(member, date(2026, 11, 10))
    services.score_user_dirty_days_recompute(user_id=member.pk)
    body = other_client.get("/api/v1/scores/daily/2026-11-10/").json()
    assert body["score"] is None


@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "2026-11-10", "end_date": "2026-11-01"},
        {"start_date": "2020-01-01", "end_date": "2026-01-01"},
        {"start_date": "x"},
    ],
)
def test_bad_score_ranges_are_400(member_client, query):
    assert member_client.get("/api/v1/scores/daily/", query).status_code == 400


def test_recompute_scores_command_marks_history_and_enqueues_batches(
    member, other_member, capsys, monkeypatch
):
    from apps.scoring.management.commands import recompute_scores

    for user in (member, other_member):
        GlucoseReading.objects.create(
            user=user, measured_at=datetime.now(UTC) - timedelta(days=3), value_mgdl=100
        )
    DirtyDay.objects.all().delete()
    sent = []
    monkeypatch.setattr(
        recompute_scores, "score_recompute_enqueue_batch", lambda *, user_ids: sent.append(user_ids)
    )
    call_command("recompute_scores", "--user", member.email)
    assert len(dirty_dates(member)) >= 3 and not dirty_dates(other_member)
    assert sent == [[member.pk]]
    call_command("recompute_scores", "--all")
    assert sorted(sent[1]) == sorted([member.pk, other_member.pk])
    assert "Marked" in capsys.readouterr().out


def test_the_sweeper_enqueues_old_marks_in_batches(member, monkeypatch):
    from apps.scoring import tasks
    from tests.factories import UserFactory

    others = [UserFactory() for _ in range(3)]
    for user in [member, *others]:
        services.score_days_mark_dirty(user_id=user.pk, dates=[date(2026, 11, 10)])
    fresh = UserFactory()
    services.score_days_mark_dirty(user_id=fresh.pk, dates=[date(2026, 11, 10)])
    DirtyDay.objects.exclude(user=fresh).update(dirtied_at=datetime.now(UTC) - timedelta(minutes=5))
    sent = []
    monkeypatch.setattr(services, "USERS_PER_BATCH", 3)
    monkeypatch.setattr(
        services, "score_recompute_enqueue_batch", lambda *, user_ids: sent.append(user_ids)
    )
    assert tasks.sweep_dirty_days() == 4
    assert [len(batch) for batch in sent] == [3, 1]
    assert {u for batch in sent for u in batch} == {member.pk, *(u.pk for u in others)}


def scores_of(users) -> dict:
    fields = ("user_id", "local_date", "score", "confidence", "components", "flags")
    fields += ("inputs_digest", "status", "has_data")
    return {
        (row["user_id"], row["local_date"]): row
        for row in DailyScore.objects.filter(user__in=users).values(*fields)
    }


def test_a_batch_scores_exactly_as_one_user_at_a_time(member, other_member):
    from tests.factories import UserFactory

    users = [member, other_member, UserFactory()]
    for n, user in enumerate(users):
        for day in (date(2026, 11, 9), date(2026, 11, 10)):
            seed_day(user, day)
        GlucoseReading.objects.filter(user=user, measured_at__hour=n + 3).update(value_mgdl=50)
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    assert services.score_users_dirty_days_recompute(user_ids=[u.pk for u in users], now=now) == 6
    batched = scores_of(users)
    flags = set(SafetyFlag.objects.values_list("user_id", "local_date", "code"))
    assert {user_id for user_id, _, _ in flags} == {u.pk for u in users}
    for user in users:
        services.score_days_mark_dirty(
            user_id=user.pk, dates=[date(2026, 11, 9), date(2026, 11, 10)]
        )
        services.score_user_dirty_days_recompute(user_id=user.pk, now=now)
    assert scores_of(users) == batched
    assert set(SafetyFlag.objects.values_list("user_id", "local_date", "code")) == flags
    assert not DirtyDay.objects.exists()


def test_a_flag_no_longer_raised_goes_and_an_acknowledged_one_stays_acknowledged(member, coach):
    day = date(2026, 11, 10)
    start = datetime(2026, 11, 10, 3, tzinfo=BERLIN)
    lows = GlucoseReading.objects.bulk_create(
        GlucoseReading(user=member, measured_at=start + timedelta(minutes=5 * i), value_mgdl=v)
        for i, v in enumerate([50] * 6 + [65] * 6)
    )
    services.score_days_mark_dirty(user_id=member.pk, dates=[day])
    services.score_user_dirty_days_recompute(user_id=member.pk)
    codes = set(SafetyFlag.objects.filter(user=member).values_list("code", flat=True))
    assert {"HYPO_L1_EVENT", "HYPO_L2_EVENT"} <= codes
    acknowledged_at = datetime.now(UTC)
    SafetyFlag.objects.filter(code="HYPO_L1_EVENT").update(
        acknowledged_at=acknowledged_at, acknowledged_by=coach
    )
    # The level 2 low was a sensor error: deleting it leaves only the level 1 low.
    GlucoseReading.objects.filter(pk__in=[r.pk for r in lows[:6]]).update(
        deleted_at=datetime.now(UTC)
    )
    services.score_days_mark_dirty(user_id=member.pk, dates=[day])
    services.score_user_dirty_days_recompute(user_id=member.pk)
    remaining = {f.code: f for f in SafetyFlag.objects.filter(user=member)}
    assert "HYPO_L2_EVENT" not in remaining
    assert remaining["HYPO_L1_EVENT"].acknowledged_at == acknowledged_at
    assert remaining["HYPO_L1_EVENT"].acknowledged_by == coach


def test_stored_readings_reach_the_engine_exactly_as_validated_ones(member):
    from apps.scoring import engine
    from apps.scoring.inputs import load_inputs

    at = datetime(2026, 11, 3, 7, 15, 42, 123457, tzinfo=UTC)  # odd microseconds survive
    GlucoseReading.objects.create(user=member, measured_at=at, value_mgdl=101.5)
    loaded = load_inputs(profile=member.profile, first=date(2026, 11, 3), last=date(2026, 11, 3))
    [reading] = loaded.inputs.glucose
    assert reading == engine.GlucoseReading(at=at, mg_dl=101.5)
    assert reading._us == engine.GlucoseReading(at=at, mg_dl=101.5)._us
    assert reading.at.tzinfo is UTC


@pytest.mark.django_db(transaction=True)
def test_the_relaxed_wal_flush_does_not_outlive_the_scoring_transaction(member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.score_days_mark_dirty(user_id=member.pk, dates=[date(2026, 11, 3)])
    with CaptureQueriesContext(connection) as queries:
        services.score_user_dirty_days_recompute(user_id=member.pk)
    statements = [q["sql"] for q in queries]
    relaxed = statements.index("SET LOCAL synchronous_commit = off")
    assert statements[relaxed + 1 :].index("COMMIT") > 0  # the scores are written inside it
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"  # SET LOCAL ended with the scoring transaction


def test_a_fast_beyond_72_hours_reaches_the_inbox_though_the_engine_grades_it_warning(member):
    start = datetime(2026, 11, 6, 20, tzinfo=BERLIN)
    end = start + timedelta(hours=80)
    member.profile.tracking_start = start - timedelta(minutes=30)
    member.profile.save()
    FastingWindow.objects.create(user=member, started_at=start, ended_at=end)
    Meal.objects.create(user=member, eaten_at=end + timedelta(minutes=10), kcal=700)
    day = end.date()
    services.score_days_mark_dirty(user_id=member.pk, dates=[day])
    services.score_user_dirty_days_recompute(user_id=member.pk)
    flag = SafetyFlag.objects.get(user=member, local_date=day, code="PROLONGED_FAST")
    assert flag.severity == "warning", flag.evidence  # SCORING.md: high only beyond 120 h
    note = Notification.objects.get(
        user=member, dedupe_key=f"flag:{day.isoformat()}:PROLONGED_FAST"
    )
    assert note.title == "Prolonged fast" and note.severity == "high"


def test_users_read_together_get_exactly_the_rows_each_reads_alone(member, other_member):
    from apps.activity.models import ExerciseSession
    from apps.days.models import DayConfirmation
    from apps.scoring.inputs import load_inputs, load_inputs_many
    from tests.factories import UserFactory

    far = UserFactory(profile__timezone="Pacific/Auckland")
    other_member.profile.timezone = "Asia/Kolkata"
    other_member.profile.save()
    base = datetime(2026, 10, 20, tzinfo=UTC)
    for n, user in enumerate([member, other_member, far]):
        for d in range(0, 40, 3):  # meals, fasts, exercise, readings and confirmations
            at = base + timedelta(days=d, hours=n)
            Meal.objects.create(user=user, eaten_at=at + timedelta(hours=12), kcal=500 + d)
            Meal.objects.create(user=user, eaten_at=at + timedelta(hours=14), kcal=0)
            FastingWindow.objects.create(
                user=user, started_at=at - timedelta(hours=6), ended_at=at + timedelta(hours=11)
            )
            ExerciseSession.objects.create(user=user, started_at=at, minutes=30 + n)
            DayConfirmation.objects.create(user=user, date=at.date(), food_log_complete=d % 2 == 0)
            GlucoseReading.objects.bulk_create(
                GlucoseReading(user=user, measured_at=at + timedelta(minutes=7 * i), value_mgdl=90)
                for i in range(40)
            )
    requests = [
        (member.profile, date(2026, 11, 10), date(2026, 11, 16)),
        (other_member.profile, date(2026, 11, 5), date(2026, 11, 12)),  # earlier start
        (member.profile, date(2026, 10, 28), date(2026, 11, 3)),  # a second chunk
        (far.profile, date(2026, 11, 20), date(2026, 11, 24)),
        (far.profile, date(2026, 9, 1), date(2026, 9, 3)),  # nothing in range but the anchor
    ]
    together = load_inputs_many(requests)
    alone = [load_inputs(profile=p, first=first, last=last) for p, first, last in requests]
    for shared, single in zip(together, alone, strict=True):
        assert shared.inputs == single.inputs
        assert {k: sorted(v) for k, v in shared.markers.items()} == {
            k: sorted(v) for k, v in single.markers.items()
        }
    assert all(loaded.inputs.meals for loaded in alone[:4])  # the case is not vacuous
