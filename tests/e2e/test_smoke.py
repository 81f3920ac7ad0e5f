"""A newcomer signs up, opens a module and follows a section link, on a laptop and a phone."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from tests.conftest import TINY_CONTENT
from tutor.accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def loaded_content():
    call_command("load_content", "--path", str(TINY_CONTENT), stdout=io.StringIO())


def test_new_user_signs_up_opens_a_module_and_follows_a_section_anchor(
    live_server, loaded_content, page, check_accessibility, screenshot, open_menu
):
    page.goto(live_server.url)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Learn MDMA-assisted psychotherapy")
    check_accessibility(page)
    screenshot(page, "home")

    open_menu(page)
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a long and unusual passphrase")
    page.get_by_label("Password confirmation").fill("a long and unusual passphrase")
    check_accessibility(page)
    page.get_by_role("button", name="Create account").click()

    open_menu(page)
    assert page.get_by_role("button", name="Log out").is_visible()
    assert User.objects.filter(username="newcomer").exists()

    page.get_by_role("link", name="Alpha module").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Alpha module"
    check_accessibility(page)
    screenshot(page, "module")

    page.locator(".toc").get_by_role("link", name="Results").click()
    assert page.url.endswith("#results")
    assert page.locator("#results").is_visible()
    assert page.locator("#results blockquote").inner_text().startswith("Correction.")


def test_sign_up_errors_are_announced_next_to_the_field(live_server, page, check_accessibility):
    page.goto(f"{live_server.url}/account/sign-up/")
    page.get_by_label("Username").fill("someone")
    page.get_by_label(re.compile(r"^Password:?$")).fill("abc")
    page.get_by_label("Password confirmation").fill("abd")
    page.get_by_role("button", name="Create account").click()

    assert "match" in page.locator(".errorlist").first.inner_text()
    check_accessibility(page)


def test_keyboard_user_can_skip_to_content(live_server, loaded_content, page):
    page.goto(live_server.url)
    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#main$"), timeout=5000)
    assert page.url.endswith("#main")


def test_sign_up_takes_the_browsers_time_zone(live_server, browser):
    context = browser.new_context(timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.goto(f"{live_server.url}/account/sign-up/")
    page.get_by_label("Username").fill("tokyo")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a long and unusual passphrase")
    page.get_by_label("Password confirmation").fill("a long and unusual passphrase")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("button", name="Log out").wait_for()

    assert User.objects.get(username="tokyo").time_zone == "Asia/Tokyo"
    context.close()
