from __future__ import annotations

from datetime import date
from uuid import UUID


def user_data_date_range(*, user_id: UUID) -> tuple[date, date] | None:
    return None
