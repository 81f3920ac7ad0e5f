"""Where each learner stands on each assignment, in a fixed number of queries however many learners there are."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from tutor.accounts.models import User
from tutor.catalog.snapshot import CatalogSnapshot, ModuleView, QuestionView
from tutor.cohorts.completion import (
    AssignmentStatus,
    ExamResult,
    LearnerStatus,
    answers_meet_target,
)
from tutor.cohorts.models import Assignment, AssignmentCompletion
from tutor.progress.selectors import ModuleProgress, module_answer_counts
from tutor.study.deadlines import new_question_pace
from tutor.study.models import PracticeMode, PracticeTest
from tutor.study.prepared import EpochMicroseconds, OneOf, PreparedQuery, moment_of


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
    ),
    "learner_ids",
    "assignment_ids",
    lists=("learner_ids", "assignment_ids"),
)


def assignment_statuses(
    *,
    assignments: Iterable[Assignment],
    learner_ids: Iterable[int],
    snapshot: CatalogSnapshot,
    now: dt.datetime,
    progress: dict[int, dict[int, ModuleProgress]] | None = None,
    completed: dict[tuple[int, int], dt.datetime] | None = None,
) -> dict[tuple[int, int], LearnerStatus]:
    """(assignment id, learner id) -> LearnerStatus, in three queries at most (progress, completions, exams).

    A learner whose rule is met now but whose completion is not stored yet is COMPLETE without a date: pass the
    result through `completion_records.record_completions` to store and date it. `progress` and `completed`
    (stored completion times by (assignment id, learner id)), when the caller has them, save their queries.
    """
    assignments, learner_ids = list(assignments), list(learner_ids)
    if not assignments or not learner_ids:
        return {}
    if progress is None:
        modules = {m.id for a in assignments for m in assignment_modules(a, snapshot)}
        progress = module_answer_counts(learner_ids=learner_ids, snapshot=snapshot, module_ids=modules)
    if completed is None:
        completed = {
            (assignment_id, learner_id): moment_of(completed_us)
            for assignment_id, learner_id, completed_us in COMPLETIONS.rows(
                learner_ids=learner_ids, assignment_ids=[a.pk for a in assignments]
            )
        }
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
    statuses: dict[tuple[int, int], LearnerStatus] = {}
    for assignment in assignments:
        assignment_id, due_at, requires_exam = assignment.pk, assignment.due_at, assignment.requires_exam
        modules = assignment_modules(assignment, snapshot)
        exam_min = assignment.exam_questions_needed(len(counted_assignment_questions(assignment, snapshot)))
        for learner_id in learner_ids:
            mine = tuple(progress[learner_id][m.id] for m in modules)
            exam_best = exam_passed_at = None
            if requires_exam:
                counted = [e for e in exams.get(learner_id, ()) if e.counts_for(assignment, min_items=exam_min)]
                exam_best = max((e.score for e in counted), default=None)
                exam_passed_at = next(
                    (e.finished_at for e in counted if e.passes(assignment, min_items=exam_min)), None
                )
            completed_at = completed.get((assignment_id, learner_id))
            # A stored completion settles it; the rule is read only for the others.
            rule_met = completed_at is None and (
                bool(mine)
                and all(
                    answers_meet_target(
                        seen=m.seen,
                        right=m.right_latest,
                        total=m.question_total,
                        target_percent=assignment.target_accuracy,
                    )
                    for m in mine
                )
                and (not requires_exam or exam_passed_at is not None)
            )
            if completed_at is not None or rule_met:
                status = AssignmentStatus.COMPLETE
            elif now >= due_at:
                status = AssignmentStatus.OVERDUE
            elif any(m.seen for m in mine) or exam_best is not None:
                status = AssignmentStatus.IN_PROGRESS
            else:
                status = AssignmentStatus.NOT_STARTED
            statuses[(assignment_id, learner_id)] = LearnerStatus(
                assignment=assignment,
                learner_id=learner_id,
                status=status,
                modules=mine,
                exam_best=exam_best,
                exam_passed_at=exam_passed_at,
                completed_at=completed_at,
            )
    return statuses


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
