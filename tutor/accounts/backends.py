"""Log-in by username and password (Django's ModelBackend), with each request's user read from the shared cache.

Every authenticated request loads its user. With a cache shared by all app servers (Redis: `USER_CACHE_SECONDS`
above 0, see settings), the row is kept there after the first read and dropped whenever the user is saved or
deleted, so a change made on one server (settings, password, deactivation) is seen by the next request on any
server. Changes that bypass `save()` (a queryset `update()`) must call `forget_user`. With a per-process cache
(development) the setting is 0 and every request reads the row, as Django does.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.signals import request_finished


def user_cache_key(user_id: object) -> str:
    return f"accounts:user:{user_id}"


def forget_user(user_id: object) -> None:
    """Drop the cached copy of a user, so that the next request reads the row."""
    cache.delete(user_cache_key(user_id))


def forget_users(user_ids: list[object]) -> None:
    """Drop the cached copies of many users at once (after a bulk update, which sends no post_save)."""
    cache.delete_many([user_cache_key(user_id) for user_id in user_ids])


# The user's cached copy read in one round trip with this request's session (`sessions.SessionStore`), as
# (user id, user); taken once, and dropped when the request ends.
_read_with_session: ContextVar[tuple[str, object] | None] = ContextVar("read_with_session", default=None)


def keep_user_read_with_session(user_id: object, user: object | None) -> None:
    _read_with_session.set((str(user_id), user) if user is not None else None)


def user_read_with_session(user_id: object) -> object | None:
    """The cached copy of the user read together with this request's session, if it is this user's; once."""
    found = _read_with_session.get()
    if found is None or found[0] != str(user_id):
        return None
    _read_with_session.set(None)
    return found[1]


def forget_user_read_with_session(**kwargs) -> None:
    _read_with_session.set(None)


request_finished.connect(forget_user_read_with_session, dispatch_uid="forget_user_read_with_session")


class CachedUserBackend(ModelBackend):
    def get_user(self, user_id):
        seconds = settings.USER_CACHE_SECONDS
        if not seconds:
            return super().get_user(user_id)
        key = user_cache_key(user_id)
        # Read with the request's session when this process knew whose it was (`sessions`): no round trip of its own.
        user = user_read_with_session(user_id)
        if user is None:
            user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                cache.set(key, user, seconds)
            return user
        return user if self.user_can_authenticate(user) else None
