"""How a source is named to people: one function for the feedback, the module page, the admin and citations.

Three kinds of source exist: a numbered reference of the review (`16`), a section of the review's own text
(`review:discussion`, for what the review says without a reference) and an update (`upd-mapp1`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

REVIEW = "review"
SECTION = "section"
UPDATE = "update"
SECTION_PREFIX = "review:"


def short_heading(heading: str) -> str:
    """A table's caption is named by its number ("Table 2"); any other heading as printed."""
    if heading.startswith("Table ") and ". " in heading:
        return heading.split(". ", 1)[0]
    return heading


def source_label(*, kind: str, number: int | None, title: str) -> str:
    """The name a learner reads: "Review reference [16]", "The review: Discussion", or an update's title."""
    if kind == REVIEW:
        return f"Review reference [{number}]"
    if kind == SECTION:
        return f"The review: {short_heading(title)}"
    return title


def source_anchor(key: str) -> str:
    """The id of a source in a module's source list (no colon, so that it is a plain CSS identifier too)."""
    return "source-" + key.replace(":", "-")


def citation_text(key: str, title: str) -> str:
    """The text of an inline citation link: the review's number, "review: " and the section's short name, or the
    update's title (its key is for the content files, not for readers)."""
    if key.startswith(SECTION_PREFIX):
        return f"review: {short_heading(title)}"
    if key.isdigit():
        return key
    return title or key


class KindOfSource(Protocol):
    """A Source row or the catalog's SourceView: anything with a kind."""

    kind: str


# The order and headings of the all-sources page: the review's references, its own text, then what came after it.
KIND_HEADINGS = {
    REVIEW: "The review's numbered references",
    SECTION: "The review's own text",
    UPDATE: "Since the review",
}


@dataclass(frozen=True)
class SourceGroup:
    kind: str
    heading: str
    sources: list[KindOfSource]


def group_by_kind(sources: Iterable[KindOfSource]) -> list[SourceGroup]:
    """Sources under one heading per kind, in KIND_HEADINGS order, each group in the order given; a kind with no
    source is left out."""
    by_kind: dict[str, list[KindOfSource]] = {kind: [] for kind in KIND_HEADINGS}
    for source in sources:
        by_kind.setdefault(source.kind, []).append(source)
    return [
        SourceGroup(kind=kind, heading=KIND_HEADINGS.get(kind, kind), sources=members)
        for kind, members in by_kind.items()
        if members
    ]
