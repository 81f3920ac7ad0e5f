"""Marking a learner's answer against a question, part by part.

Answers are plain JSON so they can be stored on the review log and replayed:
    single, true_false   {"choice": "b"}
    multiple             {"choices": ["a", "c"]}
    matching             {"matches": {"a": "b", "b": "extra-1"}}   prompt key -> chosen answer id
    ordering             {"order": {"a": 1, "b": 3, "c": 2}}       item key -> position, from 1
    numeric              {"value": 54.2}
"""

from __future__ import annotations

from dataclasses import dataclass

from tutor.catalog.snapshot import OptionView, QuestionView


@dataclass(frozen=True)
class PartResult:
    """One part of a multi-part item: an option of a multiple-response item, a pair, or an item's place."""

    option: OptionView
    correct: bool
    given: str
    expected: str


@dataclass(frozen=True)
class Marking:
    correct: bool
    score: float
    parts: tuple[PartResult, ...] = ()
    chosen: tuple[OptionView, ...] = ()
    closest_error: OptionView | None = None

    @property
    def partial(self) -> bool:
        return not self.correct and self.score > 0

    @property
    def verdict(self) -> str:
        if self.correct:
            return "correct"
        return "partial" if self.partial else "incorrect"


def mark_answer(question: QuestionView, answer: dict) -> Marking:
    """Mark an answer already validated by the answer form (keys belong to the question)."""
    return {
        "single": _mark_choice,
        "true_false": _mark_choice,
        "multiple": _mark_multiple,
        "matching": _mark_matching,
        "ordering": _mark_ordering,
        "numeric": _mark_numeric,
    }[question.type](question, answer)


def _mark_choice(question: QuestionView, answer: dict) -> Marking:
    option = question.option(answer["choice"])
    return Marking(correct=option.is_correct, score=1.0 if option.is_correct else 0.0, chosen=(option,))


def _mark_multiple(question: QuestionView, answer: dict) -> Marking:
    chosen = set(answer["choices"])
    parts = tuple(
        PartResult(
            option=option,
            correct=(option.key in chosen) == option.is_correct,
            given="chosen" if option.key in chosen else "not chosen",
            expected="choose" if option.is_correct else "leave",
        )
        for option in question.options
    )
    right = sum(part.correct for part in parts)
    return Marking(
        correct=right == len(parts),
        score=right / len(parts),
        parts=parts,
        chosen=tuple(o for o in question.options if o.key in chosen),
    )


def _mark_matching(question: QuestionView, answer: dict) -> Marking:
    texts = dict(question.match_choices)
    parts = tuple(
        PartResult(
            option=option,
            correct=answer["matches"].get(option.key) == option.key,
            given=texts.get(answer["matches"].get(option.key, ""), "no answer"),
            expected=option.match_text,
        )
        for option in question.options
    )
    right = sum(part.correct for part in parts)
    return Marking(correct=right == len(parts), score=right / len(parts), parts=parts)


def _mark_ordering(question: QuestionView, answer: dict) -> Marking:
    parts = tuple(
        PartResult(
            option=option,
            correct=answer["order"].get(option.key) == option.position + 1,
            given=str(answer["order"].get(option.key, "?")),
            expected=str(option.position + 1),
        )
        for option in question.options
    )
    right = sum(part.correct for part in parts)
    return Marking(correct=right == len(parts), score=right / len(parts), parts=parts)


def _mark_numeric(question: QuestionView, answer: dict) -> Marking:
    value = float(answer["value"])
    tolerance = question.numeric_tolerance or 0.0
    correct = abs(value - question.numeric_answer) <= tolerance + 1e-9
    errors = [o for o in question.options if not o.is_correct and o.numeric_value is not None]
    closest = None
    if not correct and errors:
        nearest = min(errors, key=lambda o: abs(o.numeric_value - value))
        if abs(nearest.numeric_value - value) <= max(tolerance, 1e-9):
            closest = nearest
    return Marking(correct=correct, score=1.0 if correct else 0.0, closest_error=closest)
