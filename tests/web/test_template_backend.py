"""A rendered page's context is emptied once the page is made, so what the page was given is freed at once rather
than left to Python's cycle collector; pages render as before."""

from __future__ import annotations

import gc
import weakref

import pytest
from django.template import TemplateDoesNotExist, engines
from django.test import RequestFactory


class Learner:
    def __init__(self, name: str) -> None:
        self.name = name


@pytest.fixture
def collector_off():
    """Only reference counting frees objects while the test runs."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def test_what_a_page_was_given_is_freed_as_soon_as_the_page_is_made(collector_off):
    """A page rendered for a request (a `RequestContext`, whose layers Django links back to it)."""
    learner = Learner("Ada")
    given = weakref.ref(learner)
    request = RequestFactory().get("/")
    template = engines["django"].from_string("{% for _ in '12' %}{{ learner.name }}{% endfor %}")

    html = template.render({"learner": learner}, request)
    del learner

    assert html == "AdaAda"
    assert given() is None


def test_a_missing_template_is_still_reported_by_name():
    with pytest.raises(TemplateDoesNotExist, match=r"nowhere/missing\.html"):
        engines["django"].from_string('{% include "nowhere/missing.html" %}').render({})
