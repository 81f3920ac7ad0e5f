"""Template filters for cohorts: small number formats. Tags format; they never query."""

from __future__ import annotations

import math

from django import template

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """0.856 -> "85%"; None -> an em dash (nothing to measure yet).

    Rounded down, so that a share just under a target never shows as the target itself (79.5% is not 80%).
    """
    if share is None:
        return "—"
    return f"{math.floor(share * 100 + 1e-9)}%"
