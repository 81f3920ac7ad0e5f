"""The request type of views that answer htmx, as in django-htmx's example app: `request.htmx` is typed."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """An HttpRequest that went through django-htmx's middleware."""

    htmx: HtmxDetails
