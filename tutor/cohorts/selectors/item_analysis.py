"""Item analysis of an assignment: facility, discrimination, options chosen and misconceptions, per question."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, OuterRef, Q, TextChoices
from django.db.models.fields.json import KT

from tutor.catalog.snapshot import CatalogSnapshot, QuestionView
from tutor.cohorts.models import Assignment
from tutor.cohorts.selectors.access import (
    member_ids,
)
from tutor.cohorts.selectors.statuses import (
    assignment_questions,
)
from tutor.questions.base import OptionShare, plain_label
from tutor.study.marking import mark_answer
from tutor.study.models import MemoryState, ReviewLog

DISCRIMINATION_FLAG = 0.2
DISCRIMINATION_MIN_ATTEMPTS = 10


class AttemptKind(TextChoices):
    FIRST = "first", "First attempts"
    LATEST = "latest", "Latest attempts"


@dataclass(frozen=True)
class ItemStats:
    question: QuestionView
    attempts: int
    right: int
    mean_score: float | None
    discrimination: float | None
    options: tuple[OptionShare, ...]
    option_kind: str
    # What the shares are of, when it needs saying (matching and ordering count the parts answered right).
    shares_note: str = ""

    @property
    def stem_text(self) -> str:
        """The stem without Markdown marks, for tables and exports."""
        return plain_label(self.question.stem, limit=10_000)

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
    """Pearson's correlation (the standard library's); None when there are fewer than two pairs or either side does
    not vary, where the correlation is undefined."""
    try:
        return statistics.correlation(xs, ys)
    except statistics.StatisticsError:
        return None


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


def item_analysis(*, assignment: Assignment, snapshot: CatalogSnapshot, kind: str = AttemptKind.FIRST) -> ItemAnalysis:
    """Per-question statistics over the cohort's current learners, one attempt per learner and question.

    First attempts (the default) are the answers given while the card was new, before any feedback, as a test
    would see them; latest attempts show what the cohort answers now. Four queries at most:
      1. attempts, right answers and mean score per question (SQL aggregate);
      2. how often each option was chosen, for single-answer and true/false items (SQL, grouped by the answer's key);
      3. (learner, question, score) rows for the discrimination index, which needs each learner's total;
      4. the answers to the other items (multiple-response, matching, ordering, numeric), marked part by part
         in Python by their type, which says which options each answer counts for.
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
    choice_ids = [q.id for q in questions if q.type_spec.choice_in_answer]
    other_ids = [q.id for q in questions if not q.type_spec.choice_in_answer]
    counts: dict[int, Counter] = defaultdict(Counter)
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
            counts[question_id].update(question.type_spec.counted_keys(marking))

    items = []
    times_by_tag: Counter[str] = Counter()
    questions_by_tag: dict[str, dict[int, QuestionView]] = defaultdict(dict)
    label_by_tag: dict[str, str] = {}
    for question in questions:
        row = totals.get(question.id, {})
        attempts = row.get("attempts", 0)
        spec = question.type_spec
        options = spec.option_shares(question, counts[question.id], attempts)
        items.append(
            ItemStats(
                question=question,
                attempts=attempts,
                right=row.get("right", 0),
                mean_score=row.get("mean_score"),
                discrimination=discrimination.get(question.id),
                options=options,
                option_kind=spec.share_kind,
                shares_note=spec.shares_note,
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
