"""GIFT, Moodle's plain-text question format (Question bank > Import > GIFT format).

GIFT has no ordering type: an ordering question becomes a matching question that pairs each item with its place
("1st", "2nd", …), and its general feedback says so. Matching distractors are answers with an empty prompt, which
Moodle reads as extra wrong answers; GIFT has no feedback per pair, so pair rationales join the general feedback.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from tutor.catalog.models import QuestionType
from tutor.catalog.snapshot import QuestionView
from tutor.interop.exporters.common import (
    APP_NAME,
    general_feedback_text,
    number_text,
    numeric_answer,
    numeric_errors,
    ordered_items,
    ordinal,
    plain,
)
from tutor.interop.exporters.moodle_xml import fraction_text

SPECIAL = "\\~=#{}:"
ORDERING_NOTE = "(Exported as matching: GIFT has no ordering type; pair each item with its place.)"


def escape(text: str) -> str:
    """Backslash GIFT's control characters and fold line breaks, which would end the question."""
    text = " ".join(plain(text).split())
    return "".join(f"\\{ch}" if ch in SPECIAL else ch for ch in text)


def _answers(question: QuestionView) -> tuple[list[str], str]:
    """The lines inside the braces, and any extra general feedback."""
    match question.type:
        case QuestionType.SINGLE:
            return [
                f"{'=' if o.is_correct else '~'}{escape(o.text)}#{escape(o.rationale)}" for o in question.options
            ], ""
        case QuestionType.MULTIPLE:
            right = sum(o.is_correct for o in question.options)
            wrong = len(question.options) - right
            lines = []
            for o in question.options:
                percent = 100 / right if o.is_correct else -100 / wrong
                lines.append(f"~%{fraction_text(percent)}%{escape(o.text)}#{escape(o.rationale)}")
            return lines, ""
        case QuestionType.TRUE_FALSE:
            right = next(o for o in question.options if o.is_correct)
            wrong = next(o for o in question.options if not o.is_correct)
            # {TRUE#feedback when answered wrongly#feedback when answered rightly}
            return [
                f"{'TRUE' if right.key == 'true' else 'FALSE'}#{escape(wrong.rationale)}#{escape(right.rationale)}"
            ], ""
        case QuestionType.MATCHING:
            lines = [f"={escape(o.text)} -> {escape(o.match_text)}" for o in question.options]
            lines += [f"= -> {escape(d)}" for d in question.distractors]
            why = " ".join(f"{o.text} → {o.match_text}: {o.rationale}" for o in question.options)
            return lines, why
        case QuestionType.ORDERING:
            items = ordered_items(question)
            lines = [f"={escape(o.text)} -> {ordinal(n)}" for n, o in enumerate(items, start=1)]
            why = " ".join(f"{o.text}: {o.rationale}" for o in items)
            return lines, f"{ORDERING_NOTE} {why}"
        case QuestionType.NUMERIC:
            right = numeric_answer(question)
            answer = number_text(question.numeric_answer or 0.0)
            tolerance = number_text(question.numeric_tolerance or 0.0)
            lines = [f"={answer}:{tolerance}#{escape(right.rationale if right else '')}"]
            lines += [f"=%0%{number_text(o.numeric_value)}:0#{escape(o.rationale)}" for o in numeric_errors(question)]
            return ["#", *lines], ""
    raise ValueError(f"unknown question type {question.type}")


def question_gift(question: QuestionView) -> str:
    lines, extra = _answers(question)
    stem = escape(question.stem)
    if question.type == QuestionType.NUMERIC and question.unit:
        stem += f" (answer in {escape(question.unit)})"
    if question.type == QuestionType.ORDERING:
        stem += f" {escape(ORDERING_NOTE)}"
    feedback = escape(f"{general_feedback_text(question)} {extra}".strip())
    if question.type == QuestionType.NUMERIC:
        head, *rest = lines
        body = "\n".join(f"    {line}" for line in rest)
        answers = f"{{{head}\n{body}\n    ####{feedback}\n}}"
    else:
        body = "\n".join(f"    {line}" for line in lines)
        answers = f"{{\n{body}\n    ####{feedback}\n}}"
    return f"// {question.qid}\n::{escape(question.qid)}::{stem} {answers}\n"


def bank_gift(questions: Sequence[QuestionView]) -> bytes:
    """A GIFT file: a category line per module, then its questions separated by blank lines."""
    parts = []
    for (_, title), group in groupby(questions, key=lambda q: (q.module_slug, q.module_title)):
        parts.append(f"$CATEGORY: $course$/top/{APP_NAME}/{title}\n")
        parts += [question_gift(question) for question in group]
    return "\n".join(parts).encode("utf-8")
