"""Error pages: 400, 403, 404, 429, 500 and 503, each a styled page with the site's navigation and a plain message.

They are rendered without the request's context processors, so an error page never loads the user, the session or
anything else from the database: the 500 and 503 pages must work when the database is what failed. To htmx an error
is a short fragment, which the question card shows in place of the dead click.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

TITLES = {
    400: "That request could not be read",
    403: "You cannot open this page",
    404: "Page not found",
    405: "That page does not take this kind of request",
    429: "Too many attempts",
    500: "Something went wrong on our side",
    503: "The tutor is briefly unavailable",
}
MESSAGES = {
    400: "Something in the request was not in a form the tutor understands. Go back, check what you entered and "
    "try again.",
    403: "Your account does not have access to this page.",
    404: "There is no page at this address. It may have moved, or the link may be mistyped.",
    405: "Open the page from the site's navigation instead.",
    429: "There were too many attempts in a short time. Wait a few minutes, then try again.",
    500: "The error has been logged. Try again in a moment; if it keeps happening, tell your course administrator.",
    503: "The tutor could not reach its database just now. Nothing was changed — try again in a few seconds.",
}


def error_response(
    request: HttpRequest | None, status: int, message: str | None = None, *, title: str | None = None
) -> HttpResponse:
    """The error page for `status`; for an htmx request that swaps a part of the page, only the message, for the
    card's live region (an htmx request that loads a whole page gets the whole error page)."""
    context = {
        "status": status,
        "title": title or TITLES.get(status, "Something went wrong"),
        "message": message or MESSAGES.get(status, MESSAGES[500]),
    }
    fragment = request is not None and request.headers.get("HX-Request") == "true" and not _loads_whole_page(request)
    template = "errors/_message.html" if fragment else "errors/page.html"
    response = HttpResponse(render_to_string(template, context), status=status)
    if status in (429, 503):
        response["Retry-After"] = "5" if status == 503 else "300"
    return response


def _loads_whole_page(request: HttpRequest) -> bool:
    # Read from the headers: the error handlers also answer requests that never reached django-htmx's middleware.
    return request.headers.get("HX-History-Restore-Request") == "true" or (
        request.method == "GET" and not request.headers.get("HX-Target")
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Not wrapped in `requires_csrf_token`: that re-reads request.POST, which is what failed for a body in an
    # unreadable charset, and turned a 400 into a 500.
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500, or a 503 when the error came from the database (a fault in middleware, outside any view)."""
    import sys

    from tutor.web.faults import database_fault_response, is_database_fault

    error = sys.exc_info()[1]
    if error is not None and is_database_fault(error):
        return database_fault_response(request)
    return error_response(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_response(
        request,
        403,
        "This form had expired or was sent from another site. Reload the page and send it again.",
        title="The form could not be sent",
    )


def login_locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What django-axes answers once an account has had too many wrong passwords from one address."""
    return error_response(
        request,
        429,
        "Too many wrong passwords for this account from your network. Wait 15 minutes and try again, or ask your "
        "course administrator to reset your password.",
        title="Log-in paused",
    )
