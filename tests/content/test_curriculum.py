"""Accuracy guards on the real curriculum: it loads, meets the bank's minimums, and every figure traces to a source.

The sources are the review and the updates kept beside the project (`../shared/source`, or TUTOR_SOURCE_DIR); they
are read and their numbers found by the loader's own code (catalog/content/source_texts.py and figures.py), so the
loader's rule "every number is in a source the item cites" and the guards here share one core.
"""

from __future__ import annotations

import os
import re
from collections import Counter

import pytest
from django.conf import settings

from tutor import settings as real_settings
from tutor.catalog.content import ContentTree, ModuleData, QuestionData, read_content
from tutor.catalog.content.figures import numbers_in
from tutor.catalog.content.source_texts import SourceTexts, read_source_texts
from tutor.catalog.rendering import CITATION

# The test settings point loads at the tiny sources of the tiny tree; the real curriculum needs the real ones.
SOURCE_DIR = real_settings.TUTOR_SOURCE_DIR
MODULES = ("history", "mechanisms", "protocol", "risks", "ssri-comparison")
TYPE_MINIMUMS = {"multiple": 10, "true_false": 10, "matching": 5, "ordering": 5, "numeric": 5}
WORD = re.compile(r"[a-z0-9]+")
SHINGLE = 8


@pytest.fixture(scope="module")
def curriculum() -> ContentTree:
    tree, problems = read_content(settings.CONTENT_DIR, source_dir=SOURCE_DIR)
    assert not problems, "\n".join(map(str, problems))
    return tree


@pytest.fixture(scope="module")
def sources() -> SourceTexts:
    texts = read_source_texts(SOURCE_DIR)
    if texts is None:
        if os.environ.get("CI"):
            pytest.fail(f"the curriculum's sources are missing from {SOURCE_DIR}")
        pytest.skip(f"the curriculum's sources are not at {SOURCE_DIR} (set TUTOR_SOURCE_DIR)")
    return texts


def question_texts(question: QuestionData) -> list[str]:
    texts = [question.stem, question.explanation, *question.distractors]
    for option in question.options:
        texts += [option.text, option.rationale, option.match_text]
        if option.numeric_value is not None:
            texts.append(f"{option.numeric_value:g}")
    return texts


def module_texts(module: ModuleData) -> list[str]:
    return [module.title, module.summary, *module.objectives] + [
        f"{section.title}\n{section.body_markdown}" for section in module.sections
    ]


def shingles(text: str) -> set[tuple[str, ...]]:
    words = WORD.findall(re.sub(r"-\s*\n\s*", "", CITATION.sub(" ", text)).lower())
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def test_the_five_modules_load_without_problems(curriculum):
    assert [m.slug for m in sorted(curriculum.modules, key=lambda m: m.order)] == list(MODULES)


@pytest.mark.parametrize("slug", MODULES)
def test_each_module_opens_with_objectives_and_closes_with_since_the_review(curriculum, slug):
    module = next(m for m in curriculum.modules if m.slug == slug)

    assert len(module.objectives) >= 3
    assert len(module.sections) >= 5
    assert module.sections[-1].anchor == "since-the-review"


@pytest.mark.parametrize("slug", MODULES)
def test_each_module_has_at_least_30_questions(curriculum, slug):
    module = next(m for m in curriculum.modules if m.slug == slug)

    assert len(module.questions) >= 30


def test_the_bank_mixes_question_types(curriculum):
    types = Counter(q.type for m in curriculum.modules for q in m.questions)

    assert sum(types.values()) >= 150
    for qtype, minimum in TYPE_MINIMUMS.items():
        assert types[qtype] >= minimum, f"{qtype}: {types[qtype]} < {minimum}"
    assert types["single"] > sum(types.values()) / 2


def test_at_least_a_quarter_are_clinical_vignettes_at_the_apply_level(curriculum):
    questions = [q for m in curriculum.modules for q in m.questions]
    vignettes = [q for q in questions if q.vignette]

    assert len(vignettes) * 4 >= len(questions)
    assert all(q.bloom == "apply" for q in vignettes), [q.qid for q in vignettes if q.bloom != "apply"]


def test_single_best_answer_items_have_four_or_five_options(curriculum):
    wrong = [
        q.qid for m in curriculum.modules for q in m.questions if q.type == "single" and len(q.options) not in (4, 5)
    ]

    assert not wrong


@pytest.mark.parametrize("slug", MODULES)
def test_correct_answers_are_spread_across_positions(curriculum, slug):
    module = next(m for m in curriculum.modules if m.slug == slug)
    positions = Counter(
        next(o.position for o in q.options if o.is_correct) for q in module.questions if q.type == "single"
    )

    assert len(positions) >= 4
    assert max(positions.values()) <= sum(positions.values()) / 2


def test_no_all_or_none_of_the_above(curriculum):
    pattern = re.compile(r"\b(all|none|both|neither) of the (above|options)\b", re.IGNORECASE)
    offending = [
        q.qid for m in curriculum.modules for q in m.questions if any(pattern.search(o.text) for o in q.options)
    ]

    assert not offending


def test_negative_stems_are_bold(curriculum):
    negative = re.compile(r"(?<!\*\*)\b(NOT|EXCEPT|LEAST)\b(?!\*\*)")
    offending = [q.qid for m in curriculum.modules for q in m.questions if negative.search(q.stem)]

    assert not offending, "negative words in capitals must be bold (**not**): " + ", ".join(offending)


def test_every_number_traces_to_the_review_or_the_updates(curriculum, sources):
    """Module text anywhere in the sources; items are held to the sources they cite by the loader's rule 1."""
    known = numbers_in(sources.whole)
    untraced = []
    for module in curriculum.modules:
        for text in module_texts(module):
            untraced += [f"{module.slug}/module.md: {n}" for n in sorted(numbers_in(text) - known)]
        for question in module.questions:
            for text in question_texts(question):
                untraced += [f"{question.qid}: {n}" for n in sorted(numbers_in(text) - known)]

    assert not untraced, "numbers not found in the sources:\n" + "\n".join(untraced)


def test_no_sentence_is_copied_from_the_review(curriculum, sources):
    review = shingles(sources.review)
    copied = []
    for module in curriculum.modules:
        copied += [
            f"{module.slug}/module.md: {' '.join(s)}" for t in module_texts(module) for s in shingles(t) & review
        ]
        for question in module.questions:
            copied += [f"{question.qid}: {' '.join(s)}" for t in question_texts(question) for s in shingles(t) & review]

    assert not copied, f"runs of {SHINGLE} words copied from the review:\n" + "\n".join(copied)


@pytest.mark.parametrize(
    ("slug", "key", "must_mention"),
    [
        ("protocol", "upd-phase2-pooled", ["54.2", "22.6"]),
        ("protocol", "upd-mapp1-interim", ["interim"]),
        ("protocol", "upd-longterm-12m", ["67"]),
        ("history", "upd-shulgin-nichols", ["Nichols"]),
        ("history", "upd-no-approval", ["2026"]),
        ("ssri-comparison", "upd-feduccia-ranges", ["0.31", "0.37"]),
        ("risks", "upd-cardio", ["blood pressure"]),
    ],
)
def test_the_module_corrects_the_review_next_to_the_claim(curriculum, slug, key, must_mention):
    """Where the review is wrong or out of date, a highlighted note says so and cites the update."""
    module = next(m for m in curriculum.modules if m.slug == slug)
    notes = [
        block
        for section in module.sections
        for block in re.findall(r"(?:^>.*\n?)+", section.body_markdown, flags=re.MULTILINE)
        if f"[@{key}]" in block
    ]

    assert notes, f"{slug}: no correction note cites {key}"
    assert any(all(word in note for word in must_mention) for note in notes), notes


def test_every_update_is_taught_somewhere(curriculum):
    cited = {key for m in curriculum.modules for q in m.questions for key in q.sources}
    cited |= {key for m in curriculum.modules for s in m.sections for key in CITATION.findall(s.body_markdown)}

    missing = sorted(key for key in curriculum.sources if key.startswith("upd-") and key not in cited)
    assert not missing


def test_update_keys_match_the_updates_file(curriculum, sources):
    in_file = set(sources.entries)

    assert in_file == {key for key in curriculum.sources if key.startswith("upd-")}
