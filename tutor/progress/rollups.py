"""Keeping the per-learner-per-day rollup (`StudyDay`) in step with the review ledger.

An answer adds itself to its day in the answer's own transaction (one upsert); histories written in bulk (the
demo seeder, a data migration, tests) are rolled up afterwards by `rebuild_study_days`, in a few grouped queries.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncDate

from tutor.progress.models import StudyDay
from tutor.study.models import MemoryState, ReviewLog

MATURE_DAYS = 21
COUNTS = ("reviews", "correct", "milliseconds", "timed", "young_total", "young_passed", "mature_total", "mature_passed")


def answer_counts(*, correct: bool, duration_ms: int | None, state_before: int, first_review_of_day: bool,
                  interval_days_before: float | None) -> dict[str, int]:  # fmt: skip
    """What one answer adds to its study day."""
    counts = dict.fromkeys(COUNTS, 0) | {"reviews": 1, "correct": int(correct), "milliseconds": duration_ms or 0}
    counts["timed"] = int(duration_ms is not None)
    if state_before == MemoryState.REVIEW and first_review_of_day:
        age = "mature" if interval_days_before is not None and interval_days_before >= MATURE_DAYS else "young"
        counts[f"{age}_total"] = 1
        counts[f"{age}_passed"] = int(correct)
    return counts


def counts_of_log(log: ReviewLog) -> dict[str, int]:
    return answer_counts(
        correct=log.correct,
        duration_ms=log.duration_ms,
        state_before=log.state_before,
        first_review_of_day=log.first_review_of_day,
        interval_days_before=log.interval_days_before,
    )


def _upsert_sql() -> str:
    """One statement: a new day's row takes its streak from the day before's row (none: it starts one); an existing
    day only adds the answer's counts, its streak unchanged."""
    table = connection.ops.quote_name(StudyDay._meta.db_table)
    columns = ", ".join(COUNTS)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COUNTS)
    placeholders = ", ".join(["%s"] * (len(COUNTS) + 2))
    streak = f"COALESCE((SELECT prior.streak FROM {table} prior WHERE prior.learner_id = %s AND prior.day = %s), 0) + 1"
    return (
        f"INSERT INTO {table} (learner_id, day, {columns}, streak) VALUES ({placeholders}, {streak}) "
        f"ON CONFLICT (learner_id, day) DO UPDATE SET {updates}"
    )


def count_answer_in_study_day(*, log: ReviewLog, zone: dt.tzinfo) -> None:
    """Add a newly recorded answer to the learner's day: one statement, inside the answer's transaction."""
    counts = counts_of_log(log)
    day = log.reviewed_at.astimezone(zone).date()
    with connection.cursor() as cursor:
        cursor.execute(
            _upsert_sql(),
            [log.learner_id, day, *(counts[c] for c in COUNTS), log.learner_id, day - dt.timedelta(days=1)],
        )


def streaks_in_order(days: list[dt.date]) -> list[int]:
    """The streak each of `days` (one learner's, oldest first, no repeats) ends: 1 after a day not studied."""
    streaks: list[int] = []
    for index, day in enumerate(days):
        follows = index > 0 and (day - days[index - 1]).days == 1
        streaks.append(streaks[-1] + 1 if follows else 1)
    return streaks


def _zone(name: str):
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def rebuild_study_days(*, learners: Iterable[tuple[int, str]], study_day=StudyDay, review_log=ReviewLog) -> int:
    """Recompute the study days of (learner id, time zone name) pairs from their whole ledger, streaks numbered in
    order of day; returns the rows written. One grouped query per time zone among them. The model arguments let a
    data migration pass its historical models."""
    by_zone: dict[str, list[int]] = {}
    for learner_id, zone_name in learners:
        by_zone.setdefault(str(_zone(zone_name)), []).append(learner_id)
    learner_ids = [pk for ids in by_zone.values() for pk in ids]
    study_day.objects.filter(learner_id__in=learner_ids).delete()
    counted = Q(state_before=MemoryState.REVIEW, first_review_of_day=True)
    young = counted & (Q(interval_days_before__lt=MATURE_DAYS) | Q(interval_days_before__isnull=True))
    mature = counted & Q(interval_days_before__gte=MATURE_DAYS)
    written = 0
    for zone_name, ids in by_zone.items():
        rows = (
            review_log.objects.filter(learner_id__in=ids)
            .annotate(day=TruncDate("reviewed_at", tzinfo=zoneinfo.ZoneInfo(zone_name)))
            .values("learner_id", "day")
            .annotate(
                reviews=Count("id"),
                correct_count=Count("id", filter=Q(correct=True)),
                ms=Coalesce(Sum("duration_ms"), 0),
                timed=Count("duration_ms"),
                young_total=Count("id", filter=young),
                young_passed=Count("id", filter=young & Q(correct=True)),
                mature_total=Count("id", filter=mature),
                mature_passed=Count("id", filter=mature & Q(correct=True)),
            )
            .order_by()
        )
        days = [
            study_day(
                learner_id=row["learner_id"],
                day=row["day"],
                reviews=row["reviews"],
                correct=row["correct_count"],
                milliseconds=row["ms"],
                timed=row["timed"],
                young_total=row["young_total"],
                young_passed=row["young_passed"],
                mature_total=row["mature_total"],
                mature_passed=row["mature_passed"],
            )
            for row in rows.iterator(chunk_size=5000)
        ]
        days.sort(key=lambda d: (d.learner_id, d.day))
        for _, learner_days in itertools.groupby(days, key=lambda d: d.learner_id):
            learner_days = list(learner_days)
            for row, streak in zip(learner_days, streaks_in_order([d.day for d in learner_days]), strict=True):
                row.streak = streak
        study_day.objects.bulk_create(days, batch_size=2000)
        written += len(days)
    return written


def rebuild_study_days_of(users: Iterable) -> int:
    """`rebuild_study_days` for user objects (their time zone as stored)."""
    return rebuild_study_days(learners=[(user.pk, user.time_zone) for user in users])
