"""The database keeps the study data true by itself: rules that hold whatever code writes the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from tests.factories import QuestionFactory, UserFactory
from tutor.study.models import Card, PracticeTest, ProblemReport

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_a_card_is_always_in_a_memory_state(learner):
    question = QuestionFactory()
    assert refused(lambda: Card.objects.create(learner=learner, question=question, state=0, due=NOW, created_at=NOW))
    assert refused(lambda: Card.objects.create(learner=learner, question=question, state=7, due=NOW, created_at=NOW))


def test_only_an_exam_has_a_time_limit(learner):
    def tutor_test_with_deadline():
        PracticeTest.objects.create(
            learner=learner, mode="tutor", pool="all", title="T", created_at=NOW, deadline=NOW, time_limit_minutes=5
        )

    assert refused(tutor_test_with_deadline)
    PracticeTest.objects.create(
        learner=learner, mode="exam", pool="all", title="E", created_at=NOW, deadline=NOW, time_limit_minutes=5
    )


def test_new_questions_per_day_are_bounded():
    assert refused(lambda: UserFactory(new_per_day=500))


def test_a_problem_report_has_its_author():
    question = QuestionFactory()
    assert refused(lambda: ProblemReport.objects.create(learner=None, question=question, question_revision=1, text="x"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="covering indexes are PostgreSQL's")
def test_the_first_attempts_index_carries_the_score_and_answer_so_their_readers_read_only_the_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'log_first_attempts'")
        (definition,) = cursor.fetchone()

    assert "(question_id, learner_id) INCLUDE (score, answer) WHERE (state_before = 0)" in definition


def test_how_others_first_answered_a_question_reads_only_columns_the_first_attempts_index_holds():
    """`peer_shares`'s query reads the question, the state before and the answer, and counts rows rather than ids:
    all of it is in the first-attempts index (its key, its condition and what it carries), so PostgreSQL can answer
    it from the index alone (a thousand first answers read from a thousand pages of the log took 28 ms). Whether the
    planner does depends on the table's statistics; that the index is enough does not."""
    import re

    from tutor.study.models import ReviewLog
    from tutor.study.selectors import first_answer_counts

    sql = str(first_answer_counts(question_id=1).query)
    table = ReviewLog._meta.db_table
    read = set(re.findall(rf'"{table}"\."(\w+)"', sql)) or set(re.findall(rf"{table}\.(\w+)", sql))
    index = next(i for i in ReviewLog._meta.indexes if i.name == "log_first_attempts")
    held = {ReviewLog._meta.get_field(name).column for name in [*index.fields, *index.include]} | {"state_before"}

    assert read == {"question_id", "state_before", "answer"}
    assert read <= held
