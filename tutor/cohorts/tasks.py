"""Background work of the cohorts app (Django's tasks framework): counting assignments' discrimination indices.

Queued by `tutor.cohorts.item_discrimination` after a change that affects them, and run by `manage.py db_worker`
when TASKS=database; without a worker the same count is made in the process that made the change.
"""

from __future__ import annotations

from django.tasks import task

from tutor.cohorts.item_discrimination import count_discrimination


@task()
def count_item_discrimination(assignment_id: int) -> bool:
    """Count one assignment's discrimination indices; False when the assignment has been deleted meanwhile."""
    return count_discrimination(assignment_id=assignment_id)
