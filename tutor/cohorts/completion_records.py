"""Storing assignment completions: when an answer or an exam may have completed an assignment (on commit, with its
own time), when an assignment is created or its rule changes, and when a learner joins. The rule itself is
plain logic in `completion.py`; this module dates and stores what it decides, and announces new completions."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from tutor.accounts.models import User
from tutor.catalog.snapshot import CatalogSnapshot, catalog
from tutor.cohorts.models import (
    Assignment,
    AssignmentCompletion,
)
from tutor.cohorts.selectors import (
    LearnerStatus,
    assignment_statuses,
    counted_assignment_questions,
    first_moment_complete,
    member_ids,
)
from tutor.cohorts.signals import announce_completions
from tutor.study.models import ReviewLog
from tutor.study.prepared import PreparedQuery


def may_complete_an_assignment(*, learner: User, question_id: int) -> bool:
    """Whether an answer to this question can complete one of the learner's assignments: only if its module is
    assigned to them. The learner's required modules are the union of their cohorts' assigned modules (kept by
    `sync_required_modules`), so an answer anywhere else is settled without a query."""
    question = catalog().questions.get(question_id)
    return question is not None and question.module_slug in (learner.modules_required or ())


# Run after every answer in an assigned module: compiled once (`PreparedQuery`), since building this query with its
# joins and its exclusion costs some twenty times what the database takes to answer it.
OPEN_ASSIGNMENTS = PreparedQuery(
    lambda learner_id: (
        Assignment.objects.filter(cohort__memberships__learner_id=learner_id)
        .exclude(completions__learner_id=learner_id)
        .select_related("cohort")
    ),
    "learner_id",
)


def record_learner_completions(*, learner_id: int, at: dt.datetime) -> None:
    """Store the completion of each of the learner's open assignments whose rule they meet as of `at`, the moment
    of the answer (or the end of the exam) that may have completed it. Called on commit of that answer; costs one
    query for a learner with nothing left to complete, two more (their progress; exams, if the rule asks for one)
    otherwise."""
    assignments = OPEN_ASSIGNMENTS.instances(learner_id=learner_id)
    if not assignments:
        return
    snapshot = catalog()
    # None of these is completed by the learner (the query left those out).
    statuses = assignment_statuses(
        assignments=assignments, learner_ids=[learner_id], snapshot=snapshot, now=at, completed={}
    )
    record_completions(statuses=statuses.values(), snapshot=snapshot, now=at)


def backfill_completions(*, assignment: Assignment, learner_ids: Iterable[int] | None = None, at: dt.datetime) -> None:
    """Store completions for learners who already meet a new or changed assignment's rule (or a learner who has
    just joined its cohort), dated by replaying their answers."""
    learner_ids = (
        list(learner_ids)
        if learner_ids is not None
        else list(member_ids(assignment.cohort_id).values_list("learner_id", flat=True))
    )
    if not learner_ids:
        return
    snapshot = catalog()
    statuses = assignment_statuses(assignments=[assignment], learner_ids=learner_ids, snapshot=snapshot, now=at)
    record_completions(statuses=statuses.values(), snapshot=snapshot, now=at)


def record_completions(
    *, statuses: Iterable[LearnerStatus], snapshot: CatalogSnapshot, now: dt.datetime
) -> dict[tuple[int, int], LearnerStatus]:
    """Store the completion of every learner who meets an assignment's rule but has no completion yet.

    The date is found by replaying the learner's answers to the assignment's questions (one query for all of them):
    the first moment every question had been answered and each module's latest answers reached the target, and the
    exam, if required, was passed. A learner who already met the rule before the assignment was made is dated at
    its creation. Returns the statuses by (assignment id, learner id) with those dates filled in; costs no query when
    nothing is pending.
    """
    updated = {(status.assignment.pk, status.learner_id): status for status in statuses}
    pending = [status for status in updated.values() if status.awaits_recording]
    if not pending:
        return updated
    questions = {s.assignment.pk: counted_assignment_questions(s.assignment, snapshot) for s in pending}
    question_ids = {q.id for qs in questions.values() for q in qs}
    answers: dict[int, list[tuple[int, bool, dt.datetime]]] = defaultdict(list)
    rows = (
        ReviewLog.objects.filter(learner_id__in={s.learner_id for s in pending}, question_id__in=question_ids)
        .order_by("reviewed_at", "id")
        .values_list("learner_id", "question_id", "correct", "reviewed_at")
    )
    for learner_id, question_id, correct, reviewed_at in rows:
        answers[learner_id].append((question_id, correct, reviewed_at))
    completions = []
    for status in pending:
        assignment = status.assignment
        module_of = {q.id: q.module_id for q in questions[assignment.pk]}
        moment = first_moment_complete(
            answers=[a for a in answers[status.learner_id] if a[0] in module_of],
            module_of=module_of,
            module_totals=dict(Counter(module_of.values())),
            target_percent=assignment.target_accuracy,
            exam_passed_at=status.exam_passed_at,
            requires_exam=assignment.requires_exam,
        )
        moment = min(max(moment or now, assignment.created_at), now)
        completions.append(
            AssignmentCompletion(
                assignment=assignment, learner_id=status.learner_id, completed_at=moment, recorded_at=now
            )
        )
        updated[(assignment.pk, status.learner_id)] = dataclasses.replace(status, completed_at=moment)
    AssignmentCompletion.objects.bulk_create(completions, ignore_conflicts=True)
    announce_completions(completions, updated)
    return updated
