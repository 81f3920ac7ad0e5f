"""Once a request has loaded its user, `request.user` is the user itself rather than Django's lazy stand-in, and the
user is still loaded only when something first looks at it."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from tests.factories import UserFactory
from tutor.accounts.middleware import SignedInUserMiddleware
from tutor.accounts.models import User

pytestmark = pytest.mark.django_db


def request_through_middleware(session_of: User | None = None):
    """A request that has been through the session middleware and ours, as a view would receive it."""
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    if session_of is not None:
        request.session[SESSION_KEY] = str(session_of.pk)
        request.session["_auth_user_backend"] = "tutor.accounts.backends.CachedUserBackend"
        request.session["_auth_user_hash"] = session_of.get_session_auth_hash()
        request.session.save()
        request.session = type(request.session)(request.session.session_key)  # as the next request reads it
    SignedInUserMiddleware(lambda r: HttpResponse()).process_request(request)
    return request


def test_the_user_is_not_loaded_until_something_looks_at_it():
    learner = UserFactory()
    request = request_through_middleware(session_of=learner)

    assert type(request.user) is SimpleLazyObject
    assert not request.session.accessed


def test_after_its_first_use_request_user_is_the_user_itself():
    learner = UserFactory()
    request = request_through_middleware(session_of=learner)
    stand_in = request.user

    assert request.user.pk == learner.pk

    assert type(request.user) is User
    assert request.user.username == learner.username
    # Whatever kept the stand-in from before still reaches the same user.
    assert stand_in.pk == learner.pk


def test_without_a_session_the_request_holds_the_anonymous_user():
    request = request_through_middleware()

    assert not request.user.is_authenticated
    assert type(request.user) is AnonymousUser


def test_a_signed_in_page_leaves_the_user_itself_on_the_request():
    learner = UserFactory()
    client = Client()
    client.force_login(learner)

    response = client.get(reverse("study:study"))

    assert response.status_code == 200
    assert type(response.wsgi_request.user) is User
    assert response.wsgi_request.user.pk == learner.pk
