"""Matching: prompts each paired with one answer, plus optional extra answers that match none; the answer is
{"matches": {"a": "b", "b": "extra-1"}} (prompt key -> chosen answer id), marked pair by pair."""

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

PAIR_FIELDS = {"key", "prompt", "answer", "rationale"}


class Matching(PartByPartType):
    name = "matching"
    label = "Matching"
    fields = frozenset({"pairs", "distractors"})
    required = ("pairs",)
    template = "questions/matching.html"
    text_field = "prompt"
    answer_field = "matches"
    shares_note = "Share of attempts with each pair right."

    def read(self, entry: LineDict, question: QuestionData, prefix: str, out: Collector) -> None:
        items = sub_entries(entry, "pairs", prefix, out, PAIR_FIELDS, ("key", "prompt", "answer", "rationale"))
        answers: list[str] = []
        for position, item in enumerate(items):
            item_prefix = f"{prefix}pairs[{position}]."
            answer = out.text(item, "answer", item_prefix)
            if answer and answer in answers:
                out.add(line_of(item, "answer"), f"{item_prefix}answer", "two pairs have the same answer")
            answers.append(answer)
            question.options.append(
                OptionData(
                    key=item.get("key"),
                    text=out.text(item, "prompt", item_prefix),
                    match_text=answer,
                    is_correct=True,
                    rationale=out.text(item, "rationale", item_prefix),
                    position=position,
                )
            )
        if "pairs" in entry and not 2 <= len(entry.get("pairs") or []) <= 6:
            out.add(line_of(entry, "pairs"), f"{prefix}pairs", "a matching question needs 2 to 6 pairs")
        distractors = entry.get("distractors") or []
        if not isinstance(distractors, list) or not all(isinstance(d, str) and d.strip() for d in distractors):
            out.add(line_of(entry, "distractors"), f"{prefix}distractors", "must be a list of answer texts")
            return
        for distractor in distractors:
            if distractor.strip() in answers:
                out.add(
                    line_of(entry, "distractors"),
                    f"{prefix}distractors",
                    f"{distractor!r} is also a pair's answer",
                )
        question.distractors = [d.strip() for d in distractors]

    def option_field(self, option: OptionData) -> str:
        return f"pairs[{option.position}]."

    def form_fields(self, question: QuestionView) -> dict[str, forms.Field]:
        choices = [("", "Choose a match…"), *question.match_choices]
        return {
            f"match_{option.key}": forms.ChoiceField(
                label=option.text, choices=choices, error_messages={"required": "Choose a match."}
            )
            for option in question.options
        }

    def answer(self, question: QuestionView, cleaned: dict) -> dict:
        return {"matches": {o.key: cleaned[f"match_{o.key}"] for o in question.options}}

    def mark(self, question: QuestionView, answer: dict) -> Marking:
        texts = dict(question.match_choices)
        parts = tuple(
            PartResult(
                option=option,
                correct=answer["matches"].get(option.key) == option.key,
                given=texts.get(answer["matches"].get(option.key, ""), "no answer"),
                expected=option.match_text,
            )
            for option in question.options
        )
        return marking_by_parts(parts)

    def part_label(self, option: OptionView) -> str:
        return f"{plain_label(option.text, 45)} → {plain_label(option.match_text, 45)}"

    def right_answer(self, question: QuestionView) -> dict:
        return {"matches": {o.key: o.key for o in question.options}}

    def wrong_answers(self, question: QuestionView) -> list[dict]:
        options, right = question.options, self.right_answer(question)["matches"]
        wrong = [
            {"matches": {**right, first.key: second.key, second.key: first.key}} for first, second in pairwise(options)
        ]
        for index, _ in enumerate(question.distractors, start=1):
            wrong.append({"matches": {**right, options[-1].key: f"extra-{index}"}})
        return wrong

    def moodle_xml(self, xml: MoodleXml, question: QuestionView) -> None:
        # Moodle's matching type has no feedback per pair: the rationales go into the general feedback;
        # distractors are answers without a question.
        why = "".join(
            f"<li>{xml.html(o.text)} → {xml.html(o.match_text)}: {xml.html(o.rationale)}</li>" for o in question.options
        )
        element = xml.question("matching", question, extra_feedback=f"<ul>{why}</ul>")
        xml.sub(element, "shuffleanswers", "true")
        for option in question.options:
            xml.sub(xml.subquestion(element, f"<p>{xml.html(option.text)}</p>"), "answer/text", option.match_text)
        for distractor in question.distractors:
            xml.sub(xml.subquestion(element, ""), "answer/text", distractor)
        xml.tags(element, question)

    def qti_item(self, qti: Qti, question: QuestionView) -> ET.Element:
        item = qti.item(question)
        qti.declarations(
            item, "multiple", "directedPair", [f"P_{o.key} {qti.choice_id(o.key)}" for o in question.options]
        )
        body = qti.sub(item, "itemBody")
        count = str(len(question.options))
        interaction = qti.sub(
            body, "matchInteraction", {"responseIdentifier": "RESPONSE", "shuffle": "true", "maxAssociations": count}
        )
        qti.sub(interaction, "prompt", text=qti.plain(question.stem))
        prompts = qti.sub(interaction, "simpleMatchSet")
        for o in question.options:
            qti.sub(prompts, "simpleAssociableChoice", {"identifier": f"P_{o.key}", "matchMax": "1"}, qti.plain(o.text))
        answers = qti.sub(interaction, "simpleMatchSet")
        for o in question.options:
            qti.sub(
                answers, "simpleAssociableChoice", {"identifier": qti.choice_id(o.key), "matchMax": "1"}, o.match_text
            )
        for index, distractor in enumerate(question.distractors, start=1):
            qti.sub(answers, "simpleAssociableChoice", {"identifier": f"X_{index}", "matchMax": "1"}, distractor)
        qti.processing(item, qti.match_correct(), feedback_from_response=False)
        why = " ".join(f"{qti.plain(o.text)} → {o.match_text}: {qti.plain(o.rationale)}" for o in question.options)
        qti.feedback(item, "EXPLANATION", "general", f"{qti.general_feedback(question)} {why}")
        return item

    def gift(self, gift: Gift, question: QuestionView) -> GiftQuestion:
        # Distractors are answers with an empty prompt; GIFT has no feedback per pair, so the rationales join the
        # general feedback.
        lines = [f"={gift.escape(o.text)} -> {gift.escape(o.match_text)}" for o in question.options]
        lines += [f"= -> {gift.escape(d)}" for d in question.distractors]
        why = " ".join(f"{o.text} → {o.match_text}: {o.rationale}" for o in question.options)
        return GiftQuestion(lines, extra_feedback=why)

    def anki_options(self, anki: Anki, question: QuestionView) -> str:
        prompts = "".join(f"<li>{anki.html(o.text)}</li>" for o in question.options)
        answers = sorted([o.match_text for o in question.options] + list(question.distractors), key=str.lower)
        pool = "".join(f"<li>{anki.html(a)}</li>" for a in answers)
        return f'<p>Match:</p><ol class="options">{prompts}</ol><p>with:</p><ul>{pool}</ul>'

    def anki_answer(self, anki: Anki, question: QuestionView) -> str:
        pairs = "".join(f"<li>{anki.html(o.text)} → {anki.html(o.match_text)}</li>" for o in question.options)
        return f"<ul>{pairs}</ul>"

    def anki_rationales(self, anki: Anki, question: QuestionView) -> list[str]:
        return [
            f"<li>{anki.html(o.text)} → {anki.html(o.match_text)}: {anki.html(o.rationale)}</li>"
            for o in question.options
        ]


TYPE = Matching()
