"""Reporting rounding (R27): decimal half-even on the shortest repr, only at the very end."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(8)}


def _needs_decimal(text: str, places: int) -> bool:
    """True unless Python's correctly rounded round() on the binary value is known to agree
    with rounding the shortest repr. They can differ only when the repr ends exactly on a
    tie (places + 1 decimals, the last one 5), or for exponent notation."""
    if "e" in text or "n" in text:  # 1e-07, inf, nan
        return True
    decimals = len(text) - text.index(".") - 1
    return decimals == places + 1 and text[-1] == "5"


def round_half_even(x: float, places: int) -> float:
    """Decimal(repr(x)).quantize(10**-places, ROUND_HALF_EVEN) as a float (R27).

    45.85 -> 45.8 and 0.15 -> 0.2 (as read), where round() on the binary value gives 45.9
    and 0.1. The fast path is exact: if repr(x) has more decimals than places + 1, the tie
    point cannot lie between x and its repr (a shorter decimal would then be the repr)."""
    x = float(x)
    text = repr(x)
    if _needs_decimal(text, places):
        quantum = _QUANTA.get(places) or Decimal(1).scaleb(-places)
        return float(Decimal(text).quantize(quantum, rounding=ROUND_HALF_EVEN)) + 0.0
    return round(x, places) + 0.0  # + 0.0 turns -0.0 into 0.0


def fmt(x: float, places: int = 0) -> str:
    """Number for explanation text, rounded like the reported values."""
    return f"{round_half_even(x, places):.{places}f}"
