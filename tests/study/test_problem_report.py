"""Reporting a problem with a question: a stated limit, a clear message past it, and the text kept."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tutor.study.models import ProblemReport

pytestmark = pytest.mark.django_db


def test_a_report_over_the_limit_is_refused_with_a_message_and_the_text_kept(logged_in, make_question):
    question = make_question()
    text = "The stem is unclear. " * 200 + "End of the report."  # 4,218 characters

    response = logged_in.post(reverse("study:report_problem", args=[question.qid]), {"text": text})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Keep the report to 4,000 characters: this one has 4218." in page
    assert "End of the report.</textarea>" in page
    assert not ProblemReport.objects.exists()


def test_a_report_at_the_limit_is_sent_whole(logged_in, make_question):
    question = make_question()
    text = "x" * 4000
    response = logged_in.post(reverse("study:report_problem", args=[question.qid]), {"text": text})
    assert response.status_code == 302
    assert ProblemReport.objects.get().text == text


def test_the_report_form_states_the_limit_and_never_lets_the_browser_cut_the_text(
    logged_in, make_question, django_assert_num_queries
):
    question = make_question()
    url = reverse("study:report_problem", args=[question.qid])
    logged_in.get(url)  # warms the in-memory catalog
    with django_assert_num_queries(1):  # the learner (the session is in the cache)
        page = logged_in.get(url).content.decode()
    assert "Up to 4,000 characters." in page
    assert 'data-char-limit="4000"' in page
    textarea = re.search(r"<textarea[^>]*>", page).group(0)
    assert "maxlength" not in textarea  # the browser must not cut the text silently; the form says what is too long
    assert "js/char-counter.js" in page
