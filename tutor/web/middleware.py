"""Middleware that holds whole classes of faults off every view at once."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import resolve_url
from django.utils.cache import patch_cache_control, patch_vary_headers

from tutor.web.errors import error_response

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RequestGuardMiddleware:
    """Refuses, with a 400 and a message, what no view can use and some would fail on:

    - a NUL byte in the path or the query string (PostgreSQL refuses NUL in text, so it would reach the database
      as a DataError); a cookie with one is dropped, as if it had not been sent;
    - a form body declared in a charset other than UTF-8 (Django refuses it each time request.POST is read, which
      turned the 400 into a 500 when the CSRF check and then the 400 handler read it again).

    It also lets HEAD reach every GET view (answered as the GET would be, without the body), so that link checkers
    and monitoring probes get the page's real status rather than a 405.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            return error_response(request, 400, "The address contains a character that is not allowed.")
        for name, value in list(request.COOKIES.items()):
            if "\x00" in name or "\x00" in value:
                del request.COOKIES[name]
        if request.method == "POST" and request.content_type in FORM_TYPES:
            charset = (request.encoding or request.content_params.get("charset") or "utf-8").lower()
            if charset.replace("_", "-") not in ("utf-8", "utf8"):
                return error_response(request, 400, "Send the form as UTF-8 (the tutor reads no other encoding).")
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        response = self.get_response(request)
        request.method = "HEAD"
        if response.streaming:
            response.streaming_content = []
        else:
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response


class HtmxLoginRedirectMiddleware:
    """A redirect answered to htmx becomes a whole-page navigation, never a page swapped into a fragment.

    htmx follows a 302 itself and would swap the page it lands on (the log-in form, a test's results) into the
    element that asked. Instead, an expired session goes to the log-in page with HX-Redirect (a fresh page load,
    and the `next` of that log-in page is mapped to a page a browser can open by `safe_next_url`); any other
    redirect becomes HX-Location, which loads the whole page into the body and puts its address in the history.
    A history restore (Back or Forward with no cached page) is left alone: the browser follows the redirect and
    htmx swaps the whole page it lands on.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.headers.get("HX-Request") != "true"
            or request.headers.get("HX-History-Restore-Request") == "true"
            or response.status_code not in (301, 302, 303, 307, 308)
        ):
            return response
        navigation = HttpResponse(status=204)
        for name, value in response.cookies.items():
            navigation.cookies[name] = value
        location = response["Location"]
        if urlsplit(location).path == resolve_url(settings.LOGIN_URL):
            navigation["HX-Redirect"] = location
        else:
            navigation["HX-Location"] = location
        return navigation


class PrivateCacheMiddleware:
    """A page rendered for a signed-in person (their answers, their exports, their cohorts) is never stored by a
    browser's disk cache or a shared proxy: `Cache-Control: private, no-store`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Only when the session was read: a page that never looked at the user is not personal.
        session = getattr(request, "session", None)
        if session is not None and session.accessed and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class HtmlCompressionMiddleware(GZipMiddleware):
    """Gzips HTML pages and fragments (static files come precompressed from whitenoise; CSV and JSON exports are
    left as they are), except in answer to a request another site made the browser send.

    Compression beside a secret in the body is what BREACH measures: an attacker's page makes the victim's browser
    request a page many times with a guess reflected in it and watches the compressed length. Here:
    - a request another site started carries `Sec-Fetch-Site: cross-site` (or `same-site`, from a sibling host) in
      every current browser, and its answer is never compressed, so the attacker's requests have nothing to measure;
    - the secrets a page does carry change on every response: Django masks the CSRF token with a fresh random
      salt each time, and each question's attempt token is issued for that one rendering;
    - Django's gzip pads each response with up to 100 random bytes (Heal the BREACH), blurring lengths further.
    """

    CROSS_SITE = ("cross-site", "same-site")

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        patch_vary_headers(response, ("Sec-Fetch-Site",))
        if request.headers.get("Sec-Fetch-Site", "").lower() in self.CROSS_SITE:
            return response
        return super().process_response(request, response)
