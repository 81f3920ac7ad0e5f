"""Search across modules, sections and questions: published content only, questions only for signed-in learners,
a clear message (never a 500) for an empty, over-long or odd query, and a bounded number of queries."""

from __future__ import annotations

from urllib.parse import quote_from_bytes

import pytest
from django.urls import reverse

from tests.factories import ModuleFactory, QuestionFactory, SectionFactory, UserFactory
from tutor.catalog.search import MAX_QUERY_LENGTH, SearchTerms, excerpt, search_terms

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    module = ModuleFactory(slug="risks", title="Risks and safety", summary="Blood pressure, heart rate and more.")
    section = SectionFactory(
        module=module, anchor="cardiac", title="Cardiovascular effects", body_markdown="Blood pressure **rises**."
    )
    live = QuestionFactory(section=section, qid="risk-bp", stem="Which vital sign rises most after a dose?")
    retired = QuestionFactory(section=section, qid="risk-old", stem="An old vital sign question?", retired=True)
    old_module = ModuleFactory(slug="gone", title="Vital history", retired=True)
    SectionFactory(module=old_module, title="Vital signs of the past", body_markdown="Vital.")
    return {"module": module, "section": section, "live": live, "retired": retired}


def _links(response) -> set[str]:
    results = response.context["results"]
    return {hit.url for hit in results.modules + results.sections + results.questions}


def test_finds_a_section_and_links_to_its_anchor_on_the_module_page(client, content):
    response = client.get(reverse("catalog:search"), {"q": "blood pressure"})

    assert response.status_code == 200
    assert "/modules/risks/#cardiac" in _links(response)
    assert "/modules/risks/" in _links(response)  # the module's summary mentions it too
    html = response.content.decode()
    assert 'href="/modules/risks/#cardiac"' in html
    assert "Cardiovascular effects" in html


def test_questions_are_found_for_a_learner_but_never_retired_ones_or_retired_modules(client, content):
    client.force_login(UserFactory())

    response = client.get(reverse("catalog:search"), {"q": "vital"})

    links = _links(response)
    assert reverse("study:question_detail", args=["risk-bp"]) in links
    assert reverse("study:question_detail", args=["risk-old"]) not in links
    assert not any("/modules/gone/" in link for link in links)


def test_anonymous_visitors_see_no_question_results_and_are_told_why(client, content):
    response = client.get(reverse("catalog:search"), {"q": "vital sign"})

    assert response.status_code == 200
    assert response.context["results"].questions == []
    assert "to search the questions too" in response.content.decode()


def test_a_word_that_matches_nothing_says_so(client, content):
    response = client.get(reverse("catalog:search"), {"q": "zeppelin"})

    assert response.status_code == 200
    assert "Nothing matches “zeppelin”" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("", 200, "Type a word or two"),
        ("   \t ", 200, "Type a word or two"),
        ("x" * (MAX_QUERY_LENGTH + 1), 400, "That search is too long"),
        ("?!*", 400, "punctuation alone matches nothing"),
    ],
    ids=["empty", "blank", "too-long", "punctuation"],
)
def test_queries_with_nothing_to_search_get_a_clear_message(client, content, query, status, message):
    response = client.get(reverse("catalog:search"), {"q": query})

    assert response.status_code == status
    assert message in response.content.decode()


@pytest.mark.parametrize("query", ["a\x00b", "\ud800vital", "' OR 1=1 --", "<script>", "vital & | ! (", "🙂"])
def test_odd_characters_never_break_the_search(client, content, query):
    client.force_login(UserFactory())

    response = client.get(reverse("catalog:search") + "?q=" + quote_from_bytes(query.encode("utf-8", "surrogatepass")))
    direct = client.get(reverse("catalog:search"), {"q": query.encode("utf-8", "replace").decode()})

    assert response.status_code < 500
    assert direct.status_code < 500
    assert "<script>" not in direct.content.decode().split("<main", 1)[1]


def test_the_page_without_a_query_shows_only_the_form(client):
    response = client.get(reverse("catalog:search"))

    assert response.status_code == 200
    assert response.context["results"] is None
    assert 'role="search"' in response.content.decode()


def test_search_reads_one_query_per_kind_for_a_learner(client, content, django_assert_num_queries):
    client.force_login(UserFactory())
    client.get(reverse("catalog:home"))  # the session is warm

    # the user, then modules, sections and questions (sessions live in the cache)
    with django_assert_num_queries(4):
        response = client.get(reverse("catalog:search"), {"q": "vital"})

    assert response.status_code == 200


def test_search_terms_tidy_what_was_typed():
    assert search_terms("  blood\x00 \u200b pressure\n").text == "blood pressure"
    assert search_terms(None).problem
    assert search_terms("x" * (MAX_QUERY_LENGTH + 1)).problem.startswith("That search is too long")


def test_excerpt_shows_the_words_around_the_first_match():
    text = "Start. " + "filler " * 60 + "the **blood pressure** rises. " + "tail " * 60

    shown = excerpt(text, SearchTerms("pressure"))

    assert "blood pressure rises" in shown
    assert shown.startswith("…") and shown.endswith("…")
