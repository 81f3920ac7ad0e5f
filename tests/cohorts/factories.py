"""Factories for cohorts, and helpers that write cards and answers directly for large or back-dated cohorts."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

import factory
from factory.django import DjangoModelFactory

from tests.factories import EducatorFactory, UserFactory
from tutor.accounts.models import User
from tutor.cohorts.item_tallies import rebuild_tallies_of_learners
from tutor.cohorts.models import Assignment, Cohort, Membership
from tutor.cohorts.services import sync_required_modules
from tutor.progress.rollups import rebuild_study_days_of
from tutor.questions.base import Marking
from tutor.study.models import Card, ReviewContext, ReviewLog
from tutor.study.review import CardTally, rating_for_answer, review
from tutor.study.scheduler import Memory
from tutor.study.services import apply_outcome, review_log

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
        skip_postgeneration_save = True  # the hook saves what it changes itself

    cohort = factory.SubFactory(CohortFactory)
    learner = factory.SubFactory(UserFactory)
    joined_at = factory.LazyFunction(lambda: dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC))

    @factory.post_generation
    def required_modules(membership: Membership, create: bool, extracted, **kwargs) -> None:
        """As joining does: the cohort's assigned modules join the learner's required modules."""
        if create:
            sync_required_modules(learner_ids=[membership.learner_id])


class AssignmentFactory(DjangoModelFactory[Assignment]):
    class Meta:
        model = Assignment
        skip_postgeneration_save = True  # the hook saves what it changes itself

    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"Assignment {n}")
    module_slugs = factory.LazyFunction(list)
    opens_on = dt.date(2026, 11, 20)
    due_on = dt.date(2026, 12, 4)
    target_accuracy = 80
    created_at = factory.LazyFunction(lambda: dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC))

    @factory.post_generation
    def required_modules(assignment: Assignment, create: bool, extracted, **kwargs) -> None:
        """As assigning does: the modules join the required modules of the cohort's members."""
        if create:
            members = Membership.objects.filter(cohort_id=assignment.cohort_id).values_list("learner_id", flat=True)
            sync_required_modules(learner_ids=list(members))


def card_and_log(
    learner_id: int,
    question_id: int,
    *,
    correct: bool,
    at: dt.datetime,
    answer: dict | None = None,
    score: float | None = None,
) -> tuple[Card, ReviewLog]:
    """An unsaved card after one first answer, and the answer's log (save the card first, then the log), made by
    the same review core and log builder as a recorded answer: only the locking and the saving are skipped."""
    outcome = review(
        card_id=0,
        memory=Memory(),
        tally=CardTally(),
        correct=correct,
        rating=rating_for_answer(correct=correct),
        at=at,
        desired_retention=0.9,
        zone=dt.UTC,
    )
    card = Card(learner_id=learner_id, question_id=question_id, due=at, created_at=at)
    apply_outcome(card, outcome)
    log = review_log(
        learner_id=learner_id,
        question=SimpleNamespace(id=question_id, revision=1),
        attempt=f"test-attempt-{next(_attempts)}",
        context=ReviewContext.STUDY,
        answer=answer if answer is not None else {"choice": "a" if correct else "b"},
        marking=Marking(correct=correct, score=(1.0 if correct else 0.0) if score is None else score),
        answered_at=at,
        duration_ms=None,
        outcome=outcome,
    )
    return card, log


def bulk_answers(rows: list[tuple]) -> None:
    """Write a first answer for each (learner id, question id, correct, time[, answer]) in bulk (cards, logs, each card
    pointed at its log), then roll the logs up into study days and the cohorts' item tallies as the demo seeder does."""
    pairs = [
        card_and_log(learner_id, question_id, correct=correct, at=at, answer=answer[0] if answer else None)
        for learner_id, question_id, correct, at, *answer in rows
    ]
    cards = Card.objects.bulk_create([card for card, _ in pairs])
    for card, (_, log) in zip(cards, pairs, strict=True):
        log.card_id = card.pk
    logs = ReviewLog.objects.bulk_create([log for _, log in pairs])
    for card, log in zip(cards, logs, strict=True):
        card.last_log_id = log.pk
    Card.objects.bulk_update(cards, ["last_log"])
    rebuild_study_days_of(User.objects.filter(pk__in={log.learner_id for log in logs}))
    rebuild_tallies_of_learners(learner_ids={log.learner_id for log in logs})
