"""A learner's history of one question reads in plain units: partial scores as percentages, and the time that
actually passed before each attempt."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import ModuleFactory, OptionFactory, QuestionFactory, SectionFactory, UserFactory, fixed_clock
from tutor.catalog.snapshot import catalog, forget_catalog
from tutor.study.services import record_answer

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def cells(html: str) -> list[str]:
    body = html.split("Every attempt")[1].split("<tbody>")[1].split("</tbody>")[0]
    return [" ".join(cell.split("</td>")[0].split()) for cell in body.split("<td>")[1:]]


def test_history_shows_partial_scores_as_percentages_and_the_time_that_passed(client):
    section = SectionFactory(module=ModuleFactory(slug="protocol"))
    question = QuestionFactory(section=section, type="multiple", options=False, qid="prot-multi")
    for position, key in enumerate("abcd"):
        OptionFactory(question=question, key=key, position=position, is_correct=key in "ac")
    forget_catalog()
    learner = UserFactory()
    view = catalog().questions[question.pk]
    for n, (after, chosen) in enumerate([(dt.timedelta(0), ["a"]), (dt.timedelta(hours=3), ["a", "c"])]):
        record_answer(
            learner=learner,
            question=view,
            answer={"choices": chosen},
            attempt=f"h{n}",
            clock=fixed_clock(START + after),
        )
    client.force_login(learner)

    html = client.get(reverse("study:question_detail", args=["prot-multi"])).content.decode()
    newest, oldest = cells(html)[:5], cells(html)[5:]

    assert "3 hours" in newest[3] and "Right" in newest[1]
    assert "first attempt" in oldest[3]
    assert "Partly right (75%)" in oldest[1]
    assert "0.00" not in html and "days" not in newest[3]
