"""Bad input anywhere gets a 4xx with a message, never a 500: dates, durations, charsets, `next`, NUL, time zones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.cohorts.factories import AssignmentFactory, CohortFactory, MembershipFactory
from tests.factories import EducatorFactory, UserFactory
from tutor.accounts.models import User
from tutor.cohorts.models import EducatorInvite, end_of_day, start_of_day
from tutor.study.models import ReviewLog

pytestmark = pytest.mark.django_db
PASSWORD = "a long and unusual passphrase"


# --- 7. Far-future dates -------------------------------------------------------------------------------------


def test_the_day_arithmetic_never_overflows():
    assert end_of_day(dt.date.max) > start_of_day(dt.date.max - dt.timedelta(days=1))
    assert start_of_day(dt.date.min) < end_of_day(dt.date.min)


@pytest.mark.parametrize("field", ["due_on", "opens_on"])
def test_an_assignment_date_beyond_five_years_is_refused_with_a_message(client, field):
    educator = EducatorFactory()
    cohort = CohortFactory(owner=educator)
    client.force_login(educator)
    data = {"modules": [], "title": "Far", "opens_on": "2026-01-01", "due_on": "2026-02-01", "target_accuracy": 80}
    data[field] = "9999-12-31"
    if field == "opens_on":
        data["due_on"] = "9999-12-31"

    response = client.post(reverse("cohorts:assignment_create", args=[cohort.pk]), data)

    assert response.status_code == 400
    assert "within five years" in response.content.decode()


def test_a_join_code_expiry_beyond_five_years_is_refused_with_a_message(client):
    educator = EducatorFactory()
    cohort = CohortFactory(owner=educator)
    client.force_login(educator)

    response = client.post(reverse("cohorts:cohort_rotate_code", args=[cohort.pk]), {"expires_on": "9999-12-31"})

    assert response.status_code == 400
    assert "within five years" in response.content.decode()


def test_stored_far_future_dates_do_not_break_any_page(client, bank):
    educator = EducatorFactory()
    cohort = CohortFactory(owner=educator, join_code_expires_on=dt.date(9999, 12, 31))
    assignment = AssignmentFactory(
        cohort=cohort, module_slugs=["risks"], opens_on=dt.date(9999, 12, 30), due_on=dt.date(9999, 12, 31)
    )
    learner = MembershipFactory(cohort=cohort).learner

    client.force_login(educator)
    for url in [cohort.get_absolute_url(), assignment.get_absolute_url(), reverse("cohorts:cohort_list")]:
        assert client.get(url).status_code == 200, url
    client.force_login(learner)
    for url in [reverse("cohorts:cohort_list"), reverse("cohorts:progress_dashboard"), reverse("study:study")]:
        assert client.get(url).status_code == 200, url


# --- 9. duration_ms ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("duration", ["²", "٣٤٥", "9" * 5000, "-5", "1e9", "12.5", " "])
def test_a_bad_duration_is_dropped_and_the_answer_still_counts(
    logged_in, make_question, attempt_for, learner, duration
):
    question = make_question("single")

    response = logged_in.post(
        reverse("study:study_answer"),
        {"attempt": attempt_for(learner, question), "choice": "b", "duration_ms": duration},
    )

    assert response.status_code == 302
    assert ReviewLog.objects.get().duration_ms is None


def test_a_huge_ascii_duration_is_capped(logged_in, make_question, attempt_for, learner):
    question = make_question("single")

    logged_in.post(
        reverse("study:study_answer"),
        {"attempt": attempt_for(learner, question), "choice": "b", "duration_ms": "9" * 12},
    )

    assert ReviewLog.objects.get().duration_ms == 24 * 3600 * 1000


# --- 10. Form bodies in other charsets ---------------------------------------------------------------------


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "x-unknown"])
@pytest.mark.parametrize("url_name", ["accounts:login", "accounts:sign_up", "study:study_settings"])
def test_a_form_post_in_another_charset_gets_a_400_page(charset, url_name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())

    response = client.generic(
        "POST",
        reverse(url_name),
        b"username=ana&password=x",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )

    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()


# --- 11. next ------------------------------------------------------------------------------------------------


def test_safe_next_url_keeps_only_local_pages_that_exist(rf):
    from tutor.web.next_url import safe_next_url

    request = rf.get("/")
    assert safe_next_url(request, "/progress/", "/") == "/progress/"
    assert safe_next_url(request, "/modules/risks/?tab=1#x", "/") == "/modules/risks/?tab=1#x"
    for bad in ["https://evil.example/", "//evil.example/", "x", "welcome", "/no/such/page/", "", None, "/\\evil"]:
        assert safe_next_url(request, bad, "/fallback/") == "/fallback/", bad


def test_safe_next_url_sends_a_post_only_page_to_its_get_page(rf):
    from tutor.web.next_url import safe_next_url

    request = rf.get("/")
    assert safe_next_url(request, "/study/answer/", "/") == "/study/"
    assert safe_next_url(request, "/practice/7/answer/", "/") == "/practice/7/"
    assert safe_next_url(request, "/study/answers/3/rating/", "/") == "/study/answers/3/"


@pytest.mark.parametrize(
    ("next_url", "lands"), [("https://evil.example/", None), ("x", None), ("/missed/", "/missed/")]
)
def test_the_rating_form_follows_only_a_safe_next(logged_in, make_question, attempt_for, learner, next_url, lands):
    question = make_question("single")
    logged_in.post(reverse("study:study_answer"), {"attempt": attempt_for(learner, question), "choice": "b"})
    log = ReviewLog.objects.get()

    response = logged_in.post(reverse("study:change_rating", args=[log.pk]), {"rating": "3", "next": next_url})

    assert response.status_code == 302
    assert response.url == (lands or reverse("study:study_feedback", args=[log.pk]))


@pytest.mark.parametrize("next_url", ["welcome", "https://evil.example/", "/\\evil.example"])
def test_sign_up_with_a_bad_next_creates_the_account_and_goes_home(client, next_url):
    response = client.post(
        reverse("accounts:sign_up") + f"?next={next_url}",
        {"username": "ana", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == reverse("catalog:home")
    assert User.objects.filter(username="ana").exists()


@pytest.mark.parametrize("next_url", ["welcome", "https://evil.example/"])
def test_log_in_with_a_bad_next_goes_home(client, next_url):
    user = UserFactory()
    response = client.post(
        reverse("accounts:login") + f"?next={next_url}",
        {"username": user.username, "password": "correct horse battery"},
    )

    assert response.status_code == 302
    assert response.url == reverse("catalog:home")


def test_logging_in_after_posting_an_answer_returns_to_the_study_page(client):
    """Without JS, an answer posted after the session expired leads to the log-in page and then to /study/."""
    user = UserFactory()
    bounced = client.post(reverse("study:study_answer"), {"choice": "b"})
    assert bounced.status_code == 302

    response = client.post(bounced.url, {"username": user.username, "password": "correct horse battery"})

    assert response.status_code == 302
    assert response.url == reverse("study:study")


# --- 12. NUL bytes -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/educator/invite/abc%00def/", "/modules/risks/?x=%00", "/cohorts/join/?code=AB%00CD", "/%00/"]
)
def test_a_nul_byte_in_a_path_or_query_is_a_400(client, path):
    EducatorInvite.objects.create()
    client.force_login(UserFactory())

    response = client.get(path)

    assert response.status_code == 400


# --- 13. Time zones ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reported", "stored"),
    [("UTC", "UTC"), ("Etc/UTC", "UTC"), ("Europe/Paris", "Europe/Paris"), ("localtime", ""), ("Factory", "")],
)
def test_sign_up_keeps_a_real_browser_zone_and_settings_can_then_be_saved(client, reported, stored):
    client.post(
        reverse("accounts:sign_up"),
        {"username": "ana", "password1": PASSWORD, "password2": PASSWORD, "time_zone": reported},
    )
    user = User.objects.get(username="ana")
    assert user.time_zone == stored

    page = client.get(reverse("study:study_settings"))
    form = page.context["form"]
    data = {
        "desired_retention": form.initial["desired_retention"],
        "new_per_day": "20",
        "time_zone": form["time_zone"].value(),
    }
    saved = client.post(reverse("study:study_settings"), data)

    assert saved.status_code == 302
    user.refresh_from_db()
    assert user.time_zone == stored


def test_a_stored_unknown_zone_falls_back_to_the_site_zone_with_a_message(client):
    user = UserFactory(time_zone="Factory")
    client.force_login(user)

    page = client.get(reverse("study:study_settings"))

    assert page.status_code == 200
    assert page.context["form"]["time_zone"].value() == ""
    assert "is not a time zone we know" in page.content.decode()


def test_settings_accept_utc_as_a_choice(client):
    client.force_login(UserFactory())

    response = client.post(
        reverse("study:study_settings"), {"desired_retention": "0.90", "new_per_day": "20", "time_zone": "UTC"}
    )

    assert response.status_code == 302


# --- Found by the URL fuzz test: an id too large for the database ----------------------------------------------


@pytest.mark.parametrize("path", ["/cohorts/{}/leave/", "/practice/{}/finish/", "/study/answers/{}/rating/"])
def test_an_id_too_large_for_the_database_is_a_404(client, path):
    client.force_login(UserFactory())

    response = client.post(path.format("9" * 30))

    assert response.status_code == 404


def test_every_post_only_page_names_the_page_a_login_returns_to(client):
    """A `next` can point at any POST-only URL (a session expired mid-form): each must map to a page to GET."""
    import re

    from django.urls import resolve

    from tests.web.test_fuzz_urls import ROUTES
    from tutor.web.next_url import GET_PAGE_FOR

    client.force_login(UserFactory())
    post_only = []
    for _name, route in ROUTES:
        path = "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: "1" if m.group(1) in ("id", "int") else "risks", route)
        if client.get(path).status_code == 405:
            post_only.append(resolve(path).view_name)  # namespaced, as GET_PAGE_FOR names them

    assert post_only and sorted(set(post_only) - set(GET_PAGE_FOR)) == []
