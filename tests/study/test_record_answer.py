"""Recording answers: one log per attempt, the card moved on by the real scheduler, leeches, partial credit."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import fixed_clock
from tests.study.conftest import NOW
from tutor.catalog.snapshot import catalog
from tutor.study import services
from tutor.study.models import Card, MemoryState, Rating, RatingChange, ReviewLog

pytestmark = pytest.mark.django_db


def answer(learner, question, response, *, at=NOW, attempt=None, item=None):
    return services.record_answer(
        learner=learner,
        question=catalog().questions[question.pk],
        answer=response,
        attempt=attempt or f"attempt-{ReviewLog.objects.count()}-{at.timestamp()}",
        clock=fixed_clock(at),
        practice_item=item,
    )


def test_first_answer_creates_the_card_and_appends_a_full_log(learner, make_question):
    question = make_question("single")

    recorded = answer(learner, question, {"choice": "b"})

    card = Card.objects.get(learner=learner, question=question)
    log = ReviewLog.objects.get()
    assert recorded.marking.correct
    assert (log.correct, log.rating, log.state_before, log.question_revision) == (True, Rating.GOOD, MemoryState.NEW, 1)
    assert log.retrievability is None  # nothing to predict before the first answer
    assert log.answer == {"choice": "b"}
    assert log.state_after == card.state == MemoryState.LEARNING
    assert log.stability_after == card.stability > 0
    assert log.difficulty_after == card.difficulty
    assert log.due_after == card.due > NOW
    assert log.scheduled_days == pytest.approx((card.due - NOW).total_seconds() / 86400)
    assert (card.reps, card.lapses, card.created_at) == (1, 0, NOW)


def test_new_to_learning_to_review_to_relearning_through_the_real_scheduler(learner, make_question):
    question = make_question("single")

    answer(learner, question, {"choice": "b"})  # Good: first learning step
    card = Card.objects.get()
    assert card.state == MemoryState.LEARNING
    answer(learner, question, {"choice": "b"}, at=card.due)  # Good again: graduates
    card.refresh_from_db()
    assert card.state == MemoryState.REVIEW
    assert card.due - card.last_review >= dt.timedelta(days=1)
    review_due = card.due
    recorded = answer(learner, question, {"choice": "a"}, at=review_due)  # wrong: lapses
    card.refresh_from_db()

    assert card.state == MemoryState.RELEARNING
    assert card.lapses == 1
    assert recorded.log.state_before == MemoryState.REVIEW
    assert recorded.log.rating == Rating.AGAIN
    assert 0.8 < recorded.log.retrievability < 1  # predicted recall at the due date sits near the target
    assert card.due < review_due + dt.timedelta(days=1)


def test_a_replayed_attempt_returns_the_first_recording_and_writes_nothing(learner, make_question):
    question = make_question("single")
    first = answer(learner, question, {"choice": "b"}, attempt="same-token")

    again = answer(learner, question, {"choice": "a"}, attempt="same-token", at=NOW + dt.timedelta(seconds=2))

    assert again.replayed
    assert again.log.pk == first.log.pk
    assert again.marking.correct  # the feedback of the answer that was recorded
    assert ReviewLog.objects.count() == 1
    assert Card.objects.get().reps == 1


def test_a_replay_by_another_learner_is_refused(learner, make_question):
    from tests.factories import UserFactory

    question = make_question("single")
    answer(learner, question, {"choice": "b"}, attempt="token")

    with pytest.raises(services.StudyError):
        answer(UserFactory(), question, {"choice": "b"}, attempt="token")


def test_a_question_missed_four_times_becomes_a_leech(learner, make_question):
    question = make_question("single")
    moment = NOW
    for n in range(3):
        answer(learner, question, {"choice": "a"}, at=moment)
        moment += dt.timedelta(hours=1)
        assert not Card.objects.get().is_leech, f"leech after {n + 1} misses"

    answer(learner, question, {"choice": "c"}, at=moment)

    card = Card.objects.get()
    assert (card.lapses, card.is_leech) == (4, True)


@pytest.mark.parametrize(
    ("qtype", "response", "correct", "score"),
    [
        ("multiple", {"choices": ["a", "c"]}, True, 1.0),
        ("multiple", {"choices": ["a"]}, False, 0.75),
        ("matching", {"matches": {"a": "a", "b": "b", "c": "c"}}, True, 1.0),
        ("matching", {"matches": {"a": "a", "b": "c", "c": "b"}}, False, 1 / 3),
        ("ordering", {"order": {"a": 1, "b": 2, "c": 3}}, True, 1.0),
        ("ordering", {"order": {"a": 1, "b": 3, "c": 2}}, False, 1 / 3),
        ("numeric", {"value": 54.6}, True, 1.0),
        ("numeric", {"value": 56.0}, False, 0.0),
        ("true_false", {"choice": "false"}, True, 1.0),
    ],
)
def test_partial_credit_is_shown_but_scheduled_as_wrong(learner, make_question, qtype, response, correct, score):
    question = make_question(qtype)

    recorded = answer(learner, question, response)

    assert recorded.log.correct is correct
    assert recorded.log.score == pytest.approx(score)
    assert recorded.log.partial is (0 < score < 1)
    assert recorded.log.rating == (Rating.GOOD if correct else Rating.AGAIN)


def test_a_numeric_answer_near_a_common_error_gets_its_rationale(learner, make_question):
    question = make_question("numeric")

    recorded = answer(learner, question, {"value": 56})

    assert recorded.marking.closest_error.rationale == "That is the review's rounded figure."


def test_a_right_answer_can_be_re_rated_which_re_plans_the_card(learner, make_question):
    question = make_question("single")
    answer(learner, question, {"choice": "b"})
    card = Card.objects.get()
    graduated = answer(learner, question, {"choice": "b"}, at=card.due)
    good_due = Card.objects.get().due

    easy = services.change_rating(learner=learner, log_id=graduated.log.pk, rating=Rating.EASY)

    card = Card.objects.get()
    assert easy.rating_in_force == Rating.EASY
    assert card.due == easy.due_in_force > good_due
    hard = services.change_rating(learner=learner, log_id=graduated.log.pk, rating=Rating.HARD)
    assert Card.objects.get().due == hard.due_in_force < good_due
    # The ledger: the answer's own row keeps the plan made at the time; each change is a row of its own.
    original = ReviewLog.objects.get(pk=graduated.log.pk)
    assert (original.rating, original.due_after) == (Rating.GOOD, good_due)
    assert ReviewLog.objects.count() == 2
    assert list(RatingChange.objects.order_by("id").values_list("rating", flat=True)) == [Rating.EASY, Rating.HARD]


def test_a_wrong_answer_cannot_be_re_rated(learner, make_question):
    question = make_question("single")
    wrong = answer(learner, question, {"choice": "a"})

    with pytest.raises(services.StudyError, match="always rated Again"):
        services.change_rating(learner=learner, log_id=wrong.log.pk, rating=Rating.EASY)


def test_only_the_latest_answer_can_be_re_rated(learner, make_question):
    question = make_question("single")
    first = answer(learner, question, {"choice": "b"})
    answer(learner, question, {"choice": "b"}, at=NOW + dt.timedelta(minutes=20))

    with pytest.raises(services.StudyError, match="only the latest"):
        services.change_rating(learner=learner, log_id=first.log.pk, rating=Rating.EASY)


def test_desired_retention_shortens_intervals(make_question):
    from tests.factories import UserFactory

    question = make_question("single")
    relaxed, keen = UserFactory(desired_retention=0.80), UserFactory(desired_retention=0.97)
    for learner in (relaxed, keen):
        answer(learner, question, {"choice": "b"})
        card = Card.objects.get(learner=learner)
        answer(learner, question, {"choice": "b"}, at=card.due)

    assert Card.objects.get(learner=keen).due < Card.objects.get(learner=relaxed).due
