"""The header's links, reversed once and shared by every page: the same addresses as reversing them each time, under
any script prefix."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import Client, RequestFactory
from django.urls import reverse, set_script_prefix

from tutor.web import context_processors
from tutor.web.context_processors import SITE_PAGES, site_urls

pytestmark = pytest.mark.django_db


def header_links(response) -> dict[str, str]:
    header = BeautifulSoup(response.content, "html.parser").select_one("header.site-header")
    return {link.get_text(" ", strip=True): link["href"] for link in header.select("a")}


def test_a_learners_header_links_to_each_page(logged_in):
    links = header_links(logged_in.get(reverse("study:practice")))

    assert links["Study"] == reverse("study:study")
    assert links["Practice"] == reverse("study:practice")
    assert links["Missed"] == reverse("study:missed")
    assert links["Progress"] == reverse("cohorts:progress_dashboard")
    assert links["Settings"] == reverse("study:study_settings")


def test_the_header_still_marks_the_page_you_are_on(logged_in):
    html = BeautifulSoup(logged_in.get(reverse("study:missed")).content, "html.parser")
    assert [a.get_text(strip=True) for a in html.select("nav.site-nav a[aria-current=page]")] == ["Missed"]


def test_a_visitors_header_offers_log_in_and_sign_up(client):
    links = header_links(client.get(reverse("catalog:home")))
    assert links["Log in"] == reverse("accounts:login")
    assert links["Sign up"] == reverse("accounts:sign_up")
    assert "Study" not in links


def test_under_a_script_prefix_every_link_carries_it():
    request = RequestFactory().get("/")
    set_script_prefix("/tutor/")
    try:
        urls = site_urls(request)["site_urls"]
        expected = {name: reverse(view) for name, view in SITE_PAGES.items()}
    finally:
        set_script_prefix("/")
    assert urls == expected
    assert urls["study"] == "/tutor/study/"
    assert site_urls(request)["site_urls"]["study"] == "/study/"


def test_the_menu_marks_each_page_and_changes_when_you_sign_in(logged_in):
    def marked(response) -> list[str]:
        html = BeautifulSoup(response.content, "html.parser")
        return [a.get_text(strip=True) for a in html.select("nav.site-nav a[aria-current=page]")]

    def menu(response) -> list[str]:
        html = BeautifulSoup(response.content, "html.parser")
        return [a.get_text(strip=True) for a in html.select("nav.site-nav a")]

    assert marked(logged_in.get(reverse("study:missed"))) == ["Missed"]
    assert marked(logged_in.get(reverse("study:practice"))) == ["Practice"]
    assert marked(logged_in.get(reverse("catalog:home"))) == ["Modules"]
    assert menu(Client().get(reverse("catalog:home"))) == ["Modules"]
    assert menu(logged_in.get(reverse("catalog:home")))[:3] == ["Modules", "Study", "Practice"]


@pytest.fixture
def menus_rendered(monkeypatch) -> list[str]:
    """The names of the templates the menu is rendered from, one per rendering."""
    rendered = []
    real_render = context_processors.render_to_string
    monkeypatch.setattr(
        context_processors, "render_to_string", lambda *a, **k: rendered.append(a[0]) or real_render(*a, **k)
    )
    context_processors._site_nav.cache_clear()
    return rendered


def test_the_menu_is_rendered_once_per_page_and_sign_in_state(logged_in, settings, menus_rendered):
    settings.DEBUG = False

    for _ in range(3):
        assert logged_in.get(reverse("study:missed")).status_code == 200
    logged_in.get(reverse("study:practice"))

    assert menus_rendered == ["_site_nav.html", "_site_nav.html"]


def test_in_development_the_menu_is_rendered_each_time(logged_in, settings, menus_rendered):
    settings.DEBUG = True

    logged_in.get(reverse("study:missed"))
    logged_in.get(reverse("study:missed"))

    assert menus_rendered == ["_site_nav.html", "_site_nav.html"]
