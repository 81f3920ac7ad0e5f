"""The flagged questions page: the learner's own flags only, each linked to its question and section, unflagging
from the list, and practising exactly the live flagged questions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tutor.study.models import Flag, PracticeTest
from tutor.study.services import set_flag

pytestmark = pytest.mark.django_db


@pytest.fixture
def flags(learner, make_question):
    first, second, withdrawn = make_question(), make_question(), make_question()
    for question in (first, second, withdrawn):
        set_flag(learner=learner, question_id=question.pk, flagged=True)
    withdrawn.retired = True
    withdrawn.save()
    other = make_question(stem="Someone else's flagged question?")
    set_flag(learner=UserFactory(), question_id=other.pk, flagged=True)
    return {"first": first, "second": second, "withdrawn": withdrawn, "other": other}


def test_lists_only_the_learners_own_flags_with_links_to_the_question_and_section(client, learner, flags):
    client.force_login(learner)

    response = client.get(reverse("study:flagged"))

    assert response.status_code == 200
    html = response.content.decode()
    for name in ("first", "second", "withdrawn"):
        assert f'href="{reverse("study:question_detail", args=[flags[name].qid])}"' in html
    assert flags["other"].qid not in html
    section = flags["first"].section
    assert f'href="/modules/{section.module.slug}/#{section.anchor}"' in html
    assert "withdrawn" in html
    assert "Practise these 2 questions now" in html  # the withdrawn one is not practised


def test_the_navigation_links_to_the_flagged_page(client, learner):
    client.force_login(learner)

    html = client.get(reverse("study:flagged")).content.decode()

    assert f'href="{reverse("study:flagged")}" aria-current="page">Flagged<' in html


def test_unflagging_from_the_list_comes_back_to_the_list(client, learner, flags):
    client.force_login(learner)

    response = client.post(
        reverse("study:flag_question", args=[flags["first"].qid]), {"flag": "0", "next": reverse("study:flagged")}
    )

    assert response.status_code == 302
    assert response.url == reverse("study:flagged")
    assert not Flag.objects.filter(learner=learner, question=flags["first"]).exists()


def test_practise_these_starts_a_tutor_test_with_the_live_flagged_questions(client, learner, flags):
    client.force_login(learner)

    response = client.post(reverse("study:practise_flagged"))

    test = PracticeTest.objects.get(learner=learner)
    assert response.url == test.get_absolute_url()
    assert test.mode == "tutor" and test.pool == "flagged"
    assert set(test.items.values_list("question_id", flat=True)) == {flags["first"].pk, flags["second"].pk}


def test_practise_with_nothing_flagged_explains_and_returns_to_the_page(client, learner):
    client.force_login(learner)

    response = client.post(reverse("study:practise_flagged"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("study:flagged")
    assert "Nothing to practise" in response.content.decode()
    assert "Nothing flagged yet" in response.content.decode()
    assert not PracticeTest.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in_and_get_is_refused_on_practise(client, learner):
    assert client.get(reverse("study:flagged")).url.startswith(reverse("accounts:login"))
    assert client.post(reverse("study:practise_flagged")).url.startswith(reverse("accounts:login"))
    client.force_login(learner)
    assert client.get(reverse("study:practise_flagged")).status_code == 405


def test_the_flagged_page_reads_a_fixed_number_of_queries(client, learner, flags, django_assert_num_queries):
    client.force_login(learner)
    client.get(reverse("study:flagged"))  # the catalog snapshot and session are warm

    # the user, then the flags (sessions live in the cache; the catalog in memory)
    with django_assert_num_queries(2):
        response = client.get(reverse("study:flagged"))

    assert response.status_code == 200
