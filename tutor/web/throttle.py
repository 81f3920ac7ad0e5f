"""A small cache-based limit on how often one address or one account may try something (sign-up, join codes).

Log-in is throttled by django-axes, which also resets on success; this covers the other doors. Counts live in the
configured cache (Redis in production, shared by every worker; local memory on a developer's machine and in tests).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The caller's IP address, or None when there is no valid one: the proxy's X-Forwarded-For (its last hop) only
    when a trusted proxy is configured. django-axes stores it in an address column, so it must be an address."""
    candidate = request.META.get("REMOTE_ADDR", "")
    if settings.TRUSTED_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            candidate = forwarded[-1]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The caller's address as a throttling key ("unknown" when there is none)."""
    return client_address(request) or "unknown"


def over_limit(*, action: str, keys: list[str], limit: int, window_seconds: int) -> bool:
    """Count one more attempt at `action` under each key; True when any key has passed `limit` in its window.

    The window is fixed from the first attempt (not sliding): simple, one cache round trip per key, and enough to
    turn a script's thousands of tries into a handful.
    """
    limited = False
    for key in keys:
        name = f"throttle:{action}:{key}"
        cache.add(name, 0, timeout=window_seconds)
        try:
            count = cache.incr(name)
        except ValueError:  # expired between add and incr: this is the first attempt of a new window
            cache.set(name, 1, timeout=window_seconds)
            count = 1
        limited = limited or count > limit
    return limited
