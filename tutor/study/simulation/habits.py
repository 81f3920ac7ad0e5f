"""Synthetic learners' habits, their ground-truth memory, and how they answer each type of question."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from tutor.catalog.snapshot import QuestionView
from tutor.study.marking import Marking, mark_answer
from tutor.study.models import (
    PracticePool,
)
from tutor.study.scheduler import DEFAULT_PARAMETERS, Memory

# review, apply_outcome and review_log are how record_answer moves a card on and records an answer; sharing them
# keeps seeded cards and logs exactly like recorded ones.

UTC = dt.UTC
# "" is the site's time zone, as for a learner who never chose one.
TIME_ZONES = (
    "",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Australia/Sydney",
    "Asia/Kolkata",
)
PRACTICE_TITLE = f"{PracticePool.ALL.label} · All modules"
# A learning step comes back within minutes; a patient learner waits for it rather than leaving.
WAIT_FOR_STEP = dt.timedelta(minutes=15)
# Longer than any one answer and its feedback, so that the last answer of a history is not after its end.
LAST_ANSWER_MARGIN = dt.timedelta(minutes=15)
MAX_ANSWER_SECONDS = 600
# Even a question known by heart is sometimes misread or misclicked.
MOST_LIKELY_RIGHT = 0.97


@dataclass(frozen=True)
class Habits:
    """How one synthetic learner studies. Days are indexes into the simulated window, 0 being the oldest."""

    accuracy: float
    desired_retention: float
    new_per_day: int
    time_zone: str
    study_chance: float
    first_day: int
    last_day: int
    session_hour: float
    second_session_chance: float
    stamina: int
    seconds_per_answer: float
    patience: float
    rerate_chance: float
    practice_chance: float
    practice_size: int
    reviews_wanted: int = 0
    # The learner's true memory: FSRS parameters the answers are drawn from (None: the library's defaults).
    memory_parameters: tuple[float, ...] | None = None


def ground_truth_parameters(rng: random.Random) -> tuple[float, ...]:
    """One learner's true memory, drawn around FSRS's defaults: first-answer stabilities (w0-w3) scaled by a
    log-normal factor, the growth of stability after a success (w8) scaled by a smaller one, and the forgetting
    curve's decay (w20) anywhere in 0.1-0.5. All inside the library's bounds."""
    w = list(DEFAULT_PARAMETERS)
    first = math.exp(rng.gauss(0, 0.6))
    for index in range(4):
        w[index] = min(100.0, max(0.01, w[index] * first * math.exp(rng.gauss(0, 0.15))))
    w[8] = min(4.5, max(0.2, w[8] * math.exp(rng.gauss(0, 0.25))))
    w[20] = rng.uniform(0.1, 0.5)
    return tuple(w)


def demo_habits(rng: random.Random, *, accuracy: float, days: int) -> Habits:
    """Habits drawn for one ordinary demo learner, around the wanted mean accuracy."""
    kind = rng.choices(("daily", "regular", "sporadic", "lapsed"), weights=(20, 35, 20, 25))[0]
    study_chance = {
        "daily": rng.uniform(0.85, 0.99),
        "regular": rng.uniform(0.45, 0.8),
        "sporadic": rng.uniform(0.15, 0.4),
        "lapsed": rng.uniform(0.5, 0.9),
    }[kind]
    # About half start in the first days (an invitation went out), the others trickle in.
    first_day = rng.randrange(0, max(1, days // 20)) if rng.random() < 0.5 else rng.randrange(0, max(1, 2 * days // 3))
    last_day = days - 1
    if kind == "lapsed":
        last_day = min(days - 1, first_day + max(3, int((days - first_day) * rng.uniform(0.1, 0.5))))
    return Habits(
        accuracy=min(0.97, max(0.35, rng.gauss(accuracy, 0.06))),
        desired_retention=rng.choices((0.85, 0.88, 0.9, 0.92, 0.95), weights=(10, 10, 60, 12, 8))[0],
        new_per_day=rng.choices((5, 10, 15, 20, 30), weights=(10, 25, 20, 35, 10))[0],
        time_zone=rng.choice(TIME_ZONES),
        study_chance=study_chance,
        first_day=first_day,
        last_day=last_day,
        session_hour=rng.choice((6.5, 7.5, 12.5, 17.5, 19.5, 21.0)) + rng.uniform(-0.5, 0.5),
        second_session_chance=rng.choice((0.0, 0.0, 0.1, 0.3)),
        stamina=rng.randrange(25, 140),
        seconds_per_answer=rng.uniform(14, 45),
        patience=rng.uniform(0.3, 0.95),
        rerate_chance=rng.choice((0.0, 0.0, 0.1, 0.25)),
        practice_chance=rng.choice((0.0, 0.0, 0.0, 0.05, 0.15)),
        practice_size=rng.choice((10, 20, 20, 30)),
    )


def heavy_habits(rng: random.Random, *, accuracy: float, days: int, reviews: int) -> Habits:
    """A learner who studies every day and takes practice tests on top, to reach about `reviews` answers."""
    return Habits(
        accuracy=min(0.97, accuracy + 0.05),
        desired_retention=0.9,
        new_per_day=20,
        time_zone="Europe/London",
        study_chance=1.0,
        first_day=0,
        last_day=days - 1,
        session_hour=7.0,
        second_session_chance=0.0,
        stamina=10_000,
        seconds_per_answer=11.0,
        patience=1.0,
        rerate_chance=0.15,
        practice_chance=1.0,
        practice_size=50,
        reviews_wanted=reviews,
    )


def memory_json(memory: Memory) -> dict:
    """What a log keeps of the card before the answer (kept for the seed's tests; the same as `Memory.as_json`)."""
    return memory.as_json()


class AnswerBank:
    """For each question, its right answer and a few plausible wrong ones, each marked once by the real marker."""

    def __init__(self, questions: list[QuestionView]) -> None:
        self._right: dict[int, tuple[dict, Marking]] = {}
        self._wrong: dict[int, list[tuple[dict, Marking]]] = {}
        for question in questions:
            right, wrong = _answers(question)
            self._right[question.id] = (right, mark_answer(question, right))
            marked = [(answer, mark_answer(question, answer)) for answer in wrong]
            self._wrong[question.id] = [(answer, marking) for answer, marking in marked if not marking.correct]

    def right(self, question_id: int) -> tuple[dict, Marking]:
        return self._right[question_id]

    def wrong(self, question_id: int, rng: random.Random) -> tuple[dict, Marking]:
        """A wrong answer; the right one only if the question admits no wrong answer at all."""
        wrong = self._wrong[question_id]
        return rng.choice(wrong) if wrong else self._right[question_id]


def _answers(question: QuestionView) -> tuple[dict, list[dict]]:
    """The right answer and wrong ones in the JSON shape the answer form produces, as the question's type says."""
    spec = question.type_spec
    return spec.right_answer(question), spec.wrong_answers(question)
