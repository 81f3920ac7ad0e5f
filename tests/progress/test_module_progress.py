"""Per-module progress: seen, latest accuracy, mastery (recall >= 90% and stability >= 21 days), due, leeches."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from tests.factories import ModuleFactory, QuestionFactory, SectionFactory, UserFactory
from tutor.catalog.snapshot import catalog
from tutor.progress.selectors import (
    RECALL_BUCKETS,
    CardMemory,
    card_memories,
    forecast_of_cards,
    module_answer_counts,
    module_progress,
    predicted_recall_sql,
    progress_of_cards,
    recall_bucket,
    recall_buckets,
    recall_now,
    updated_since_answered,
)
from tutor.study.models import Card, MemoryState
from tutor.study.scheduler import Memory, predicted_recall, recall_curve

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
    assert set(only_first[alice.pk]) == {first.pk} and only_first[alice.pk][first.pk].seen == 2


def test_progress_of_a_learners_cards_matches_the_grouped_query():
    """The dashboard works out its module table from the learner's cards; the figures are module_progress's."""
    learner, other = UserFactory(), UserFactory()
    module, empty = ModuleFactory(order=1), ModuleFactory(order=2)
    section = SectionFactory(module=module)
    q = [QuestionFactory(section=section) for _ in range(6)]
    retired = QuestionFactory(section=section, retired=True)
    card(learner, q[0], stability=30, reviewed_days_ago=10, due_in_days=20)  # mastered
    card(learner, q[1], stability=30, reviewed_days_ago=40, due_in_days=-10, correct=False)
    card(learner, q[2], stability=10, reviewed_days_ago=1, due_in_days=0.1, leech=True)
    card(learner, q[3], stability=21, reviewed_days_ago=0, due_in_days=6)  # exactly 21 days, recall 100%: mastered
    card(learner, retired, stability=40, reviewed_days_ago=1, due_in_days=0)  # retired: not counted
    card(other, q[4], stability=40, reviewed_days_ago=1, due_in_days=30)
    snapshot, today_ends = catalog(), NOW + dt.timedelta(hours=12)

    in_sql = module_progress(learner_ids=[learner.pk], snapshot=snapshot, now=NOW, today_ends=today_ends)[learner.pk]
    in_python = progress_of_cards(card_memories(learner=learner), snapshot=snapshot, now=NOW, today_ends=today_ends)

    assert in_python == in_sql
    mine = in_python[module.pk]
    assert (mine.question_total, mine.seen, mine.right_latest, mine.mastered) == (6, 4, 3, 2)
    assert (mine.due_today, mine.due_week, mine.leeches) == (2, 3, 1)
    assert in_python[empty.pk].seen == 0


def test_card_memories_read_each_card_as_the_orm_reads_it_with_exact_moments_and_true_booleans():
    learner, other = UserFactory(), UserFactory()
    reviewed = card(learner, QuestionFactory(), stability=12.5, reviewed_days_ago=9.6, due_in_days=3, correct=False)
    Card.objects.filter(pk=reviewed.pk).update(
        updated_at=NOW - dt.timedelta(microseconds=7), update_note="The 2024 decision", is_leech=True
    )
    Card.objects.create(
        learner=learner, question=QuestionFactory(), due=NOW + dt.timedelta(microseconds=1), created_at=NOW
    )
    card(other, QuestionFactory(), stability=3, reviewed_days_ago=1, due_in_days=1)

    memories = sorted(card_memories(learner=learner))
    from_orm = sorted(
        CardMemory._make(row) for row in Card.objects.filter(learner=learner).values_list(*CardMemory._fields)
    )

    assert memories == from_orm and len(memories) == 2
    fresh = next(m for m in memories if m.last_review is None)
    assert (fresh.stability, fresh.last_answer_correct, fresh.updated_at) == (None, None, None)
    assert fresh.due == NOW + dt.timedelta(microseconds=1)
    old = next(m for m in memories if m.last_review is not None)
    assert old.last_answer_correct is False and old.is_leech is True
    assert old.updated_at == NOW - dt.timedelta(microseconds=7)


def test_recall_now_is_the_schedulers_and_none_for_a_card_never_reviewed():
    learner = UserFactory()
    made = card(learner, QuestionFactory(), stability=12.5, reviewed_days_ago=9.6, due_in_days=3)
    memory = card_memories(learner=learner)[0]

    assert recall_now(memory, today=NOW.timestamp() / 86400, curve=recall_curve()) == pytest.approx(
        predicted_recall(memory=Memory.of_card(made), at=NOW), abs=1e-9
    )
    assert recall_now(memory._replace(last_review_days=None), today=0, curve=recall_curve()) is None
    assert recall_now(memory._replace(stability=None), today=0, curve=recall_curve()) is None
    # Reviewed "after" now (a clock a little behind): no time has passed, recall is certain.
    assert recall_now(memory, today=0, curve=recall_curve()) == 1.0


@pytest.mark.parametrize(
    ("recall", "bucket"),
    [(0.0, 0), (0.0999, 0), (0.1, 1), (0.5, 5), (0.8999, 8), (0.9, 9), (0.95, 9), (1.0, 9), (-0.1, 0), (1.2, 9)],
)
def test_each_tenth_of_recall_holds_its_lower_edge(recall, bucket):
    assert recall_bucket(recall) == bucket
    low, high = RECALL_BUCKETS[bucket]
    assert low <= recall < high or recall >= 1.0 or recall < 0


def test_recall_buckets_count_seen_live_questions_only():
    learner = UserFactory()
    live, retired = QuestionFactory(), QuestionFactory(retired=True)
    card(learner, live, stability=100, reviewed_days_ago=0, due_in_days=50)
    card(learner, retired, stability=100, reviewed_days_ago=0, due_in_days=50)
    unseen = card(learner, QuestionFactory(), stability=1, reviewed_days_ago=0, due_in_days=0)
    Card.objects.filter(pk=unseen.pk).update(stability=None, last_review=None, last_review_days=None)

    buckets = recall_buckets(card_memories(learner=learner), snapshot=catalog(), now=NOW)

    assert [count for *_, count in buckets] == [0] * 9 + [1]
    assert [(low, high) for low, high, _ in buckets] == list(RECALL_BUCKETS)


def test_forecast_of_cards_counts_by_the_learners_calendar_day():
    """A card due at 23:30 UTC on 24 November is due on the 25th in Tokyo; overdue ones count today."""
    learner = UserFactory()
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    questions = [QuestionFactory() for _ in range(4)]
    late = dt.datetime(2026, 11, 24, 23, 30, tzinfo=dt.UTC)
    for question, due in zip(
        questions, [late, late - dt.timedelta(days=3), late + dt.timedelta(days=40), late], strict=True
    ):
        made = card(learner, question, stability=5, reviewed_days_ago=1, due_in_days=0)
        Card.objects.filter(pk=made.pk).update(due=due)
    Card.objects.filter(question=questions[3]).update(learner=UserFactory())  # someone else's
    today = dt.date(2026, 11, 24)

    forecast = forecast_of_cards(card_memories(learner=learner), snapshot=catalog(), today=today, zone=tokyo)

    assert len(forecast) == 30 and forecast[0] == (today, 1) and forecast[1] == (today + dt.timedelta(days=1), 1)
    assert sum(n for _, n in forecast) == 2


def test_updated_questions_come_from_the_cards_newest_change_first():
    learner = UserFactory()
    q = [QuestionFactory() for _ in range(4)]
    for n, question in enumerate(q):
        made = card(learner, question, stability=5, reviewed_days_ago=5, due_in_days=1)
        # changed 1, 2, 3 days ago and (the last) before its answer
        Card.objects.filter(pk=made.pk).update(updated_at=NOW - dt.timedelta(days=1 + n if n < 3 else 9))

    updated = updated_since_answered(card_memories(learner=learner))

    assert [c.question_id for c in updated] == [q[0].pk, q[1].pk, q[2].pk]
