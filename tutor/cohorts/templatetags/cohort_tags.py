"""Template tags for cohorts: the learner's assignments (for their dashboard) and small number formats."""

from __future__ import annotations

import math

from django import template
from django.utils import timezone

from tutor.catalog.snapshot import catalog
from tutor.cohorts import selectors

register = template.Library()


@register.inclusion_tag("cohorts/_learner_assignments.html", takes_context=True)
def learner_assignments(context) -> dict:
    """The logged-in learner's assignments with status and due dates; nothing at all when they have none.

    Usage: {% load cohort_tags %}{% learner_assignments %}. Costs three or four queries (assignments, module
    progress, completions, and exams when an assignment needs one). It reads only: completions are recorded when
    the answer that completes an assignment is recorded.
    """
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return {"statuses": []}
    snapshot, now = catalog(), timezone.now()
    return {
        "statuses": selectors.learner_assignments(learner=user, snapshot=snapshot, now=now),
        "show_cohort": True,
        "today": timezone.localdate(now),
    }


@register.filter
def percent(share: float | None) -> str:
    """0.856 -> "85%"; None -> an em dash (nothing to measure yet).

    Rounded down, so that a share just under a target never shows as the target itself (79.5% is not 80%).
    """
    if share is None:
        return "—"
    return f"{math.floor(share * 100 + 1e-9)}%"
