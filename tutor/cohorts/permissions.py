"""Who may change what in a cohort, as plain rules every write service checks (a view, a command, an LTI launch or
a test all get the same answer)."""

from __future__ import annotations

from tutor.accounts.models import User
from tutor.cohorts.models import Cohort


class NotAllowed(PermissionError):
    """The acting person may not make this change."""


def teaches(user: User, cohort: Cohort) -> bool:
    """The owner or a co-teacher of the cohort."""
    if not user.is_authenticated:
        return False
    return cohort.owner_id == user.pk or cohort.co_teachers.filter(pk=user.pk).exists()


def require_educator(user: User) -> None:
    if not (user.is_authenticated and user.is_educator):
        raise NotAllowed("Only educators can create cohorts.")


def require_teacher(user: User, cohort: Cohort) -> None:
    if not teaches(user, cohort):
        raise NotAllowed(f"Only the educators of {cohort.name} can change it.")


def require_owner(user: User, cohort: Cohort) -> None:
    """The owner, or a site administrator allowed to delete cohorts (who does so from the admin)."""
    if cohort.owner_id != user.pk and not (user.is_staff and user.has_perm("cohorts.delete_cohort")):
        raise NotAllowed(f"Only the owner of {cohort.name} can delete it.")
