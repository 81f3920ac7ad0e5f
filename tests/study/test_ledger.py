"""The review history is a ledger: dated in the order answers are applied, appended and never rewritten."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from tests.factories import UserFactory, fixed_clock
from tests.study.conftest import NOW
from tutor.accounts.services import delete_account
from tutor.catalog.snapshot import catalog
from tutor.study import services
from tutor.study.models import LEDGER_DELETE_TRIGGERS, Card, Rating, RatingChange, ReviewLog
from tutor.triggers import triggers_ignored

pytestmark = pytest.mark.django_db
MINUTE = dt.timedelta(minutes=1)


def answer(learner, question, choice, at, attempt):
    return services.record_answer(
        learner=learner,
        question=catalog().questions[question.pk],
        answer={"choice": choice},
        attempt=attempt,
        clock=fixed_clock(at),
    )


def test_an_answer_is_never_dated_before_the_cards_last_review(learner, make_question):
    """A clock that reads earlier than the last review (another server, a skewed clock) cannot rewind a card."""
    question = make_question("single")
    first = answer(learner, question, "b", NOW + 10 * MINUTE, "later-clock")
    second = answer(learner, question, "b", NOW, "earlier-clock")

    assert second.log.reviewed_at == first.log.reviewed_at
    assert second.log.elapsed_days == 0
    assert Card.objects.get().last_log_id == second.log.pk


def test_latest_is_what_was_applied_to_the_card_not_the_clock(learner, make_question):
    """Two answers dated the same second: only the one the card carries can be re-rated."""
    question = make_question("single")
    answer(learner, question, "b", NOW, "one")
    card = Card.objects.get()
    first = answer(learner, question, "b", card.due, "two")
    second = answer(learner, question, "b", card.due, "three")
    assert first.log.reviewed_at == second.log.reviewed_at

    with pytest.raises(services.StudyError, match="only the latest"):
        services.change_rating(learner=learner, log_id=first.log.pk, rating=Rating.EASY)
    rerated = services.change_rating(learner=learner, log_id=second.log.pk, rating=Rating.EASY)

    assert rerated.rating_in_force == Rating.EASY
    assert Card.objects.get().due == rerated.due_in_force


def test_feedback_offers_re_rating_only_on_the_answer_the_card_carries(logged_in, learner, make_question):
    question = make_question("single")
    answer(learner, question, "b", NOW, "one")
    card = Card.objects.get()
    older = answer(learner, question, "b", card.due, "two")
    newer = answer(learner, question, "b", card.due, "three")

    older_page = logged_in.get(reverse("study:study_feedback", args=[older.log.pk]))
    newer_page = logged_in.get(reverse("study:study_feedback", args=[newer.log.pk]))

    assert older_page.context["feedback"].can_rerate is False
    assert newer_page.context["feedback"].can_rerate is True


def test_a_rating_change_is_appended_and_the_answer_keeps_its_plan(learner, make_question):
    question = make_question("single")
    answer(learner, question, "b", NOW, "one")
    graduated = answer(learner, question, "b", Card.objects.get().due, "two")
    planned = (graduated.log.rating, graduated.log.due_after, graduated.log.stability_after)

    services.change_rating(learner=learner, log_id=graduated.log.pk, rating=Rating.EASY, clock=fixed_clock(NOW))
    services.change_rating(learner=learner, log_id=graduated.log.pk, rating=Rating.EASY)  # no change: no row

    kept = ReviewLog.objects.get(pk=graduated.log.pk)
    assert (kept.rating, kept.due_after, kept.stability_after) == planned
    change = RatingChange.objects.get()
    assert change.rating == Rating.EASY and change.changed_at >= kept.reviewed_at
    assert Card.objects.get().due == change.due_after


@pytest.mark.postgres
def test_the_database_refuses_to_rewrite_or_delete_review_logs(learner, make_question):
    if connection.vendor != "postgresql":
        pytest.skip("the ledger's triggers are PostgreSQL's")
    question = make_question("single")
    recorded = answer(learner, question, "b", NOW, "one")

    with pytest.raises(DatabaseError, match="Cannot update"), transaction.atomic():
        ReviewLog.objects.filter(pk=recorded.log.pk).update(rating=Rating.EASY)
    with pytest.raises(DatabaseError, match="Cannot delete"), transaction.atomic():
        ReviewLog.objects.filter(pk=recorded.log.pk).delete()

    delete_account(user=learner)  # the one way history goes
    assert not ReviewLog.objects.exists() and not Card.objects.exists()


@pytest.mark.postgres
def test_deleting_an_account_lets_the_ledger_go_and_leaves_statements_bound_and_prepared(learner, make_question):
    """Statements are bound on the server and prepared when run again; the ledger's triggers are set aside for an
    account's deletion over text-bound statements (the way `pgtrigger.ignore` works), and binding is restored."""
    if connection.vendor != "postgresql":
        pytest.skip("server-side binding and prepared statements are PostgreSQL's")
    from django.db.backends.postgresql.base import Cursor, ServerBindingCursor

    from tutor.accounts.models import User

    connection.ensure_connection()
    assert connection.connection.cursor_factory is ServerBindingCursor
    marker = UserFactory(username="prepared-marker")
    for _ in range(3):
        assert User.objects.filter(username="prepared-marker").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ["%accounts_user%"])
        assert any('"accounts_user"."username" = $' in row[0] for row in cursor.fetchall())

    question = make_question("single")
    answer(learner, question, "b", NOW, "one")
    answer(marker, question, "b", NOW, "two")
    with triggers_ignored(*LEDGER_DELETE_TRIGGERS):
        assert connection.connection.cursor_factory is Cursor
        ReviewLog.objects.filter(learner=learner).delete()
    assert connection.connection.cursor_factory is ServerBindingCursor
    assert not ReviewLog.objects.filter(learner=learner).exists()
    with pytest.raises(DatabaseError, match="Cannot delete"), transaction.atomic():
        ReviewLog.objects.filter(learner=marker).delete()  # the triggers are back
