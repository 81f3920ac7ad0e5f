"""Browser journeys: a live server and headless Debian Chromium driven by Playwright, with axe-core on every page."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls tests make for setup are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser):
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    page = context.new_page()
    page.viewport_name = request.param
    yield page
    context.close()


@pytest.fixture
def check_accessibility():
    """Run axe-core on the page as it is now and fail with a readable list of violations."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page) -> None:
        results = axe.run(page)
        violations = results.response["violations"]
        details = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in violations
        )
        assert not violations, f"axe found {len(violations)} violation(s) on {page.url}:\n{details}"

    return check


@pytest.fixture
def screenshot():
    def take(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}-{page.viewport_name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


PASSWORD = "a long and unusual passphrase"


@pytest.fixture
def log_in(live_server):
    """Log in through the real form, as a person would: log_in(page, username[, password])."""

    def submit(page, username: str, password: str = PASSWORD) -> None:
        import re

        page.goto(f"{live_server.url}/account/log-in/")
        page.get_by_label(re.compile("Username")).fill(username)
        page.get_by_label(re.compile("Password")).fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(r"/$"))

    return submit


@pytest.fixture
def open_menu():
    """On a phone the navigation, search and account links sit behind the header's Menu button: open it (nothing to
    do on a laptop, where they are shown as a bar)."""

    def open_(page) -> None:
        button = page.locator(".site-header .menu-button")
        if button.is_visible() and page.locator(".site-menu").get_attribute("open") is None:
            button.click()
            page.get_by_role("navigation", name="Main").wait_for()

    return open_
