"""Context every page's template gets."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# The pages the header links to on every page, by the name `base.html` uses.
SITE_PAGES = {
    "home": "catalog:home",
    "search": "catalog:search",
    "study": "study:study",
    "practice": "study:practice",
    "missed": "study:missed",
    "flagged": "study:flagged",
    "progress": "cohorts:progress_dashboard",
    "cohorts": "cohorts:cohort_list",
    "settings": "study:study_settings",
    "account": "accounts:password_change",
    "log_in": "accounts:login",
    "log_out": "accounts:logout",
    "sign_up": "accounts:sign_up",
}


@lru_cache(maxsize=16)
def reversed_site_urls(urlconf: str, script_prefix: str) -> dict[str, str]:
    """The header's links under one URL configuration and script prefix (kept: a few combinations at most)."""
    return {name: reverse(view, urlconf=urlconf) for name, view in SITE_PAGES.items()}


def site_urls(request) -> dict[str, dict[str, str]]:
    """`site_urls`: the header's links, reversed once per URL configuration and script prefix rather than a dozen
    times on every page."""
    return {"site_urls": reversed_site_urls(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())}
