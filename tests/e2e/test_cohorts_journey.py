"""An educator creates a cohort, a learner joins with its code, the educator assigns a module with a due date, the
learner sees it and answers questions, and the educator watches the status change. axe-core checks every page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.factories import ModuleFactory, OptionFactory, QuestionFactory, SectionFactory
from tutor.accounts.models import Role
from tutor.accounts.services import create_account
from tutor.cohorts.models import AssignmentCompletion

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long and unusual passphrase"


@pytest.fixture
def bank():
    """Risks and safety and History, three single-answer questions each; option b (key 2) is right in each."""
    for order, (title, slug) in enumerate([("Risks and safety", "risks"), ("History", "history")]):
        module = ModuleFactory(title=title, slug=slug, order=order)
        section = SectionFactory(module=module, title="Key facts", anchor="key-facts")
        for n in range(3):
            question = QuestionFactory(
                section=section, options=False, stem=f"{title}: question {n + 1}?", order=n, qid=f"{slug}-{n + 1:03d}"
            )
            for position, key in enumerate("abcd"):
                OptionFactory(
                    question=question,
                    key=key,
                    position=position,
                    is_correct=key == "b",
                    text=f"Answer {key.upper()} to question {n + 1}",
                    rationale="This is the right answer." if key == "b" else "This one is a common mix-up.",
                    misconception="" if key == "b" else f"{slug}-mix-up-{key}",
                )


def answer_questions(page, live_server, count: int) -> None:
    page.goto(f"{live_server.url}/study/")
    for _ in range(count):
        page.locator("#card[data-ready] [data-question-form]").wait_for()
        page.keyboard.press("2")
        page.keyboard.press("Enter")
        page.locator("#card[data-ready] .feedback").wait_for()
        page.keyboard.press("n")


def status_of(page, learner: str) -> str:
    return page.locator(".cohort-table tbody tr", has_text=learner).inner_text()


def test_educator_and_learner_journey(live_server, bank, page, browser, check_accessibility, screenshot, log_in):
    create_account(username="dr-rivera", password=PASSWORD, role=Role.EDUCATOR)
    create_account(username="trainee", password=PASSWORD)
    educator = page
    log_in(educator, "dr-rivera")

    # The educator creates a cohort and gets its join code.
    educator.goto(f"{live_server.url}/cohorts/")
    check_accessibility(educator)
    screenshot(educator, "cohorts-educator-empty")
    educator.get_by_role("link", name="New cohort").click()
    check_accessibility(educator)
    educator.get_by_label("Name").fill("Spring 2027 therapists")
    educator.get_by_label(re.compile("Description")).fill("MAPS-protocol training for the spring intake.")
    educator.get_by_role("button", name="Create the cohort").click()
    educator.locator(".join-code").wait_for()
    code = re.search(r"[A-Z0-9]{8}", educator.locator(".join-code").inner_text()).group()
    assert code in educator.locator("#join-link").get_attribute("href")
    check_accessibility(educator)
    screenshot(educator, "cohort-dashboard-new")
    dashboard_url = educator.url

    # A learner joins with the code.
    learner_context = browser.new_context(viewport=page.viewport_size)
    learner = learner_context.new_page()
    learner.viewport_name = page.viewport_name
    log_in(learner, "trainee")
    learner.goto(f"{live_server.url}/cohorts/")
    check_accessibility(learner)
    learner.get_by_label("Join code").fill(code.lower())
    learner.get_by_role("button", name="Join", exact=True).click()
    assert (
        "You joined Spring 2027 therapists" in learner.get_by_role("status").filter(has_text="You joined").inner_text()
    )
    check_accessibility(learner)

    # The educator assigns Risks and safety, due in a week.
    educator.goto(dashboard_url)
    assert "trainee" in educator.locator(".cohort-table").inner_text()
    educator.get_by_role("link", name="New assignment").first.click()
    check_accessibility(educator)
    screenshot(educator, "assignment-form")
    due = timezone.localdate() + dt.timedelta(days=7)
    educator.get_by_label("Risks and safety").check()
    educator.get_by_label("Due date").fill(due.isoformat())
    educator.get_by_role("button", name="Assign").click()
    educator.get_by_role("heading", name="Risks and safety", level=1).wait_for()
    assert "Recall forecast" in educator.content()
    check_accessibility(educator)
    educator.goto(dashboard_url)
    assert "Not started" in status_of(educator, "trainee")

    # The learner sees it with its due date, answers two questions (one of Risks), then the rest.
    learner.goto(f"{live_server.url}/cohorts/")
    item = learner.locator(".assignment-item", has_text="Risks and safety")
    assert "Not started" in item.inner_text()
    assert due.strftime("%-d %b %Y") in item.inner_text()
    check_accessibility(learner)
    screenshot(learner, "learner-cohorts-assigned")
    answer_questions(learner, live_server, 2)
    educator.reload()
    assert "In progress" in status_of(educator, "trainee")
    assert "33% answered" in status_of(educator, "trainee")
    screenshot(educator, "cohort-dashboard-in-progress")

    answer_questions(learner, live_server, 4)
    learner.goto(f"{live_server.url}/cohorts/")
    assert "Complete" in learner.locator(".assignment-item", has_text="Risks and safety").inner_text()
    check_accessibility(learner)
    screenshot(learner, "learner-cohorts-complete")

    # The educator sees the change, the results, the item analysis and the learner's own progress.
    educator.reload()
    assert "Complete" in status_of(educator, "trainee")
    assert AssignmentCompletion.objects.filter(learner__username="trainee").exists()
    check_accessibility(educator)
    screenshot(educator, "cohort-dashboard-complete")
    educator.get_by_role("link", name="Risks and safety").first.click()
    assert "1 complete" in " ".join(educator.locator(".status-tiles").inner_text().split())
    check_accessibility(educator)
    screenshot(educator, "assignment-results")
    educator.get_by_role("link", name="Item analysis").click()
    assert "3 of 3 questions attempted" in educator.locator(".analysis-summary").inner_text()
    check_accessibility(educator)
    screenshot(educator, "item-analysis")
    educator.goto(dashboard_url)
    educator.locator(".cohort-table").get_by_role("link", name="trainee").click()
    assert "3 of 3" in educator.locator("main").inner_text()
    check_accessibility(educator)
    screenshot(educator, "learner-drilldown")
    learner_context.close()


def test_a_learner_whose_daily_limit_cannot_cover_an_assignment_raises_it(
    live_server, bank, page, check_accessibility, screenshot, log_in
):
    from tests.cohorts.factories import AssignmentFactory, CohortFactory, MembershipFactory

    learner = create_account(username="trainee", password=PASSWORD)
    learner.new_per_day = 1
    learner.save(update_fields=["new_per_day"])
    cohort = CohortFactory(name="Spring 2027")
    MembershipFactory(cohort=cohort, learner=learner)
    today = timezone.localdate()
    AssignmentFactory(
        cohort=cohort, title="Risks first", module_slugs=["risks"], opens_on=today, due_on=today + dt.timedelta(days=1)
    )
    log_in(page, "trainee")

    page.goto(f"{live_server.url}/cohorts/")
    warning = page.locator(".pace-warning")
    assert "3 questions not started yet. At 1 new a day they need 3 days" in " ".join(warning.inner_text().split())
    check_accessibility(page)
    screenshot(page, "assignment-pace-warning")

    warning.get_by_role("button", name="Start 2 new questions a day").click()
    page.get_by_text("You now start up to 2 new questions a day.").wait_for()
    assert page.locator(".pace-warning").count() == 0
    check_accessibility(page)
