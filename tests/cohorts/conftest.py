from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest

from tests.factories import ModuleFactory, OptionFactory, QuestionFactory, SectionFactory, fixed_clock
from tutor.catalog.models import Module, Question
from tutor.catalog.snapshot import catalog, forget_catalog
from tutor.study.services import record_answer

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
_attempts = itertools.count(1)


@pytest.fixture(autouse=True)
def site_time_zone(settings):
    """Assignment dates are read in the site's time zone; the tests state times in UTC."""
    settings.TIME_ZONE = "UTC"


@dataclass
class Bank:
    risks: Module
    history: Module
    risk_questions: list[Question]
    history_questions: list[Question]


def single_question(module: Module, section, n: int) -> Question:
    """A single-answer question: a is right; b, c and d are wrong, each with its own misconception."""
    question = QuestionFactory(
        section=section, options=False, stem=f"{module.title}: question {n}?", order=n, qid=f"{module.slug}-{n:03d}"
    )
    for position, key in enumerate("abcd"):
        OptionFactory(
            question=question,
            key=key,
            position=position,
            is_correct=key == "a",
            text=f"Answer {key.upper()}",
            misconception="" if key == "a" else f"{module.slug}-error-{key}",
        )
    return question


@pytest.fixture
def bank() -> Bank:
    """Two modules: Risks and safety (5 single-answer questions) and History (3); option a is always right."""
    risks = ModuleFactory(slug="risks", title="Risks and safety", order=1)
    history = ModuleFactory(slug="history", title="History", order=2)
    risk_section = SectionFactory(module=risks, anchor="risk-facts", title="Key risks")
    history_section = SectionFactory(module=history, anchor="history-facts", title="Timeline")
    bank = Bank(
        risks=risks,
        history=history,
        risk_questions=[single_question(risks, risk_section, n) for n in range(1, 6)],
        history_questions=[single_question(history, history_section, n) for n in range(1, 4)],
    )
    forget_catalog()
    return bank


@pytest.fixture
def answer(django_capture_on_commit_callbacks):
    """Answer a question through the study app's own service, at a given moment, running what happens on commit
    (assignment completions) as a real request would."""

    def give(learner, question, choice: str | dict, at: dt.datetime, practice_item=None):
        view = catalog().questions[question.pk]
        given = {"choice": choice} if isinstance(choice, str) else choice
        learner.refresh_from_db()  # as each request loads its user: with the modules assigned since
        with django_capture_on_commit_callbacks(execute=True):
            return record_answer(
                learner=learner,
                question=view,
                answer=given,
                attempt=f"cohort-test-{next(_attempts)}",
                clock=fixed_clock(at),
                practice_item=practice_item,
            )

    return give
