"""Reads for cohorts: who may see what, assignment statuses, the cohort dashboard, item analysis, recall forecast.

Every function here runs a fixed number of queries however many learners a cohort has: per-learner numbers come
from `tutor.progress.selectors.module_progress` (one query for any number of learners), and the rest is aggregated
in the database or, where a statistic needs per-learner totals, computed from one bounded fetch.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum, TextChoices
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from tutor.accounts.models import User
from tutor.catalog.snapshot import CatalogSnapshot, ModuleView, QuestionView
from tutor.cohorts.models import Assignment, AssignmentCompletion, Cohort, Membership
from tutor.progress.selectors import ModuleProgress, module_progress, predicted_recall_sql
from tutor.study.marking import mark_answer
from tutor.study.models import Card, MemoryState, PracticeMode, PracticeTest, ReviewLog
from tutor.study.selectors import start_of_learner_day

DISCRIMINATION_FLAG = 0.2
DISCRIMINATION_MIN_ATTEMPTS = 10
FORECAST_EXPLANATION = (
    "Predicted recall is the chance that a learner of the cohort, picked at random, would recall a question picked "
    "at random from the module if they studied nothing more, worked out from each learner's memory of each "
    "question; questions a learner has not yet answered count as forgotten."
)


# --- Access ------------------------------------------------------------------------------------------------------
# Objects of others are simply not found, so that a view answers 404 and an id tells nothing about who owns it.


def taught_cohorts(educator: User) -> QuerySet[Cohort]:
    """Cohorts the user owns or co-teaches; none unless the user is an educator."""
    if not educator.is_authenticated or not educator.is_educator:
        return Cohort.objects.none()
    co_teaching = Cohort.co_teachers.through.objects.filter(cohort_id=OuterRef("pk"), user_id=educator.pk)
    return Cohort.objects.filter(Q(owner=educator) | Exists(co_teaching))


def taught_cohort(*, educator: User, cohort_id: int) -> Cohort | None:
    return taught_cohorts(educator).select_related("owner").filter(pk=cohort_id).first()


def taught_assignment(*, educator: User, assignment_id: int) -> Assignment | None:
    return (
        Assignment.objects.select_related("cohort")
        .filter(pk=assignment_id, cohort__in=taught_cohorts(educator).values("pk"))
        .first()
    )


def cohort_member(*, cohort: Cohort, learner_id: int) -> Membership | None:
    """A learner of the cohort with their last answer's time, or None when they are not in it."""
    return _with_last_active(Membership.objects.filter(cohort=cohort, learner_id=learner_id)).first()


def learner_membership(*, learner: User, cohort_id: int) -> Membership | None:
    return Membership.objects.select_related("cohort").filter(learner=learner, cohort_id=cohort_id).first()


def taught_cohorts_with_counts(educator: User) -> list[Cohort]:
    return list(
        taught_cohorts(educator)
        .select_related("owner")
        .annotate(
            learner_count=Count("memberships", distinct=True),
            assignment_count=Count("assignments", distinct=True),
        )
        .order_by("name", "id")
    )


def learner_memberships(learner: User) -> list[Membership]:
    return list(Membership.objects.filter(learner=learner).select_related("cohort", "cohort__owner"))


def member_ids(cohort_id: int) -> QuerySet:
    """The cohort's learner ids as a subquery, so that no list of ids travels to the database and back."""
    return Membership.objects.filter(cohort_id=cohort_id).values("learner_id")


def _with_last_active(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    latest = ReviewLog.objects.filter(learner_id=OuterRef("learner_id")).order_by("-reviewed_at")
    return memberships.select_related("learner").annotate(last_active=Subquery(latest.values("reviewed_at")[:1]))


# --- Assignment statuses -------------------------------------------------------------------------------------


class AssignmentStatus(TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    OVERDUE = "overdue", "Overdue"


# Sort order for "who needs attention": overdue first, complete last.
STATUS_RANK = {
    AssignmentStatus.OVERDUE: 0,
    AssignmentStatus.NOT_STARTED: 1,
    AssignmentStatus.IN_PROGRESS: 2,
    AssignmentStatus.COMPLETE: 3,
}


@dataclass(frozen=True)
class LearnerStatus:
    """Where one learner stands on one assignment."""

    assignment: Assignment
    learner_id: int
    status: str
    modules: tuple[ModuleProgress, ...]
    exam_best: float | None = None
    exam_passed_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None

    @property
    def label(self) -> str:
        return AssignmentStatus(self.status).label

    @property
    def question_total(self) -> int:
        return sum(m.question_total for m in self.modules)

    @property
    def answered(self) -> int:
        return sum(m.seen for m in self.modules)

    @property
    def right_latest(self) -> int:
        return sum(m.right_latest for m in self.modules)

    @property
    def answered_share(self) -> float:
        return self.answered / self.question_total if self.question_total else 0.0

    @property
    def percent(self) -> int:
        """Percent of the assignment's questions answered at least once."""
        return math.floor(self.answered_share * 100)

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
        return self.completed_at is not None and self.completed_at > self.assignment.due_at

    @property
    def awaits_recording(self) -> bool:
        """The rule is met now but no completion has been stored yet."""
        return self.is_complete and self.completed_at is None

    @property
    def sort_key(self) -> tuple:
        return (STATUS_RANK[self.status], self.answered_share, self.accuracy or 0.0)


def answers_meet_target(*, seen: int, right: int, total: int, target_percent: int) -> bool:
    """Every question answered at least once, and the latest answers at least `target_percent` right.

    Integer arithmetic, so that 4 right of 5 meets a target of 80% exactly.
    """
    return total > 0 and seen >= total and right * 100 >= target_percent * seen


def assignment_modules(assignment: Assignment, snapshot: CatalogSnapshot) -> list[ModuleView]:
    """The assignment's modules still in the catalog, in the curriculum's order."""
    modules = (snapshot.module_by_slug(slug) for slug in assignment.module_slugs)
    return sorted((m for m in modules if m is not None), key=lambda m: m.order)


def assignment_questions(assignment: Assignment, snapshot: CatalogSnapshot) -> list[QuestionView]:
    """The live questions of the assignment's modules, in module then bank order."""
    order = {m.id: rank for rank, m in enumerate(assignment_modules(assignment, snapshot))}
    questions = [q for q in snapshot.live_questions if q.module_id in order]
    return sorted(questions, key=lambda q: (order[q.module_id], q.order, q.id))


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


def finished_exams(*, learner_ids: list[int], since: dt.datetime, now: dt.datetime) -> dict[int, list[ExamResult]]:
    """Exam-mode practice tests of the learners that ended since a moment (finished, or their time ran out before
    `now`), with their scores, in one query."""
    rows = (
        PracticeTest.objects.filter(learner_id__in=learner_ids, mode=PracticeMode.EXAM)
        .filter(Q(finished_at__isnull=False) | Q(deadline__lte=now))
        .annotate(ended=Coalesce("finished_at", "deadline"))
        .filter(ended__gte=since)
        .annotate(item_total=Count("items"), item_right=Count("items", filter=Q(items__review_log__correct=True)))
        .values_list("learner_id", "module_slugs", "ended", "item_total", "item_right")
        .order_by("ended")
    )
    exams: dict[int, list[ExamResult]] = defaultdict(list)
    for learner_id, slugs, finished_at, items, right in rows:
        exams[learner_id].append(ExamResult(learner_id, tuple(slugs or ()), finished_at, items, right))
    return exams


def assignment_statuses(
    *,
    assignments: Iterable[Assignment],
    learner_ids: Iterable[int],
    snapshot: CatalogSnapshot,
    now: dt.datetime,
    progress: dict[int, dict[int, ModuleProgress]] | None = None,
) -> dict[tuple[int, int], LearnerStatus]:
    """(assignment id, learner id) -> LearnerStatus, in three queries at most (progress, completions, exams).

    A learner whose rule is met now but whose completion is not stored yet is COMPLETE without a date: pass the
    result through `services.record_completions` to store and date it.
    """
    assignments, learner_ids = list(assignments), list(learner_ids)
    if not assignments or not learner_ids:
        return {}
    if progress is None:
        progress = module_progress(learner_ids=learner_ids, snapshot=snapshot, now=now, today_ends=now)
    completed = {
        (assignment_id, learner_id): completed_at
        for assignment_id, learner_id, completed_at in AssignmentCompletion.objects.filter(
            assignment_id__in=[a.pk for a in assignments], learner_id__in=learner_ids
        ).values_list("assignment_id", "learner_id", "completed_at")
    }
    exam_assignments = [a for a in assignments if a.requires_exam]
    exams = (
        finished_exams(learner_ids=learner_ids, since=min(a.opens_at for a in exam_assignments), now=now)
        if exam_assignments
        else {}
    )
    statuses: dict[tuple[int, int], LearnerStatus] = {}
    for assignment in assignments:
        modules = assignment_modules(assignment, snapshot)
        exam_min = assignment.exam_questions_needed(len(assignment_questions(assignment, snapshot)))
        for learner_id in learner_ids:
            mine = tuple(progress[learner_id][m.id] for m in modules)
            exam_best = exam_passed_at = None
            if assignment.requires_exam:
                counted = [e for e in exams.get(learner_id, ()) if e.counts_for(assignment, min_items=exam_min)]
                exam_best = max((e.score for e in counted), default=None)
                exam_passed_at = next(
                    (e.finished_at for e in counted if e.passes(assignment, min_items=exam_min)), None
                )
            completed_at = completed.get((assignment.pk, learner_id))
            rule_met = (
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
                and (not assignment.requires_exam or exam_passed_at is not None)
            )
            if completed_at is not None or rule_met:
                status = AssignmentStatus.COMPLETE
            elif now >= assignment.due_at:
                status = AssignmentStatus.OVERDUE
            elif any(m.seen for m in mine) or exam_best is not None:
                status = AssignmentStatus.IN_PROGRESS
            else:
                status = AssignmentStatus.NOT_STARTED
            statuses[(assignment.pk, learner_id)] = LearnerStatus(
                assignment=assignment,
                learner_id=learner_id,
                status=status,
                modules=mine,
                exam_best=exam_best,
                exam_passed_at=exam_passed_at,
                completed_at=completed_at,
            )
    return statuses


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


def learner_assignments(*, learner: User, snapshot: CatalogSnapshot, now: dt.datetime) -> list[LearnerStatus]:
    """The learner's assignments from all their cohorts, with status, soonest due first."""
    assignments = list(
        Assignment.objects.filter(cohort__memberships__learner=learner)
        .select_related("cohort")
        .order_by("due_on", "id")
    )
    statuses = assignment_statuses(assignments=assignments, learner_ids=[learner.pk], snapshot=snapshot, now=now)
    return [statuses[(a.pk, learner.pk)] for a in assignments]


# --- The cohort dashboard ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LearnerRow:
    membership: Membership
    statuses: tuple[LearnerStatus, ...]

    @property
    def learner(self) -> User:
        return self.membership.learner

    @property
    def name(self) -> str:
        return self.learner.get_full_name() or self.learner.get_username()

    @property
    def last_active(self) -> dt.datetime | None:
        return self.membership.last_active

    @property
    def overdue(self) -> tuple[LearnerStatus, ...]:
        return tuple(s for s in self.statuses if s.is_overdue)


@dataclass(frozen=True)
class CohortOverview:
    cohort: Cohort
    assignments: list[Assignment]
    memberships: list[Membership]
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

    def with_statuses(self, statuses: dict[tuple[int, int], LearnerStatus]) -> CohortOverview:
        return CohortOverview(self.cohort, self.assignments, self.memberships, statuses)


def cohort_overview(
    *, cohort: Cohort, snapshot: CatalogSnapshot, now: dt.datetime, assignments: list[Assignment] | None = None
) -> CohortOverview:
    """The cohort's learners (with their last answer's time) against its assignments, in five queries at most."""
    memberships = list(_with_last_active(Membership.objects.filter(cohort=cohort)).order_by("learner__username"))
    if assignments is None:
        assignments = list(cohort.assignments.all())
    learner_ids = [m.learner_id for m in memberships]
    statuses = assignment_statuses(assignments=assignments, learner_ids=learner_ids, snapshot=snapshot, now=now)
    return CohortOverview(cohort, assignments, memberships, statuses)


def sort_keys(assignments: list[Assignment]) -> list[str]:
    """Every value the dashboard's `sort` accepts, each also with a leading "-" for descending."""
    keys = ["name", "last_active", "overdue", *[f"assignment-{a.pk}" for a in assignments]]
    return [prefix + key for key in keys for prefix in ("", "-")]


def sorted_rows(rows: list[LearnerRow], sort: str) -> list[LearnerRow]:
    """Rows sorted by a validated key; ties fall back to the learner's name."""
    descending = sort.startswith("-")
    key = sort.lstrip("-") or "name"
    rows = sorted(rows, key=lambda r: r.name.lower())
    if key == "name":
        return list(reversed(rows)) if descending else rows
    if key == "last_active":
        epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
        return sorted(rows, key=lambda r: r.last_active or epoch, reverse=descending)
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


# --- Recall forecast -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleForecast:
    module: ModuleView
    question_total: int
    learner_count: int
    recall_now: float | None
    recall_due: float | None

    @property
    def change(self) -> float | None:
        if self.recall_now is None or self.recall_due is None:
            return None
        return self.recall_due - self.recall_now


def recall_forecast(
    *, assignment: Assignment, snapshot: CatalogSnapshot, now: dt.datetime, learner_count: int
) -> list[ModuleForecast]:
    """Mean predicted recall over the cohort's learners and each module's questions, now and on the due date.

    Unanswered questions count as 0. One query: sums of the scheduler's retrievability per question, in SQL.
    The projection to the due date is left out (None) once the due date has passed.
    """
    modules = assignment_modules(assignment, snapshot)
    questions = assignment_questions(assignment, snapshot)
    module_of = {q.id: q.module_id for q in questions}
    sums_now: Counter[int] = Counter()
    sums_due: Counter[int] = Counter()
    if questions and learner_count:
        rows = (
            Card.objects.filter(
                learner_id__in=member_ids(assignment.cohort_id),
                question_id__in=list(module_of),
                stability__isnull=False,
                last_review_days__isnull=False,
            )
            .values("question_id")
            .annotate(now_sum=Sum(predicted_recall_sql(now)), due_sum=Sum(predicted_recall_sql(assignment.due_at)))
            .order_by()
        )
        for row in rows:
            sums_now[module_of[row["question_id"]]] += row["now_sum"] or 0.0
            sums_due[module_of[row["question_id"]]] += row["due_sum"] or 0.0
    totals = Counter(module_of.values())
    forecasts = []
    for module in modules:
        cells = totals[module.id] * learner_count
        forecasts.append(
            ModuleForecast(
                module=module,
                question_total=totals[module.id],
                learner_count=learner_count,
                recall_now=sums_now[module.id] / cells if cells else None,
                recall_due=sums_due[module.id] / cells if cells and now < assignment.due_at else None,
            )
        )
    return forecasts


@dataclass(frozen=True)
class LearnerReadiness:
    """One learner's predicted recall of the assignment's questions on its due date, against their own target."""

    learner_id: int
    name: str
    recall_due: float
    target: float

    @property
    def on_track(self) -> bool:
        return self.recall_due >= self.target


def learner_readiness(
    *, assignment: Assignment, memberships: list[Membership], snapshot: CatalogSnapshot, now: dt.datetime
) -> list[LearnerReadiness]:
    """Per learner: mean predicted recall on the due date over the assigned questions (unanswered count as 0), on
    track when at least the learner's desired retention, at risk otherwise. One query (the memberships come with
    their learners); empty once the due date has passed."""
    questions = [q.id for q in assignment_questions(assignment, snapshot)]
    if not questions or now >= assignment.due_at:
        return []
    members = {m.learner_id: m.learner for m in memberships}
    sums = dict(
        Card.objects.filter(
            learner_id__in=list(members),
            question_id__in=questions,
            stability__isnull=False,
            last_review_days__isnull=False,
        )
        .values("learner_id")
        .annotate(due_sum=Sum(predicted_recall_sql(assignment.due_at)))
        .order_by()
        .values_list("learner_id", "due_sum")
    )
    rows = [
        LearnerReadiness(
            learner_id=learner_id,
            name=learner.get_full_name() or learner.username,
            recall_due=(sums.get(learner_id) or 0.0) / len(questions),
            target=learner.desired_retention,
        )
        for learner_id, learner in members.items()
    ]
    return sorted(rows, key=lambda r: (r.on_track, r.recall_due, r.name.lower()))


# --- Item analysis -------------------------------------------------------------------------------------------


class AttemptKind(TextChoices):
    FIRST = "first", "First attempts"
    LATEST = "latest", "Latest attempts"


@dataclass(frozen=True)
class OptionShare:
    """How often one option was chosen (choice items), one part was right (matching, ordering), or one value given
    (numeric items)."""

    key: str
    label: str
    count: int
    share: float
    is_correct: bool
    misconception: str = ""
    misconception_label: str = ""


@dataclass(frozen=True)
class ItemStats:
    question: QuestionView
    attempts: int
    right: int
    mean_score: float | None
    discrimination: float | None
    options: tuple[OptionShare, ...]
    option_kind: str

    @property
    def stem_text(self) -> str:
        """The stem without Markdown marks, for tables and exports."""
        return _plain(self.question.stem, limit=10_000)

    @property
    def facility(self) -> float | None:
        """Share of attempts answered right."""
        return self.right / self.attempts if self.attempts else None

    @property
    def flagged(self) -> bool:
        """Discrimination too weak to trust the item, with enough attempts to say so."""
        return (
            self.discrimination is not None
            and self.attempts >= DISCRIMINATION_MIN_ATTEMPTS
            and self.discrimination <= DISCRIMINATION_FLAG
        )

    @property
    def top_wrong(self) -> tuple[OptionShare, ...]:
        """The most chosen wrong option(s), ties included."""
        wrong = [o for o in self.options if not o.is_correct and o.count and o.key]
        most = max((o.count for o in wrong), default=0)
        return tuple(o for o in wrong if o.count == most)

    @property
    def misconceptions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o.misconception for o in self.top_wrong if o.misconception))

    @property
    def misconception_labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o.misconception_label for o in self.top_wrong if o.misconception))


@dataclass(frozen=True)
class MisconceptionRow:
    tag: str
    times: int
    questions: tuple[QuestionView, ...]
    label: str = ""


@dataclass(frozen=True)
class ItemAnalysis:
    assignment: Assignment
    kind: str
    items: list[ItemStats]
    misconceptions: list[MisconceptionRow]

    @property
    def flagged_count(self) -> int:
        return sum(1 for item in self.items if item.flagged)

    @property
    def attempted_items(self) -> list[ItemStats]:
        return [item for item in self.items if item.attempts]


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's correlation; None when there are fewer than two pairs or either side does not vary."""
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def discrimination_by_question(rows: Iterable[tuple[int, int, float]], question_ids: list[int]) -> dict[int, float]:
    """Moodle's discrimination index for each question: the correlation, over the learners who attempted it, between
    their score on it and their rest-of-test score (the sum of their scores on the assignment's other questions,
    0 for questions they have not attempted).

    `rows` are (learner id, question id, score), one per learner and question. Time and memory are bounded by
    learners times questions of the assignment.
    """
    scores: dict[int, dict[int, float]] = defaultdict(dict)
    for learner_id, question_id, score in rows:
        scores[learner_id].setdefault(question_id, score)
    totals = {learner_id: sum(by_question.values()) for learner_id, by_question in scores.items()}
    result = {}
    for question_id in question_ids:
        pairs = [
            (by_question[question_id], totals[learner_id] - by_question[question_id])
            for learner_id, by_question in scores.items()
            if question_id in by_question
        ]
        value = pearson([x for x, _ in pairs], [y for _, y in pairs])
        if value is not None:
            result[question_id] = value
    return result


def _plain(text: str, limit: int = 90) -> str:
    text = " ".join(re.sub(r"[*_`]", "", text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _format_number(value: float) -> str:
    return f"{value:g}"


def _option_shares(question: QuestionView, counts: Counter, attempts: int, other: int = 0) -> tuple[str, tuple]:
    """Shares per option for one question from counts keyed by option key."""

    def share(count: int) -> float:
        return count / attempts if attempts else 0.0

    if question.type in ("single", "true_false", "multiple"):
        return "choice", tuple(
            OptionShare(
                o.key,
                _plain(o.text),
                counts[o.key],
                share(counts[o.key]),
                o.is_correct,
                o.misconception,
                o.misconception_label,
            )
            for o in question.options
        )
    if question.type in ("matching", "ordering"):
        shares = []
        for o in question.options:
            if question.type == "matching":
                label = f"{_plain(o.text, 45)} → {_plain(o.match_text, 45)}"
            else:
                label = f"{o.position + 1}. {_plain(o.text)}"
            shares.append(OptionShare(o.key, label, counts[o.key], share(counts[o.key]), True))
        return "part", tuple(shares)
    unit = f" {question.unit}" if question.unit else ""
    tolerance = f" ± {_format_number(question.numeric_tolerance)}" if question.numeric_tolerance else ""
    shares = [
        OptionShare(
            "answer",
            f"{_format_number(question.numeric_answer)}{tolerance}{unit}",
            counts["answer"],
            share(counts["answer"]),
            True,
        )
    ]
    for o in question.options:
        if not o.is_correct and o.numeric_value is not None:
            shares.append(
                OptionShare(
                    o.key,
                    f"{_format_number(o.numeric_value)}{unit}",
                    counts[o.key],
                    share(counts[o.key]),
                    False,
                    o.misconception,
                    o.misconception_label,
                )
            )
    shares.append(OptionShare("", "Any other value", other, share(other), False))
    return "value", tuple(shares)


def item_analysis(*, assignment: Assignment, snapshot: CatalogSnapshot, kind: str = AttemptKind.FIRST) -> ItemAnalysis:
    """Per-question statistics over the cohort's current learners, one attempt per learner and question.

    First attempts (the default) are the answers given while the card was new, before any feedback, as a test
    would see them; latest attempts show what the cohort answers now. Four queries at most:
      1. attempts, right answers and mean score per question (SQL aggregate);
      2. how often each option was chosen, for single-answer and true/false items (SQL, grouped by the answer's key);
      3. (learner, question, score) rows for the discrimination index, which needs each learner's total;
      4. the answers to multiple-response, matching, ordering and numeric items, marked part by part in Python.
    Rows of 3 and 4 number at most learners times questions of the assignment.
    """
    questions = assignment_questions(assignment, snapshot)
    question_ids = [q.id for q in questions]
    logs = ReviewLog.objects.filter(learner_id__in=member_ids(assignment.cohort_id), question_id__in=question_ids)
    if kind == AttemptKind.LATEST:
        newer = ReviewLog.objects.filter(learner_id=OuterRef("learner_id"), question_id=OuterRef("question_id")).filter(
            Q(reviewed_at__gt=OuterRef("reviewed_at")) | Q(reviewed_at=OuterRef("reviewed_at"), id__gt=OuterRef("id"))
        )
        logs = logs.filter(~Exists(newer))
    else:
        logs = logs.filter(state_before=MemoryState.NEW)

    totals = {
        row["question_id"]: row
        for row in logs.values("question_id")
        .annotate(attempts=Count("id"), right=Count("id", filter=Q(correct=True)), mean_score=Avg("score"))
        .order_by()
    }
    choice_ids = [q.id for q in questions if q.type in ("single", "true_false")]
    other_ids = [q.id for q in questions if q.type not in ("single", "true_false")]
    counts: dict[int, Counter] = defaultdict(Counter)
    others: Counter[int] = Counter()
    if choice_ids:
        chosen = (
            logs.filter(question_id__in=choice_ids)
            .values("question_id", choice=KT("answer__choice"))
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in chosen:
            counts[row["question_id"]][row["choice"]] += row["n"]
    discrimination = discrimination_by_question(
        logs.values_list("learner_id", "question_id", "score").order_by(), question_ids
    )
    if other_ids:
        for question_id, answer in logs.filter(question_id__in=other_ids).values_list("question_id", "answer"):
            question = snapshot.questions[question_id]
            try:
                marking = mark_answer(question, answer)
            except (KeyError, TypeError, ValueError, AttributeError):
                continue  # an answer stored under an older revision of the question: counted in totals only
            if question.type == "multiple":
                counts[question_id].update(o.key for o in marking.chosen)
            elif question.type in ("matching", "ordering"):
                counts[question_id].update(part.option.key for part in marking.parts if part.correct)
            elif marking.correct:
                counts[question_id]["answer"] += 1
            elif marking.closest_error is not None:
                counts[question_id][marking.closest_error.key] += 1
            else:
                others[question_id] += 1

    items = []
    times_by_tag: Counter[str] = Counter()
    questions_by_tag: dict[str, dict[int, QuestionView]] = defaultdict(dict)
    label_by_tag: dict[str, str] = {}
    for question in questions:
        row = totals.get(question.id, {})
        attempts = row.get("attempts", 0)
        option_kind, options = _option_shares(question, counts[question.id], attempts, others[question.id])
        items.append(
            ItemStats(
                question=question,
                attempts=attempts,
                right=row.get("right", 0),
                mean_score=row.get("mean_score"),
                discrimination=discrimination.get(question.id),
                options=options,
                option_kind=option_kind,
            )
        )
        for option in options:
            if not option.is_correct and option.count and option.misconception:
                times_by_tag[option.misconception] += option.count
                questions_by_tag[option.misconception][question.id] = question
                label_by_tag[option.misconception] = option.misconception_label or option.misconception
    misconceptions = sorted(
        (
            MisconceptionRow(tag, times, tuple(questions_by_tag[tag].values()), label_by_tag[tag])
            for tag, times in times_by_tag.items()
        ),
        key=lambda r: (-r.times, r.tag),
    )
    return ItemAnalysis(assignment=assignment, kind=kind, items=items, misconceptions=misconceptions)
