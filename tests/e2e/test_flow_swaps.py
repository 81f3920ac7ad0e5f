"""Every htmx swap in study and practice leaves one page: one header, one main, one footer, on a phone and a
laptop. Feedback has its own address (Back stays in Study, Forward and Refresh show the feedback); peers' choices
show after an answer; a tutor test's results and an exam's next question load as whole pages; a problem report
counts its characters and says when it is too long."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_study_journey import bank  # noqa: F401  (two modules of five questions, b right in each)
from tests.factories import UserFactory
from tutor.accounts.services import create_account
from tutor.catalog.models import Question
from tutor.catalog.snapshot import catalog, forget_catalog
from tutor.study import services

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long and unusual passphrase"


@pytest.fixture
def peers(bank):  # noqa: F811  (the fixture imported above)
    """Nine other learners have answered the first question (six b, two a, one c): a tenth answer shows shares."""
    first = catalog().questions[Question.objects.get(stem="Mechanisms of action: question 1?").pk]
    for choice in "bbbbbbaac":
        other = UserFactory()
        services.record_answer(learner=other, question=first, answer={"choice": choice}, attempt=f"peer-{other.pk}")
    forget_catalog()


@pytest.fixture
def trainee(log_in):
    create_account(username="trainee", password=PASSWORD)
    return lambda page: log_in(page, "trainee")


def assert_one_page(page) -> None:
    """Exactly one site header, one main and one footer: no page nested in a fragment, none lost to a swap."""
    assert page.get_by_role("banner").count() == 1
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("contentinfo").count() == 1
    assert page.locator(".skip-link").count() == 1


def answer(page, option: str) -> None:
    page.locator("#card[data-ready] [data-question-form]").wait_for()
    page.get_by_label(option).check()
    page.get_by_role("button", name="Check answer").click()
    page.locator("#card[data-ready] .feedback").wait_for()


def test_study_feedback_swaps_history_and_peer_shares(
    live_server, peers, page, check_accessibility, screenshot, trainee
):
    trainee(page)
    page.goto(f"{live_server.url}/study/")
    check_accessibility(page)

    answer(page, "Answer B to question 1")
    assert_one_page(page)
    assert re.search(r"/study/answers/\d+/$", page.url)
    feedback_url = page.url
    shares = page.get_by_role("list", name="How other learners answered")
    assert "Share of 10 learners" in page.locator(".peer-shares").inner_text()
    assert "70%" in shares.get_by_role("listitem").filter(has_text="Answer B").inner_text()  # six others and you
    assert "20%" in shares.get_by_role("listitem").filter(has_text="Answer A").inner_text()
    check_accessibility(page)
    screenshot(page, "flow-feedback-peers")

    page.get_by_role("button", name=re.compile("Easy")).click()  # change rating: the feedback swaps itself
    page.locator('.rating-buttons [aria-pressed="true"]', has_text="Easy").wait_for()
    assert_one_page(page)
    page.get_by_role("button", name="Flag for practice").click()
    page.get_by_role("button", name=re.compile("Flagged for practice")).wait_for()
    assert_one_page(page)
    check_accessibility(page)

    page.reload()  # Refresh keeps the feedback
    assert page.locator(".feedback").is_visible()
    assert_one_page(page)

    page.get_by_role("link", name=re.compile("Next question")).click()
    page.wait_for_url(re.compile(r"/study/$"))
    page.locator("#card [data-question-form]").wait_for()
    assert page.locator(".stem").inner_text() != "Mechanisms of action: question 1?"
    assert_one_page(page)

    page.go_back()  # Back: the earlier feedback, still in Study
    page.wait_for_url(feedback_url)
    page.locator(".feedback").wait_for()
    assert page.locator("[data-question-form]").count() == 0
    assert_one_page(page)
    page.go_back()  # Back again: Study, with the question that is due now (never the answered one's old form)
    page.wait_for_url(re.compile(r"/study/$"))
    page.locator("#card [data-question-form]").wait_for()
    assert page.locator(".stem").inner_text() != "Mechanisms of action: question 1?"
    assert_one_page(page)
    check_accessibility(page)
    page.go_forward()  # Forward: the feedback page itself, with nothing to submit
    page.wait_for_url(feedback_url)
    page.locator(".feedback").wait_for()
    assert page.locator("[data-question-form]").count() == 0
    assert_one_page(page)


def test_a_problem_report_counts_characters_and_keeps_a_long_text(
    live_server, peers, page, check_accessibility, screenshot, trainee
):
    trainee(page)
    page.goto(f"{live_server.url}/study/")
    answer(page, "Answer A to question 1")
    page.get_by_role("link", name="Report a problem with this question").click()
    box = page.get_by_label("What is wrong with this question?")
    box.fill("Option A and option B are both defensible.")
    assert "42 of 4,000 characters" in page.locator(".char-count").inner_text()
    check_accessibility(page)
    screenshot(page, "flow-report-counter")

    box.fill("x" * 4010)
    assert "10 characters over the limit" in page.locator(".char-count").inner_text()
    page.get_by_role("button", name="Send the report").click()
    assert "this one has 4010" in page.locator(".errorlist").inner_text()
    assert len(box.input_value()) == 4010  # nothing cut
    assert_one_page(page)
    check_accessibility(page)
    screenshot(page, "flow-report-too-long")


def test_practise_these_then_results_load_as_one_page(
    live_server, peers, page, check_accessibility, screenshot, trainee, open_menu
):
    trainee(page)
    page.goto(f"{live_server.url}/study/")
    answer(page, "Answer A to question 1")
    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Missed").click()
    page.get_by_role("button", name=re.compile("Practise this question now")).click()
    page.wait_for_url(re.compile(r"/practice/\d+/$"))
    check_accessibility(page)

    answer(page, "Answer B to question 1")  # practice answer: tutor feedback swapped into the card
    assert re.search(r"/practice/\d+/questions/1/$", page.url)
    assert_one_page(page)
    check_accessibility(page)

    page.get_by_role("link", name=re.compile("See your results")).click()
    page.wait_for_url(re.compile(r"/practice/\d+/results/$"))
    page.locator(".score-line").wait_for()
    assert_one_page(page)
    check_accessibility(page)
    screenshot(page, "flow-practise-these-results")
    page.go_back()  # the answered item, as its own page
    page.wait_for_url(re.compile(r"/practice/\d+/questions/1/$"))
    # The results page shows feedback too: wait until it has gone and the item's page has loaded, so that no request
    # is still on its way when the test ends.
    page.locator(".score-line").wait_for(state="detached")
    page.locator(".feedback").wait_for()
    page.wait_for_load_state("networkidle")
    assert_one_page(page)


def test_exam_mode_keeps_the_page_after_each_answer(live_server, peers, page, check_accessibility, screenshot, trainee):
    trainee(page)
    page.goto(f"{live_server.url}/practice/")
    page.get_by_label("Exam: feedback at the end").check()
    page.get_by_label(re.compile("How many questions")).fill("2")
    page.get_by_role("button", name="Start the test").click()

    page.locator("#card [data-question-form]").wait_for()
    page.locator("[data-question-form] input[type=radio]").first.check()
    page.get_by_role("button", name="Check answer").click()
    page.get_by_text("Question 2 of 2").wait_for()
    assert_one_page(page)
    # The site's header (its menu closed on a phone) and its one main navigation are still there.
    assert page.locator(".site-header").is_visible()
    assert page.locator("nav.site-nav").count() == 1
    check_accessibility(page)
    screenshot(page, "flow-exam-after-answer")

    page.locator("[data-question-form] input[type=radio]").first.check()
    page.get_by_role("button", name="Check answer").click()
    page.wait_for_url(re.compile(r"/practice/\d+/results/$"))
    page.locator(".score-line").wait_for()
    assert_one_page(page)
    check_accessibility(page)


def test_an_expired_session_answers_with_the_whole_log_in_page(live_server, peers, page, check_accessibility, trainee):
    trainee(page)
    page.goto(f"{live_server.url}/study/")
    page.locator("#card[data-ready] [data-question-form]").wait_for()
    page.context.clear_cookies(name="sessionid")  # the session ends; the CSRF cookie stays
    page.get_by_label("Answer B to question 1").check()
    page.get_by_role("button", name="Check answer").click()
    page.wait_for_url(re.compile(r"/account/log-in/"))
    page.get_by_role("button", name="Log in").wait_for()
    assert_one_page(page)
    check_accessibility(page)
