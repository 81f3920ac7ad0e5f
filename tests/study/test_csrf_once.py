"""One masked CSRF token per response: the study page's header and its answer form carry the same token, masked
once, and it is accepted when the form is posted."""

from __future__ import annotations

import re

import pytest
from django.middleware.csrf import _does_token_match, get_token, rotate_token
from django.test import Client, RequestFactory
from django.urls import reverse

from tutor.study.models import ReviewLog
from tutor.web import csrf

pytestmark = pytest.mark.django_db


def test_the_study_page_masks_its_token_once_and_the_form_posts_with_it(learner, make_question, monkeypatch):
    make_question()
    masked = []

    def counting_get_token(request):
        masked.append(request)
        return get_token(request)

    monkeypatch.setattr(csrf, "get_token", counting_get_token)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)

    page = client.get(reverse("study:study")).content.decode()

    header_token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    form_tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert len(form_tokens) >= 2  # the answer form and the log-out form
    assert set(form_tokens) == {header_token}
    assert len(masked) == 1
    attempt = re.search(r'name="attempt" value="([^"]+)"', page).group(1)
    answered = client.post(reverse("study:study_answer"), {"csrfmiddlewaretoken": header_token, "attempt": attempt,
                                                           "choice": "a"})  # fmt: skip
    assert answered.status_code == 302 and ReviewLog.objects.filter(learner=learner).count() == 1


def test_a_new_secret_is_masked_afresh():
    request = RequestFactory().get("/")
    first = csrf.response_csrf_token(request)
    assert csrf.response_csrf_token(request) == first

    rotate_token(request)  # as logging in does

    second = csrf.response_csrf_token(request)
    assert second != first and csrf.response_csrf_token(request) == second
    assert _does_token_match(second, request.META["CSRF_COOKIE"])  # a mask of the new secret
    assert not _does_token_match(first, request.META["CSRF_COOKIE"])
