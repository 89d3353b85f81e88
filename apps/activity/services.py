from __future__ import annotations

from datetime import date, timedelta

from apps.activity.models import ExerciseSession
from apps.common.records import RecordSpec
from apps.common.timeutils import local_dates_between


def _dirty_dates(session: ExerciseSession, tz: str) -> list[date]:
    end = session.started_at + timedelta(minutes=session.minutes or 0)
    return local_dates_between(session.started_at, end, tz)


EXERCISE_SESSION = RecordSpec(
    model=ExerciseSession,
    fields=("started_at", "minutes", "intensity", "kind", "note"),
    dirty_dates=_dirty_dates,
)
