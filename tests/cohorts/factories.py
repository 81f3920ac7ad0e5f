"""Factories for cohorts, and helpers that write cards and answers directly for large or back-dated cohorts."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from factory.django import DjangoModelFactory

from tests.factories import EducatorFactory, UserFactory
from tutor.cohorts.models import Assignment, Cohort, Membership
from tutor.study.models import Card, MemoryState, Rating, ReviewLog

_attempts = itertools.count(1)


class CohortFactory(DjangoModelFactory[Cohort]):
    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"Cohort {n}")
    owner = factory.SubFactory(EducatorFactory)
    join_code = factory.Sequence(lambda n: f"CODE{n:04d}")


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    cohort = factory.SubFactory(CohortFactory)
    learner = factory.SubFactory(UserFactory)
    joined_at = factory.LazyFunction(lambda: dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC))


class AssignmentFactory(DjangoModelFactory[Assignment]):
    class Meta:
        model = Assignment

    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"Assignment {n}")
    module_slugs = factory.LazyFunction(list)
    opens_on = dt.date(2026, 11, 20)
    due_on = dt.date(2026, 12, 4)
    target_accuracy = 80
    created_at = factory.LazyFunction(lambda: dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC))


def card_and_log(
    learner_id: int,
    question_id: int,
    *,
    correct: bool,
    at: dt.datetime,
    answer: dict | None = None,
    score: float | None = None,
    stability: float = 3.0,
) -> tuple[Card, ReviewLog]:
    """An unsaved card after one first answer, and the answer's log (save the card first, then the log)."""
    days = at.timestamp() / 86400
    card = Card(
        learner_id=learner_id,
        question_id=question_id,
        state=MemoryState.REVIEW,
        stability=stability,
        difficulty=5.0,
        due=at + dt.timedelta(days=stability),
        last_review=at,
        last_review_days=days,
        reps=1,
        lapses=0 if correct else 1,
        last_answer_correct=correct,
        created_at=at,
    )
    log = ReviewLog(
        learner_id=learner_id,
        question_id=question_id,
        question_revision=1,
        attempt=f"test-attempt-{next(_attempts)}",
        answer=answer if answer is not None else {"choice": "a" if correct else "b"},
        correct=correct,
        score=(1.0 if correct else 0.0) if score is None else score,
        rating=Rating.GOOD if correct else Rating.AGAIN,
        reviewed_at=at,
        state_before=MemoryState.NEW,
        state_after=MemoryState.REVIEW,
        stability_after=stability,
        difficulty_after=5.0,
        due_after=at + dt.timedelta(days=stability),
        scheduled_days=stability,
        card_before={},
    )
    return card, log


def bulk_answers(rows: list[tuple[int, int, bool, dt.datetime]]) -> None:
    """Write a first answer for each (learner id, question id, correct, time) in two statements."""
    pairs = [
        card_and_log(learner_id, question_id, correct=correct, at=at) for learner_id, question_id, correct, at in rows
    ]
    cards = Card.objects.bulk_create([card for card, _ in pairs])
    for card, (_, log) in zip(cards, pairs, strict=True):
        log.card_id = card.pk
    ReviewLog.objects.bulk_create([log for _, log in pairs])
