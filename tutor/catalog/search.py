"""Search across modules, sections and questions: PostgreSQL's full-text search where the database has it, a plain
"every word appears somewhere" match elsewhere (SQLite in development). Reads published content only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import reverse

from tutor.catalog.models import Module, Question, Section

MAX_QUERY_LENGTH = 100
MAX_WORDS = 10
RESULTS_PER_KIND = 20
EXCERPT_CHARS = 180
MARKDOWN_MARKS = re.compile(r"[*_`#>|\[\]]+|\(https?://[^)]*\)")


@dataclass(frozen=True)
class SearchTerms:
    """What a person typed, tidied up; `problem` says in words why there is nothing to search for."""

    text: str
    problem: str = ""

    @property
    def words(self) -> list[str]:
        return self.text.split()[:MAX_WORDS]


@dataclass(frozen=True)
class SearchHit:
    """One result as the page shows it: what it is called, where it lives and the words around the match."""

    title: str
    url: str
    place: str
    excerpt: str


@dataclass
class SearchResults:
    terms: SearchTerms
    modules: list[SearchHit] = field(default_factory=list)
    sections: list[SearchHit] = field(default_factory=list)
    questions: list[SearchHit] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.modules) + len(self.sections) + len(self.questions)


def search_terms(raw: object) -> SearchTerms:
    """Tidy a typed query: control characters and halves of broken characters become spaces, runs of spaces one."""
    if not isinstance(raw, str):
        return SearchTerms("", "Type a word or two to search for.")
    text = " ".join("".join(c if c.isprintable() else " " for c in raw).split())
    if not text:
        return SearchTerms("", "Type a word or two to search for.")
    if len(text) > MAX_QUERY_LENGTH:
        return SearchTerms(
            text[:MAX_QUERY_LENGTH], f"That search is too long: use at most {MAX_QUERY_LENGTH} characters."
        )
    if not any(c.isalnum() for c in text):
        return SearchTerms(text, "Search for words or numbers: punctuation alone matches nothing.")
    return SearchTerms(text)


def search_catalog(terms: SearchTerms, *, include_questions: bool) -> SearchResults:
    """Live modules, sections and (when asked) questions matching the terms; three queries at most."""
    results = SearchResults(terms)
    if terms.problem:
        return results
    match = _full_text if connection.vendor == "postgresql" else _every_word
    live_modules = Module.objects.filter(retired=False)
    live_sections = Section.objects.filter(retired=False, module__retired=False).select_related("module")
    results.modules = [
        SearchHit(m.title, m.get_absolute_url(), "Module", excerpt(m.summary, terms))
        for m in match(live_modules, terms, ("title", "summary"))
    ]
    results.sections = [
        SearchHit(s.title, s.get_absolute_url(), s.module.title, excerpt(s.body_markdown, terms))
        for s in match(live_sections, terms, ("title", "body_markdown"))
    ]
    if include_questions:
        live_questions = Question.objects.filter(retired=False, module__retired=False).select_related(
            "module", "section"
        )
        results.questions = [
            SearchHit(
                excerpt(q.stem, SearchTerms("")),
                reverse("study:question_detail", kwargs={"qid": q.qid}),
                f"{q.module.title} · {q.section.title}",
                excerpt(q.explanation, terms),
            )
            for q in match(live_questions, terms, ("stem", "explanation"))
        ]
    return results


def _full_text(queryset: QuerySet, terms: SearchTerms, fields: tuple[str, str]) -> QuerySet:
    """PostgreSQL: the first field weighs more than the second; websearch syntax accepts anything a person types."""
    title, body = fields
    vector = SearchVector(title, weight="A", config="english") + SearchVector(body, weight="B", config="english")
    query = SearchQuery(" ".join(terms.words), search_type="websearch", config="english")
    return (
        queryset.annotate(search=vector, rank=SearchRank(vector, query))
        .filter(search=query)
        .order_by("-rank", "pk")[:RESULTS_PER_KIND]
    )


def _every_word(queryset: QuerySet, terms: SearchTerms, fields: tuple[str, str]) -> QuerySet:
    """Elsewhere: every word appears in one of the fields, in any case."""
    each_word = [reduce(or_, (Q(**{f"{name}__icontains": word}) for name in fields)) for word in terms.words]
    return queryset.filter(reduce(and_, each_word)).order_by("pk")[:RESULTS_PER_KIND]


def excerpt(text: str, terms: SearchTerms) -> str:
    """A short plain-text window of `text` around the first word searched for (the start when none is found)."""
    plain = " ".join(MARKDOWN_MARKS.sub(" ", text).split())
    lowered = plain.lower()
    found = [i for i in (lowered.find(word.lower()) for word in terms.words) if i >= 0]
    start = max(0, min(found) - EXCERPT_CHARS // 3) if found else 0
    window = plain[start : start + EXCERPT_CHARS]
    return ("…" if start else "") + window + ("…" if start + EXCERPT_CHARS < len(plain) else "")
