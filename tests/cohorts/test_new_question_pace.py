"""A learner whose daily limit of new questions cannot start an assignment by its due date is told so, with the
limit that would, and can raise it in one step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cohorts.factories import AssignmentFactory, CohortFactory, MembershipFactory
from tests.factories import UserFactory
from tutor.study.deadlines import new_question_pace

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)


def test_36_questions_need_2_days_at_20_a_day_and_8_at_5_a_day():
    assert new_question_pace(new_left=36, new_per_day=20, today=TODAY, due_on=TODAY).days_needed == 2
    assert new_question_pace(new_left=36, new_per_day=5, today=TODAY, due_on=TODAY).days_needed == 8


def test_the_pace_falls_short_only_when_the_days_needed_exceed_the_days_left():
    due_in_8_days = TODAY + dt.timedelta(days=7)  # today and the due date both count: 8 study days
    assert not new_question_pace(new_left=36, new_per_day=5, today=TODAY, due_on=due_in_8_days).falls_short
    short = new_question_pace(new_left=36, new_per_day=5, today=TODAY, due_on=due_in_8_days - dt.timedelta(days=1))
    assert short.falls_short and short.days_left == 7 and short.limit_that_fits == 6
    assert not new_question_pace(new_left=0, new_per_day=0, today=TODAY, due_on=TODAY).falls_short


def test_new_questions_turned_off_always_fall_short_while_questions_are_left():
    pace = new_question_pace(new_left=3, new_per_day=0, today=TODAY, due_on=TODAY + dt.timedelta(days=30))
    assert pace.falls_short and pace.days_needed is None and pace.limit_that_fits == 1


def test_the_learner_sees_the_warning_and_raises_the_limit_in_one_step(client, bank):
    learner = UserFactory(new_per_day=1)
    cohort = CohortFactory()
    MembershipFactory(cohort=cohort, learner=learner)
    due = timezone.localdate() + dt.timedelta(days=1)  # two study days for the five risk questions
    AssignmentFactory(cohort=cohort, module_slugs=["risks"], opens_on=timezone.localdate(), due_on=due)
    client.force_login(learner)

    page = " ".join(client.get(reverse("cohorts:cohort_list")).content.decode().split())
    assert "5 questions not started yet. At 1 new a day they need 5 days, and 2 days remain to the due date." in page
    assert "Start 3 new questions a day" in page

    response = client.post(
        reverse("study:raise_new_per_day"), {"new_per_day": "3", "next": reverse("cohorts:cohort_list")}
    )
    learner.refresh_from_db()
    assert response.status_code == 302 and response.url == reverse("cohorts:cohort_list")
    assert learner.new_per_day == 3
    assert "not started yet" not in client.get(reverse("cohorts:cohort_list")).content.decode()


def test_the_offer_never_lowers_the_limit_and_refuses_a_bad_number(client):
    learner = UserFactory(new_per_day=30)
    client.force_login(learner)

    client.post(reverse("study:raise_new_per_day"), {"new_per_day": "5"})
    learner.refresh_from_db()
    assert learner.new_per_day == 30
    bad = client.post(reverse("study:raise_new_per_day"), {"new_per_day": "5000"})
    assert bad.status_code == 400 and "at most 200" in bad.content.decode()
