"""Per-type validation: what each question type adds to the common fields, and how its options are read."""

from __future__ import annotations

from tutor.catalog.content.problems import Collector, is_number
from tutor.catalog.content.tree import ID_PATTERN, OptionData, QuestionData
from tutor.catalog.content.yaml_lines import LineDict, line_of

QUESTION_TYPES = ("single", "multiple", "true_false", "matching", "ordering", "numeric")
TYPE_FIELDS = {
    "single": ({"options"}, ("options",)),
    "multiple": ({"options"}, ("options",)),
    "true_false": ({"answer", "rationale_true", "rationale_false", "misconception"},
                   ("answer", "rationale_true", "rationale_false", "misconception")),
    "matching": ({"pairs", "distractors"}, ("pairs",)),
    "ordering": ({"items"}, ("items",)),
    "numeric": ({"answer", "tolerance", "unit", "rationale", "common_errors"}, ("answer", "rationale")),
}  # fmt: skip
OPTION_FIELDS = {"key", "text", "correct", "rationale", "misconception"}
PAIR_FIELDS = {"key", "prompt", "answer", "rationale"}
ITEM_FIELDS = {"key", "text", "rationale"}
ERROR_FIELDS = {"value", "rationale", "misconception"}


def sub_entries(
    entry: LineDict, name: str, prefix: str, out: Collector, allowed: set[str], required: tuple[str, ...]
) -> list[LineDict]:
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


def read_choices(entry: LineDict, question: QuestionData, prefix: str, out: Collector) -> None:
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
        return
    raw_count = len(entry.get("options") or [])
    if raw_count < 2:
        out.add(line_of(entry, "options"), f"{prefix}options", "needs at least two options")
    correct_count = sum(option.is_correct for option in question.options)
    if question.type == "single" and correct_count != 1:
        out.add(
            line_of(entry, "options"),
            f"{prefix}options",
            f"a single-answer question needs exactly one correct option, found {correct_count}",
        )
    if question.type == "multiple":
        if correct_count < 2:
            out.add(
                line_of(entry, "options"),
                f"{prefix}options",
                f"a multiple-response question needs at least two correct options, found {correct_count}",
            )
        if correct_count == len(question.options):
            out.add(
                line_of(entry, "options"),
                f"{prefix}options",
                "a multiple-response question needs a wrong option",
            )


def read_true_false(entry: LineDict, question: QuestionData, prefix: str, out: Collector) -> None:
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


def read_matching(entry: LineDict, question: QuestionData, prefix: str, out: Collector) -> None:
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


def read_ordering(entry: LineDict, question: QuestionData, prefix: str, out: Collector) -> None:
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


def read_numeric(entry: LineDict, question: QuestionData, prefix: str, out: Collector) -> None:
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


TYPE_READERS = {
    "single": read_choices,
    "multiple": read_choices,
    "true_false": read_true_false,
    "matching": read_matching,
    "ordering": read_ordering,
    "numeric": read_numeric,
}
