"""Reactions to other apps' signals. Connected in InteropConfig.ready."""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django.dispatch import receiver
from django.tasks import task_backends
from django.tasks.backends.dummy import DummyBackend

from tutor.cohorts.signals import assignment_completed
from tutor.interop import services
from tutor.interop.tasks import send_owed_grades

logger = logging.getLogger(__name__)


@receiver(assignment_completed, dispatch_uid="interop_grade_passback")
def pass_grade_back(sender, *, learner, assignment, completed_at, score, **kwargs) -> None:
    """Owe the grade in the completion's transaction; send it (and any earlier failures) once that commits.

    Never raises: a learner's answer must not fail because an LMS is down. Unsent grades stay for the next
    completion or `manage.py lti_resend_grades`.
    """
    try:
        grade_ids = services.owe_grades(learner=learner, assignment=assignment, completed_at=completed_at, score=score)
    except Exception:
        logger.exception("Could not record the LTI grade of %s for assignment %s", learner.pk, assignment.pk)
        return
    if grade_ids:
        transaction.on_commit(partial(_send_after_commit, grade_ids), robust=True)


def _send_after_commit(grade_ids: list[int]) -> None:
    """Everything unsent goes, not only these: earlier failures are retried too. With a task worker (TASKS=database)
    the sending leaves the learner's request for the worker; without one (a developer's machine) it happens here,
    after the answer has been saved, and a failure is kept for `lti_resend_grades`."""
    if isinstance(task_backends[send_owed_grades.backend], DummyBackend):
        services.send_owed_grades()
    else:
        send_owed_grades.enqueue()
