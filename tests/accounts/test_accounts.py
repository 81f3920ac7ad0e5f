"""Sign up, log in, log out and password change, each with clear messages for bad input."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import UserFactory
from tutor.accounts.models import Role, User

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase"


def test_sign_up_page_has_labelled_fields(client):
    response = client.get(reverse("accounts:sign_up"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username"' in html
    assert '<label for="id_password1"' in html


def test_sign_up_creates_a_learner_and_logs_them_in(client):
    response = client.post(
        reverse("accounts:sign_up"), {"username": "ana", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("catalog:home")
    user = User.objects.get(username="ana")
    assert user.role == Role.LEARNER
    assert user.check_password(PASSWORD)
    assert client.get(reverse("catalog:home")).context["user"] == user


def test_sign_up_follows_a_safe_next_and_ignores_an_outside_one(client):
    safe = client.post(
        reverse("accounts:sign_up"),
        {"username": "ben", "password1": PASSWORD, "password2": PASSWORD, "next": "/modules/risks/"},
    )
    client.logout()
    unsafe = client.post(
        reverse("accounts:sign_up"),
        {"username": "cai", "password1": PASSWORD, "password2": PASSWORD, "next": "https://evil.example/"},
    )

    assert safe.url == "/modules/risks/"
    assert unsafe.url == reverse("catalog:home")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "dee", "password1": PASSWORD, "password2": "different"}, "match"),
        ({"username": "", "password1": PASSWORD, "password2": PASSWORD}, "This field is required"),
        ({"username": "eve", "password1": "12345678", "password2": "12345678"}, "too common"),
        ({"username": "bad name!", "password1": PASSWORD, "password2": PASSWORD}, "Enter a valid username"),
    ],
)
def test_sign_up_with_bad_input_shows_the_problem_and_creates_nobody(client, data, message):
    response = client.post(reverse("accounts:sign_up"), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_sign_up_with_a_taken_username_is_refused(client):
    UserFactory(username="fay")

    response = client.post(
        reverse("accounts:sign_up"), {"username": "fay", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 400
    assert "already exists" in response.content.decode()


def test_log_in_and_out(client):
    UserFactory(username="gil")

    response = client.post(reverse("accounts:login"), {"username": "gil", "password": "correct horse battery"})
    assert response.status_code == 302
    assert "gil" in client.get(reverse("catalog:home")).content.decode()

    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "Log in" in client.get(reverse("catalog:home")).content.decode()


def test_log_in_with_a_wrong_password_says_so(client):
    UserFactory(username="hal")

    response = client.post(reverse("accounts:login"), {"username": "hal", "password": "nope"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_password_change_needs_a_login(client):
    response = client.get(reverse("accounts:password_change"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_password_change_keeps_the_learner_logged_in(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "correct horse battery",
            "new_password1": PASSWORD,
            "new_password2": PASSWORD,
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert client.get(reverse("accounts:password_change_done")).status_code == 200


def test_demo_users_are_created_on_sqlite_only(settings):
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    engine = settings.DATABASES["default"]["ENGINE"]

    if engine.endswith("sqlite3"):
        assert User.objects.get(username="learner").role == Role.LEARNER
        assert User.objects.get(username="educator").role == Role.EDUCATOR
        assert User.objects.get(username="learner").check_password("learner-demo-pass")
        assert "password: learner-demo-pass" in out.getvalue()
    else:
        assert not User.objects.exists()
        assert "skipped" in out.getvalue()


def test_demo_users_can_be_forced_and_are_reset_on_a_second_run():
    call_command("create_demo_users", "--force", stdout=io.StringIO())
    user = User.objects.get(username="learner")
    user.set_password("changed")
    user.save()

    call_command("create_demo_users", "--force", stdout=io.StringIO())

    assert User.objects.get(username="learner").check_password("learner-demo-pass")


def test_sign_up_keeps_the_time_zone_the_browser_reports(client):
    client.post(
        reverse("accounts:sign_up"),
        {"username": "kim", "password1": PASSWORD, "password2": PASSWORD, "time_zone": "Australia/Sydney"},
    )
    client.logout()
    client.post(
        reverse("accounts:sign_up"),
        {"username": "lee", "password1": PASSWORD, "password2": PASSWORD, "time_zone": "Mars/Olympus_Mons"},
    )

    assert User.objects.get(username="kim").time_zone == "Australia/Sydney"
    assert User.objects.get(username="lee").time_zone == ""  # unknown zone: the site's is used
