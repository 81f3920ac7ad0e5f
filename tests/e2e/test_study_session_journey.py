"""A learner sees how far through today's study they are, what each rating would do to the interval, and, once
the new questions are answered, that they come back within minutes (with a way to wait or carry on) rather than
being told they are done; with new questions switched off, the page says so plainly."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_study_journey import PASSWORD, bank  # noqa: F401  (the two-module bank fixture)
from tutor.accounts.models import User
from tutor.accounts.services import create_account

pytestmark = pytest.mark.django_db(transaction=True)


def test_session_progress_rating_previews_and_questions_back_soon(
    live_server,
    bank,  # noqa: F811
    page,
    log_in,
    check_accessibility,
    screenshot,
):
    create_account(username="trainee", password=PASSWORD)
    User.objects.filter(username="trainee").update(new_per_day=3)
    log_in(page, "trainee", PASSWORD)
    page.goto(f"{live_server.url}/study/")
    assert "0 of 3 today" in page.locator(".session-progress").inner_text()
    check_accessibility(page)

    for n in range(3):
        page.locator("#card[data-ready] [data-question-form]").wait_for()
        page.get_by_role("radio").nth(1).check()  # option b is right
        page.get_by_role("button", name="Check answer").click()
        page.locator("#card[data-ready] .feedback").wait_for()
        buttons = page.locator(".rating-buttons")
        for label in ("Again", "Hard", "Good", "Easy"):
            assert re.search(
                rf"{label} · \d+(\.\d)? (min|h|d|mo|y)", buttons.get_by_role("button", name=label).inner_text()
            )
        if n == 0:
            check_accessibility(page)
            screenshot(page, "study-rating-previews")
        page.get_by_role("link", name=re.compile("Next question")).click()
        if n == 0:
            page.locator("#card[data-ready] [data-question-form]").wait_for()
            assert "1 of 3 today" in page.locator(".session-progress").inner_text()
            screenshot(page, "study-session-progress")

    back = page.locator(".all-done")
    back.wait_for()
    assert "3 questions you are learning come back within the hour" in back.inner_text()
    assert "done for today" not in back.inner_text()
    assert back.get_by_role("link", name="Check again").is_visible()
    assert back.get_by_role("link", name="Continue with a practice test").is_visible()
    check_accessibility(page)
    screenshot(page, "study-back-soon")

    User.objects.filter(username="trainee").update(new_per_day=0)
    page.goto(f"{live_server.url}/study/")
    counts = page.locator(".queue-counts").inner_text()
    assert "new questions are off in your settings" in counts and "of 0" not in counts
    check_accessibility(page)


def test_study_one_module_from_its_page(live_server, bank, page, log_in, check_accessibility, screenshot):  # noqa: F811
    create_account(username="trainee", password=PASSWORD)
    log_in(page, "trainee", PASSWORD)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Risks and safety").first.click()
    check_accessibility(page)
    page.get_by_role("link", name="Study this module").click()

    page.locator("#card[data-ready] [data-question-form]").wait_for()
    assert page.get_by_role("heading", level=1).inner_text() == "Studying Risks and safety"
    assert "5 new left today" in page.locator(".queue-counts").inner_text()
    check_accessibility(page)
    screenshot(page, "study-one-module")
    for _ in range(2):
        assert page.locator(".question-meta").first.inner_text().startswith("Risks and safety")
        page.get_by_role("radio").nth(1).check()
        page.get_by_role("button", name="Check answer").click()
        page.locator("#card[data-ready] .feedback").wait_for()
        page.get_by_role("link", name=re.compile("Next question")).click()
        page.locator("#card[data-ready] [data-question-form]").wait_for()
    assert "3 new left today" in page.locator(".queue-counts").inner_text()
    page.get_by_role("link", name="Back to your whole daily study").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Today's study"
    check_accessibility(page)
