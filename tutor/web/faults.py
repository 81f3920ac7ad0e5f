"""Recovering from a database fault by itself: roll back, drop the connection, and tell the person what happened.

A connection opened while the database was read-only (a failover, a maintenance window) keeps that default for as
long as it lives; closing it on the first error means the next request opens a fresh one instead of failing for the
rest of CONN_MAX_AGE.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, InternalError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

from tutor.web.errors import error_response

logger = logging.getLogger(__name__)

# Views that record an answer: a fault there means the answer was lost, and the learner must be told so. The
# answer's token stays valid (nothing was written), so sending it again is safe.
ANSWER_VIEWS = {"study:study_answer", "study:practice_answer"}
ANSWER_NOT_SAVED = "Your answer was not saved — try again."


def is_database_fault(error: BaseException) -> bool:
    return isinstance(error, OperationalError | InterfaceError | InternalError)


def close_broken_connections() -> None:
    """Close every open connection that is not inside a transaction block (those roll back as the block unwinds)."""
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            continue
        try:
            connection.close()
        except Exception:  # a connection that cannot even close is already gone
            logger.warning("Could not close a broken database connection", exc_info=True)


def database_fault_response(request: HttpRequest) -> HttpResponse:
    close_broken_connections()
    match = getattr(request, "resolver_match", None)
    message = ANSWER_NOT_SAVED if match is not None and match.view_name in ANSWER_VIEWS else None
    return error_response(request, 503, message)


class DatabaseFaultMiddleware:
    """Answers a view's database error with a 503 and a clear message, in one place for every view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_fault(exception):
            return None
        logger.warning("Database fault during %s %s: %s", request.method, request.path, exception)
        return database_fault_response(request)
