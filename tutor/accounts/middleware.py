"""Who is signed in, as Django's `AuthenticationMiddleware` says, read once and then held as the user itself.

Django puts a lazy stand-in on `request.user` and loads the user at its first use. Every later attribute read goes
through the stand-in's proxy, about a microsecond each, and a study page or an answer reads the user's settings
(time zone, daily limits, desired retention) some dozens of times. Here the first use also puts the loaded user on
`request.user`, so the rest of the request reads plain attributes. The load itself is still lazy: a request that
never looks at the user never reads the session, and a database fault while loading it still happens inside the
view, where `DatabaseFaultMiddleware` answers it.
"""

from __future__ import annotations

from functools import partial

from django.contrib.auth.middleware import AuthenticationMiddleware, get_user
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def user_in_place(request: HttpRequest):
    """The request's user (loaded once, as Django does), left on `request.user` in place of the lazy stand-in."""
    user = get_user(request)
    request.user = user
    return user


class SignedInUserMiddleware(AuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(partial(user_in_place, request))
