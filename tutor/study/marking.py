"""Marking a learner's answer against a question, part by part, by the question's type (tutor/questions).

Answers are plain JSON so they can be stored on the review log and replayed; each type's module documents the
shape of its answers.
"""

from __future__ import annotations

from tutor.catalog.snapshot import QuestionView
from tutor.questions.base import Marking, PartResult

__all__ = ["Marking", "PartResult", "mark_answer", "misconceptions_targeted"]


def mark_answer(question: QuestionView, answer: dict) -> Marking:
    """Mark an answer already validated by the answer form (keys belong to the question)."""
    return question.type_spec.mark(question, answer)


def misconceptions_targeted(question: QuestionView) -> frozenset[str]:
    """The wrong ideas a question can catch: the misconceptions of its wrong options and common errors (worked out
    with the catalog, `QuestionView.ideas_targeted`)."""
    return question.ideas_targeted
