"""One masked CSRF token per response, masked with one read of the system's random source.

Django masks the CSRF secret afresh (32 random characters) every time `get_token` is called, and a page may ask
for it more than once: the template's `csrf_token` (the htmx header and the log-out form in `base.html`) and a form
rendered once per content revision, whose token is filled in per request (`study.question_forms`). One mask per
response is as safe: the mask guards against BREACH across responses, and a page that repeats one token reveals
nothing a page with two different masks of the same secret would not.

Django draws each of the mask's 32 characters with its own call to the system's random source (`secrets.choice`,
a system call each), which made masking a tenth of the cost of a signed-in page (`make bench`, the signed-in floor).
`mask_secret` draws the same mask, from the same source, with one call: 64 random bytes, each byte below 248
(4 times 62) giving one of the 62 characters with equal chances, the rest set aside. The token it makes has Django's
form (mask, then the secret shifted by the mask, 64 letters and digits), and Django's middleware checks it as
its own.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, get_token
from django.utils.functional import SimpleLazyObject

ALPHABET = CSRF_ALLOWED_CHARS
PLACE = {character: place for place, character in enumerate(ALPHABET)}
# The largest multiple of the alphabet's length that a byte can hold: bytes from it up would favour some characters.
FAIR_BYTES_BELOW = 256 - 256 % len(ALPHABET)


def random_characters(count: int) -> str:
    """`count` characters of the alphabet, each equally likely, from the system's random source (one read, rarely
    two)."""
    drawn: list[str] = []
    while len(drawn) < count:
        fair = [byte for byte in secrets.token_bytes(2 * count) if byte < FAIR_BYTES_BELOW]
        drawn.extend(ALPHABET[byte % len(ALPHABET)] for byte in fair[: count - len(drawn)])
    return "".join(drawn)


def mask_secret(secret: str) -> str:
    """The secret hidden under a fresh random mask, as Django's `get_token` makes it: the mask, then each character
    of the secret moved along the alphabet by the mask's character in the same place."""
    mask = random_characters(len(secret))
    shifted = (ALPHABET[(PLACE[s] + PLACE[m]) % len(ALPHABET)] for s, m in zip(secret, mask, strict=True))
    return mask + "".join(shifted)


def response_csrf_token(request: HttpRequest) -> str:
    """The request's masked CSRF token, masked once per response; again after the secret changes (a log-in
    rotates it)."""
    secret = request.META.get("CSRF_COOKIE")
    remembered = getattr(request, "_masked_csrf_token", None)
    if remembered is not None and secret is not None and remembered[0] == secret:
        return remembered[1]
    if secret is None:
        token = get_token(request)  # Django makes the secret and sets its cookie; it masks this first one
    else:
        # As `get_token` does with a secret the browser sent: the cookie is sent again, so its expiry is renewed.
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
        token = mask_secret(secret)
    request._masked_csrf_token = (request.META.get("CSRF_COOKIE"), token)
    return token


def csrf_once(request: HttpRequest) -> dict[str, SimpleLazyObject]:
    """`csrf_token` for templates, as Django's own context processor gives it but from `response_csrf_token`
    (listed after it, so this one is used)."""
    return {"csrf_token": SimpleLazyObject(lambda: response_csrf_token(request))}
