"""Reporting rounding (R27): decimal half-even on the shortest repr, only at the very end."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal


def _quantize(x: float, places: int) -> Decimal:
    # repr() first: 45.85 rounds to 45.8 and 0.15 to 0.2, as a person reading them expects.
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def round_half_even(x: float, places: int) -> float:
    return float(_quantize(x, places)) + 0.0  # + 0.0 turns -0.0 into 0.0


def fmt(x: float, places: int = 0) -> str:
    """Number for explanation text, rounded like the reported values."""
    d = _quantize(x, places)
    return f"{abs(d) if d == 0 else d:f}"
