"""Every htmx endpoint of study and practice answers a fragment when htmx swaps a fragment, a whole page when htmx
loads a whole page (an HX-Location navigation, a history restore), and a redirect as a whole-page navigation: never
a page swapped into a fragment. Feedback has an address of its own that renders it again as a page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tutor.study.models import PracticeTest, ReviewLog

pytestmark = pytest.mark.django_db


def attempt_on(response) -> str:
    """The one-time attempt token of the question form a page shows, as a browser would submit it."""
    return re.search(r'name="attempt" value="([^"]+)"', response.content.decode()).group(1)


CARD_SWAP = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "card"}
# HX-Location and Back/Forward without a cached page: htmx GETs with no target of its own and swaps the body.
LOCATION_LOAD = {"HTTP_HX_REQUEST": "true"}
HISTORY_RESTORE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}


def templates_of(response) -> list[str]:
    return [t.name for t in response.templates]


def is_page(response) -> bool:
    return "base.html" in templates_of(response)


def start_test(client, mode: str, count: int = 1) -> PracticeTest:
    client.post(reverse("study:practice"), {"pool": "all", "count": str(count), "mode": mode})
    return PracticeTest.objects.latest("pk")


def answer_item(client, test, choice: str = "b", **headers):
    token = attempt_on(client.get(test.get_absolute_url()))
    return client.post(
        reverse("study:practice_answer", args=[test.pk]), {"attempt": token, "choice": choice}, **headers
    )


@pytest.mark.parametrize("headers", [{}, LOCATION_LOAD, HISTORY_RESTORE], ids=["plain", "hx-location", "restore"])
def test_the_study_page_is_a_whole_page_unless_htmx_swaps_the_card(logged_in, make_question, headers):
    make_question()
    assert is_page(logged_in.get(reverse("study:study"), **headers))
    card = logged_in.get(reverse("study:study"), **CARD_SWAP)
    assert not is_page(card)
    assert 'id="card"' in card.content.decode()


def test_an_htmx_answer_pushes_the_feedback_address_which_renders_the_feedback_page(logged_in, make_question):
    make_question()
    token = attempt_on(logged_in.get(reverse("study:study")))
    response = logged_in.post(reverse("study:study_answer"), {"attempt": token, "choice": "b"}, **CARD_SWAP)
    log = ReviewLog.objects.get()
    feedback_url = reverse("study:study_feedback", args=[log.pk])

    assert not is_page(response)
    assert response["HX-Push-Url"] == feedback_url
    # Refresh, Forward, or Back onto that address: the feedback again, as a whole page, with no question form.
    for headers in ({}, HISTORY_RESTORE):
        page = logged_in.get(feedback_url, **headers)
        assert is_page(page)
        assert "Why b is right." in page.content.decode()
        assert "data-question-form" not in page.content.decode()


def test_the_next_question_link_puts_study_back_in_the_history_and_no_page_is_cached(logged_in, make_question):
    make_question()
    token = attempt_on(logged_in.get(reverse("study:study")))
    card = logged_in.post(
        reverse("study:study_answer"), {"attempt": token, "choice": "b"}, **CARD_SWAP
    ).content.decode()
    assert 'hx-push-url="true"' in card
    # No snapshot of the card is kept by htmx, so Back and Forward always ask the server (never an old form).
    assert 'hx-history="false"' in card


def test_submitting_an_answered_question_again_says_so(logged_in, make_question):
    make_question()
    token = attempt_on(logged_in.get(reverse("study:study")))
    logged_in.post(reverse("study:study_answer"), {"attempt": token, "choice": "b"}, **CARD_SWAP)

    again = logged_in.post(
        reverse("study:study_answer"), {"attempt": token, "choice": "a"}, **CARD_SWAP
    ).content.decode()
    assert "You had already answered this question" in again
    assert ReviewLog.objects.count() == 1
    plain = logged_in.post(reverse("study:study_answer"), {"attempt": token, "choice": "a"}, follow=True)
    assert "You had already answered this question" in plain.content.decode()


def test_an_exam_answer_navigates_the_whole_page_to_the_next_question(logged_in, make_question):
    for _ in range(2):
        make_question()
    test = start_test(logged_in, "exam", count=2)

    response = answer_item(logged_in, test, **CARD_SWAP)

    assert response.status_code == 204
    assert response["HX-Location"] == test.get_absolute_url()
    # ... and what htmx then loads into the body is the whole page, with the site's header and footer.
    page = logged_in.get(test.get_absolute_url(), **LOCATION_LOAD)
    assert is_page(page)
    assert page.context["item"].position == 2
    assert answer_item(logged_in, test).status_code == 302  # without JavaScript, a plain redirect


def test_the_results_link_of_a_finished_tutor_test_navigates_instead_of_nesting_the_results(logged_in, make_question):
    make_question()
    test = start_test(logged_in, "tutor")
    answer_item(logged_in, test, **CARD_SWAP)

    response = logged_in.get(test.get_absolute_url(), **CARD_SWAP)

    results = reverse("study:practice_review", args=[test.pk])
    assert response.status_code == 204
    assert response["HX-Location"] == results
    assert is_page(logged_in.get(results, **LOCATION_LOAD))
    assert logged_in.get(test.get_absolute_url()).url == results  # without JavaScript, a plain redirect


def test_a_tutor_practice_answer_pushes_the_items_address(logged_in, make_question):
    make_question()
    test = start_test(logged_in, "tutor")
    response = answer_item(logged_in, test, **CARD_SWAP)
    item_url = reverse("study:practice_item", args=[test.pk, 1])

    assert not is_page(response)
    assert response["HX-Push-Url"] == item_url
    assert is_page(logged_in.get(item_url))
    assert is_page(logged_in.get(item_url, **HISTORY_RESTORE))
    assert not is_page(logged_in.get(item_url, **CARD_SWAP))


def test_practise_these_redirects_to_the_test_as_a_whole_page(logged_in, learner, make_question):
    question = make_question()
    token = attempt_on(logged_in.get(reverse("study:study")))
    logged_in.post(reverse("study:study_answer"), {"attempt": token, "choice": "a"})
    assert question.pk in [card.question_id for card in learner.cards.all()]

    plain = logged_in.post(reverse("study:practise_missed"), {"module": "", "status": ""})
    test = PracticeTest.objects.get()
    assert plain.url == test.get_absolute_url()
    htmx = logged_in.post(reverse("study:practise_missed"), {"module": "", "status": ""}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 204
    assert htmx["HX-Location"] == PracticeTest.objects.latest("pk").get_absolute_url()


def test_change_rating_and_flag_answer_fragments_to_htmx_and_pages_without_it(logged_in, make_question):
    question = make_question()
    token = attempt_on(logged_in.get(reverse("study:study")))
    logged_in.post(reverse("study:study_answer"), {"attempt": token, "choice": "b"})
    log = ReviewLog.objects.get()
    rate_url = reverse("study:change_rating", args=[log.pk])
    flag_url = reverse("study:flag_question", args=[question.qid])

    fragment = logged_in.post(rate_url, {"rating": "2"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"feedback-{log.pk}")
    assert fragment.status_code == 200 and not is_page(fragment)
    assert logged_in.post(rate_url, {"rating": "3"}).status_code == 302
    flag = logged_in.post(flag_url, {"flag": "1"}, HTTP_HX_REQUEST="true")
    assert flag.status_code == 200 and not is_page(flag)
    assert logged_in.post(flag_url, {"flag": "0"}).status_code == 302


def test_an_expired_session_sends_htmx_to_the_login_page_as_a_whole_page(client, make_question):
    response = client.post(reverse("study:study_answer"), {"attempt": "x"}, **CARD_SWAP)
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_a_missing_page_loaded_by_htmx_as_a_whole_page_is_the_whole_error_page(logged_in):
    missing = reverse("study:practice_review", args=[999999])
    assert is_page_html(logged_in.get(missing, **LOCATION_LOAD))
    assert is_page_html(logged_in.get(missing, **HISTORY_RESTORE))
    assert not is_page_html(logged_in.get(missing, **CARD_SWAP))


def is_page_html(response) -> bool:
    """Error pages are rendered without the template test signals: read the markup's landmarks."""
    assert response.status_code == 404
    return "<main" in response.content.decode()
