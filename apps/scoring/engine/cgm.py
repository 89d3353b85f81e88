"""CGM event runs (R16) and the unlogged-intake plausibility check (B4, R19)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from .timeutil import HOUR, MINUTE

# Constants of version 1.0.0 (R26).
EVENT_MAX_GAP = 15 * MINUTE
EVENT_MIN_SPAN = 10 * MINUTE  # three 5-min readings = 15 min of sensor time
POST_ABSORPTIVE = 4 * HOUR
HYPO_L1_MG_DL = 70.0
HYPO_L2_MG_DL = 54.0
HYPER_L2_MG_DL = 250.0

# code -> (threshold, True if the predicate is "below" else "above"). L1 includes < 54.
EVENT_RULES: dict[str, tuple[float, bool]] = {
    "HYPO_L1_EVENT": (HYPO_L1_MG_DL, True),
    "HYPO_L2_EVENT": (HYPO_L2_MG_DL, True),
    "HYPER_L2_EVENT": (HYPER_L2_MG_DL, False),
}


@dataclass(frozen=True, slots=True)
class Event:
    first: int  # index of the first reading of the run (sorted readings)
    last: int  # index of the last reading


def find_events(
    times: Sequence[int], values: Sequence[float], threshold: float, below: bool
) -> list[Event]:
    """Maximal runs of consecutive readings strictly below (or above) `threshold` that span
    >= 10 min; a gap of more than 15 min ends a run (R16)."""
    if below:
        if not values or min(values) >= threshold:
            return []
        hits = [i for i, v in enumerate(values) if v < threshold]
    else:
        if not values or max(values) <= threshold:
            return []
        hits = [i for i, v in enumerate(values) if v > threshold]
    events: list[Event] = []
    first = prev = -2
    for i in hits:
        if i == prev + 1 and times[i] - times[prev] <= EVENT_MAX_GAP:
            prev = i
            continue
        if first >= 0 and times[prev] - times[first] >= EVENT_MIN_SPAN:
            events.append(Event(first, prev))
        first = prev = i
    if first >= 0 and times[prev] - times[first] >= EVENT_MIN_SPAN:
        events.append(Event(first, prev))
    return events


@dataclass(frozen=True, slots=True)
class Rise:
    r1: int  # reading indices
    r2: int


def unlogged_rise(
    *,
    times: Sequence[int],
    values: Sequence[float],
    lo: int,
    hi: int,
    tracking_start: int,
    cal_t: Sequence[int],
    ex_starts: Sequence[int],
    ex_bounds: Sequence[int],
    rise_mg_dl: float,
    rise_window: int,
) -> Rise | None:
    """First reading pair r1 -> r2 with r2.at in [lo, hi) that R19 counts as a possible
    unlogged intake, or None.

    With A = max(caloric intakes <= r2.at, tracking_start), "h(r1) >= 4 h and no intake in
    (r1, r2]" is exactly r1.at >= A + 4 h. Together with r1.at >= r2.at - window and the
    exercise bound (no session overlapping [r1 - window, r2]), r1 ranges over
    [bound(r2), r2.at), whose lower bound never decreases with r2: a monotone-deque sliding
    minimum finds the largest rise in one pass per post-absorptive stretch.
    """
    if lo >= hi or not times:
        return None
    # Anchors start the stretches: tracking_start, then the caloric intakes after it (an
    # intake at or before it is no anchor). Only the one in force at lo and later ones that
    # come before hi matter.
    first = max(bisect_right(cal_t, tracking_start), bisect_right(cal_t, lo) - 1)
    anchors = [tracking_start, *cal_t[first : bisect_left(cal_t, hi)]]
    # Stretch k: r1 and r2 lie in [anchors[k] + 4 h, anchors[k + 1]).
    k = max(0, bisect_right(anchors, lo) - 1)
    while k < len(anchors):
        begin = anchors[k] + POST_ABSORPTIVE
        end = anchors[k + 1] if k + 1 < len(anchors) else hi
        end = min(end, hi)
        k += 1
        if begin >= hi:
            break
        if end <= lo or end <= begin:
            continue
        j0, j1 = bisect_left(times, begin), bisect_left(times, end)
        if j1 - j0 < 2:
            continue
        seg = values[j0:j1]
        if max(seg) - min(seg) < rise_mg_dl:
            continue  # a flat night: no pair can rise enough
        found = _scan(times, values, j0, j1, lo, ex_starts, ex_bounds, rise_mg_dl, rise_window)
        if found is not None:
            return found
    return None


def _scan(
    times: Sequence[int],
    values: Sequence[float],
    j0: int,
    j1: int,
    lo: int,
    ex_starts: Sequence[int],
    ex_bounds: Sequence[int],
    rise_mg_dl: float,
    rise_window: int,
) -> Rise | None:
    window: deque[int] = deque()  # candidate r1 indices, values increasing
    add = j0
    for i2 in range(j0, j1):
        t2 = times[i2]
        while add < i2 and times[add] < t2:  # r1 strictly before r2 (0 < r2 - r1)
            v = values[add]
            while window and values[window[-1]] >= v:
                window.pop()
            window.append(add)
            add += 1
        if t2 < lo:
            continue
        bound = t2 - rise_window
        if ex_starts:
            e = bisect_right(ex_starts, t2) - 1
            if e >= 0 and ex_bounds[e] > bound:
                bound = ex_bounds[e]
        while window and times[window[0]] < bound:
            window.popleft()
        if window and values[i2] - values[window[0]] >= rise_mg_dl:
            return Rise(window[0], i2)
    return None
