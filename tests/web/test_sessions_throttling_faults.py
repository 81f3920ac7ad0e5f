"""Sessions end at logout, doors are throttled, database faults answer 503 and recover, error pages are pages."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from tests.cohorts.factories import CohortFactory
from tests.factories import EducatorFactory, UserFactory
from tutor.study.models import ReviewLog

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"
HTMX = {"HTTP_HX_REQUEST": "true"}


# --- 14. Server-side sessions --------------------------------------------------------------------------------


def test_sessions_are_kept_on_the_server_through_the_cache():
    """Redis when REDIS_URL is set (production, and CI's PostgreSQL run), local memory otherwise."""
    from importlib import import_module

    from django.contrib.sessions.backends import cached_db

    # Django's cached_db sessions (read together with their user: tutor.accounts.sessions).
    assert issubclass(import_module(settings.SESSION_ENGINE).SessionStore, cached_db.SessionStore)
    expected = (
        "tutor.web.redis_cache.SharedClientRedisCache"
        if settings.REDIS_URL
        else "django.core.cache.backends.locmem.LocMemCache"
    )
    assert settings.CACHES["default"]["BACKEND"] == expected


def test_a_copied_session_cookie_stops_working_after_logout():
    user = UserFactory()
    browser = Client()
    browser.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    copied = browser.cookies[settings.SESSION_COOKIE_NAME].value
    assert browser.get(reverse("cohorts:progress_dashboard")).status_code == 200

    browser.post(reverse("accounts:logout"))
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = copied

    response = thief.get(reverse("cohorts:progress_dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_redis_is_the_cache_when_redis_url_is_set(monkeypatch):
    import importlib

    import tutor.settings

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    try:
        reloaded = importlib.reload(tutor.settings)
        assert reloaded.CACHES["default"] == {
            "BACKEND": "tutor.web.redis_cache.SharedClientRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/3",
        }
        assert reloaded.AXES_HANDLER == "axes.handlers.cache.AxesCacheHandler"
    finally:
        monkeypatch.delenv("REDIS_URL")
        importlib.reload(tutor.settings)


# --- 15. Throttling ------------------------------------------------------------------------------------------


def test_wrong_passwords_lock_the_username_from_that_address_and_a_right_one_resets(client):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert (
            client.post(reverse("accounts:login"), {"username": user.username, "password": "wrong"}).status_code == 200
        )
    assert client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("accounts:login"), {"username": user.username, "password": "wrong"})

    locked = client.post(reverse("accounts:login"), {"username": user.username, "password": "wrong"})
    assert locked.status_code == 429
    assert "Too many wrong passwords" in locked.content.decode()
    again = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert again.status_code == 429  # even the right password waits out the pause
    other_address = Client(REMOTE_ADDR="10.0.0.9")
    assert (
        other_address.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD}).status_code
        == 302
    )


def test_sign_ups_from_one_address_are_limited(client, settings):
    settings.SIGN_UP_LIMIT_PER_HOUR = 2
    for n in range(2):
        response = client.post(reverse("accounts:sign_up"), {"username": f"u{n}", "password1": "x", "password2": "y"})
        assert response.status_code == 400
    throttled = client.post(reverse("accounts:sign_up"), {"username": "u3", "password1": "x", "password2": "y"})

    assert throttled.status_code == 429
    assert "Too many accounts" in throttled.content.decode()
    assert Client(REMOTE_ADDR="10.0.0.9").get(reverse("accounts:sign_up")).status_code == 200


def test_join_code_attempts_are_limited_per_account_and_per_address(settings):
    settings.JOIN_CODE_LIMIT_PER_HOUR = 3
    CohortFactory(owner=EducatorFactory(), join_code="K7QM4XPA")
    account = UserFactory()
    guesser = Client()
    guesser.force_login(account)
    for code in ["AAAA1111", "AAAA2222", "AAAA3333"]:
        assert guesser.post(reverse("cohorts:cohort_join"), {"code": code}).status_code == 400
    throttled = guesser.post(reverse("cohorts:cohort_join"), {"code": "K7QM4XPA"})
    assert throttled.status_code == 429
    assert "Too many join codes" in throttled.content.decode()
    assert guesser.get(reverse("cohorts:cohort_join") + "?code=K7QM4XPA").status_code == 429

    same_account_elsewhere = Client(REMOTE_ADDR="10.0.0.9")
    same_account_elsewhere.force_login(account)
    assert same_account_elsewhere.post(reverse("cohorts:cohort_join"), {"code": "K7QM4XPA"}).status_code == 429
    other_account_same_address = Client()
    other_account_same_address.force_login(UserFactory())
    assert other_account_same_address.post(reverse("cohorts:cohort_join"), {"code": "K7QM4XPA"}).status_code == 429


# --- 16. Database faults -------------------------------------------------------------------------------------


def _answer(client, make_question, attempt_for, learner, **extra):
    question = make_question("single")
    return client.post(
        reverse("study:study_answer"), {"attempt": attempt_for(learner, question), "choice": "b"}, **extra
    )


@pytest.mark.parametrize("htmx", [False, True])
def test_a_read_only_database_while_answering_is_a_503_that_says_the_answer_was_not_saved(
    logged_in, make_question, attempt_for, learner, htmx
):
    fault = OperationalError("cannot execute INSERT in a read-only transaction")
    with (
        mock.patch("tutor.study.services.record_answer", side_effect=fault),
        mock.patch("tutor.web.faults.close_broken_connections") as close,
    ):
        response = _answer(logged_in, make_question, attempt_for, learner, **(HTMX if htmx else {}))

    assert response.status_code == 503
    assert "Your answer was not saved — try again." in response.content.decode()
    assert response["Retry-After"]
    assert close.called
    assert ("<html" in response.content.decode()) is not htmx
    assert not ReviewLog.objects.exists()


def test_the_same_answer_is_accepted_when_sent_again_after_the_fault(logged_in, make_question, attempt_for, learner):
    question = make_question("single")
    data = {"attempt": attempt_for(learner, question), "choice": "b"}
    with mock.patch("tutor.study.services.record_answer", side_effect=InterfaceError("connection already closed")):
        assert logged_in.post(reverse("study:study_answer"), data).status_code == 503

    assert logged_in.post(reverse("study:study_answer"), data).status_code == 302
    assert ReviewLog.objects.count() == 1


def test_a_database_fault_elsewhere_is_a_generic_503_page(logged_in):
    with mock.patch("tutor.study.selectors.study_queue", side_effect=OperationalError("server closed")):
        response = logged_in.get(reverse("study:study"))

    assert response.status_code == 503
    assert "briefly unavailable" in response.content.decode()
    assert 'aria-label="Main"' in response.content.decode()


def test_closing_broken_connections_closes_the_connection_outside_a_transaction():
    from tutor.web.faults import close_broken_connections

    with mock.patch.object(connection, "in_atomic_block", False), mock.patch.object(connection, "close") as close:
        close_broken_connections()
    assert close.called


def test_connections_are_checked_before_reuse():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


# --- 17. Error pages and htmx --------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "title"), [(400, "could not be read"), (403, "cannot open"), (404, "not found")])
def test_error_pages_have_the_site_navigation(client, status, title):
    from tutor.web.errors import error_response

    response = error_response(None, status)
    html = response.content.decode()
    assert response.status_code == status
    assert title in html and 'aria-label="Main"' in html and "Skip to content" in html


def test_a_missing_page_is_the_styled_404(client):
    client.force_login(UserFactory())
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode() and 'aria-label="Main"' in response.content.decode()


def test_the_500_page_renders_without_the_database(rf, django_assert_num_queries):
    from tutor.web.errors import server_error

    request = rf.get("/study/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_an_uncaught_error_is_the_styled_500(logged_in):
    logged_in.raise_request_exception = False
    with mock.patch("tutor.study.selectors.study_queue", side_effect=RuntimeError("boom")):
        response = logged_in.get(reverse("study:study"))
    assert response.status_code == 500
    assert 'aria-label="Main"' in response.content.decode()


def test_an_expired_session_while_answering_with_htmx_navigates_to_the_log_in_page(client):
    response = client.post(reverse("study:study_answer"), {"choice": "b"}, **HTMX)

    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_the_script_reports_failed_swaps_in_a_live_region():
    script = (settings.BASE_DIR / "static" / "js" / "tutor.js").read_text()
    assert "htmx:responseError" in script and "htmx:sendError" in script
    base = (settings.BASE_DIR / "templates" / "base.html").read_text()
    assert 'id="live-status"' in base and 'aria-live="polite"' in base


# --- 18. Caching, HEAD, proxy ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    [
        "cohorts:progress_dashboard",
        "progress:export_reviews_csv",
        "progress:export_json",
        "study:study",
        "cohorts:cohort_list",
    ],
)
def test_personal_pages_and_exports_are_never_stored(client, url_name):
    client.force_login(UserFactory())
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_public_pages_for_an_anonymous_visitor_may_be_cached(client):
    response = client.get(reverse("catalog:home"))
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("url_name", ["catalog:home", "accounts:login", "accounts:sign_up"])
def test_head_works_on_get_pages(client, url_name):
    response = client.head(reverse(url_name))
    assert response.status_code == 200
    assert response.content == b""


def test_head_works_on_a_signed_in_page(client):
    client.force_login(UserFactory())
    assert client.head(reverse("study:study")).status_code == 200


def test_the_proxy_header_is_trusted_only_when_a_proxy_is_configured(monkeypatch):
    import importlib

    import tutor.settings

    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.setenv("ALLOWED_HOSTS", "tutor.example.org")
    try:
        assert not hasattr(importlib.reload(tutor.settings), "SECURE_PROXY_SSL_HEADER")
        monkeypatch.setenv("TRUSTED_PROXY", "1")
        assert importlib.reload(tutor.settings).SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    finally:
        for name in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "TRUSTED_PROXY"):
            monkeypatch.delenv(name, raising=False)
        importlib.reload(tutor.settings)


def test_the_learners_csv_guards_against_formulas(logged_in, make_question, attempt_for, learner):
    question = make_question("numeric")
    logged_in.post(reverse("study:study_answer"), {"attempt": attempt_for(learner, question), "value": "-5"})

    body = b"".join(logged_in.get(reverse("progress:export_reviews_csv")).streaming_content).decode("utf-8-sig")

    assert ",'-5," in body
