"""Practice tests keep their rules where answers are written: tokens answer only their item, nothing counts after
the end, a withdrawn question never blocks a test, and looking at a test changes nothing."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import QuestionFactory, UserFactory, fixed_clock
from tutor.catalog.models import Question
from tutor.catalog.snapshot import catalog, forget_catalog
from tutor.study import services
from tutor.study.attempts import issue_attempt
from tutor.study.models import PracticeItem, PracticeTest, ReviewLog

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def new_test(learner, questions, *, mode="tutor", minutes=None, now=START):
    return services.start_practice_test(
        learner=learner,
        question_ids=[q.pk for q in questions],
        mode=mode,
        pool="all",
        module_slugs=[],
        title="Test",
        time_limit_minutes=minutes,
        now=now,
        shuffle=False,
    )


def answer_item(learner, item, *, at, attempt=None):
    return services.record_answer(
        learner=learner,
        question=catalog().questions[item.question_id],
        answer={"choice": "b"},
        attempt=attempt or f"item-{item.pk}",
        practice_item=item,
        clock=fixed_clock(at),
    )


def test_a_practice_token_is_refused_by_daily_study(logged_in, learner, make_question):
    question = make_question("single")
    test = new_test(learner, [question])
    item = test.items.get()
    token = issue_attempt(learner_id=learner.pk, question_id=question.pk, practice_item_id=item.pk)

    at_study = logged_in.post(reverse("study:study_answer"), {"attempt": token, "choice": "b"})
    at_test = logged_in.post(reverse("study:practice_answer", args=[test.pk]), {"attempt": token, "choice": "b"})

    assert at_study.status_code == 400
    assert "belongs to a practice test" in at_study.content.decode()
    assert at_test.status_code == 302  # the same token still answers its own item, once
    item.refresh_from_db()
    assert item.review_log is not None and item.review_log.context == "practice"
    assert ReviewLog.objects.count() == 1


def test_a_daily_study_token_is_refused_by_a_test(logged_in, learner, make_question):
    question = make_question("single")
    test = new_test(learner, [question])
    token = issue_attempt(learner_id=learner.pk, question_id=question.pk)

    response = logged_in.post(reverse("study:practice_answer", args=[test.pk]), {"attempt": token, "choice": "b"})

    assert response.status_code == 400
    assert not ReviewLog.objects.exists()


def test_no_answer_counts_after_the_test_was_finished(learner, make_question):
    questions = [make_question("single") for _ in range(2)]
    test = new_test(learner, questions, mode="exam")
    first, second = test.items.order_by("position")
    answer_item(learner, first, at=START + dt.timedelta(minutes=1))
    services.finish_practice_test(learner=learner, test_id=test.pk, clock=fixed_clock(START + dt.timedelta(minutes=2)))

    with pytest.raises(services.TestEnded):
        answer_item(learner, second, at=START + dt.timedelta(minutes=3))

    assert ReviewLog.objects.count() == 1
    second.refresh_from_db()
    assert second.review_log is None


def test_no_answer_counts_after_the_time_limit_even_if_nobody_looked(learner, make_question):
    test = new_test(learner, [make_question("single")], mode="exam", minutes=10)

    with pytest.raises(services.TestEnded, match="Time is up"):
        answer_item(learner, test.items.get(), at=START + dt.timedelta(minutes=10, seconds=1))

    test.refresh_from_db()
    assert test.finished_at is None and test.ended_at(START + dt.timedelta(minutes=11)) == test.deadline


def test_the_last_answer_ends_the_test_at_its_own_time(learner, make_question):
    test = new_test(learner, [make_question("single")], mode="exam")
    at = START + dt.timedelta(minutes=4)

    answer_item(learner, test.items.get(), at=at)

    test.refresh_from_db()
    assert test.finished_at == at


def test_a_double_submit_of_the_last_answer_is_a_replay_not_an_error(learner, make_question):
    test = new_test(learner, [make_question("single")], mode="exam")
    item = test.items.get()
    first = answer_item(learner, item, at=START + dt.timedelta(minutes=1), attempt="same")

    again = answer_item(learner, item, at=START + dt.timedelta(minutes=1), attempt="same")

    assert again.replayed and again.log.pk == first.log.pk


def test_a_withdrawn_question_does_not_block_a_tutor_test(logged_in, learner, make_question):
    kept, withdrawn = make_question("single"), make_question("single")
    test = new_test(learner, [kept, withdrawn])
    Question.objects.filter(pk=withdrawn.pk).update(retired=True)
    forget_catalog()
    page = logged_in.get(test.get_absolute_url())
    assert page.context["item"].question_id == kept.pk

    logged_in.post(
        reverse("study:practice_answer", args=[test.pk]),
        {"attempt": page.context["form"].initial["attempt"], "choice": "b"},
    )

    test.refresh_from_db()
    assert test.finished_at is not None  # nothing answerable is left
    assert logged_in.get(test.get_absolute_url()).url == reverse("study:practice_review", args=[test.pk])


def test_looking_at_a_test_whose_time_ran_out_writes_nothing(logged_in, learner, make_question):
    test = new_test(
        learner, [make_question("single")], mode="exam", minutes=1, now=timezone.now() - dt.timedelta(hours=1)
    )

    with CaptureQueriesContext(connection) as looked:
        redirect = logged_in.get(test.get_absolute_url())
        results = logged_in.get(reverse("study:practice_review", args=[test.pk]))

    assert redirect.url == reverse("study:practice_review", args=[test.pk]) and results.status_code == 200
    writes = [q["sql"] for q in looked.captured_queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert [w for w in writes if "django_session" not in w] == []
    test.refresh_from_db()
    assert test.finished_at is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_finish_and_answer_at_once_never_record_an_answer_after_the_end(monkeypatch):
    """'Finish' and an answer posted together: whichever takes the test's lock first wins, and no answer is ever
    recorded after the moment the test ended."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL")
    learner = UserFactory()
    questions = [QuestionFactory() for _ in range(2)]
    errors: list[BaseException] = []
    for _ in range(6):
        test = new_test(learner, questions, mode="exam", now=timezone.now())
        item = test.items.order_by("position").first()

        def answer(item=item):
            try:
                services.record_answer(
                    learner=learner,
                    question=catalog().questions[item.question_id],
                    answer={"choice": "a"},
                    attempt=f"race-{item.pk}",
                    practice_item=item,
                )
            except services.TestEnded:
                pass
            except BaseException as error:  # reported below
                errors.append(error)
            finally:
                connections.close_all()

        def finish(test=test):
            try:
                services.finish_practice_test(learner=learner, test_id=test.pk)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=answer), threading.Thread(target=finish)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert not errors
        test.refresh_from_db()
        item = PracticeItem.objects.select_related("review_log").get(pk=item.pk)
        assert test.finished_at is not None
        if item.review_log is not None:
            assert item.review_log.reviewed_at <= test.finished_at
    assert PracticeTest.objects.count() == 6
