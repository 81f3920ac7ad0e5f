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
from tutor.cohorts.completion_records import may_complete_an_assignment, record_learner_completions
from tutor.cohorts.item_tallies import count_first_attempt, rebuild_item_tallies
from tutor.cohorts.models import Cohort, Membership
from tutor.study.models import ReviewLog
from tutor.study.signals import answer_recorded, practice_test_finished

logger = logging.getLogger(__name__)


@receiver(answer_recorded, dispatch_uid="cohorts.completions_after_answer")
def completions_after_answer(
    *, learner_id: int, answered_at: dt.datetime, question_id: int, learner: User | None = None, **_: object
) -> None:
    if learner is not None and not may_complete_an_assignment(learner=learner, question_id=question_id):
        return
    _record_safely(learner_id, answered_at)


@receiver(answer_recorded, dispatch_uid="cohorts.item_tallies_after_answer")
def item_tallies_after_answer(*, log: ReviewLog | None = None, **_: object) -> None:
    if log is None:
        return
    try:
        count_first_attempt(log=log)
    except Exception:
        # The next change of members rebuilds the cohort's tallies from the ledger.
        logger.exception("could not count a first attempt for learner %s", log.learner_id)


@receiver(post_save, sender=Membership, dispatch_uid="cohorts.item_tallies_after_join")
def item_tallies_after_join(*, instance: Membership, created: bool, **_: object) -> None:
    if created:
        rebuild_item_tallies(cohort_ids=[instance.cohort_id])


@receiver(post_delete, sender=Membership, dispatch_uid="cohorts.item_tallies_after_leave")
def item_tallies_after_leave(*, instance: Membership, origin: object = None, **_: object) -> None:
    if isinstance(origin, Membership) or getattr(origin, "model", None) is Membership:
        rebuild_item_tallies(cohort_ids=[instance.cohort_id])
    else:
        # Part of a larger deletion (an account, a cohort): count again after the commit, if the cohort is left.
        transaction.on_commit(partial(_rebuild_if_cohort_exists, instance.cohort_id), robust=True)


def _rebuild_if_cohort_exists(cohort_id: int) -> None:
    if Cohort.objects.filter(pk=cohort_id).exists():
        rebuild_item_tallies(cohort_ids=[cohort_id])


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
