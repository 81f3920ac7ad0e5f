"""Sessions kept in the database and the shared cache (Django's `cached_db`), read together with their user.

A signed-in request reads two things from the cache before its view runs: its session, then (from the user id the
session holds) its user (`backends.CachedUserBackend`). One after the other, that is two round trips to Redis. Each
app process remembers which user a session belonged to when it last read it, and asks the cache for the session
and that user's copy in one round trip (`get_many`). The copy is used only when the session just read names the
same user, and only by this request: the session stays the only authority on who is signed in, and the copy is the
one `CachedUserBackend` would have read a moment later.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore

from tutor.accounts.backends import forget_user_read_with_session, keep_user_read_with_session, user_cache_key

# Which user each session read by this process belonged to, by a hash of the session key (the key itself, a secret,
# is not kept). Only a hint: a wrong or stale entry costs one cache read for nothing, never the wrong user.
SESSION_USERS: dict[int, str] = {}
# Sessions remembered at most; past it the table starts again (a hint missing costs one round trip, no more).
SESSIONS_REMEMBERED = 50_000


class SessionStore(CachedDbStore):
    def load(self):
        forget_user_read_with_session()
        if not settings.USER_CACHE_SECONDS or self.session_key is None:
            return self._remember_user(super().load())
        hinted = SESSION_USERS.get(hash(self.session_key))
        if hinted is None:
            return self._remember_user(super().load())
        session_key, user_key = self.cache_key, user_cache_key(hinted)
        try:
            found = self._cache.get_many([session_key, user_key])
        except Exception:
            # As Django's own load: a key the cache refuses reads the session from the database.
            found = {}
        data = found.get(session_key)
        if data is None:
            return self._remember_user(super().load())
        if str(data.get(SESSION_KEY)) == hinted:
            keep_user_read_with_session(hinted, found.get(user_key))
        return self._remember_user(data)

    def _remember_user(self, data: dict) -> dict:
        user_id = data.get(SESSION_KEY)
        if user_id is not None and self.session_key is not None:
            if len(SESSION_USERS) >= SESSIONS_REMEMBERED:
                SESSION_USERS.clear()
            SESSION_USERS[hash(self.session_key)] = str(user_id)
        return data
