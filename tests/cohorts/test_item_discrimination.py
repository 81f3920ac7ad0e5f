"""Each assignment's discrimination indices are counted away from the item analysis page: whatever changes them
marks the count behind and arranges a new one (at once without a task worker; one queued task with one), and the
page reads the stored values without touching a learner's log."""

from __future__ import annotations

import datetime as dt
import io
import math
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.cohorts.conftest import NOW
from tests.cohorts.factories import AssignmentFactory, CohortFactory, MembershipFactory
from tests.factories import EducatorFactory, UserFactory
from tutor.catalog.signals import question_bank_changed
from tutor.catalog.snapshot import catalog
from tutor.cohorts.item_discrimination import count_discrimination, counted_discrimination
from tutor.cohorts.models import DiscriminationCount, ItemDiscrimination
from tutor.cohorts.selectors import discrimination_by_question
from tutor.study.models import MemoryState, ReviewLog

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)
WORKER = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def educator():
    return EducatorFactory()


def stored(assignment) -> dict[int, float]:
    return dict(ItemDiscrimination.objects.filter(assignment=assignment).values_list("question_id", "value"))


def from_the_ledger(assignment) -> dict[int, float]:
    """The indices worked out afresh from the members' first attempts, as the page once did on every view."""
    question_ids = [q.id for q in assignment_question_rows(assignment)]
    rows = ReviewLog.objects.filter(
        learner__cohort_memberships__cohort=assignment.cohort,
        question_id__in=question_ids,
        state_before=MemoryState.NEW,
    ).values_list("learner_id", "question_id", "score")
    return discrimination_by_question(rows, question_ids)


def assignment_question_rows(assignment):
    return [q for q in catalog().live_questions if q.module_slug in assignment.module_slugs]


def four_learners_answer(bank, answer, cohort, *, start=NOW):
    """Four members answer History's three questions, the first two always right, so the indices are defined."""
    rows = ["aaa", "aba", "bac", "ccb"]
    learners = [MembershipFactory(cohort=cohort).learner for _ in rows]
    for learner, row in zip(learners, rows, strict=True):
        for n, (question, choice) in enumerate(zip(bank.history_questions, row, strict=True)):
            answer(learner, question, choice, start + n * HOUR)
    return learners


def test_each_first_attempt_keeps_the_stored_indices_equal_to_a_count_from_the_ledger(bank, answer):
    cohort = CohortFactory()
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["history"])

    four_learners_answer(bank, answer, cohort)

    expected = from_the_ledger(assignment)
    assert stored(assignment) == pytest.approx(expected)
    assert stored(assignment)[bank.history_questions[0].pk] == pytest.approx(1 / math.sqrt(2))
    count = DiscriminationCount.objects.get(assignment=assignment)
    assert count.counted_at is not None and not count.behind


def test_the_page_reads_the_stored_indices_and_no_learners_log(client, educator, bank, answer):
    cohort = CohortFactory(owner=educator)
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["history"])
    four_learners_answer(bank, answer, cohort)
    client.force_login(educator)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cohorts:item_analysis", args=[assignment.pk]))

    assert response.status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if "study_reviewlog" in q["sql"]]
    assert "discrimination 0.71" in response.content.decode()


def test_a_change_of_members_counts_again(bank, answer):
    cohort = CohortFactory()
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["history"])
    learners = four_learners_answer(bank, answer, cohort)
    outsider = UserFactory()
    for question, choice in zip(bank.history_questions, "aaa", strict=True):
        answer(outsider, question, choice, NOW)
    before = stored(assignment)

    MembershipFactory(cohort=cohort, learner=outsider)
    joined = stored(assignment)
    assert joined == pytest.approx(from_the_ledger(assignment))
    cohort.memberships.filter(learner=learners[0]).delete()
    left = stored(assignment)

    assert joined != before  # the newcomer's earlier answers count
    assert left == pytest.approx(from_the_ledger(assignment))
    assert DiscriminationCount.objects.get(assignment=assignment).counted_at is not None


def test_without_a_count_yet_the_page_says_so_and_shows_no_index(client, educator, bank):
    cohort = CohortFactory(owner=educator)
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["history"])
    DiscriminationCount.objects.filter(assignment=assignment).delete()
    client.force_login(educator)

    html = client.get(reverse("cohorts:item_analysis", args=[assignment.pk])).content.decode()

    assert "Discrimination has not been counted yet" in html
    assert counted_discrimination(assignment).never_counted


def test_with_a_task_worker_a_busy_cohort_queues_one_count_not_one_per_answer(
    bank, answer, settings, django_capture_on_commit_callbacks, client, educator
):
    from django_tasks_db.models import DBTaskResult

    from tutor.cohorts.item_discrimination import count_item_discrimination

    cohort = CohortFactory(owner=educator)
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["history"])
    settings.TASKS = WORKER

    with django_capture_on_commit_callbacks(execute=True):  # as each join commits
        four_learners_answer(bank, answer, cohort)  # four joins, then twelve first attempts

    queued = list(DBTaskResult.objects.all())
    assert [(q.task_path, q.args_kwargs["args"]) for q in queued] == [
        (count_item_discrimination.module_path, [assignment.pk])
    ]
    assert stored(assignment) == {}
    client.force_login(educator)
    html = client.get(reverse("cohorts:item_analysis", args=[assignment.pk])).content.decode()
    assert "newer answers are being counted" in html

    assert count_item_discrimination.call(assignment.pk) is True  # what the worker runs

    assert stored(assignment) == pytest.approx(from_the_ledger(assignment))
    assert not DiscriminationCount.objects.get(assignment=assignment).behind
    html = client.get(reverse("cohorts:item_analysis", args=[assignment.pk])).content.decode()
    assert "newer answers are being counted" not in html and "Discrimination as counted at" in html


def test_an_answer_during_a_count_marks_it_behind_again(bank, answer, settings):
    """The count marks itself current before it reads the answers: one arriving meanwhile queues the next count."""
    from django_tasks_db.models import DBTaskResult

    cohort = CohortFactory()
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["history"])
    four_learners_answer(bank, answer, cohort)
    settings.TASKS = WORKER
    real = discrimination_by_question
    newcomer = MembershipFactory(cohort=cohort).learner  # queues a count: the worker is not running here
    DBTaskResult.objects.all().delete()
    DiscriminationCount.objects.filter(assignment=assignment).update(behind=False)

    def a_first_attempt_meanwhile(rows, question_ids):
        result = real(list(rows), question_ids)
        answer(newcomer, bank.history_questions[0], "a", NOW + 9 * HOUR)
        return result

    with mock.patch("tutor.cohorts.item_discrimination.discrimination_by_question", a_first_attempt_meanwhile):
        count_discrimination(assignment_id=assignment.pk)

    assert DiscriminationCount.objects.get(assignment=assignment).behind
    queued = DBTaskResult.objects.get()  # gathering the answers of the next 30 seconds
    assert dt.timedelta(seconds=25) < queued.run_after - timezone.now() <= dt.timedelta(seconds=30)


def test_a_changed_question_bank_counts_every_assignment_again(bank, answer):
    cohort = CohortFactory()
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["history"])
    four_learners_answer(bank, answer, cohort)
    ItemDiscrimination.objects.all().delete()  # so that the recount shows

    question_bank_changed.send(sender=None)

    assert stored(assignment) == pytest.approx(from_the_ledger(assignment)) and stored(assignment)
    assert not counted_discrimination(assignment).behind


def test_a_failed_count_keeps_the_answer_and_leaves_the_count_behind(bank, answer, caplog):
    cohort = CohortFactory()
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["history"])
    learner = MembershipFactory(cohort=cohort).learner

    with mock.patch("tutor.cohorts.item_discrimination.discrimination_by_question", side_effect=RuntimeError):
        answer(learner, bank.history_questions[0], "a", timezone.now())

    assert ReviewLog.objects.filter(learner=learner).count() == 1
    assert "could not count the discrimination" in caplog.text
    count = DiscriminationCount.objects.get(assignment=assignment)
    assert count.behind and stored(assignment) == {}


def test_a_count_that_fails_in_the_worker_stays_behind(bank, answer):
    cohort = CohortFactory()
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["history"])
    four_learners_answer(bank, answer, cohort)

    with (
        mock.patch("tutor.cohorts.item_discrimination.discrimination_by_question", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        count_discrimination(assignment_id=assignment.pk)

    assert DiscriminationCount.objects.get(assignment=assignment).behind


def test_the_command_counts_assignments_never_counted(bank, answer):
    from django.core.management import call_command

    cohort = CohortFactory()
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["history"])
    four_learners_answer(bank, answer, cohort)
    DiscriminationCount.objects.all().delete()  # as after upgrading: assignments made before the count existed
    ItemDiscrimination.objects.all().delete()

    call_command("count_discrimination", stdout=io.StringIO())

    assert stored(assignment) == pytest.approx(from_the_ledger(assignment)) and stored(assignment)
