"""Typed factories for tests. Catalog rows normally come from content files; these build them directly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import factory
from factory.django import DjangoModelFactory

from tutor.accounts.models import Role, User
from tutor.catalog.models import Misconception, Module, Option, Question, Section, Source, SourceKind


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"learner{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    role = Role.LEARNER
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class EducatorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"educator{n}")
    role = Role.EDUCATOR


class SourceFactory(DjangoModelFactory[Source]):
    class Meta:
        model = Source
        django_get_or_create = ("key",)

    number = factory.Sequence(lambda n: n + 1)
    key = factory.LazyAttribute(lambda o: str(o.number))
    kind = SourceKind.REVIEW
    title = factory.Faker("sentence", nb_words=5)
    review_section = "Potential risk"


class ModuleFactory(DjangoModelFactory[Module]):
    class Meta:
        model = Module

    slug = factory.Sequence(lambda n: f"module-{n}")
    title = factory.Sequence(lambda n: f"Module {n}")
    order = factory.Sequence(lambda n: n)
    summary = factory.Faker("sentence")
    objectives = factory.LazyFunction(lambda: ["Explain the main idea."])


class SectionFactory(DjangoModelFactory[Section]):
    class Meta:
        model = Section

    module = factory.SubFactory(ModuleFactory)
    anchor = factory.Sequence(lambda n: f"section-{n}")
    title = factory.Sequence(lambda n: f"Section {n}")
    order = factory.Sequence(lambda n: n)
    body_markdown = "Some text."
    body_html = "<p>Some text.</p>"


class QuestionFactory(DjangoModelFactory[Question]):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    qid = factory.Sequence(lambda n: f"q-{n:04d}")
    section = factory.SubFactory(SectionFactory)
    module = factory.SelfAttribute("section.module")
    type = "single"
    stem = factory.Sequence(lambda n: f"Question stem {n}?")
    explanation = "Because of the evidence."
    difficulty = 2
    bloom = "recall"
    content_hash = factory.Sequence(lambda n: f"{n:064d}")

    @factory.post_generation
    def options(obj, create, extracted, **kwargs):
        """A single-answer question gets one right and three wrong options unless told otherwise."""
        if not create or obj.type != "single" or extracted is False:
            return
        for position, key in enumerate("abcd"):
            OptionFactory(question=obj, key=key, position=position, is_correct=key == "a")


class OptionFactory(DjangoModelFactory[Option]):
    class Meta:
        model = Option

    question = factory.SubFactory(QuestionFactory, options=False)
    key = factory.Sequence(lambda n: f"k{n}")
    text = factory.Sequence(lambda n: f"Option {n}")
    rationale = "Why this option is right or wrong."
    misconception = factory.LazyAttribute(lambda o: "" if o.is_correct else "a-common-error")


def fixed_clock(moment: dt.datetime) -> Callable[[], dt.datetime]:
    """A clock that always reads `moment`, for services that read the time themselves (under their locks)."""
    return lambda: moment


class MisconceptionFactory(DjangoModelFactory[Misconception]):
    class Meta:
        model = Misconception
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"misconception-{n}")
    label = factory.Sequence(lambda n: f"A mistaken idea number {n}")
    corrects = factory.SubFactory(SectionFactory)
    module = factory.SelfAttribute("corrects.module")
