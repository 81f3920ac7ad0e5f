"""True or false: a statement and which it is; stored as the options `true` and `false`, answered like a single
choice ({"choice": "true"})."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tutor.catalog.content.problems import Collector
from tutor.catalog.content.tree import OptionData, QuestionData
from tutor.catalog.content.yaml_lines import LineDict, line_of
from tutor.catalog.snapshot import QuestionView
from tutor.questions.base import GiftQuestion
from tutor.questions.single import ChoiceType

if TYPE_CHECKING:
    from tutor.interop.exporters.gift import Gift
    from tutor.interop.exporters.moodle_xml import MoodleXml


class TrueFalse(ChoiceType):
    name = "true_false"
    label = "True or false"
    fields = frozenset({"answer", "rationale_true", "rationale_false", "misconception"})
    required = ("answer", "rationale_true", "rationale_false", "misconception")
    shuffle_in_qti = False  # "False, True" reads oddly

    def read(self, entry: LineDict, question: QuestionData, prefix: str, out: Collector) -> None:
        answer = entry.get("answer")
        if "answer" in entry and not isinstance(answer, bool):
            out.add(line_of(entry, "answer"), f"{prefix}answer", "must be true or false")
            return
        misconception = out.text(entry, "misconception", prefix)
        for value in (True, False):
            name = "true" if value else "false"
            question.options.append(
                OptionData(
                    key=name,
                    text=name.capitalize(),
                    is_correct=answer is value,
                    rationale=out.text(entry, f"rationale_{name}", prefix),
                    misconception="" if answer is value else misconception,
                    position=0 if value else 1,
                    line=line_of(entry, "misconception"),
                )
            )

    def option_texts(self, option: OptionData) -> Iterator[tuple[str, str, int | None]]:
        yield f"rationale_{option.key}", option.rationale, None

    def moodle_xml(self, xml: MoodleXml, question: QuestionView) -> None:
        element = xml.question("truefalse", question)
        for key in ("true", "false"):
            option = question.option(key)
            if option is not None:
                xml.answer(
                    element, 100.0 if option.is_correct else 0.0, key, xml.html(option.rationale), "moodle_auto_format"
                )
        xml.tags(element, question)

    def gift(self, gift: Gift, question: QuestionView) -> GiftQuestion:
        right = next(o for o in question.options if o.is_correct)
        wrong = next(o for o in question.options if not o.is_correct)
        # {TRUE#feedback when answered wrongly#feedback when answered rightly}
        verdict = "TRUE" if right.key == "true" else "FALSE"
        return GiftQuestion([f"{verdict}#{gift.escape(wrong.rationale)}#{gift.escape(right.rationale)}"])


TYPE = TrueFalse()
