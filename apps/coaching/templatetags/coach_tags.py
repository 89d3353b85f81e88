"""Small display helpers for the coach pages."""

from __future__ import annotations

from django import template

register = template.Library()

_BLOCKS = "▁▂▃▄▅▆▇█"


@register.filter
def sparkline(values: list[float | None]) -> str:
    """Scores 0–100 as block characters; a missing day is a middle dot."""
    out = []
    for value in values or []:
        if value is None:
            out.append("·")
        else:
            index = min(len(_BLOCKS) - 1, max(0, int(value / 100 * len(_BLOCKS))))
            out.append(_BLOCKS[index])
    return "".join(out)


@register.filter
def metric(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"
