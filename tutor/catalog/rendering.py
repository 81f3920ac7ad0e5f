"""Markdown to safe HTML for module text, with the curriculum's inline citations.

A citation is written `[@16]` (review reference 16), `[@review:discussion]` (the review's own text in a section) or
`[@upd-mapp1]` (an update) and becomes a link to the module's source list. Raw HTML in the Markdown is stripped
by the sanitiser.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import markdown
import nh3
from django.utils.html import escape

from tutor.catalog.source_labels import citation_text, source_anchor

_KEY = r"(?:review:)?[a-z0-9][a-z0-9-]*"
CITATION = re.compile(rf"\[@({_KEY})\]")
CITATION_GROUP = re.compile(rf"(\s?)((?:\[@{_KEY}\],?\s?)*\[@{_KEY}\])")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "ul", "ol", "li", "blockquote", "a", "h3", "h4",
    "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def cited_keys(text: str) -> list[str]:
    """The source keys cited in a piece of text, in order of first appearance."""
    return list(dict.fromkeys(CITATION.findall(text)))


def citation_html(key: str, titles: Mapping[str, str]) -> str:
    title = titles.get(key, key)
    text = citation_text(key, title)
    return f'<a class="cite" href="#{escape(source_anchor(key))}" title="{escape(title)}">{escape(text)}</a>'


# The renderer's edition, stored with each section's HTML. Raise it when a change here changes the HTML of unchanged
# Markdown (2: updates cited by their title): the next load_content renders every section again.
RENDERER_VERSION = 2


def render_markdown(text: str, *, source_titles: Mapping[str, str]) -> str:
    """Render module Markdown to sanitised HTML and turn citations into links."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    html = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel="noopener noreferrer")
    return CITATION_GROUP.sub(lambda m: m.group(1) + _citation_group(m.group(2), source_titles), html)


def _citation_group(group: str, titles: Mapping[str, str]) -> str:
    links = ", ".join(citation_html(key, titles) for key in CITATION.findall(group))
    return f'<span class="cites">[{links}]</span>'


BOLD = re.compile(r"\*\*(.+?)\*\*")
ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")


def render_inline(text: str) -> str:
    """Escape a stem or rationale and keep its **bold** and *italic* marks: no other markup is allowed."""
    html = str(escape(text))
    html = BOLD.sub(r"<strong>\1</strong>", html)
    return ITALIC.sub(r"<em>\1</em>", html)
