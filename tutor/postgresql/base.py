"""Django's PostgreSQL backend, with a health check that costs no round trip while the connection is quiet.

With `CONN_HEALTH_CHECKS`, Django checks a kept connection before a request first uses it by sending `SELECT 1`: a
round trip on every request, about 5% of the study page's time (`make bench`). A server that ends a connection (a
restart, an administrator, an idle timeout) tells the client so: it sends a closing message, then closes the
socket, so the socket has something to read. A connection at rest between requests has nothing to read. So the
socket is looked at first, without waiting: nothing there, and the connection is used as it is; anything there,
and Django's own check (`SELECT 1`) decides, and a connection that fails it is closed and opened afresh, as before.

A connection whose request met a database error is still checked with `SELECT 1` at the end of that request
(Django's `close_if_unusable_or_obsolete`): a server that vanished without a word (a network cut) is found there.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper


def has_something_to_read(fileno: int) -> bool:
    """Whether the socket has data (or its end) waiting, asked without waiting."""
    poller = select.poll()
    poller.register(fileno, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    def close_if_health_check_failed(self):
        if self.connection is None or not self.health_check_enabled or self.health_check_done or self.pool:
            return
        if self.connection.closed or self.connection.broken:
            self.close()
        else:
            try:
                quiet = not has_something_to_read(self.connection.fileno())
            except (OSError, ValueError):
                quiet = False
            if not quiet and not self.is_usable():
                self.close()
        self.health_check_done = True
