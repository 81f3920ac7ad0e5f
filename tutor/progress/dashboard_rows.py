"""The rows of the progress page's tables, written in Python (`tutor.web.html_rows`): the learner's modules, their
true retention and their wrong ideas.

The page lists ten ideas and, on request, all of them (a learner who has answered thousands of questions holds a
couple of hundred); each row has two dates, a link, a form and two plurals. The module and retention tables are
shorter but every cell is a figure through a filter: the three tables cost the template engine about 2 ms of the
page's 12 (measured at 20,000 reviews), more than the rest of the page's template. Each is tested against the
template rows it replaces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from tutor.progress.charts import day_label
from tutor.progress.selectors import ModuleProgress, RetentionRow
from tutor.study.misconceptions import MisconceptionStanding
from tutor.web.html_rows import esc, html_join, url_around
from tutor.web.number_formats import NOTHING_YET, percent_of


def counted(n: int, noun: str) -> str:
    """ "1 time", "2 times": a count and its noun, as the template's `pluralize` wrote it."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def idea_rows_html(
    ideas: Iterable[MisconceptionStanding], *, csrf_token: str, zone: dt.tzinfo | None = None
) -> SafeString:
    """One row per idea: how often it was chosen and when last, whether it is still active, the section that
    corrects it and a form to practise it. Dates are in `zone` (the current time zone when none is given);
    `csrf_token` is the request's, as the template's tag writes it."""
    zone = zone or timezone.get_current_timezone()
    before, after = url_around("progress:practise_misconception")
    token = esc(csrf_token)
    drawn = []
    for idea in ideas:
        last = idea.last_chosen_at.astimezone(zone)
        last_seen = f'<time datetime="{last.isoformat()}">{day_label(last.date(), weekday=False, year=True)}</time>'
        since = "Still active" if idea.is_active else f"Answered right {counted(idea.right_since, 'time')}"
        read = (
            f'<a href="{esc(idea.section_url)}">{esc(idea.section_title)}</a>'
            if idea.section_url
            else '<span class="muted">—</span>'
        )
        count = idea.question_count
        practise = (
            f'<form method="post" action="{before}{esc(idea.slug)}{after}">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            f'<button type="submit" class="button button-small">Practise this idea ({counted(count, "question")})'
            "</button></form>"
            if count
            else '<span class="muted">No questions</span>'
        )
        drawn.append(
            f"<tr{' class="idea-active"' if idea.is_active else ''}>\n"
            f'<th scope="row">{esc(idea.label)}</th>\n'
            f'<td data-label="Times chosen">{idea.times_chosen}</td>\n'
            f'<td data-label="Last seen">{last_seen}</td>\n'
            f'<td data-label="Since then">{since}</td>\n'
            f'<td data-label="Read">{read}</td>\n'
            f'<td data-label="Practise">{practise}</td>\n</tr>\n'
        )
    return html_join(drawn)


def meter_tenths(part: int, whole: int) -> int:
    """A share in tenths for the mastery meter's width class, rounded as the template's `widthratio` rounds."""
    return round(part / whole * 10) if whole else 0


def module_rows_html(modules: Iterable[ModuleProgress]) -> SafeString:
    """One row per module: questions seen, accuracy of the latest answers, mastery (with its meter), what is due
    and the hard ones, which link to the missed questions of the module."""
    before, after = url_around("catalog:module_detail")
    missed = reverse("study:missed")
    drawn = []
    for m in modules:
        slug = esc(m.module.slug)
        accuracy = (
            f'<span class="muted">{NOTHING_YET}</span>' if m.accuracy is None else percent_of(m.right_latest, m.seen)
        )
        hard = f'<a href="{esc(missed)}?module={slug}">{m.leeches}</a>' if m.leeches else "0"
        drawn.append(
            f'<tr>\n<th scope="row"><a href="{before}{slug}{after}">{esc(m.module.title)}</a></th>\n'
            f'<td data-label="Seen">{m.seen} / {m.question_total}</td>\n'
            f'<td data-label="Accuracy">{accuracy}</td>\n'
            f'<td data-label="Mastery"><span class="meter" aria-hidden="true"><span class="meter-fill '
            f'meter-{meter_tenths(m.mastered, m.question_total)}"></span></span> '
            f'{percent_of(m.mastered, m.question_total)} <span class="muted">({m.mastered})</span></td>\n'
            f'<td data-label="Due today">{m.due_today}</td>\n'
            f'<td data-label="Due in 7 days">{m.due_week}</td>\n'
            f'<td data-label="Hard ones">{hard}</td>\n</tr>\n'
        )
    return html_join(drawn)


def retention_rows_html(rows: Iterable[RetentionRow]) -> SafeString:
    """One row per period: young, mature and all reviews, each as the share passed with its counts."""
    drawn = []
    for row in rows:
        cells = "".join(
            f'<td data-label="{label}">'
            + (
                f'{percent_of(cell.passed, cell.total)} <span class="muted">({cell.passed} of {cell.total})</span>'
                if cell.total
                else '<span class="muted">no reviews</span>'
            )
            + "</td>\n"
            for label, cell in row.cells
        )
        drawn.append(f'<tr>\n<th scope="row">{esc(row.label)}</th>\n{cells}</tr>\n')
    return html_join(drawn)
