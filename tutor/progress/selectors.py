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

from django.db.models import Count, F, FloatField, Q, Value
from django.db.models.functions import Greatest, Power, TruncDate

from tutor.catalog.snapshot import CatalogSnapshot, ModuleView
from tutor.progress.models import StudyDay
from tutor.study.models import Card
from tutor.study.scheduler import recall_curve

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


def study_days(*, learner) -> list[StudyDay]:
    """The learner's study days (the rollup kept current by each answer), oldest first: one query, as many rows
    as days studied, however many answers each holds."""
    return list(StudyDay.objects.filter(learner=learner).order_by("day"))


def true_retention(
    *, learner, now: dt.datetime, day_start: dt.datetime, days: list[StudyDay] | None = None
) -> list[RetentionRow]:
    """Anki's true retention: of the reviews of cards in review (an interval of at least a day), counting only a
    card's first review of the day, the share answered right; young cards have an interval under 21 days.

    Summed from the learner's study days (`days`, when the caller has them already)."""
    if days is None:
        days = study_days(learner=learner)
    today = day_start.date()
    since = {"today": today, "week": today - dt.timedelta(days=6), "month": today - dt.timedelta(days=29)}
    rows = []
    for key, label in RETENTION_PERIODS:
        counted = [d for d in days if key not in since or d.day >= since[key]]
        rows.append(
            RetentionRow(
                key=key,
                label=label,
                young=RetentionCell(sum(d.young_passed for d in counted), sum(d.young_total for d in counted)),
                mature=RetentionCell(sum(d.mature_passed for d in counted), sum(d.mature_total for d in counted)),
            )
        )
    return rows


@dataclass(frozen=True)
class DayActivity:
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


def daily_activity(*, learner, days: list[StudyDay] | None = None) -> dict[dt.date, DayActivity]:
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


def due_forecast(*, learner, snapshot: CatalogSnapshot, today: dt.date, days: int = 30) -> list[tuple[dt.date, int]]:
    """Due reviews per day for the next `days` days; what is overdue now counts today."""
    horizon = dt.datetime.combine(today + dt.timedelta(days=days), dt.time.min, tzinfo=learner.zone)
    live_ids = [q.id for q in snapshot.live_questions]
    rows = (
        Card.objects.filter(learner=learner, due__lt=horizon, question_id__in=live_ids)
        .annotate(day=TruncDate("due", tzinfo=learner.zone))
        .values("day")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts: dict[dt.date, int] = {}
    for row in rows:
        day = max(row["day"], today)
        counts[day] = counts.get(day, 0) + row["count"]
    return [(today + dt.timedelta(days=n), counts.get(today + dt.timedelta(days=n), 0)) for n in range(days)]


RECALL_BUCKETS = tuple((n / 10, (n + 1) / 10) for n in range(10))


def recall_distribution(*, learner, snapshot: CatalogSnapshot, now: dt.datetime) -> list[tuple[float, float, int]]:
    """How many seen questions fall in each tenth of predicted recall right now: the cards' memory is read in one
    query (a row per seen question) and bucketed here, with the scheduler's own forgetting curve."""
    live_ids = [q.id for q in snapshot.live_questions]
    factor, decay = recall_curve()
    today = days_since_epoch(now)
    lows = [low for low, _ in RECALL_BUCKETS]
    counts = [0] * len(RECALL_BUCKETS)
    memories = Card.objects.filter(learner=learner, question_id__in=live_ids, stability__isnull=False).values_list(
        "stability", "last_review_days"
    )
    for stability, last_review_days in memories:
        if last_review_days is None:
            continue  # never reviewed: no recall to predict (as the SQL expression gives none)
        elapsed = max(today - last_review_days, 0.0)
        recall = (1.0 + factor * elapsed / stability) ** decay
        counts[max(bisect.bisect_right(lows, recall) - 1, 0)] += 1
    return [(low, high, counts[index]) for index, (low, high) in enumerate(RECALL_BUCKETS)]
