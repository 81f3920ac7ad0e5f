"""The completion rule of an assignment, as plain functions a clinician-educator can read: who is done, who is
overdue, when an exam counts, and the first moment a learner met the rule. No database here."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import TextChoices

from tutor.cohorts.models import Assignment
from tutor.progress.selectors import ModuleProgress
from tutor.study.prepared import moment_of
from tutor.web.number_formats import whole_percent

if TYPE_CHECKING:
    from tutor.study.deadlines import NewQuestionPace


class AssignmentStatus(TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    OVERDUE = "overdue", "Overdue"


STATUS_LABELS = {status.value: status.label for status in AssignmentStatus}

# Sort order for "who needs attention": overdue first, complete last.
STATUS_RANK = {
    AssignmentStatus.OVERDUE: 0,
    AssignmentStatus.NOT_STARTED: 1,
    AssignmentStatus.IN_PROGRESS: 2,
    AssignmentStatus.COMPLETE: 3,
}


class StatusFigures:
    """What a status says in words and figures, from its status, questions answered, latest answers right and the
    assignment's question count: shared by `LearnerStatus` (with each module's figures) and `Standing` (the totals
    alone)."""

    __slots__ = ()
    assignment: Assignment
    status: str
    completed_at: dt.datetime | None
    answered: int
    right_latest: int
    question_total: int

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def answered_share(self) -> float:
        return self.answered / self.question_total if self.question_total else 0.0

    @property
    def percent(self) -> int:
        """Percent of the assignment's questions answered at least once."""
        return whole_percent(self.answered_share)

    @property
    def accuracy(self) -> float | None:
        """Share right among latest answers, over all the assignment's modules (the rule applies per module)."""
        return self.right_latest / self.answered if self.answered else None

    @property
    def is_complete(self) -> bool:
        return self.status == AssignmentStatus.COMPLETE

    @property
    def is_overdue(self) -> bool:
        return self.status == AssignmentStatus.OVERDUE

    @property
    def is_late(self) -> bool:
        return completed_late(self.completed_at, self.assignment.due_at)

    @property
    def awaits_recording(self) -> bool:
        """The rule is met now but no completion has been stored yet."""
        return self.is_complete and self.completed_at is None

    @property
    def sort_key(self) -> tuple:
        return (STATUS_RANK[self.status], self.answered_share, self.accuracy or 0.0)


@dataclass(frozen=True)
class LearnerStatus(StatusFigures):
    """Where one learner stands on one assignment, module by module."""

    assignment: Assignment
    learner_id: int
    status: str
    modules: tuple[ModuleProgress, ...]
    exam_best: float | None = None
    exam_passed_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    # Set on the learner's own pages when their daily limit of new questions cannot start every question by the
    # due date (see tutor.study.deadlines.new_question_pace).
    pace: NewQuestionPace | None = None

    @property
    def question_total(self) -> int:
        return sum(m.question_total for m in self.modules)

    @property
    def answered(self) -> int:
        return sum(m.seen for m in self.modules)

    @property
    def right_latest(self) -> int:
        return sum(m.right_latest for m in self.modules)


@dataclass(slots=True)
class Standing(StatusFigures):
    """Where one learner stands on one assignment, in totals only: what the cohort dashboard works out for every
    learner of a cohort (to count, sort and list the overdue), lighter to make 500 times than a `LearnerStatus`."""

    assignment: Assignment
    learner_id: int
    status: str
    answered: int
    right_latest: int
    question_total: int
    # Microseconds since 1970, as read: most of 500 learners' dates are never shown, so none is made until asked.
    completed_us: int | None

    @property
    def completed_at(self) -> dt.datetime | None:
        return moment_of(self.completed_us) if self.completed_us is not None else None


def completed_late(completed_at: dt.datetime | None, due_at: dt.datetime) -> bool:
    """Completed after the due moment (the end of the due day)."""
    return completed_at is not None and completed_at > due_at


def status_counts(statuses: Iterable[StatusFigures]) -> dict[str, int]:
    """How many of the statuses (of one assignment) are in each status, every status named."""
    counts = Counter(status.status for status in statuses)
    return {status.value: counts.get(status.value, 0) for status in AssignmentStatus}


def answers_meet_target(*, seen: int, right: int, total: int, target_percent: int) -> bool:
    """Every question answered at least once, and the latest answers at least `target_percent` right.

    Integer arithmetic, so that 4 right of 5 meets a target of 80% exactly.
    """
    return total > 0 and seen >= total and right * 100 >= target_percent * seen


def rule_met(
    module_counts: Sequence[tuple[int, int, int]], *, target_percent: int, requires_exam: bool, exam_passed: bool
) -> bool:
    """The assignment's rule, met now: in every module (questions seen, latest answers right, questions counted),
    every question answered and the target reached; and the exam passed, when one is required."""
    if not module_counts or (requires_exam and not exam_passed):
        return False
    for seen, right, total in module_counts:
        if not answers_meet_target(seen=seen, right=right, total=total, target_percent=target_percent):
            return False
    return True


def status_of(*, completed: bool, rule_met: bool, past_due: bool, started: bool) -> AssignmentStatus:
    """Complete once a completion is stored or the rule is met; otherwise overdue once the due moment has passed;
    otherwise in progress once anything is answered (or an exam taken); otherwise not started."""
    if completed or rule_met:
        return AssignmentStatus.COMPLETE
    if past_due:
        return AssignmentStatus.OVERDUE
    if started:
        return AssignmentStatus.IN_PROGRESS
    return AssignmentStatus.NOT_STARTED


@dataclass(frozen=True)
class ExamResult:
    learner_id: int
    module_slugs: tuple[str, ...]
    finished_at: dt.datetime
    items: int
    right: int

    @property
    def score(self) -> float:
        return self.right / self.items if self.items else 0.0

    def covers(self, assignment: Assignment) -> bool:
        """A test drawn from every module (no module chosen) covers any assignment."""
        return not self.module_slugs or set(assignment.module_slugs) <= set(self.module_slugs)

    def counts_for(self, assignment: Assignment, *, min_items: int) -> bool:
        """An exam counts when it was taken after the assignment opened, over all its modules, with enough
        questions (one flagged question is not an exam)."""
        return self.items >= max(1, min_items) and self.finished_at >= assignment.opens_at and self.covers(assignment)

    def passes(self, assignment: Assignment, *, min_items: int) -> bool:
        return (
            assignment.exam_pass_mark is not None
            and self.counts_for(assignment, min_items=min_items)
            and self.right * 100 >= assignment.exam_pass_mark * self.items
        )


def exam_outcome(
    exams: Iterable[ExamResult], assignment: Assignment, *, min_items: int
) -> tuple[float | None, dt.datetime | None]:
    """Of a learner's exams (oldest first), those that count for the assignment: the best score, and when one
    first passed it (None for either when there is none)."""
    counted = [exam for exam in exams if exam.counts_for(assignment, min_items=min_items)]
    best = max((exam.score for exam in counted), default=None)
    passed_at = next((exam.finished_at for exam in counted if exam.passes(assignment, min_items=min_items)), None)
    return best, passed_at


def first_moment_complete(
    *,
    answers: Iterable[tuple[int, bool, dt.datetime]],
    module_of: dict[int, int],
    module_totals: dict[int, int],
    target_percent: int,
    exam_passed_at: dt.datetime | None,
    requires_exam: bool,
) -> dt.datetime | None:
    """Replay one learner's answers (question id, correct, time; oldest first) to find when the rule was first met.

    Only answers to the assignment's live questions are given; `module_of` maps them to their modules. Runs once per
    learner and assignment, when a completion is first recorded, over that learner's answers in those modules only.
    """
    latest: dict[int, bool] = {}
    seen: Counter[int] = Counter()
    right: Counter[int] = Counter()
    events = [(at, question_id, correct) for question_id, correct, at in answers]
    if requires_exam:
        if exam_passed_at is None:
            return None
        events.append((exam_passed_at, None, None))
    events.sort(key=lambda event: (event[0], event[1] is None))
    for at, question_id, correct in events:
        if question_id is not None:
            module_id = module_of[question_id]
            if question_id not in latest:
                seen[module_id] += 1
            elif latest[question_id]:
                right[module_id] -= 1
            latest[question_id] = correct
            if correct:
                right[module_id] += 1
        if requires_exam and at < exam_passed_at:
            continue
        if all(
            answers_meet_target(seen=seen[m], right=right[m], total=total, target_percent=target_percent)
            for m, total in module_totals.items()
        ):
            return at
    return None
