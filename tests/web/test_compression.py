"""HTML goes out gzipped (never in answer to a request another site started), every main page of the real curriculum
fits in 60 KB on the wire with its static files, and no page asks the browser to fetch anything from another
host."""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string
from whitenoise.storage import CompressedManifestStaticFilesStorage

from tests.factories import UserFactory
from tutor import settings as real_settings
from tutor.catalog.content import read_content
from tutor.catalog.models import Module
from tutor.catalog.sync import load_content_tree

pytestmark = pytest.mark.django_db

BUDGET = 60 * 1024  # bytes on the wire for a first visit: the page and its static files
GZIP = {"Accept-Encoding": "gzip, deflate, br"}
# Attributes whose URL the browser fetches (or sends the page to) by itself, without a click.
FETCHED = {("img", "src"), ("script", "src"), ("link", "href"), ("iframe", "src"), ("source", "src"),
           ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data"), ("form", "action"),
           ("img", "srcset"), ("source", "srcset"), ("video", "poster")}  # fmt: skip
CSRF_TOKEN = re.compile(rb"[A-Za-z0-9]{64}")  # a masked CSRF token, wherever the page carries it
NONCE = re.compile(rb'nonce="[^"]*"')
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


@pytest.fixture
def curriculum():
    """The real curriculum in the catalog tables (its figures are checked against the sources elsewhere)."""
    tree, problems = read_content(settings.CONTENT_DIR, source_dir=None)
    assert not problems, problems
    load_content_tree(tree=tree)


def body_of(response) -> bytes:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return gzip.decompress(content) if response.get("Content-Encoding") == "gzip" else content


class FetchedURLs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (tag, name) in FETCHED:
                self.urls += (
                    [part.split()[0] for part in value.split(",") if part.strip()] if "srcset" in name else [value]
                )
            if name == "style" and value:
                self.urls += CSS_URL.findall(value)

    def handle_data(self, data):
        self.urls += CSS_URL.findall(data)  # inline <style>


def fetched_urls(html: str) -> list[str]:
    parser = FetchedURLs()
    parser.feed(html)
    return parser.urls


def foreign_hosts(html: str) -> set[str]:
    return {urlsplit(url).netloc for url in fetched_urls(html) if urlsplit(url).netloc not in ("", "testserver")}


def static_bytes(client, html: str) -> int:
    """What a first visit also downloads: the page's own static files, gzipped as whitenoise stores them."""
    total = 0
    for url in {url for url in fetched_urls(html) if urlsplit(url).path.startswith(settings.STATIC_URL)}:
        response = client.get(urlsplit(url).path)
        assert response.status_code == 200, url
        content = b"".join(response.streaming_content)
        total += min(len(content), len(gzip.compress(content)))
    return total


def first_pages() -> list[tuple[str, bool]]:
    """(path, as a learner) of the pages a visitor or a learner opens first, and every module page."""
    pages = [(reverse("catalog:home"), False), (reverse("accounts:login"), False), (reverse("accounts:sign_up"), False)]
    learner_pages = [
        "catalog:home",
        "study:study",
        "cohorts:progress_dashboard",
        "study:practice",
        "study:missed",
        "catalog:source_list",
        "cohorts:cohort_list",
    ]
    pages += [(reverse(name), True) for name in learner_pages]
    pages += [(module.get_absolute_url(), True) for module in Module.objects.filter(retired=False)]
    return pages


def test_every_first_page_fits_the_budget_compressed_and_fetches_nothing_from_other_hosts(client, curriculum):
    learner = UserFactory()
    over, foreign, largest_plain = [], {}, 0
    for path, as_learner in first_pages():
        client.logout()
        if as_learner:
            client.force_login(learner)

        response = client.get(path, headers=GZIP)

        assert response.status_code == 200, path
        assert response["Content-Encoding"] == "gzip", path
        html = body_of(response)
        transferred = len(response.content) + static_bytes(client, html.decode())
        if transferred > BUDGET:
            over.append(f"{path}: {transferred} bytes with its static files")
        largest_plain = max(largest_plain, len(html))
        if hosts := foreign_hosts(html.decode()):
            foreign[path] = hosts
    assert over == []
    assert foreign == {}
    assert largest_plain > BUDGET  # what the compression is for: uncompressed, the largest page would not fit


def without_per_response_values(html: bytes) -> bytes:
    """The page with its masked CSRF tokens and CSP nonces (new on every response) blanked out."""
    return NONCE.sub(b'nonce=""', CSRF_TOKEN.sub(b"token", html))


def test_a_compressed_page_reads_the_same_and_says_it_varies_with_the_encoding(client):
    plain = client.get(reverse("catalog:home"))
    compressed = client.get(reverse("catalog:home"), headers=GZIP)

    assert "Content-Encoding" not in plain
    assert without_per_response_values(body_of(compressed)) == without_per_response_values(plain.content)
    vary = {part.strip().lower() for part in compressed["Vary"].split(",")}
    assert {"accept-encoding", "sec-fetch-site"} <= vary


@pytest.mark.parametrize("origin", ["cross-site", "same-site"])
def test_a_page_requested_by_another_site_is_not_compressed(client, origin):
    client.force_login(UserFactory())

    response = client.get(reverse("study:study"), headers={**GZIP, "Sec-Fetch-Site": origin})

    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert b"<main" in response.content


@pytest.mark.parametrize("origin", ["same-origin", "none"])
def test_a_page_the_learner_opens_on_the_site_or_from_the_address_bar_is_compressed(client, origin):
    client.force_login(UserFactory())

    response = client.get(reverse("study:study"), headers={**GZIP, "Sec-Fetch-Site": origin})

    assert response["Content-Encoding"] == "gzip"


def test_the_csrf_token_in_a_page_differs_on_every_response(client):
    """The secret a compressed page carries is masked afresh each time, so there is no fixed string to guess."""
    client.force_login(UserFactory())

    first, second = (CSRF_TOKEN.findall(body_of(client.get(reverse("study:practice"), headers=GZIP))) for _ in range(2))

    assert first and second
    assert set(first).isdisjoint(second)


def test_exports_are_not_compressed_by_the_app(client):
    client.force_login(UserFactory())

    response = client.get(reverse("progress:export_json"), headers=GZIP)

    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_production_static_files_are_stored_compressed_with_hashed_names():
    storage = import_string(real_settings.STORAGES["staticfiles"]["BACKEND"])

    assert issubclass(storage, CompressedManifestStaticFilesStorage)
