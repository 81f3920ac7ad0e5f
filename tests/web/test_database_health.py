"""A kept PostgreSQL connection is checked before a request uses it without a round trip while the server has said
nothing, and replaced when the server has ended it."""

from __future__ import annotations

import socket
import time
from unittest import mock

import pytest
from django.db import connection

from tutor.postgresql.base import has_something_to_read

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL backend: run with DATABASE_URL=postgres://…"
)


def test_a_quiet_socket_has_nothing_to_read_and_a_closed_one_has():
    ours, theirs = socket.socketpair()
    try:
        assert not has_something_to_read(ours.fileno())
        theirs.sendall(b"E")  # a server's closing message
        assert has_something_to_read(ours.fileno())
        ours.recv(1)
        theirs.close()  # the end of the connection
        assert has_something_to_read(ours.fileno())
    finally:
        ours.close()


def checked_again() -> mock.MagicMock:
    """Ask for the health check a new request would get, counting the `SELECT 1` checks it makes."""
    connection.health_check_done = False
    return mock.patch.object(connection, "is_usable", wraps=connection.is_usable)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_connection_at_rest_is_used_without_a_round_trip():
    connection.ensure_connection()
    assert connection.health_check_enabled
    kept = connection.connection

    with checked_again() as is_usable:
        connection.close_if_health_check_failed()

    assert not is_usable.called
    assert connection.connection is kept
    assert connection.health_check_done


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_ended_is_replaced_before_the_next_query():
    connection.ensure_connection()
    ended = connection.connection
    with connection.get_new_connection(connection.get_connection_params()) as administrator:
        administrator.execute("SELECT pg_terminate_backend(%s)", [ended.info.backend_pid])
    deadline = time.monotonic() + 5
    while not has_something_to_read(ended.fileno()) and time.monotonic() < deadline:
        time.sleep(0.01)

    with checked_again() as is_usable, connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)

    assert is_usable.called
    assert connection.connection is not ended
