"""Fasting depth F (B3.1, R1, R5, R7, R8) without a per-minute loop.

Within a run of grid minutes where the anchor and the verified status do not change,
h(t_k) = h0 + j/60 is an arithmetic sequence, and g is piecewise linear in h. So the
left-endpoint sum of R1, sum_k g(h_eff(t_k)), is a sum of arithmetic series, one per piece
of g the run crosses. This reproduces the minute sum (not the integral of g) exactly, up to
float rounding, at a cost independent of the number of minutes.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from .params import CompiledParams, depth
from .timeutil import HOUR, INF, MINUTE, ceil_div

Knots = tuple[tuple[float, float], ...]

# Per-minute quality levels of q_F (B3.1; constants of version 1.0.0, R26).
Q_VERIFIED = 1.0
Q_MEAL_ANCHORED = 0.6
Q_TRACKING_ANCHORED = 0.2


def effective_windows(
    windows: Sequence[tuple[int, int | None]], cal_t: Sequence[int], as_of: int | None
) -> tuple[list[int], list[int]]:
    """Merged effective windows [a, b) as two sorted lists (R7).

    A window ends at its logged end, at the first caloric intake after its start, or at
    as_of, whichever comes first; so a forgotten open window cannot verify later days.
    """
    cut = INF if as_of is None else as_of
    spans = []
    for start, end in windows:
        i = bisect_right(cal_t, start)
        stop = min(INF if end is None else end, cal_t[i] if i < len(cal_t) else INF, cut)
        if stop > start:
            spans.append((start, stop))
    spans.sort()
    starts: list[int] = []
    ends: list[int] = []
    for a, b in spans:
        if ends and a <= ends[-1]:  # overlapping or touching windows merge
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return starts, ends


def in_windows(t: int, starts: Sequence[int], ends: Sequence[int]) -> bool:
    i = bisect_right(starts, t) - 1
    return i >= 0 and t < ends[i]


def sum_depth(h0: float, n: int, knots: Knots) -> float:
    """sum_{j=0}^{n-1} g(h0 + j/60) for the piecewise-linear g given by `knots`."""
    total = 0.0
    done = 0  # terms summed so far; they all have h below the current knot
    prev: tuple[float, float] | None = None
    for hk, gk in knots:
        # First j with h0 + j/60 >= hk. g is continuous, so a float tie at a knot is harmless.
        upto = min(n, max(done, math.ceil((hk - h0) * 60.0)))
        cnt = upto - done
        if cnt > 0:
            if prev is None:
                total += cnt * gk  # g is constant before the first knot
            else:
                ha, ga = prev
                slope = (gk - ga) / (hk - ha)
                # sum_{j=done}^{upto-1} [ga + slope * (h0 + j/60 - ha)]
                total += cnt * (ga + slope * (h0 - ha)) + slope * (done + upto - 1) * cnt / 120.0
        done = upto
        if done >= n:
            return total
        prev = (hk, gk)
    return total + (n - done) * knots[-1][1]  # constant beyond the last knot


@dataclass(frozen=True, slots=True)
class FastingResult:
    value: float  # F in [0, 100]
    quality: float  # q_F before the CGM plausibility halving
    peak_h: float  # max h_eff over scored minutes (sampled, R1)
    peak_depth: float
    mean_depth: float
    scored_minutes: int
    verified_minutes: int


def fasting_component(
    *,
    s: int,
    day_minutes: int,
    hi: int,
    tracking_start: int,
    cal_t: Sequence[int],
    win_starts: Sequence[int],
    win_ends: Sequence[int],
    confirmed: bool,
    cp: CompiledParams,
) -> FastingResult | None:
    """F for the local day [s, s + day_minutes) with scored minutes below `hi` (R1)."""
    k0 = max(0, ceil_div(tracking_start - s, MINUTE))
    k1 = min(day_minutes, ceil_div(hi - s, MINUTE))
    if k1 <= k0:
        return None  # no scored minute: F unavailable
    t_first, t_last = s + k0 * MINUTE, s + (k1 - 1) * MINUTE
    cuts = {k0, k1}
    # The anchor changes at the first grid minute at or after each caloric intake.
    lo, hi_i = bisect_right(cal_t, t_first), bisect_right(cal_t, t_last)
    for m in cal_t[lo:hi_i]:
        cuts.add(ceil_div(m - s, MINUTE))
    if not confirmed:  # verification changes at window bounds (start in, end out)
        i = max(0, bisect_right(win_starts, t_first) - 1)
        for a, b in zip(win_starts[i:], win_ends[i:], strict=True):
            if a > t_last:
                break
            for t in (a, b):
                k = ceil_div(t - s, MINUTE)
                if k0 < k < k1:
                    cuts.add(k)
    bounds = sorted(cuts)

    cap = cp.unverified_cap_h
    g_sum = 0.0
    q_sum = 0.0
    peak_h = 0.0
    verified_minutes = 0
    for ka, kb in itertools.pairwise(bounds):
        t = s + ka * MINUTE
        j = bisect_right(cal_t, t) - 1
        meal = cal_t[j] if j >= 0 else None
        meal_anchored = meal is not None and meal >= tracking_start
        anchor = meal if meal_anchored else tracking_start  # R5
        verified = confirmed or in_windows(t, win_starts, win_ends)
        n = kb - ka
        h0 = (t - anchor) / HOUR
        h_end = (t + (n - 1) * MINUTE - anchor) / HOUR  # h is increasing within the run
        if verified:
            g_sum += sum_depth(h0, n, cp.knots)
            q_sum += n * Q_VERIFIED
            verified_minutes += n
        else:
            g_sum += sum_depth(h0, n, cp.knots_capped)
            q_sum += n * (Q_MEAL_ANCHORED if meal_anchored else Q_TRACKING_ANCHORED)
            h_end = min(h_end, cap)
        peak_h = max(peak_h, h_end)

    scored = k1 - k0
    peak = depth(peak_h, cp.knots)
    mean = g_sum / scored
    a = cp.fast_peak_weight
    value = min(100.0, max(0.0, 100.0 * (a * peak + (1.0 - a) * mean)))
    quality = q_sum / day_minutes if day_minutes else 0.0
    return FastingResult(
        value=value,
        quality=min(1.0, quality),
        peak_h=peak_h,
        peak_depth=peak,
        mean_depth=mean,
        scored_minutes=scored,
        verified_minutes=verified_minutes,
    )
