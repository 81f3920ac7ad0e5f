"""`load_content`: validate everything first, then apply in one transaction; never lose learner history."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tutor.catalog.models import ContentLoad, Misconception, Module, Option, Question, Section, Source

pytestmark = pytest.mark.django_db

PROBLEM_LINE = re.compile(r"^(?P<path>\S+):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.+)$")


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count))


def problems(result) -> list[dict[str, str]]:
    found = [PROBLEM_LINE.match(line) for line in result.err.splitlines()]
    return [m.groupdict() for m in found if m]


def assert_problem(result, *, file: str, field: str, message: str, line: int | None = None) -> None:
    assert not result.ok
    matching = [
        p for p in problems(result) if p["path"].endswith(file) and p["field"] == field and message in p["message"]
    ]
    assert matching, f"no problem {file}: {field}: {message!r} in:\n{result.err}"
    if line is not None:
        assert int(matching[0]["line"]) == line, matching


def test_valid_tree_is_loaded_with_every_question_type(tiny_content, load_content):
    result = load_content(tiny_content)

    assert result.ok, result.err
    module = Module.objects.get(slug="alpha")
    assert module.title == "Alpha module"
    assert module.objectives == ["Know the first fact."]
    assert list(module.sections.values_list("anchor", flat=True)) == ["first", "results", "since-the-review"]
    assert set(Question.objects.values_list("type", flat=True)) == {
        "single",
        "multiple",
        "true_false",
        "matching",
        "ordering",
        "numeric",
    }
    single = Question.objects.get(qid="alpha-001")
    assert single.section.anchor == "first"
    assert list(single.sources.values_list("key", flat=True)) == ["1"]
    assert [(o.key, o.is_correct, o.misconception) for o in single.options.all()] == [
        ("a", True, ""),
        ("b", False, "wrong-one"),
    ]
    true_false = Question.objects.get(qid="alpha-003")
    assert {o.key: o.is_correct for o in true_false.options.all()} == {"true": False, "false": True}
    assert true_false.options.get(key="true").misconception == "review-rounded-figure"
    matching = Question.objects.get(qid="alpha-004")
    assert [(o.text, o.match_text) for o in matching.options.all()] == [
        ("Left one", "Right one"),
        ("Left two", "Right two"),
    ]
    assert matching.distractors == ["Right three"]
    ordering = Question.objects.get(qid="alpha-005")
    assert [(o.key, o.position) for o in ordering.options.all()] == [("a", 0), ("b", 1), ("c", 2)]
    numeric = Question.objects.get(qid="alpha-006")
    assert (numeric.numeric_answer, numeric.numeric_tolerance, numeric.unit) == (54.2, 0.5, "%")
    assert numeric.options.get(key="error-1").numeric_value == 56
    assert Source.objects.get(key="upd-phase2-pooled").certainty == "primary"
    assert "alpha" in result.out and "6" in result.out


def test_section_markdown_is_rendered_sanitised_with_citation_links(tiny_content, load_content):
    edit(
        tiny_content / "alpha" / "module.md",
        "A fact with a source [@1].",
        "A fact with a source [@1].\n\n<script>alert(1)</script> and **bold**.",
    )

    assert load_content(tiny_content).ok
    html = Section.objects.get(anchor="first").body_html

    assert "<script>" not in html
    assert "<strong>bold</strong>" in html
    assert 'href="#source-1"' in html
    assert "<blockquote>" in Section.objects.get(anchor="results").body_html


def test_second_run_without_changes_reports_zero_changes(tiny_content, load_content):
    load_content(tiny_content)
    loads = ContentLoad.objects.count()

    result = load_content(tiny_content)

    assert result.ok
    assert "no changes" in result.out
    assert re.search(r"alpha\s+0\s+0\s+0\s+6", result.out), result.out
    assert ContentLoad.objects.count() == loads


def test_editing_a_question_bumps_its_revision_only(tiny_content, load_content):
    load_content(tiny_content)
    edit(tiny_content / "alpha" / "questions.yaml", "stem: Which one is right?", "stem: Which one is correct?")

    result = load_content(tiny_content)

    assert result.ok
    assert re.search(r"alpha\s+0\s+1\s+0\s+5", result.out), result.out
    edited = Question.objects.get(qid="alpha-001")
    assert (edited.revision, edited.stem) == (2, "Which one is correct?")
    assert Question.objects.get(qid="alpha-002").revision == 1


def test_editing_an_option_rationale_is_an_edit_too(tiny_content, load_content):
    load_content(tiny_content)
    edit(tiny_content / "alpha" / "questions.yaml", "rationale: It is wrong.", "rationale: It is not right.")

    load_content(tiny_content)

    assert Question.objects.get(qid="alpha-001").revision == 2
    assert Option.objects.get(question__qid="alpha-001", key="b").rationale == "It is not right."


def test_removing_a_question_retires_it_and_keeps_the_row(tiny_content, load_content):
    load_content(tiny_content)
    questions = tiny_content / "alpha" / "questions.yaml"
    text = questions.read_text()
    start, end = text.index("- id: alpha-006"), len(text)
    questions.write_text(text[:start])

    result = load_content(tiny_content)

    assert result.ok
    assert re.search(r"alpha\s+0\s+0\s+1\s+5", result.out), result.out
    retired = Question.objects.get(qid="alpha-006")
    assert retired.retired
    assert retired.options.exists()

    questions.write_text(text[:start] + text[start:end])
    load_content(tiny_content)
    assert not Question.objects.get(qid="alpha-006").retired


def test_check_validates_and_reports_without_writing(tiny_content, load_content):
    result = load_content(tiny_content, "--check")

    assert result.ok
    assert "nothing was written" in result.out
    assert re.search(r"alpha\s+6\s+0\s+0\s+0", result.out), result.out
    assert not Question.objects.exists()
    assert not Module.objects.exists()
    assert not Source.objects.exists()


def test_failed_validation_writes_nothing(tiny_content, load_content):
    load_content(tiny_content)
    edit(tiny_content / "alpha" / "questions.yaml", "stem: Which one is right?", "stem: An edited stem")
    edit(tiny_content / "alpha" / "questions.yaml", "teaches: results", "teaches: nowhere")

    result = load_content(tiny_content)

    assert not result.ok
    assert "nothing was written" in result.err
    assert Question.objects.get(qid="alpha-001").stem == "Which one is right?"
    assert Question.objects.get(qid="alpha-001").revision == 1


def test_every_problem_is_reported_not_just_the_first(tiny_content, load_content):
    edit(tiny_content / "alpha" / "questions.yaml", "difficulty: 1", "difficulty: 7")
    edit(tiny_content / "alpha" / "questions.yaml", "bloom: understand", "bloom: memorise")
    edit(tiny_content / "alpha" / "module.md", "[@16]", "[@99]")

    result = load_content(tiny_content)

    assert len(problems(result)) == 3, result.err
    assert_problem(result, file="alpha/questions.yaml", field="alpha-001.difficulty", message="must be 1, 2 or 3")
    assert_problem(result, file="alpha/questions.yaml", field="alpha-002.bloom", message="must be one of")
    assert_problem(result, file="alpha/module.md", field="section since-the-review", message="unknown source '99'")


def test_unknown_field_is_reported_with_its_line(tiny_content, load_content):
    edit(
        tiny_content / "alpha" / "questions.yaml",
        "  tags: [history]",
        "  tags: [history]\n  hint: Look closely",
    )

    assert_problem(
        load_content(tiny_content),
        file="alpha/questions.yaml",
        field="alpha-001.hint",
        message="unknown field",
        line=8,
    )


def test_missing_field_is_reported(tiny_content, load_content):
    edit(tiny_content / "alpha" / "questions.yaml", "  explanation: The right one is right.\n", "")

    assert_problem(
        load_content(tiny_content),
        file="alpha/questions.yaml",
        field="alpha-001.explanation",
        message="missing",
        line=1,
    )


def test_missing_module_front_matter_field_is_reported(tiny_content, load_content):
    edit(tiny_content / "alpha" / "module.md", "summary: A tiny module for the loader's tests.\n", "")

    assert_problem(load_content(tiny_content), file="alpha/module.md", field="summary", message="missing")


def test_duplicate_id_is_reported_with_both_places(tiny_content, load_content):
    edit(tiny_content / "alpha" / "questions.yaml", "id: alpha-002", "id: alpha-001")

    result = load_content(tiny_content)

    assert_problem(result, file="alpha/questions.yaml", field="alpha-001.id", message="duplicate id: also used at")
    assert "questions.yaml:1" in result.err


def test_teaches_anchor_must_exist(tiny_content, load_content):
    edit(tiny_content / "alpha" / "questions.yaml", "teaches: first", "teaches: second")

    assert_problem(
        load_content(tiny_content),
        file="alpha/questions.yaml",
        field="alpha-001.teaches",
        message="no section of this module has the anchor 'second'",
        line=3,
    )


def test_source_key_must_exist(tiny_content, load_content):
    edit(tiny_content / "alpha" / "questions.yaml", "sources: [1, 16]", "sources: [1, upd-nowhere]")

    assert_problem(
        load_content(tiny_content),
        file="alpha/questions.yaml",
        field="alpha-002.sources",
        message="unknown source 'upd-nowhere'",
    )


def test_single_answer_with_no_correct_option_is_rejected(tiny_content, load_content):
    edit(
        tiny_content / "alpha" / "questions.yaml",
        "      correct: true\n      rationale: It is right.",
        "      rationale: It is right.\n      misconception: none-right",
    )

    assert_problem(
        load_content(tiny_content),
        file="alpha/questions.yaml",
        field="alpha-001.options",
        message="exactly one correct option, found 0",
    )


def test_single_answer_with_two_correct_options_is_rejected(tiny_content, load_content):
    edit(
        tiny_content / "alpha" / "questions.yaml",
        "      rationale: It is wrong.\n      misconception: wrong-one",
        "      correct: true\n      rationale: It is wrong.",
    )

    assert_problem(
        load_content(tiny_content),
        file="alpha/questions.yaml",
        field="alpha-001.options",
        message="exactly one correct option, found 2",
    )


def test_option_without_rationale_is_rejected(tiny_content, load_content):
    edit(tiny_content / "alpha" / "questions.yaml", "      rationale: It is wrong.\n", "")

    assert_problem(
        load_content(tiny_content),
        file="alpha/questions.yaml",
        field="alpha-001.options[1].rationale",
        message="missing",
        line=14,
    )


def test_wrong_option_without_misconception_is_rejected(tiny_content, load_content):
    edit(tiny_content / "alpha" / "questions.yaml", "      misconception: wrong-one\n", "")

    assert_problem(
        load_content(tiny_content),
        file="alpha/questions.yaml",
        field="alpha-001.options[1].misconception",
        message="missing",
    )


def test_numeric_answer_must_be_a_number(tiny_content, load_content):
    edit(tiny_content / "alpha" / "questions.yaml", "answer: 54.2", "answer: fifty-four")

    assert_problem(
        load_content(tiny_content),
        file="alpha/questions.yaml",
        field="alpha-006.answer",
        message="must be a number, got 'fifty-four'",
    )


def test_unknown_question_type_is_rejected(tiny_content, load_content):
    edit(tiny_content / "alpha" / "questions.yaml", "type: ordering", "type: essay")

    assert_problem(
        load_content(tiny_content),
        file="alpha/questions.yaml",
        field="alpha-005.type",
        message="'essay' is not one of",
    )


def test_multiple_response_needs_two_correct_options(tiny_content, load_content):
    edit(
        tiny_content / "alpha" / "questions.yaml",
        "      text: Second right\n      correct: true\n      rationale: Also right.",
        "      text: Second right\n      rationale: Also right.\n      misconception: second",
    )

    assert_problem(
        load_content(tiny_content),
        file="alpha/questions.yaml",
        field="alpha-002.options",
        message="at least two correct options, found 1",
    )


def test_section_heading_needs_an_anchor(tiny_content, load_content):
    edit(tiny_content / "alpha" / "module.md", "## Results {#results}", "## Results")

    result = load_content(tiny_content)

    assert_problem(result, file="alpha/module.md", field="section", message="needs an anchor", line=13)


def test_broken_yaml_is_reported_with_its_line(tiny_content, load_content):
    edit(tiny_content / "alpha" / "questions.yaml", "  stem: Which two are right?", "  stem: [Which two")

    result = load_content(tiny_content)

    assert not result.ok
    assert any(p["field"] == "yaml" for p in problems(result)), result.err


def test_review_sections_are_sources_cited_by_questions_and_inline(tiny_content, load_content):
    assert load_content(tiny_content).ok

    discussion = Source.objects.get(key="review:discussion")
    assert (discussion.kind, discussion.number, discussion.title) == ("section", None, "Discussion")
    assert discussion.note == "The authors' own reading of the evidence."
    assert discussion.label == "The review: Discussion"
    assert Source.objects.get(key="review:table-2").label == "The review: Table 2"
    assert "review:table-2" in Question.objects.get(qid="alpha-004").sources.values_list("key", flat=True)
    results = Section.objects.get(anchor="results")
    assert set(results.sources.values_list("key", flat=True)) == {"upd-phase2-pooled", "review:discussion"}
    assert 'href="#source-review-discussion"' in results.body_html
    assert ">review: Discussion</a>" in results.body_html


def test_unknown_review_section_is_rejected_inline_and_in_questions(tiny_content, load_content):
    edit(tiny_content / "alpha" / "module.md", "[@review:discussion]", "[@review:nowhere]")
    edit(tiny_content / "alpha" / "questions.yaml", "sources: [1, review:table-2]", "sources: [1, review:table-9]")

    result = load_content(tiny_content)

    assert_problem(result, file="alpha/module.md", field="section results", message="unknown source 'review:nowhere'")
    assert_problem(result, file="alpha/questions.yaml", field="alpha-004.sources", message="'review:table-9'")


def test_review_section_key_and_fields_are_checked(tiny_content, load_content):
    edit(tiny_content / "references.yaml", "key: review:discussion", "key: discussion")
    edit(tiny_content / "references.yaml", "    heading: Table 2. Results and side effects\n", "")

    result = load_content(tiny_content)

    assert_problem(result, file="references.yaml", field="review_sections[0].key", message="review:lowercase-words")
    assert_problem(result, file="references.yaml", field="review_sections[1].heading", message="missing")


def test_objective_variant_and_misconceptions_are_stored(tiny_content, load_content):
    edit(
        tiny_content / "alpha" / "questions.yaml",
        "  objective: Two of the options hold.\n",
        "  objective: Two of the options hold.\n  variant_of: alpha-001\n",
    )

    result = load_content(tiny_content)

    assert result.ok, result.err
    question = Question.objects.get(qid="alpha-001")
    assert question.objective == "The right one is the one to choose."
    assert Question.objects.get(qid="alpha-002").variant_of == "alpha-001"
    wrong_one = Misconception.objects.get(slug="wrong-one")
    assert (wrong_one.label, wrong_one.module.slug, wrong_one.corrects.anchor) == (
        "The wrong one looks right at first sight",
        "alpha",
        "first",
    )
    assert "misconceptions: 3 created" in result.out


def test_a_misconception_no_longer_defined_is_retired(tiny_content, load_content):
    load_content(tiny_content)
    edit(
        tiny_content / "alpha" / "misconceptions.yaml",
        "- slug: wrong-pick\n  label: Any option that sounds plausible is right\n  corrects: first\n",
        "",
    )
    edit(tiny_content / "alpha" / "questions.yaml", "misconception: wrong-pick", "misconception: wrong-one")

    assert load_content(tiny_content).ok
    assert Misconception.objects.get(slug="wrong-pick").retired
    assert not Misconception.objects.get(slug="wrong-one").retired


def test_objective_is_required(tiny_content, load_content):
    edit(tiny_content / "alpha" / "questions.yaml", "  objective: The right one is the one to choose.\n", "")

    assert_problem(
        load_content(tiny_content), file="alpha/questions.yaml", field="alpha-001.objective", message="missing", line=1
    )


@pytest.mark.parametrize("target", ["alpha-999", "alpha-002"])
def test_variant_of_must_name_another_existing_question(tiny_content, load_content, target):
    edit(
        tiny_content / "alpha" / "questions.yaml",
        "  objective: Two of the options hold.\n",
        f"  objective: Two of the options hold.\n  variant_of: {target}\n",
    )

    message = "no question has the id" if target == "alpha-999" else "the id of another question"
    assert_problem(
        load_content(tiny_content), file="alpha/questions.yaml", field="alpha-002.variant_of", message=message
    )


def test_misconception_must_be_defined_in_some_module(tiny_content, load_content):
    edit(tiny_content / "alpha" / "questions.yaml", "misconception: wrong-one", "misconception: never-defined")

    result = load_content(tiny_content)

    assert_problem(
        result,
        file="alpha/questions.yaml",
        field="alpha-001.options[1].misconception",
        message="'never-defined' is not defined in any module's misconceptions.yaml",
        line=17,
    )
    assert_problem(
        result,
        file="alpha/misconceptions.yaml",
        field="wrong-one.slug",
        message="no option names this misconception",
        line=1,
    )


def test_misconception_slug_is_defined_once_and_corrects_a_section_of_its_module(tiny_content, load_content):
    misconceptions = tiny_content / "alpha" / "misconceptions.yaml"
    misconceptions.write_text(misconceptions.read_text() + "- slug: wrong-one\n  label: Again\n  corrects: nowhere\n")

    result = load_content(tiny_content)

    assert_problem(
        result, file="alpha/misconceptions.yaml", field="wrong-one.slug", message="defined twice: also at", line=10
    )
    assert_problem(
        result,
        file="alpha/misconceptions.yaml",
        field="wrong-one.corrects",
        message="no section of this module has the anchor 'nowhere'",
    )


def test_misconception_entries_need_a_label(tiny_content, load_content):
    edit(tiny_content / "alpha" / "misconceptions.yaml", "  label: Any option that sounds plausible is right\n", "")

    assert_problem(
        load_content(tiny_content), file="alpha/misconceptions.yaml", field="wrong-pick.label", message="missing"
    )


def test_common_error_needs_a_misconception(tiny_content, load_content):
    edit(
        tiny_content / "alpha" / "questions.yaml",
        "      rationale: The review's figure.\n      misconception: review-rounded-figure\n",
        "      rationale: The review's figure.\n",
    )

    assert_problem(
        load_content(tiny_content),
        file="alpha/questions.yaml",
        field="alpha-006.common_errors[0].misconception",
        message="missing",
    )
