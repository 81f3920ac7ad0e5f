"""Background tasks of the study app (Django's tasks framework): refitting the scheduler's parameters.

Enqueued by `manage.py refit_schedulers --enqueue` (weekly, from cron) and run by `manage.py db_worker` when
TASKS=database; never enqueued or run by a web request (docs/scheduler.md).
"""

from __future__ import annotations

from django.tasks import task

from tutor.accounts.models import User
from tutor.study.scheduler_fits import refit_everyone, refit_learner


@task()
def refit_scheduler(learner_id: int) -> int | None:
    """Refit one learner's parameters; returns the id of the recorded fit, if one was made."""
    learner = User.objects.filter(pk=learner_id).first()
    fit = refit_learner(learner=learner) if learner else None
    return fit.pk if fit else None


@task()
def refit_all_schedulers() -> int:
    """Refit the site-wide set and every learner's; returns how many fits were recorded."""
    site, personal = refit_everyone()
    return len(personal) + (1 if site else 0)
