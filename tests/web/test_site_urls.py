"""The header's links, reversed once and shared by every page: the same addresses as reversing them each time, under
any script prefix."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.middleware.csrf import _does_token_match
from django.test import Client, RequestFactory
from django.urls import reverse, set_script_prefix

from tests.factories import UserFactory
from tutor.web import site_header
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
def headers_drawn(monkeypatch) -> list[str]:
    """The names of the templates the header is drawn from, one per drawing."""
    drawn = []
    real_render = site_header.render_to_string
    monkeypatch.setattr(site_header, "render_to_string", lambda *a, **k: drawn.append(a[0]) or real_render(*a, **k))
    site_header.drawn_header.cache_clear()
    return drawn


def test_the_header_is_drawn_once_per_page_and_sign_in_state(logged_in, settings, headers_drawn):
    settings.DEBUG = False

    for _ in range(3):
        assert logged_in.get(reverse("study:missed")).status_code == 200
    logged_in.get(reverse("study:practice"))
    Client().get(reverse("catalog:home"))  # a visitor: another page, another state
    logged_in.get(reverse("study:practice"))

    assert headers_drawn == ["_site_header.html"] * 3


def test_in_development_the_header_is_drawn_each_time(logged_in, settings, headers_drawn):
    settings.DEBUG = True

    logged_in.get(reverse("study:missed"))
    logged_in.get(reverse("study:missed"))

    assert headers_drawn == ["_site_header.html", "_site_header.html"]


def test_each_learner_gets_their_own_name_and_a_log_out_form_that_works(settings, headers_drawn):
    settings.DEBUG = False
    ada, bo = UserFactory(username="ada<&>"), UserFactory(username="bo")
    pages = {}
    for learner in (ada, bo):
        client = Client(enforce_csrf_checks=True)
        client.force_login(learner)
        client.get(reverse("study:missed"))  # sets the CSRF cookie
        pages[learner.username] = (client, client.get(reverse("study:missed")))

    assert headers_drawn == ["_site_header.html"]  # one drawing served both
    for username, (client, response) in pages.items():
        header = BeautifulSoup(response.content, "html.parser").select_one("header.site-header")
        name = header.select_one(".account-name")
        assert name.get_text() == username and name["title"] == f"Account settings for {username}"
        token = header.select_one("form.inline-form input[name=csrfmiddlewaretoken]")["value"]
        assert _does_token_match(token, client.cookies["csrftoken"].value)
        assert client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert "ada&lt;&amp;&gt;" in pages["ada<&>"][1].content.decode()  # escaped, as the template would


def test_the_search_box_keeps_the_words_searched_for_and_nothing_else(client, settings, headers_drawn):
    settings.DEBUG = False
    # Words that look like one of the header's slots are shown as typed, not filled in with another value.
    words = f'vital "signs" <b> {site_header.SLOTS["username"]}'

    page = BeautifulSoup(client.get(reverse("catalog:search"), {"q": words}).content, "html.parser")
    home = BeautifulSoup(client.get(reverse("catalog:home")).content, "html.parser")

    assert page.select_one("#site-search")["value"] == words
    assert home.select_one("#site-search")["value"] == ""
    assert (
        not page.select(".account-name") and page.select_one(".account").get_text(" ", strip=True) == "Log in Sign up"
    )
