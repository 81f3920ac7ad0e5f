"""Cohorts listen to the study loop: an answer or a finished exam may complete an assignment, and the completion is
stored then, dated by the answer, never when someone happens to look at a page."""

from __future__ import annotations

import datetime as dt
import logging

from django.dispatch import receiver

from tutor.cohorts.services import record_learner_completions
from tutor.study.signals import answer_recorded, practice_test_finished

log = logging.getLogger(__name__)


@receiver(answer_recorded, dispatch_uid="cohorts.completions_after_answer")
def completions_after_answer(*, learner_id: int, answered_at: dt.datetime, **_: object) -> None:
    _record_safely(learner_id, answered_at)


@receiver(practice_test_finished, dispatch_uid="cohorts.completions_after_exam")
def completions_after_exam(*, learner_id: int, finished_at: dt.datetime, **_: object) -> None:
    _record_safely(learner_id, finished_at)


def _record_safely(learner_id: int, at: dt.datetime) -> None:
    # Runs after the answer has committed: a failure here must not turn a saved answer into an error page. The
    # next answer, or a change to the assignment, records the completion with its replayed date.
    try:
        record_learner_completions(learner_id=learner_id, at=at)
    except Exception:
        log.exception("could not record assignment completions for learner %s", learner_id)
