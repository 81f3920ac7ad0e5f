"""After an answer, the share of learners who chose each option on their first attempt, once ten have answered."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tutor.catalog.snapshot import catalog
from tutor.study import selectors, services
from tutor.study.models import ReviewLog
from tutor.study.peer_shares import shares_of_first_answers

pytestmark = pytest.mark.django_db


def attempt_on(response) -> str:
    """The one-time attempt token of the question form a page shows, as a browser would submit it."""
    return re.search(r'name="attempt" value="([^"]+)"', response.content.decode()).group(1)


def first_answers(question, choices: str) -> None:
    """One new learner per letter, each answering the question for the first time with that option."""
    view = catalog().questions[question.pk]
    for choice in choices:
        learner = UserFactory()
        services.record_answer(learner=learner, question=view, answer={"choice": choice}, attempt=f"peer-{learner.pk}")


def feedback_page(client, question, choice: str = "b") -> str:
    token = attempt_on(client.get(reverse("study:study")))
    response = client.post(reverse("study:study_answer"), {"attempt": token, "choice": choice}, follow=True)
    return response.content.decode()


def test_shares_are_whole_percentages_of_first_answers():
    shares = shares_of_first_answers([({"choice": "a"}, 1), ({"choice": "b"}, 2)], "abcd")
    assert shares.learners == 3
    assert shares.percent == {"a": 33, "b": 67, "c": 0, "d": 0}


def test_a_multiple_response_option_counts_every_learner_who_ticked_it():
    shares = shares_of_first_answers([({"choices": ["a", "c"]}, 3), ({"choices": ["a"]}, 1)], "abcd")
    assert shares.percent == {"a": 100, "b": 0, "c": 75, "d": 0}


def test_no_shares_until_ten_learners_have_answered(logged_in, make_question):
    question = make_question()
    first_answers(question, "bbbbaaac")  # eight learners, and this one makes nine

    page = feedback_page(logged_in, question)

    assert "How other learners answered" not in page


def test_shares_per_option_once_ten_learners_have_answered(logged_in, make_question):
    question = make_question()
    first_answers(question, "bbbbbaaac")  # nine, and this learner's b makes ten: six chose b, three a, one c

    page = feedback_page(logged_in, question, "b")

    assert "How other learners answered" in page
    assert "Share of 10 learners" in page
    for percent in ("60%", "30%", "10%", "0%"):
        assert f"<strong>{percent}</strong>" in page


def test_only_first_attempts_count(learner, make_question):
    question = make_question()
    first_answers(question, "aaaaaaaaaa")
    view = catalog().questions[question.pk]
    for n in range(3):  # the same learner again and again: not first attempts
        services.record_answer(learner=learner, question=view, answer={"choice": "b"}, attempt=f"again-{n}")
    services.record_answer(learner=learner, question=view, answer={"choice": "b"}, attempt="again-late")

    shares = selectors.peer_shares(view)

    assert shares.learners == 11
    assert shares.percent["a"] == 91 and shares.percent["b"] == 9


def test_shares_are_a_cache_read_after_the_first_computation(make_question, django_assert_num_queries):
    question = make_question()
    first_answers(question, "bbbbbbbbbb")
    view = catalog().questions[question.pk]
    with django_assert_num_queries(1):  # one grouped query
        selectors.peer_shares(view)
    first_answers(question, "a")  # an eleventh learner: counted once the cached shares expire
    with django_assert_num_queries(0):
        assert selectors.peer_shares(view).learners == 10
    assert ReviewLog.objects.count() == 11


def test_questions_without_options_to_choose_have_no_shares(make_question, django_assert_num_queries):
    question = make_question("ordering")
    view = catalog().questions[question.pk]
    with django_assert_num_queries(0):
        assert selectors.peer_shares(view) is None
