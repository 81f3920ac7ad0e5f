"""QTI 2.1 items in an IMS content package (a zip with imsmanifest.xml), for Canvas, Blackboard and other LMSs.

One assessmentItem file per question: choiceInteraction (single, multiple, true/false), matchInteraction
(matching; distractors are extra answers), orderInteraction (ordering) and textEntryInteraction with a float
response (numeric; the tolerance is an absolute `equal` tolerance). Per-option feedback is a modalFeedback shown for
the chosen option; the explanation and sources are a modalFeedback shown after every answer.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence

from tutor.catalog.models import QuestionType
from tutor.catalog.snapshot import QuestionView
from tutor.interop.exporters.common import (
    APP_NAME,
    general_feedback_text,
    number_text,
    numeric_answer,
    numeric_errors,
    ordered_items,
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


def _processing(item: ET.Element, match: ET.Element, *, feedback_from_response: bool) -> None:
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


def choice_item(question: QuestionView) -> ET.Element:
    item = _item(question)
    single = question.type != QuestionType.MULTIPLE
    correct = [choice_id(o.key) for o in question.options if o.is_correct]
    _declarations(item, "single" if single else "multiple", "identifier", correct)
    body = _sub(item, "itemBody")
    interaction = _sub(
        body,
        "choiceInteraction",
        {
            "responseIdentifier": "RESPONSE",
            "shuffle": "false" if question.type == QuestionType.TRUE_FALSE else "true",
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


def match_item(question: QuestionView) -> ET.Element:
    item = _item(question)
    pairs = [f"P_{o.key} {choice_id(o.key)}" for o in question.options]
    _declarations(item, "multiple", "directedPair", pairs)
    body = _sub(item, "itemBody")
    count = str(len(question.options))
    interaction = _sub(
        body, "matchInteraction", {"responseIdentifier": "RESPONSE", "shuffle": "true", "maxAssociations": count}
    )
    _sub(interaction, "prompt", text=plain(question.stem))
    prompts = _sub(interaction, "simpleMatchSet")
    for option in question.options:
        _sub(prompts, "simpleAssociableChoice", {"identifier": f"P_{option.key}", "matchMax": "1"}, plain(option.text))
    answers = _sub(interaction, "simpleMatchSet")
    for option in question.options:
        _sub(
            answers, "simpleAssociableChoice", {"identifier": choice_id(option.key), "matchMax": "1"}, option.match_text
        )
    for index, distractor in enumerate(question.distractors, start=1):
        _sub(answers, "simpleAssociableChoice", {"identifier": f"X_{index}", "matchMax": "1"}, distractor)
    _processing(item, _match_correct(), feedback_from_response=False)
    why = " ".join(f"{plain(o.text)} → {o.match_text}: {plain(o.rationale)}" for o in question.options)
    _feedback(item, "EXPLANATION", "general", f"{general_feedback_text(question)} {why}")
    return item


def order_item(question: QuestionView) -> ET.Element:
    item = _item(question)
    right = ordered_items(question)
    _declarations(item, "ordered", "identifier", [choice_id(o.key) for o in right])
    body = _sub(item, "itemBody")
    interaction = _sub(body, "orderInteraction", {"responseIdentifier": "RESPONSE", "shuffle": "true"})
    _sub(interaction, "prompt", text=plain(question.stem))
    for option in right:
        _sub(interaction, "simpleChoice", {"identifier": choice_id(option.key)}, plain(option.text))
    _processing(item, _match_correct(), feedback_from_response=False)
    why = " ".join(f"{plain(o.text)}: {plain(o.rationale)}" for o in right)
    _feedback(item, "EXPLANATION", "general", f"{general_feedback_text(question)} {why}")
    return item


def numeric_item(question: QuestionView) -> ET.Element:
    item = _item(question)
    answer = number_text(question.numeric_answer or 0.0)
    _declarations(item, "single", "float", [answer])
    body = _sub(item, "itemBody")
    paragraph = _sub(body, "p", text=plain(question.stem) + " ")
    entry = _sub(paragraph, "textEntryInteraction", {"responseIdentifier": "RESPONSE", "expectedLength": "8"})
    if question.unit:
        entry.tail = f" {question.unit}"
    tolerance = number_text(question.numeric_tolerance or 0.0)
    equal = ET.Element(q("equal"), {"toleranceMode": "absolute", "tolerance": f"{tolerance} {tolerance}"})
    _sub(equal, "variable", {"identifier": "RESPONSE"})
    _sub(equal, "correct", {"identifier": "RESPONSE"})
    _processing(item, equal, feedback_from_response=False)
    # Feedback for the right value and each common wrong value, chosen by matching the response.
    processing = item.find(q("responseProcessing"))
    values = [("right", question.numeric_answer, question.numeric_tolerance or 0.0)]
    values += [(f"error_{i}", o.numeric_value, 0.0) for i, o in enumerate(numeric_errors(question), start=1)]
    for identifier, value, tol in values:
        condition = _sub(processing, "responseCondition")
        when = _sub(condition, "responseIf")
        close = _sub(
            when, "equal", {"toleranceMode": "absolute", "tolerance": f"{number_text(tol)} {number_text(tol)}"}
        )
        _sub(close, "variable", {"identifier": "RESPONSE"})
        _sub(close, "baseValue", {"baseType": "float"}, number_text(value))
        _sub(
            _sub(when, "setOutcomeValue", {"identifier": "FEEDBACK"}),
            "baseValue",
            {"baseType": "identifier"},
            identifier,
        )
    right = numeric_answer(question)
    if right is not None:
        _feedback(item, "FEEDBACK", "right", right.rationale)
    for index, error in enumerate(numeric_errors(question), start=1):
        _feedback(item, "FEEDBACK", f"error_{index}", error.rationale)
    _feedback(item, "EXPLANATION", "general", general_feedback_text(question))
    return item


WRITERS = {
    QuestionType.SINGLE: choice_item,
    QuestionType.MULTIPLE: choice_item,
    QuestionType.TRUE_FALSE: choice_item,
    QuestionType.MATCHING: match_item,
    QuestionType.ORDERING: order_item,
    QuestionType.NUMERIC: numeric_item,
}


def item_xml(question: QuestionView) -> bytes:
    item = WRITERS[QuestionType(question.type)](question)
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
