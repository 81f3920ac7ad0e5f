"""A learner's progress dashboard and question history, and an educator's paginated cohort dashboard and item
analysis, on the real question bank, on a phone and a laptop; axe-core checks every page."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from tests.cohorts.factories import bulk_answers
from tests.factories import fixed_clock
from tutor.accounts.models import Role, User
from tutor.accounts.services import create_account
from tutor.catalog.snapshot import catalog
from tutor.cohorts.models import Assignment, Cohort, Membership
from tutor.study.services import record_answer

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long and unusual passphrase"
COHORT_SIZE = 62  # two pages of learners


def learner_history(learner, snapshot) -> str:
    """Five weeks of study: a few answers most days, one multiple-response question answered partly right, then
    right three hours later. Returns that question's id."""
    rng = random.Random(7)
    now = timezone.now()
    singles = [q for q in snapshot.live_questions if q.type_spec.choice_in_answer][:40]
    multiple = next(q for q in snapshot.live_questions if q.type == "multiple")
    n = 0
    for day in range(35, 0, -1):
        if day % 6 == 0:
            continue
        for question in rng.sample(singles, 4):
            options = question.options
            chosen = rng.choice(options) if rng.random() < 0.3 else next(o for o in options if o.is_correct)
            at = now - dt.timedelta(days=day, minutes=rng.randint(0, 600))
            record_answer(
                learner=learner, question=question, answer={"choice": chosen.key}, attempt=f"e2e-{n}",
                clock=fixed_clock(at), duration_ms=rng.randint(8_000, 60_000),
            )  # fmt: skip
            n += 1
    right = [o.key for o in multiple.options if o.is_correct]
    for step, chosen in enumerate([right[:1], right]):
        record_answer(
            learner=learner, question=multiple, answer={"choices": chosen}, attempt=f"e2e-multi-{step}",
            clock=fixed_clock(now - dt.timedelta(hours=4 - 3 * step)), duration_ms=30_000,
        )  # fmt: skip
    return multiple.qid


def cohort_with_answers(educator, snapshot) -> Assignment:
    """A cohort of learners who answered most single-answer questions of one module, a few wrong ideas common."""
    cohort = Cohort.objects.create(owner=educator, name="Autumn 2027 therapists")
    hashed = make_password(PASSWORD)
    users = User.objects.bulk_create(
        [User(username=f"trainee-{n:03d}", first_name="Trainee", last_name=f"{n:03d}", password=hashed)
         for n in range(COHORT_SIZE)]
    )  # fmt: skip
    Membership.objects.bulk_create([Membership(cohort=cohort, learner=u, joined_at=timezone.now()) for u in users])
    module = snapshot.module_by_slug("risks")
    questions = [q for q in snapshot.live_questions if q.module_id == module.id and q.type_spec.choice_in_answer]
    rng = random.Random(3)
    rows = []
    at = timezone.now() - dt.timedelta(days=2)
    for user in users:
        for question in questions[:-4]:  # the last few stay unattempted
            right = next(o for o in question.options if o.is_correct)
            wrong = [o for o in question.options if not o.is_correct]
            chosen = right if rng.random() < 0.7 else wrong[0] if rng.random() < 0.7 else rng.choice(wrong)
            rows.append((user.pk, question.id, chosen.is_correct, at, {"choice": chosen.key}))
    bulk_answers(rows)
    return Assignment.objects.create(
        cohort=cohort,
        title="Risks and safety",
        module_slugs=["risks"],
        opens_on=timezone.localdate() - dt.timedelta(days=10),
        due_on=timezone.localdate() - dt.timedelta(days=1),
    )


def test_dashboards_and_educator_pages(live_server, page, check_accessibility, screenshot, log_in):
    call_command("load_content", "--sources", str(settings.BASE_DIR.parent / "shared" / "source"), verbosity=0)
    snapshot = catalog()
    learner = create_account(username="trainee", password=PASSWORD)
    multiple_qid = learner_history(learner, snapshot)
    educator = create_account(username="dr-rivera", password=PASSWORD, role=Role.EDUCATOR)
    assignment = cohort_with_answers(educator, snapshot)

    # The learner's progress: stat tiles, charts with readable labels, study days with weekday names.
    log_in(page, "trainee")
    page.goto(f"{live_server.url}/progress/")
    assert "spent answering this week" in page.locator(".stat-tiles").inner_text()
    heatmap = page.locator("svg.heatmap")
    assert heatmap.locator("text", has_text="Mon").count() == 1
    label = page.locator("svg.bars .chart-label").first
    assert label.bounding_box()["height"] >= 9  # drawn at a readable size, not shrunk to ~5 px
    box = heatmap.bounding_box()
    assert box["width"] <= page.viewport_size["width"]
    check_accessibility(page)
    screenshot(page, "progress-dashboard")

    # The history of a question answered partly right, then right.
    page.goto(f"{live_server.url}/questions/{multiple_qid}/")
    history = page.locator("table", has_text="Came back after").inner_text()
    assert "Partly right (" in history and "%)" in history
    assert "3 hours" in history and "first attempt" in history
    check_accessibility(page)
    screenshot(page, "question-history")

    # The educator's cohort dashboard, one page of learners at a time, overdue learners all listed.
    page.context.clear_cookies()
    log_in(page, "dr-rivera")
    page.goto(f"{live_server.url}{assignment.cohort.get_absolute_url()}")
    assert page.locator(".cohort-table tbody tr").count() == 50
    assert "Learners 1\u201350 of 62" in page.locator(".pagination").inner_text()
    assert "62 learners:" in page.locator(".overdue-panel").inner_text()
    assert "and 42 more" in page.locator(".overdue-panel").inner_text()
    check_accessibility(page)
    screenshot(page, "cohort-dashboard-paginated")
    page.locator(".pagination").get_by_role("link", name="Next page").click()
    page.wait_for_url("**page=2**")
    expect(page.locator(".cohort-table tbody tr")).to_have_count(COHORT_SIZE - 50)
    check_accessibility(page)

    # Item analysis: the stems, wrong ideas in words, unattempted questions folded away, a page of sane length.
    page.goto(f"{live_server.url}/educator/assignments/{assignment.pk}/items/")
    table = page.locator(".item-table")
    assert table.locator(".option-shares li.is-wrong").count() > 0
    assert table.locator(".option-shares li.is-right").count() > 0
    folded = page.locator("details.unattempted")
    assert "questions not attempted yet" in folded.locator("summary").inner_text()
    assert folded.get_attribute("open") is None and not folded.locator("li").first.is_visible()
    assert "-" not in page.locator(".misconception-table tbody th").first.inner_text().split()[0]
    height = page.evaluate("document.documentElement.scrollHeight")
    check_accessibility(page)
    screenshot(page, "item-analysis")
    limit = {"laptop": 5000, "phone": 11000}[page.viewport_name]  # was about 6,000 and 12,000
    assert height < limit
    print(f"item analysis height on {page.viewport_name}: {height}px")
