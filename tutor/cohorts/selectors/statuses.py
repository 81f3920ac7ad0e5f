"""Where each learner stands on each assignment, in a fixed number of queries however many learners there are."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from tutor.accounts.models import User
from tutor.catalog.snapshot import CatalogSnapshot, ModuleView, QuestionView
from tutor.cohorts.completion import (
    ExamResult,
    LearnerStatus,
    Standing,
    exam_outcome,
    rule_met,
    status_of,
)
from tutor.cohorts.models import Assignment, AssignmentCompletion
from tutor.progress.selectors import AnswerCounts, ModuleProgress, answer_counts
from tutor.study.deadlines import new_question_pace
from tutor.study.models import PracticeMode, PracticeTest
from tutor.study.prepared import EpochMicroseconds, OneOf, PreparedQuery, microseconds_since_epoch, moment_of


def assignment_modules(assignment: Assignment, snapshot: CatalogSnapshot) -> list[ModuleView]:
    """The assignment's modules still in the catalog, in the curriculum's order."""
    modules = (snapshot.module_by_slug(slug) for slug in assignment.module_slugs)
    return sorted((m for m in modules if m is not None), key=lambda m: m.order)


def assignment_questions(assignment: Assignment, snapshot: CatalogSnapshot) -> list[QuestionView]:
    """The live questions of the assignment's modules, in module then bank order."""
    order = {m.id: rank for rank, m in enumerate(assignment_modules(assignment, snapshot))}
    questions = [q for q in snapshot.live_questions if q.module_id in order]
    return sorted(questions, key=lambda q: (order[q.module_id], q.order, q.id))


def counted_assignment_questions(assignment: Assignment, snapshot: CatalogSnapshot) -> list[QuestionView]:
    """The assignment's questions that count towards completion: all but those under editors' review."""
    return [q for q in assignment_questions(assignment, snapshot) if not q.under_review]


def finished_exams(
    *, learner_ids: list[int], since: dt.datetime, now: dt.datetime, excluded_ids: frozenset[int] = frozenset()
) -> dict[int, list[ExamResult]]:
    """Exam-mode practice tests of the learners that ended since a moment (finished, or their time ran out before
    `now`), with their scores, in one query. Items of `excluded_ids` (under editors' review) count neither way."""
    counted = ~Q(items__question_id__in=list(excluded_ids))
    rows = (
        PracticeTest.objects.filter(OneOf(F("learner_id"), learner_ids), mode=PracticeMode.EXAM)
        .filter(Q(finished_at__isnull=False) | Q(deadline__lte=now))
        .annotate(ended=Coalesce("finished_at", "deadline"))
        .filter(ended__gte=since)
        .annotate(
            item_total=Count("items", filter=counted),
            item_right=Count("items", filter=counted & Q(items__review_log__correct=True)),
        )
        .values_list("learner_id", "module_slugs", "ended", "item_total", "item_right")
        .order_by("ended")
    )
    exams: dict[int, list[ExamResult]] = defaultdict(list)
    for learner_id, slugs, finished_at, items, right in rows:
        exams[learner_id].append(ExamResult(learner_id, tuple(slugs or ()), finished_at, items, right))
    return exams


COMPLETIONS = PreparedQuery(
    lambda learner_ids, assignment_ids: (
        AssignmentCompletion.objects.filter(
            OneOf(F("learner_id"), learner_ids), OneOf(F("assignment_id"), assignment_ids)
        )
        .annotate(completed_us=EpochMicroseconds("completed_at"))
        .values_list("assignment_id", "learner_id", "completed_us")
        .order_by()
    ),
    "learner_ids",
    "assignment_ids",
    lists=("learner_ids", "assignment_ids"),
)


ASSIGNMENTS_COMPLETIONS = PreparedQuery(
    lambda assignment_ids: (
        AssignmentCompletion.objects.filter(OneOf(F("assignment_id"), assignment_ids))
        .annotate(completed_us=EpochMicroseconds("completed_at"))
        .values_list("assignment_id", "learner_id", "completed_us")
        .order_by()  # read into a dict: the model's ordering would only sort them for nothing
    ),
    "assignment_ids",
    lists=("assignment_ids",),
)


@dataclass(frozen=True)
class AssignmentTerms:
    """What the status of every learner on one assignment is judged against, worked out once for all of them: its
    modules with their counted questions, whether it is past due, and how many questions an exam needs to count."""

    assignment: Assignment
    modules: list[ModuleView]
    module_totals: list[tuple[int, int]]
    past_due: bool
    exam_min: int
    requires_exam: bool
    target_percent: int


def assignment_terms(assignment: Assignment, snapshot: CatalogSnapshot, totals: dict[int, int], now: dt.datetime):
    modules = assignment_modules(assignment, snapshot)
    return AssignmentTerms(
        assignment=assignment,
        modules=modules,
        module_totals=[(m.id, totals.get(m.id, 0)) for m in modules],
        past_due=now >= assignment.due_at,
        exam_min=assignment.exam_questions_needed(len(counted_assignment_questions(assignment, snapshot))),
        requires_exam=assignment.requires_exam,
        target_percent=assignment.target_accuracy,
    )


@dataclass(frozen=True)
class StatusReads:
    """What the statuses of some learners on some assignments are worked out from, read in three queries at most:
    their answer counts by module, the completions stored (as microseconds since 1970, turned into dates only where
    one is shown), and their exams when an assignment asks for one."""

    counts: AnswerCounts
    completed_us: dict[tuple[int, int], int]
    exams: dict[int, list[ExamResult]]

    def standing(self, terms: AssignmentTerms, learner_id: int):
        """(status, each module's (seen, right, total), questions answered and latest answers right over all the
        modules, best exam score, exam passed at, completed at in microseconds). Run for every member of a cohort
        on every view of its dashboard, so kept to plain loops."""
        counts = self.counts.counts
        module_counts = []
        answered = right = 0
        for module_id, total in terms.module_totals:
            found = counts.get((learner_id, module_id))
            if found is None:
                module_counts.append((0, 0, total))
            else:
                seen, module_right = found
                module_counts.append((seen, module_right, total))
                answered += seen
                right += module_right
        exam_best = exam_passed_at = None
        if terms.requires_exam:
            exam_best, exam_passed_at = exam_outcome(
                self.exams.get(learner_id, ()), terms.assignment, min_items=terms.exam_min
            )
        completed_us = self.completed_us.get((terms.assignment.id, learner_id))
        status = status_of(
            completed=completed_us is not None,
            # A stored completion settles it; the rule is read only for the others.
            rule_met=completed_us is None
            and rule_met(
                module_counts,
                target_percent=terms.target_percent,
                requires_exam=terms.requires_exam,
                exam_passed=exam_passed_at is not None,
            ),
            past_due=terms.past_due,
            started=answered > 0 or exam_best is not None,
        )
        return status, module_counts, answered, right, exam_best, exam_passed_at, completed_us

    @property
    def fingerprint(self) -> tuple:
        """Everything read, as one value to compare: equal reads give equal standings, for the same catalog,
        assignments and moment (`assignment_fingerprint`)."""
        return (
            tuple((key, seen, right) for key, (seen, right) in self.counts.counts.items()),
            tuple(self.completed_us.items()),
            tuple((learner_id, tuple(results)) for learner_id, results in self.exams.items()),
        )


def assignment_fingerprint(assignment: Assignment, now: dt.datetime) -> tuple:
    """Every stored field of the assignment (its modules, target, exam, dates, title) and whether it is past due at
    `now`: with the reads' fingerprint, all that its learners' standings depend on besides the catalog."""
    values = (getattr(assignment, f.attname) for f in assignment._meta.concrete_fields)
    return (*(tuple(v) if isinstance(v, list) else v for v in values), now >= assignment.due_at)


def status_reads(
    *,
    assignments: list[Assignment],
    learner_ids: list[int],
    snapshot: CatalogSnapshot,
    now: dt.datetime,
    cohort_id: int | None = None,
    completed: dict[tuple[int, int], dt.datetime] | None = None,
) -> StatusReads:
    """Read what the statuses need. With `cohort_id`, the answer counts and completions are read for every member
    of the cohort without sending their ids (`learner_ids` are then needed only for exams)."""
    modules = {m.id for a in assignments for m in assignment_modules(a, snapshot)}
    counts = answer_counts(
        learner_ids=() if cohort_id is not None else learner_ids,
        cohort_id=cohort_id,
        snapshot=snapshot,
        module_ids=modules,
    )
    if completed is None:
        rows = (
            ASSIGNMENTS_COMPLETIONS.rows(assignment_ids=[a.pk for a in assignments])
            if cohort_id is not None
            else COMPLETIONS.rows(learner_ids=learner_ids, assignment_ids=[a.pk for a in assignments])
        )
        completed_us = {(a_id, l_id): us for a_id, l_id, us in rows}
    else:
        completed_us = {key: microseconds_since_epoch(moment) for key, moment in completed.items()}
    exam_assignments = [a for a in assignments if a.requires_exam]
    exams = (
        finished_exams(
            learner_ids=learner_ids,
            since=min(a.opens_at for a in exam_assignments),
            now=now,
            excluded_ids=snapshot.under_review_ids,
        )
        if exam_assignments
        else {}
    )
    return StatusReads(counts, completed_us, exams)


def assignment_statuses(
    *,
    assignments: Iterable[Assignment],
    learner_ids: Iterable[int],
    snapshot: CatalogSnapshot,
    now: dt.datetime,
    completed: dict[tuple[int, int], dt.datetime] | None = None,
) -> dict[tuple[int, int], LearnerStatus]:
    """(assignment id, learner id) -> LearnerStatus, in three queries at most (progress, completions, exams).

    A learner whose rule is met now but whose completion is not stored yet is COMPLETE without a date: pass the
    result through `completion_records.record_completions` to store and date it. `completed` (stored completion
    times by (assignment id, learner id)), when the caller has them, saves its query.
    """
    assignments, learner_ids = list(assignments), list(learner_ids)
    if not assignments or not learner_ids:
        return {}
    reads = status_reads(
        assignments=assignments, learner_ids=learner_ids, snapshot=snapshot, now=now, completed=completed
    )
    shared: dict[tuple[int, int, int, int], ModuleProgress] = {}
    statuses: dict[tuple[int, int], LearnerStatus] = {}
    for assignment in assignments:
        terms = assignment_terms(assignment, snapshot, reads.counts.totals, now)
        modules = terms.modules
        for learner_id in learner_ids:
            status, module_counts, _, _, exam_best, exam_passed_at, completed_us = reads.standing(terms, learner_id)
            figures = []
            for module, (seen, right, total) in zip(modules, module_counts, strict=True):
                key = (module.id, seen, right, total)
                if key not in shared:
                    shared[key] = ModuleProgress(module=module, question_total=total, seen=seen, right_latest=right)
                figures.append(shared[key])
            statuses[(assignment.pk, learner_id)] = LearnerStatus(
                assignment=assignment,
                learner_id=learner_id,
                status=status,
                modules=tuple(figures),
                exam_best=exam_best,
                exam_passed_at=exam_passed_at,
                completed_at=moment_of(completed_us) if completed_us is not None else None,
            )
    return statuses


def cohort_standings(
    *,
    cohort_id: int,
    assignments: list[Assignment],
    learner_ids: list[int],
    snapshot: CatalogSnapshot,
    now: dt.datetime,
) -> dict[tuple[int, int], Standing]:
    """(assignment id, learner id) -> Standing for every member of a cohort: the same rule as `assignment_statuses`
    (`StatusReads.standing`), read without sending 500 learner ids, and kept to totals (no figure per module)."""
    if not assignments or not learner_ids:
        return {}
    reads = status_reads(
        assignments=assignments, learner_ids=learner_ids, snapshot=snapshot, now=now, cohort_id=cohort_id
    )
    return standings_from(reads, assignments=assignments, learner_ids=learner_ids, snapshot=snapshot, now=now)


def standings_from(
    reads: StatusReads,
    *,
    assignments: list[Assignment],
    learner_ids: list[int],
    snapshot: CatalogSnapshot,
    now: dt.datetime,
) -> dict[tuple[int, int], Standing]:
    """`cohort_standings` worked out from reads already made (the cohort dashboard reads first, to key what it keeps
    by what it read)."""
    standings: dict[tuple[int, int], Standing] = {}
    standing = reads.standing
    for assignment in assignments:
        terms = assignment_terms(assignment, snapshot, reads.counts.totals, now)
        total = sum(module_total for _, module_total in terms.module_totals)
        assignment_id = assignment.id
        for learner_id in learner_ids:
            status, _, answered, right, _, _, completed_us = standing(terms, learner_id)
            standings[(assignment_id, learner_id)] = Standing(
                assignment, learner_id, status, answered, right, total, completed_us
            )
    return standings


def learner_assignments(*, learner: User, snapshot: CatalogSnapshot, now: dt.datetime) -> list[LearnerStatus]:
    """The learner's assignments from all their cohorts, with status, soonest due first. A learner with no module
    required has none (the required modules are the union of their cohorts' assigned modules, kept by
    `sync_required_modules`), and is answered without a query, as the progress page of most learners is."""
    if not learner.modules_required:
        return []
    assignments = list(
        Assignment.objects.filter(cohort__memberships__learner=learner)
        .select_related("cohort")
        .order_by("due_on", "id")
    )
    statuses = assignment_statuses(assignments=assignments, learner_ids=[learner.pk], snapshot=snapshot, now=now)
    today = now.astimezone(learner.zone).date()
    return [with_pace(statuses[(a.pk, learner.pk)], new_per_day=learner.new_per_day, today=today) for a in assignments]


def with_pace(status: LearnerStatus, *, new_per_day: int, today: dt.date) -> LearnerStatus:
    """The status with a warning when the learner's daily limit of new questions cannot start every question of an
    open assignment by its due date; unchanged otherwise."""
    if status.is_complete or status.assignment.due_on < today:
        return status
    pace = new_question_pace(
        new_left=status.question_total - status.answered,
        new_per_day=new_per_day,
        today=today,
        due_on=status.assignment.due_on,
    )
    return dataclasses.replace(status, pace=pace) if pace.falls_short else status
