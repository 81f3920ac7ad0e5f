"""A completion is recorded when the answer that completes it is recorded, with that answer's time; pages that show
it only read. An exam counts for an assignment only when it is a real exam over the modules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cohorts.conftest import NOW
from tests.cohorts.factories import AssignmentFactory, MembershipFactory
from tests.factories import UserFactory, fixed_clock
from tutor.catalog.snapshot import catalog
from tutor.cohorts import services
from tutor.cohorts.models import AssignmentCompletion
from tutor.cohorts.selectors import AssignmentStatus, assignment_statuses
from tutor.study.models import Flag, PracticeMode
from tutor.study.services import finish_practice_test, start_practice_test

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def membership(bank):
    return MembershipFactory()


def test_the_completing_answer_records_the_completion_at_its_own_time(bank, membership, answer):
    learner = membership.learner
    AssignmentFactory(cohort=membership.cohort, module_slugs=["risks"])
    for n, question in enumerate(bank.risk_questions[:-1]):
        answer(learner, question, "a", NOW + n * HOUR)
    assert not AssignmentCompletion.objects.exists()

    answer(learner, bank.risk_questions[-1], "a", NOW + 9 * HOUR)

    assert AssignmentCompletion.objects.get().completed_at == NOW + 9 * HOUR


def writes_in(captured) -> list[str]:
    sql = [q["sql"] for q in captured.captured_queries]
    return [s for s in sql if s.split()[0] in ("INSERT", "UPDATE", "DELETE") and "django_session" not in s]


def test_learner_pages_that_show_assignments_write_nothing(client, bank, membership, answer):
    """The progress page and the cohorts page show a met rule without recording it: reads never write."""
    learner = membership.learner
    AssignmentFactory(cohort=membership.cohort, module_slugs=["risks"])
    from tests.cohorts.factories import bulk_answers  # written straight to the tables: no completion recorded

    bulk_answers([(learner.pk, q.pk, True, NOW) for q in bank.risk_questions])
    client.force_login(learner)

    with CaptureQueriesContext(connection) as looked:
        progress = client.get(reverse("cohorts:progress_dashboard"))
        cohorts = client.get(reverse("cohorts:cohort_list"))

    assert progress.status_code == cohorts.status_code == 200
    assert writes_in(looked) == []
    assert not AssignmentCompletion.objects.exists()


def test_a_new_assignment_records_who_has_already_met_it(bank, membership, answer):
    learner = membership.learner
    for question in bank.risk_questions:
        answer(learner, question, "a", NOW)

    services.create_assignment(
        actor=membership.cohort.owner,
        cohort=membership.cohort,
        title="Risks",
        module_slugs=["risks"],
        opens_on=dt.date(2026, 11, 20),
        due_on=dt.date(2026, 12, 20),
        target_accuracy=80,
        exam_pass_mark=None,
        now=NOW + HOUR,
    )

    assert AssignmentCompletion.objects.get().completed_at == NOW + HOUR  # not before the assignment existed


def exam(learner, questions, *, right: int, at: dt.datetime, answer, pool="all"):
    test = start_practice_test(
        learner=learner,
        question_ids=[q.pk for q in questions],
        mode=PracticeMode.EXAM,
        pool=pool,
        module_slugs=["risks"],
        title="Exam",
        time_limit_minutes=None,
        now=at,
        shuffle=False,
    )
    for n, item in enumerate(test.items.order_by("position")):
        answer(learner, item.question, "a" if n < right else "b", at + dt.timedelta(minutes=n + 1), item)
    return finish_practice_test(learner=learner, test_id=test.pk, clock=fixed_clock(at + HOUR))


def test_one_flagged_question_is_not_an_exam(bank, membership, answer):
    learner = membership.learner
    assignment = AssignmentFactory(cohort=membership.cohort, module_slugs=["risks"], exam_pass_mark=90)
    for question in bank.risk_questions:
        answer(learner, question, "a", NOW)
    Flag.objects.create(learner=learner, question=bank.risk_questions[0])

    exam(learner, bank.risk_questions[:1], right=1, at=NOW + HOUR, answer=answer, pool="flagged")
    one_question = assignment_statuses(
        assignments=[assignment], learner_ids=[learner.pk], snapshot=catalog(), now=NOW + 2 * HOUR
    )[(assignment.pk, learner.pk)]

    assert one_question.status == AssignmentStatus.IN_PROGRESS and one_question.exam_best is None
    exam(learner, bank.risk_questions, right=5, at=NOW + 3 * HOUR, answer=answer)
    assert AssignmentCompletion.objects.filter(assignment=assignment, learner=learner).exists()


def test_an_educator_can_ask_for_a_longer_exam(bank, membership, answer):
    learner = membership.learner
    assignment = AssignmentFactory(
        cohort=membership.cohort, module_slugs=["risks"], exam_pass_mark=60, exam_min_questions=10
    )

    exam(learner, bank.risk_questions, right=5, at=NOW, answer=answer)

    status = assignment_statuses(
        assignments=[assignment], learner_ids=[learner.pk], snapshot=catalog(), now=NOW + 2 * HOUR
    )[(assignment.pk, learner.pk)]
    assert status.exam_best is None  # 5 questions, 10 needed
    assert assignment.exam_questions_needed(5) == 10
    assert AssignmentFactory.build(exam_min_questions=None).exam_questions_needed(36) == 20
    assert AssignmentFactory.build(exam_min_questions=None).exam_questions_needed(5) == 5


def test_an_answer_outside_the_assigned_modules_looks_for_no_completion(bank, membership, answer):
    """Only an answer in an assigned module can complete an assignment: any other costs the cohorts no query."""
    learner = membership.learner
    AssignmentFactory(cohort=membership.cohort, module_slugs=["risks"])
    learner.refresh_from_db()

    with CaptureQueriesContext(connection) as elsewhere:
        answer(learner, bank.history_questions[0], "a", NOW)
    with CaptureQueriesContext(connection) as assigned:
        answer(learner, bank.risk_questions[0], "a", NOW + HOUR)

    def reads_assignments(captured) -> bool:
        return any("cohorts_assignment" in q["sql"] for q in captured.captured_queries)

    assert not reads_assignments(elsewhere)
    assert reads_assignments(assigned)


def test_looking_for_a_completion_after_an_answer_costs_two_queries(bank, membership, django_assert_num_queries):
    """The open assignments (those the learner has not completed), then the learner's progress in their modules."""
    from tutor.cohorts.completion_records import record_learner_completions

    AssignmentFactory(cohort=membership.cohort, module_slugs=["risks"])
    AssignmentFactory(cohort=membership.cohort, module_slugs=["history"])
    catalog()  # built once per content load, not per answer

    with django_assert_num_queries(2):
        record_learner_completions(learner_id=membership.learner_id, at=NOW)


def test_the_open_assignments_are_those_of_the_learners_cohorts_not_yet_completed(bank, membership):
    """The prepared read gives what the ORM's query gives: each cohort's assignments, less those completed, each
    with its cohort loaded (no query to name it)."""
    from tutor.cohorts.completion_records import OPEN_ASSIGNMENTS
    from tutor.cohorts.models import Assignment

    learner = membership.learner
    other = MembershipFactory(learner=learner)
    done = AssignmentFactory(cohort=membership.cohort, module_slugs=["risks"])
    open_here = AssignmentFactory(cohort=membership.cohort, module_slugs=["history"])
    open_there = AssignmentFactory(cohort=other.cohort, module_slugs=["risks"])
    AssignmentFactory(module_slugs=["risks"])  # a cohort the learner is not in
    AssignmentCompletion.objects.create(assignment=done, learner=learner, completed_at=NOW, recorded_at=NOW)

    found = OPEN_ASSIGNMENTS.instances(learner_id=learner.pk)
    expected = (
        Assignment.objects.filter(cohort__memberships__learner=learner)
        .exclude(completions__learner=learner)
        .select_related("cohort")
    )

    assert found == list(expected) == sorted([open_here, open_there], key=lambda a: (a.due_on, a.pk))
    with CaptureQueriesContext(connection) as naming:
        assert {a.cohort.name for a in found} == {membership.cohort.name, other.cohort.name}
    assert not naming.captured_queries
    assert OPEN_ASSIGNMENTS.instances(learner_id=UserFactory().pk) == []  # in no cohort
