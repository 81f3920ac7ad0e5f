"""Moodle XML, the format of Moodle's question bank import (Question bank > Import > Moodle XML format).

Types: single -> multichoice (single), multiple -> multichoice (several right; right options share +100%, wrong
ones share -100%, so ticking everything scores nothing), true_false -> truefalse, matching -> matching (distractors
as answers without a question), ordering -> ordering (core in Moodle 4.4 and later; earlier sites need the
qtype_ordering plugin), numeric -> numerical (tolerance kept; common wrong values as 0% answers with their
feedback). Each option's rationale is its feedback; the general feedback carries the explanation, the section and
the sources. Questions carry their stable id as `idnumber` and are filed in one category per module.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from itertools import groupby

from tutor.catalog.models import QuestionType
from tutor.catalog.snapshot import QuestionView
from tutor.interop.exporters.common import (
    APP_NAME,
    general_feedback_html,
    html,
    number_text,
    numeric_answer,
    numeric_errors,
    ordered_items,
    tag,
)


def fraction_text(percent: float) -> str:
    """Moodle reads fractions with up to 7 significant digits and matches them to its grade list."""
    text = f"{percent:.5f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _text(parent: ET.Element, name: str, value: str, *, format: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, name, {"format": format} if format else {})
    ET.SubElement(element, "text").text = value
    return element


def _answer(parent: ET.Element, percent: float, text: str, feedback: str, fmt: str = "html") -> ET.Element:
    answer = ET.SubElement(parent, "answer", {"fraction": fraction_text(percent), "format": fmt})
    ET.SubElement(answer, "text").text = text
    _text(answer, "feedback", feedback, format="html")
    return answer


def _question(root: ET.Element, qtype: str, question: QuestionView) -> ET.Element:
    element = ET.SubElement(root, "question", {"type": qtype})
    _text(element, "name", f"{question.qid} {question.stem[:60]}")
    stem = f"<p>{html(question.stem)}</p>"
    if question.type == QuestionType.NUMERIC and question.unit:
        stem += f"<p>Give the answer in {html(question.unit)}.</p>"
    _text(element, "questiontext", stem, format="html")
    _text(element, "generalfeedback", general_feedback_html(question), format="html")
    ET.SubElement(element, "defaultgrade").text = "1"
    ET.SubElement(element, "penalty").text = "0"
    ET.SubElement(element, "hidden").text = "0"
    ET.SubElement(element, "idnumber").text = question.qid
    return element


def _tags(element: ET.Element, question: QuestionView) -> None:
    tags = ET.SubElement(element, "tags")
    for name in [tag(question.module_slug), tag(question.section_anchor), *map(tag, question.tags)]:
        _text(tags, "tag", name)


def _multichoice(root: ET.Element, question: QuestionView) -> None:
    element = _question(root, "multichoice", question)
    single = question.type == QuestionType.SINGLE
    ET.SubElement(element, "single").text = "true" if single else "false"
    ET.SubElement(element, "shuffleanswers").text = "true"
    ET.SubElement(element, "answernumbering").text = "abc"
    right = [o for o in question.options if o.is_correct]
    wrong = [o for o in question.options if not o.is_correct]
    for option in question.options:
        if single:
            percent = 100.0 if option.is_correct else 0.0
        else:
            percent = 100.0 / len(right) if option.is_correct else -100.0 / len(wrong)
        _answer(element, percent, html(option.text), html(option.rationale))
    _tags(element, question)


def _truefalse(root: ET.Element, question: QuestionView) -> None:
    element = _question(root, "truefalse", question)
    for key in ("true", "false"):
        option = question.option(key)
        if option is not None:
            _answer(element, 100.0 if option.is_correct else 0.0, key, html(option.rationale), fmt="moodle_auto_format")
    _tags(element, question)


def _matching(root: ET.Element, question: QuestionView) -> None:
    # Moodle's matching type has no feedback per pair: the rationales go into the general feedback.
    element = _question(root, "matching", question)
    why = "".join(f"<li>{html(o.text)} → {html(o.match_text)}: {html(o.rationale)}</li>" for o in question.options)
    element.find("generalfeedback/text").text += f"<ul>{why}</ul>"
    ET.SubElement(element, "shuffleanswers").text = "true"
    for option in question.options:
        sub = _text(element, "subquestion", f"<p>{html(option.text)}</p>", format="html")
        answer = ET.SubElement(sub, "answer")
        ET.SubElement(answer, "text").text = option.match_text
    for distractor in question.distractors:
        sub = _text(element, "subquestion", "", format="html")
        answer = ET.SubElement(sub, "answer")
        ET.SubElement(answer, "text").text = distractor
    _tags(element, question)


def _ordering(root: ET.Element, question: QuestionView) -> None:
    # Answers are written in the right order, as qtype_ordering expects; its answers carry no feedback either.
    element = _question(root, "ordering", question)
    why = "".join(f"<li>{html(o.text)}: {html(o.rationale)}</li>" for o in ordered_items(question))
    element.find("generalfeedback/text").text += f"<ol>{why}</ol>"
    ET.SubElement(element, "layouttype").text = "VERTICAL"
    ET.SubElement(element, "selecttype").text = "ALL"
    ET.SubElement(element, "selectcount").text = "0"
    ET.SubElement(element, "gradingtype").text = "ABSOLUTE_POSITION"
    ET.SubElement(element, "showgrading").text = "SHOW"
    ET.SubElement(element, "numberingstyle").text = "none"
    for option in ordered_items(question):
        _answer(element, 100.0, html(option.text), html(option.rationale))
    _tags(element, question)


def _numerical(root: ET.Element, question: QuestionView) -> None:
    element = _question(root, "numerical", question)
    right = numeric_answer(question)
    answer = _answer(
        element,
        100.0,
        number_text(question.numeric_answer or 0.0),
        html(right.rationale if right else ""),
        fmt="moodle_auto_format",
    )
    ET.SubElement(answer, "tolerance").text = number_text(question.numeric_tolerance or 0.0)
    for error in numeric_errors(question):
        answer = _answer(
            element, 0.0, number_text(error.numeric_value), html(error.rationale), fmt="moodle_auto_format"
        )
        ET.SubElement(answer, "tolerance").text = "0"
    ET.SubElement(element, "unitgradingtype").text = "0"
    ET.SubElement(element, "unitpenalty").text = "0"
    ET.SubElement(element, "showunits").text = "3"
    ET.SubElement(element, "unitsleft").text = "0"
    _tags(element, question)


WRITERS = {
    QuestionType.SINGLE: _multichoice,
    QuestionType.MULTIPLE: _multichoice,
    QuestionType.TRUE_FALSE: _truefalse,
    QuestionType.MATCHING: _matching,
    QuestionType.ORDERING: _ordering,
    QuestionType.NUMERIC: _numerical,
}


def bank_xml(questions: Sequence[QuestionView]) -> bytes:
    """A Moodle XML quiz file: a category per module, then its questions, in the order given."""
    root = ET.Element("quiz")
    for (_, title), group in groupby(questions, key=lambda q: (q.module_slug, q.module_title)):
        category = ET.SubElement(root, "question", {"type": "category"})
        _text(category, "category", f"$course$/top/{APP_NAME}/{title}")
        for question in group:
            WRITERS[QuestionType(question.type)](root, question)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
