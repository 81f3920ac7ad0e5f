"""The load benchmark's second yardstick: the least a learner's page costs, served only by the benchmark's URLs."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from tests.factories import QuestionFactory, UserFactory
from tutor.study.models import Card

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]


def test_the_floor_is_for_signed_in_learners_only(client):
    response = client.get(reverse("bench_signed_in_floor"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_floor_is_the_sites_page_around_one_row_read(client, django_assert_num_queries):
    learner = UserFactory()
    client.force_login(learner)

    with django_assert_num_queries(2):  # the learner, and whether they have a card (what every page reads first)
        response = client.get(reverse("bench_signed_in_floor"))

    page = BeautifulSoup(response.content, "html.parser")
    assert len(page.select("header.site-header")) == 1
    assert len(page.select("main")) == 1
    assert len(page.select("footer.site-footer")) == 1
    assert page.select_one(".account-name").get_text(strip=True) == learner.username
    assert page.select_one("main h1").get_text(strip=True) == "Not started"

    Card.objects.create(learner=learner, question=QuestionFactory(), due=timezone.now(), created_at=timezone.now())
    page = BeautifulSoup(client.get(reverse("bench_signed_in_floor")).content, "html.parser")
    assert page.select_one("main h1").get_text(strip=True) == "Studying"


def test_the_app_itself_has_no_such_page():
    with pytest.raises(Resolver404):
        resolve("/bench/signed-in/", urlconf="tutor.urls")
