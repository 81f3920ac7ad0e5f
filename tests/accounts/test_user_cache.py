"""With a shared cache, a request reads its user from the cache, and every change to the user is seen at once."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory
from tutor.accounts.backends import forget_users, user_cache_key

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase"


@pytest.fixture(autouse=True)
def user_cache(settings):
    settings.USER_CACHE_SECONDS = 300


def logged_in(user) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the log-in failed"
    return client


def user_reads(client: Client) -> int:
    table = get_user_model()._meta.db_table
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("study:study_settings")).status_code == 200
    return sum(f'FROM "{table}"' in q["sql"] for q in captured.captured_queries)


def test_the_user_is_read_once_then_from_the_cache():
    client = logged_in(UserFactory(password=PASSWORD))

    assert user_reads(client) == 1
    assert user_reads(client) == 0


def test_without_the_setting_every_request_reads_the_user(settings):
    settings.USER_CACHE_SECONDS = 0
    client = logged_in(UserFactory(password=PASSWORD))
    user_reads(client)

    assert user_reads(client) == 1


def test_a_saved_change_is_seen_by_the_next_request():
    learner = UserFactory(password=PASSWORD, new_per_day=10)
    client = logged_in(learner)
    client.get(reverse("study:study_settings"))  # cached now

    learner.new_per_day = 3
    learner.save(update_fields=["new_per_day"])

    assert client.get(reverse("study:study_settings")).context["user"].new_per_day == 3


def test_a_deactivated_account_is_logged_out_at_its_next_request():
    learner = UserFactory(password=PASSWORD)
    client = logged_in(learner)
    client.get(reverse("study:study"))

    learner.is_active = False
    learner.save()

    assert client.get(reverse("study:study")).status_code == 302


def test_a_password_changed_elsewhere_ends_the_other_sessions():
    learner = UserFactory(password=PASSWORD)
    other_tab = logged_in(learner)
    other_tab.get(reverse("study:study"))

    learner.set_password("another long passphrase")
    learner.save()

    assert other_tab.get(reverse("study:study")).status_code == 302


def test_a_deleted_account_is_logged_out():
    learner = UserFactory(password=PASSWORD)
    client = logged_in(learner)
    client.get(reverse("study:study"))

    learner.delete()

    assert client.get(reverse("study:study")).status_code == 302


def test_a_bulk_update_is_forgotten_by_hand():
    from django.core.cache import cache

    learner = UserFactory(password=PASSWORD)
    client = logged_in(learner)
    client.get(reverse("study:study"))
    assert cache.get(user_cache_key(learner.pk)) is not None

    forget_users([learner.pk])

    assert cache.get(user_cache_key(learner.pk)) is None
