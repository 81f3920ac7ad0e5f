"""What every export says about a question, in the same words whatever the format."""

from __future__ import annotations

import math
import re

from tutor.catalog.rendering import render_inline
from tutor.catalog.snapshot import QuestionView

APP_NAME = "MDMA-AT Tutor"
TAG_UNSAFE = re.compile(r"[^a-z0-9-]+")


def html(text: str) -> str:
    """A stem, option or rationale as the small HTML the app shows (escaped; bold and italic kept)."""
    return render_inline(text)


def plain(text: str) -> str:
    """Inline Markdown without its emphasis marks, for plain-text formats."""
    return text.replace("**", "").replace("*", "")


def number_text(value: float) -> str:
    """54.2 -> '54.2', 56.0 -> '56': numbers as a person writes them."""
    if math.isfinite(value) and value == int(value):
        return str(int(value))
    return repr(value)


def sources_line(question: QuestionView) -> str:
    """The sources behind a question, as plain text."""
    labels = []
    for source in question.sources:
        label = source.label
        if source.citation:
            label = f"{label} ({source.citation})"
        labels.append(label)
    return "Sources: " + "; ".join(labels) + "." if labels else ""


def general_feedback_html(question: QuestionView) -> str:
    """The explanation, the section that teaches it and the sources: what the app shows after every answer."""
    parts = [f"<p>{html(question.explanation)}</p>"]
    parts.append(f"<p>Taught in: {html(question.module_title)} &rsaquo; {html(question.section_title)}.</p>")
    if question.sources:
        parts.append(f"<p>{html(sources_line(question))}</p>")
    return "".join(parts)


def general_feedback_text(question: QuestionView) -> str:
    lines = [plain(question.explanation), f"Taught in: {question.module_title} > {question.section_title}."]
    if question.sources:
        lines.append(sources_line(question))
    return " ".join(lines)


def tag(text: str) -> str:
    """A tag that every format accepts: lowercase words joined by hyphens."""
    return TAG_UNSAFE.sub("-", text.lower()).strip("-")


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
