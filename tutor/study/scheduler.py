"""The one place that speaks to the FSRS library; the rest of the app speaks of cards, ratings and due dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import fsrs
from django.conf import settings

from tutor.study.models import MemoryState

UTC = dt.UTC


@dataclass(frozen=True)
class Memory:
    """A card's memory as the scheduler sees it. `state` is NEW before the first answer."""

    state: int = MemoryState.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: dt.datetime | None = None
    last_review: dt.datetime | None = None

    def as_json(self) -> dict:
        # Built by hand: dataclasses.asdict deep-copies, which is slow on the answer path and in seed_demo.
        return {
            "state": self.state,
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": self.due.isoformat() if self.due else None,
            "last_review": self.last_review.isoformat() if self.last_review else None,
        }

    @classmethod
    def from_json(cls, data: dict) -> Memory:
        parsed = dict(data)
        for name in ("due", "last_review"):
            parsed[name] = dt.datetime.fromisoformat(parsed[name]) if parsed.get(name) else None
        return cls(**parsed)

    @classmethod
    def of_card(cls, card) -> Memory:
        if card.reps == 0:
            return cls()
        return cls(card.state, card.step, card.stability, card.difficulty, card.due, card.last_review)


@dataclass(frozen=True)
class PlannedReview:
    """What one answer does to a card: its memory afterwards and when it comes back."""

    memory: Memory
    recall_before: float | None
    interval_days: float
    # True when the card is brought forward to be ready on its deadline (see `ready_by_deadline`).
    for_deadline: bool = False


# The library's own parameters (FSRS-6, 21 numbers): what a learner is scheduled with before any fit.
DEFAULT_PARAMETERS: tuple[float, ...] = tuple(fsrs.Scheduler().parameters)
# Within a deadline, the earliest a review is brought forward: never again on the same day.
MIN_DEADLINE_INTERVAL = dt.timedelta(days=1)

Parameters = tuple[float, ...] | None


def as_parameters(values) -> Parameters:
    """A parameter list as the scheduler's cache key: a tuple, or None for the library defaults."""
    if not values:
        return None
    return tuple(float(v) for v in values)


@lru_cache(maxsize=256)
def _scheduler(desired_retention: float, parameters: Parameters = None) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        parameters=parameters or DEFAULT_PARAMETERS,
        desired_retention=desired_retention,
        enable_fuzzing=getattr(settings, "STUDY_FUZZ_INTERVALS", True),
    )


def deadline_retention(desired_retention: float) -> float:
    """The recall a card of an assigned module must keep until its due date: half-way from the learner's
    desired retention to certainty (0.90 gives 0.95), a margin for missed study days and the model's error."""
    return round(desired_retention + (1 - desired_retention) / 2, 4)


def days_until_recall(*, stability: float, recall: float, parameters: Parameters = None) -> float:
    """Days after a review until predicted recall falls to `recall` (the inverse of the forgetting curve)."""
    scheduler = _scheduler(0.9, parameters)
    return stability * (recall ** (1 / scheduler._DECAY) - 1) / scheduler._FACTOR


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def _fsrs_card(card_id: int, memory: Memory) -> fsrs.Card:
    if memory.state == MemoryState.NEW:
        return fsrs.Card(card_id=card_id)
    return fsrs.Card(
        card_id=card_id,
        state=fsrs.State(memory.state),
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=_utc(memory.due),
        last_review=_utc(memory.last_review),
    )


def plan_review(
    *,
    card_id: int,
    memory: Memory,
    rating: int,
    reviewed_at: dt.datetime,
    desired_retention: float,
    parameters: Parameters = None,
    deadline: dt.datetime | None = None,
) -> PlannedReview:
    """Apply one rating to a card's memory and say when the question should come back.

    `parameters` are the learner's FSRS parameters in force (None: the library's defaults). `deadline` is the due
    date of an assignment that covers the card, if any: see `ready_by_deadline`.
    """
    scheduler = _scheduler(round(desired_retention, 2), as_parameters(parameters))
    reviewed_at = _utc(reviewed_at)
    card = _fsrs_card(card_id, memory)
    recall_before = None if memory.state == MemoryState.NEW else _recall(scheduler, memory, reviewed_at)
    after, _ = scheduler.review_card(card, fsrs.Rating(rating), review_datetime=reviewed_at)
    memory_after = Memory(
        state=int(after.state),
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=after.due,
        last_review=after.last_review,
    )
    for_deadline = False
    if deadline is not None:
        due = ready_by_deadline(
            memory=memory_after,
            reviewed_at=reviewed_at,
            deadline=_utc(deadline),
            desired_retention=desired_retention,
            parameters=as_parameters(parameters),
        )
        if due != memory_after.due:
            memory_after = Memory(
                state=memory_after.state,
                step=memory_after.step,
                stability=memory_after.stability,
                difficulty=memory_after.difficulty,
                due=due,
                last_review=memory_after.last_review,
            )
            for_deadline = True
    interval = (memory_after.due - reviewed_at).total_seconds() / 86400
    return PlannedReview(
        memory=memory_after, recall_before=recall_before, interval_days=interval, for_deadline=for_deadline
    )


def ready_by_deadline(
    *, memory: Memory, reviewed_at: dt.datetime, deadline: dt.datetime, desired_retention: float, parameters: Parameters
) -> dt.datetime:
    """The due date of a card that must be recalled on `deadline` (the rule is explained in docs/scheduler.md).

    Before the deadline, a card in review whose predicted recall on the deadline would be below the deadline
    retention comes back at the latest moment that keeps its recall at or above that retention, and never sooner
    than a day after this review. A card still in its learning steps (back within minutes), a card that stays
    above the target until the deadline, and any card after its deadline keep the scheduler's own due date.
    """
    due = memory.due
    if (
        due is None
        or memory.stability is None
        or memory.state != MemoryState.REVIEW
        or reviewed_at >= deadline
        or due - reviewed_at < MIN_DEADLINE_INTERVAL
    ):
        return due
    target = deadline_retention(desired_retention)
    scheduler = _scheduler(round(desired_retention, 2), parameters)
    days_to_deadline = (deadline - reviewed_at).total_seconds() / 86400
    recall_on_deadline = (1 + scheduler._FACTOR * days_to_deadline / memory.stability) ** scheduler._DECAY
    if recall_on_deadline >= target:
        return due
    days = days_until_recall(stability=memory.stability, recall=target, parameters=parameters)
    return min(due, max(reviewed_at + MIN_DEADLINE_INTERVAL, reviewed_at + dt.timedelta(days=days)))


def predicted_recall(
    *, memory: Memory, at: dt.datetime, desired_retention: float = 0.9, parameters: Parameters = None
) -> float:
    """The scheduler's predicted chance of recalling the card at `at` (0 for a card never answered)."""
    if memory.state == MemoryState.NEW or memory.stability is None:
        return 0.0
    return _recall(_scheduler(round(desired_retention, 2), as_parameters(parameters)), memory, _utc(at))


def _recall(scheduler: fsrs.Scheduler, memory: Memory, at: dt.datetime) -> float:
    """Predicted recall after the exact time elapsed, in fractional days (the pages compute the same in SQL). The
    library's own figure counts whole 24-hour periods, so it says 100% for a card answered 23 hours ago; the
    report card showed such answers to be wrong about one time in five."""
    if memory.last_review is None or memory.stability is None:
        return 0.0
    elapsed = (at - memory.last_review).total_seconds() / 86400
    return recall_after_days(elapsed, memory.stability, curve=(scheduler._FACTOR, scheduler._DECAY))


def recall_after_days(elapsed_days: float, stability: float, *, curve: tuple[float, float]) -> float:
    """The forgetting curve itself: predicted recall `elapsed_days` after a review at `stability` (no time before
    the review counts), with `curve` as `recall_curve()` gives it. Every page that predicts recall in Python uses
    this one formula."""
    factor, decay = curve
    return (1 + factor * max(0.0, elapsed_days) / stability) ** decay


def recall_curve() -> tuple[float, float]:
    """The forgetting curve's constants: recall after t days at stability S is (1 + factor * t / S) ** decay.

    Exposed so that aggregate pages can compute predicted recall in SQL exactly as the scheduler does.
    """
    scheduler = _scheduler(0.9)
    return scheduler._FACTOR, scheduler._DECAY


def intervals_by_rating(
    *, card_id: int, memory: Memory, reviewed_at: dt.datetime, desired_retention: float, parameters: Parameters = None
) -> dict[int, float]:
    """Days until the card would come back after this review for each rating (Again, Hard, Good, Easy): what the
    rating buttons preview. Without the random spread the scheduler adds, so a preview is the plan's centre."""
    scheduler = _scheduler_without_fuzz(round(desired_retention, 2), as_parameters(parameters))
    reviewed_at = _utc(reviewed_at)
    card = _fsrs_card(card_id, memory)
    intervals = {}
    for rating in fsrs.Rating:
        after, _ = scheduler.review_card(card, rating, review_datetime=reviewed_at)
        intervals[int(rating)] = (after.due - reviewed_at).total_seconds() / 86400
    return intervals


@lru_cache(maxsize=64)
def _scheduler_without_fuzz(desired_retention: float, parameters: Parameters = None) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        parameters=parameters or DEFAULT_PARAMETERS, desired_retention=desired_retention, enable_fuzzing=False
    )


def short_interval(days: float) -> str:
    """An interval as a rating button shows it: "10 min", "5 h", "4 d", "2.5 mo", "1.2 y"."""
    minutes = days * 1440
    if minutes < 60:
        return f"{max(1, round(minutes))} min"
    if days < 1:
        return f"{round(minutes / 60)} h"
    if days < 30:
        return f"{round(days)} d"
    if days < 365:
        months = days / 30
        return f"{months:.1f} mo" if months < 10 else f"{round(months)} mo"
    return f"{days / 365:.1f} y"
