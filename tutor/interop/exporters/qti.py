"""QTI 2.1 items in an IMS content package (a zip with imsmanifest.xml), for Canvas, Blackboard and other LMSs.

One assessmentItem file per question, written by its type (`qti_item` in tutor/questions/<type>.py) with the Qti
toolkit below: choiceInteraction (single, multiple, true/false), matchInteraction (matching; distractors are extra
answers), orderInteraction (ordering) and textEntryInteraction with a float response (numeric; the tolerance is an
absolute `equal` tolerance). Per-option feedback is a modalFeedback shown for
the chosen option; the explanation and sources are a modalFeedback shown after every answer.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence

from tutor.catalog.snapshot import QuestionView
from tutor.interop.exporters.common import (
    APP_NAME,
    general_feedback_text,
    number_text,
    plain,
)

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
QTI_SCHEMA = f"{QTI_NS} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_SCHEMA = f"{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd"

ET.register_namespace("", QTI_NS)
ET.register_namespace("xsi", XSI_NS)


def q(name: str) -> str:
    return f"{{{QTI_NS}}}{name}"


def choice_id(key: str) -> str:
    """Option keys become identifiers; a prefix keeps them valid whatever the key starts with."""
    return f"C_{key}"


def item_id(question: QuestionView) -> str:
    return f"Q_{question.qid}"


def _sub(parent: ET.Element, name: str, attrs: dict[str, str] | None = None, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, q(name), attrs or {})
    if text is not None:
        element.text = text
    return element


def _declarations(item: ET.Element, cardinality: str, base_type: str, correct: list[str]) -> ET.Element:
    response = _sub(
        item, "responseDeclaration", {"identifier": "RESPONSE", "cardinality": cardinality, "baseType": base_type}
    )
    values = _sub(response, "correctResponse")
    for value in correct:
        _sub(values, "value", text=value)
    _sub(
        _sub(
            _sub(item, "outcomeDeclaration", {"identifier": "SCORE", "cardinality": "single", "baseType": "float"}),
            "defaultValue",
        ),
        "value",
        text="0",
    )
    feedback_cardinality = "multiple" if cardinality in {"multiple", "ordered"} else "single"
    _sub(
        item,
        "outcomeDeclaration",
        {"identifier": "FEEDBACK", "cardinality": feedback_cardinality, "baseType": "identifier"},
    )
    _sub(item, "outcomeDeclaration", {"identifier": "EXPLANATION", "cardinality": "single", "baseType": "identifier"})
    return response


def _processing(item: ET.Element, match: ET.Element, *, feedback_from_response: bool) -> ET.Element:
    processing = _sub(item, "responseProcessing")
    condition = _sub(processing, "responseCondition")
    when = _sub(condition, "responseIf")
    when.append(match)
    _sub(_sub(when, "setOutcomeValue", {"identifier": "SCORE"}), "baseValue", {"baseType": "float"}, "1")
    otherwise = _sub(condition, "responseElse")
    _sub(_sub(otherwise, "setOutcomeValue", {"identifier": "SCORE"}), "baseValue", {"baseType": "float"}, "0")
    if feedback_from_response:
        _sub(_sub(processing, "setOutcomeValue", {"identifier": "FEEDBACK"}), "variable", {"identifier": "RESPONSE"})
    _sub(
        _sub(processing, "setOutcomeValue", {"identifier": "EXPLANATION"}),
        "baseValue",
        {"baseType": "identifier"},
        "general",
    )
    return processing


def _match_correct() -> ET.Element:
    match = ET.Element(q("match"))
    _sub(match, "variable", {"identifier": "RESPONSE"})
    _sub(match, "correct", {"identifier": "RESPONSE"})
    return match


def _feedback(item: ET.Element, outcome: str, identifier: str, text: str) -> None:
    block = _sub(item, "modalFeedback", {"outcomeIdentifier": outcome, "identifier": identifier, "showHide": "show"})
    block.text = plain(text)


def _item(question: QuestionView) -> ET.Element:
    item = ET.Element(
        q("assessmentItem"),
        {
            "identifier": item_id(question),
            "title": f"{question.qid}",
            "adaptive": "false",
            "timeDependent": "false",
            f"{{{XSI_NS}}}schemaLocation": QTI_SCHEMA,
        },
    )
    return item


def choice_item(question: QuestionView, *, single: bool, shuffle: bool) -> ET.Element:
    """A choiceInteraction (single, multiple, true/false): feedback for each option chosen, then the explanation."""
    item = _item(question)
    correct = [choice_id(o.key) for o in question.options if o.is_correct]
    _declarations(item, "single" if single else "multiple", "identifier", correct)
    body = _sub(item, "itemBody")
    interaction = _sub(
        body,
        "choiceInteraction",
        {
            "responseIdentifier": "RESPONSE",
            "shuffle": "true" if shuffle else "false",
            "maxChoices": "1" if single else "0",
        },
    )
    _sub(interaction, "prompt", text=plain(question.stem))
    for option in question.options:
        _sub(interaction, "simpleChoice", {"identifier": choice_id(option.key)}, plain(option.text))
    _processing(item, _match_correct(), feedback_from_response=True)
    for option in question.options:
        _feedback(item, "FEEDBACK", choice_id(option.key), option.rationale)
    _feedback(item, "EXPLANATION", "general", general_feedback_text(question))
    return item


class Qti:
    """What a question type writes its QTI item with (tutor/questions/<type>.py, `qti_item`)."""

    item = staticmethod(_item)
    declarations = staticmethod(_declarations)
    processing = staticmethod(_processing)
    match_correct = staticmethod(_match_correct)
    feedback = staticmethod(_feedback)
    sub = staticmethod(_sub)
    choice_id = staticmethod(choice_id)
    choice_item = staticmethod(choice_item)
    general_feedback = staticmethod(general_feedback_text)
    plain = staticmethod(plain)
    number_text = staticmethod(number_text)

    @staticmethod
    def element(name: str, attrs: dict[str, str] | None = None) -> ET.Element:
        return ET.Element(q(name), attrs or {})


QTI = Qti()


def item_xml(question: QuestionView) -> bytes:
    item = question.type_spec.qti_item(QTI, question)
    ET.indent(item)
    return ET.tostring(item, encoding="utf-8", xml_declaration=True)


def manifest_xml(questions: Sequence[QuestionView]) -> bytes:
    ET.register_namespace("", CP_NS)
    manifest = ET.Element(
        f"{{{CP_NS}}}manifest",
        {"identifier": "MANIFEST-mdma-at-tutor", f"{{{XSI_NS}}}schemaLocation": CP_SCHEMA},
    )
    metadata = ET.SubElement(manifest, f"{{{CP_NS}}}metadata")
    ET.SubElement(metadata, f"{{{CP_NS}}}schema").text = "QTIv2.1 Package"
    ET.SubElement(metadata, f"{{{CP_NS}}}schemaversion").text = "1.0.0"
    ET.SubElement(manifest, f"{{{CP_NS}}}organizations")
    resources = ET.SubElement(manifest, f"{{{CP_NS}}}resources")
    for question in questions:
        href = f"items/{question.qid}.xml"
        resource = ET.SubElement(
            resources,
            f"{{{CP_NS}}}resource",
            {"identifier": f"RES_{question.qid}", "type": "imsqti_item_xmlv2p1", "href": href},
        )
        ET.SubElement(resource, f"{{{CP_NS}}}file", {"href": href})
    ET.indent(manifest)
    text = ET.tostring(manifest, encoding="utf-8", xml_declaration=True)
    ET.register_namespace("", QTI_NS)
    return text


def bank_package(questions: Sequence[QuestionView]) -> bytes:
    """A zip: imsmanifest.xml and items/<question id>.xml, one QTI 2.1 item per question."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("imsmanifest.xml", manifest_xml(questions))
        for question in questions:
            package.writestr(f"items/{question.qid}.xml", item_xml(question))
        package.writestr(
            "README.txt", f"{APP_NAME}: {len(questions)} QTI 2.1 items. Import the zip as a QTI package.\n"
        )
    return buffer.getvalue()
