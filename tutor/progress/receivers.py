"""Progress listens to the study loop (each answer adds itself to the learner's study day, in the answer's own
transaction, so the dashboard never reads the whole ledger) and to the catalog (questions that move to another
module are recounted in the answer tallies)."""

from __future__ import annotations

import datetime as dt

from django.dispatch import receiver

from tutor.catalog.signals import questions_moved
from tutor.progress.answer_tallies import recount_answer_tallies
from tutor.progress.rollups import count_answer_in_study_day
from tutor.study.models import ReviewLog
from tutor.study.signals import answer_logged


@receiver(answer_logged, dispatch_uid="progress.study_day_after_answer")
def study_day_after_answer(*, log: ReviewLog, zone: dt.tzinfo, **_: object) -> None:
    count_answer_in_study_day(log=log, zone=zone)


@receiver(questions_moved, dispatch_uid="progress.recount_tallies_after_questions_moved")
def recount_tallies_after_questions_moved(*, module_ids: frozenset[int], **_: object) -> None:
    recount_answer_tallies(module_ids=module_ids)
