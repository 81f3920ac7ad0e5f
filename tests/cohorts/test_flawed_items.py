"""A flagged item leaves learners' figures as if it were not there, is not scheduled as new, and comes back when an
editor clears it. Flags are raised by `flag_flawed_items`, never by a page view."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.cohorts.factories import AssignmentFactory, MembershipFactory, bulk_answers
from tests.factories import ModuleFactory, QuestionFactory, SectionFactory, UserFactory
from tutor.catalog.models import ItemReview, ItemReviewReason
from tutor.catalog.services import clear_item_review, send_item_to_review
from tutor.catalog.snapshot import catalog
from tutor.cohorts.completion import AssignmentStatus
from tutor.cohorts.selectors import assignment_statuses, cohort_standings, finished_exams
from tutor.progress.selectors import module_progress
from tutor.study.flawed_items import REPORT_THRESHOLD, find_flawed_items, is_mass_lapse, is_weakly_discriminating
from tutor.study.models import PracticeItem, PracticeMode, PracticeTest, ProblemReport, ReviewLog
from tutor.study.selectors import study_queue

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def setup():
    module = ModuleFactory(slug="risks")
    section = SectionFactory(module=module)
    questions = [QuestionFactory(section=section, order=n) for n in range(5)]
    learner = UserFactory()
    # Right on four, wrong on the last: 80% right.
    bulk_answers([(learner.pk, q.pk, n < 4, NOW - dt.timedelta(hours=5 - n)) for n, q in enumerate(questions)])
    return module, questions, learner


def flag(question, callbacks, reasons=(ItemReviewReason.REPORTS,)) -> ItemReview:
    with callbacks(execute=True):
        review, _ = send_item_to_review(question=question, reasons=list(reasons), statistics={"open_reports": 3},
                                        now=NOW)  # fmt: skip
    return review


def progress_of(learner, module):
    return module_progress(learner_ids=[learner.pk], snapshot=catalog(), now=NOW, today_ends=NOW)[learner.pk][module.pk]


def test_a_flagged_item_leaves_accuracy_and_mastery_as_if_it_were_not_there(setup, django_capture_on_commit_callbacks):
    module, questions, learner = setup
    before = progress_of(learner, module)
    assert (before.seen, before.right_latest, before.question_total) == (5, 4, 5)

    review = flag(questions[4], django_capture_on_commit_callbacks)

    after = progress_of(learner, module)
    assert (after.seen, after.right_latest, after.question_total, after.accuracy) == (4, 4, 4, 1.0)

    editor = UserFactory(is_staff=True, is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        clear_item_review(editor=editor, review=review, now=NOW)

    back = progress_of(learner, module)
    assert (back.seen, back.right_latest, back.question_total) == (5, 4, 5)


def test_an_assignment_status_is_as_if_the_item_were_not_there(setup, django_capture_on_commit_callbacks):
    _, questions, learner = setup
    assignment = AssignmentFactory(module_slugs=["risks"], target_accuracy=100)
    MembershipFactory(cohort=assignment.cohort, learner=learner)

    def status() -> str:
        key = (assignment.pk, learner.pk)
        statuses = assignment_statuses(assignments=[assignment], learner_ids=[learner.pk], snapshot=catalog(), now=NOW)
        # The cohort dashboard's standing, read for the whole cohort, leaves the item out too.
        standing = cohort_standings(
            cohort_id=assignment.cohort_id,
            assignments=[assignment],
            learner_ids=[learner.pk],
            snapshot=catalog(),
            now=NOW,
        )[key]
        assert (standing.status, standing.answered, standing.question_total) == (
            statuses[key].status,
            statuses[key].answered,
            statuses[key].question_total,
        )
        return statuses[key].status

    assert status() == AssignmentStatus.IN_PROGRESS  # 80% right, 100% needed
    flag(questions[4], django_capture_on_commit_callbacks)
    assert status() == AssignmentStatus.COMPLETE


def test_exam_scores_leave_out_the_item(setup, django_capture_on_commit_callbacks):
    _, questions, learner = setup
    test = PracticeTest.objects.create(learner=learner, mode=PracticeMode.EXAM, pool="all", title="Exam",
                                       created_at=NOW - dt.timedelta(hours=1), finished_at=NOW)  # fmt: skip
    logs = {log.question_id: log for log in ReviewLog.objects.filter(learner=learner)}
    for position, question in enumerate(questions, start=1):
        PracticeItem.objects.create(test=test, question=question, position=position, review_log=logs[question.pk])

    def score() -> tuple[int, int]:
        exam = finished_exams(learner_ids=[learner.pk], since=NOW - dt.timedelta(days=1), now=NOW,
                              excluded_ids=catalog().under_review_ids)[learner.pk][0]  # fmt: skip
        return exam.right, exam.items

    assert score() == (4, 5)
    flag(questions[4], django_capture_on_commit_callbacks)
    assert score() == (4, 4)


def test_practice_review_says_which_item_was_not_counted_and_why(client, setup, django_capture_on_commit_callbacks):
    _, questions, learner = setup
    test = PracticeTest.objects.create(learner=learner, mode=PracticeMode.EXAM, pool="all", title="Exam",
                                       created_at=NOW - dt.timedelta(hours=1), finished_at=NOW)  # fmt: skip
    logs = {log.question_id: log for log in ReviewLog.objects.filter(learner=learner)}
    for position, question in enumerate(questions, start=1):
        PracticeItem.objects.create(test=test, question=question, position=position, review_log=logs[question.pk])
    flag(questions[4], django_capture_on_commit_callbacks)
    client.force_login(learner)

    html = client.get(reverse("study:practice_review", args=[test.pk])).content.decode()

    assert "<strong>4 of 4</strong> right" in html
    assert f"Not counted in this score, while editors review it: {questions[4].qid} (Problem reports)" in html


def test_an_item_under_review_is_not_scheduled_as_new(django_capture_on_commit_callbacks):
    section = SectionFactory()
    first, second = QuestionFactory(section=section, order=1), QuestionFactory(section=section, order=2)
    learner = UserFactory(new_per_day=10)
    assert study_queue(learner=learner, snapshot=catalog(), now=NOW).new_question_ids == (first.pk, second.pk)

    flag(first, django_capture_on_commit_callbacks)

    assert study_queue(learner=learner, snapshot=catalog(), now=NOW).new_question_ids == (second.pk,)


def test_problem_reports_above_the_threshold_raise_a_review_by_command_not_by_a_page(
    client, django_capture_on_commit_callbacks
):
    question = QuestionFactory()
    learner = UserFactory()
    for n in range(REPORT_THRESHOLD):
        ProblemReport.objects.create(learner=learner, question=question, question_revision=1, text=f"Wrong key {n}")
    client.force_login(learner)
    client.get(reverse("cohorts:progress_dashboard"))
    assert not ItemReview.objects.exists()

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("flag_flawed_items", stdout=out)

    review = ItemReview.objects.get()
    assert (review.question, review.reasons, review.statistics) == (question, ["reports"], {"open_reports": 3})
    assert "1 new, 1 flagged" in out.getvalue()
    assert catalog().questions[question.pk].under_review == "Problem reports"

    call_command("flag_flawed_items", stdout=io.StringIO())
    assert ItemReview.objects.count() == 1  # one open review per item


def test_once_cleared_old_reports_do_not_raise_it_again(django_capture_on_commit_callbacks):
    question = QuestionFactory()
    for n in range(REPORT_THRESHOLD):
        ProblemReport.objects.create(learner=UserFactory(), question=question, question_revision=1, text=f"Report {n}")
    review = flag(question, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        clear_item_review(editor=UserFactory(is_staff=True, is_superuser=True), review=review, now=timezone.now())

    assert find_flawed_items(snapshot=catalog(), now=timezone.now()) == []


def test_only_editors_clear_a_review(django_capture_on_commit_callbacks):
    review = flag(QuestionFactory(), django_capture_on_commit_callbacks)

    with pytest.raises(Exception, match="Only content editors"):
        clear_item_review(editor=UserFactory(), review=review, now=NOW)


def test_editors_clear_a_review_in_the_admin(client, django_capture_on_commit_callbacks):
    question = QuestionFactory()
    review = flag(question, django_capture_on_commit_callbacks)
    ProblemReport.objects.create(
        learner=UserFactory(), question=question, question_revision=1, text="The key looks wrong."
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get(reverse("admin:catalog_itemreview_change", args=[review.pk])).content.decode()
    assert "The key looks wrong." in page and "open_reports" in page
    assert "Problem reports" in client.get(reverse("admin:catalog_itemreview_changelist")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:catalog_itemreview_changelist"),
            {"action": "clear_reviews", "_selected_action": [review.pk]},
        )

    review.refresh_from_db()
    assert review.cleared_at is not None
    assert catalog().questions[question.pk].under_review == ""


@pytest.mark.parametrize(
    ("attempts", "value", "flagged"), [(10, 0.2, True), (10, 0.21, False), (9, 0.0, False), (30, None, False)]
)
def test_weak_discrimination_needs_enough_attempts(attempts, value, flagged):
    assert is_weakly_discriminating(attempts=attempts, discrimination=value) is flagged


@pytest.mark.parametrize(("learners", "failed", "flagged"), [(5, 3, True), (6, 3, False), (4, 4, False)])
def test_a_mass_lapse_is_most_mature_learners_failing(learners, failed, flagged):
    assert is_mass_lapse(mature_learners=learners, failed=failed) is flagged


@pytest.mark.parametrize("learners", [2, 12])
def test_progress_page_queries_stay_constant_with_items_under_review(
    client, django_assert_num_queries, django_capture_on_commit_callbacks, learners
):
    section = SectionFactory()
    questions = [QuestionFactory(section=section) for _ in range(4)]
    users = [UserFactory() for _ in range(learners)]
    bulk_answers([(u.pk, q.pk, True, NOW) for u in users for q in questions])
    flag(questions[0], django_capture_on_commit_callbacks)
    client.force_login(users[0])
    client.get(reverse("cohorts:progress_dashboard"))

    # the learner, their cards, recent study days, study-day totals, misconceptions (no assignments: none required)
    with django_assert_num_queries(5):
        response = client.get(reverse("cohorts:progress_dashboard"))
    assert "Questions not counted for now" in response.content.decode()
