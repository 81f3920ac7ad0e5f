"""What a finished practice test shows: each item with the tutor's feedback, and the score (read only)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import NamedTuple

from tutor.accounts.models import User
from tutor.catalog.snapshot import CatalogSnapshot, QuestionView
from tutor.questions.base import plain_label
from tutor.study import selectors
from tutor.study.feedback import TutorFeedback, tutor_feedback
from tutor.study.models import PracticeItem, PracticeTest


class ResultRow(NamedTuple):
    """One item of the test; a template may unpack it as (item, question, feedback)."""

    item: PracticeItem
    question: QuestionView | None  # None when the question has left the catalog since
    feedback: TutorFeedback | None  # None when the item was never answered

    @property
    def counts(self) -> bool:
        """Items under editors' review count neither way in the score."""
        return self.question is None or not self.question.under_review

    @property
    def verdict(self) -> str:
        """correct, partial, incorrect, or unanswered."""
        return self.feedback.verdict if self.feedback is not None else "unanswered"

    @property
    def missed(self) -> bool:
        """Not answered fully right: what a learner goes back over."""
        return self.verdict != "correct"

    @property
    def anchor(self) -> str:
        """The id of the item's section on the results page."""
        return f"feedback-{self.feedback.log.pk}" if self.feedback is not None else f"item-{self.item.position}"

    @property
    def stem_excerpt(self) -> str:
        if self.question is None:
            return "A question no longer in the bank"
        return plain_label(self.question.stem, limit=110)


@dataclass(frozen=True)
class PracticeResults:
    rows: list[ResultRow]

    @property
    def excluded(self) -> list[QuestionView]:
        return [row.question for row in self.rows if not row.counts and row.question is not None]

    @property
    def total(self) -> int:
        return sum(1 for row in self.rows if row.counts)

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.counts and row.feedback is not None)

    @property
    def missed_rows(self) -> list[ResultRow]:
        return [row for row in self.rows if row.missed]

    @property
    def correct(self) -> int:
        return sum(1 for row in self.rows if row.counts and row.feedback is not None and row.feedback.log.correct)


def practice_results(
    *,
    learner: User,
    test: PracticeTest,
    items: list[PracticeItem],
    snapshot: CatalogSnapshot,
    now: dt.datetime,
    zone: zoneinfo.ZoneInfo,
) -> PracticeResults:
    """The test's items in order with feedback for each answered one, in two queries (cards, flags)."""
    question_ids = [item.question_id for item in items]
    cards = selectors.cards_by_question(learner=learner, question_ids=question_ids)
    flagged = selectors.flagged_among(learner=learner, question_ids=question_ids)
    rows = []
    for item in items:
        question = snapshot.questions.get(item.question_id)
        feedback = None
        if item.review_log is not None and question is not None:
            log = item.review_log
            log.card = cards[item.question_id]
            feedback = tutor_feedback(
                question=question, log=log, card=log.card, flagged=item.question_id in flagged, now=now, zone=zone
            )
        rows.append(ResultRow(item, question, feedback))
    return PracticeResults(rows)
