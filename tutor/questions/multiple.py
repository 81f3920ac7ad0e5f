"""Multiple response: options, two or more right and at least one wrong; the answer is {"choices": ["a", "c"]},
marked option by option (each ticked or left as it should be)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms

from tutor.catalog.content.problems import Collector
from tutor.catalog.content.tree import OptionData, QuestionData
from tutor.catalog.content.yaml_lines import LineDict, line_of
from tutor.catalog.snapshot import QuestionView
from tutor.questions.base import GiftQuestion, Marking, PartResult, marking_by_parts
from tutor.questions.single import ChoiceType, read_options

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from tutor.interop.exporters.gift import Gift
    from tutor.interop.exporters.moodle_xml import MoodleXml
    from tutor.interop.exporters.qti import Qti


class MultipleResponse(ChoiceType):
    name = "multiple"
    label = "Multiple response"
    fields = frozenset({"options"})
    required = ("options",)
    template = "questions/multiple.html"
    choice_in_answer = False

    def read(self, entry: LineDict, question: QuestionData, prefix: str, out: Collector) -> None:
        correct_count = read_options(entry, question, prefix, out)
        if correct_count is None:
            return
        if correct_count < 2:
            out.add(
                line_of(entry, "options"),
                f"{prefix}options",
                f"a multiple-response question needs at least two correct options, found {correct_count}",
            )
        if correct_count == len(question.options):
            out.add(line_of(entry, "options"), f"{prefix}options", "a multiple-response question needs a wrong option")

    def option_field(self, option: OptionData) -> str:
        return f"options[{option.position}]."

    def form_fields(self, question: QuestionView) -> dict[str, forms.Field]:
        return {
            "choices": forms.MultipleChoiceField(
                choices=[(o.key, o.text) for o in question.options],
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": "Choose at least one answer."},
            )
        }

    def answer(self, question: QuestionView, cleaned: dict) -> dict:
        return {"choices": sorted(cleaned["choices"])}

    def mark(self, question: QuestionView, answer: dict) -> Marking:
        chosen = set(answer["choices"])
        parts = tuple(
            PartResult(
                option=option,
                correct=(option.key in chosen) == option.is_correct,
                given="chosen" if option.key in chosen else "not chosen",
                expected="choose" if option.is_correct else "leave",
            )
            for option in question.options
        )
        return marking_by_parts(parts, chosen=tuple(o for o in question.options if o.key in chosen))

    def answer_text(self, answer: dict) -> str:
        return " ".join(answer["choices"]) if "choices" in answer else ""

    def right_answer(self, question: QuestionView) -> dict:
        return {"choices": sorted(o.key for o in question.options if o.is_correct)}

    def wrong_answers(self, question: QuestionView) -> list[dict]:
        chosen = {o.key for o in question.options if o.is_correct}
        flips = [sorted(chosen ^ {o.key}) for o in question.options]  # one option too many or too few
        return [{"choices": keys} for keys in flips if keys]

    def moodle_xml(self, xml: MoodleXml, question: QuestionView) -> None:
        # Right options share +100% and wrong ones -100%, so ticking everything scores nothing.
        element = xml.question("multichoice", question)
        xml.sub(element, "single", "false")
        xml.sub(element, "shuffleanswers", "true")
        xml.sub(element, "answernumbering", "abc")
        right = sum(o.is_correct for o in question.options)
        wrong = len(question.options) - right
        for option in question.options:
            percent = 100.0 / right if option.is_correct else -100.0 / wrong
            xml.answer(element, percent, xml.html(option.text), xml.html(option.rationale))
        xml.tags(element, question)

    def qti_item(self, qti: Qti, question: QuestionView) -> ET.Element:
        return qti.choice_item(question, single=False, shuffle=True)

    def gift(self, gift: Gift, question: QuestionView) -> GiftQuestion:
        right = sum(o.is_correct for o in question.options)
        wrong = len(question.options) - right
        lines = []
        for o in question.options:
            percent = 100 / right if o.is_correct else -100 / wrong
            lines.append(f"~%{gift.fraction_text(percent)}%{gift.escape(o.text)}#{gift.escape(o.rationale)}")
        return GiftQuestion(lines)


TYPE = MultipleResponse()
