"""The request type of views that answer htmx, as in django-htmx's example app: `request.htmx` is typed."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """An HttpRequest that went through django-htmx's middleware."""

    htmx: HtmxDetails


CARD_ID = "card"


def swaps_card(request: HttpRequest) -> bool:
    """Whether this htmx request swaps the question card (`hx-target="#card"`), and so wants only the card."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and htmx.target == CARD_ID and not htmx.history_restore_request
