"""The cohort dashboard's page of learners: every learner's standing on every assignment is worked out (in totals,
`whole_cohort`, kept while nothing it read changes) to count each status, sort the learners and list the overdue,
but only the page's 50 rows are drawn, and only they have their last answer read (unless the table is sorted by
it)."""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import F
from django.utils.safestring import SafeString

from tutor.catalog.snapshot import CatalogSnapshot
from tutor.cohorts.completion import Standing, StatusFigures, status_counts
from tutor.cohorts.models import Assignment, Cohort, Membership
from tutor.cohorts.selectors.access import last_answer_at
from tutor.cohorts.selectors.cohort_rows import StatusCell, TableRow, learner_url_prefix, table_rows
from tutor.cohorts.selectors.dashboard import LearnerRow, MemberLine
from tutor.cohorts.selectors.statuses import StatusReads, assignment_fingerprint, standings_from, status_reads
from tutor.study.prepared import EpochMicroseconds, OneOf, PreparedQuery
from tutor.web.html_rows import html_join

LEARNERS_PER_PAGE = 50
# The overdue panel names this many learners of each assignment, then links to the table sorted by most overdue.
OVERDUE_NAMED = 20
NEVER = -(2**63)

MEMBER_NAMES = PreparedQuery(
    lambda cohort_id: (
        Membership.objects.filter(cohort_id=cohort_id)
        .order_by()
        .values_list("learner_id", "learner__username", "learner__first_name", "learner__last_name")
    ),
    "cohort_id",
)
MEMBER_NAMES_AND_LAST_ANSWERS = PreparedQuery(
    lambda cohort_id: (
        Membership.objects.filter(cohort_id=cohort_id)
        .annotate(last_active_us=EpochMicroseconds(last_answer_at()))
        .order_by()
        .values_list("learner_id", "learner__username", "learner__first_name", "learner__last_name", "last_active_us")
    ),
    "cohort_id",
)
LAST_ANSWERS = PreparedQuery(
    lambda cohort_id, learner_ids: (
        Membership.objects.filter(OneOf(F("learner_id"), learner_ids), cohort_id=cohort_id)
        .annotate(last_active_us=EpochMicroseconds(last_answer_at()))
        .values_list("learner_id", "last_active_us")
        .order_by()
    ),
    "cohort_id",
    "learner_ids",
    lists=("learner_ids",),
)


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


def sorted_learners(
    lines: list[MemberLine], standings: dict[tuple[int, int], StatusFigures], sort: str
) -> list[MemberLine]:
    """The learners in the order of a validated sort key; ties fall back to the learner's name, then username.
    Standings are by (assignment id, learner id)."""
    descending = sort.startswith("-")
    key = sort.lstrip("-") or "name"
    by_name = sorted(lines, key=lambda line: (display_name(line).lower(), line.username))
    if key == "name":
        return list(reversed(by_name)) if descending else by_name
    if key == "last_active":
        return sorted(
            by_name,
            key=lambda line: line.last_active_us if line.last_active_us is not None else NEVER,
            reverse=descending,
        )
    if key == "overdue":
        overdue = Counter(learner_id for (_, learner_id), s in standings.items() if s.is_overdue)
        return sorted(by_name, key=lambda line: overdue[line.learner_id], reverse=descending)
    assignment_id = int(key.removeprefix("assignment-"))
    return sorted(by_name, key=lambda line: standings[(assignment_id, line.learner_id)].sort_key, reverse=descending)


def display_name(learner: MemberLine) -> str:
    return learner.get_full_name() or learner.get_username()


@dataclass(frozen=True)
class OverdueLearner:
    name: str
    url: str
    percent: int


@dataclass(frozen=True)
class OverdueGroup:
    """An assignment's overdue learners (of the whole cohort, not one page): how many, and the first
    `OVERDUE_NAMED` of them in the table's order."""

    assignment: Assignment
    count: int
    named: list[OverdueLearner]

    @property
    def unnamed(self) -> int:
        return self.count - len(self.named)


def overdue_groups(
    assignments: list[Assignment],
    ordered: list[MemberLine],
    standings: dict[tuple[int, int], Standing],
    *,
    cohort: Cohort,
) -> list[OverdueGroup]:
    """For each assignment with overdue learners: the assignment, their number and the first of them by name."""
    prefix = learner_url_prefix(cohort)
    groups = []
    for assignment in assignments:
        late = [line for line in ordered if standings[(assignment.id, line.learner_id)].is_overdue]
        if late:
            named = [
                OverdueLearner(
                    display_name(line.learner),
                    f"{prefix}{line.learner_id}/",
                    standings[(assignment.id, line.learner_id)].percent,
                )
                for line in late[:OVERDUE_NAMED]
            ]
            groups.append(OverdueGroup(assignment, len(late), named))
    return groups


@dataclass(frozen=True)
class CohortPage:
    """The dashboard's figures for the whole cohort and its table for one page."""

    learner_count: int
    summaries: list[tuple[Assignment, dict[str, int]]]
    overdue_groups: list[OverdueGroup]
    page: Page
    table_rows: list[TableRow]

    @property
    def table_body(self) -> SafeString:
        """The page's rows of the table, each escaped by `TableRow.html`: one value for the template to place."""
        return html_join(f"{row.html}\n" for row in self.table_rows)


@dataclass(frozen=True)
class WholeCohort:
    """What the dashboard works out for every learner of the cohort from what it read: their standings, the
    learners in the table's order, and by assignment id the count of each status and the overdue group."""

    ordered: list[MemberLine]
    standings: dict[tuple[int, int], Standing]
    counts: dict[int, dict[str, int]]
    overdue: dict[int, OverdueGroup]
    # The table's status cells drawn so far, by assignment, learner, time zone and due moment (`table_rows`).
    cells: dict[tuple, StatusCell] = field(default_factory=dict)


def whole_cohort(
    *,
    cohort: Cohort,
    snapshot: CatalogSnapshot,
    now: dt.datetime,
    assignments: list[Assignment],
    sort: str,
    member_rows: list[tuple],
    with_last_active: bool,
    reads: StatusReads | None,
) -> WholeCohort:
    # Rows read with every last answer (to sort by it) need no further read for the page.
    lines = [MemberLine(*row, last_active_read=with_last_active) for row in member_rows]
    learner_ids = [line.learner_id for line in lines]
    standings = (
        standings_from(reads, assignments=assignments, learner_ids=learner_ids, snapshot=snapshot, now=now)
        if reads is not None
        else {}
    )
    ordered = sorted_learners(lines, standings, sort)
    return WholeCohort(
        ordered=ordered,
        standings=standings,
        counts={a.id: status_counts(standings[(a.id, line.learner_id)] for line in lines) for a in assignments},
        overdue={
            group.assignment.id: group for group in overdue_groups(assignments, ordered, standings, cohort=cohort)
        },
    )


def cohort_page(
    *,
    cohort: Cohort,
    snapshot: CatalogSnapshot,
    now: dt.datetime,
    assignments: list[Assignment],
    sort: str,
    page_number: str | int | None,
) -> CohortPage:
    """The cohort's learners against its assignments, sorted and cut into pages, in six queries at most: names (with
    every last answer, only to sort by it), answer counts, completions, exams (only if an assignment asks for one),
    and the page's last answers.

    What is worked out for the whole cohort from those reads (`whole_cohort`) is kept with the catalog under a key
    made of everything read, the assignments and the sort (`CatalogSnapshot.recent`): another page, or another look
    at a cohort where nothing changed, skips the work; any change read (an answer that moves a tally, a completion,
    a name, a member who joins or leaves, an edited assignment, a due date passing) is a new key, never a stale
    page."""
    with_last_active = sort.lstrip("-") == "last_active"
    member_rows = (MEMBER_NAMES_AND_LAST_ANSWERS if with_last_active else MEMBER_NAMES).rows(cohort_id=cohort.pk)
    reads = (
        status_reads(
            assignments=assignments,
            learner_ids=[row[0] for row in member_rows],
            snapshot=snapshot,
            now=now,
            cohort_id=cohort.pk,
        )
        if assignments and member_rows
        else None
    )
    key = (
        "cohort dashboard",
        cohort.pk,
        sort,
        tuple(assignment_fingerprint(a, now) for a in assignments),
        tuple(member_rows),
        reads.fingerprint if reads is not None else None,
    )
    whole = snapshot.recent(
        key,
        lambda: whole_cohort(
            cohort=cohort,
            snapshot=snapshot,
            now=now,
            assignments=assignments,
            sort=sort,
            member_rows=member_rows,
            with_last_active=with_last_active,
            reads=reads,
        ),
    )
    standings = whole.standings
    page = Paginator(whole.ordered, LEARNERS_PER_PAGE).get_page(page_number)
    # The page's own copies of its lines: their last answers are read for this view, not kept with the rest.
    page.object_list = [
        LearnerRow(copy.copy(line), tuple(standings[(a.id, line.learner_id)] for a in assignments))
        for line in page.object_list
    ]
    read_last_active(cohort, page.object_list)
    return CohortPage(
        learner_count=len(whole.ordered),
        summaries=[(a, whole.counts[a.id]) for a in assignments],
        overdue_groups=[
            OverdueGroup(a, whole.overdue[a.id].count, whole.overdue[a.id].named)
            for a in assignments
            if a.id in whole.overdue
        ],
        page=page,
        table_rows=table_rows(page.object_list, cohort=cohort, kept=whole.cells),
    )
