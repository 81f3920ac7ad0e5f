"""An answer's two writes, their SQL written once: the same rows as the ORM's save, on SQLite and on PostgreSQL."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.db import DatabaseError
from django.db.models.signals import post_save, pre_save
from django.forms.models import model_to_dict

from tests.study.conftest import NOW
from tests.study.test_ledger import answer
from tutor.study.models import Card, ReviewLog
from tutor.study.prepared import PreparedInsert, PreparedUpdate

pytestmark = pytest.mark.django_db


def answered(learner, question, choice: str, attempt: str):
    return answer(learner, question, choice, NOW, attempt)


def stored(log: ReviewLog) -> dict:
    return model_to_dict(ReviewLog.objects.get(pk=log.pk), exclude=["id", "attempt"])


def test_a_log_written_by_the_prepared_insert_reads_back_as_one_saved_by_the_orm(learner, make_question):
    recorded = answered(learner, make_question("single"), "a", "first")
    by_orm = copy.copy(recorded.log)
    by_orm.pk, by_orm.attempt = None, "second"
    by_orm._state.adding = True
    by_orm.save(force_insert=True)

    assert recorded.log.pk is not None and not recorded.log._state.adding
    assert stored(recorded.log) == stored(by_orm)
    # Dates, JSON and numbers all made the trip: the answer and the card as it was, the plan made.
    assert stored(recorded.log)["answer"] == {"choice": "a"}
    assert stored(recorded.log)["reviewed_at"] == NOW
    assert stored(recorded.log)["card_before"] == recorded.log.card_before


def test_the_prepared_update_writes_only_its_fields(learner, make_question):
    card = answered(learner, make_question("single"), "b", "one").card
    card.refresh_from_db()
    card.reps, card.due, card.update_note = 41, NOW + dt.timedelta(days=3), "not one of the fields"

    PreparedUpdate(Card, ["reps", "due"]).update(card)

    card.refresh_from_db()
    assert (card.reps, card.due, card.update_note) == (41, NOW + dt.timedelta(days=3), "")


def test_the_prepared_update_of_a_missing_row_is_an_error(learner, make_question):
    card = answered(learner, make_question("single"), "b", "one").card
    Card.objects.filter(pk=card.pk).update(reps=7)
    card.pk = card.pk + 1000

    with pytest.raises(DatabaseError, match="was not there to update"):
        PreparedUpdate(Card, ["reps"]).update(card)


def test_the_prepared_insert_gives_the_new_row_its_id_on_each_database(learner, make_question):
    first = answered(learner, make_question("single"), "b", "one").log
    second = copy.copy(first)
    second.pk, second.attempt = None, "two"

    PreparedInsert(ReviewLog).insert(second)

    assert second.pk != first.pk
    assert ReviewLog.objects.get(pk=second.pk).attempt == "two"


@pytest.mark.parametrize("model", [ReviewLog, Card])
def test_no_receiver_waits_for_a_save_the_answer_no_longer_sends(model):
    """The answer writes its log and card without `save()`: a receiver of their save signals would be skipped."""
    assert not pre_save.has_listeners(model)
    assert not post_save.has_listeners(model)
