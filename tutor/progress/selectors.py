"""Per-learner statistics, from Card and from the study-day rollup of ReviewLog (`tutor.progress.rollups`).

Functions take several learners at once so that a cohort page and a learner's own dashboard share the same numbers
and the same fixed number of queries, however many learners or reviews there are.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, F, FloatField, Q, Value
from django.db.models.functions import Greatest, Power

from tutor.catalog.snapshot import CatalogSnapshot, ModuleView
from tutor.progress.models import StudyDay
from tutor.study.evidence_updates import is_updated_since_answered
from tutor.study.models import Card
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
        Card.objects.filter(learner_id__in=learner_ids, question_id__in=live_ids)
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


def module_answer_counts(
    *, learner_ids: Iterable[int], snapshot: CatalogSnapshot, module_ids: Iterable[int] | None = None
) -> dict[int, dict[int, ModuleProgress]]:
    """`module_progress` with only what an assignment's status needs (questions seen and latest answers right),
    for many learners at once: one grouped query that reads the card index `card_learner_answers`, not the cards.
    The memory figures (mastered, due, hard ones) are left at 0."""
    learner_ids = list(learner_ids)
    wanted = set(module_ids) if module_ids is not None else set(snapshot.modules)
    questions = [q for q in snapshot.counted_questions if q.module_id in wanted]
    totals: dict[int, int] = {}
    for question in questions:
        totals[question.module_id] = totals.get(question.module_id, 0) + 1
    question_ids = [q.id for q in questions]
    result = {
        learner_id: {
            module.id: ModuleProgress(module=module, question_total=totals.get(module.id, 0))
            for module in snapshot.modules.values()
        }
        for learner_id in learner_ids
    }
    if not learner_ids or not question_ids:
        return result
    rows = (
        Card.objects.filter(learner_id__in=learner_ids, question_id__in=question_ids)
        .values_list("learner_id", "question__module_id")
        # Counted over indexed columns only, so the cards themselves are never read.
        .annotate(seen=Count("question_id"), right=Count("question_id", filter=Q(last_answer_correct=True)))
        .order_by()
    )
    for learner_id, module_id, answered, right in rows:
        result[learner_id][module_id] = ModuleProgress(
            module=snapshot.modules[module_id],
            question_total=totals.get(module_id, 0),
            seen=answered,
            right_latest=right,
        )
    return result


# --- A learner's whole history, in a fixed number of queries -------------------------------------------------

RETENTION_PERIODS = (("today", "Today"), ("week", "Last 7 days"), ("month", "Last 30 days"), ("all", "All time"))


@dataclass(frozen=True)
class RetentionCell:
    passed: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.total if self.total else None


@dataclass(frozen=True)
class RetentionRow:
    key: str
    label: str
    young: RetentionCell
    mature: RetentionCell

    @property
    def overall(self) -> RetentionCell:
        return RetentionCell(self.young.passed + self.mature.passed, self.young.total + self.mature.total)

    @property
    def cells(self) -> tuple[tuple[str, RetentionCell], ...]:
        """The row's cells in the table's order, each with its column's name."""
        return (("Young", self.young), ("Mature", self.mature), ("All", self.overall))


class StudyDayCounts(NamedTuple):
    """A study day's counts as the dashboard reads them (the fields of StudyDay, without the model around them)."""

    day: dt.date
    reviews: int
    milliseconds: int
    timed: int
    young_total: int
    young_passed: int
    mature_total: int
    mature_passed: int
    streak: int = 1


# The recent days the dashboard shows one by one: the calendar's (`charts.calendar_heatmap`), which also hold the
# retention periods' (today, the last 7 and the last 30 days).
RECENT_DAYS = 90
PERIOD_DAYS = {"today": 1, "week": 7, "month": 30}
assert max(PERIOD_DAYS.values()) <= RECENT_DAYS


def study_days(*, learner) -> list[StudyDayCounts]:
    """All the learner's study days, oldest first: one query, a row per day studied, however many answers each
    holds (the dashboard reads only the recent ones: `study_summary`)."""
    rows = StudyDay.objects.filter(learner=learner).order_by("day").values_list(*StudyDayCounts._fields)
    return [StudyDayCounts._make(row) for row in rows]


class StudyTotals(NamedTuple):
    """A learner's study days summed over all time, with the longest streak among them."""

    days: int = 0
    reviews: int = 0
    correct: int = 0
    milliseconds: int = 0
    timed: int = 0
    young_total: int = 0
    young_passed: int = 0
    mature_total: int = 0
    mature_passed: int = 0
    longest_streak: int = 0


def _study_day_table() -> str:
    return connection.ops.quote_name(StudyDay._meta.db_table)


def study_totals(*, learner) -> StudyTotals:
    """All-time sums of the learner's study days and their longest streak, summed in the database: one statement
    whose answer is one row, however long the history.

    Written out rather than built by the ORM, whose building of this aggregate cost ten times its running."""
    sums = ", ".join(f"SUM({c})" for c in StudyTotals._fields[1:-1])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), {sums}, MAX(streak) FROM {_study_day_table()} WHERE learner_id = %s", [learner.pk]
        )
        return StudyTotals._make(int(value or 0) for value in cursor.fetchone())


def recent_study_days(*, learner, since: dt.date) -> list[StudyDayCounts]:
    """`study_days` from `since`, as one statement written out (as `study_totals`, for the same reason)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(StudyDayCounts._fields)} FROM {_study_day_table()} "
            "WHERE learner_id = %s AND day >= %s ORDER BY day",
            [learner.pk, since],
        )
        rows = cursor.fetchall()
    # SQLite gives the day back as text.
    return [StudyDayCounts(_date(row[0]), *row[1:]) for row in rows]


def _date(value: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class StudySummary:
    """What the dashboard reads of the study days: the recent ones, one by one, and the all-time totals."""

    today: dt.date
    recent: list[StudyDayCounts]
    totals: StudyTotals


def study_summary(*, learner, today: dt.date) -> StudySummary:
    """The learner's last `RECENT_DAYS` study days (to `today`, their own calendar's) and all-time totals: two
    queries, the same number of rows at 10 days studied as at 1,000."""
    recent = recent_study_days(learner=learner, since=today - dt.timedelta(days=RECENT_DAYS - 1))
    return StudySummary(today=today, recent=recent, totals=study_totals(learner=learner))


def true_retention(
    *, learner, now: dt.datetime, day_start: dt.datetime, summary: StudySummary | None = None
) -> list[RetentionRow]:
    """Anki's true retention: of the reviews of cards in review (an interval of at least a day), counting only a
    card's first review of the day, the share answered right; young cards have an interval under 21 days.

    The periods are summed from the recent study days, "All time" from the totals (`summary`, when the caller has
    it already)."""
    today = day_start.date()
    if summary is None:
        summary = study_summary(learner=learner, today=today)
    rows = []
    for key, label in RETENTION_PERIODS:
        if key in PERIOD_DAYS:
            since = today - dt.timedelta(days=PERIOD_DAYS[key] - 1)
            counted = [d for d in summary.recent if d.day >= since]
            young_passed, young_total = sum(d.young_passed for d in counted), sum(d.young_total for d in counted)
            mature_passed, mature_total = sum(d.mature_passed for d in counted), sum(d.mature_total for d in counted)
        else:
            totals = summary.totals
            young_passed, young_total = totals.young_passed, totals.young_total
            mature_passed, mature_total = totals.mature_passed, totals.mature_total
        rows.append(
            RetentionRow(
                key=key,
                label=label,
                young=RetentionCell(young_passed, young_total),
                mature=RetentionCell(mature_passed, mature_total),
            )
        )
    return rows


class DayActivity(NamedTuple):
    day: dt.date
    reviews: int
    milliseconds: int
    timed: int = 0


def study_time(milliseconds: int) -> str:
    """Time spent answering, in words: "12 minutes", "1 minute", "under a minute", or "no time" when none."""
    if milliseconds <= 0:
        return "no time"
    if milliseconds < 30_000:
        return "under a minute"
    minutes = math.floor(milliseconds / 60_000 + 0.5)
    if minutes < 120:
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def daily_activity(*, learner, days: list[StudyDayCounts] | None = None) -> dict[dt.date, DayActivity]:
    """Reviews and study time per calendar day in the learner's time zone; one row per day studied."""
    if days is None:
        days = study_days(learner=learner)
    return {d.day: DayActivity(d.day, d.reviews, d.milliseconds, d.timed) for d in days}


@dataclass(frozen=True)
class Streaks:
    current: int
    longest: int


def streaks(days_studied: Iterable[dt.date], today: dt.date) -> Streaks:
    """Current streak (ending today, or yesterday when today is not yet studied) and the longest, in days."""
    days = sorted(set(days_studied))
    longest = run = 0
    previous = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == dt.timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    studied = set(days)
    current = 0
    cursor = today if today in studied else today - dt.timedelta(days=1)
    while cursor in studied:
        current += 1
        cursor -= dt.timedelta(days=1)
    return Streaks(current=current, longest=longest)


def streaks_of_summary(summary: StudySummary) -> Streaks:
    """`streaks` from the rows' own streaks: the current one is today's row's, else yesterday's, else none; the
    longest is the largest of all."""
    streak_on = {d.day: d.streak for d in summary.recent}
    yesterday = summary.today - dt.timedelta(days=1)
    current = streak_on.get(summary.today, streak_on.get(yesterday, 0))
    return Streaks(current=current, longest=summary.totals.longest_streak)


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


def card_memories(*, learner) -> list[CardMemory]:
    """The learner's cards in one query, from which the module table, the forecast, the recall chart and the list
    of updated questions are worked out here (`progress_of_cards`, `forecast_of_cards`, `recall_buckets`,
    `updated_since_answered`) rather than by four queries."""
    rows = Card.objects.filter(learner=learner).values_list(*CardMemory._fields).order_by()
    return [CardMemory._make(row) for row in rows]


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
