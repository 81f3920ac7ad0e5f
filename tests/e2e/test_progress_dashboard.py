"""A learner with a few weeks of history opens their dashboard: charts and tables are there and labelled."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.factories import ModuleFactory, QuestionFactory, SectionFactory, fixed_clock
from tutor.accounts.services import create_account
from tutor.catalog.snapshot import catalog, forget_catalog
from tutor.study.services import record_answer

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long and unusual passphrase"


@pytest.fixture
def learner_with_history():
    learner = create_account(username="seasoned", password=PASSWORD)
    questions = []
    for order, title in enumerate(["Mechanisms of action", "Risks and safety", "MDMA compared with SSRIs"]):
        section = SectionFactory(module=ModuleFactory(title=title, order=order))
        questions += [QuestionFactory(section=section) for _ in range(6)]
    forget_catalog()
    views = [catalog().questions[q.pk] for q in questions]
    start = timezone.now() - dt.timedelta(days=40)
    for day in range(0, 40, 2):
        for n, view in enumerate(views[: 4 + day % 9]):
            record_answer(
                learner=learner,
                question=view,
                answer={"choice": "a" if (day + n) % 5 else "b"},
                attempt=f"{day}-{n}",
                clock=fixed_clock(start + dt.timedelta(days=day, minutes=n)),
                duration_ms=20_000,
            )
    return learner


def test_dashboard_for_a_learner_with_history(
    live_server, learner_with_history, page, check_accessibility, screenshot, log_in, open_menu
):
    log_in(page, "seasoned")
    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Your progress"
    charts = page.get_by_role("img")
    names = [charts.nth(i).get_attribute("aria-labelledby") for i in range(charts.count())]
    assert {"heatmap-title heatmap-summary", "forecast-title forecast-summary", "recall-title recall-summary"} <= set(
        names
    )
    assert page.get_by_role("table", name="Progress in each module").is_visible()
    assert page.get_by_role("row", name=re.compile("Mechanisms of action")).is_visible()
    assert "True retention" in page.locator("#retention-title").inner_text()
    page.get_by_text("The forecast as a table").click()
    assert page.get_by_role("table", name="Reviews due per day").is_visible()
    check_accessibility(page)
    screenshot(page, "dashboard")
