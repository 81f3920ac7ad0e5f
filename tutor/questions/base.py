"""What every question type provides, the results it returns, and the helpers the type modules share.

A type is a QuestionTypeSpec subclass with one instance, `TYPE`, in its own module. Its answers are plain JSON
(stored on the review log and replayed), so marking, analysis and exports can read any answer ever given.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django import forms

from tutor.catalog.content.problems import Collector
from tutor.catalog.content.tree import ID_PATTERN, OptionData, QuestionData
from tutor.catalog.content.yaml_lines import LineDict, line_of
from tutor.catalog.snapshot import OptionView, QuestionView

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from tutor.interop.exporters.anki import Anki
    from tutor.interop.exporters.gift import Gift
    from tutor.interop.exporters.moodle_xml import MoodleXml
    from tutor.interop.exporters.qti import Qti


# --- Results ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartResult:
    """One part of a multi-part item: an option of a multiple-response item, a pair, or an item's place."""

    option: OptionView
    correct: bool
    given: str
    expected: str


@dataclass(frozen=True)
class Marking:
    correct: bool
    score: float
    parts: tuple[PartResult, ...] = ()
    chosen: tuple[OptionView, ...] = ()
    closest_error: OptionView | None = None

    @property
    def partial(self) -> bool:
        return not self.correct and self.score > 0

    @property
    def verdict(self) -> str:
        if self.correct:
            return "correct"
        return "partial" if self.partial else "incorrect"


def marking_by_parts(parts: tuple[PartResult, ...], **extra) -> Marking:
    """Right when every part is right; the score is the share of parts right."""
    right = sum(part.correct for part in parts)
    return Marking(correct=right == len(parts), score=right / len(parts), parts=parts, **extra)


@dataclass(frozen=True)
class OptionShare:
    """How often one option was chosen (choice items), one part was right (matching, ordering), or one value given
    (numeric items). The key "" stands for any answer no option names."""

    key: str
    label: str
    count: int
    share: float
    is_correct: bool
    misconception: str = ""
    misconception_label: str = ""


@dataclass(frozen=True)
class GiftQuestion:
    """A question's answers in GIFT: the lines inside the braces, what the general feedback adds, what the stem
    adds, and whether the braces open with `#` (a numerical question)."""

    lines: list[str]
    extra_feedback: str = ""
    stem_note: str = ""
    numerical: bool = False


@lru_cache(maxsize=8192)
def plain_label(text: str, limit: int = 90) -> str:
    """Text without Markdown marks, cut to `limit` characters, for tables (remembered: item analysis labels every
    option of every question on each visit)."""
    text = " ".join(re.sub(r"[*_`]", "", text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- Reading questions.yaml ------------------------------------------------------------------------------------


def sub_entries(
    entry: LineDict, name: str, prefix: str, out: Collector, allowed: set[str], required: tuple[str, ...]
) -> list[LineDict]:
    """The mappings listed under `name` (options, pairs, items …), each checked for its fields and unique key."""
    raw = entry.get(name)
    if raw is None:
        return []
    if not isinstance(raw, list):
        out.add(line_of(entry, name), f"{prefix}{name}", "must be a list")
        return []
    items: list[LineDict] = []
    keys: set[str] = set()
    for index, item in enumerate(raw):
        item_prefix = f"{prefix}{name}[{index}]."
        if not isinstance(item, LineDict):
            out.add(line_of(entry, name), item_prefix[:-1], "must be a mapping of fields")
            continue
        out.check_fields(item, allowed, required, item_prefix)
        if "key" in allowed:
            key = item.get("key")
            if not isinstance(key, str) or not ID_PATTERN.match(key):
                if "key" in item:
                    out.add(
                        line_of(item, "key"),
                        f"{item_prefix}key",
                        "must be a short lowercase text such as a, b, c",
                    )
                continue
            if key in keys:
                out.add(line_of(item, "key"), f"{item_prefix}key", f"key {key!r} is used twice in this question")
                continue
            keys.add(key)
        items.append(item)
    return items


# --- The type ----------------------------------------------------------------------------------------------------


class QuestionTypeSpec:
    """One question type. Subclasses set the attributes and implement the methods that raise NotImplementedError;
    the others have defaults that suit most types."""

    name: str = ""  # the `type:` of questions.yaml and Question.type (at most 12 characters)
    label: str = ""  # what a learner and an educator read
    fields: frozenset[str] = frozenset()  # the fields of questions.yaml this type adds to the common ones
    required: tuple[str, ...] = ()
    template: str = ""  # one template with the partials `form` and `feedback`
    keys_hint: str = ""  # the keyboard hint under the form's button (HTML), if the type has one
    text_field: str = "text"  # what an option's text is called in the file (`prompt` for matching)
    # Item analysis: "choice" (how often each option was chosen), "part" (how often each part was right) or
    # "value" (how often each value was given); and a note under the shares, if they need one.
    share_kind: str = "choice"
    shares_note: str = ""
    # Answers of the shape {"choice": key}: item analysis counts them in the database rather than re-marking.
    choice_in_answer: bool = False

    def __repr__(self) -> str:
        return f"<question type {self.name}>"

    @property
    def form_partial(self) -> str:
        return f"{self.template}#form"

    @property
    def feedback_partial(self) -> str:
        return f"{self.template}#feedback"

    # Content: read this type's fields of one question of questions.yaml, reporting every problem to `out`.

    def read(self, entry: LineDict, question: QuestionData, prefix: str, out: Collector) -> None:
        raise NotImplementedError

    def option_field(self, option: OptionData) -> str:
        """Where an option's fields sit in the file, as a field prefix: `options[1].`, or "" for the question."""
        return ""

    def option_texts(self, option: OptionData) -> Iterator[tuple[str, str, int | None]]:
        """(field, text, line) for each text and number of an option a learner reads (the figures rule)."""
        prefix, line = self.option_field(option), option.line or None
        yield f"{prefix}{self.text_field}", option.text, line
        yield f"{prefix}answer", option.match_text, line
        yield f"{prefix}rationale", option.rationale, line
        if option.numeric_value is not None:
            yield f"{prefix}{'answer' if option.is_correct else 'value'}", f"{option.numeric_value:g}", line

    # The answer form: fields, checks across fields, and the JSON answer made of the cleaned data.

    def form_fields(self, question: QuestionView) -> dict[str, forms.Field]:
        raise NotImplementedError

    def clean(self, question: QuestionView, cleaned: dict) -> None:
        """Checks across fields; raise forms.ValidationError."""

    def answer(self, question: QuestionView, cleaned: dict) -> dict:
        raise NotImplementedError

    # Marking and feedback.

    def mark(self, question: QuestionView, answer: dict) -> Marking:
        """Mark an answer already validated by the answer form (keys belong to the question)."""
        raise NotImplementedError

    def feedback_details(self, question: QuestionView, answer: dict, marking: Marking) -> dict:
        """Whatever this type's feedback partial shows beyond the marking (as `fb.details`)."""
        return {}

    # Item analysis.

    def counted_keys(self, marking: Marking) -> tuple[str, ...]:
        """The option keys an answer counts for in the shares ("" for an answer no option names)."""
        return tuple(option.key for option in marking.chosen)

    def option_shares(self, question: QuestionView, counts: Counter, attempts: int) -> tuple[OptionShare, ...]:
        """Shares per option from counts keyed by option key, over `attempts`."""
        return tuple(
            OptionShare(
                o.key,
                plain_label(o.text),
                counts[o.key],
                counts[o.key] / attempts if attempts else 0.0,
                o.is_correct,
                o.misconception,
                o.misconception_label,
            )
            for o in question.options
        )

    # Exports of a learner's data.

    def answer_text(self, answer: dict) -> str:
        raise NotImplementedError

    # The demo simulator: the right answer, and plausible wrong ones, in the shape the form makes.

    def right_answer(self, question: QuestionView) -> dict:
        raise NotImplementedError

    def wrong_answers(self, question: QuestionView) -> list[dict]:
        raise NotImplementedError

    # Exports to other systems; each writer hands in its toolkit, so types need not import the interop app.

    def moodle_xml(self, xml: MoodleXml, question: QuestionView) -> None:
        raise NotImplementedError

    def qti_item(self, qti: Qti, question: QuestionView) -> ET.Element:
        raise NotImplementedError

    def gift(self, gift: Gift, question: QuestionView) -> GiftQuestion:
        raise NotImplementedError

    def anki_options(self, anki: Anki, question: QuestionView) -> str:
        """The front of the card below the stem."""
        raise NotImplementedError

    def anki_answer(self, anki: Anki, question: QuestionView) -> str:
        raise NotImplementedError

    def anki_rationales(self, anki: Anki, question: QuestionView) -> list[str]:
        """The rows of the "Why" list (HTML)."""
        raise NotImplementedError


class PartByPartType(QuestionTypeSpec):
    """A type marked part by part (matching, ordering): item analysis counts how often each part was right, and the
    answer maps option keys to what the learner gave for each, under `answer_field`."""

    share_kind = "part"
    answer_field: str = ""

    def part_label(self, option: OptionView) -> str:
        """What item analysis calls one part."""
        raise NotImplementedError

    def counted_keys(self, marking: Marking) -> tuple[str, ...]:
        return tuple(part.option.key for part in marking.parts if part.correct)

    def option_shares(self, question: QuestionView, counts: Counter, attempts: int) -> tuple[OptionShare, ...]:
        return tuple(
            OptionShare(o.key, self.part_label(o), counts[o.key], counts[o.key] / attempts if attempts else 0.0, True)
            for o in question.options
        )

    def answer_text(self, answer: dict) -> str:
        given = answer.get(self.answer_field)
        return " ".join(f"{k}={v}" for k, v in sorted(given.items())) if given else ""
