"""The writing rules of `load_content` (content format, second edition, §4), each on the tiny tree and its tiny
sources (tests/catalog/tiny_source), never on the real curriculum."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.catalog.test_load_content import assert_problem, edit, problems
from tutor.catalog.content.figures import numbers_in
from tutor.catalog.content.source_texts import bracket_numbers, read_source_texts, reference_sentences, update_entries

pytestmark = pytest.mark.django_db
TINY_SOURCE = Path(__file__).parent / "tiny_source"


WORDS = ["kestrel", "harbour", "lantern", "meadow", "glacier", "orchard", "quarry", "saddle", "thistle", "walnut"]


def single_item(qid: str, *, key: int = 0, texts: tuple[str, ...] = ("Alpha", "Bravo", "Charlie", "Delta")) -> str:
    """A valid single-answer item of the tiny module, keyed at position `key`, with a stem unlike the others."""
    n = int(qid.rsplit("-", 1)[1]) % 5
    lines = [
        f"- id: {qid}",
        "  type: single",
        "  teaches: first",
        "  sources: [1]",
        "  difficulty: 1",
        "  bloom: recall",
        f"  stem: Why would the {WORDS[2 * n]} matter to a {WORDS[2 * n + 1]}?",
        f"  objective: The {WORDS[2 * n]} matters.",
        "  explanation: Because.",
        "  options:",
    ]
    for position, text in enumerate(texts):
        lines += [f"    - key: {chr(97 + position)}", f"      text: {text}", "      rationale: Why."]
        lines += ["      correct: true"] if position == key else ["      misconception: wrong-one"]
    return "\n".join(lines) + "\n"


def add_items(tiny_content: Path, *items: str) -> None:
    questions = tiny_content / "alpha" / "questions.yaml"
    questions.write_text(questions.read_text() + "".join(items))


# --- Source texts -----------------------------------------------------------------------------------------------


def test_bracket_ranges_and_lists_count_for_each_number():
    assert bracket_numbers("42\u201345") == {42, 43, 44, 45}
    assert bracket_numbers("42-45") == {42, 43, 44, 45}
    assert bracket_numbers("8, 9") == {8, 9}
    assert bracket_numbers("2, 8\u20139") == {2, 8, 9}


def test_a_reference_stands_for_the_sentences_that_carry_it():
    found = reference_sentences("It was made in 1912 [1]. Banned in 1985. Found in 12 people [2\u20134]. Two [5, 6].")

    assert found[1] == "It was made in 1912 [1]."
    assert "1985" not in "".join(found.values())
    assert found[3] == "Found in 12 people [2\u20134]."
    assert found[6] == "Two [5, 6]."


def test_review_splits_by_headings_with_tables_apart_and_updates_by_entry():
    texts = read_source_texts(
        TINY_SOURCE, ["Introduction", "Discussion", "Table 2. Results and side effects", "Conclusions"]
    )

    assert texts.missing_headings == []
    assert texts.sections["Introduction"].startswith("Summary A tiny review")  # the summary belongs to the opening
    assert "1985" in texts.sections["Introduction"]
    assert "26.2" in texts.sections["Table 2. Results and side effects"]
    assert "Based on item 16" in texts.sections["Table 2. Results and side effects"]
    assert "26.2" not in texts.sections["Discussion"] and "2030" not in texts.sections["Discussion"]
    assert update_entries((TINY_SOURCE / "updates.md").read_text())["upd-other"].endswith("happened in 2024.")
    assert read_source_texts(TINY_SOURCE / "nowhere") is None


def test_figures_leave_out_names_references_and_answer_counts():
    assert numbers_in("5-HT1A, D2, CAPS-5, MAPP1 [16]; choose 2; 3 of the following") == set()
    assert numbers_in("67% (n = 91) at 12-month, 0.90 and 9,8") == {"67", "91", "12", ".9", "9.8", "9", "8"}
    assert numbers_in("the third phase") == set()
    assert numbers_in("the third phase", words=True) == {"3"}


# --- Rule 1: every number in the text of a cited source ---------------------------------------------------------


def test_rule_1_a_number_must_be_in_the_text_of_a_cited_source(tiny_content, load_content):
    edit(
        tiny_content / "alpha" / "questions.yaml",
        "stem: Which one is right?",
        "stem: Which one, from 1912 or 1985, is right?",
    )

    result = load_content(tiny_content)

    assert_problem(
        result,
        file="alpha/questions.yaml",
        field="alpha-001.stem",
        message="1985 is not in the text of its sources (1)",
        line=8,
    )
    assert "1912" not in result.err  # the sentence carrying [1] has it


def test_rule_1_a_review_section_supports_its_own_unreferenced_text(tiny_content, load_content):
    edit(
        tiny_content / "alpha" / "questions.yaml",
        "stem: Which one is right?",
        "stem: Which one, from 1912 or 1985, is right?",
    )
    edit(tiny_content / "alpha" / "questions.yaml", "  sources: [1]\n", "  sources: [1, review:discussion]\n")
    edit(tiny_content / "references.yaml", "heading: Discussion", "heading: Introduction")

    assert load_content(tiny_content).ok


def test_rule_1_ranges_lists_and_update_entries(tiny_content, load_content):
    edit(
        tiny_content / "alpha" / "questions.yaml",
        "stem: Which two are right?",
        "stem: Which two, of 12 people at 8 sites, are right?",
    )
    edit(tiny_content / "alpha" / "questions.yaml", "sources: [1, 16]", "sources: [3, 6]")
    edit(
        tiny_content / "alpha" / "questions.yaml",
        "rationale: 54.2% in the paper.",
        "rationale: 54.2% in the paper, reported in 2024.",
    )

    result = load_content(tiny_content)

    assert [p["field"] for p in problems(result)] == ["alpha-006.rationale"]
    assert_problem(
        result,
        file="alpha/questions.yaml",
        field="alpha-006.rationale",
        message="2024 is not in the text of its sources (upd-phase2-pooled)",
    )


def test_rule_1_a_heading_not_in_the_review_is_reported(tiny_content, load_content):
    edit(tiny_content / "references.yaml", "heading: Discussion", "heading: Talk")

    assert_problem(
        load_content(tiny_content),
        file="references.yaml",
        field="review_sections[0].heading",
        message="'Talk' (review:discussion) is not a heading of review.txt",
        line=15,
    )


def test_rule_1_is_skipped_with_one_warning_without_the_sources(tiny_content, load_content, tmp_path):
    edit(tiny_content / "alpha" / "questions.yaml", "stem: Which one is right?", "stem: Which one, of 1985, is right?")

    result = load_content(tiny_content, "--sources", str(tmp_path / "absent"))

    assert result.ok, result.err
    assert result.err.count("warning:") == 1 and "numbers were not checked" in result.err


# --- Rule 2: near-duplicate stems -------------------------------------------------------------------------------


def test_rule_2_near_duplicate_stems_need_variant_of(tiny_content, load_content):
    edit(tiny_content / "alpha" / "questions.yaml", "stem: Put these in order.", "stem: Which one is right, really?")

    assert_problem(
        load_content(tiny_content),
        file="alpha/questions.yaml",
        field="alpha-005.stem",
        message="like the stem of alpha-001",
    )

    edit(
        tiny_content / "alpha" / "questions.yaml",
        "  objective: The order is first, second, third.\n",
        "  objective: The order is first, second, third.\n  variant_of: alpha-001\n",
    )
    assert load_content(tiny_content).ok


# --- Rule 3: keys spread, true/false balanced, multiple-response patterns ---------------------------------------


def test_rule_3_no_position_keyed_in_more_than_40_percent(tiny_content, load_content):
    add_items(tiny_content, *(single_item(f"alpha-10{n}", key=n % 2) for n in range(4)))  # with alpha-001: a a b a b

    assert_problem(
        load_content(tiny_content),
        file="alpha/questions.yaml",
        field="keyed positions",
        message="a is the key of 3 of 5 single-answer items",
        line=1,
    )


def test_rule_3_keys_spread_at_most_40_percent_pass(tiny_content, load_content):
    add_items(tiny_content, *(single_item(f"alpha-10{n}", key=key) for n, key in enumerate((1, 2, 3, 1))))  # a b c d b

    assert load_content(tiny_content).ok


def test_rule_3_five_option_items_not_all_keyed_at_one_letter(tiny_content, load_content):
    five = ("Alpha", "Bravo", "Charlie", "Delta", "Echo")
    add_items(tiny_content, single_item("alpha-101", key=4, texts=five), single_item("alpha-102", key=4, texts=five))

    assert_problem(
        load_content(tiny_content),
        file="alpha/questions.yaml",
        field="keyed positions",
        message="all 2 five-option items are keyed e",
    )


def test_rule_3_true_false_balance(tiny_content, load_content):
    questions = tiny_content / "alpha" / "questions.yaml"
    text = questions.read_text()
    item = text[text.index("- id: alpha-003") : text.index("- id: alpha-004")]
    add_items(
        tiny_content,
        *(
            item.replace("alpha-003", f"alpha-20{n}").replace(
                "pooled figure was 56%", f"figure {'ab'[n % 2]}{n} was 56%"
            )
            for n in range(3)
        ),
    )

    assert_problem(
        load_content(tiny_content),
        file="alpha/questions.yaml",
        field="true/false balance",
        message="0 of 4 true/false items are true",
    )


def test_rule_3_multiple_response_items_do_not_share_a_keyed_option(tiny_content, load_content):
    questions = tiny_content / "alpha" / "questions.yaml"
    text = questions.read_text()
    item = text[text.index("- id: alpha-002") : text.index("- id: alpha-003")]
    second = item.replace("alpha-002", "alpha-202").replace(
        "Which two are right?", "Pick the pair that holds for the second case?"
    )
    second = second.replace(
        "      text: Second right\n      correct: true\n      rationale: Also right.",
        "      text: Second right\n      rationale: Also right.\n      misconception: wrong-pick",
    )
    second = second.replace(
        "      text: Wrong\n      rationale: Wrong.\n      misconception: wrong-pick",
        "      text: Wrong\n      rationale: Wrong.\n      correct: true",
    )
    add_items(tiny_content, second)

    assert_problem(
        load_content(tiny_content),
        file="alpha/questions.yaml",
        field="multiple-response keys",
        message="option a is correct in all 2 multiple-response items",
    )


# --- Rule 4: the key is not the longest option too often --------------------------------------------------------


def test_rule_4_key_is_the_longest_option_in_at_most_40_percent(tiny_content, load_content):
    long_key = ("The much longer and careful answer", "Bravo", "Charlie", "Delta")
    rotated = [tuple(long_key[(i - n) % 4] for i in range(4)) for n in range(4)]
    add_items(tiny_content, *(single_item(f"alpha-10{n}", key=n, texts=rotated[n]) for n in range(4)))

    assert_problem(
        load_content(tiny_content),
        file="alpha/questions.yaml",
        field="longest option",
        message="the key is the longest option in",
    )


# --- Rule 5: hedged key among absolute distractors --------------------------------------------------------------


def test_rule_5_a_hedged_key_among_absolute_distractors_is_flagged(tiny_content, load_content):
    add_items(
        tiny_content,
        single_item("alpha-101", texts=("It may help some", "It always helps", "It never helps", "Only in women")),
    )

    assert_problem(
        load_content(tiny_content), file="alpha/questions.yaml", field="alpha-101.options", message="the key is hedged"
    )


def test_rule_5_one_plain_distractor_is_enough(tiny_content, load_content):
    add_items(
        tiny_content,
        single_item("alpha-101", texts=("It may help some", "It always helps", "It helps men", "Only in women")),
    )

    assert load_content(tiny_content).ok


# Rule 6 (objective, rationales, misconceptions with labels) is tested with the fields in test_load_content.py:
# test_objective_is_required, test_option_without_rationale_is_rejected, test_misconception_must_be_defined_...
