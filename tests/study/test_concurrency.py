"""Two tabs answering the same card at the same moment: neither update is lost (PostgreSQL row locks)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from tests.factories import QuestionFactory, UserFactory
from tests.study.conftest import NOW
from tutor.catalog.snapshot import catalog
from tutor.study import scheduler, services
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
    services.record_answer(learner=learner, question=view, answer={"choice": "a"}, attempt="first", answered_at=NOW)

    real_plan = scheduler.plan_review

    def slow_plan(**kwargs):
        # Widen the window between reading the card and writing it, where an unlocked read would go stale.
        time.sleep(0.3)
        return real_plan(**kwargs)

    monkeypatch.setattr(services, "plan_review", slow_plan)
    errors: list[BaseException] = []

    def answer_in_its_own_connection(attempt: str) -> None:
        try:
            services.record_answer(
                learner=learner, question=view, answer={"choice": "a"}, attempt=attempt, answered_at=NOW
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
