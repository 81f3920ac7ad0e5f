"""Every source has a page listing the sections and questions that rest on it; `source_report` prints the same."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import ModuleFactory, QuestionFactory, SectionFactory, SourceFactory
from tutor.catalog.models import Question, Section, Source

pytestmark = pytest.mark.django_db


def _expected(key: str) -> tuple[set[str], set[str]]:
    """The live sections and questions citing `key`, straight from the tables the loader wrote."""
    sections = {s.title for s in Section.objects.filter(sources__key=key, retired=False)}
    questions = {q.qid for q in Question.objects.filter(sources__key=key, retired=False)}
    return sections, questions


@pytest.mark.parametrize("key", ["1", "16", "review:discussion", "review:table-2", "upd-phase2-pooled"])
def test_source_page_lists_what_the_content_cites_it_for(client, tiny_content, load_content, key):
    assert load_content(tiny_content).ok
    sections, questions = _expected(key)

    response = client.get(reverse("catalog:source_detail", args=[key]))

    assert response.status_code == 200
    use = response.context["use"]
    assert {s.title for s in use.sections} == sections
    assert {q.qid for q in use.questions} == questions
    html = response.content.decode()
    assert f"Sections that cite it ({len(sections)})" in html
    assert f"Questions that rest on it ({len(questions)})" in html
    for qid in questions:
        assert qid in html


def test_source_page_counts_match_the_files(client, tiny_content, load_content):
    """In the tiny tree, reference 1 is cited by the first section and by alpha-001, 002, 004 and 005."""
    assert load_content(tiny_content).ok

    use = client.get(reverse("catalog:source_detail", args=["1"])).context["use"]

    assert [s.anchor for s in use.sections] == ["first"]
    assert [q.qid for q in use.questions] == ["alpha-001", "alpha-002", "alpha-004", "alpha-005"]
    assert use.source.label == "Review reference [1]"


def test_retired_questions_do_not_rest_on_a_source(client):
    source = SourceFactory(number=7)
    live = QuestionFactory()
    retired = QuestionFactory(retired=True)
    live.sources.add(source)
    retired.sources.add(source)

    use = client.get(reverse("catalog:source_detail", args=["7"])).context["use"]

    assert use.questions == [live]


def test_unknown_source_is_404(client):
    assert client.get(reverse("catalog:source_detail", args=["upd-nothing"])).status_code == 404


def test_source_page_queries_do_not_grow_with_what_cites_it(client, django_assert_num_queries):
    source = SourceFactory(number=9)

    def cite(count: int) -> None:
        module = ModuleFactory()
        for _ in range(count):
            section = SectionFactory(module=module)
            section.sources.add(source)
            QuestionFactory(section=section).sources.add(source)

    cite(1)
    with django_assert_num_queries(3):
        client.get(reverse("catalog:source_detail", args=["9"]))
    cite(6)
    with django_assert_num_queries(3):
        response = client.get(reverse("catalog:source_detail", args=["9"]))
    assert response.context["use"].question_count == 7


def test_source_list_counts_each_source(client, tiny_content, load_content):
    assert load_content(tiny_content).ok

    response = client.get(reverse("catalog:source_list"))

    counts = {s.key: (s.section_count, s.question_count) for s in response.context["sources"]}
    for key in Source.objects.values_list("key", flat=True):
        sections, questions = _expected(key)
        assert counts[key] == (len(sections), len(questions))
    assert reverse("catalog:source_detail", args=["review:discussion"]) in response.content.decode()


class SourceTables(HTMLParser):
    """The all-sources page as a reader meets it: each h2, then for each row the text of its row header (the
    source's name and what describes it) and the name of the link in it."""

    def __init__(self) -> None:
        super().__init__()
        self.groups: dict[str, list[dict[str, str]]] = {}
        self._heading: str | None = None
        self._in: str | None = None
        self._row: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "h2":
            self._heading, self._in = "", "h2"
        elif tag == "th" and ("scope", "row") in attrs:
            self._row, self._in = {"text": "", "link": ""}, "th"
        elif tag == "a" and self._in == "th":
            self._in = "a"

    def handle_endtag(self, tag):
        if tag == "h2" and self._in == "h2":
            self.groups[self._heading.strip()] = []
            self._in = None
        elif tag == "a" and self._in == "a":
            self._in = "th"
        elif tag == "th" and self._in == "th":
            self.groups[self._heading.strip()].append({k: " ".join(v.split()) for k, v in self._row.items()})
            self._in = None

    def handle_data(self, data):
        if self._in == "h2":
            self._heading += data
        elif self._in in ("th", "a"):
            self._row["text"] += data
            if self._in == "a":
                self._row["link"] += data


def test_source_list_names_each_source_under_its_kind(client, tiny_content, load_content):
    """The update is named by its title with its citation, never by its key; a review reference says what the
    review cites it for; each kind under its own heading."""
    assert load_content(tiny_content).ok

    parser = SourceTables()
    parser.feed(client.get(reverse("catalog:source_list")).content.decode())

    groups = parser.groups
    assert list(groups) == ["The review's numbered references", "The review's own text", "Since the review"]
    assert [row["link"] for row in groups["Since the review"]] == ["Pooled phase 2 figures"]
    assert "Mithoefer et al. 2019" in groups["Since the review"][0]["text"]
    assert not any("upd-" in row["text"] for rows in groups.values() for row in rows)
    first = groups["The review's numbered references"][0]
    assert first["link"] == "Review reference [1]"
    assert "Cited for: The compound's history" in first["text"]
    assert [row["link"] for row in groups["The review's own text"]] == [
        "The review: Discussion",
        "The review: Table 2",
    ]


class CitationLinks(HTMLParser):
    """The text of each inline citation link in a page that points at one source's row."""

    def __init__(self, href: str) -> None:
        super().__init__()
        self.href = href
        self.names: list[str] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        self._open = tag == "a" and ("class", "cite") in attrs and ("href", self.href) in attrs

    def handle_endtag(self, tag):
        self._open = False

    def handle_data(self, data):
        if self._open:
            self.names.append(data)


def test_module_text_cites_an_update_by_its_title(client, tiny_content, load_content):
    assert load_content(tiny_content).ok

    html = client.get(reverse("catalog:module_detail", args=["alpha"])).content.decode()

    citations = CitationLinks("#source-upd-phase2-pooled")
    citations.feed(html)
    assert citations.names == ["Pooled phase 2 figures"]


def test_module_page_links_each_source_to_its_page(client, tiny_content, load_content):
    assert load_content(tiny_content).ok

    html = client.get(reverse("catalog:module_detail", args=["alpha"])).content.decode()

    for key in ("1", "16", "review:discussion", "upd-phase2-pooled"):
        assert f'href="{reverse("catalog:source_detail", args=[key])}"' in html


def test_source_report_lists_sections_and_questions(tiny_content, load_content):
    assert load_content(tiny_content).ok
    out = io.StringIO()

    call_command("source_report", "upd-phase2-pooled", stdout=out)

    text = out.getvalue()
    sections, questions = _expected("upd-phase2-pooled")
    assert f"Sections citing it: {len(sections)}" in text
    assert f"Questions resting on it: {len(questions)}" in text
    assert "alpha#results" in text
    for qid in questions:
        assert qid in text


def test_source_report_without_key_summarises_every_source(tiny_content, load_content):
    assert load_content(tiny_content).ok
    out = io.StringIO()

    call_command("source_report", stdout=out)

    assert "review:table-2" in out.getvalue()
    assert f"{Source.objects.count()} sources" in out.getvalue()


def test_source_report_refuses_an_unknown_key():
    with pytest.raises(CommandError, match="No source"):
        call_command("source_report", "99", stdout=io.StringIO())
