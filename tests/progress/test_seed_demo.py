"""seed_demo: a synthetic population whose cards and logs are what the real study loop would have written."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.conftest import TINY_CONTENT
from tests.factories import QuestionFactory, UserFactory, fixed_clock
from tutor.accounts.models import User
from tutor.catalog.snapshot import catalog
from tutor.progress.management.commands.seed_demo import HEAVY_USERNAME
from tutor.study import scheduler
from tutor.study.marking import mark_answer
from tutor.study.models import Card, MemoryState, PracticeItem, Rating, ReviewContext, ReviewLog
from tutor.study.review import LEECH_THRESHOLD
from tutor.study.scheduler import Memory, plan_review
from tutor.study.services import record_answer
from tutor.study.simulation import memory_json

pytestmark = pytest.mark.django_db

UNTIL = "2026-03-02T18:00:00+00:00"
UNTIL_MOMENT = dt.datetime(2026, 3, 2, 18, tzinfo=dt.UTC)
SMALL = ("--learners", "3", "--days", "10", "--until", UNTIL, "--i-know-this-is-not-production")


@pytest.fixture
def tiny_catalog(load_content):
    assert load_content(TINY_CONTENT).ok
    return catalog()


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def population_rows() -> list[tuple]:
    """Everything seed_demo wrote, without database ids, in a stable order."""
    return list(
        ReviewLog.objects.order_by("learner__username", "reviewed_at", "id").values_list(
            "learner__username",
            "question__qid",
            "attempt",
            "context",
            "answer",
            "correct",
            "rating",
            "reviewed_at",
            "duration_ms",
            "state_after",
            "stability_after",
            "difficulty_after",
            "due_after",
            "card__created_at",
            "learner__time_zone",
            "learner__desired_retention",
        )
    )


def test_every_card_equals_a_replay_of_its_logs_through_the_scheduler(tiny_catalog):
    seed(*SMALL, "--seed", "7", "--heavy-reviews", "300")

    cards = Card.objects.select_related("learner").order_by("id")
    assert cards.count() > 6
    for card in cards:
        logs = list(card.logs.order_by("reviewed_at", "id"))
        retention = card.learner.desired_retention
        memory = Memory()
        for log in logs:
            assert log.card_before == memory.as_json()
            assert log.state_before == memory.state
            plan = plan_review(
                card_id=card.pk,
                memory=memory,
                rating=log.rating,
                reviewed_at=log.reviewed_at,
                desired_retention=retention,
            )
            assert (log.state_after, log.due_after) == (plan.memory.state, plan.memory.due)
            assert log.stability_after == pytest.approx(plan.memory.stability)
            assert log.difficulty_after == pytest.approx(plan.memory.difficulty)
            assert log.scheduled_days == pytest.approx(plan.interval_days)
            if plan.recall_before is None:
                assert log.retrievability is None
            else:
                assert log.retrievability == pytest.approx(plan.recall_before)
            memory = plan.memory
        assert (card.state, card.step, card.due, card.last_review) == (
            memory.state,
            memory.step,
            memory.due,
            memory.last_review,
        )
        assert card.stability == pytest.approx(memory.stability)
        assert card.difficulty == pytest.approx(memory.difficulty)
        assert card.last_review_days == pytest.approx(memory.last_review.timestamp() / 86400)
        assert card.reps == len(logs)
        assert card.lapses == sum(not log.correct for log in logs)
        assert card.is_leech == (card.lapses >= LEECH_THRESHOLD)
        assert card.last_answer_correct == logs[-1].correct
        assert card.created_at == logs[0].reviewed_at


def test_logs_are_filled_as_record_answer_fills_them(tiny_catalog):
    seed(*SMALL, "--seed", "7", "--heavy-reviews", "300")

    logs = list(ReviewLog.objects.select_related("card"))
    for log in logs:
        question = tiny_catalog.questions[log.question_id]
        marking = mark_answer(question, log.answer)
        assert (log.correct, log.partial, log.score) == (marking.correct, marking.partial, marking.score)
        assert log.question_revision == question.revision
        assert (log.card.learner_id, log.card.question_id) == (log.learner_id, log.question_id)
        assert log.duration_ms and 0 < log.duration_ms <= 600_000
        if log.correct:
            assert log.rating == Rating.GOOD or (log.rating_changed and log.rating in (Rating.HARD, Rating.EASY))
        else:
            assert (log.rating, log.rating_changed) == (Rating.AGAIN, False)
        assert (log.retrievability is None) == (log.state_before == MemoryState.NEW)
    wrong = [log for log in logs if not log.correct]
    assert wrong and any(log.answer.get("choice") for log in wrong)  # a wrong option, not an empty answer
    assert len({log.attempt for log in logs}) == len(logs)
    assert all(log.attempt.startswith("seed-") for log in logs)


def test_practice_answers_belong_to_practice_tests(tiny_catalog):
    seed(*SMALL, "--seed", "7", "--heavy-reviews", "300")

    practice = ReviewLog.objects.filter(context=ReviewContext.PRACTICE)
    assert practice.exists()
    items = PracticeItem.objects.filter(review_log__isnull=False).select_related("review_log", "test")
    assert items.count() == practice.count()
    for item in items:
        assert item.question_id == item.review_log.question_id
        assert item.test.learner_id == item.review_log.learner_id
        assert item.test.created_at <= item.review_log.reviewed_at


def test_counts_window_and_daily_limit(tiny_catalog):
    out = seed(*SMALL, "--seed", "7", "--heavy-reviews", "300")

    learners = User.objects.order_by("username")
    assert [u.username for u in learners] == ["demo-learner-001", "demo-learner-002", "demo-learner-003", "heavy"]
    heavy = learners.get(username=HEAVY_USERNAME)
    assert 285 <= heavy.review_logs.count() <= 315
    logs = ReviewLog.objects.all()
    assert Card.objects.count() == len(set(logs.values_list("learner_id", "question_id")))
    assert f"{Card.objects.count()} cards, {logs.count()} reviews" in out
    assert "rows/s" in out
    earliest = UNTIL_MOMENT - dt.timedelta(days=11)
    assert all(earliest < moment <= UNTIL_MOMENT for moment in logs.values_list("reviewed_at", flat=True))
    for learner in learners:
        # New questions met in daily study stay within the learner's limit for each day of their own time zone.
        firsts = Counter(
            card.created_at.astimezone(learner.zone).date()
            for card in learner.cards.all()
            if card.logs.order_by("reviewed_at").first().context == ReviewContext.STUDY
        )
        assert max(firsts.values(), default=0) <= learner.new_per_day
        assert learner.last_login == learner.review_logs.order_by("-reviewed_at").first().reviewed_at


def test_the_same_seed_makes_the_same_population_and_another_seed_another(tiny_catalog, settings):
    settings.STUDY_FUZZ_INTERVALS = True  # the interval fuzz draws random numbers too
    scheduler._scheduler.cache_clear()
    try:
        seed(*SMALL, "--seed", "11", "--heavy-reviews", "100")
        first = population_rows()
        seed(*SMALL, "--seed", "11", "--heavy-reviews", "100", "--reset")
        again = population_rows()
        seed(*SMALL, "--seed", "12", "--heavy-reviews", "100", "--reset")
        other = population_rows()
    finally:
        scheduler._scheduler.cache_clear()
    assert first and first == again
    assert other != first


def test_reset_replaces_demo_learners_and_keeps_everyone_else(tiny_catalog):
    real = UserFactory(username="real-person")
    question = tiny_catalog.question_by_qid("alpha-001")
    kept = record_answer(
        learner=real, question=question, answer={"choice": "a"}, attempt="real-1", clock=fixed_clock(UNTIL_MOMENT)
    ).log
    seed(*SMALL, "--seed", "1")
    with pytest.raises(CommandError, match="--reset"):
        seed(*SMALL, "--seed", "2")

    out = seed(*SMALL, "--seed", "2", "--reset", "--learners", "2")

    assert "Removed 3 demo learners" in out
    assert set(User.objects.values_list("username", flat=True)) == {
        "real-person",
        "demo-learner-001",
        "demo-learner-002",
    }
    assert list(ReviewLog.objects.filter(learner=real)) == [kept]
    assert Card.objects.filter(learner=real).count() == 1


def test_refuses_when_debug_is_off_unless_told_it_is_not_production(tiny_catalog, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--i-know-this-is-not-production"):
        call_command("seed_demo", "--learners", "1", "--days", "2", stdout=io.StringIO())
    assert not User.objects.exists()

    settings.DEBUG = True
    seed("--learners", "1", "--days", "2", "--seed", "3")
    assert User.objects.filter(username="demo-learner-001").exists()


def test_refuses_when_no_content_is_loaded():
    with pytest.raises(CommandError, match="load_content"):
        seed(*SMALL)
    assert not User.objects.exists()


def test_retired_questions_are_not_studied(tiny_catalog):
    retired = QuestionFactory(retired=True)
    seed(*SMALL, "--seed", "5")
    assert not ReviewLog.objects.filter(question=retired).exists()


def test_memory_json_is_memory_as_json(tiny_catalog):
    seed(*SMALL, "--seed", "4")
    memories = [Memory()] + [
        Memory(log.state_after, None, log.stability_after, log.difficulty_after, log.due_after, log.reviewed_at)
        for log in ReviewLog.objects.all()[:20]
    ]
    for memory in memories:
        assert memory_json(memory) == memory.as_json()


def test_seeded_logs_carry_what_true_retention_needs(tiny_catalog):
    """Every seeded review after a card's first has the elapsed time, the previous interval and the day flag."""
    from tutor.study.models import MemoryState

    # A fixed seed: with a random one, three learners over ten days now and then have no card in review yet.
    seed(*SMALL, "--seed", "2")
    later = ReviewLog.objects.exclude(state_before=MemoryState.NEW)
    assert later.exists()
    assert not later.filter(elapsed_days__isnull=True).exists()
    assert not later.filter(interval_days_before__isnull=True).exists()
    assert later.filter(state_before=MemoryState.REVIEW, first_review_of_day=True).exists()


def test_seeded_answers_are_rolled_up_into_study_days(tiny_catalog):
    from django.db.models import Count, Q, Sum

    from tutor.progress.models import StudyDay

    seed(*SMALL, "--seed", "7", "--heavy-reviews", "300")

    logs = ReviewLog.objects.values("learner_id").annotate(n=Count("id"), right=Count("id", filter=Q(correct=True)))
    days = StudyDay.objects.values("learner_id").annotate(n=Sum("reviews"), right=Sum("correct"))
    by_learner = {row["learner_id"]: (row["n"], row["right"]) for row in days}
    assert by_learner == {row["learner_id"]: (row["n"], row["right"]) for row in logs}
    assert len(by_learner) == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's; SQLite uses bulk_create")
def test_copy_writes_the_same_population_as_bulk_create(tiny_catalog, monkeypatch):
    from tutor.progress.management.commands.seed_demo import Command

    out = seed(*SMALL, "--seed", "5", "--heavy-reviews", "100")
    copied = population_rows(), practice_rows(), card_rows()
    monkeypatch.setattr(Command, "use_copy", False)
    seed(*SMALL, "--seed", "5", "--heavy-reviews", "100", "--reset")
    inserted = population_rows(), practice_rows(), card_rows()

    assert "with COPY" in out
    assert copied[0] and copied[1] and copied[2]
    assert copied == inserted


def practice_rows() -> list[tuple]:
    return sorted(
        PracticeItem.objects.values_list(
            "test__learner__username", "test__created_at", "position", "question__qid", "review_log__reviewed_at"
        )
    )


def card_rows() -> list[tuple]:
    """Each card with its latest log (the log it points at) and its state."""
    return sorted(
        Card.objects.values_list(
            "learner__username", "question__qid", "last_log__reviewed_at", "last_log__attempt", "due", "reps"
        )
    )


def table_statistics(model) -> tuple[float, int]:
    """(rows the planner believes the table has, pages the visibility map marks all-visible)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples, relallvisible FROM pg_class WHERE relname = %s", [model._meta.db_table])
        return cursor.fetchone()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's")
def test_the_planner_knows_the_seeded_tables_at_once(tiny_catalog):
    out = seed(*SMALL, "--seed", "3", "--heavy-reviews", "200")

    assert "Planner statistics" in out
    rows, _ = table_statistics(ReviewLog)
    assert rows == pytest.approx(ReviewLog.objects.count(), rel=0.1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the visibility map is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_seeded_tables_are_vacuumed_for_index_only_scans(tiny_catalog):
    seed(*SMALL, "--seed", "3", "--heavy-reviews", "200")

    _, all_visible = table_statistics(Card)
    assert all_visible > 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="table files are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_answer_tallies_are_written_afresh_after_seeding(tiny_catalog):
    """The tallies' triggers update a learner's row once per card written; at scale that leaves the few thousand
    rows spread over a thousand pages of dead versions. Seeding ends by writing the table afresh (a new file), as
    compact as answers given one at a time keep it."""

    def tally_file() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT relfilenode FROM pg_class WHERE relname = 'progress_moduleanswertally'")
            return cursor.fetchone()[0]

    before = tally_file()
    seed(*SMALL, "--seed", "3", "--heavy-reviews", "200")

    assert tally_file() != before


def test_seeded_learners_hold_the_misconceptions_their_answers_show_as_recording_them_one_by_one_would(
    tiny_catalog,
):
    from tutor.study.misconceptions import record_misconceptions_of_answer
    from tutor.study.models import LearnerMisconception

    seed(*SMALL, "--seed", "3", "--accuracy", "0.5")

    def held(learner_id: int) -> list[tuple]:
        return sorted(
            LearnerMisconception.objects.filter(learner_id=learner_id).values_list(
                "slug", "times_chosen", "first_chosen_at", "last_chosen_at", "right_since", "last_right_at"
            )
        )

    seeded = {learner.pk: held(learner.pk) for learner in User.objects.filter(username__startswith="demo-")}
    assert any(seeded.values())  # half the answers wrong: some wrong ideas were chosen
    LearnerMisconception.objects.all().delete()
    for learner_id in seeded:
        for log in ReviewLog.objects.filter(learner_id=learner_id).order_by("reviewed_at", "id"):
            record_misconceptions_of_answer(
                learner_id=learner_id,
                question_id=log.question_id,
                answered_at=log.reviewed_at,
                logged=(log.question_revision, log.answer),
            )

    assert {learner_id: held(learner_id) for learner_id in seeded} == seeded
