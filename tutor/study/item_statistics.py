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
    totals = {learner_id: sum(by_question.values()) for learner_id, by_question in scores.items()}
    result = {}
    for question_id in question_ids:
        pairs = [
            (by_question[question_id], totals[learner_id] - by_question[question_id])
            for learner_id, by_question in scores.items()
            if question_id in by_question
        ]
        value = pearson([x for x, _ in pairs], [y for _, y in pairs])
        if value is not None:
            result[question_id] = value
    return result
