"""An evidence change re-queues the question for exactly the learners who saw it, with a note; a typo fix does not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import QuestionFactory, UserFactory, fixed_clock
from tutor.catalog.content import read_content
from tutor.catalog.models import Question
from tutor.catalog.snapshot import catalog, forget_catalog
from tutor.study.attempts import issue_attempt
from tutor.study.evidence_updates import is_updated_since_answered, updated_cards
from tutor.study.models import Card, MemoryState
from tutor.study.services import record_answer

pytestmark = pytest.mark.django_db

NOTE = "The pooled figures now come from the primary paper."


def edit_question(content: Path, qid: str, old: str, new: str, *, marker: str = "") -> None:
    """Replace text inside one question's entry of questions.yaml, optionally adding lines after its id."""
    path = content / "alpha" / "questions.yaml"
    text = path.read_text()
    start = text.index(f"- id: {qid}\n")
    end = text.find("\n- id:", start + 1)
    end = len(text) if end == -1 else end
    entry = text[start:end].replace(old, new, 1)
    if marker:
        entry = entry.replace(f"- id: {qid}\n", f"- id: {qid}\n{marker}", 1)
    path.write_text(text[:start] + entry + text[end:])


def answer(learner, qid: str, choice: str, at: dt.datetime) -> None:
    """Answer a single-answer or true/false item of the tiny tree at a given moment."""
    view = catalog().question_by_qid(qid)
    attempt = f"{learner.pk}-{qid}-{at.isoformat()}"
    record_answer(learner=learner, question=view, answer={"choice": choice}, attempt=attempt, clock=fixed_clock(at))


@pytest.fixture
def loaded(tiny_content, load_content, django_capture_on_commit_callbacks):
    assert load_content(tiny_content).ok
    forget_catalog()

    def reload() -> None:
        forget_catalog()
        with django_capture_on_commit_callbacks(execute=True):
            result = load_content(tiny_content)
        assert result.ok, result.err
        forget_catalog()

    return reload


def test_evidence_change_requeues_exactly_the_learners_who_saw_it(tiny_content, loaded):
    week_ago = timezone.now() - dt.timedelta(days=7)
    saw_it, saw_another, new_learner = UserFactory(), UserFactory(), UserFactory()
    answer(saw_it, "alpha-001", "a", week_ago)
    answer(saw_another, "alpha-003", "false", week_ago)
    Card.objects.update(due=timezone.now() + dt.timedelta(days=30))  # both well inside a long interval
    before = {card.pk: card.due for card in Card.objects.all()}

    edit_question(tiny_content, "alpha-001", "Which one is right?", "Which one is right now?",
                  marker=f"  changed: evidence\n  change_note: {NOTE}\n")  # fmt: skip
    loaded()

    question = Question.objects.get(qid="alpha-001")
    assert (question.revision, question.evidence_note, question.evidence_revision) == (2, NOTE, 2)
    changed = Card.objects.get(learner=saw_it)
    assert changed.due <= timezone.now() < before[changed.pk]
    assert (changed.update_note, changed.has_open_update) == (NOTE, True)
    untouched = Card.objects.get(learner=saw_another)
    assert (untouched.due, untouched.update_note, untouched.updated_at) == (before[untouched.pk], "", None)
    assert not Card.objects.filter(learner=new_learner).exists()


def test_typo_fix_changes_nothing_for_learners(tiny_content, loaded):
    learner = UserFactory()
    answer(learner, "alpha-001", "a", timezone.now() - dt.timedelta(days=7))
    due = Card.objects.get().due

    edit_question(tiny_content, "alpha-001", "Which one is right?", "Which one is correct?",
                  marker="  changed: wording\n")  # fmt: skip
    loaded()

    assert Question.objects.get(qid="alpha-001").revision == 2
    card = Card.objects.get()
    assert (card.due, card.update_note, card.updated_at) == (due, "", None)


def test_a_later_typo_fix_under_the_same_evidence_note_is_not_a_new_change(tiny_content, loaded):
    learner = UserFactory()
    edit_question(tiny_content, "alpha-001", "Which one is right?", "Which one is right now?",
                  marker=f"  changed: evidence\n  change_note: {NOTE}\n")  # fmt: skip
    loaded()
    answer(learner, "alpha-001", "a", timezone.now())
    due = Card.objects.get().due

    edit_question(tiny_content, "alpha-001", "Which one is right now?", "Which one is right today?")
    loaded()

    assert Question.objects.get(qid="alpha-001").revision == 3
    card = Card.objects.get()
    assert card.due == due and not card.has_open_update


def test_a_check_run_requeues_nothing(tiny_content, load_content, django_capture_on_commit_callbacks):
    assert load_content(tiny_content).ok
    forget_catalog()
    learner = UserFactory()
    answer(learner, "alpha-001", "a", timezone.now())
    due = Card.objects.get().due
    edit_question(tiny_content, "alpha-001", "Which one is right?", "Which one is right now?",
                  marker=f"  changed: evidence\n  change_note: {NOTE}\n")  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        assert load_content(tiny_content, "--check").ok

    assert Card.objects.get().due == due


def test_next_appearance_says_what_changed_until_answered_again(client, tiny_content, loaded):
    learner = UserFactory(new_per_day=0)
    answer(learner, "alpha-001", "a", timezone.now() - dt.timedelta(days=1))
    edit_question(tiny_content, "alpha-001", "Which one is right?", "Which one is right now?",
                  marker=f"  changed: evidence\n  change_note: {NOTE}\n")  # fmt: skip
    loaded()
    client.force_login(learner)

    study = client.get(reverse("study:study")).content.decode()
    progress = client.get(reverse("cohorts:progress_dashboard")).content.decode()

    assert f"Updated since you last answered:</strong> {NOTE}" in study
    assert "Updated since you last answered</h2>" in progress and NOTE in progress

    question = catalog().question_by_qid("alpha-001")
    token = issue_attempt(learner_id=learner.pk, question_id=question.id)
    client.post(reverse("study:study_answer"), {"attempt": token, "choice": "a"})

    assert not Card.objects.get().has_open_update
    assert NOTE not in client.get(reverse("cohorts:progress_dashboard")).content.decode()


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("  changed: evidence\n", "an evidence change needs a one-line note"),
        ("  changed: facts\n", "must be one of evidence, wording"),
        ("  change_note: Something.\n", "needs `changed: evidence` beside it"),
        ("  changed: wording\n  change_note: Something.\n", "only an evidence change takes a note"),
    ],
)
def test_loader_validates_the_change_marker(tiny_content, lines, message):
    edit_question(tiny_content, "alpha-001", "", "", marker=lines)

    _, problems = read_content(tiny_content)

    assert any(message in str(p) and "alpha-001.change" in str(p) for p in problems), problems


@pytest.mark.parametrize(
    ("updated_days_ago", "answered_days_ago", "updated"),
    [(None, 1, False), (None, None, False), (2, None, True), (2, 3, True), (2, 1, False), (2, 2, False)],
)
def test_the_rule_for_a_card_already_read_is_updated_cards_rule(updated_days_ago, answered_days_ago, updated):
    """A question changed after its last answer (or never answered since) is updated; the same in SQL and here."""
    now = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)
    card = Card.objects.create(
        learner=UserFactory(),
        question=QuestionFactory(),
        state=MemoryState.REVIEW,
        due=now,
        reps=1,
        lapses=0,
        is_leech=False,
        created_at=now - dt.timedelta(days=10),
    )
    updated_at = None if updated_days_ago is None else now - dt.timedelta(days=updated_days_ago)
    last_review = None if answered_days_ago is None else now - dt.timedelta(days=answered_days_ago)
    Card.objects.filter(pk=card.pk).update(updated_at=updated_at, last_review=last_review)

    assert is_updated_since_answered(updated_at=updated_at, last_review=last_review) is updated
    assert updated_cards(learner=card.learner).exists() is updated
