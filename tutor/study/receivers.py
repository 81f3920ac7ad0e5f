"""The study app listens to the catalog (evidence changes) and to its own answers (misconceptions), after the
transaction that caused each has committed."""

from __future__ import annotations

import datetime as dt
import logging

from django.dispatch import receiver
from django.utils import timezone

from tutor.catalog.signals import evidence_changed
from tutor.study.evidence_updates import requeue_after_evidence_change
from tutor.study.misconceptions import record_misconceptions_of_answer
from tutor.study.signals import answer_recorded

log = logging.getLogger(__name__)


@receiver(evidence_changed, dispatch_uid="study.requeue_after_evidence_change")
def requeue_changed_questions(*, changes: list[tuple[int, int, str]], **_: object) -> None:
    requeue_after_evidence_change(changes=changes, now=timezone.now())


@receiver(answer_recorded, dispatch_uid="study.misconceptions_after_answer")
def misconceptions_after_answer(
    *,
    learner_id: int,
    question_id: int,
    answered_at: dt.datetime,
    log_id: int | None = None,
    question_revision: int | None = None,
    answer: dict | None = None,
    held_targeted: bool | None = None,
    **_: object,
) -> None:
    # Runs after the answer has committed: a failure here must not turn a saved answer into an error page.
    try:
        record_misconceptions_of_answer(
            learner_id=learner_id,
            question_id=question_id,
            answered_at=answered_at,
            log_id=log_id,
            logged=(question_revision, answer) if answer is not None else None,
            held_targeted=held_targeted,
        )
    except Exception:
        log.exception("could not record misconceptions for learner %s", learner_id)
