"""Context every page's template gets."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe

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
def _site_urls(urlconf: str, script_prefix: str) -> dict[str, str]:
    return {name: reverse(view, urlconf=urlconf) for name, view in SITE_PAGES.items()}


def site_urls(request) -> dict[str, dict[str, str]]:
    """`site_urls`: the header's links, reversed once per URL configuration and script prefix rather than a dozen
    times on every page."""
    return {"site_urls": _site_urls(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())}


@lru_cache(maxsize=256)
def _site_nav(urlconf: str, script_prefix: str, current: str | None, signed_in: bool) -> SafeString:
    context = {"site_urls": _site_urls(urlconf, script_prefix), "current": current, "signed_in": signed_in}
    return mark_safe(render_to_string("_site_nav.html", context).strip())


def site_nav(request) -> dict[str, SafeString]:
    """`site_nav`: the header's main menu, the current page marked, rendered once per page name and signed-in state
    (a few dozen of each) rather than on every page."""
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    render = _site_nav.__wrapped__ if settings.DEBUG else _site_nav  # in development, edits show at once
    return {"site_nav": render(urlconf, get_script_prefix(), match.url_name if match else None, signed_in)}
