"""Score writes: marking days dirty (in the caller's transaction) and recomputing them."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from apps.scoring.models import DirtyDay
from apps.sync.changes import score_seq_bump

logger = logging.getLogger(__name__)

# Never dirty an unbounded history in one go (a tz change on a 10-year account).
MAX_HISTORY_DAYS = 3 * 366


def score_days_mark_dirty(*, user_id: UUID, dates: Iterable[date], enqueue: bool = True) -> None:
    """Record days to recompute; call inside the transaction that changed the data.
    `enqueue=False` leaves the enqueueing to the caller (batches of many users)."""
    days = sorted(set(dates))
    if not days:
        return
    now = timezone.now()
    DirtyDay.objects.bulk_create(
        [DirtyDay(user_id=user_id, local_date=d, token=uuid.uuid4(), dirtied_at=now) for d in days],
        update_conflicts=True,
        unique_fields=["user", "local_date"],
        update_fields=["token", "dirtied_at"],
    )
    # The day now reads "pending". robust: the data has committed, so a failed bump is
    # logged rather than turning the write into an error (a cached timeline then lags until
    # the user's next change or the entry's hour is up; decision 0016).
    transaction.on_commit(lambda: score_seq_bump(user_ids=[user_id]), robust=True)
    if enqueue:
        transaction.on_commit(lambda: score_recompute_enqueue(user_id=user_id))


def score_history_mark_dirty(*, user_id: UUID) -> None:
    """A profile change (time zone, body data...) can change every scored day."""
    from apps.scoring.selectors import user_data_date_range

    span = user_data_date_range(user_id=user_id)
    if span is None:
        return
    first, last = span
    first = max(first, last - timedelta(days=MAX_HISTORY_DAYS))
    score_days_mark_dirty(
        user_id=user_id, dates=(first + timedelta(days=i) for i in range((last - first).days + 1))
    )


def score_recompute_enqueue(*, user_id: UUID) -> None:
    """Best effort: the dirty marks are durable, a sweeper re-enqueues what this misses."""
    try:
        from apps.scoring.tasks import recompute_user_scores

        recompute_user_scores.apply_async(
            args=[str(user_id)], retry=False, queue="scoring", routing_key="scoring"
        )
    except Exception as exc:  # broker down or hung: never the client's problem
        logger.warning(
            "score recompute not enqueued (%s); the sweeper will pick it up", type(exc).__name__
        )


def score_recompute_enqueue_batch(*, user_ids: list[UUID]) -> None:
    """Best effort, like score_recompute_enqueue, for a batch scored in one task."""
    try:
        from apps.scoring.tasks import recompute_users_scores

        recompute_users_scores.apply_async(
            args=[[str(user_id) for user_id in user_ids]],
            retry=False,
            queue="scoring",
            routing_key="scoring",
        )
    except Exception as exc:
        logger.warning("score batch not enqueued (%s); the next sweep retries", type(exc).__name__)


# --- Recompute --------------------------------------------------------------------------

# Days scored per engine call: bounds memory when a whole history is dirty.
CHUNK_DAYS = 31
# Marks consumed per transaction.
MARK_BATCH = 400
# Users scored together by the sweeper's batch task and the inline recompute.
USERS_PER_BATCH = 50
# Flags that reach the user's inbox: the engine's high-severity ones, and these codes at any
# severity (the scoring issue lists fasts beyond 72 h and very low calorie days, which
# SCORING.md grades "warning"; docs/decisions/0012-safety-notices.md).
INBOX_FLAG_TITLES = {
    "HYPO_L2_EVENT": "Level 2 low glucose",
    "PROLONGED_FAST": "Prolonged fast",
    "VERY_LOW_CALORIE": "Very low calorie day",
    "MEDICAL_CONTEXT": "Discuss fasting with your clinician",
}


def score_user_dirty_days_recompute(*, user_id: UUID, now=None) -> int:
    """Coalesce every dirty day of the user, score them, upsert, and clear the consumed marks.

    Idempotent: running it twice leaves the same rows. A mark whose token changed while we
    computed (the day was dirtied again) is not deleted, so that day is scored again.
    Returns the number of days scored.
    """
    return score_users_dirty_days_recompute(user_ids=[user_id], now=now)


def score_users_dirty_days_recompute(*, user_ids: Sequence[UUID], now=None) -> int:
    """The same for many users at once (the sweeper's batches): each round reads the marks
    and profiles in one query each, the inputs in one query per table (load_inputs_many),
    and writes every user's scores, flags and consumed marks in one transaction with a fixed
    number of statements."""
    from apps.accounts.models import Profile

    now = now or timezone.now()
    pending = list(dict.fromkeys(user_ids))
    total = 0
    for _ in range(1000):  # bounded: a history of dirty days is consumed in rounds
        if not pending:
            break
        marks = list(
            DirtyDay.objects.filter(user_id__in=pending)
            .order_by("user_id", "local_date")
            .values_list("id", "user_id", "local_date", "token")[:MARK_BATCH]
        )
        if not marks:
            break
        days_by_user: dict[UUID, list[date]] = defaultdict(list)
        for _, user_id, day, _ in marks:
            days_by_user[user_id].append(day)
        profiles = Profile.objects.in_bulk(list(days_by_user), field_name="user_id")
        gone = [user_id for user_id in days_by_user if user_id not in profiles]
        if gone:  # users erased since: nothing to score
            DirtyDay.objects.filter(user_id__in=gone).delete()
        with transaction.atomic():
            _commit_without_flush()
            rows, flags = _score_days(
                [(profiles[u], days) for u, days in days_by_user.items() if u in profiles], now
            )
            _scores_store(rows)
            _flags_store(flags)
            _consume(marks)
            scored = list(days_by_user)
            transaction.on_commit(lambda users=scored: score_seq_bump(user_ids=users), robust=True)
        total += len(rows)
        pending = list(days_by_user)  # only users that had marks can have more
    return total


def _commit_without_flush() -> None:
    """Scores are derived data and the marks they consume commit with them: a crash that
    loses this commit loses both, so the days stay dirty and are scored again. Waiting for
    the WAL flush buys nothing here (docs/decisions/0011-score-commits-without-wal-flush.md)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _consume(marks: list[tuple]) -> None:
    """Delete the marks read, unless a write re-dirtied the day meanwhile: that gives the
    mark a fresh random token, which is in no list read here."""
    DirtyDay.objects.filter(
        id__in=[mark[0] for mark in marks], token__in=[mark[3] for mark in marks]
    ).delete()


def _score_days(users: list[tuple[Any, list[date]]], now) -> tuple[list, dict]:
    """Score each (profile, days): DailyScore rows, and the flags of each (user, day). The
    inputs of all users are read together (load_inputs_many), in chunks of <= 31 days."""
    from apps.common.timeutils import local_date
    from apps.scoring import engine
    from apps.scoring.inputs import day_has_data, inputs_digest, load_inputs_many
    from apps.scoring.models import DailyScore, ScoreStatus

    params_hash = engine.params_sha256(engine.DEFAULT_PARAMS)
    work = []
    for profile, days in users:
        today = local_date(now, profile.timezone)
        for chunk in _chunks(sorted(d for d in set(days) if d <= today)):
            work.append((profile, chunk, today))
    loaded_all = load_inputs_many([(profile, chunk[0], chunk[-1]) for profile, chunk, _ in work])
    rows: list = []
    flags: dict[tuple[UUID, date], list] = {}
    for (profile, chunk, today), loaded in zip(work, loaded_all, strict=True):
        past = [d for d in chunk if d < today]
        results = engine.score_days(loaded.inputs, past) if past else []
        if today in chunk:
            results += engine.score_days(loaded.inputs, [today], as_of=now)
        for result in results:
            day = result.local_date
            payload = result.as_dict()
            rows.append(
                DailyScore(
                    user_id=profile.user_id,
                    local_date=day,
                    algorithm_version=result.algorithm_version,
                    params_sha256=result.params_sha256,
                    score=result.score,
                    confidence=result.confidence,
                    components=payload["components"],
                    flags=payload["flags"],
                    window_start=result.window_utc[0],
                    window_end=result.window_utc[1],
                    timezone=profile.timezone,
                    inputs_digest=inputs_digest(loaded, profile, day, params_hash),
                    status=ScoreStatus.PROVISIONAL if result.provisional else ScoreStatus.FINAL,
                    has_data=day_has_data(loaded, profile, day),
                    computed_at=now,
                )
            )
            flags[(profile.user_id, day)] = list(result.flags)
    return rows, flags


def _scores_store(rows: list) -> None:
    from apps.scoring.models import DailyScore

    DailyScore.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user", "local_date", "algorithm_version"],
        update_fields=[
            "params_sha256",
            "score",
            "confidence",
            "components",
            "flags",
            "window_start",
            "window_end",
            "timezone",
            "inputs_digest",
            "status",
            "has_data",
            "computed_at",
        ],
    )


def _chunks(days: list[date]) -> list[list[date]]:
    chunks: list[list[date]] = []
    for day in days:
        if chunks and (day - chunks[-1][0]).days < CHUNK_DAYS:
            chunks[-1].append(day)
        else:
            chunks.append([day])
    return chunks


def _flags_store(flags: dict[tuple[UUID, date], list]) -> None:
    """Mirror the engine's flags as rows; high-severity ones also reach the in-app inbox.

    Set-based (a recompute runs for every change): drop the flags the engine no longer
    raises for the scored days, upsert the rest keeping any acknowledgement, and one INSERT
    of the inbox notices that are new. At most four statements, whatever the batch.
    """
    from apps.notifications.services import notifications_create_once
    from apps.scoring.models import SafetyFlag

    if not flags:
        return
    rows = [
        SafetyFlag(
            user_id=user_id,
            local_date=day,
            code=flag.code,
            severity=flag.severity,
            evidence=flag.as_dict()["evidence"],
            message=_flag_message(flag.code),
        )
        for (user_id, day), day_flags in flags.items()
        for flag in day_flags
    ]
    # IN lists, not one OR term per day: the batch's (user, day) pairs are filtered here.
    raised = {(r.user_id, r.local_date, r.code) for r in rows}
    stale = [
        pk
        for pk, user_id, day, code in SafetyFlag.objects.filter(
            user_id__in={user_id for user_id, _ in flags},
            local_date__in={day for _, day in flags},
        ).values_list("pk", "user_id", "local_date", "code")
        if (user_id, day) in flags and (user_id, day, code) not in raised
    ]
    if stale:
        SafetyFlag.objects.filter(pk__in=stale).delete()
    SafetyFlag.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user", "local_date", "code"],
        update_fields=["severity", "evidence", "message"],
    )
    notifications_create_once(
        [
            {
                "user_id": row.user_id,
                "kind": "safety_flag",
                "severity": "high",
                "title": INBOX_FLAG_TITLES.get(row.code, row.code.replace("_", " ").title()),
                "body": row.message,
                "data": {"date": row.local_date.isoformat(), "code": row.code},
                "dedupe_key": f"flag:{row.local_date.isoformat()}:{row.code}",
            }
            for row in rows
            if row.severity == "high" or row.code in INBOX_FLAG_TITLES
        ]
    )


FLAG_MESSAGES = {
    "HYPO_L1_EVENT": "Glucose stayed below 70 mg/dL for 15 minutes or more.",
    "HYPO_L2_EVENT": "Glucose stayed below 54 mg/dL for 15 minutes or more. If you feel "
    "unwell, eat fast-acting carbohydrate and seek help.",
    "TBR_ABOVE_TARGET": "Time below range was above the consensus target.",
    "HYPER_L2_EVENT": "Glucose stayed above 250 mg/dL for 15 minutes or more.",
    "ELEVATED_FASTING_GLUCOSE": "Glucose at the end of a fast was elevated.",
    "PROLONGED_FAST": "A fast went beyond 72 hours. Refeed gently and consider medical advice.",
    "VERY_LOW_CALORIE": "A complete day below 800 kcal.",
    "LOW_PROTEIN_7D": "Protein over the last 7 days averaged below 0.8 g/kg/day.",
    "MEDICAL_CONTEXT": "Your medical context makes fasting riskier: discuss it with your "
    "clinician. Fasting goals are not celebrated.",
}


def _flag_message(code: str) -> str:
    return FLAG_MESSAGES.get(code, "")


def score_dirty_days_recompute_all() -> int:
    """Score every dirty day of every user, inline (the embedded default and operators)."""
    user_ids = list(DirtyDay.objects.values_list("user_id", flat=True).distinct())
    return sum(
        score_users_dirty_days_recompute(user_ids=user_ids[i : i + USERS_PER_BATCH])
        for i in range(0, len(user_ids), USERS_PER_BATCH)
    )
