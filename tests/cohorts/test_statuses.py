"""Assignment statuses across dates, the completion rule, and the recorded completion date (fixed clock)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cohorts.conftest import NOW
from tests.cohorts.factories import AssignmentFactory, MembershipFactory
from tutor.catalog.snapshot import catalog
from tutor.cohorts import completion_records, services
from tutor.cohorts.models import AssignmentCompletion
from tutor.cohorts.selectors import (
    AssignmentStatus,
    assignment_statuses,
    cohort_standings,
    first_moment_complete,
)
from tutor.study.models import PracticeMode
from tutor.study.services import start_practice_test

pytestmark = pytest.mark.django_db
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@pytest.fixture
def membership(bank):
    return MembershipFactory()


@pytest.fixture
def assignment(membership):
    """Risks and safety, open from 20 Nov, due by the end of 4 Dec 2026 (UTC), target 80%."""
    return AssignmentFactory(cohort=membership.cohort, module_slugs=["risks"], title="Risks")


def status_at(assignment, learner, now):
    """The learner's status, after checking that the cohort dashboard's standing (read for every member of the
    cohort, in totals only) says the same."""
    key = (assignment.pk, learner.pk)
    status = assignment_statuses(assignments=[assignment], learner_ids=[learner.pk], snapshot=catalog(), now=now)[key]
    standing = cohort_standings(
        cohort_id=assignment.cohort_id, assignments=[assignment], learner_ids=[learner.pk], snapshot=catalog(), now=now
    )[key]
    assert figures_of(standing) == figures_of(status)
    return status


def figures_of(status):
    return (status.status, status.answered, status.right_latest, status.question_total, status.completed_at)


def recorded(assignment, learner, now):
    statuses = assignment_statuses(assignments=[assignment], learner_ids=[learner.pk], snapshot=catalog(), now=now)
    return completion_records.record_completions(statuses=statuses.values(), snapshot=catalog(), now=now)[
        (assignment.pk, learner.pk)
    ]


def test_status_moves_from_not_started_to_in_progress_to_overdue(bank, membership, assignment, answer):
    learner = membership.learner
    assert status_at(assignment, learner, NOW).status == AssignmentStatus.NOT_STARTED

    answer(learner, bank.risk_questions[0], "a", NOW)
    answer(learner, bank.risk_questions[1], "b", NOW + HOUR)
    in_progress = status_at(assignment, learner, NOW + 2 * HOUR)

    assert in_progress.status == AssignmentStatus.IN_PROGRESS
    assert (in_progress.answered, in_progress.question_total, in_progress.percent) == (2, 5, 40)
    assert in_progress.accuracy == pytest.approx(0.5)
    # Due by the end of 4 Dec: still in progress at 23:59 that day, overdue at midnight.
    assert status_at(assignment, learner, dt.datetime(2026, 12, 4, 23, 59, tzinfo=dt.UTC)).status == "in_progress"
    assert status_at(assignment, learner, dt.datetime(2026, 12, 5, 0, 0, tzinfo=dt.UTC)).status == "overdue"


def test_a_learner_with_nothing_done_is_overdue_after_the_due_date(membership, assignment):
    assert status_at(assignment, membership.learner, dt.datetime(2026, 12, 6, tzinfo=dt.UTC)).is_overdue


def test_complete_when_every_question_answered_and_target_met_dated_by_the_answer_that_did_it(
    bank, membership, assignment, answer
):
    learner = membership.learner
    for n, question in enumerate(bank.risk_questions[:4]):
        answer(learner, question, "a", NOW + n * HOUR)
    assert status_at(assignment, learner, NOW + 5 * HOUR).status == AssignmentStatus.IN_PROGRESS

    answer(learner, bank.risk_questions[4], "b", NOW + 6 * HOUR)  # 4 of 5 right: exactly the 80% target
    later = NOW + 2 * DAY
    status = recorded(assignment, learner, later)

    assert status.status == AssignmentStatus.COMPLETE
    assert status.completed_at == NOW + 6 * HOUR
    assert not status.is_late
    assert AssignmentCompletion.objects.get().completed_at == NOW + 6 * HOUR


def test_accuracy_below_target_is_not_complete_until_answers_improve(bank, membership, assignment, answer):
    learner = membership.learner
    questions = bank.risk_questions
    for n, question in enumerate(questions):
        answer(learner, question, "a" if n < 3 else "c", NOW + n * HOUR)  # 3 of 5 right: 60%
    status = status_at(assignment, learner, NOW + DAY)
    assert status.status == AssignmentStatus.IN_PROGRESS
    assert status.answered == 5 and status.accuracy == pytest.approx(0.6)

    answer(learner, questions[3], "a", NOW + 2 * DAY)  # 4 of 5 on latest answers
    assert recorded(assignment, learner, NOW + 3 * DAY).completed_at == NOW + 2 * DAY


def test_each_module_must_meet_the_target_on_its_own(bank, membership, answer):
    """7 of 8 right overall (87.5%) is not enough when History alone is at 2 of 3 (66%)."""
    learner = membership.learner
    both = AssignmentFactory(cohort=membership.cohort, module_slugs=["risks", "history"])
    for question in bank.risk_questions:
        answer(learner, question, "a", NOW)
    for n, question in enumerate(bank.history_questions):
        answer(learner, question, "a" if n else "d", NOW + HOUR)

    status = status_at(both, learner, NOW + DAY)

    assert status.status == AssignmentStatus.IN_PROGRESS
    assert status.accuracy == pytest.approx(7 / 8)


def test_completion_after_the_due_date_is_complete_and_late(bank, membership, assignment, answer):
    learner = membership.learner
    after_due = dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC)
    for question in bank.risk_questions:
        answer(learner, question, "a", after_due)

    status = recorded(assignment, learner, after_due + DAY)

    assert status.status == AssignmentStatus.COMPLETE
    assert status.completed_at == after_due
    assert status.is_late


def test_completion_is_kept_after_later_wrong_answers(bank, membership, assignment, answer):
    learner = membership.learner
    for question in bank.risk_questions:
        answer(learner, question, "a", NOW)
    first = recorded(assignment, learner, NOW + HOUR)
    for question in bank.risk_questions[:3]:
        answer(learner, question, "b", NOW + DAY)

    again = recorded(assignment, learner, NOW + 2 * DAY)

    assert again.status == AssignmentStatus.COMPLETE
    assert again.completed_at == first.completed_at == NOW
    assert again.accuracy == pytest.approx(0.4)  # the dashboard still shows where they stand now


def test_a_learner_who_met_the_rule_before_the_assignment_existed_is_dated_at_its_creation(bank, membership, answer):
    learner = membership.learner
    for question in bank.risk_questions:
        answer(learner, question, "a", NOW - 10 * DAY)
    assignment = AssignmentFactory(cohort=membership.cohort, module_slugs=["risks"], created_at=NOW - 2 * DAY)

    assert recorded(assignment, learner, NOW).completed_at == NOW - 2 * DAY


def test_changing_the_rule_works_completions_out_again(bank, membership, assignment, answer):
    learner = membership.learner
    for n, question in enumerate(bank.risk_questions):
        answer(learner, question, "a" if n < 4 else "b", NOW)  # 80%
    assert recorded(assignment, learner, NOW + HOUR).is_complete

    services.update_assignment(
        actor=assignment.cohort.owner,
        assignment=assignment,
        title=assignment.title,
        module_slugs=["risks"],
        opens_on=assignment.opens_on,
        due_on=assignment.due_on,
        target_accuracy=90,
        exam_pass_mark=None,
    )

    assert not AssignmentCompletion.objects.exists()
    assert recorded(assignment, learner, NOW + 2 * HOUR).status == AssignmentStatus.IN_PROGRESS


def test_changing_only_the_due_date_keeps_completions(bank, membership, assignment, answer):
    learner = membership.learner
    for question in bank.risk_questions:
        answer(learner, question, "a", NOW)
    recorded(assignment, learner, NOW + HOUR)

    services.update_assignment(
        actor=assignment.cohort.owner,
        assignment=assignment,
        title="Renamed",
        module_slugs=["risks"],
        opens_on=assignment.opens_on,
        due_on=dt.date(2026, 12, 20),
        target_accuracy=80,
        exam_pass_mark=None,
    )

    assert AssignmentCompletion.objects.count() == 1


def take_exam(learner, questions, *, right: int, modules, started: dt.datetime, answer):
    """An exam-mode practice test over the questions, `right` of them answered right a minute apart: the test ends
    with its last answer."""
    test = start_practice_test(
        learner=learner,
        question_ids=[q.pk for q in questions],
        mode=PracticeMode.EXAM,
        pool="all",
        module_slugs=modules,
        title="Exam",
        time_limit_minutes=None,
        now=started,
        shuffle=False,
    )
    for n, item in enumerate(test.items.order_by("position")):
        answer(learner, item.question, "a" if n < right else "b", started + dt.timedelta(minutes=n + 1), item)
    test.refresh_from_db()
    return test


def test_an_exam_rule_needs_a_passing_exam_over_the_modules_after_the_open_date(bank, membership, answer):
    learner = membership.learner
    assignment = AssignmentFactory(cohort=membership.cohort, module_slugs=["risks"], exam_pass_mark=60)
    questions = bank.risk_questions
    before_open = dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.UTC)
    take_exam(learner, questions, right=5, modules=["risks"], started=before_open, answer=answer)
    for question in questions:
        answer(learner, question, "a", NOW)

    waiting = status_at(assignment, learner, NOW + HOUR)
    assert waiting.status == AssignmentStatus.IN_PROGRESS  # the answers meet the target, the exam was too early
    assert waiting.exam_best is None

    take_exam(learner, bank.history_questions, right=3, modules=["history"], started=NOW + DAY, answer=answer)
    assert status_at(assignment, learner, NOW + 2 * DAY).exam_best is None  # does not cover Risks

    take_exam(learner, questions, right=2, modules=["risks"], started=NOW + 2 * DAY, answer=answer)
    failed = status_at(assignment, learner, NOW + 3 * DAY)
    assert failed.status == AssignmentStatus.IN_PROGRESS
    assert failed.exam_best == pytest.approx(0.4)

    # 3 of 5 = 60%: passes. The exam's answers also move the latest answers to 3 of 5 right, below the 80% target,
    # so the learner completes only when one of the wrong ones is answered right again (4 of 5).
    take_exam(learner, questions, right=3, modules=["risks", "history"], started=NOW + 3 * DAY, answer=answer)
    assert status_at(assignment, learner, NOW + 4 * DAY).status == AssignmentStatus.IN_PROGRESS
    answer(learner, questions[3], "a", NOW + 5 * DAY)

    done = recorded(assignment, learner, NOW + 6 * DAY)
    assert done.status == AssignmentStatus.COMPLETE
    assert done.exam_passed_at == NOW + 3 * DAY + 5 * MINUTE  # the exam's fifth and last answer ended it
    assert done.completed_at == NOW + 5 * DAY


def test_an_exam_passed_after_the_answers_dates_completion_at_the_exams_end(bank, membership, answer):
    learner = membership.learner
    assignment = AssignmentFactory(cohort=membership.cohort, module_slugs=["risks"], exam_pass_mark=100)
    for question in bank.risk_questions:
        answer(learner, question, "a", NOW)
    finished = take_exam(learner, bank.risk_questions, right=5, modules=[], started=NOW + DAY, answer=answer)

    status = recorded(assignment, learner, NOW + 2 * DAY)

    assert status.completed_at == finished.finished_at == NOW + DAY + 5 * MINUTE


def test_replay_finds_the_first_moment_the_rule_held():
    t = [NOW + n * HOUR for n in range(6)]
    answers = [(1, True, t[0]), (2, False, t[1]), (3, True, t[2]), (2, True, t[3]), (3, False, t[4])]
    module_of = {1: 10, 2: 10, 3: 10}

    moment = first_moment_complete(
        answers=answers,
        module_of=module_of,
        module_totals={10: 3},
        target_percent=100,
        exam_passed_at=None,
        requires_exam=False,
    )
    with_exam = first_moment_complete(
        answers=answers,
        module_of=module_of,
        module_totals={10: 3},
        target_percent=60,
        exam_passed_at=t[5],
        requires_exam=True,
    )

    assert moment == t[3]
    assert with_exam == t[5]  # 2 of 3 right after the last answer: still at least 60% when the exam was passed


def test_statuses_cover_many_learners_and_assignments_in_three_queries(bank, django_assert_num_queries):
    membership = MembershipFactory()
    others = [MembershipFactory(cohort=membership.cohort) for _ in range(4)]
    assignments = [
        AssignmentFactory(cohort=membership.cohort, module_slugs=["risks"]),
        AssignmentFactory(cohort=membership.cohort, module_slugs=["history"], exam_pass_mark=50),
    ]
    learner_ids = [membership.learner_id, *[m.learner_id for m in others]]
    snapshot = catalog()

    with django_assert_num_queries(3):
        statuses = assignment_statuses(assignments=assignments, learner_ids=learner_ids, snapshot=snapshot, now=NOW)

    assert len(statuses) == 10


def test_a_learners_assignments_are_listed_and_none_are_looked_for_when_no_module_is_required(
    assignment, membership, django_assert_num_queries
):
    from tutor.cohorts.selectors import learner_assignments

    learner = type(membership.learner).objects.get(pk=membership.learner_id)  # as a request loads it
    listed = learner_assignments(learner=learner, snapshot=catalog(), now=NOW)
    assert [s.assignment.pk for s in listed] == [assignment.pk]

    outsider = MembershipFactory().learner  # in a cohort with nothing assigned
    with django_assert_num_queries(0):
        assert learner_assignments(learner=outsider, snapshot=catalog(), now=NOW) == []
