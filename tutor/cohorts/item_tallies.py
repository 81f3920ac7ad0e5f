"""Keeping `ItemAnswerTally` in step with the members' first attempts.

A first attempt adds itself to the tally of each of the learner's cohorts in one statement, inside the answer's own
transaction, so the answer and its count commit together or not at all. A learner who joins adds their first
attempts to the cohort's rows, and one who leaves takes theirs away: a few dozen rows, however large the cohort
(rebuilding the cohort's rows from every member's attempts on each join made filling a 500-learner cohort cost in
proportion to the square of its size). Changes of many members at once (an import, an account deletion) rebuild the
cohort's rows, as `manage.py rebuild_item_tallies` does to mend them. The item analysis page only reads.

A join and a first attempt committing at the same moment must be counted once, not twice and not never. Counted after
the answer's commit, the attempt could be added by the join (which read it) and again by the answer (which saw the
new membership), or by neither (each reading before the other committed). On PostgreSQL both therefore take the
learner's lock first, the lock the idea tallies' triggers take (`LEARNER_LOCK`): the membership's trigger when the
row is written, the attempt in `cohorts_count_first_attempt` before its upsert, which then reads the memberships in a
statement of its own and so sees a join committed while it waited. SQLite runs one writing transaction at a time.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, F, Q, Sum

from tutor.cohorts.idea_tallies import LEARNER_LOCK
from tutor.cohorts.models import ItemAnswerTally, Membership
from tutor.study.models import MemoryState, ReviewLog


def canonical_answer(answer) -> str:
    """One text per answer, whatever the order of its keys, so that identical answers are counted together."""
    return json.dumps(answer, sort_keys=True, separators=(",", ":"))


TALLY = "cohorts_itemanswertally"
MEMBERS = "cohorts_membership"

# The learner's cohorts in the order of their ids, so that two first attempts at the same answer lock the rows they
# share in the same order and cannot deadlock.
_UPSERT = (
    f"INSERT INTO {TALLY} (cohort_id, question_id, answer, attempts, correct, score_sum) "
    f"SELECT m.cohort_id, {{question}}, {{answer}}, 1, {{correct}}, {{score}} FROM {MEMBERS} m "
    f"WHERE m.learner_id = {{learner}} ORDER BY m.cohort_id "
    f"ON CONFLICT (cohort_id, question_id, answer) DO UPDATE SET attempts = {TALLY}.attempts + 1, "
    f"correct = {TALLY}.correct + excluded.correct, score_sum = {TALLY}.score_sum + excluded.score_sum"
)

_FUNCTION_UPSERT = _UPSERT.format(
    question="p_question", answer="p_answer", correct="p_correct", score="p_score", learner="p_learner"
)
POSTGRESQL_INSTALL = f"""
CREATE OR REPLACE FUNCTION cohorts_count_first_attempt(
    p_question bigint, p_answer text, p_correct integer, p_score double precision, p_learner bigint
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({LEARNER_LOCK}, mod(p_learner, 2147483647)::integer);
    {_FUNCTION_UPSERT};
END
$$;
"""
POSTGRESQL_REMOVE = (
    "DROP FUNCTION IF EXISTS cohorts_count_first_attempt(bigint, text, integer, double precision, bigint);"
)

_COUNT = {
    "postgresql": "SELECT cohorts_count_first_attempt(%s::bigint, %s::text, %s::integer, %s::float8, %s::bigint)",
    "sqlite": _UPSERT.format(question="%s", answer="%s", correct="%s", score="%s", learner="%s"),
}


def install_count_function(schema_editor) -> None:
    """Create `cohorts_count_first_attempt` (PostgreSQL; SQLite sends the upsert as it is)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_INSTALL)


def remove_count_function(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REMOVE)


def count_first_attempt(*, log: ReviewLog) -> None:
    """Add a first attempt to the tallies of the learner's cohorts, in the answer's transaction: one statement,
    none for a later answer."""
    if log.state_before != MemoryState.NEW:
        return
    params = [log.question_id, canonical_answer(log.answer), int(log.correct), float(log.score), log.learner_id]
    with connection.cursor() as cursor:
        cursor.execute(_COUNT[connection.vendor], params)


def member_first_attempts(learner_id: int) -> dict[tuple[int, str], list]:
    """One learner's first attempts, grouped as the tallies group them: (question id, canonical answer) ->
    [attempts, right, summed score]."""
    grouped: dict[tuple[int, str], list] = defaultdict(lambda: [0, 0, 0.0])
    rows = ReviewLog.objects.filter(learner_id=learner_id, state_before=MemoryState.NEW).values_list(
        "question_id", "answer", "correct", "score"
    )
    for question_id, answer, correct, score in rows:
        counts = grouped[(question_id, canonical_answer(answer))]
        counts[0] += 1
        counts[1] += int(correct)
        counts[2] += score or 0.0
    return grouped


def add_member_to_tallies(*, cohort_id: int, learner_id: int) -> int:
    """A learner joined: add their first attempts to the cohort's tallies. Returns the rows touched."""
    return _member_moves(cohort_id=cohort_id, learner_id=learner_id, joined=True)


def remove_member_from_tallies(*, cohort_id: int, learner_id: int) -> int:
    """A learner left: take their first attempts out of the cohort's tallies, and drop the answers no member gave
    any longer. Returns the rows touched."""
    return _member_moves(cohort_id=cohort_id, learner_id=learner_id, joined=False)


def _member_moves(*, cohort_id: int, learner_id: int, joined: bool) -> int:
    grouped = member_first_attempts(learner_id)
    if not grouped:
        return 0
    if joined:
        sql = (
            f"INSERT INTO {TALLY} (cohort_id, question_id, answer, attempts, correct, score_sum) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (cohort_id, question_id, answer) DO UPDATE SET "
            f"attempts = {TALLY}.attempts + excluded.attempts, correct = {TALLY}.correct + excluded.correct, "
            f"score_sum = {TALLY}.score_sum + excluded.score_sum"
        )
        params = [(cohort_id, q, answer, n, right, score) for (q, answer), (n, right, score) in sorted(grouped.items())]
    else:
        # Never below zero, should the tallies ever have drifted.
        sql = (
            f"UPDATE {TALLY} SET attempts = CASE WHEN attempts > %s THEN attempts - %s ELSE 0 END, "
            "correct = CASE WHEN correct > %s THEN correct - %s ELSE 0 END, score_sum = score_sum - %s "
            "WHERE cohort_id = %s AND question_id = %s AND answer = %s"
        )
        params = [(n, n, r, r, score, cohort_id, q, answer) for (q, answer), (n, r, score) in sorted(grouped.items())]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    if not joined:
        ItemAnswerTally.objects.filter(cohort_id=cohort_id, attempts=0).delete()
    return len(grouped)


def rebuild_item_tallies(*, cohort_ids: Iterable[int], tally=ItemAnswerTally, review_log=ReviewLog) -> int:
    """Recount the cohorts' tallies from their current members' first attempts (read through the partial index
    on first attempts); returns the rows written. A data migration passes its historical models."""
    cohort_ids = list(cohort_ids)
    tally.objects.filter(cohort_id__in=cohort_ids).delete()
    rows = (
        review_log.objects.filter(state_before=MemoryState.NEW, learner__cohort_memberships__cohort_id__in=cohort_ids)
        .values("question_id", "answer", cohort=F("learner__cohort_memberships__cohort_id"))
        .annotate(attempts=Count("id"), correct_count=Count("id", filter=Q(correct=True)), score_sum=Sum("score"))
        .order_by()
    )
    merged: dict[tuple[int, int, str], list] = defaultdict(lambda: [0, 0, 0.0])
    for row in rows:
        counts = merged[(row["cohort"], row["question_id"], canonical_answer(row["answer"]))]
        counts[0] += row["attempts"]
        counts[1] += row["correct_count"]
        counts[2] += row["score_sum"] or 0.0
    tally.objects.bulk_create(
        [
            tally(cohort_id=cohort, question_id=question, answer=answer, attempts=n, correct=right, score_sum=score)
            for (cohort, question, answer), (n, right, score) in merged.items()
        ],
        batch_size=2000,
    )
    return len(merged)


def rebuild_tallies_of_learners(*, learner_ids: Iterable[int]) -> int:
    """Rebuild the tallies of every cohort the learners belong to (after their answers were written in bulk), and
    count their assignments' discrimination again."""
    from tutor.cohorts.item_discrimination import after_cohort_change

    cohort_ids = set(Membership.objects.filter(learner_id__in=list(learner_ids)).values_list("cohort_id", flat=True))
    if not cohort_ids:
        return 0
    written = rebuild_item_tallies(cohort_ids=cohort_ids)
    after_cohort_change(cohort_ids=cohort_ids)
    return written
