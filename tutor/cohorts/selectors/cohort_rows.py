"""The cohort dashboard's rows and the links to its pages, written in Python rather than by the template (as the
item analysis's rows are, `item_rows`): 50 rows of several cells cost the template engine more than the rest of the
page. `cohort_table` works out what they show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Page
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from tutor.cohorts.completion import AssignmentStatus, StatusFigures, completed_late
from tutor.cohorts.models import Cohort
from tutor.cohorts.selectors.dashboard import LearnerRow
from tutor.web.html_rows import esc, html_join
from tutor.web.number_formats import percent

# The months as the table names them ("3 Nov 2026"): read from a table, since formatting a date with strftime costs
# more than the rest of a cell, and the page is in English whatever the server's locale.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _short_date(moment: dt.datetime, zone: dt.tzinfo) -> str:
    local = moment.astimezone(zone)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


@dataclass(slots=True)  # made 50 times a page: plain slots rather than frozen, whose __init__ is slower
class StatusCell:
    """One learner's status on one assignment, worded for the table."""

    column: str
    label: str
    tag_class: str
    figures: str
    completed_iso: str = ""
    completed_label: str = ""
    late: bool = False
    # The cell as drawn, once: a cell kept for the whole cohort (`WholeCohort.cells`) is drawn on its first page only.
    drawn: str = field(default="", compare=False, repr=False)

    @property
    def html(self) -> str:
        """The cell, escaped (see `TableRow.html`)."""
        if not self.drawn:
            self.drawn = self._draw()
        return self.drawn

    def _draw(self) -> str:
        completed = (
            f' <time datetime="{esc(self.completed_iso)}">{esc(self.completed_label)}</time>'
            if self.completed_iso
            else ""
        )
        late = ' <span class="tag">late</span>' if self.late else ""
        return (
            f'<td data-label="{esc(self.column)}"><span class="tag status-tag {esc(self.tag_class)}">'
            f'{esc(self.label)}{completed}</span>{late}<span class="status-figures">{esc(self.figures)}</span></td>'
        )


def status_cell(status: StatusFigures, zone: dt.tzinfo | None = None, due_at: dt.datetime | None = None) -> StatusCell:
    """The cell of a status, its completion date in `zone` (the current time zone when none is given). `due_at` is
    the assignment's due moment, when the caller has worked it out once for many cells."""
    tag = "tag-good" if status.is_complete else "tag-bad" if status.is_overdue else ""
    if not tag and status.status == AssignmentStatus.IN_PROGRESS:
        tag = "tag-warn"
    figures = (
        f"{status.percent}% answered · {percent(status.accuracy)} right" if status.answered else "nothing answered yet"
    )
    completed_at = status.completed_at
    completed = completed_at.astimezone(zone or timezone.get_current_timezone()) if completed_at else None
    return StatusCell(
        column=status.assignment.title,
        label=status.label,
        tag_class=f"status-{status.status} {tag}".strip(),
        figures=figures,
        completed_iso=completed.isoformat() if completed else "",
        completed_label=f"{completed.day} {MONTHS[completed.month - 1]}" if completed else "",
        late=completed_late(completed_at, due_at or status.assignment.due_at),
    )


@dataclass(slots=True)  # made 50 times a page: plain slots rather than frozen, whose __init__ is slower
class TableRow:
    """A learner's row of the cohort table, every value already in words: the template only places them."""

    name: str
    url: str
    last_active_iso: str
    last_active_label: str
    overdue: int
    cells: tuple[StatusCell, ...]

    @property
    def html(self) -> SafeString:
        """The learner's table row, written here rather than by the template (as the item analysis's rows are,
        `tutor.web.html_rows`): 50 rows of several cells cost the template engine more than the rest of the page."""
        last_active = (
            f'<time datetime="{esc(self.last_active_iso)}">{esc(self.last_active_label)}</time>'
            if self.last_active_iso
            else '<span class="muted">never</span>'
        )
        overdue = f'<span class="tag tag-bad">{self.overdue}</span>' if self.overdue else "0"
        return html_join(
            (
                f'<tr>\n<th scope="row"><a href="{esc(self.url)}">{esc(self.name)}</a></th>\n',
                f'<td data-label="Last active">{last_active}</td>\n',
                f'<td data-label="Overdue">{overdue}</td>\n',
                *(cell.html for cell in self.cells),
                "\n</tr>",
            )
        )


def page_links(page: Page, sort: str) -> SafeString:
    """The links to every page of learners, each keeping the table's sort; empty when there is one page. Written here
    rather than by the template, as the rows are: ten pages of links were nearly half the variables the dashboard's
    template drew."""
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return html_join(())
    query = f"?sort={esc(sort)}&amp;page="
    hidden_page = '<span class="visually-hidden">Page </span>'
    links = [
        '<nav class="pagination" aria-label="Pages of learners">\n',
        f"<p>Learners {page.start_index()}\u2013{page.end_index()} of {paginator.count}</p>\n<ul>\n",
    ]
    if page.has_previous():
        links.append(
            f'<li><a href="{query}{page.previous_page_number()}" rel="prev">Previous'
            '<span class="visually-hidden"> page</span></a></li>\n'
        )
    for number in paginator.page_range:
        current = ' aria-current="page"' if number == page.number else ""
        links.append(f'<li><a{current} href="{query}{number}">{hidden_page}{number}</a></li>\n')
    if page.has_next():
        links.append(
            f'<li><a href="{query}{page.next_page_number()}" rel="next">Next'
            '<span class="visually-hidden"> page</span></a></li>\n'
        )
    links.append("</ul>\n</nav>")
    return html_join(links)


def learner_url_prefix(cohort: Cohort) -> str:
    """The cohort's learner pages share one reversed pattern: the prefix, to which a learner id and "/" are added."""
    return reverse("cohorts:cohort_learner", kwargs={"cohort_id": cohort.pk, "learner_id": 1}).removesuffix("1/")


def table_rows(
    rows: Iterable[LearnerRow], *, cohort: Cohort, kept: dict[tuple, StatusCell] | None = None
) -> list[TableRow]:
    """The table's rows for one page, dates in the current time zone. With `kept` (`WholeCohort.cells`), each status's
    cell is made and drawn once while the whole cohort's standings are kept, and found there by every later look."""
    prefix = learner_url_prefix(cohort)
    zone = timezone.get_current_timezone()
    due: dict[int, dt.datetime] = {}  # each assignment's due moment, worked out once for the page

    def cell(status: StatusFigures) -> StatusCell:
        due_at = due.get(status.assignment.id)
        if due_at is None:
            due_at = due[status.assignment.id] = status.assignment.due_at
        if kept is None:
            return status_cell(status, zone, due_at)
        key = (status.assignment.id, status.learner_id, zone, due_at)
        found = kept.get(key)
        if found is None:
            found = kept[key] = status_cell(status, zone, due_at)
        return found

    drawn = []
    for row in rows:
        last_active = row.last_active
        drawn.append(
            TableRow(
                name=row.name,
                url=f"{prefix}{row.learner.pk}/",
                last_active_iso=last_active.isoformat() if last_active else "",
                last_active_label=_short_date(last_active, zone) if last_active else "",
                overdue=len(row.overdue),
                cells=tuple(cell(s) for s in row.statuses),
            )
        )
    return drawn
