"""Two tabs answering the same card at the same moment: neither update is lost (PostgreSQL row locks)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from tests.factories import QuestionFactory, UserFactory, fixed_clock
from tests.study.conftest import NOW
from tutor.catalog.snapshot import catalog
from tutor.study import review, scheduler, services
from tutor.study.models import Card, ReviewLog

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL: run with DATABASE_URL=postgres://…")


def test_two_connections_answering_the_same_card_both_count(monkeypatch):
    learner = UserFactory()
    question = QuestionFactory()
    view = catalog().questions[question.pk]
    services.record_answer(
        learner=learner, question=view, answer={"choice": "a"}, attempt="first", clock=fixed_clock(NOW)
    )

    real_plan = scheduler.plan_review

    def slow_plan(**kwargs):
        # Widen the window between reading the card and writing it, where an unlocked read would go stale.
        time.sleep(0.3)
        return real_plan(**kwargs)

    monkeypatch.setattr(review, "plan_review", slow_plan)
    errors: list[BaseException] = []

    def answer_in_its_own_connection(attempt: str) -> None:
        try:
            services.record_answer(
                learner=learner, question=view, answer={"choice": "a"}, attempt=attempt, clock=fixed_clock(NOW)
            )
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    tabs = [threading.Thread(target=answer_in_its_own_connection, args=(f"tab-{n}",)) for n in range(2)]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join()

    assert not errors
    card = Card.objects.get()
    assert ReviewLog.objects.count() == 3
    assert card.reps == 3
    # Each answer started from the card as the previous one left it: no two saw the same "before".
    befores = [str(before) for before in ReviewLog.objects.values_list("card_before", flat=True)]
    assert len(set(befores)) == 3


def test_answers_are_dated_in_the_order_they_are_applied(monkeypatch):
    """Two tabs: the first request is slow before it reaches the card (marking), the second overtakes it. The time
    is read under the card's lock, so the history is dated in the order the answers were applied: no negative
    elapsed time, and the card carries the answer applied last."""
    learner = UserFactory()
    question = QuestionFactory()
    view = catalog().questions[question.pk]
    services.record_answer(learner=learner, question=view, answer={"choice": "a"}, attempt="first")
    real_mark = services.mark_answer
    slow_started = threading.Event()

    def mark(question, answer):
        if answer.get("choice") == "b":  # the slow tab
            slow_started.set()
            time.sleep(0.4)
        return real_mark(question, answer)

    monkeypatch.setattr(services, "mark_answer", mark)
    errors: list[BaseException] = []

    def tab(choice: str, attempt: str) -> None:
        try:
            services.record_answer(learner=learner, question=view, answer={"choice": choice}, attempt=attempt)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    slow = threading.Thread(target=tab, args=("b", "slow-tab"))
    slow.start()
    slow_started.wait(2)
    fast = threading.Thread(target=tab, args=("a", "fast-tab"))
    fast.start()
    for thread in (slow, fast):
        thread.join()

    assert not errors
    applied = list(ReviewLog.objects.order_by("id").values_list("attempt", "reviewed_at", "elapsed_days"))
    assert [attempt for attempt, _, _ in applied] == ["first", "fast-tab", "slow-tab"]
    times = [at for _, at, _ in applied]
    assert times == sorted(times)
    assert all(elapsed is None or elapsed >= 0 for _, _, elapsed in applied)
    card = Card.objects.get()
    assert card.last_log.attempt == "slow-tab" and card.last_review == times[-1]
