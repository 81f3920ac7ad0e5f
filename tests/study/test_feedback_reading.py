"""The parts of the tutor's feedback that are the same for every answer to a question (what it teaches, where, and
its sources) are shown with every answer, rendered once per content revision."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.factories import SourceFactory
from tutor.catalog.snapshot import forget_catalog
from tutor.study import feedback

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true", "HX-Target": "card"}


@pytest.fixture
def question(make_question):
    question = make_question(explanation="Because of **the** evidence.", objective="Know the dose.")
    question.sources.add(SourceFactory(key="7", title="A trial of MDMA"))
    return question


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The templates the feedback's reading is rendered from, one per rendering."""
    rendered = []
    real = feedback.render_to_string
    monkeypatch.setattr(
        feedback, "render_to_string", lambda name, *a, **k: rendered.append(name) or real(name, *a, **k)
    )
    return rendered


def answer(logged_in, learner, question, attempt_for, choice: str) -> BeautifulSoup:
    response = logged_in.post(
        reverse("study:study_answer"), {"attempt": attempt_for(learner, question), "choice": choice}, headers=HTMX
    )
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_every_answer_shows_what_the_question_teaches_where_and_on_what_source(
    logged_in, learner, question, attempt_for
):
    for choice in ("b", "a"):
        page = answer(logged_in, learner, question, attempt_for, choice)

        explanation = page.select_one(".feedback .explanation")
        assert explanation.p.decode_contents() == "Because of <strong>the</strong> evidence."
        assert "Bottom line: Know the dose." in explanation.get_text(" ", strip=True)
        assert explanation.select_one("a")["href"].endswith(f"#{question.section.anchor}")
        source = page.select_one(".feedback-sources dl.source-list a")
        assert source["href"] == reverse("catalog:source_detail", args=["7"])


def test_it_is_rendered_once_per_content_revision(logged_in, learner, question, attempt_for, renders):
    answer(logged_in, learner, question, attempt_for, "b")
    answer(logged_in, learner, question, attempt_for, "a")
    assert renders == ["study/_feedback_reading.html#explanation", "study/_feedback_reading.html#sources"]

    forget_catalog()  # as a content load does
    answer(logged_in, learner, question, attempt_for, "b")
    assert len(renders) == 4
