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
