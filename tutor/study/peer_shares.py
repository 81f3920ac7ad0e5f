"""How other learners answered a choice question the first time they met it: the share who chose each option.

Shown after an answer, as "% of learners chose this option", once enough learners have answered for the shares to
mean something; fewer, and one learner's choice would be recognisable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MIN_LEARNERS = 10


@dataclass(frozen=True)
class PeerShares:
    """First answers of `learners` learners; `percent` maps an option's key to the whole-number share who chose it."""

    learners: int
    percent: dict[str, int]

    @property
    def enough_learners(self) -> bool:
        return self.learners >= MIN_LEARNERS


def chosen_keys(answer: dict) -> list[str]:
    """The options a stored answer chose: {"choice": "b"} or {"choices": ["a", "c"]}; none for other types."""
    if isinstance(answer.get("choice"), str):
        return [answer["choice"]]
    choices = answer.get("choices")
    return [key for key in choices if isinstance(key, str)] if isinstance(choices, list) else []


def shares_of_first_answers(answer_counts: Iterable[tuple[dict, int]], option_keys: Iterable[str]) -> PeerShares:
    """Each option's share of learners from (first answer, how many learners gave it) pairs. A multiple-response
    option's share counts every learner who ticked it, so shares there add up to more than 100."""
    learners = 0
    chose = dict.fromkeys(option_keys, 0)
    for answer, count in answer_counts:
        learners += count
        for key in set(chosen_keys(answer if isinstance(answer, dict) else {})):
            if key in chose:
                chose[key] += count
    percent = {key: round(100 * n / learners) if learners else 0 for key, n in chose.items()}
    return PeerShares(learners=learners, percent=percent)
