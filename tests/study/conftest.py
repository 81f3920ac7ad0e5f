from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import ModuleFactory, OptionFactory, QuestionFactory, SectionFactory, UserFactory
from tutor.study.attempts import issue_attempt

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def learner():
    return UserFactory()


@pytest.fixture
def module():
    return ModuleFactory(slug="risks", title="Risks and safety")


@pytest.fixture
def make_question(module):
    """Build a question of any type with sensible options."""

    def make(qtype: str = "single", section=None, **kwargs):
        section = section or SectionFactory(module=module, anchor=f"s-{QuestionFactory._meta.next_sequence()}")
        if qtype == "numeric":
            kwargs = {"numeric_answer": 54.2, "numeric_tolerance": 0.5, "unit": "%", **kwargs}
        question = QuestionFactory(section=section, type=qtype, options=False, **kwargs)
        if qtype == "single":
            for position, key in enumerate("abcd"):
                OptionFactory(
                    question=question,
                    key=key,
                    position=position,
                    is_correct=key == "b",
                    text=f"Option {key.upper()}",
                    rationale=f"Why {key} is {'right' if key == 'b' else 'wrong'}.",
                )
        elif qtype == "multiple":
            for position, key in enumerate("abcd"):
                OptionFactory(question=question, key=key, position=position, is_correct=key in "ac")
        elif qtype == "true_false":
            OptionFactory(question=question, key="true", text="True", position=0, is_correct=False)
            OptionFactory(question=question, key="false", text="False", position=1, is_correct=True)
        elif qtype == "matching":
            for position, key in enumerate("abc"):
                OptionFactory(
                    question=question,
                    key=key,
                    text=f"Prompt {key}",
                    match_text=f"Answer {key}",
                    position=position,
                    is_correct=True,
                    misconception="",
                )
            question.distractors = ["Answer z"]
            question.save()
        elif qtype == "ordering":
            for position, key in enumerate("abc"):
                OptionFactory(
                    question=question, key=key, text=f"Step {key}", position=position, is_correct=True, misconception=""
                )
        elif qtype == "numeric":
            OptionFactory(question=question, key="answer", text="", position=0, is_correct=True, numeric_value=54.2)
            OptionFactory(
                question=question,
                key="error-1",
                text="",
                position=1,
                numeric_value=56,
                rationale="That is the review's rounded figure.",
                misconception="review-rounding",
            )
        return question

    return make


@pytest.fixture
def attempt_for():
    def issue(learner, question, item=None) -> str:
        return issue_attempt(learner_id=learner.pk, question_id=question.pk, practice_item_id=item.pk if item else None)

    return issue


@pytest.fixture
def logged_in(client, learner):
    """The test client, logged in as the `learner` fixture."""
    client.force_login(learner)
    return client
