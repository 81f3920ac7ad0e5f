"""A signed-in request reads its session and its user from the cache in one round trip, once the app process knows
whose session it is; the session alone says who is signed in."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.core.cache import caches
from django.core.signals import request_finished
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tutor.accounts import sessions
from tutor.accounts.backends import keep_user_read_with_session, user_cache_key, user_read_with_session

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase"


@pytest.fixture(autouse=True)
def user_cache(settings):
    settings.USER_CACHE_SECONDS = 300
    sessions.SESSION_USERS.clear()
    yield
    sessions.SESSION_USERS.clear()


@pytest.fixture
def cache_reads(monkeypatch):
    """Each read of the shared cache during a request, as the list of keys it asked for."""
    reads: list[list[str]] = []
    cache = caches["default"]
    get, get_many = cache.get, cache.get_many

    inside_get_many = []  # the local-memory cache answers get_many with one get per key: one read all the same

    def counted_get(key, *args, **kwargs):
        if not inside_get_many:
            reads.append([key])
        return get(key, *args, **kwargs)

    def counted_get_many(keys, *args, **kwargs):
        reads.append(list(keys))
        inside_get_many.append(True)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside_get_many.pop()

    monkeypatch.setattr(cache, "get", counted_get)
    monkeypatch.setattr(cache, "get_many", counted_get_many)
    return reads


def logged_in(user) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the log-in failed"
    return client


def reads_naming(reads: list[list[str]], key: str) -> list[list[str]]:
    return [keys for keys in reads if any(k.endswith(key) for k in keys)]


def test_once_the_process_knows_whose_session_it_is_session_and_user_come_in_one_read(cache_reads):
    learner = UserFactory(password=PASSWORD)
    client = logged_in(learner)
    client.get(reverse("study:study_settings"))  # the user's copy is cached now
    session_key, user_key = KEY_PREFIX + client.session.session_key, user_cache_key(learner.pk)
    cache_reads.clear()

    response = client.get(reverse("study:study_settings"))

    assert response.context["user"] == learner
    assert reads_naming(cache_reads, session_key) == reads_naming(cache_reads, user_key)
    assert len(reads_naming(cache_reads, session_key)) == 1


def test_a_process_that_has_not_seen_the_session_reads_it_then_the_user(cache_reads):
    learner = UserFactory(password=PASSWORD)
    client = logged_in(learner)
    client.get(reverse("study:study_settings"))
    session_key = KEY_PREFIX + client.session.session_key
    sessions.SESSION_USERS.clear()  # as a second app server would be
    cache_reads.clear()

    response = client.get(reverse("study:study_settings"))

    assert response.context["user"] == learner
    assert len(reads_naming(cache_reads, session_key)) == 1
    assert len(reads_naming(cache_reads, user_cache_key(learner.pk))) == 1


def test_a_wrong_guess_of_whose_session_it_is_never_signs_in_the_other_user():
    learner, other = UserFactory(password=PASSWORD), UserFactory(password=PASSWORD)
    client, other_client = logged_in(learner), logged_in(other)
    client.get(reverse("study:study_settings"))
    other_client.get(reverse("study:study_settings"))  # the other user's copy is cached too
    sessions.SESSION_USERS[hash(client.session.session_key)] = str(other.pk)

    response = client.get(reverse("study:study_settings"))

    assert response.context["user"] == learner


def test_a_change_to_the_user_is_seen_although_the_session_is_read_with_the_old_copy():
    learner = UserFactory(password=PASSWORD, new_per_day=10)
    client = logged_in(learner)
    client.get(reverse("study:study_settings"))
    client.get(reverse("study:study_settings"))

    learner.new_per_day = 4
    learner.save(update_fields=["new_per_day"])

    assert client.get(reverse("study:study_settings")).context["user"].new_per_day == 4


def test_the_copy_read_with_a_session_serves_its_own_user_once_and_not_past_the_request():
    learner = UserFactory()

    keep_user_read_with_session(learner.pk, learner)
    assert user_read_with_session(learner.pk + 1) is None
    assert user_read_with_session(learner.pk) is learner
    assert user_read_with_session(learner.pk) is None

    keep_user_read_with_session(learner.pk, learner)
    request_finished.send(sender=None)
    assert user_read_with_session(learner.pk) is None


def test_without_a_shared_user_cache_the_session_is_read_as_django_reads_it(settings, cache_reads):
    settings.USER_CACHE_SECONDS = 0
    learner = UserFactory(password=PASSWORD)
    client = logged_in(learner)
    client.get(reverse("study:study_settings"))
    cache_reads.clear()

    assert client.get(reverse("study:study_settings")).context["user"] == learner
    assert not reads_naming(cache_reads, user_cache_key(learner.pk))
