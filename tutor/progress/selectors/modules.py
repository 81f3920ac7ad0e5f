"""Where a learner stands in each module, from their cards: module progress for many learners in one grouped query
(the cohort pages), and one learner's cards read once and worked out in Python (their own dashboard: module table,
forecast, recall chart, updated questions). Both count the same cards the same way."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Greatest, Power

from tutor.accounts.models import User
from tutor.catalog.snapshot import CatalogSnapshot, ModuleView
from tutor.progress.answer_tallies import answers_by_learner_and_module
from tutor.progress.models import ModuleAnswerTally
from tutor.study.evidence_updates import is_updated_since_answered
from tutor.study.models import Card
from tutor.study.prepared import EpochMicroseconds, OneOf, PreparedQuery, moment_of
from tutor.study.scheduler import recall_after_days, recall_curve

MASTERY_RECALL = 0.9
MASTERY_STABILITY_DAYS = 21
MASTERY_DEFINITION = (
    "A question is mastered when its predicted chance of recall today is at least 90% and its memory stability "
    "is at least 21 days (it would take three weeks to fall to 90%)."
)


def days_since_epoch(moment: dt.datetime) -> float:
    return moment.timestamp() / 86400


def predicted_recall_sql(at: dt.datetime):
    """The scheduler's predicted recall at `at`, as an SQL expression over a Card row (elapsed time in fractional
    days, as `tutor.study.scheduler.predicted_recall`)."""
    factor, decay = recall_curve()
    elapsed = Greatest(Value(days_since_epoch(at)) - F("last_review_days"), Value(0.0))
    return Power(Value(1.0) + Value(factor) * elapsed / F("stability"), Value(decay), output_field=FloatField())


@dataclass(frozen=True)
class ModuleProgress:
    module: ModuleView
    question_total: int
    seen: int = 0
    right_latest: int = 0
    mastered: int = 0
    due_today: int = 0
    due_week: int = 0
    leeches: int = 0

    @property
    def accuracy(self) -> float | None:
        """Share of seen questions whose latest answer was right."""
        return self.right_latest / self.seen if self.seen else None

    @property
    def mastery(self) -> float:
        return self.mastered / self.question_total if self.question_total else 0.0

    @property
    def answered_all(self) -> bool:
        return self.question_total > 0 and self.seen >= self.question_total


def module_progress(
    *, learner_ids: Iterable[int], snapshot: CatalogSnapshot, now: dt.datetime, today_ends: dt.datetime
) -> dict[int, dict[int, ModuleProgress]]:
    """learner id -> module id -> ModuleProgress, for every live module, in one query; questions under editors'
    review are left out."""
    learner_ids = list(learner_ids)
    # Items under editors' review count neither for nor against anyone: left out of totals and of the counts.
    live_ids = [q.id for q in snapshot.counted_questions]
    totals: dict[int, int] = {}
    for question in snapshot.counted_questions:
        totals[question.module_id] = totals.get(question.module_id, 0) + 1
    rows = (
        Card.objects.filter(OneOf(F("learner_id"), learner_ids), question_id__in=live_ids)
        .annotate(recall_now=predicted_recall_sql(now))
        .values("learner_id", "question__module_id")
        .annotate(
            seen=Count("id"),
            right_latest=Count("id", filter=Q(last_answer_correct=True)),
            mastered=Count(
                "id",
                filter=Q(stability__gte=MASTERY_STABILITY_DAYS, recall_now__gte=MASTERY_RECALL),
            ),
            due_today=Count("id", filter=Q(due__lt=today_ends)),
            due_week=Count("id", filter=Q(due__lt=now + dt.timedelta(days=7))),
            leeches=Count("id", filter=Q(is_leech=True)),
        )
        .order_by()
    )
    result = {
        learner_id: {
            module.id: ModuleProgress(module=module, question_total=totals.get(module.id, 0))
            for module in snapshot.modules.values()
        }
        for learner_id in learner_ids
    }
    for row in rows:
        module = snapshot.modules.get(row["question__module_id"])
        if module is None:
            continue
        result[row["learner_id"]][module.id] = ModuleProgress(
            module=module,
            question_total=totals.get(module.id, 0),
            seen=row["seen"],
            right_latest=row["right_latest"],
            mastered=row["mastered"],
            due_today=row["due_today"],
            due_week=row["due_week"],
            leeches=row["leeches"],
        )
    return result


ANSWER_TALLIES = PreparedQuery(
    lambda learner_ids, module_ids: ModuleAnswerTally.objects.filter(
        OneOf(F("learner_id"), learner_ids), OneOf(F("module_id"), module_ids)
    ).values_list("learner_id", "module_id", "answered", "right_latest"),
    "learner_ids",
    "module_ids",
    lists=("learner_ids", "module_ids"),
)


def members_of(cohort_id: int) -> QuerySet:
    """The ids of a cohort's members, from its memberships alone (not joined to the users' table): for a filter
    `learner_id__in=`, which the database runs as a semi-join. The membership model is reached through the user's
    relation, as `learner__cohort_memberships` would, so progress does not import the cohorts app above it."""
    membership = User._meta.get_field("cohort_memberships").related_model
    return membership.objects.filter(cohort_id=cohort_id).values("learner_id")


MEMBERS_ANSWER_TALLIES = PreparedQuery(
    lambda cohort_id, module_ids: ModuleAnswerTally.objects.filter(
        OneOf(F("module_id"), module_ids), learner_id__in=members_of(cohort_id)
    ).values_list("learner_id", "module_id", "answered", "right_latest"),
    "cohort_id",
    "module_ids",
    lists=("module_ids",),
)


@dataclass(frozen=True)
class AnswerCounts:
    """Questions seen and latest answers right, by (learner id, module id), counting only the questions that count
    (`totals`, by module id); a pair that is absent has nothing answered."""

    modules: list[ModuleView]
    totals: dict[int, int]
    counts: dict[tuple[int, int], list[int]]

    def of(self, learner_id: int, module_id: int) -> tuple[int, int]:
        found = self.counts.get((learner_id, module_id))
        return (found[0], found[1]) if found is not None else (0, 0)


def answer_counts(
    *,
    learner_ids: Iterable[int] = (),
    snapshot: CatalogSnapshot,
    module_ids: Iterable[int] | None = None,
    cohort_id: int | None = None,
) -> AnswerCounts:
    """What an assignment's status needs (questions seen and latest answers right) for many learners at once, in
    the modules asked (all when none are), read from the answer tallies the database keeps (`ModuleAnswerTally`)
    rather than from every card: of the learners given, or of every member of `cohort_id` (then without sending
    their ids). Cards of questions that do not count (retired, or under editors' review) are taken out with a
    second, small query, only when there are such questions."""
    learner_ids = list(learner_ids)
    wanted = set(module_ids) if module_ids is not None else set(snapshot.modules)
    totals: dict[int, int] = {}
    left_out: list[int] = []
    for question in snapshot.questions.values():
        if question.module_id in wanted:
            if question.retired or question.under_review:
                left_out.append(question.id)
            else:
                totals[question.module_id] = totals.get(question.module_id, 0) + 1
    # Only the wanted modules: for a cohort, an entry for every other module of every learner is work for nothing.
    modules = [module for module in snapshot.modules.values() if module.id in wanted]
    if (not learner_ids and cohort_id is None) or not modules:
        return AnswerCounts(modules, totals, {})
    module_list = [m.id for m in modules]
    rows = (
        MEMBERS_ANSWER_TALLIES.rows(cohort_id=cohort_id, module_ids=module_list)
        if cohort_id is not None
        else ANSWER_TALLIES.rows(learner_ids=learner_ids, module_ids=module_list)
    )
    counts = {(learner_id, module_id): [answered, right] for learner_id, module_id, answered, right in rows}
    if left_out and counts:
        cards = (
            Card.objects.filter(learner_id__in=members_of(cohort_id))
            if cohort_id is not None
            else Card.objects.filter(OneOf(F("learner_id"), learner_ids))
        )
        for learner_id, module_id, answered, right in answers_by_learner_and_module(
            cards.filter(question_id__in=left_out)
        ):
            if (learner_id, module_id) in counts:
                counts[(learner_id, module_id)][0] -= answered
                counts[(learner_id, module_id)][1] -= right
    return AnswerCounts(modules, totals, counts)


def module_answer_counts(
    *, learner_ids: Iterable[int], snapshot: CatalogSnapshot, module_ids: Iterable[int] | None = None
) -> dict[int, dict[int, ModuleProgress]]:
    """`module_progress` with only what an assignment's status needs (`answer_counts`), as figures by learner id
    and module id. The memory figures (mastered, due, hard ones) are left at 0."""
    learner_ids = list(learner_ids)
    found = answer_counts(learner_ids=learner_ids, snapshot=snapshot, module_ids=module_ids)
    # Learners with the same counts in a module share one (immutable) figure: in a cohort most have answered
    # everything, or nothing, so 500 learners need a few dozen of them rather than 500.
    shared: dict[tuple[int, int, int], ModuleProgress] = {}

    def figure(module: ModuleView, seen: int, right: int) -> ModuleProgress:
        key = (module.id, seen, right)
        known = shared.get(key)
        if known is None:
            known = shared[key] = ModuleProgress(
                module=module, question_total=found.totals.get(module.id, 0), seen=seen, right_latest=right
            )
        return known

    return {
        learner_id: {module.id: figure(module, *found.of(learner_id, module.id)) for module in found.modules}
        for learner_id in learner_ids
    }


# --- A learner's cards, read once -----------------------------------------------------------------------------


class CardMemory(NamedTuple):
    """What the dashboard needs of one card: at most one per question in the bank, however long the history."""

    question_id: int
    stability: float | None
    last_review_days: float | None
    due: dt.datetime
    last_answer_correct: bool | None
    is_leech: bool
    last_review: dt.datetime | None
    updated_at: dt.datetime | None
    update_note: str


# Read on every view of the progress page: compiled once, its moments read as whole microseconds (`prepared`).
CARD_MEMORIES = PreparedQuery(
    lambda learner_id: (
        Card.objects.filter(learner_id=learner_id)
        .annotate(
            due_us=EpochMicroseconds("due"),
            last_review_us=EpochMicroseconds("last_review"),
            updated_us=EpochMicroseconds("updated_at"),
        )
        .values_list(
            "question_id",
            "stability",
            "last_review_days",
            "due_us",
            "last_answer_correct",
            "is_leech",
            "last_review_us",
            "updated_us",
            "update_note",
        )
        .order_by()
    ),
    "learner_id",
)


def card_memories(*, learner) -> list[CardMemory]:
    """The learner's cards in one query, from which the module table, the forecast, the recall chart and the list
    of updated questions are worked out here (`progress_of_cards`, `forecast_of_cards`, `recall_buckets`,
    `updated_since_answered`) rather than by four queries."""
    return [
        CardMemory(
            question_id,
            stability,
            last_review_days,
            moment_of(due_us),
            None if correct is None else bool(correct),
            bool(is_leech),
            None if last_review_us is None else moment_of(last_review_us),
            None if updated_us is None else moment_of(updated_us),
            update_note,
        )
        for (
            question_id,
            stability,
            last_review_days,
            due_us,
            correct,
            is_leech,
            last_review_us,
            updated_us,
            update_note,
        ) in CARD_MEMORIES.rows(learner_id=learner.pk)
    ]


def updated_since_answered(cards: Iterable[CardMemory]) -> list[CardMemory]:
    """The cards whose questions changed since the learner last answered them (`updated_cards`' rule), the newest
    change first."""
    updated = [c for c in cards if is_updated_since_answered(updated_at=c.updated_at, last_review=c.last_review)]
    return sorted(updated, key=lambda c: (-c.updated_at.timestamp(), c.question_id))


def recall_now(card: CardMemory, *, today: float, curve: tuple[float, float]) -> float | None:
    """The scheduler's predicted recall of a card `today` days after the epoch (as `predicted_recall_sql`); None
    for a card never reviewed."""
    if card.stability is None or card.last_review_days is None:
        return None
    return recall_after_days(today - card.last_review_days, card.stability, curve=curve)


def progress_of_cards(
    cards: Iterable[CardMemory], *, snapshot: CatalogSnapshot, now: dt.datetime, today_ends: dt.datetime
) -> dict[int, ModuleProgress]:
    """`module_progress` of one learner, from their cards: module id -> ModuleProgress for every module, counting
    the same cards the same way (questions under editors' review and retired ones left out)."""
    counted = {q.id: q.module_id for q in snapshot.counted_questions}
    totals: dict[int, int] = {}
    for module_id in counted.values():
        totals[module_id] = totals.get(module_id, 0) + 1
    curve, today, week_ends = recall_curve(), days_since_epoch(now), now + dt.timedelta(days=7)
    # module id -> [seen, right latest, mastered, due today, due in a week, leeches]
    tallies: dict[int, list[int]] = {}
    for card in cards:
        module_id = counted.get(card.question_id)
        if module_id is None:
            continue
        tally = tallies.setdefault(module_id, [0, 0, 0, 0, 0, 0])
        tally[0] += 1
        tally[1] += card.last_answer_correct is True
        if card.stability is not None and card.stability >= MASTERY_STABILITY_DAYS:
            recall = recall_now(card, today=today, curve=curve)
            tally[2] += recall is not None and recall >= MASTERY_RECALL
        tally[3] += card.due < today_ends
        tally[4] += card.due < week_ends
        tally[5] += card.is_leech
    return {
        module.id: ModuleProgress(module, totals.get(module.id, 0), *tallies.get(module.id, ()))
        for module in snapshot.modules.values()
    }


def forecast_of_cards(
    cards: Iterable[CardMemory], *, snapshot: CatalogSnapshot, today: dt.date, zone: dt.tzinfo, days: int = 30
) -> list[tuple[dt.date, int]]:
    """Due reviews of live questions per day of the learner's calendar for the next `days` days; what is overdue
    now counts today."""
    horizon = dt.datetime.combine(today + dt.timedelta(days=days), dt.time.min, tzinfo=zone)
    live = {q.id for q in snapshot.live_questions}
    counts: dict[dt.date, int] = {}
    for card in cards:
        if card.due < horizon and card.question_id in live:
            day = max(card.due.astimezone(zone).date(), today)
            counts[day] = counts.get(day, 0) + 1
    return [(today + dt.timedelta(days=n), counts.get(today + dt.timedelta(days=n), 0)) for n in range(days)]


def due_forecast(*, learner, snapshot: CatalogSnapshot, today: dt.date, days: int = 30) -> list[tuple[dt.date, int]]:
    """Due reviews per day for the next `days` days; what is overdue now counts today."""
    return forecast_of_cards(
        card_memories(learner=learner), snapshot=snapshot, today=today, zone=learner.zone, days=days
    )


RECALL_BUCKETS = tuple((n / 10, (n + 1) / 10) for n in range(10))
_RECALL_LOWS = [low for low, _ in RECALL_BUCKETS]


def recall_bucket(recall: float) -> int:
    """The index in RECALL_BUCKETS of a predicted recall: each tenth holds its lower edge (0.9 is in 90-100%),
    1.0 falls in the top one and anything below 0 in the bottom one."""
    return min(max(bisect.bisect_right(_RECALL_LOWS, recall) - 1, 0), len(RECALL_BUCKETS) - 1)


def recall_buckets(
    cards: Iterable[CardMemory], *, snapshot: CatalogSnapshot, now: dt.datetime
) -> list[tuple[float, float, int]]:
    """How many seen live questions fall in each tenth of predicted recall at `now`, with the scheduler's own
    forgetting curve; (low, high, count) per tenth."""
    live = {q.id for q in snapshot.live_questions}
    curve, today = recall_curve(), days_since_epoch(now)
    counts = [0] * len(RECALL_BUCKETS)
    for card in cards:
        if card.question_id in live:
            recall = recall_now(card, today=today, curve=curve)
            if recall is not None:  # never reviewed: no recall to predict
                counts[recall_bucket(recall)] += 1
    return [(low, high, counts[index]) for index, (low, high) in enumerate(RECALL_BUCKETS)]


def recall_distribution(*, learner, snapshot: CatalogSnapshot, now: dt.datetime) -> list[tuple[float, float, int]]:
    """How many seen questions fall in each tenth of predicted recall right now (one query, bucketed here)."""
    return recall_buckets(card_memories(learner=learner), snapshot=snapshot, now=now)
