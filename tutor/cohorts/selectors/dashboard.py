"""The cohort dashboard: learners against assignments, sorting, and one learner's drill-down."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from tutor.accounts.models import User
from tutor.catalog.snapshot import CatalogSnapshot
from tutor.cohorts.completion import AssignmentStatus, LearnerStatus
from tutor.cohorts.models import Assignment, Cohort, Membership
from tutor.cohorts.selectors.access import last_answer_at, with_last_active
from tutor.cohorts.selectors.statuses import assignment_statuses
from tutor.progress.selectors import ModuleProgress, module_progress
from tutor.study.prepared import EpochMicroseconds, OneOf, PreparedQuery, microseconds_since_epoch, moment_of
from tutor.study.selectors import start_of_learner_day
from tutor.web.html_rows import esc, html_join
from tutor.web.number_formats import percent


@dataclass(frozen=True)
class LearnerRow:
    membership: Membership | MemberLine
    statuses: tuple[LearnerStatus, ...]

    @property
    def learner(self) -> User | LearnerName:
        return self.membership.learner

    @property
    def name(self) -> str:
        return self.learner.get_full_name() or self.learner.get_username()

    @property
    def last_active(self) -> dt.datetime | None:
        return self.membership.last_active

    @property
    def last_active_order(self) -> int:
        """The last answer's time as a number to sort by (never answered: before everything)."""
        moment = self.last_active
        return microseconds_since_epoch(moment) if moment is not None else -(2**63)

    @property
    def overdue(self) -> tuple[LearnerStatus, ...]:
        return tuple(s for s in self.statuses if s.is_overdue)


@dataclass(frozen=True)
class CohortOverview:
    cohort: Cohort
    assignments: list[Assignment]
    memberships: list[Membership] | list[MemberLine]
    statuses: dict[tuple[int, int], LearnerStatus] = field(default_factory=dict)

    @property
    def learner_ids(self) -> list[int]:
        return [m.learner_id for m in self.memberships]

    @property
    def rows(self) -> list[LearnerRow]:
        return [
            LearnerRow(m, tuple(self.statuses[(a.pk, m.learner_id)] for a in self.assignments))
            for m in self.memberships
        ]

    def summary(self, assignment: Assignment) -> dict[str, int]:
        """How many learners are in each status for one assignment."""
        counts = Counter(self.statuses[(assignment.pk, m.learner_id)].status for m in self.memberships)
        return {status.value: counts.get(status.value, 0) for status in AssignmentStatus}


@dataclass(frozen=True, slots=True)
class LearnerName:
    """What the dashboard's table shows of a learner: their id and names (the rest of the user row stays in the
    database)."""

    pk: int
    username: str
    first_name: str
    last_name: str

    def get_username(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(slots=True)
class MemberLine:
    """A membership as the dashboard's table reads it: a plain row, not a model instance, since a cohort of 500
    learners would otherwise build 1,000 of them (membership and user) on every view of the page. The last answer's
    time (microseconds since 1970) is read for every learner only to sort by it; otherwise only for the rows a page
    shows (`read_last_active`)."""

    learner_id: int
    learner: LearnerName
    last_active_us: int | None = None
    last_active_read: bool = False

    @property
    def last_active(self) -> dt.datetime | None:
        return moment_of(self.last_active_us) if self.last_active_us is not None else None


MEMBER_NAMES = PreparedQuery(
    lambda cohort_id: (
        Membership.objects.filter(cohort_id=cohort_id)
        .order_by("learner__username")
        .values_list("learner_id", "learner__username", "learner__first_name", "learner__last_name")
    ),
    "cohort_id",
)
MEMBER_NAMES_AND_LAST_ANSWERS = PreparedQuery(
    lambda cohort_id: (
        Membership.objects.filter(cohort_id=cohort_id)
        .annotate(last_active_us=EpochMicroseconds(last_answer_at()))
        .order_by("learner__username")
        .values_list("learner_id", "learner__username", "learner__first_name", "learner__last_name", "last_active_us")
    ),
    "cohort_id",
)
LAST_ANSWERS = PreparedQuery(
    lambda cohort_id, learner_ids: (
        Membership.objects.filter(OneOf(F("learner_id"), learner_ids), cohort_id=cohort_id)
        .annotate(last_active_us=EpochMicroseconds(last_answer_at()))
        .values_list("learner_id", "last_active_us")
    ),
    "cohort_id",
    "learner_ids",
    lists=("learner_ids",),
)


def member_lines(cohort: Cohort, *, last_active: bool = False) -> list[MemberLine]:
    """The cohort's learners, by username, with their names, in one query compiled once (`PreparedQuery`); with
    `last_active`, each one's last answer's time too (one index lookup per learner)."""
    if last_active:
        return [
            MemberLine(learner_id, LearnerName(learner_id, username, first, last), last_active_us, True)
            for learner_id, username, first, last, last_active_us in MEMBER_NAMES_AND_LAST_ANSWERS.rows(
                cohort_id=cohort.pk
            )
        ]
    return [
        MemberLine(learner_id, LearnerName(learner_id, username, first, last))
        for learner_id, username, first, last in MEMBER_NAMES.rows(cohort_id=cohort.pk)
    ]


def read_last_active(cohort: Cohort, rows: Iterable[LearnerRow]) -> None:
    """Read the last answer's time of the rows' learners not read yet (the page's 50), in one query."""
    unread = {row.membership.learner_id: row.membership for row in rows if isinstance(row.membership, MemberLine)}
    unread = {learner_id: line for learner_id, line in unread.items() if not line.last_active_read}
    if not unread:
        return
    for learner_id, last_active_us in LAST_ANSWERS.rows(cohort_id=cohort.pk, learner_ids=list(unread)):
        unread[learner_id].last_active_us = last_active_us
    for line in unread.values():
        line.last_active_read = True


def cohort_overview(
    *,
    cohort: Cohort,
    snapshot: CatalogSnapshot,
    now: dt.datetime,
    assignments: list[Assignment] | None = None,
    names_only: bool = False,
    last_active: bool = True,
) -> CohortOverview:
    """The cohort's learners (with their last answer's time) against its assignments, in five queries at most.
    With `names_only`, each learner is a `MemberLine` carrying only their names (the dashboard's table), rather
    than a membership with its user, and their last answer's time only if `last_active` (to sort by it; otherwise
    `read_last_active` reads it for the rows shown)."""
    if names_only:
        memberships: list = member_lines(cohort, last_active=last_active)
    else:
        memberships = list(with_last_active(Membership.objects.filter(cohort=cohort)).order_by("learner__username"))
    if assignments is None:
        assignments = list(cohort.assignments.all())
    learner_ids = [m.learner_id for m in memberships]
    statuses = assignment_statuses(assignments=assignments, learner_ids=learner_ids, snapshot=snapshot, now=now)
    return CohortOverview(cohort, assignments, memberships, statuses)


def sort_keys(assignments: list[Assignment]) -> list[str]:
    """Every value the dashboard's `sort` accepts, each also with a leading "-" for descending."""
    keys = ["name", "last_active", "overdue", *[f"assignment-{a.pk}" for a in assignments]]
    return [prefix + key for key in keys for prefix in ("", "-")]


def sort_options(assignments: list[Assignment]) -> list[tuple[str, str]]:
    """The dashboard's sort menu (for the form without JavaScript): every key in words."""
    options = [
        ("name", "Name, A to Z"),
        ("-name", "Name, Z to A"),
        ("last_active", "Last active, longest ago first"),
        ("-last_active", "Last active, most recent first"),
        ("-overdue", "Most overdue first"),
        ("overdue", "Least overdue first"),
    ]
    for a in assignments:
        options += [(f"assignment-{a.pk}", f"{a.title}: least done first")]
        options += [(f"-assignment-{a.pk}", f"{a.title}: most done first")]
    return options


def sort_headers(assignments: list[Assignment], sort: str) -> list[dict]:
    """The table's column headers: each says how it is sorted now (aria-sort) and what a click sorts by next."""
    columns = [("name", "Learner"), ("last_active", "Last active"), ("overdue", "Overdue")]
    columns += [(f"assignment-{a.pk}", a.title) for a in assignments]
    current = sort or "name"
    headers = []
    for key, label in columns:
        aria_sort = "ascending" if current == key else "descending" if current == f"-{key}" else None
        headers.append(
            {"key": key, "label": label, "aria_sort": aria_sort, "next": f"-{key}" if current == key else key}
        )
    return headers


def sorted_rows(rows: list[LearnerRow], sort: str) -> list[LearnerRow]:
    """Rows sorted by a validated key; ties fall back to the learner's name."""
    descending = sort.startswith("-")
    key = sort.lstrip("-") or "name"
    rows = sorted(rows, key=lambda r: r.name.lower())
    if key == "name":
        return list(reversed(rows)) if descending else rows
    if key == "last_active":
        return sorted(rows, key=lambda r: r.last_active_order, reverse=descending)
    if key == "overdue":
        return sorted(rows, key=lambda r: len(r.overdue), reverse=descending)
    assignment_id = int(key.removeprefix("assignment-"))
    return sorted(
        rows, key=lambda r: next(s.sort_key for s in r.statuses if s.assignment.pk == assignment_id), reverse=descending
    )


def learner_drilldown_progress(*, learner: User, snapshot: CatalogSnapshot, now: dt.datetime) -> list[ModuleProgress]:
    """One learner's progress in every module, with "due today" counted to midnight in their own time zone."""
    today_ends = start_of_learner_day(learner, now) + dt.timedelta(days=1)
    progress = module_progress(learner_ids=[learner.pk], snapshot=snapshot, now=now, today_ends=today_ends)
    return sorted(progress[learner.pk].values(), key=lambda p: p.module.order)


# --- The learners table, one page at a time -----------------------------------------------------------------

LEARNERS_PER_PAGE = 50


def _short_date(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b %Y}"


@dataclass(frozen=True)
class StatusCell:
    """One learner's status on one assignment, worded for the table."""

    column: str
    label: str
    tag_class: str
    figures: str
    completed_iso: str = ""
    completed_label: str = ""
    late: bool = False

    @property
    def html(self) -> str:
        """The cell, escaped (see `TableRow.html`)."""
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


def status_cell(status: LearnerStatus) -> StatusCell:
    tag = "tag-good" if status.is_complete else "tag-bad" if status.is_overdue else ""
    if not tag and status.status == AssignmentStatus.IN_PROGRESS:
        tag = "tag-warn"
    figures = (
        f"{status.percent}% answered · {percent(status.accuracy)} right" if status.answered else "nothing answered yet"
    )
    completed = timezone.localtime(status.completed_at) if status.completed_at else None
    return StatusCell(
        column=status.assignment.title,
        label=status.label,
        tag_class=f"status-{status.status} {tag}".strip(),
        figures=figures,
        completed_iso=completed.isoformat() if completed else "",
        completed_label=f"{completed.day} {completed:%b}" if completed else "",
        late=status.is_late,
    )


@dataclass(frozen=True)
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


def learner_url_prefix(cohort: Cohort) -> str:
    """The cohort's learner pages share one reversed pattern: the prefix, to which a learner id and "/" are added."""
    return reverse("cohorts:cohort_learner", kwargs={"cohort_id": cohort.pk, "learner_id": 1}).removesuffix("1/")


def table_rows(rows: Iterable[LearnerRow], *, cohort: Cohort) -> list[TableRow]:
    """The table's rows for one page."""
    prefix = learner_url_prefix(cohort)
    return [
        TableRow(
            name=row.name,
            url=f"{prefix}{row.learner.pk}/",
            last_active_iso=row.last_active.isoformat() if row.last_active else "",
            last_active_label=_short_date(row.last_active) if row.last_active else "",
            overdue=len(row.overdue),
            cells=tuple(status_cell(s) for s in row.statuses),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class OverdueLearner:
    name: str
    url: str
    percent: int


def overdue_by_assignment(
    assignments: list[Assignment], rows: list[LearnerRow], *, cohort: Cohort
) -> list[tuple[Assignment, list[OverdueLearner]]]:
    """For each assignment with overdue learners (of the whole cohort, not one page): the assignment and those
    learners, in the rows' order."""
    prefix = learner_url_prefix(cohort)
    late: dict[int, list[OverdueLearner]] = {a.pk: [] for a in assignments}
    for row in rows:
        for s in row.statuses:
            if s.is_overdue:
                late[s.assignment.pk].append(OverdueLearner(row.name, f"{prefix}{row.learner.pk}/", s.percent))
    return [(a, late[a.pk]) for a in assignments if late[a.pk]]
