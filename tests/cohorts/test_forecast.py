"""The recall forecast equals the scheduler's own predicted recall, averaged card by card (unseen cards as 0)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cohorts.conftest import NOW
from tests.cohorts.factories import AssignmentFactory, CohortFactory, MembershipFactory
from tests.factories import UserFactory
from tutor.catalog.snapshot import catalog
from tutor.cohorts.selectors import recall_forecast
from tutor.study.models import Card
from tutor.study.scheduler import Memory, predicted_recall

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture
def studied_cohort(bank, answer):
    """Three learners with different histories in Risks (5 questions) and History (3); one outsider."""
    cohort = CohortFactory()
    first, second, third = (MembershipFactory(cohort=cohort).learner for _ in range(3))
    for n, question in enumerate(bank.risk_questions):
        answer(first, question, "a", NOW - (10 - n) * DAY)
        answer(first, question, "a", NOW - (4 - n % 3) * DAY)
    for question in bank.risk_questions[:2]:
        answer(second, question, "b", NOW - 2 * DAY)
    answer(second, bank.history_questions[0], "a", NOW - DAY)
    answer(UserFactory(), bank.risk_questions[0], "a", NOW - DAY)
    return cohort, [first, second, third]


def expected_mean(learners, questions, at):
    """Mean of the scheduler's predicted recall over every learner and question, 0 where there is no card."""
    cards = {(c.learner_id, c.question_id): c for c in Card.objects.filter(learner__in=learners)}
    total = sum(
        predicted_recall(memory=Memory.of_card(cards[(learner.pk, q.pk)]), at=at)
        for learner in learners
        for q in questions
        if (learner.pk, q.pk) in cards
    )
    return total / (len(learners) * len(questions))


def test_forecast_matches_the_scheduler_card_by_card(bank, studied_cohort):
    cohort, learners = studied_cohort
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["risks", "history"], due_on=dt.date(2026, 12, 10))

    forecast = {
        f.module.slug: f for f in recall_forecast(assignment=assignment, snapshot=catalog(), now=NOW, learner_count=3)
    }

    risks, history = forecast["risks"], forecast["history"]
    assert (risks.question_total, risks.learner_count) == (5, 3)
    assert risks.recall_now == pytest.approx(expected_mean(learners, bank.risk_questions, NOW), abs=1e-9)
    assert risks.recall_due == pytest.approx(expected_mean(learners, bank.risk_questions, assignment.due_at), abs=1e-9)
    assert history.recall_due == pytest.approx(
        expected_mean(learners, bank.history_questions, assignment.due_at), abs=1e-9
    )
    assert 0 < risks.recall_due < risks.recall_now < 1  # memories fade by the due date
    assert risks.change == pytest.approx(risks.recall_due - risks.recall_now)


def test_no_projection_once_the_due_date_has_passed(bank, studied_cohort):
    cohort, _ = studied_cohort
    assignment = AssignmentFactory(
        cohort=cohort, module_slugs=["risks"], opens_on=dt.date(2026, 11, 1), due_on=dt.date(2026, 11, 20)
    )

    (risks,) = recall_forecast(assignment=assignment, snapshot=catalog(), now=NOW, learner_count=3)

    assert risks.recall_now is not None
    assert risks.recall_due is None


def test_forecast_is_one_query(bank, studied_cohort, django_assert_num_queries):
    cohort, _ = studied_cohort
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["risks", "history"])
    snapshot = catalog()

    with django_assert_num_queries(1):
        recall_forecast(assignment=assignment, snapshot=snapshot, now=NOW, learner_count=3)
