"""Queries compiled once and run as SQL, and moments read as whole microseconds: the same answers as the ORM, on
SQLite and on PostgreSQL, to the microsecond."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from tests.factories import UserFactory
from tests.study.conftest import NOW
from tests.study.test_queue import make_card
from tutor.catalog.models import Question
from tutor.catalog.snapshot import catalog
from tutor.study.models import Card, LearnerMisconception
from tutor.study.prepared import (
    EpochMicroseconds,
    PreparedQuery,
    microseconds_since_epoch,
    moment_of,
)
from tutor.study.selectors import STUDY_CARDS_AND_HELD_IDEAS, study_queue

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "moment",
    [
        NOW,
        NOW + dt.timedelta(microseconds=1),
        NOW + dt.timedelta(microseconds=999_999),
        dt.datetime(1999, 12, 31, 23, 59, 59, 123456, tzinfo=dt.UTC),
        dt.datetime(2038, 1, 19, 3, 14, 8, 500000, tzinfo=dt.UTC),
        dt.datetime(2038, 1, 19, 3, 14, 7, 999999, tzinfo=dt.UTC),
        dt.datetime(1901, 12, 13, 20, 45, 52, 1, tzinfo=dt.UTC),
        dt.datetime(2106, 2, 7, 6, 28, 14, 999999, tzinfo=dt.UTC),
    ],
)
def test_a_stored_moment_reads_back_as_the_exact_microseconds(learner, make_question, moment):
    card = make_card(learner, make_question(), due=moment)
    card.refresh_from_db()

    (read,) = Card.objects.filter(pk=card.pk).values_list(EpochMicroseconds("due"), flat=True)

    assert read == microseconds_since_epoch(moment)
    assert moment_of(read) == moment


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the double-precision read is PostgreSQL's")
def test_every_microsecond_of_the_years_cards_are_due_in_reads_back_exactly():
    """A million moments spread from 1834 to 2106, each compared with EXTRACT's exact numeric."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FILTER (WHERE (date_part('epoch', t) * 1000000)::bigint
                                          <> (EXTRACT(EPOCH FROM t) * 1000000)::bigint)
            FROM (SELECT to_timestamp(0) + (n::float8 * 8589.9345 - 4294967295) * interval '1 second'
                         + (n % 1000000) * interval '1 microsecond' AS t
                  FROM generate_series(0, 999999) AS n) AS moments
            """
        )
        assert cursor.fetchone() == (0,)


def test_a_missing_moment_reads_as_none(learner, make_question):
    card = make_card(learner, make_question(), due=NOW)
    assert Card.objects.filter(pk=card.pk).values_list(EpochMicroseconds("updated_at"), flat=True).get() is None


def test_moments_in_another_time_zone_read_as_the_same_instant(learner, make_question):
    zone = dt.timezone(dt.timedelta(hours=-5))
    moment = dt.datetime(2026, 11, 24, 4, 0, 0, 250, tzinfo=zone)
    card = make_card(learner, make_question(), due=moment)
    assert Card.objects.filter(pk=card.pk).values_list(EpochMicroseconds("due"), flat=True).get() == (
        microseconds_since_epoch(moment.astimezone(dt.UTC))
    )


def test_a_prepared_query_gives_each_learner_the_rows_the_orm_gives(make_question):
    first, second = UserFactory(), UserFactory()
    questions = [make_question() for _ in range(3)]
    for index, question in enumerate(questions):
        make_card(first, question, due=NOW + dt.timedelta(days=index))
    make_card(second, questions[0], due=NOW - dt.timedelta(hours=5))
    builds = []

    def cards_of(learner_id):
        builds.append(learner_id)
        return Card.objects.filter(learner_id=learner_id).order_by("question_id").values_list("question_id", "reps")

    prepared = PreparedQuery(cards_of, "learner_id")

    assert prepared.rows(learner_id=first.pk) == list(cards_of(first.pk))
    assert prepared.rows(learner_id=second.pk) == [(questions[0].pk, 2)]
    assert prepared.rows(learner_id=UserFactory().pk) == []
    assert len([value for value in builds if value < 0]) == 1  # built once, with stand-ins, for all three runs


def test_a_prepared_query_can_give_model_instances_with_their_fields_converted(learner, make_question):
    question = make_question()
    make_card(learner, question, due=NOW)
    prepared = PreparedQuery(
        lambda learner_id, question_id: Card.objects.filter(learner_id=learner_id, question_id=question_id),
        *(
            "learner_id",
            "question_id",
        ),
    )

    (card,) = prepared.objects(learner_id=learner.pk, question_id=question.pk)

    assert isinstance(card, Card)
    assert card.due == NOW
    assert prepared.objects(learner_id=learner.pk, question_id=question.pk + 1000) == []


def test_prepared_instances_are_what_the_queryset_gives_related_objects_and_annotations_included(
    learner, make_question, django_assert_num_queries
):
    from django.db.models import F

    question = make_question()
    make_card(learner, question, due=NOW)
    build = lambda learner_id: (  # noqa: E731
        Card.objects.filter(learner_id=learner_id).select_related("learner").annotate(steps=F("reps") + 1)
    )
    prepared = PreparedQuery(build, "learner_id")
    (expected,) = build(learner.pk)

    with django_assert_num_queries(1):
        (card,) = prepared.instances(learner_id=learner.pk)
        # The related user came with the card, its fields converted as the ORM converts them.
        assert (card.learner.username, card.learner.date_joined, card.learner.is_active) == (
            learner.username,
            expected.learner.date_joined,
            True,
        )

    assert isinstance(card, Card) and card.pk == expected.pk
    assert {f.attname: getattr(card, f.attname) for f in Card._meta.concrete_fields} == {
        f.attname: getattr(expected, f.attname) for f in Card._meta.concrete_fields
    }
    assert card.due == NOW and card.steps == expected.steps
    assert prepared.instances(learner_id=learner.pk + 1000) == []
    with pytest.raises(TypeError, match="model instances"):
        PreparedQuery(
            lambda learner_id: Card.objects.filter(learner_id=learner_id).values_list("id"), "learner_id"
        ).instances(learner_id=learner.pk)


@pytest.mark.parametrize("huge", [2**63, -(2**63) - 1, 10**40])
def test_an_id_no_column_can_hold_matches_nothing_rather_than_failing(learner, make_question, huge):
    make_card(learner, make_question(), due=NOW)
    prepared = PreparedQuery(lambda learner_id: Card.objects.filter(learner_id=learner_id), "learner_id")

    assert prepared.rows(learner_id=huge) == [] and prepared.instances(learner_id=huge) == []
    assert prepared.objects(learner_id=huge) == []
    assert len(prepared.instances(learner_id=learner.pk)) == 1


def test_a_value_that_does_not_reach_the_sql_as_a_parameter_is_refused():
    ignores_its_value = PreparedQuery(lambda learner_id: Card.objects.filter(reps=2), "learner_id")
    with pytest.raises(ValueError, match="learner_id"):
        ignores_its_value.rows(learner_id=1)


def test_a_prepared_query_asks_for_exactly_its_values():
    prepared = PreparedQuery(lambda learner_id: Card.objects.filter(learner_id=learner_id), "learner_id")
    with pytest.raises(TypeError, match="learner_id"):
        prepared.rows(learner=1)


def test_a_card_due_to_the_microsecond_is_due_and_one_a_microsecond_later_is_not(learner, make_question):
    due_now, due_later = make_question(), make_question()
    make_card(learner, due_now, due=NOW)
    make_card(learner, due_later, due=NOW + dt.timedelta(microseconds=1))

    queue = study_queue(learner=learner, snapshot=catalog(), now=NOW)

    assert queue.due_question_ids == (due_now.pk,)
    assert queue.next_due_at == NOW + dt.timedelta(microseconds=1)


def test_one_of_many_ids_finds_what_in_finds_with_one_parameter(make_question):
    from django.db import connection
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext

    from tutor.study.prepared import OneOf

    learners = [UserFactory() for _ in range(5)]
    question = make_question()
    for learner in learners:
        make_card(learner, question, due=NOW)
    wanted = [learners[0].pk, learners[3].pk, 10_000_000]

    with CaptureQueriesContext(connection) as queries:
        found = set(Card.objects.filter(OneOf(F("learner_id"), wanted)).values_list("learner_id", flat=True))

    assert found == set(Card.objects.filter(learner_id__in=wanted).values_list("learner_id", flat=True))
    assert found == {learners[0].pk, learners[3].pk}
    assert list(Card.objects.filter(OneOf(F("learner_id"), []))) == []
    if connection.vendor == "postgresql":
        assert "= ANY(" in queries.captured_queries[0]["sql"]


def test_a_list_of_ids_is_one_value_of_a_prepared_query(make_question):
    from django.db.models import F

    from tutor.study.prepared import OneOf, PreparedQuery

    learners = [UserFactory() for _ in range(4)]
    question = make_question()
    for learner in learners:
        make_card(learner, question, due=NOW)
    cards_of = PreparedQuery(
        lambda learner_ids, question_id: (
            Card.objects.filter(OneOf(F("learner_id"), learner_ids))
            .filter(question_id=question_id)
            .values_list("learner_id", flat=True)
        ),
        "learner_ids",
        "question_id",
        lists=("learner_ids",),
    )

    def found(ids):
        return {row[0] for row in cards_of.rows(learner_ids=ids, question_id=question.pk)}

    assert found([learners[0].pk, learners[2].pk]) == {learners[0].pk, learners[2].pk}
    assert found([learners[1].pk, *range(10_000_000, 10_000_600)]) == {learners[1].pk}  # many ids, one parameter
    assert found([]) == set()
    _sql, params, _, _ = cards_of.compiled()
    assert len(params) == 2


def test_the_study_read_gives_every_number_note_and_idea_exactly_as_stored(learner, make_question):
    """The card read as the study page runs it (in PostgreSQL's binary format there): stabilities to the last bit,
    missing values as None, moments to the microsecond, a note with any characters, and the ideas held."""
    stored = {
        make_question().pk: 1 / 3,
        make_question().pk: 123456.78901234567,
        make_question().pk: None,
    }
    for question_id, stability in stored.items():
        card = make_card(learner, Question.objects.get(pk=question_id), due=NOW, stability=stability or 5.0)
        if stability is None:
            Card.objects.filter(pk=card.pk).update(stability=None, last_review=None)
    noted = Card.objects.get(question_id=next(iter(stored)))
    Card.objects.filter(pk=noted.pk).update(update_note="Dose: 80 to 120 mg → « revised »", updated_at=NOW)
    LearnerMisconception.objects.create(
        learner=learner, slug="mdma-is-an-ssri", times_chosen=2, first_chosen_at=NOW, last_chosen_at=NOW
    )

    rows = STUDY_CARDS_AND_HELD_IDEAS.rows(learner_id=learner.pk)

    def us(moment):
        return microseconds_since_epoch(moment) if moment is not None else None

    cards = sorted(row for row in rows if row[0] is not None)
    assert cards == sorted(
        (
            card.question_id,
            *(us(card.due), us(card.created_at), us(card.last_review)),
            *(card.stability, us(card.updated_at), card.update_note),
        )
        for card in Card.objects.filter(learner=learner)
    )
    assert {row[4] for row in cards} == {1 / 3, 123456.78901234567, None}
    assert [row[-1] for row in rows if row[0] is None] == ["mdma-is-an-ssri"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the binary format is PostgreSQL's")
def test_prepared_rows_are_read_in_postgresqls_binary_format(learner, make_question):
    make_card(learner, make_question(), due=NOW)
    formats = []

    def note_format(execute, sql, params, many, context):
        formats.append(context["cursor"].cursor.format)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note_format):
        rows = STUDY_CARDS_AND_HELD_IDEAS.rows(learner_id=learner.pk)

    from psycopg.pq import Format

    assert formats == [Format.BINARY]
    assert len(rows) == 1
