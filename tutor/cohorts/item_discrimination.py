"""Counting each assignment's discrimination indices away from the item analysis page.

A question's discrimination needs every member's total over the assignment, so it cannot be kept by adding one
answer to a tally as the options' shares are. Instead, whatever changes it (a member's first attempt, a change of
members, of the assignment's modules, or of the question bank) marks the assignment's count `behind` and arranges a
new count:

- with a task worker (TASKS=database), one `count_item_discrimination` task per assignment (defined here, run by
  `manage.py db_worker`), queued after the commit and only when the count was not already behind, so a busy
  cohort queues one count at a time, not one per answer; a count arranged by an answer waits 30 seconds, so
  that a class answering together is counted together;
- without one (a developer's machine, the tests), the count is made at once, in the same process.

The page reads the stored values and says when they were counted and whether newer answers are still to be counted.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from django.db import connection, transaction
from django.tasks import task, task_backends
from django.tasks.backends.dummy import DummyBackend
from django.utils import timezone

from tutor.catalog.snapshot import CatalogSnapshot, catalog
from tutor.cohorts.models import Assignment, DiscriminationCount, ItemDiscrimination, Membership
from tutor.cohorts.selectors.access import member_ids
from tutor.cohorts.selectors.statuses import assignment_questions
from tutor.study.item_statistics import discrimination_by_question
from tutor.study.models import MemoryState, ReviewLog
from tutor.study.prepared import EpochMicroseconds, PreparedQuery, moment_of

logger = logging.getLogger(__name__)

# With a worker, a count arranged by an answer waits this long, so that the answers of a class studying together
# are counted together; a change of members, modules or questions is counted at once.
ANSWERS_GATHERED_FOR = dt.timedelta(seconds=30)


@dataclass(frozen=True)
class CountedDiscrimination:
    """An assignment's discrimination indices as last counted, with when, and whether they are behind."""

    values: dict[int, float] = field(default_factory=dict)
    counted_at: dt.datetime | None = None
    behind: bool = False

    @property
    def never_counted(self) -> bool:
        return self.counted_at is None


def counted_discrimination(assignment: Assignment) -> CountedDiscrimination:
    """What the item analysis page shows: the stored indices, when they were counted and whether they are behind,
    in one query."""
    rows = COUNTED.rows(assignment_id=assignment.pk)
    values = {question_id: value for _, _, question_id, value in rows if question_id is not None}
    if not rows or rows[0][0] is None:
        return CountedDiscrimination(behind=bool(rows) and bool(rows[0][1]))
    return CountedDiscrimination(values, moment_of(rows[0][0]), bool(rows[0][1]))


# Read on every view of the item analysis page: compiled once (see `tutor.study.prepared`).
COUNTED = PreparedQuery(
    lambda assignment_id: (
        DiscriminationCount.objects.filter(assignment_id=assignment_id)
        .annotate(counted_us=EpochMicroseconds("counted_at"))
        .values_list(
            "counted_us",
            "behind",
            "assignment__item_discriminations__question_id",
            "assignment__item_discriminations__value",
        )
    ),
    "assignment_id",
)


def count_discrimination(*, assignment_id: int, snapshot: CatalogSnapshot | None = None) -> bool:
    """Count one assignment's indices from its members' first attempts and store them; False if it is gone.

    The count is first marked current, in its own short transaction, so that an answer arriving while it counts
    marks it behind again and arranges the next count: nothing is missed, and no learner waits on this one.
    """
    snapshot = snapshot or catalog()
    assignment = Assignment.objects.filter(pk=assignment_id).first()
    if assignment is None:
        return False
    with transaction.atomic():
        DiscriminationCount.objects.update_or_create(assignment=assignment, defaults={"behind": False})
    question_ids = [q.id for q in assignment_questions(assignment, snapshot)]
    rows = (
        ReviewLog.objects.filter(
            learner_id__in=member_ids(assignment.cohort_id),
            question_id__in=question_ids,
            state_before=MemoryState.NEW,
        )
        .values_list("learner_id", "question_id", "score")
        .order_by("reviewed_at", "id")
    )
    try:
        values = discrimination_by_question(rows, question_ids)
    except Exception:
        DiscriminationCount.objects.filter(assignment=assignment).update(behind=True)
        raise
    with transaction.atomic():
        ItemDiscrimination.objects.filter(assignment=assignment).delete()
        ItemDiscrimination.objects.bulk_create(
            ItemDiscrimination(assignment=assignment, question_id=question_id, value=value)
            for question_id, value in values.items()
        )
        DiscriminationCount.objects.filter(assignment=assignment).update(counted_at=timezone.now())
    return True


def _mark_behind_sql(where: str) -> str:
    counts = connection.ops.quote_name(DiscriminationCount._meta.db_table)
    assignments = connection.ops.quote_name(Assignment._meta.db_table)
    return (
        f"INSERT INTO {counts} (assignment_id, counted_at, behind) "
        f"SELECT a.id, NULL, %s FROM {assignments} a WHERE {where} "
        f"ON CONFLICT (assignment_id) DO UPDATE SET behind = %s WHERE {counts}.behind = %s RETURNING assignment_id"
    )


def _newly_behind(where: str, params: list) -> list[int]:
    """Mark the matching assignments' counts behind (creating them if need be); the ids of those that were not."""
    with connection.cursor() as cursor:
        cursor.execute(_mark_behind_sql(where), [True, *params, True, False])
        return [row[0] for row in cursor.fetchall()]


def after_first_attempt(*, learner_id: int) -> None:
    """A member's first attempt changes the discrimination of their cohorts' assignments: one statement, and a
    count arranged for those not already waiting for one."""
    members = connection.ops.quote_name(Membership._meta.db_table)
    arrange_counts(
        _newly_behind(f"a.cohort_id IN (SELECT m.cohort_id FROM {members} m WHERE m.learner_id = %s)", [learner_id]),
        after=ANSWERS_GATHERED_FOR,
    )


def after_cohort_change(*, cohort_ids: Iterable[int]) -> None:
    """Members joined or left: every assignment of the cohorts is counted again."""
    cohort_ids = list(cohort_ids)
    if cohort_ids:
        arrange_counts(_newly_behind(f"a.cohort_id IN ({', '.join(['%s'] * len(cohort_ids))})", cohort_ids))


def after_assignment_change(*, assignment_id: int) -> None:
    """An assignment was made or its modules changed: it is counted again."""
    arrange_counts(_newly_behind("a.id = %s", [assignment_id]))


def after_bank_change() -> None:
    """The question bank changed (questions added, retired or moved): every assignment is counted again."""
    arrange_counts(_newly_behind("1 = 1", []))


@task()
def count_item_discrimination(assignment_id: int) -> bool:
    """The worker's task (TASKS=database): count one assignment's indices; False when it has been deleted since."""
    return count_discrimination(assignment_id=assignment_id)


def arrange_counts(assignment_ids: Iterable[int], *, after: dt.timedelta | None = None) -> None:
    """Count now, in this process, when no task worker runs; otherwise queue a task for each after the commit, to
    run `after` that long (the answers of a class at work are then counted together, not one count per answer)."""
    assignment_ids = sorted(set(assignment_ids))
    if not assignment_ids:
        return
    if isinstance(task_backends[count_item_discrimination.backend], DummyBackend):
        for assignment_id in assignment_ids:
            _count_safely(assignment_id)
    else:
        queued = (
            count_item_discrimination.using(run_after=timezone.now() + after) if after else count_item_discrimination
        )
        for assignment_id in assignment_ids:
            transaction.on_commit(partial(queued.enqueue, assignment_id), robust=True)


def _count_safely(assignment_id: int) -> None:
    # A failed count must not undo the answer or the change that arranged it: the count stays behind, and the page
    # says so, until the next change counts again.
    try:
        with transaction.atomic():
            count_discrimination(assignment_id=assignment_id)
    except Exception:
        logger.exception("could not count the discrimination of assignment %s", assignment_id)
