"""Per-module progress: seen, latest accuracy, mastery (recall >= 90% and stability >= 21 days), due, leeches."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import ModuleFactory, QuestionFactory, SectionFactory, UserFactory
from tutor.catalog.snapshot import catalog
from tutor.progress.selectors import module_answer_counts, module_progress, predicted_recall_sql
from tutor.study.models import Card, MemoryState
from tutor.study.scheduler import Memory, predicted_recall

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


def card(learner, question, *, stability, reviewed_days_ago, due_in_days, correct=True, leech=False):
    last = NOW - dt.timedelta(days=reviewed_days_ago)
    return Card.objects.create(
        learner=learner,
        question=question,
        state=MemoryState.REVIEW,
        stability=stability,
        difficulty=5,
        due=NOW + dt.timedelta(days=due_in_days),
        last_review=last,
        last_review_days=last.timestamp() / 86400,
        reps=3,
        lapses=4 if leech else 0,
        is_leech=leech,
        last_answer_correct=correct,
        created_at=last,
    )


def test_recall_in_sql_matches_the_scheduler():
    learner = UserFactory()
    question = QuestionFactory()
    made = card(learner, question, stability=12.5, reviewed_days_ago=9.6, due_in_days=3)

    in_sql = Card.objects.annotate(recall=predicted_recall_sql(NOW)).get().recall
    in_python = predicted_recall(memory=Memory.of_card(made), at=NOW)

    assert in_sql == pytest.approx(in_python, abs=1e-9)


def test_module_progress_against_hand_counted_cards():
    learner, other = UserFactory(), UserFactory()
    module, empty = ModuleFactory(order=1), ModuleFactory(order=2)
    section = SectionFactory(module=module)
    q = [QuestionFactory(section=section) for _ in range(5)]
    QuestionFactory(section=section, retired=True)
    card(learner, q[0], stability=30, reviewed_days_ago=10, due_in_days=20)  # mastered
    card(learner, q[1], stability=30, reviewed_days_ago=40, due_in_days=-10, correct=False)  # recall < 90%: not
    card(learner, q[2], stability=10, reviewed_days_ago=1, due_in_days=0.1, leech=True)  # stability < 21: not
    card(other, q[3], stability=40, reviewed_days_ago=1, due_in_days=30)

    progress = module_progress(
        learner_ids=[learner.pk], snapshot=catalog(), now=NOW, today_ends=NOW + dt.timedelta(hours=12)
    )[learner.pk]

    mine = progress[module.pk]
    assert (mine.question_total, mine.seen, mine.right_latest, mine.mastered) == (5, 3, 2, 1)
    assert (mine.due_today, mine.due_week, mine.leeches) == (2, 2, 1)
    assert mine.accuracy == pytest.approx(2 / 3)
    assert mine.mastery == pytest.approx(1 / 5)
    assert not mine.answered_all
    assert progress[empty.pk].seen == 0 and progress[empty.pk].accuracy is None


def test_answer_counts_for_statuses_agree_with_module_progress_and_keep_to_the_modules_asked():
    first, second = ModuleFactory(slug="first", order=1), ModuleFactory(slug="second", order=2)
    questions = {m.slug: [QuestionFactory(section=SectionFactory(module=m)) for _ in range(3)] for m in (first, second)}
    alice, bob = UserFactory(), UserFactory()
    for n, question in enumerate(questions["first"][:2] + questions["second"][:1]):
        card(alice, question, stability=30, reviewed_days_ago=1, due_in_days=5, correct=n != 1)
    card(bob, questions["second"][2], stability=3, reviewed_days_ago=1, due_in_days=1, correct=False)
    snapshot = catalog()

    full = module_progress(learner_ids=[alice.pk, bob.pk], snapshot=snapshot, now=NOW, today_ends=NOW)
    light = module_answer_counts(learner_ids=[alice.pk, bob.pk], snapshot=snapshot)
    only_first = module_answer_counts(learner_ids=[alice.pk], snapshot=snapshot, module_ids=[first.pk])

    for learner in (alice, bob):
        for module in (first, second):
            want, got = full[learner.pk][module.pk], light[learner.pk][module.pk]
            assert (got.seen, got.right_latest, got.question_total) == (want.seen, want.right_latest, 3)
    assert (light[alice.pk][first.pk].seen, light[alice.pk][first.pk].right_latest) == (2, 1)
    assert only_first[alice.pk][second.pk].seen == 0 and only_first[alice.pk][first.pk].seen == 2
