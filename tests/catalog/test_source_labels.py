"""One name per source, wherever it is shown: feedback, module page, admin, inline citations."""

from __future__ import annotations

import pytest

from tutor.catalog.models import Source
from tutor.catalog.snapshot import SourceView
from tutor.catalog.source_labels import citation_text, group_by_kind, source_anchor, source_label


@pytest.mark.parametrize(
    ("kind", "number", "title", "label"),
    [
        ("review", 16, "Phase 2 results", "Review reference [16]"),
        ("section", None, "Discussion", "The review: Discussion"),
        ("section", None, "Table 2. Comparison of sertraline, paroxetine and MDMA", "The review: Table 2"),
        ("update", None, "MAPP1 phase 3 results", "MAPP1 phase 3 results"),
    ],
)
def test_source_label_names_each_kind(kind, number, title, label):
    assert source_label(kind=kind, number=number, title=title) == label
    assert Source(key="k", kind=kind, number=number, title=title).label == label
    assert SourceView("k", kind, number, title, "", "", "").label == label


def test_anchors_and_citation_texts_avoid_the_colon_of_section_keys():
    assert source_anchor("review:table-1") == "source-review-table-1"
    assert source_anchor("16") == "source-16"
    assert citation_text("review:table-1", "Table 1. A summary") == "review: Table 1"
    assert citation_text("16", "Phase 2 results") == "16"


def test_an_update_is_cited_inline_by_its_title_not_its_key():
    assert citation_text("upd-mapp1", "MAPP1 phase 3 results") == "MAPP1 phase 3 results"


def test_sources_are_grouped_by_kind_review_first_then_its_text_then_the_updates():
    def view(key, kind):
        return SourceView(key, kind, None, key, "", "", "")

    sources = [view("review:aim", "section"), view("upd-b", "update"), view("1", "review"), view("upd-a", "update")]

    groups = group_by_kind(sources)

    assert [(g.heading, [s.key for s in g.sources]) for g in groups] == [
        ("The review's numbered references", ["1"]),
        ("The review's own text", ["review:aim"]),
        ("Since the review", ["upd-b", "upd-a"]),
    ]
    assert [g.kind for g in group_by_kind([view("upd-a", "update")])] == ["update"]
