"""GIFT, Moodle's plain-text question format (Question bank > Import > GIFT format).

Each question type gives its answers (`gift` in tutor/questions/<type>.py); this module writes the question around
them. GIFT has no ordering type: an ordering question becomes a matching question that pairs each item with its
place ("1st", "2nd", …), and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from tutor.catalog.snapshot import QuestionView
from tutor.interop.exporters.common import (
    APP_NAME,
    general_feedback_text,
    number_text,
    ordinal,
    plain,
)
from tutor.interop.exporters.moodle_xml import fraction_text

SPECIAL = "\\~=#{}:"


def escape(text: str) -> str:
    """Backslash GIFT's control characters and fold line breaks, which would end the question."""
    text = " ".join(plain(text).split())
    return "".join(f"\\{ch}" if ch in SPECIAL else ch for ch in text)


class Gift:
    """What a question type writes its GIFT answers with (tutor/questions/<type>.py, `gift`)."""

    escape = staticmethod(escape)
    fraction_text = staticmethod(fraction_text)
    number_text = staticmethod(number_text)
    ordinal = staticmethod(ordinal)


GIFT = Gift()


def question_gift(question: QuestionView) -> str:
    parts = question.type_spec.gift(GIFT, question)
    stem = escape(question.stem)
    if parts.stem_note:
        stem += f" {escape(parts.stem_note)}"
    feedback = escape(f"{general_feedback_text(question)} {parts.extra_feedback}".strip())
    body = "\n".join(f"    {line}" for line in parts.lines)
    head = "#" if parts.numerical else ""
    answers = f"{{{head}\n{body}\n    ####{feedback}\n}}"
    return f"// {question.qid}\n::{escape(question.qid)}::{stem} {answers}\n"


def bank_gift(questions: Sequence[QuestionView]) -> bytes:
    """A GIFT file: a category line per module, then its questions separated by blank lines."""
    parts = []
    for (_, title), group in groupby(questions, key=lambda q: (q.module_slug, q.module_title)):
        parts.append(f"$CATEGORY: $course$/top/{APP_NAME}/{title}\n")
        parts += [question_gift(question) for question in group]
    return "\n".join(parts).encode("utf-8")
