"""A new learner studies ten questions with the keyboard alone, misses one, finds it under Missed questions,
practises it and sees it scheduled."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import ModuleFactory, OptionFactory, QuestionFactory, SectionFactory
from tutor.accounts.services import create_account
from tutor.study.models import Card, RatingChange, ReviewLog

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long and unusual passphrase"


@pytest.fixture
def bank():
    """Two modules of five single-answer questions; option b (key 2) is right in each."""
    for order, title in enumerate(["Mechanisms of action", "Risks and safety"]):
        module = ModuleFactory(title=title, order=order)
        section = SectionFactory(module=module, title="Key facts", anchor="key-facts")
        for n in range(5):
            question = QuestionFactory(section=section, options=False, stem=f"{title}: question {n + 1}?", order=n)
            for position, key in enumerate("abcd"):
                OptionFactory(
                    question=question,
                    key=key,
                    position=position,
                    is_correct=key == "b",
                    text=f"Answer {key.upper()} to question {n + 1}",
                    rationale="This is the right answer." if key == "b" else "This one is a common mix-up.",
                )


@pytest.fixture
def trainee_logged_in(log_in):
    create_account(username="trainee", password=PASSWORD)
    return lambda page: log_in(page, "trainee")


def test_keyboard_study_then_missed_then_practice(
    live_server, bank, page, check_accessibility, screenshot, trainee_logged_in, open_menu
):
    trainee_logged_in(page)
    page.goto(f"{live_server.url}/study/")
    assert "10" in page.locator(".queue-counts").inner_text()
    check_accessibility(page)
    screenshot(page, "study-question")

    for n in range(10):
        page.locator("#card[data-ready] [data-question-form]").wait_for()
        wrong = n == 2
        page.keyboard.press("1" if wrong else "2")
        page.keyboard.press("Enter")
        page.locator("#card[data-ready] .feedback").wait_for()
        assert page.locator(".verdict").inner_text().endswith("Not quite" if wrong else "Correct")
        if n == 2:
            check_accessibility(page)
            screenshot(page, "study-feedback-wrong")
        if n == 3:
            page.keyboard.press("4")  # rate a right answer Easy
            page.locator('.rating-buttons [aria-pressed="true"]', has_text="Easy").wait_for()
            page.wait_for_function("document.querySelector('#card').dataset.ready === '1'")
        page.keyboard.press("n")

    page.locator(".all-done").wait_for()
    # Nine new questions are in their learning steps (the one rated Easy is not): they come back within minutes.
    assert "9 questions you are learning come back within the hour" in page.locator(".all-done").inner_text()
    assert ReviewLog.objects.count() == 10
    assert ReviewLog.objects.filter(correct=False).count() == 1
    assert RatingChange.objects.filter(rating=4).count() == 1  # appended beside the answer's own log
    check_accessibility(page)

    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Missed").click()
    page.wait_for_url("**/missed/")
    rows = page.locator(".missed-table tbody tr")
    expect(rows).to_have_count(1)  # waits for the new page: a count read at once can see the old one
    missed_stem = rows.first.locator("th a").inner_text()
    assert "still missed" in rows.first.inner_text()
    check_accessibility(page)
    screenshot(page, "missed")

    page.get_by_role("button", name=re.compile("Practise this question now")).click()
    page.locator("#card[data-ready] [data-question-form]").wait_for()
    assert missed_stem.rstrip("?") in page.locator(".stem").first.inner_text()
    check_accessibility(page)
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    page.locator(".feedback").wait_for()
    assert "Correct" in page.locator(".verdict").inner_text()
    assert "comes back" in page.locator(".comes-back").inner_text()
    screenshot(page, "practice-feedback")

    card = Card.objects.get(question__stem=missed_stem)
    assert card.reps == 2 and card.lapses == 1
    assert card.due > timezone.now()
    assert ReviewLog.objects.filter(card=card, context="practice", correct=True).exists()


def test_study_works_without_javascript(live_server, bank, browser, trainee_logged_in):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.viewport_name = "phone-nojs"
    trainee_logged_in(page)
    page.goto(f"{live_server.url}/study/")
    page.get_by_label(re.compile("Answer A to question 1")).check()
    page.get_by_role("button", name="Check answer").click()

    assert "/study/answers/" in page.url
    assert "Not quite" in page.locator(".verdict").inner_text()
    page.get_by_role("link", name=re.compile("Next question")).click()
    page.locator("[data-question-form]").wait_for(state="visible")  # the next page's load, not an instant
    context.close()


def test_practice_settings_and_history_pages_are_accessible(
    live_server, bank, page, check_accessibility, screenshot, trainee_logged_in
):
    trainee_logged_in(page)
    page.goto(f"{live_server.url}/practice/")
    check_accessibility(page)
    page.get_by_label("Exam: feedback at the end").check()
    page.get_by_label(re.compile("How many questions")).fill("3")
    page.get_by_label(re.compile("Time limit")).fill("5")
    page.get_by_role("button", name="Start the test").click()
    assert re.search(r"[45]:[0-5]\d", page.locator("[data-timer-text]").inner_text())
    check_accessibility(page)
    screenshot(page, "exam")
    page.get_by_role("button", name="Finish now and see results").click()
    assert "0 of 3" in page.locator(".score-line").inner_text()
    check_accessibility(page)

    page.goto(f"{live_server.url}/study/settings/")
    check_accessibility(page)
    page.get_by_label(re.compile("New questions per day")).fill("5")
    page.get_by_role("button", name="Save settings").click()
    assert "saved" in page.get_by_role("status").filter(has_text="saved").inner_text()
