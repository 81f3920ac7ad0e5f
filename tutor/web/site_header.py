"""`{% site_header %}`: the site's header, drawn once per page name and signed-in state, with this request's values
filled in.

The header (brand, menu, search box, account links) was the largest part of drawing `base.html`, the same on every
page but for three values: the learner's name, the CSRF token of the log-out form and the words in the search box.
It is drawn once for each page name (the menu marks the page you are on) and signed-in state, with a slot where each
of those values goes, and kept; each request fills in its own. In development it is drawn on every page, so edits
show at once.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tutor.web.context_processors import reversed_site_urls
from tutor.web.csrf import response_csrf_token

register = template.Library()

# Letters and digits only, so that no escaping changes them on the way through the template.
SLOTS = {
    "username": "usernameslot7c1e9b3a5d",
    "csrf_token": "csrfslot2d8f6a4e0b",
    "search_query": "searchslot9b5c3e1f7a",
}
SLOT_NAMES = {slot: name for name, slot in SLOTS.items()}
BETWEEN_SLOTS = re.compile("(" + "|".join(SLOTS.values()) + ")")


@lru_cache(maxsize=256)
def drawn_header(urlconf: str, script_prefix: str, current: str | None, signed_in: bool) -> tuple[str, ...]:
    """The header drawn with a slot for each value, cut at the slots: the drawn text and the slots alternate."""
    site_urls = reversed_site_urls(urlconf, script_prefix)
    context = {"site_urls": site_urls, "current": current, "signed_in": signed_in, **SLOTS}
    return tuple(BETWEEN_SLOTS.split(render_to_string("_site_header.html", context).strip()))


@register.simple_tag(takes_context=True)
def site_header(context) -> SafeString:
    """`{% site_header %}` in `base.html`: the kept header for this page and state, with this request's values."""
    request = getattr(context, "request", None)
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    match = getattr(request, "resolver_match", None)
    draw = drawn_header.__wrapped__ if settings.DEBUG else drawn_header
    current = match.url_name if match else None
    parts = draw(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), current, signed_in)
    values = {
        "username": escape(user.get_username()) if signed_in else "",
        "csrf_token": response_csrf_token(request) if signed_in else "",  # letters and digits
        "search_query": escape(context.get("search_query") or ""),
    }
    # One pass, so that a value that happens to contain a slot's letters is never filled in again.
    return mark_safe("".join(values[SLOT_NAMES[part]] if odd else part for odd, part in alternating(parts)))


def alternating(parts: tuple[str, ...]):
    """(False, drawn text), (True, slot), (False, drawn text), … as `re.split` with one group leaves them."""
    return ((index % 2 == 1, part) for index, part in enumerate(parts))


@receiver(setting_changed)
def draw_headers_afresh(*, setting: str, **kwargs) -> None:
    """A test that changes where static files or pages are served from gets headers drawn with its settings."""
    if setting in {"STORAGES", "STATIC_URL", "ROOT_URLCONF", "DEBUG"}:
        drawn_header.cache_clear()
