"""Statistics of items over learners' answers, shared by the cohorts' item analysis and the flawed-item check."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable

DISCRIMINATION_FLAG = 0.2
DISCRIMINATION_MIN_ATTEMPTS = 10


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's correlation (the standard library's); None when there are fewer than two pairs or either side does
    not vary, where the correlation is undefined."""
    try:
        return statistics.correlation(xs, ys)
    except statistics.StatisticsError:
        return None


def discrimination_by_question(rows: Iterable[tuple[int, int, float]], question_ids: list[int]) -> dict[int, float]:
    """Moodle's discrimination index for each question: the correlation, over the learners who attempted it, between
    their score on it and their rest-of-test score (the sum of their scores on the assignment's other questions,
    0 for questions they have not attempted).

    `rows` are (learner id, question id, score), one per learner and question. Time and memory are bounded by
    learners times questions of the assignment.
    """
    scores: dict[int, dict[int, float]] = defaultdict(dict)
    for learner_id, question_id, score in rows:
        scores[learner_id].setdefault(question_id, score)
    # Each question's (own score, rest-of-test score) pairs, in one pass over the learners.
    pairs: dict[int, tuple[list[float], list[float]]] = {}
    for by_question in scores.values():
        total = sum(by_question.values())
        for question_id, score in by_question.items():
            own, rest = pairs.setdefault(question_id, ([], []))
            own.append(score)
            rest.append(total - score)
    result = {}
    for question_id in question_ids:
        own, rest = pairs.get(question_id, ([], []))
        value = pearson(own, rest)
        if value is not None:
            result[question_id] = value
    return result
