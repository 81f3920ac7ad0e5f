"""What daily study shows next: due cards by predicted recall, then new questions up to the daily limit."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import ModuleFactory, QuestionFactory, SectionFactory, UserFactory
from tests.study.conftest import NOW
from tutor.catalog.snapshot import catalog
from tutor.study.models import Card, MemoryState
from tutor.study.selectors import start_of_learner_day, study_queue

pytestmark = pytest.mark.django_db


def make_card(learner, question, *, due, stability=5.0, last_review=None, created_at=None):
    return Card.objects.create(
        learner=learner,
        question=question,
        state=MemoryState.REVIEW,
        stability=stability,
        difficulty=5.0,
        due=due,
        last_review=last_review or due - dt.timedelta(days=stability),
        reps=2,
        created_at=created_at or NOW - dt.timedelta(days=30),
    )


def test_due_cards_come_first_least_likely_recalled_first(learner, make_question):
    new_question = make_question()
    slightly_overdue = make_question()
    long_overdue = make_question()
    not_due = make_question()
    make_card(
        learner,
        slightly_overdue,
        due=NOW - dt.timedelta(hours=1),
        stability=20,
        last_review=NOW - dt.timedelta(days=20),
    )
    make_card(
        learner, long_overdue, due=NOW - dt.timedelta(days=3), stability=2, last_review=NOW - dt.timedelta(days=10)
    )
    make_card(learner, not_due, due=NOW + dt.timedelta(days=2))

    queue = study_queue(learner=learner, snapshot=catalog(), now=NOW)

    assert queue.due_question_ids == (long_overdue.pk, slightly_overdue.pk)
    assert queue.next_question_id == long_overdue.pk
    assert queue.new_question_ids == (new_question.pk,)
    assert queue.next_due_at == NOW + dt.timedelta(days=2)


def test_new_questions_stop_at_the_daily_limit_counted_from_the_learners_midnight(make_question):
    learner = UserFactory(new_per_day=3, time_zone="America/New_York")
    questions = [make_question() for _ in range(6)]
    local_midnight = start_of_learner_day(learner, NOW)  # 05:00 UTC on 24 Nov
    make_card(
        learner, questions[0], due=NOW + dt.timedelta(days=1), created_at=local_midnight + dt.timedelta(minutes=5)
    )
    make_card(
        learner, questions[1], due=NOW + dt.timedelta(days=1), created_at=local_midnight - dt.timedelta(minutes=5)
    )

    queue = study_queue(learner=learner, snapshot=catalog(), now=NOW)

    assert local_midnight.utcoffset() == dt.timedelta(hours=-5)
    assert queue.new_introduced_today == 1  # the card made before local midnight belongs to yesterday
    assert queue.new_question_ids == (questions[2].pk, questions[3].pk)


def test_a_learner_with_no_new_allowance_sees_only_due_cards(make_question):
    learner = UserFactory(new_per_day=0)
    make_question()

    queue = study_queue(learner=learner, snapshot=catalog(), now=NOW)

    assert queue.next_question_id is None
    assert queue.left_today == 0


def test_new_questions_are_interleaved_across_modules():
    first, second = ModuleFactory(order=1), ModuleFactory(order=2)
    a1, a2 = (QuestionFactory(section=SectionFactory(module=first), order=n) for n in (0, 1))
    b1, b2 = (QuestionFactory(section=SectionFactory(module=second), order=n) for n in (0, 1))

    queue = study_queue(learner=UserFactory(), snapshot=catalog(), now=NOW)

    assert queue.new_question_ids == (a1.pk, b1.pk, a2.pk, b2.pk)


def test_modules_left_out_and_retired_questions_are_not_studied(make_question):
    kept_module, left_out = ModuleFactory(slug="kept"), ModuleFactory(slug="left-out")
    kept = QuestionFactory(section=SectionFactory(module=kept_module))
    QuestionFactory(section=SectionFactory(module=kept_module), retired=True)
    QuestionFactory(section=SectionFactory(module=left_out))
    learner = UserFactory(modules_left_out=["left-out"])

    queue = study_queue(learner=learner, snapshot=catalog(), now=NOW)

    assert queue.new_question_ids == (kept.pk,)
