from __future__ import annotations

from apps.common.errors import NotFound
from apps.fasting.models import FastingWindow

NO_ONGOING = "No fast is ongoing."


def fasting_window_current(*, user) -> FastingWindow:
    window = FastingWindow.objects.filter(
        user=user, ended_at__isnull=True, deleted_at__isnull=True
    ).first()
    if window is None:
        raise NotFound(NO_ONGOING)
    return window
