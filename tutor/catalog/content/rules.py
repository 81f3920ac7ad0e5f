"""The writing standard the loader enforces on a parsed tree (content format, second edition, §4).

Each rule returns problems as `file:line: field: message`. Rule 6 (objective, rationales, misconception labels)
is enforced where the fields are read: questions, each type's module (tutor/questions) and bank.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from difflib import SequenceMatcher
from pathlib import Path

from tutor.catalog.content.figures import numbers_in
from tutor.catalog.content.problems import Problem
from tutor.catalog.content.source_texts import SourceTexts, read_source_texts
from tutor.catalog.content.tree import ContentTree, ModuleData, QuestionData
from tutor.questions.registry import question_type

SIMILAR_STEMS = 0.8  # share of matching words above which two stems are near-duplicates
MAX_KEY_SHARE = 0.4  # no letter keyed, and the key not the longest option, in more than this share
MIN_ITEMS_FOR_SHARES = 5  # below this many single-answer items a share says nothing
TRUE_SHARE = (0.4, 0.6)
MIN_TRUE_FALSE = 4
HEDGES = re.compile(r"\b(may|might|possibly|suggests?|reportedly|probably|some)\b", re.IGNORECASE)
ABSOLUTES = re.compile(r"\b(only|always|never|all|none|cannot|at all|harmless|completely)\b", re.IGNORECASE)
WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)?")


def check_rules(tree: ContentTree, source_dir: Path | None, *, references: str = "references.yaml") -> list[Problem]:
    """Every rule of §4 on the whole tree; rule 1 only when the sources can be read (else a warning)."""
    problems: list[Problem] = []
    texts = None
    if source_dir is not None:
        headings = [source.title for source in tree.sources.values() if source.kind == "section"]
        texts = read_source_texts(source_dir, headings)
    if texts is None:
        tree.warnings.append(
            f"warning: no review.txt and updates.md in {source_dir}: numbers were not checked against their sources"
        )
    else:
        problems += check_headings_found(tree, texts, references)
        problems += check_figures_in_cited_sources(tree, texts)
    problems += check_similar_stems(tree)
    for module in tree.modules:
        problems += check_key_spread(module)
        problems += check_key_length(module)
    problems += check_hedged_keys(tree)
    return problems


def _problem(question: QuestionData, field: str, message: str, line: int | None = None) -> Problem:
    line = line or question.field_lines.get(field.split(".")[0].split("[")[0], question.line)
    return Problem(question.path, line, f"{question.qid}.{field}", message)


def _module_problem(module: ModuleData, field: str, message: str) -> Problem:
    path = module.questions[0].path if module.questions else f"{module.slug}/questions.yaml"
    return Problem(path, 1, field, message)


# --- Rule 1: every number is in the text of a source the item cites -------------------------------------------


def check_headings_found(tree: ContentTree, texts: SourceTexts, references: str) -> list[Problem]:
    missing = set(texts.missing_headings)
    sections = [source for source in tree.sources.values() if source.kind == "section"]
    return [
        Problem(
            references,
            source.line,
            f"review_sections[{index}].heading",
            f"{source.title!r} ({source.key}) is not a heading of review.txt",
        )
        for index, source in enumerate(sections)
        if source.title in missing
    ]


def item_texts(question: QuestionData) -> Iterator[tuple[str, str, int | None]]:
    """(field, text, line) for every text of an item a learner reads, and its numeric values."""
    yield "stem", question.stem, None
    yield "objective", question.objective, None
    yield "explanation", question.explanation, None
    if question.change_note:
        yield "change_note", question.change_note, None
    for index, distractor in enumerate(question.distractors):
        yield f"distractors[{index}]", distractor, None
    spec = question_type(question.type)
    for option in question.options:
        yield from spec.option_texts(option)


def check_figures_in_cited_sources(tree: ContentTree, texts: SourceTexts) -> list[Problem]:
    headings = {key: source.title for key, source in tree.sources.items() if source.kind == "section"}
    problems = []
    figures_of_source: dict[str, set[str]] = {}  # many items cite one source: read its figures once
    for module in tree.modules:
        for question in module.questions:
            known: set[str] = set()
            for key in question.sources:
                if key not in figures_of_source:
                    figures_of_source[key] = numbers_in(texts.text_for(key, headings), words=True)
                known |= figures_of_source[key]
            cited = ", ".join(question.sources)
            for field, text, line in item_texts(question):
                for number in sorted(numbers_in(text) - known):
                    problems.append(
                        _problem(question, field, f"{number} is not in the text of its sources ({cited})", line)
                    )
    return problems


# --- Rule 2: no near-duplicate stems without variant_of --------------------------------------------------------


def _stem_words(stem: str) -> list[str]:
    return WORD.findall(stem.lower().replace("*", ""))


def _variant_groups(questions: list[QuestionData]) -> dict[str, str]:
    """Each question id to the root of its variant_of chain, so that siblings of one item are exempt too."""
    parent = {q.qid: q.variant_of for q in questions if q.variant_of}

    def root(qid: str) -> str:
        seen = set()
        while qid in parent and qid not in seen:
            seen.add(qid)
            qid = parent[qid]
        return qid

    return {q.qid: root(q.qid) for q in questions}


def _shared_words(first: Counter, second: Counter, common: set[str]) -> int:
    """How many words two stems have in common, counting repeats (difflib's quick_ratio matches)."""
    return sum(min(first[word], second[word]) for word in common)


def check_similar_stems(tree: ContentTree) -> list[Problem]:
    questions = [q for module in tree.modules for q in module.questions]
    groups = _variant_groups(questions)
    words = [_stem_words(q.stem) for q in questions]
    # difflib's quick bounds, with each stem's word counts made once rather than once per pair.
    counts = [Counter(stem) for stem in words]
    vocabularies = [set(stem) for stem in words]
    problems = []
    for i, first in enumerate(questions):
        matcher = SequenceMatcher(autojunk=False)
        matcher.set_seq2(words[i])
        for j in range(i + 1, len(questions)):
            second = questions[j]
            if groups[first.qid] == groups[second.qid]:
                continue
            total = len(words[i]) + len(words[j])
            if total and (
                2.0 * min(len(words[i]), len(words[j])) / total < SIMILAR_STEMS
                or 2.0 * _shared_words(counts[i], counts[j], vocabularies[i] & vocabularies[j]) / total < SIMILAR_STEMS
            ):
                continue
            matcher.set_seq1(words[j])
            ratio = matcher.ratio()
            if ratio >= SIMILAR_STEMS:
                problems.append(
                    _problem(
                        second,
                        "stem",
                        f"{ratio:.0%} like the stem of {first.qid} ({first.path}:{first.line}): "
                        f"test something else, or declare variant_of: {first.qid}",
                    )
                )
    return problems


# --- Rules 3 and 4: keys spread across positions, true/false balanced, the key not the longest -----------------


def _letter(position: int) -> str:
    return chr(ord("a") + position)


def check_key_spread(module: ModuleData) -> list[Problem]:
    problems = []
    singles = [q for q in module.questions if q.type == "single"]
    keyed = Counter(next(o.position for o in q.options if o.is_correct) for q in singles if q.correct_count == 1)
    total = sum(keyed.values())
    if total >= MIN_ITEMS_FOR_SHARES:
        for position, count in sorted(keyed.items()):
            if count > MAX_KEY_SHARE * total:
                problems.append(
                    _module_problem(
                        module,
                        "keyed positions",
                        f"{_letter(position)} is the key of {count} of {total} single-answer items "
                        f"({count / total:.0%}; at most {MAX_KEY_SHARE:.0%})",
                    )
                )
    five = [next(o.position for o in q.options if o.is_correct) for q in singles if len(q.options) == 5]
    if len(five) >= 2 and len(set(five)) == 1:
        problems.append(
            _module_problem(
                module, "keyed positions", f"all {len(five)} five-option items are keyed {_letter(five[0])}"
            )
        )
    true_false = [q for q in module.questions if q.type == "true_false"]
    if len(true_false) >= MIN_TRUE_FALSE:
        true = sum(1 for q in true_false if any(o.key == "true" and o.is_correct for o in q.options))
        low, high = TRUE_SHARE
        if not low <= true / len(true_false) <= high:
            problems.append(
                _module_problem(
                    module,
                    "true/false balance",
                    f"{true} of {len(true_false)} true/false items are true ({true / len(true_false):.0%}; "
                    f"keep between {low:.0%} and {high:.0%})",
                )
            )
    multiple = [q for q in module.questions if q.type == "multiple"]
    if len(multiple) >= 2:
        shared = set.intersection(*({o.position for o in q.options if o.is_correct} for q in multiple))
        if shared:
            letters = ", ".join(_letter(p) for p in sorted(shared))
            problems.append(
                _module_problem(
                    module,
                    "multiple-response keys",
                    f"option {letters} is correct in all {len(multiple)} multiple-response items",
                )
            )
    return problems


def check_key_length(module: ModuleData) -> list[Problem]:
    singles = [q for q in module.questions if q.type == "single" and q.correct_count == 1]
    if len(singles) < MIN_ITEMS_FOR_SHARES:
        return []
    longest = [
        q.qid
        for q in singles
        if all(
            len(o.text) < len(next(k.text for k in q.options if k.is_correct)) for o in q.options if not o.is_correct
        )
    ]
    if len(longest) <= MAX_KEY_SHARE * len(singles):
        return []
    return [
        _module_problem(
            module,
            "longest option",
            f"the key is the longest option in {len(longest)} of {len(singles)} single-answer items "
            f"({len(longest) / len(singles):.0%}; at most {MAX_KEY_SHARE:.0%}): {', '.join(longest)}",
        )
    ]


# --- Rule 5: a hedged key among absolute distractors -----------------------------------------------------------


def check_hedged_keys(tree: ContentTree) -> list[Problem]:
    problems = []
    for module in tree.modules:
        for question in module.questions:
            if question.type not in ("single", "multiple"):
                continue
            keys = [o for o in question.options if o.is_correct]
            wrong = [o for o in question.options if not o.is_correct]
            if not keys or not wrong:
                continue
            if all(HEDGES.search(o.text) for o in keys) and all(ABSOLUTES.search(o.text) for o in wrong):
                problems.append(
                    _problem(
                        question,
                        "options",
                        "the key is hedged (may, probably, some …) while every distractor is absolute "
                        "(only, always, never …): the wording gives the answer away",
                    )
                )
    return problems
