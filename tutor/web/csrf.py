"""One masked CSRF token per response.

Django masks the CSRF secret afresh (32 random characters) every time `get_token` is called, and a page may ask
for it more than once: the template's `csrf_token` (the htmx header and the log-out form in `base.html`) and a form
rendered once per content revision, whose token is filled in per request (`study.question_forms`). Each masking
costs a few dozen random draws. One per response is as safe: the mask guards against BREACH across responses, and a
page that repeats one token reveals nothing a page with two different masks of the same secret would not.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject


def response_csrf_token(request: HttpRequest) -> str:
    """The request's masked CSRF token, masked once per response; again after the secret changes (a log-in
    rotates it)."""
    secret = request.META.get("CSRF_COOKIE")
    remembered = getattr(request, "_masked_csrf_token", None)
    if remembered is not None and secret is not None and remembered[0] == secret:
        return remembered[1]
    token = get_token(request)
    request._masked_csrf_token = (request.META.get("CSRF_COOKIE"), token)
    return token


def csrf_once(request: HttpRequest) -> dict[str, SimpleLazyObject]:
    """`csrf_token` for templates, as Django's own context processor gives it but from `response_csrf_token`
    (listed after it, so this one is used)."""
    return {"csrf_token": SimpleLazyObject(lambda: response_csrf_token(request))}
