"""Static files' addresses come from the manifest once per process, and pages carry no script a nonce would allow:
the policy names the site's own scripts and nothing else."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

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
