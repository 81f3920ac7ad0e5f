"""Ordering: items listed in their right order in the file, shown shuffled; the answer is
{"order": {"a": 1, "b": 3, "c": 2}} (item key -> place, from 1), marked item by item."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from django import forms

from tutor.catalog.content.problems import Collector
from tutor.catalog.content.tree import OptionData, QuestionData
from tutor.catalog.content.yaml_lines import LineDict, line_of
from tutor.catalog.snapshot import OptionView, QuestionView
from tutor.questions.base import (
    GiftQuestion,
    Marking,
    PartByPartType,
    PartResult,
    marking_by_parts,
    plain_label,
    sub_entries,
)

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from tutor.interop.exporters.anki import Anki
    from tutor.interop.exporters.gift import Gift
    from tutor.interop.exporters.moodle_xml import MoodleXml
    from tutor.interop.exporters.qti import Qti

ITEM_FIELDS = {"key", "text", "rationale"}
GIFT_NOTE = "(Exported as matching: GIFT has no ordering type; pair each item with its place.)"


def ordered_items(question: QuestionView) -> list[OptionView]:
    """The items in their right order."""
    return sorted(question.options, key=lambda option: option.position)


class Ordering(PartByPartType):
    name = "ordering"
    label = "Ordering"
    fields = frozenset({"items"})
    required = ("items",)
    template = "questions/ordering.html"
    answer_field = "order"
    shares_note = "Share of attempts with each place right."

    def read(self, entry: LineDict, question: QuestionData, prefix: str, out: Collector) -> None:
        items = sub_entries(entry, "items", prefix, out, ITEM_FIELDS, ("key", "text", "rationale"))
        for position, item in enumerate(items):
            item_prefix = f"{prefix}items[{position}]."
            question.options.append(
                OptionData(
                    key=item.get("key"),
                    text=out.text(item, "text", item_prefix),
                    is_correct=True,
                    rationale=out.text(item, "rationale", item_prefix),
                    position=position,
                )
            )
        if "items" in entry and not 3 <= len(entry.get("items") or []) <= 6:
            out.add(line_of(entry, "items"), f"{prefix}items", "an ordering question needs 3 to 6 items")

    def option_field(self, option: OptionData) -> str:
        return f"items[{option.position}]."

    def form_fields(self, question: QuestionView) -> dict[str, forms.Field]:
        places = [("", "Place…")] + [(str(n), str(n)) for n in range(1, len(question.options) + 1)]
        return {
            f"order_{option.key}": forms.ChoiceField(
                label=option.text, choices=places, error_messages={"required": "Give this item a place."}
            )
            for option in question.options
        }

    def clean(self, question: QuestionView, cleaned: dict) -> None:
        places = [cleaned.get(f"order_{o.key}") for o in question.options]
        given = [p for p in places if p]
        if len(given) == len(places) and len(set(given)) != len(given):
            raise forms.ValidationError("Give each item a different place: each number can be used once.")

    def answer(self, question: QuestionView, cleaned: dict) -> dict:
        return {"order": {o.key: int(cleaned[f"order_{o.key}"]) for o in question.options}}

    def mark(self, question: QuestionView, answer: dict) -> Marking:
        parts = tuple(
            PartResult(
                option=option,
                correct=answer["order"].get(option.key) == option.position + 1,
                given=str(answer["order"].get(option.key, "?")),
                expected=str(option.position + 1),
            )
            for option in question.options
        )
        return marking_by_parts(parts)

    def feedback_details(self, question: QuestionView, answer: dict, marking: Marking) -> dict:
        return {"parts_in_order": tuple(sorted(marking.parts, key=lambda part: part.option.position))}

    def part_label(self, option: OptionView) -> str:
        return f"{option.position + 1}. {plain_label(option.text)}"

    def right_answer(self, question: QuestionView) -> dict:
        return {"order": {o.key: o.position + 1 for o in question.options}}

    def wrong_answers(self, question: QuestionView) -> list[dict]:
        right = self.right_answer(question)["order"]
        return [
            {"order": {**right, first.key: right[second.key], second.key: right[first.key]}}
            for first, second in pairwise(question.options)
        ]

    def moodle_xml(self, xml: MoodleXml, question: QuestionView) -> None:
        # Core in Moodle 4.4 and later (earlier sites need the qtype_ordering plugin). Answers are written in the
        # right order, as the type expects; they carry no feedback, so the rationales join the general feedback.
        items = ordered_items(question)
        why = "".join(f"<li>{xml.html(o.text)}: {xml.html(o.rationale)}</li>" for o in items)
        element = xml.question("ordering", question, extra_feedback=f"<ol>{why}</ol>")
        for name, value in (
            ("layouttype", "VERTICAL"),
            ("selecttype", "ALL"),
            ("selectcount", "0"),
            ("gradingtype", "ABSOLUTE_POSITION"),
            ("showgrading", "SHOW"),
            ("numberingstyle", "none"),
        ):
            xml.sub(element, name, value)
        for option in items:
            xml.answer(element, 100.0, xml.html(option.text), xml.html(option.rationale))
        xml.tags(element, question)

    def qti_item(self, qti: Qti, question: QuestionView) -> ET.Element:
        item = qti.item(question)
        right = ordered_items(question)
        qti.declarations(item, "ordered", "identifier", [qti.choice_id(o.key) for o in right])
        body = qti.sub(item, "itemBody")
        interaction = qti.sub(body, "orderInteraction", {"responseIdentifier": "RESPONSE", "shuffle": "true"})
        qti.sub(interaction, "prompt", text=qti.plain(question.stem))
        for option in right:
            qti.sub(interaction, "simpleChoice", {"identifier": qti.choice_id(option.key)}, qti.plain(option.text))
        qti.processing(item, qti.match_correct(), feedback_from_response=False)
        why = " ".join(f"{qti.plain(o.text)}: {qti.plain(o.rationale)}" for o in right)
        qti.feedback(item, "EXPLANATION", "general", f"{qti.general_feedback(question)} {why}")
        return item

    def gift(self, gift: Gift, question: QuestionView) -> GiftQuestion:
        # GIFT has no ordering type: each item is matched with its place ("1st", "2nd", …), and both the stem and
        # the general feedback say so.
        items = ordered_items(question)
        lines = [f"={gift.escape(o.text)} -> {gift.ordinal(n)}" for n, o in enumerate(items, start=1)]
        why = " ".join(f"{o.text}: {o.rationale}" for o in items)
        return GiftQuestion(lines, extra_feedback=f"{GIFT_NOTE} {why}", stem_note=GIFT_NOTE)

    def anki_options(self, anki: Anki, question: QuestionView) -> str:
        shuffled = sorted(question.options, key=lambda o: o.key)  # keys are not in the right order's sense
        items = "".join(f"<li>{anki.html(o.text)}</li>" for o in shuffled)
        return f'<p>Put in order:</p><ul class="options">{items}</ul>'

    def anki_answer(self, anki: Anki, question: QuestionView) -> str:
        return "<ol>" + "".join(f"<li>{anki.html(o.text)}</li>" for o in ordered_items(question)) + "</ol>"

    def anki_rationales(self, anki: Anki, question: QuestionView) -> list[str]:
        return [f"<li>• {anki.html(o.text)}: {anki.html(o.rationale)}</li>" for o in ordered_items(question)]


TYPE = Ordering()
