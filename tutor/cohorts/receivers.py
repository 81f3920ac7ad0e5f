"""Cohorts listen to the study loop: an answer or a finished exam may complete an assignment, and the completion is
stored then, dated by the answer, never when someone happens to look at a page."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tutor.accounts.models import User
from tutor.catalog.signals import question_bank_changed
from tutor.catalog.snapshot import forget_catalog
from tutor.cohorts import item_discrimination
from tutor.cohorts.completion_records import may_complete_an_assignment, record_learner_completions
from tutor.cohorts.item_tallies import (
    add_member_to_tallies,
    count_first_attempt,
    rebuild_item_tallies,
    remove_member_from_tallies,
)
from tutor.cohorts.models import Assignment, Cohort, Membership
from tutor.study.models import MemoryState, ReviewLog
from tutor.study.signals import answer_logged, answer_recorded, practice_test_finished

logger = logging.getLogger(__name__)


@receiver(answer_recorded, dispatch_uid="cohorts.completions_after_answer")
def completions_after_answer(
    *, learner_id: int, answered_at: dt.datetime, question_id: int, learner: User | None = None, **_: object
) -> None:
    if learner is not None and not may_complete_an_assignment(learner=learner, question_id=question_id):
        return
    _record_safely(learner_id, answered_at)


@receiver(answer_logged, dispatch_uid="cohorts.item_tallies_after_answer")
def item_tallies_after_answer(*, log: ReviewLog, **_: object) -> None:
    # In the answer's transaction: the attempt and its count commit together (see `tutor.cohorts.item_tallies`).
    count_first_attempt(log=log)


@receiver(answer_recorded, dispatch_uid="cohorts.discrimination_after_answer")
def discrimination_after_answer(*, log: ReviewLog | None = None, learner: User | None = None, **_: object) -> None:
    if log is None or log.state_before != MemoryState.NEW:
        return
    if learner is not None and not may_complete_an_assignment(learner=learner, question_id=log.question_id):
        return  # in no module assigned to the learner: no assignment's discrimination changes
    try:
        item_discrimination.after_first_attempt(learner_id=log.learner_id)
    except Exception:
        logger.exception("could not arrange a discrimination count after learner %s's answer", log.learner_id)


@receiver(post_save, sender=Membership, dispatch_uid="cohorts.item_tallies_after_join")
def item_tallies_after_join(*, instance: Membership, created: bool, **_: object) -> None:
    if created:
        add_member_to_tallies(cohort_id=instance.cohort_id, learner_id=instance.learner_id)
        item_discrimination.after_cohort_change(cohort_ids=[instance.cohort_id])


@receiver(post_delete, sender=Membership, dispatch_uid="cohorts.item_tallies_after_leave")
def item_tallies_after_leave(*, instance: Membership, origin: object = None, **_: object) -> None:
    if isinstance(origin, Membership) or getattr(origin, "model", None) is Membership:
        remove_member_from_tallies(cohort_id=instance.cohort_id, learner_id=instance.learner_id)
        item_discrimination.after_cohort_change(cohort_ids=[instance.cohort_id])
    else:
        # Part of a larger deletion (an account, a cohort): count again after the commit, if the cohort is left.
        transaction.on_commit(partial(_rebuild_if_cohort_exists, instance.cohort_id), robust=True)


def _rebuild_if_cohort_exists(cohort_id: int) -> None:
    if Cohort.objects.filter(pk=cohort_id).exists():
        rebuild_item_tallies(cohort_ids=[cohort_id])
        item_discrimination.after_cohort_change(cohort_ids=[cohort_id])


@receiver(post_save, sender=Assignment, dispatch_uid="cohorts.discrimination_after_assignment_saved")
def discrimination_after_assignment_saved(*, instance: Assignment, update_fields=None, **_: object) -> None:
    # Made, or perhaps given other modules: its questions, and so their discrimination, may differ.
    if update_fields is None or "module_slugs" in update_fields:
        item_discrimination.after_assignment_change(assignment_id=instance.pk)


@receiver(question_bank_changed, dispatch_uid="cohorts.discrimination_after_bank_changed")
def discrimination_after_bank_changed(**_: object) -> None:
    # After the load's commit: the catalog this process holds is read again before counting.
    forget_catalog()
    item_discrimination.after_bank_change()


@receiver(practice_test_finished, dispatch_uid="cohorts.completions_after_exam")
def completions_after_exam(*, learner_id: int, finished_at: dt.datetime, **_: object) -> None:
    _record_safely(learner_id, finished_at)


def _record_safely(learner_id: int, at: dt.datetime) -> None:
    # Runs after the answer has committed: a failure here must not turn a saved answer into an error page. The
    # next answer, or a change to the assignment, records the completion with its replayed date.
    try:
        record_learner_completions(learner_id=learner_id, at=at)
    except Exception:
        logger.exception("could not record assignment completions for learner %s", learner_id)
