"""Two transactions open at once, for the tallies that must count a row once when two writers race (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections, transaction


def second_waits_for_first(first: Callable[[], object], second: Callable[[], object]) -> None:
    """Run `first` in a transaction held open in one thread, then `second` in a transaction of another. Assert that
    the second waits (for a lock the first holds) until the first commits; then let it commit, and wait for both.
    An error raised by either is raised here."""
    first_in, may_commit = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def in_transaction(work: Callable[[], object], hold: bool) -> None:
        try:
            with transaction.atomic():
                work()
                if hold:
                    first_in.set()
                    may_commit.wait(timeout=10)
        except BaseException as error:  # raised below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    opening = threading.Thread(target=in_transaction, args=(first, True))
    opening.start()
    assert first_in.wait(timeout=10), errors
    following = threading.Thread(target=in_transaction, args=(second, False))
    following.start()
    following.join(timeout=1)
    waited = following.is_alive()
    may_commit.set()
    opening.join(timeout=10)
    following.join(timeout=10)
    if errors:
        raise errors[0]
    assert waited, "the second transaction should have waited for the first to commit"
