"""Signals the cohorts app sends, so that other apps can react without the cohorts app knowing them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.dispatch import Signal

if TYPE_CHECKING:
    from tutor.cohorts.models import AssignmentCompletion
    from tutor.cohorts.selectors import LearnerStatus

# Sent once a learner's completion of an assignment has been recorded, inside the transaction that records it.
# Arguments: learner (User), assignment (Assignment), completed_at (datetime), score (share of the latest answers
# right over the assignment's modules, 0 to 1, or None when unknown). Receivers that talk to other systems must
# wait for the commit (transaction.on_commit) and must not raise.
assignment_completed = Signal()


def announce_completions(
    completions: Iterable[AssignmentCompletion], statuses: Mapping[tuple[int, int], LearnerStatus]
) -> None:
    """Send `assignment_completed` for newly recorded completions (one query for their learners)."""
    from tutor.accounts.models import User
    from tutor.cohorts.models import AssignmentCompletion

    completions = list(completions)
    if not completions or not assignment_completed.has_listeners(AssignmentCompletion):
        return
    learners = User.objects.in_bulk({completion.learner_id for completion in completions})
    for completion in completions:
        status = statuses.get((completion.assignment.pk, completion.learner_id))
        assignment_completed.send(
            sender=AssignmentCompletion,
            learner=learners[completion.learner_id],
            assignment=completion.assignment,
            completed_at=completion.completed_at,
            score=status.accuracy if status is not None else None,
        )
