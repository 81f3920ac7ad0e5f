"""Writing the rows of a large table in Python, for pages whose rows are too many for the template engine.

A page of 50 learners or 130 options spends more in the template engine's lookups, and in Django's `format_html`
(each value passes through a lazy-string check before it is escaped), than in working out the figures. `esc` escapes
exactly as the templates' autoescaping does; `html_join` joins pieces already escaped. Templates remain the rule:
only rows a page draws by the hundred are written this way, each by a method named `html` beside its data.
"""

from __future__ import annotations

import html

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe


def esc(value: object) -> str:
    """The value as the templates' autoescaping writes it (`conditional_escape`): HTML it already is is kept, any
    other value is turned into text and escaped, quotes included."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def html_join(pieces) -> SafeString:
    """Pieces that are each already escaped HTML, as one safe string."""
    return mark_safe("".join(pieces))  # every caller passes pieces built with `esc`


def url_around(viewname: str, *args: object, stand_in: str = "url-stand-in") -> tuple[str, str]:
    """The escaped address of a view whose last argument (a slug) changes from row to row, as the text before and
    after that argument: reversed once for a table, not once per row."""
    before, after = reverse(viewname, args=[*args, stand_in]).split(stand_in)
    return esc(before), esc(after)
