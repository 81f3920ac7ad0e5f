"""The address a throttle counts by is a real IP address or none: django-axes stores it in an address column."""

from __future__ import annotations

from django.test import RequestFactory

from tutor.web.throttle import client_address, client_ip


def test_no_address_or_a_malformed_one_is_none_for_axes_and_unknown_for_keys():
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR", None)
    assert client_address(request) is None and client_ip(request) == "unknown"
    request.META["REMOTE_ADDR"] = "not-an-address"
    assert client_address(request) is None
    request.META["REMOTE_ADDR"] = "2001:db8::1"
    assert client_address(request) == "2001:db8::1"


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(settings):
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7", REMOTE_ADDR="10.0.0.2")
    settings.TRUSTED_PROXY = False
    assert client_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXY = True
    assert client_address(request) == "198.51.100.7"
