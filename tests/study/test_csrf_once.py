"""One masked CSRF token per response: the study page's header and its answer form carry the same token, masked
once, and it is accepted when the form is posted."""

from __future__ import annotations

import re

import pytest
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_TOKEN_LENGTH,
    _does_token_match,
    _get_new_csrf_string,
    _unmask_cipher_token,
    get_token,
    rotate_token,
)
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


def test_a_mask_made_here_is_one_django_accepts_and_reveals_nothing_of_the_secret():
    secret = _get_new_csrf_string()

    tokens = {csrf.mask_secret(secret) for _ in range(50)}

    assert len(tokens) == 50  # a fresh mask every time
    for token in tokens:
        assert len(token) == CSRF_TOKEN_LENGTH and set(token) <= set(CSRF_ALLOWED_CHARS)
        assert secret not in token
        assert _unmask_cipher_token(token) == secret and _does_token_match(token, secret)


def test_each_character_of_the_mask_comes_from_one_fair_byte(monkeypatch):
    reads = iter([bytes([0, 61, 62, 247, 248, 255, 1, 2]), bytes([123, 200, 9, 9])])
    asked = []

    def token_bytes(count):
        asked.append(count)
        return next(reads)

    monkeypatch.setattr(csrf.secrets, "token_bytes", token_bytes)

    # 248 and 255 are set aside (keeping them would make the first eight characters likelier); 4 times 62 is 248.
    assert csrf.FAIR_BYTES_BELOW == 248
    assert csrf.random_characters(4) == "a9a9"
    assert asked == [8]
    # Too few fair bytes in one read: another read finishes the mask.
    reads = iter([bytes([250, 251, 252, 3]), bytes([4, 5, 6, 7])])
    asked.clear()
    assert csrf.random_characters(2) == "de"
    assert asked == [4, 4]


def test_a_page_for_a_browser_that_has_the_cookie_masks_it_here_once(learner, make_question, monkeypatch):
    make_question()
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    client.get(reverse("study:study"))  # the first page sets the CSRF cookie
    secret = client.cookies["csrftoken"].value
    masks = []
    real_mask = csrf.mask_secret
    monkeypatch.setattr(csrf, "mask_secret", lambda secret: masks.append(secret) or real_mask(secret))
    monkeypatch.setattr(csrf, "get_token", lambda request: pytest.fail("Django's mask, a system call a character"))

    response = client.get(reverse("study:study"))

    assert masks == [secret]
    assert response.cookies["csrftoken"].value == secret  # sent again, as Django does, so that its expiry moves on
    token = re.search(r'"X-CSRFToken": "([^"]+)"', response.content.decode()).group(1)
    assert _does_token_match(token, secret)
    log_out = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})
    assert log_out.status_code == 302
