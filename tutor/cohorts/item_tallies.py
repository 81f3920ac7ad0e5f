"""Keeping `ItemAnswerTally` in step with the members' first attempts.

A first attempt adds itself to the tally of each of the learner's cohorts in one statement, after the answer has
committed; a change of members (join, leave, import, account deletion) rebuilds that cohort's rows. The item
analysis page only reads.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, F, Q, Sum

from tutor.cohorts.models import ItemAnswerTally, Membership
from tutor.study.models import MemoryState, ReviewLog


def canonical_answer(answer) -> str:
    """One text per answer, whatever the order of its keys, so that identical answers are counted together."""
    return json.dumps(answer, sort_keys=True, separators=(",", ":"))


def _upsert_sql() -> str:
    table = connection.ops.quote_name(ItemAnswerTally._meta.db_table)
    members = connection.ops.quote_name(Membership._meta.db_table)
    return (
        f"INSERT INTO {table} (cohort_id, question_id, answer, attempts, correct, score_sum) "
        f"SELECT m.cohort_id, %s, %s, 1, %s, %s FROM {members} m WHERE m.learner_id = %s "
        f"ON CONFLICT (cohort_id, question_id, answer) DO UPDATE SET attempts = {table}.attempts + 1, "
        f"correct = {table}.correct + excluded.correct, score_sum = {table}.score_sum + excluded.score_sum"
    )


def count_first_attempt(*, log: ReviewLog) -> None:
    """Add a first attempt to the tallies of the learner's cohorts: one statement, none for a later answer."""
    if log.state_before != MemoryState.NEW:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _upsert_sql(),
            [log.question_id, canonical_answer(log.answer), int(log.correct), float(log.score), log.learner_id],
        )


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
