"""The one place that speaks to the FSRS library; the rest of the app speaks of cards, ratings and due dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import fsrs
from django.conf import settings

from tutor.study.models import MemoryState, Rating

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


@lru_cache(maxsize=32)
def _scheduler(desired_retention: float) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        desired_retention=desired_retention, enable_fuzzing=getattr(settings, "STUDY_FUZZ_INTERVALS", True)
    )


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
    *, card_id: int, memory: Memory, rating: int, reviewed_at: dt.datetime, desired_retention: float
) -> PlannedReview:
    """Apply one rating to a card's memory and say when the question should come back."""
    scheduler = _scheduler(round(desired_retention, 2))
    reviewed_at = _utc(reviewed_at)
    card = _fsrs_card(card_id, memory)
    recall_before = None if memory.state == MemoryState.NEW else scheduler.get_card_retrievability(card, reviewed_at)
    after, _ = scheduler.review_card(card, fsrs.Rating(rating), review_datetime=reviewed_at)
    memory_after = Memory(
        state=int(after.state),
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=after.due,
        last_review=after.last_review,
    )
    interval = (after.due - reviewed_at).total_seconds() / 86400
    return PlannedReview(memory=memory_after, recall_before=recall_before, interval_days=interval)


def predicted_recall(*, memory: Memory, at: dt.datetime, desired_retention: float = 0.9) -> float:
    """The scheduler's predicted chance of recalling the card at `at` (0 for a card never answered)."""
    if memory.state == MemoryState.NEW or memory.stability is None:
        return 0.0
    return _scheduler(round(desired_retention, 2)).get_card_retrievability(_fsrs_card(0, memory), _utc(at))


RATING_KEYS = {Rating.AGAIN: "1", Rating.HARD: "2", Rating.GOOD: "3", Rating.EASY: "4"}


def recall_curve() -> tuple[float, float]:
    """The forgetting curve's constants: recall after t days at stability S is (1 + factor * t / S) ** decay.

    Exposed so that aggregate pages can compute predicted recall in SQL exactly as the scheduler does.
    """
    scheduler = _scheduler(0.9)
    return scheduler._FACTOR, scheduler._DECAY
