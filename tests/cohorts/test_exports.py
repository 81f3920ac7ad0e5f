"""CSV exports: UTF-8 with a byte-order mark, one header row, ISO dates, formulas defused."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cohorts.conftest import NOW
from tests.cohorts.factories import AssignmentFactory, CohortFactory, MembershipFactory
from tests.factories import UserFactory
from tutor.cohorts import completion_records

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def cohort(bank, answer):
    cohort = CohortFactory(name="Spring 2027")
    done = MembershipFactory(cohort=cohort, learner=UserFactory(username="zoë", first_name="Zoë", last_name="Ng"))
    for question in bank.risk_questions:
        answer(done.learner, question, "a", NOW)
    tricky = MembershipFactory(cohort=cohort, learner=UserFactory(username="+cmd"))
    answer(tricky.learner, bank.risk_questions[0], "c", NOW + dt.timedelta(hours=2))
    return cohort


def test_results_csv(client, cohort):
    assignment = AssignmentFactory(cohort=cohort, title="Risks", module_slugs=["risks"], due_on=dt.date(2099, 12, 4))
    completion_records.backfill_completions(assignment=assignment, at=timezone.now())  # as creating it in the app does
    client.force_login(cohort.owner)

    response = client.get(reverse("cohorts:assignment_results_csv", args=[assignment.pk]))
    rows = read_csv(response)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="spring-2027-risks-results.csv"'
    header, *learners = rows
    assert header == [
        "username",
        "name",
        "status",
        "questions_answered",
        "questions_total",
        "answered_percent",
        "latest_right_percent",
        "exam_best_percent",
        "completed_on",
        "completed_late",
        "due_on",
        "last_active_on",
        "joined_on",
    ]
    assert learners == [
        ["'+cmd", "", "In progress", "1", "5", "20.0", "0.0", "", "", "", "2099-12-04", "2026-11-24", "2026-11-01"],
        [
            "zoë",
            "Zoë Ng",
            "Complete",
            "5",
            "5",
            "100.0",
            "100.0",
            "",
            "2026-11-24",
            "no",
            "2099-12-04",
            "2026-11-24",
            "2026-11-01",
        ],
    ]


def test_item_analysis_csv(client, cohort):
    assignment = AssignmentFactory(cohort=cohort, title="Risks", module_slugs=["risks"])
    client.force_login(cohort.owner)

    response = client.get(reverse("cohorts:item_analysis_csv", args=[assignment.pk]), {"attempts": "first"})
    header, *items = read_csv(response)

    assert 'filename="spring-2027-risks-items-first-attempts.csv"' in response["Content-Disposition"]
    assert header[:10] == [
        "question_id",
        "module",
        "type",
        "question",
        "attempts",
        "right",
        "facility_percent",
        "mean_score",
        "discrimination",
        "flagged",
    ]
    assert len(items) == 5
    first = dict(zip(header, items[0], strict=True))
    assert first["question_id"] == "risks-001"
    assert first["question"] == "Risks and safety: question 1?"
    assert (first["attempts"], first["right"], first["facility_percent"]) == ("2", "1", "50.0")
    assert first["discrimination"] == "1.0" and first["flagged"] == "no"
    assert first["option_shares"] == "Answer A: 50.0% | Answer B: 0.0% | Answer C: 50.0% | Answer D: 0.0%"
    assert first["most_chosen_wrong"] == "Answer C"
    assert first["misconceptions"] == "risks-error-c"
    unanswered_by_some = dict(zip(header, items[1], strict=True))
    assert unanswered_by_some["attempts"] == "1" and unanswered_by_some["discrimination"] == ""


def test_a_bad_attempts_choice_is_refused(client, cohort):
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["risks"])
    client.force_login(cohort.owner)

    assert (
        client.get(reverse("cohorts:item_analysis_csv", args=[assignment.pk]), {"attempts": "all"}).status_code == 400
    )
