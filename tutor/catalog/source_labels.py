"""How a source is named to people: one function for the feedback, the module page, the admin and citations.

Three kinds of source exist: a numbered reference of the review (`16`), a section of the review's own text
(`review:discussion`, for what the review says without a reference) and an update (`upd-mapp1`).
"""

from __future__ import annotations

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
    """The text of an inline citation link: the number, the update's key, or the review section's short name."""
    if key.startswith(SECTION_PREFIX):
        return f"review: {short_heading(title)}"
    return key
