"""Numeric: a number, with a tolerance and a unit, and common wrong values each with the error behind it; the
answer is {"value": 54.2}. The right answer is stored as the option `answer`, each common error as an option."""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import TYPE_CHECKING

from django import forms

from tutor.catalog.content.problems import Collector, is_number
from tutor.catalog.content.tree import OptionData, QuestionData
from tutor.catalog.content.yaml_lines import LineDict, line_of
from tutor.catalog.snapshot import OptionView, QuestionView
from tutor.questions.base import GiftQuestion, Marking, OptionShare, QuestionTypeSpec, sub_entries

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from tutor.interop.exporters.anki import Anki
    from tutor.interop.exporters.gift import Gift
    from tutor.interop.exporters.moodle_xml import MoodleXml
    from tutor.interop.exporters.qti import Qti

ERROR_FIELDS = {"value", "rationale", "misconception"}
NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


class NumberField(forms.CharField):
    """A number as people type it: a decimal comma or point, spaces and a trailing % ignored."""

    def clean(self, value):
        raw = super().clean(value).strip().replace(" ", "").rstrip("%")
        if not NUMBER.match(raw):
            raise forms.ValidationError("Enter a number, such as 54.2 (digits, one decimal point or comma).")
        number = float(raw.replace(",", "."))
        if not math.isfinite(number):
            raise forms.ValidationError("Enter a number, such as 54.2.")
        return number


def right_value(question: QuestionView) -> OptionView | None:
    return next((o for o in question.options if o.key == "answer"), None)


def common_errors(question: QuestionView) -> list[OptionView]:
    return [o for o in question.options if o.key != "answer" and o.numeric_value is not None]


def _number(value: float) -> str:
    return f"{value:g}"


class Numeric(QuestionTypeSpec):
    name = "numeric"
    label = "Numeric"
    fields = frozenset({"answer", "tolerance", "unit", "rationale", "common_errors"})
    required = ("answer", "rationale")
    template = "questions/numeric.html"
    keys_hint = "Type the number, then <kbd>Enter</kbd> checks"
    share_kind = "value"

    def read(self, entry: LineDict, question: QuestionData, prefix: str, out: Collector) -> None:
        answer = entry.get("answer")
        if "answer" in entry and not is_number(answer):
            out.add(line_of(entry, "answer"), f"{prefix}answer", f"must be a number, got {answer!r}")
            answer = None
        tolerance = entry.get("tolerance", 0)
        if not is_number(tolerance) or tolerance < 0:
            out.add(
                line_of(entry, "tolerance"),
                f"{prefix}tolerance",
                f"must be a number of 0 or more, got {tolerance!r}",
            )
            tolerance = 0
        question.numeric_answer = float(answer) if answer is not None else None
        question.numeric_tolerance = float(tolerance)
        question.unit = out.text(entry, "unit", prefix)
        question.options.append(
            OptionData(
                key="answer",
                text="",
                is_correct=True,
                rationale=out.text(entry, "rationale", prefix),
                numeric_value=question.numeric_answer,
                position=0,
            )
        )
        errors = sub_entries(entry, "common_errors", prefix, out, ERROR_FIELDS, ("value", "rationale", "misconception"))
        for position, item in enumerate(errors, start=1):
            item_prefix = f"{prefix}common_errors[{position - 1}]."
            value = item.get("value")
            if not is_number(value):
                if "value" in item:
                    out.add(line_of(item, "value"), f"{item_prefix}value", f"must be a number, got {value!r}")
                continue
            if answer is not None and abs(value - answer) <= tolerance:
                out.add(
                    line_of(item, "value"),
                    f"{item_prefix}value",
                    "lies within the tolerance of the right answer",
                )
            question.options.append(
                OptionData(
                    key=f"error-{position}",
                    text="",
                    rationale=out.text(item, "rationale", item_prefix),
                    misconception=out.text(item, "misconception", item_prefix),
                    numeric_value=float(value),
                    position=position,
                    line=line_of(item, "misconception"),
                )
            )

    def option_field(self, option: OptionData) -> str:
        # The right answer's fields sit on the question itself; each common error in its own entry.
        return "" if option.is_correct else f"common_errors[{option.position - 1}]."

    def form_fields(self, question: QuestionView) -> dict[str, forms.Field]:
        return {
            "value": NumberField(
                label="Your answer",
                max_length=32,
                error_messages={"required": "Enter a number."},
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
        }

    def answer(self, question: QuestionView, cleaned: dict) -> dict:
        return {"value": cleaned["value"]}

    def mark(self, question: QuestionView, answer: dict) -> Marking:
        value = float(answer["value"])
        tolerance = question.numeric_tolerance or 0.0
        correct = abs(value - question.numeric_answer) <= tolerance + 1e-9
        errors = [o for o in question.options if not o.is_correct and o.numeric_value is not None]
        closest = None
        if not correct and errors:
            nearest = min(errors, key=lambda o: abs(o.numeric_value - value))
            if abs(nearest.numeric_value - value) <= max(tolerance, 1e-9):
                closest = nearest
        return Marking(correct=correct, score=1.0 if correct else 0.0, closest_error=closest)

    def feedback_details(self, question: QuestionView, answer: dict, marking: Marking) -> dict:
        right = f"{question.numeric_answer:g}{question.unit}"
        if question.numeric_tolerance:
            right += f" (answers within ±{question.numeric_tolerance:g}{question.unit} count)"
        value = answer.get("value")
        option = right_value(question)
        return {
            "right_answer": right,
            "given": f"{value:g}{question.unit}" if isinstance(value, int | float) else "",
            "rationale_html": option.rationale_html if option else "",
        }

    def counted_keys(self, marking: Marking) -> tuple[str, ...]:
        if marking.correct:
            return ("answer",)
        return (marking.closest_error.key if marking.closest_error is not None else "",)

    def option_shares(self, question: QuestionView, counts: Counter, attempts: int) -> tuple[OptionShare, ...]:
        def share(count: int) -> float:
            return count / attempts if attempts else 0.0

        unit = f" {question.unit}" if question.unit else ""
        tolerance = f" ± {_number(question.numeric_tolerance)}" if question.numeric_tolerance else ""
        shares = [
            OptionShare(
                "answer",
                f"{_number(question.numeric_answer)}{tolerance}{unit}",
                counts["answer"],
                share(counts["answer"]),
                True,
            )
        ]
        shares += [
            OptionShare(
                o.key,
                f"{_number(o.numeric_value)}{unit}",
                counts[o.key],
                share(counts[o.key]),
                False,
                o.misconception,
                o.misconception_label,
            )
            for o in question.options
            if not o.is_correct and o.numeric_value is not None
        ]
        shares.append(OptionShare("", "Any other value", counts[""], share(counts[""]), False))
        return tuple(shares)

    def answer_text(self, answer: dict) -> str:
        return f"{answer['value']:g}" if "value" in answer else ""

    def right_answer(self, question: QuestionView) -> dict:
        return {"value": question.numeric_answer or 0.0}

    def wrong_answers(self, question: QuestionView) -> list[dict]:
        value = question.numeric_answer or 0.0
        errors = [{"value": o.numeric_value} for o in common_errors(question) if not o.is_correct]
        slip = (question.numeric_tolerance or 0.0) + max(1.0, abs(value) * 0.1)
        return errors or [{"value": round(value + slip, 1)}, {"value": round(value - slip, 1)}]

    def moodle_xml(self, xml: MoodleXml, question: QuestionView) -> None:
        # The tolerance is kept; common wrong values are 0% answers with their feedback.
        note = f"<p>Give the answer in {xml.html(question.unit)}.</p>" if question.unit else ""
        element = xml.question("numerical", question, stem_note=note)
        right = right_value(question)
        answer = xml.answer(
            element,
            100.0,
            xml.number_text(question.numeric_answer or 0.0),
            xml.html(right.rationale if right else ""),
            "moodle_auto_format",
        )
        xml.sub(answer, "tolerance", xml.number_text(question.numeric_tolerance or 0.0))
        for error in common_errors(question):
            answer = xml.answer(
                element, 0.0, xml.number_text(error.numeric_value), xml.html(error.rationale), "moodle_auto_format"
            )
            xml.sub(answer, "tolerance", "0")
        for name, value in (("unitgradingtype", "0"), ("unitpenalty", "0"), ("showunits", "3"), ("unitsleft", "0")):
            xml.sub(element, name, value)
        xml.tags(element, question)

    def qti_item(self, qti: Qti, question: QuestionView) -> ET.Element:
        # A textEntryInteraction with a float response; the tolerance is an absolute `equal` tolerance, and the
        # feedback for the right value and each common wrong value is chosen by matching the response.
        item = qti.item(question)
        qti.declarations(item, "single", "float", [qti.number_text(question.numeric_answer or 0.0)])
        body = qti.sub(item, "itemBody")
        paragraph = qti.sub(body, "p", text=qti.plain(question.stem) + " ")
        entry = qti.sub(paragraph, "textEntryInteraction", {"responseIdentifier": "RESPONSE", "expectedLength": "8"})
        if question.unit:
            entry.tail = f" {question.unit}"
        tolerance = qti.number_text(question.numeric_tolerance or 0.0)
        equal = qti.element("equal", {"toleranceMode": "absolute", "tolerance": f"{tolerance} {tolerance}"})
        qti.sub(equal, "variable", {"identifier": "RESPONSE"})
        qti.sub(equal, "correct", {"identifier": "RESPONSE"})
        processing = qti.processing(item, equal, feedback_from_response=False)
        values = [("right", question.numeric_answer, question.numeric_tolerance or 0.0)]
        values += [(f"error_{i}", o.numeric_value, 0.0) for i, o in enumerate(common_errors(question), start=1)]
        for identifier, value, tol in values:
            when = qti.sub(qti.sub(processing, "responseCondition"), "responseIf")
            around = f"{qti.number_text(tol)} {qti.number_text(tol)}"
            close = qti.sub(when, "equal", {"toleranceMode": "absolute", "tolerance": around})
            qti.sub(close, "variable", {"identifier": "RESPONSE"})
            qti.sub(close, "baseValue", {"baseType": "float"}, qti.number_text(value))
            qti.sub(
                qti.sub(when, "setOutcomeValue", {"identifier": "FEEDBACK"}),
                "baseValue",
                {"baseType": "identifier"},
                identifier,
            )
        right = right_value(question)
        if right is not None:
            qti.feedback(item, "FEEDBACK", "right", right.rationale)
        for index, error in enumerate(common_errors(question), start=1):
            qti.feedback(item, "FEEDBACK", f"error_{index}", error.rationale)
        qti.feedback(item, "EXPLANATION", "general", qti.general_feedback(question))
        return item

    def gift(self, gift: Gift, question: QuestionView) -> GiftQuestion:
        right = right_value(question)
        answer = gift.number_text(question.numeric_answer or 0.0)
        tolerance = gift.number_text(question.numeric_tolerance or 0.0)
        lines = [f"={answer}:{tolerance}#{gift.escape(right.rationale if right else '')}"]
        lines += [
            f"=%0%{gift.number_text(o.numeric_value)}:0#{gift.escape(o.rationale)}" for o in common_errors(question)
        ]
        note = f"(answer in {question.unit})" if question.unit else ""
        return GiftQuestion(lines, stem_note=note, numerical=True)

    def anki_options(self, anki: Anki, question: QuestionView) -> str:
        return f"<p>Answer as a number{f' ({anki.html(question.unit)})' if question.unit else ''}.</p>"

    def anki_answer(self, anki: Anki, question: QuestionView) -> str:
        value = anki.number_text(question.numeric_answer or 0.0)
        tolerance = f" (± {anki.number_text(question.numeric_tolerance)})" if question.numeric_tolerance else ""
        return f"<p>{anki.html(value)}{anki.html(question.unit)}{anki.html(tolerance)}</p>"

    def anki_rationales(self, anki: Anki, question: QuestionView) -> list[str]:
        rows = []
        right = right_value(question)
        if right is not None:
            rows.append(
                f"<li>{anki.html(anki.number_text(question.numeric_answer or 0.0))}: {anki.html(right.rationale)}</li>"
            )
        rows += [
            f"<li>{anki.html(anki.number_text(o.numeric_value))}: {anki.html(o.rationale)}</li>"
            for o in common_errors(question)
        ]
        return rows


TYPE = Numeric()
