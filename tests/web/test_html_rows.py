"""Rows written in Python escape exactly as the templates do."""

from __future__ import annotations

import pytest
from django.utils.functional import lazy
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from tutor.web.html_rows import esc, html_join


@pytest.mark.parametrize(
    "value",
    ["plain", "<b>Tom & 'Jerry'</b> \"quoted\"", 42, 0.5, None, "", mark_safe("<em>kept</em>"), "café — ✓"],
)
def test_esc_writes_what_autoescaping_writes(value):
    assert esc(value) == conditional_escape(value)


def test_esc_turns_a_lazy_string_into_escaped_text():
    later = lazy(lambda: "a < b", str)()

    assert esc(later) == conditional_escape(later) == "a &lt; b"


def test_html_join_is_safe_and_adds_nothing():
    joined = html_join(["<li>", esc("x & y"), "</li>"])

    assert isinstance(joined, SafeString) and joined == "<li>x &amp; y</li>"
