"""A new question type is one module: registered here, in the test only, a "yes, no or unsure" type is read from a
tiny content tree, shown, answered, marked, analysed and exported, with no other module changed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tutor.catalog.content.problems import Collector
from tutor.catalog.content.tree import OptionData, QuestionData
from tutor.catalog.content.yaml_lines import LineDict, line_of
from tutor.catalog.models import Question
from tutor.catalog.snapshot import catalog
from tutor.interop.exporters import anki, gift, moodle_xml, qti
from tutor.progress.exports import review_rows
from tutor.questions.registry import question_type, registered
from tutor.questions.single import ChoiceType
from tutor.study.attempts import issue_attempt
from tutor.study.models import ReviewLog
from tutor.study.simulation import AnswerBank

pytestmark = pytest.mark.django_db

ANSWERS = ("yes", "no", "unsure")


class YesNoUnsure(ChoiceType):
    """A claim to judge: yes, no, or unsure (the evidence does not settle it). Answered like a single choice."""

    name = "yes_no"
    label = "Yes, no or unsure"
    fields = frozenset({"answer", "rationale_yes", "rationale_no", "rationale_unsure", "misconception"})
    required = ("answer", "rationale_yes", "rationale_no", "rationale_unsure", "misconception")

    def read(self, entry: LineDict, question: QuestionData, prefix: str, out: Collector) -> None:
        answer = entry.get("answer")
        if "answer" in entry and answer not in ANSWERS:
            out.add(line_of(entry, "answer"), f"{prefix}answer", 'must be "yes", "no" or "unsure"')
            return
        misconception = out.text(entry, "misconception", prefix)
        for position, key in enumerate(ANSWERS):
            question.options.append(
                OptionData(
                    key=key,
                    text=key.capitalize(),
                    is_correct=answer == key,
                    rationale=out.text(entry, f"rationale_{key}", prefix),
                    misconception="" if answer == key else misconception,
                    position=position,
                    line=line_of(entry, "misconception"),
                )
            )

    def option_texts(self, option: OptionData) -> Iterator[tuple[str, str, int | None]]:
        yield f"rationale_{option.key}", option.rationale, None


NEW_QUESTION = """
- id: alpha-yn
  type: yes_no
  teaches: first
  sources: [1]
  difficulty: 1
  bloom: understand
  stem: Does the first section settle the question it asks?
  answer: "unsure"
  rationale_yes: Tempting, but the section leaves it open.
  rationale_no: Too strong; nothing in the section rules it out.
  rationale_unsure: Right; the section raises it and leaves it open.
  misconception: wrong-one
  explanation: The first section raises the question and leaves it open.
  objective: Tell an open question from a settled one.
"""


@pytest.fixture
def yes_no():
    with registered(YesNoUnsure()) as spec:
        yield spec


@pytest.fixture
def content_with_yes_no(tiny_content):
    questions = tiny_content / "alpha" / "questions.yaml"
    questions.write_text(questions.read_text() + NEW_QUESTION)
    return tiny_content


def test_an_unregistered_type_is_refused_by_the_loader(content_with_yes_no, load_content):
    result = load_content(content_with_yes_no)

    assert not result.ok
    assert (
        "alpha-yn.type: 'yes_no' is not one of single, multiple, true_false, matching, ordering, numeric" in result.err
    )


def test_a_type_registered_in_one_module_loads_renders_marks_and_exports(
    yes_no, content_with_yes_no, load_content, client
):
    # Loads: the loader reads the type's own fields through the registry.
    result = load_content(content_with_yes_no)
    assert result.ok, result.err
    row = Question.objects.get(qid="alpha-yn")
    assert row.type == "yes_no"
    assert list(row.options.values_list("key", "is_correct")) == [("yes", False), ("no", False), ("unsure", True)]
    question = catalog().question_by_qid("alpha-yn")
    assert question.type_label == "Yes, no or unsure" and question.type_spec is yes_no

    # Renders: the study page shows its form, with the type's label.
    learner = UserFactory(new_per_day=0)
    client.force_login(learner)
    token = issue_attempt(learner_id=learner.pk, question_id=question.id)
    response = client.post(reverse("study:study_answer"), {"attempt": token, "choice": "maybe"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Yes, no or unsure" in html and 'value="unsure"' in html
    assert "That answer does not belong to this question." in html

    # Marks: an answer is recorded and its feedback names the mistaken idea.
    response = client.post(reverse("study:study_answer"), {"attempt": token, "choice": "yes"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    log = ReviewLog.objects.get()
    assert (log.correct, log.answer) == (False, {"choice": "yes"})
    html = response.content.decode()
    assert "Tempting, but the section leaves it open." in html
    assert "The mistaken idea: The wrong one looks right at first sight" in html
    assert "Right; the section raises it and leaves it open." in html

    # Analysed, simulated and exported through the same registry.
    shares = yes_no.option_shares(question, Counter({"yes": 1}), attempts=1)
    assert [(s.key, s.share, s.misconception) for s in shares] == [
        ("yes", 1.0, "wrong-one"),
        ("no", 0.0, "wrong-one"),
        ("unsure", 0.0, ""),
    ]
    bank = AnswerBank([question])
    assert bank.right(question.id)[0] == {"choice": "unsure"} and bank.right(question.id)[1].correct
    assert [row[5] for row in review_rows(learner=learner, snapshot=catalog())][1:] == ["yes"]
    assert b'<question type="multichoice">' in moodle_xml.bank_xml([question])
    assert b"choiceInteraction" in qti.item_xml(question)
    assert "=Unsure#Right; the section raises it and leaves it open." in gift.question_gift(question)
    assert "<li>✓ Unsure: Right; the section raises it and leaves it open.</li>" in anki.rationales_html(question)


def test_the_registry_names_each_built_in_type_once():
    from tutor.questions.registry import UnknownQuestionType, all_types

    names = [spec.name for spec in all_types()]
    assert names == ["single", "multiple", "true_false", "matching", "ordering", "numeric"]
    assert all(len(name) <= 12 and spec.label and spec.template for name, spec in zip(names, all_types(), strict=True))
    with pytest.raises(UnknownQuestionType):
        question_type("essay")


@pytest.mark.parametrize("name", ["single", "multiple", "true_false", "matching", "ordering", "numeric"])
def test_each_type_template_has_its_form_and_feedback_partials(name):
    from django.template.loader import get_template

    spec = question_type(name)
    get_template(spec.form_partial)
    get_template(spec.feedback_partial)


def test_a_true_false_misconception_problem_names_the_question_field(tiny_content, load_content):
    """The misconception of a true/false item sits on the question itself, and the problem says so."""
    questions = tiny_content / "alpha" / "questions.yaml"
    questions.write_text(
        questions.read_text().replace("misconception: review-rounded-figure", "misconception: nowhere")
    )

    result = load_content(tiny_content)

    assert not result.ok
    assert "alpha-003.misconception: 'nowhere' is not defined" in result.err
