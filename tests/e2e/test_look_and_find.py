"""A trainee finds their way on a phone, a tablet and a laptop: a compact header whose menu opens without JavaScript
(a panel beside the page on a tablet, a bar on one line on a laptop), a "Next question" button that stays in reach
below long feedback, flagged questions, search, a module page, a source named by its title on its own page and in
the list of all sources, and the error pages, with axe-core on every page."""

from __future__ import annotations

import re

import factory
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import ModuleFactory, OptionFactory, QuestionFactory, SectionFactory, SourceFactory
from tutor.accounts.services import create_account
from tutor.catalog.models import SourceKind

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long and unusual passphrase"
LONG_RATIONALE = (
    "Blood pressure and heart rate rise for a few hours after a dose, which is why sessions monitor vital signs "
    "and why uncontrolled hypertension was a reason to leave people out of the trials. "
) * 3


@pytest.fixture
def bank():
    """One module with a section on blood pressure, three questions citing a review reference and an update."""
    module = ModuleFactory(slug="risks", title="Risks and safety", summary="What can go wrong, and how often.")
    section = SectionFactory(
        module=module,
        anchor="cardiovascular",
        title="Cardiovascular effects",
        body_markdown="Blood pressure and other vital signs rise after a dose.",
        body_html="<p>Blood pressure and other vital signs rise after a dose.</p>",
    )
    reference = SourceFactory(number=16, title="Phase 2 results and their long-term follow-up")
    update = SourceFactory(
        key="upd-adcomm-2024",
        kind=SourceKind.UPDATE,
        number=None,
        title="The advisory committee vote",
        note="The committee voted against the evidence of effectiveness.",
        citation="Advisory committee meeting, 2024",
        review_section="",
    )
    section.sources.add(reference, update)
    for n in range(3):
        stem = f"Which vital sign needs watching during session {n + 1}?"
        question = QuestionFactory(section=section, options=False, qid=f"risk-{n + 1}", stem=stem, order=n)
        question.sources.add(reference, update)
        OptionFactory.create_batch(
            4,
            question=question,
            key=factory.Iterator("abcd"),
            position=factory.Iterator(range(4)),
            is_correct=factory.Iterator([False, True, False, False]),
            text=factory.Iterator(f"Answer {key} for session {n + 1}" for key in "ABCD"),
            rationale=LONG_RATIONALE,
        )
    return module


@pytest.fixture
def trainee(log_in):
    create_account(username="trainee", password=PASSWORD)
    return lambda page: log_in(page, "trainee")


def test_phone_and_laptop_find_their_way(live_server, bank, page, check_accessibility, screenshot, trainee, open_menu):
    phone = page.viewport_name == "phone"
    trainee(page)
    header = page.locator(".site-header")
    nav = page.get_by_role("navigation", name="Main")

    # Home: on a phone a brand and a Menu button; on a laptop the whole navigation.
    assert header.bounding_box()["height"] <= (90 if phone else 110)
    assert nav.is_visible() is not phone
    assert page.locator(".menu-button").is_visible() is phone
    check_accessibility(page)
    screenshot(page, "look-home-menu-closed")
    if phone:
        page.get_by_text("Menu", exact=True).click()
        assert nav.is_visible()
        assert page.get_by_role("searchbox", name=re.compile("Search")).is_visible()
        # The open panel keeps inside the screen: nothing to scroll sideways, the Search button whole.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        search_button = page.get_by_role("search", name="Site").get_by_role("button", name="Search").bounding_box()
        assert search_button["x"] + search_button["width"] <= 390
        check_accessibility(page)
        screenshot(page, "look-home-menu-open")

    # Study: answer wrongly; the feedback is long, and on a phone "Next question" stays at the bottom of the screen.
    nav.get_by_role("link", name="Study").click()
    page.locator("#card[data-ready] [data-question-form]").wait_for()
    check_accessibility(page)
    screenshot(page, "look-study-question")
    page.get_by_label(re.compile("Answer A for session")).check()
    page.get_by_role("button", name="Check answer").click()
    page.locator("#card[data-ready] .feedback").wait_for()
    next_button = page.get_by_role("link", name=re.compile("Next question"))
    box = next_button.bounding_box()
    if phone:
        assert page.locator(".feedback").bounding_box()["height"] > 844
        assert box["y"] + box["height"] <= 844 + 1  # in view without scrolling past the feedback
    check_accessibility(page)
    screenshot(page, "look-study-feedback")

    # The feedback names its sources by title, with the update's citation, not by internal keys.
    sources = page.locator(".feedback .source-list")
    assert "The advisory committee vote" in sources.inner_text()
    assert "Advisory committee meeting, 2024" in sources.inner_text()
    assert "upd-adcomm-2024" not in sources.inner_text()

    page.get_by_role("button", name=re.compile("Flag for practice")).click()
    page.get_by_role("button", name=re.compile("Flagged for practice")).wait_for()

    # Flagged questions, from the navigation.
    open_menu(page)
    nav.get_by_role("link", name="Flagged").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Flagged questions")
    flagged = page.locator(".flagged-item")
    expect(flagged).to_have_count(1)
    check_accessibility(page)
    screenshot(page, "look-flagged")
    flagged.first.get_by_role("link", name=re.compile("Which vital sign")).click()
    assert re.search(r"/questions/risk-\d/$", page.url)
    page.go_back()

    # Search from the header box; a section result opens the module page at that section.
    open_menu(page)
    page.get_by_role("searchbox", name=re.compile("Search")).fill("vital sign")
    page.get_by_role("search", name="Site").get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    results = page.locator(".search-hits a")
    expect(results).to_have_count(4)  # the section and the three questions
    check_accessibility(page)
    screenshot(page, "look-search")
    page.get_by_role("link", name="Cardiovascular effects").click()
    assert page.url.endswith("/modules/risks/#cardiovascular")
    check_accessibility(page)

    # The module's sources: a title for each, in aligned columns, and a page for each source.
    source_rows = page.locator("#sources .source")
    assert source_rows.count() == 2
    firsts = [source_rows.nth(i).locator("dd").bounding_box()["x"] for i in range(2)]
    assert abs(firsts[0] - firsts[1]) < 1  # the descriptions line up
    assert "upd-adcomm-2024" not in page.locator("#sources").inner_text()
    module_shot = screenshot(page, "look-module")
    page.locator("#sources").screenshot(path=str(module_shot.with_name(f"look-sources-{page.viewport_name}.png")))
    page.locator("#sources").get_by_role("link", name="The advisory committee vote").click()
    assert page.get_by_role("heading", level=1).inner_text() == "The advisory committee vote"
    check_accessibility(page)
    screenshot(page, "look-source")

    # Every source, under a heading for its kind: the update by its title and citation, never by its key.
    page.get_by_role("link", name="All sources").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Sources"
    updates = page.get_by_role("region", name="Since the review")
    row = updates.get_by_role("rowheader", name=re.compile("The advisory committee vote"))
    assert "Advisory committee meeting, 2024" in row.inner_text()
    assert "upd-adcomm-2024" not in page.locator("main").inner_text()
    reference = page.get_by_role("region", name="The review's numbered references").get_by_role("rowheader")
    assert "Cited for: Phase 2 results" in reference.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    check_accessibility(page)
    screenshot(page, "look-source-list")

    # An empty search explains itself.
    page.goto(f"{live_server.url}{reverse('catalog:search')}?q=%21%21")
    assert "punctuation alone" in page.get_by_role("alert").inner_text()
    check_accessibility(page)

    # The error pages keep the header and its menu.
    page.goto(f"{live_server.url}/modules/no-such-module/")
    assert page.locator(".menu-button").is_visible() is phone
    check_accessibility(page)
    screenshot(page, "look-404")
    page.goto(f"{live_server.url}{reverse('cohorts:cohort_create')}")
    assert page.locator("main").is_visible()
    check_accessibility(page)
    screenshot(page, "look-403")


TABLETS = [
    pytest.param({"width": 768, "height": 1024}, id="tablet-portrait"),
    pytest.param({"width": 1024, "height": 768}, id="tablet-landscape"),
]
LAPTOPS = [
    pytest.param({"width": 1280, "height": 800}, id="laptop"),
    pytest.param({"width": 1440, "height": 900}, id="wide"),
]


def _centre_y(locator) -> float:
    box = locator.bounding_box()
    return box["y"] + box["height"] / 2


@pytest.mark.parametrize("viewport", TABLETS)
def test_a_tablet_gets_the_menu_button_and_a_panel_beside_the_page(
    live_server, bank, browser, viewport, trainee, check_accessibility
):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    trainee(page)
    page.goto(f"{live_server.url}{reverse('study:study')}")
    nav = page.get_by_role("navigation", name="Main")
    menu_button = page.locator(".site-header .menu-button")
    assert menu_button.is_visible()
    assert not nav.is_visible()
    assert page.locator(".site-header").bounding_box()["height"] <= 70
    check_accessibility(page)

    # From the keyboard: the skip link, the brand, then the Menu button, with a visible focus ring; Enter opens it.
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('.site-header .menu-button')")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    nav.wait_for()
    assert page.locator("#card .feedback").count() == 0  # Enter on the Menu button sent no answer

    # A panel of a comfortable width at the right, under the button: not the whole width of the screen.
    panel = page.locator(".menu-panel").bounding_box()
    button = menu_button.bounding_box()
    assert 250 <= panel["width"] <= viewport["width"] / 2
    assert abs((panel["x"] + panel["width"]) - (button["x"] + button["width"])) <= 2
    assert panel["y"] >= button["y"] + button["height"]
    assert panel["y"] + panel["height"] <= viewport["height"]
    # Every link on a line of its own, the page's own marked as current; search and Log out inside the panel.
    links = nav.get_by_role("link")
    assert links.count() == 8
    assert len({round(links.nth(i).bounding_box()["x"]) for i in range(8)}) == 1
    assert nav.locator("[aria-current=page]").inner_text() == "Study"
    for control in (
        page.get_by_role("searchbox", name=re.compile("Search")),
        page.get_by_role("button", name="Log out"),
    ):
        box = control.bounding_box()
        assert panel["x"] <= box["x"] and box["x"] + box["width"] <= panel["x"] + panel["width"]
    check_accessibility(page)

    # Escape closes it and gives the focus back to its button; a click outside closes it too.
    page.keyboard.press("Escape")
    assert not nav.is_visible()
    assert page.evaluate("document.activeElement.matches('.site-header .menu-button')")
    menu_button.click()
    nav.wait_for()
    page.locator("main").click(position={"x": 5, "y": 5})
    assert not nav.is_visible()
    menu_button.click()
    nav.wait_for()

    nav.get_by_role("link", name="Modules").click()
    page.wait_for_url(f"{live_server.url}/")
    assert menu_button.is_visible() and not nav.is_visible()
    check_accessibility(page)
    context.close()


@pytest.mark.parametrize("viewport", LAPTOPS)
def test_a_laptop_gets_the_whole_header_on_one_line(live_server, bank, browser, viewport, trainee, check_accessibility):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    trainee(page)
    nav = page.get_by_role("navigation", name="Main")
    for url_name, current in (("catalog:home", "Modules"), ("study:study", "Study")):
        page.goto(f"{live_server.url}{reverse(url_name)}")
        assert not page.locator(".site-header .menu-button").is_visible()
        assert nav.is_visible()
        assert nav.locator("[aria-current=page]").inner_text() == current
        # Brand, the eight links, search and Log out share one line: nothing wraps to a second row.
        assert page.locator(".site-header").bounding_box()["height"] <= 70
        row = _centre_y(page.locator(".brand"))
        links = nav.get_by_role("link")
        assert links.count() == 8
        controls = [links.nth(i) for i in range(8)] + [
            page.get_by_role("searchbox", name=re.compile("Search")),
            page.get_by_role("button", name="Log out"),
        ]
        assert all(abs(_centre_y(control) - row) <= 6 for control in controls)
        # The account's name shows where there is room for it, on the same line.
        name = page.locator(".site-header .account-name")
        assert name.is_visible() is (viewport["width"] >= 1440)
        if name.is_visible():
            assert abs(_centre_y(name) - row) <= 6
        check_accessibility(page)
    context.close()


def test_the_phone_menu_opens_without_javascript(live_server, bank, browser, trainee):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    trainee(page)
    nav = page.get_by_role("navigation", name="Main")
    assert not nav.is_visible()

    page.get_by_text("Menu", exact=True).click()
    nav.get_by_role("link", name="Flagged").click()

    assert page.url.endswith("/flagged/")
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("searchbox", name=re.compile("Search")).fill("vital sign")
    page.get_by_role("searchbox", name=re.compile("Search")).press("Enter")
    expect(page.get_by_role("link", name=re.compile("Which vital sign"))).to_have_count(3)
    context.close()


def test_a_touch_screen_hides_keyboard_hints_and_gets_big_targets(live_server, bank, browser, trainee):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    trainee(page)
    page.goto(f"{live_server.url}/study/")
    page.locator("#card[data-ready] [data-question-form]").wait_for()

    assert not page.locator(".option-key").first.is_visible()
    assert not page.locator(".kbd-hint").is_visible()
    radio = page.get_by_label(re.compile("Answer A for session")).bounding_box()
    assert radio["width"] >= 24 and radio["height"] >= 24
    page.get_by_label(re.compile("Answer B for session")).check()
    page.get_by_role("button", name="Check answer").click()
    page.locator("#card[data-ready] .feedback").wait_for()
    assert not page.locator(".next-actions kbd").is_visible()
    assert not page.locator(".rating-buttons kbd").first.is_visible()
    context.close()
