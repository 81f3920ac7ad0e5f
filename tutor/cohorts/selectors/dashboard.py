"""The cohort dashboard: learners against assignments, sorting, and one learner's drill-down."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tutor.accounts.models import User
from tutor.catalog.snapshot import CatalogSnapshot
from tutor.cohorts.completion import LearnerStatus, StatusFigures, status_counts
from tutor.cohorts.models import Assignment, Cohort, Membership
from tutor.cohorts.selectors.access import with_last_active
from tutor.cohorts.selectors.statuses import assignment_statuses
from tutor.progress.selectors import ModuleProgress, module_progress
from tutor.study.prepared import moment_of
from tutor.study.selectors import start_of_learner_day


@dataclass(slots=True)
class LearnerRow:
    membership: Membership | MemberLine
    # Full statuses (an assignment's results) or standings in totals only (the cohort dashboard's table).
    statuses: tuple[StatusFigures, ...]

    @property
    def learner(self) -> User | MemberLine:
        return self.membership.learner

    @property
    def name(self) -> str:
        return self.learner.get_full_name() or self.learner.get_username()

    @property
    def last_active(self) -> dt.datetime | None:
        return self.membership.last_active

    @property
    def overdue(self) -> tuple[StatusFigures, ...]:
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
        return status_counts(self.statuses[(assignment.pk, m.learner_id)] for m in self.memberships)


@dataclass(slots=True)
class MemberLine:
    """A member as the dashboard's table reads them: a plain row, not model instances, since a cohort of 500 learners
    would otherwise build 1,000 of them (membership and user) on every view of the page. It stands for the learner
    too (`learner` is itself: their id and names, the rest of the user row staying in the database). The last
    answer's time (microseconds since 1970) is read for every learner only to sort by it; otherwise only for the rows
    a page shows (`read_last_active`)."""

    learner_id: int
    username: str
    first_name: str
    last_name: str
    last_active_us: int | None = None
    last_active_read: bool = False

    @property
    def learner(self) -> MemberLine:
        return self

    @property
    def pk(self) -> int:
        return self.learner_id

    def get_username(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def last_active(self) -> dt.datetime | None:
        return moment_of(self.last_active_us) if self.last_active_us is not None else None


def cohort_overview(
    *, cohort: Cohort, snapshot: CatalogSnapshot, now: dt.datetime, assignments: list[Assignment] | None = None
) -> CohortOverview:
    """The cohort's learners (memberships with their users and last answer's time) against its assignments, each
    with its full status, in five queries at most: for a page that shows every learner (an assignment's results).
    The cohort dashboard, which shows 50 at a time, is built by `cohort_table.cohort_page`."""
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


def learner_drilldown_progress(*, learner: User, snapshot: CatalogSnapshot, now: dt.datetime) -> list[ModuleProgress]:
    """One learner's progress in every module, with "due today" counted to midnight in their own time zone."""
    today_ends = start_of_learner_day(learner, now) + dt.timedelta(days=1)
    progress = module_progress(learner_ids=[learner.pk], snapshot=snapshot, now=now, today_ends=today_ends)
    return sorted(progress[learner.pk].values(), key=lambda p: p.module.order)
