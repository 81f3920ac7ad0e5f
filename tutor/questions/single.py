"""Single best answer: options, exactly one of them right; the answer is {"choice": "b"}.

Also home to what every choice question shares (reading `options`, the radio form, marking one choice), which
true_false and multiple build on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms

from tutor.catalog.content.problems import Collector
from tutor.catalog.content.tree import OptionData, QuestionData
from tutor.catalog.content.yaml_lines import LineDict, line_of
from tutor.catalog.snapshot import QuestionView
from tutor.questions.base import GiftQuestion, Marking, QuestionTypeSpec, sub_entries

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from tutor.interop.exporters.anki import Anki
    from tutor.interop.exporters.gift import Gift
    from tutor.interop.exporters.moodle_xml import MoodleXml
    from tutor.interop.exporters.qti import Qti

OPTION_FIELDS = {"key", "text", "correct", "rationale", "misconception"}
CHOICE_KEYS_HINT = "Keys: <kbd>1</kbd>–<kbd>9</kbd> choose · <kbd>Enter</kbd> checks"  # noqa: RUF001 (an en dash: 1 to 9)


def read_options(entry: LineDict, question: QuestionData, prefix: str, out: Collector) -> int | None:
    """Read `options` onto the question; the number of correct ones, or None when there are none to count."""
    items = sub_entries(entry, "options", prefix, out, OPTION_FIELDS, ("key", "text", "rationale"))
    for position, item in enumerate(items):
        item_prefix = f"{prefix}options[{position}]."
        correct = item.get("correct", False)
        if not isinstance(correct, bool):
            out.add(line_of(item, "correct"), f"{item_prefix}correct", "must be true or false")
            correct = False
        misconception = out.text(item, "misconception", item_prefix)
        if not correct and not misconception:
            out.add(
                line_of(item),
                f"{item_prefix}misconception",
                "missing: name the error that makes this option tempting",
            )
        question.options.append(
            OptionData(
                key=item.get("key"),
                text=out.text(item, "text", item_prefix),
                is_correct=correct,
                rationale=out.text(item, "rationale", item_prefix),
                misconception=misconception,
                position=position,
                line=line_of(item, "misconception"),
            )
        )
    if not items:
        return None
    if len(entry.get("options") or []) < 2:
        out.add(line_of(entry, "options"), f"{prefix}options", "needs at least two options")
    return sum(option.is_correct for option in question.options)


class ChoiceType(QuestionTypeSpec):
    """A question answered by choosing one option."""

    template = "questions/single.html"
    keys_hint = CHOICE_KEYS_HINT
    choice_in_answer = True

    def form_fields(self, question: QuestionView) -> dict[str, forms.Field]:
        return {
            "choice": forms.ChoiceField(
                choices=[(o.key, o.text) for o in question.options],
                widget=forms.RadioSelect,
                error_messages={"required": "Choose an answer."},
            )
        }

    def answer(self, question: QuestionView, cleaned: dict) -> dict:
        return {"choice": cleaned["choice"]}

    def mark(self, question: QuestionView, answer: dict) -> Marking:
        option = question.option(answer["choice"])
        return Marking(correct=option.is_correct, score=1.0 if option.is_correct else 0.0, chosen=(option,))

    def answer_text(self, answer: dict) -> str:
        return str(answer["choice"]) if "choice" in answer else ""

    def right_answer(self, question: QuestionView) -> dict:
        return {"choice": next((o.key for o in question.options if o.is_correct), question.options[0].key)}

    def wrong_answers(self, question: QuestionView) -> list[dict]:
        return [{"choice": o.key} for o in question.options if not o.is_correct]

    def moodle_xml(self, xml: MoodleXml, question: QuestionView) -> None:
        element = xml.question("multichoice", question)
        xml.sub(element, "single", "true")
        xml.sub(element, "shuffleanswers", "true")
        xml.sub(element, "answernumbering", "abc")
        for option in question.options:
            xml.answer(element, 100.0 if option.is_correct else 0.0, xml.html(option.text), xml.html(option.rationale))
        xml.tags(element, question)

    shuffle_in_qti = True

    def qti_item(self, qti: Qti, question: QuestionView) -> ET.Element:
        return qti.choice_item(question, single=True, shuffle=self.shuffle_in_qti)

    def gift(self, gift: Gift, question: QuestionView) -> GiftQuestion:
        return GiftQuestion(
            [
                f"{'=' if o.is_correct else '~'}{gift.escape(o.text)}#{gift.escape(o.rationale)}"
                for o in question.options
            ]
        )

    def anki_options(self, anki: Anki, question: QuestionView) -> str:
        items = "".join(f"<li>{anki.html(o.text)}</li>" for o in question.options)
        return f'<ol class="options" type="A">{items}</ol>'

    def anki_answer(self, anki: Anki, question: QuestionView) -> str:
        return "<ul>" + "".join(f"<li>{anki.html(o.text)}</li>" for o in question.correct_options) + "</ul>"

    def anki_rationales(self, anki: Anki, question: QuestionView) -> list[str]:
        return [
            f"<li>{'✓' if o.is_correct else '•'} {anki.html(o.text)}: {anki.html(o.rationale)}</li>"
            for o in question.options
        ]


class SingleBestAnswer(ChoiceType):
    name = "single"
    label = "Single best answer"
    fields = frozenset({"options"})
    required = ("options",)

    def read(self, entry: LineDict, question: QuestionData, prefix: str, out: Collector) -> None:
        correct_count = read_options(entry, question, prefix, out)
        if correct_count is not None and correct_count != 1:
            out.add(
                line_of(entry, "options"),
                f"{prefix}options",
                f"a single-answer question needs exactly one correct option, found {correct_count}",
            )

    def option_field(self, option: OptionData) -> str:
        return f"options[{option.position}]."


TYPE = SingleBestAnswer()
