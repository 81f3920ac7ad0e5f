"""Static files' addresses come from the manifest once per process, and pages carry no script a nonce would allow:
the policy names the site's own scripts and nothing else."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tutor.web import static_files
from tutor.web.static_files import RememberedUrlsStorage

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage(tmp_path):
    manifest = {"version": "1.1", "paths": {"css/app.css": "css/app.0123456789ab.css"}, "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return RememberedUrlsStorage(location=str(tmp_path), base_url="/static/")


def test_a_files_address_is_its_hashed_name_read_from_the_manifest_once(storage, monkeypatch):
    assert storage.url("css/app.css") == "/static/css/app.0123456789ab.css"

    monkeypatch.setattr(storage, "hashed_files", {})  # the manifest is not read again
    assert storage.url("css/app.css") == "/static/css/app.0123456789ab.css"


def test_a_file_missing_from_the_manifest_fails_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/none.css")


def test_the_policy_allows_only_the_sites_own_scripts_and_every_script_is_a_file(logged_in):
    response = logged_in.get(reverse("study:study"))

    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    scripts = BeautifulSoup(response.content, "html.parser").select("script")
    assert scripts
    assert all(script.get("src", "").startswith("/static/") for script in scripts)
    assert not any(script.has_attr("nonce") for script in scripts)


HASHED = {
    "css/app.css": "css/app.0123456789ab.css",
    "img/icon.svg": "img/icon.0123456789ab.svg",
    "js/tutor.js": "js/tutor.0123456789ab.js",
    "django_htmx/htmx-2.min.js": "django_htmx/htmx-2.min.0123456789ab.js",
}


@pytest.fixture
def hashed_storage(tmp_path, settings):
    (tmp_path / "staticfiles.json").write_text(json.dumps({"version": "1.1", "paths": HASHED, "hash": "x"}))
    options = {"location": str(tmp_path), "base_url": "/static/"}
    backend = {"BACKEND": "tutor.web.static_files.RememberedUrlsStorage", "OPTIONS": options}
    settings.STORAGES = {**settings.STORAGES, "staticfiles": backend}  # Django makes a new storage from it


def test_every_page_links_the_hashed_files_its_head_needs_drawn_once(hashed_storage, logged_in, monkeypatch):
    drawn = []
    real_draw = static_files.draw
    monkeypatch.setattr(static_files, "draw", lambda name: drawn.append(name) or real_draw(name))

    pages = [logged_in.get(reverse(name)) for name in ("study:study", "catalog:home", "study:missed")]

    assert drawn == ["_head_assets.html"]
    for page in pages:
        head = BeautifulSoup(page.content, "html.parser").head
        assert head.select_one('link[rel="stylesheet"]')["href"] == "/static/css/app.0123456789ab.css"
        assert head.select_one('link[rel="icon"]')["href"] == "/static/img/icon.0123456789ab.svg"
        scripts = [script["src"] for script in head.select("script")]
        assert scripts == ["/static/django_htmx/htmx-2.min.0123456789ab.js", "/static/js/tutor.0123456789ab.js"]


def test_in_development_the_head_is_drawn_on_every_page(hashed_storage, logged_in, monkeypatch, settings):
    settings.DEBUG = True
    drawn = []
    real_draw = static_files.draw
    monkeypatch.setattr(static_files, "draw", lambda name: drawn.append(name) or real_draw(name))

    for _ in range(2):
        logged_in.get(reverse("catalog:home"))

    assert drawn == ["_head_assets.html"] * 2
