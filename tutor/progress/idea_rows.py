"""The rows of the progress page's table of the learner's wrong ideas, written in Python (`tutor.web.html_rows`).

The page lists ten ideas and, on request, all of them (a learner who has answered thousands of questions holds a
couple of hundred). Each row has two dates, a link, a form and two plurals: ten rows cost the template engine about
as much as the rest of the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from tutor.study.misconceptions import MisconceptionStanding
from tutor.web.html_rows import esc, html_join


def times(n: int) -> str:
    return f"{n} time{'' if n == 1 else 's'}"


def idea_rows_html(
    ideas: Iterable[MisconceptionStanding], *, csrf_token: str, zone: dt.tzinfo | None = None
) -> SafeString:
    """One row per idea: how often it was chosen and when last, whether it is still active, the section that
    corrects it and a form to practise it. Dates are in `zone` (the current time zone when none is given);
    `csrf_token` is the request's, as the template's tag writes it."""
    zone = zone or timezone.get_current_timezone()
    slug_stand_in = "idea-slug"
    before, after = reverse("progress:practise_misconception", args=[slug_stand_in]).split(slug_stand_in)
    token = esc(csrf_token)
    drawn = []
    for idea in ideas:
        last = idea.last_chosen_at.astimezone(zone)
        since = "Still active" if idea.is_active else f"Answered right {times(idea.right_since)}"
        read = (
            f'<a href="{esc(idea.section_url)}">{esc(idea.section_title)}</a>'
            if idea.section_url
            else '<span class="muted">—</span>'
        )
        count = idea.question_count
        practise = (
            f'<form method="post" action="{esc(before)}{esc(idea.slug)}{esc(after)}">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            f'<button type="submit" class="button button-small">Practise this idea ({count} question'
            f"{'' if count == 1 else 's'})</button></form>"
            if count
            else '<span class="muted">No questions</span>'
        )
        drawn.append(
            f"<tr{' class="idea-active"' if idea.is_active else ''}>\n"
            f'<th scope="row">{esc(idea.label)}</th>\n'
            f'<td data-label="Times chosen">{idea.times_chosen}</td>\n'
            f'<td data-label="Last seen"><time datetime="{last.isoformat()}">{last.day} {last:%b %Y}</time></td>\n'
            f'<td data-label="Since then">{since}</td>\n'
            f'<td data-label="Read">{read}</td>\n'
            f'<td data-label="Practise">{practise}</td>\n</tr>\n'
        )
    return html_join(drawn)
