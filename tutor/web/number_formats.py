"""The project's one way to show a share as a percentage, loaded as a template builtin (no `{% load %}` needed).

Every page rounds down, so the same accuracy reads the same everywhere and a share just under a target never
shows as the target itself (79.6% is "79%", not "80%"). Filters format; they never query.
"""

from __future__ import annotations

import math

from django import template

register = template.Library()

NOTHING_YET = "—"


def whole_percent(share: float) -> int:
    """A share between 0 and 1 as a whole percentage, rounded down (0.796 -> 79)."""
    return math.floor(share * 100 + 1e-9)


@register.filter
def percent(share: float | None) -> str:
    """0.856 -> "85%"; None -> an em dash (nothing to measure yet)."""
    if share is None:
        return NOTHING_YET
    return f"{whole_percent(share)}%"


@register.filter
def percent_of(part: int | float | None, whole: int | float | None) -> str:
    """`{{ right|percent_of:seen }}`: 199 of 250 -> "79%"; nothing to divide by -> an em dash."""
    if part is None or not whole:
        return NOTHING_YET
    return percent(part / whole)


@register.filter
def days_in_words(days: float | None) -> str:
    """A span given in days, in the unit a reader expects: 0.004 -> "6 minutes", 0.3 -> "7 hours", 4.4 -> "4 days",
    95 -> "3 months"; None -> an em dash."""
    if days is None:
        return NOTHING_YET
    minutes = days * 24 * 60
    for size, unit in ((60 * 24 * 30, "month"), (60 * 24, "day"), (60, "hour"), (1, "minute")):
        if minutes >= size * (2 if unit == "month" else 1):
            count = math.floor(minutes / size + 0.5)
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return "under a minute"
