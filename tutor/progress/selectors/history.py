"""A learner's study history, from the study-day rollup (`tutor.progress.rollups`): true retention, daily activity,
study time and streaks, read as the recent days one by one and one all-time aggregate, so the cost is the same at 10
days studied as at 1,000."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection

from tutor.progress.models import StudyDay

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
