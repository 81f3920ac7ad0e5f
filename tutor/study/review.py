"""One review of one card: the rating rule, the leech rule, how the answer sits in the card's history, and what
the log row records.

Pure, no database: `record_answer` (under the card's lock), the rating change (a re-review from the card as it was
before the answer), the demo population and the test factories all call `review`, so a card moves on the same way
wherever it is reviewed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tutor.study.models import Rating
from tutor.study.scheduler import Memory, as_parameters, plan_review

# Wrong answers after which a question is marked as a leech: one the learner keeps missing, worth a different approach.
LEECH_THRESHOLD = 4


def rating_for_answer(*, correct: bool) -> int:
    """A right answer is Good until the learner says otherwise; a wrong or partly right one is always Again."""
    return Rating.GOOD if correct else Rating.AGAIN


@dataclass(frozen=True)
class CardTally:
    """The counts a card keeps beside its memory: answers, wrong answers, and whether it is a leech."""

    reps: int = 0
    lapses: int = 0
    is_leech: bool = False


@dataclass(frozen=True)
class ReviewTiming:
    elapsed_days: float | None
    interval_days_before: float | None
    first_review_of_day: bool


def review_timing(*, memory: Memory, answered_at: dt.datetime, zone: dt.tzinfo) -> ReviewTiming:
    """How this answer sits in the card's history: time since the last review, the interval it had, and whether it
    is the card's first answer of the learner's calendar day (true retention counts only those)."""
    if memory.last_review is None:
        return ReviewTiming(None, None, True)
    elapsed = (answered_at - memory.last_review).total_seconds() / 86400
    interval = (memory.due - memory.last_review).total_seconds() / 86400 if memory.due else None
    same_day = memory.last_review.astimezone(zone).date() == answered_at.astimezone(zone).date()
    return ReviewTiming(elapsed, interval, not same_day)


@dataclass(frozen=True)
class ReviewOutcome:
    """Everything one review decides: the card's memory and counts afterwards, and the facts its log records."""

    memory_before: Memory
    memory: Memory
    tally: CardTally
    rating: int
    correct: bool
    recall_before: float | None
    interval_days: float
    timing: ReviewTiming


def review(
    *,
    card_id: int,
    memory: Memory,
    tally: CardTally,
    correct: bool,
    rating: int,
    at: dt.datetime,
    desired_retention: float,
    zone: dt.tzinfo,
    parameters: Sequence[float] | None = None,
    deadline: dt.datetime | None = None,
) -> ReviewOutcome:
    """Apply one answer, rated `rating`, to a card's memory and counts at the moment `at`.

    `parameters`: the learner's FSRS parameters in force (None for the library defaults); `deadline`: when an
    assignment covering the card is due, if one is (the card is then planned to be ready on that date).
    """
    if not correct and rating != Rating.AGAIN:
        raise ValueError("a wrong answer is always rated Again")
    plan = plan_review(
        card_id=card_id,
        memory=memory,
        rating=rating,
        reviewed_at=at,
        desired_retention=desired_retention,
        parameters=as_parameters(parameters),
        deadline=deadline,
    )
    lapses = tally.lapses + (0 if correct else 1)
    return ReviewOutcome(
        memory_before=memory,
        memory=plan.memory,
        tally=CardTally(reps=tally.reps + 1, lapses=lapses, is_leech=tally.is_leech or lapses >= LEECH_THRESHOLD),
        rating=rating,
        correct=correct,
        recall_before=plan.recall_before,
        interval_days=plan.interval_days,
        timing=review_timing(memory=memory, answered_at=at, zone=zone),
    )
