"""Moodle XML, the format of Moodle's question bank import (Question bank > Import > Moodle XML format).

Each question type writes itself (`moodle_xml` in tutor/questions/<type>.py) with the MoodleXml toolkit below:
single and multiple -> multichoice, true_false -> truefalse, matching -> matching, ordering -> ordering,
numeric -> numerical. Each option's rationale is its feedback; the general feedback carries the explanation, the
section and the sources. Questions carry their stable id as `idnumber` and are filed in one category per module.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from itertools import groupby

from tutor.catalog.snapshot import QuestionView
from tutor.interop.exporters.common import (
    APP_NAME,
    general_feedback_html,
    html,
    number_text,
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


class MoodleXml:
    """What a question type writes its Moodle XML with (tutor/questions/<type>.py, `moodle_xml`)."""

    html = staticmethod(html)
    number_text = staticmethod(number_text)
    text = staticmethod(_text)
    answer = staticmethod(_answer)

    def __init__(self, root: ET.Element) -> None:
        self.root = root

    def question(
        self, qtype: str, question: QuestionView, *, stem_note: str = "", extra_feedback: str = ""
    ) -> ET.Element:
        """A <question> of Moodle type `qtype` with its name, text, general feedback and id."""
        element = ET.SubElement(self.root, "question", {"type": qtype})
        _text(element, "name", f"{question.qid} {question.stem[:60]}")
        _text(element, "questiontext", f"<p>{html(question.stem)}</p>{stem_note}", format="html")
        _text(element, "generalfeedback", general_feedback_html(question) + extra_feedback, format="html")
        ET.SubElement(element, "defaultgrade").text = "1"
        ET.SubElement(element, "penalty").text = "0"
        ET.SubElement(element, "hidden").text = "0"
        ET.SubElement(element, "idnumber").text = question.qid
        return element

    @staticmethod
    def sub(parent: ET.Element, path: str, text: str) -> ET.Element:
        """Nested elements along `path` ("answer/text"), the last holding `text`."""
        element = parent
        for name in path.split("/"):
            element = ET.SubElement(element, name)
        element.text = text
        return element

    @staticmethod
    def subquestion(parent: ET.Element, text: str) -> ET.Element:
        return _text(parent, "subquestion", text, format="html")

    @staticmethod
    def tags(element: ET.Element, question: QuestionView) -> None:
        tags = ET.SubElement(element, "tags")
        for name in [tag(question.module_slug), tag(question.section_anchor), *map(tag, question.tags)]:
            _text(tags, "tag", name)


def bank_xml(questions: Sequence[QuestionView]) -> bytes:
    """A Moodle XML quiz file: a category per module, then its questions, in the order given."""
    root = ET.Element("quiz")
    writer = MoodleXml(root)
    for (_, title), group in groupby(questions, key=lambda q: (q.module_slug, q.module_title)):
        category = ET.SubElement(root, "question", {"type": "category"})
        _text(category, "category", f"$course$/top/{APP_NAME}/{title}")
        for question in group:
            question.type_spec.moodle_xml(writer, question)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
