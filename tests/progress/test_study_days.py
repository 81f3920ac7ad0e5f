"""The study-day rollup: kept by each answer, rebuilt from bulk history, and the same either way."""

from __future__ import annotations

import datetime as dt
import importlib
from collections import defaultdict

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from tests.factories import QuestionFactory, UserFactory, fixed_clock
from tests.progress.test_dashboard import make_card, make_log
from tutor.catalog.snapshot import catalog
from tutor.progress.models import StudyDay
from tutor.progress.rollups import COUNTS, counts_of_log, rebuild_study_days_of
from tutor.study.models import MemoryState, ReviewLog
from tutor.study.services import record_answer

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def rows_of(learner) -> dict[dt.date, dict[str, int]]:
    return {
        row["day"]: {c: row[c] for c in COUNTS}
        for row in StudyDay.objects.filter(learner=learner).values("day", *COUNTS)
    }


def test_each_answer_adds_itself_to_its_day_in_the_learners_time_zone():
    """23:30 in New York on 23 Nov is 04:30 UTC on 24 Nov: that answer belongs to the learner's 23rd."""
    learner = UserFactory(time_zone="America/New_York")
    question = QuestionFactory()
    for n, (at, choice, ms) in enumerate(
        [
            (dt.datetime(2026, 11, 24, 4, 30, tzinfo=UTC), "a", 30_000),
            (dt.datetime(2026, 11, 24, 14, 0, tzinfo=UTC), "b", 45_000),
            (dt.datetime(2026, 11, 24, 14, 5, tzinfo=UTC), "a", None),
        ]
    ):
        record_answer(
            learner=learner,
            question=catalog().questions[question.pk],
            answer={"choice": choice},
            attempt=f"t{n}",
            clock=fixed_clock(at),
            duration_ms=ms,
        )

    days = rows_of(learner)

    assert sorted(days) == [dt.date(2026, 11, 23), dt.date(2026, 11, 24)]
    assert (days[dt.date(2026, 11, 23)]["reviews"], days[dt.date(2026, 11, 23)]["correct"]) == (1, 1)
    assert days[dt.date(2026, 11, 23)]["milliseconds"] == 30_000
    assert (days[dt.date(2026, 11, 24)]["reviews"], days[dt.date(2026, 11, 24)]["correct"]) == (2, 1)
    assert days[dt.date(2026, 11, 24)]["milliseconds"] == 45_000


def test_a_rebuild_from_the_ledger_equals_the_answers_added_one_by_one():
    learner = UserFactory(time_zone="Europe/Warsaw")
    card = make_card(learner)
    start = dt.datetime(2026, 10, 1, 21, 0, tzinfo=UTC)
    logs = [
        make_log(
            learner,
            card,
            at=start + dt.timedelta(hours=7 * n),
            correct=n % 3 != 0,
            state_before=(MemoryState.REVIEW, MemoryState.LEARNING, MemoryState.NEW)[n % 3 if n % 5 else 0],
            interval=None if n % 11 == 0 else float(n % 40),
            first=n % 4 != 1,
            ms=None if n % 7 == 0 else 1000 + n,
        )
        for n in range(120)
    ]
    ReviewLog.objects.bulk_create(logs)
    expected: dict[dt.date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for log in logs:
        day = log.reviewed_at.astimezone(learner.zone).date()
        for key, value in counts_of_log(log).items():
            expected[day][key] += value

    written = rebuild_study_days_of([learner])

    assert written == len(expected)
    assert rows_of(learner) == dict(expected)
    assert sum(row["young_total"] + row["mature_total"] for row in expected.values()) > 0
    rebuild_study_days_of([learner])  # rebuilding again replaces, never adds
    assert rows_of(learner) == dict(expected)


def test_rebuilding_one_learner_leaves_the_others_alone():
    kept, rebuilt = UserFactory(), UserFactory()
    question = QuestionFactory()
    now = timezone.now()
    record_answer(
        learner=kept,
        question=catalog().questions[question.pk],
        answer={"choice": "a"},
        attempt="k",
        clock=fixed_clock(now),
    )

    rebuild_study_days_of([rebuilt])

    assert sum(row["reviews"] for row in rows_of(kept).values()) == 1
    assert not rows_of(rebuilt)


def streaks_of(learner) -> dict[dt.date, int]:
    return dict(StudyDay.objects.filter(learner=learner).values_list("day", "streak"))


def answer_on(learner, question, moments) -> None:
    for n, at in enumerate(moments):
        record_answer(
            learner=learner,
            question=catalog().questions[question.pk],
            answer={"choice": "a" if n % 2 else "b"},
            attempt=f"s{n}",
            clock=fixed_clock(at),
        )


# 21-23 Nov studied (twice on the 22nd), 24 Nov missed, 25-26 Nov studied, then a lone 29 Nov; the times are
# evenings in UTC, already the next morning in Auckland.
STUDY_MOMENTS = [
    dt.datetime(2026, 11, day, hour, tzinfo=UTC) for day, hour in ((21, 20), (22, 9), (22, 21), (23, 20), (25, 20))
] + [dt.datetime(2026, 11, 26, 20, tzinfo=UTC), dt.datetime(2026, 11, 29, 8, tzinfo=UTC)]


def test_each_new_day_takes_its_streak_from_the_day_before_and_a_gap_starts_again():
    learner = UserFactory(time_zone="UTC")

    answer_on(learner, QuestionFactory(), STUDY_MOMENTS)

    assert streaks_of(learner) == {
        dt.date(2026, 11, 21): 1,
        dt.date(2026, 11, 22): 2,  # its second answer left the streak as it was
        dt.date(2026, 11, 23): 3,
        dt.date(2026, 11, 25): 1,
        dt.date(2026, 11, 26): 2,
        dt.date(2026, 11, 29): 1,
    }


def test_streaks_follow_the_learners_calendar():
    """In Auckland (UTC+13) the 22nd's 09:00 and 21:00 UTC answers fall on the 22nd and the 23rd."""
    learner = UserFactory(time_zone="Pacific/Auckland")

    answer_on(learner, QuestionFactory(), STUDY_MOMENTS)

    assert streaks_of(learner) == {
        dt.date(2026, 11, 22): 1,
        dt.date(2026, 11, 23): 2,
        dt.date(2026, 11, 24): 3,
        dt.date(2026, 11, 26): 1,
        dt.date(2026, 11, 27): 2,
        dt.date(2026, 11, 29): 1,
    }


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland", "America/New_York"])
def test_a_rebuild_numbers_the_streaks_as_the_answers_did(zone):
    learner = UserFactory(time_zone=zone)
    answer_on(learner, QuestionFactory(), STUDY_MOMENTS)
    live = streaks_of(learner), rows_of(learner)

    rebuild_study_days_of([learner])

    assert (streaks_of(learner), rows_of(learner)) == live


def test_the_backfill_migration_numbers_existing_rows_learner_by_learner():
    backfill = importlib.import_module("tutor.progress.migrations.0004_backfill_streaks").backfill_streaks
    first, second, untouched = UserFactory(), UserFactory(), UserFactory()
    start = dt.date(2026, 1, 30)
    for learner, offsets in ((first, (0, 1, 2, 4, 5, 9)), (second, (1, 2, 3, 4))):
        StudyDay.objects.bulk_create(
            StudyDay(learner=learner, day=start + dt.timedelta(days=n), reviews=1) for n in offsets
        )  # as the field's default leaves them: every streak 1

    backfill(django_apps, None)

    assert list(StudyDay.objects.filter(learner=first).order_by("day").values_list("streak", flat=True)) == [
        1, 2, 3, 1, 2, 1
    ]  # fmt: skip
    assert list(StudyDay.objects.filter(learner=second).order_by("day").values_list("streak", flat=True)) == [
        1, 2, 3, 4
    ]  # fmt: skip
    assert not streaks_of(untouched)
    backfill(django_apps, None)  # running it again changes nothing
    assert sorted(streaks_of(first).values()) == [1, 1, 1, 2, 2, 3]
