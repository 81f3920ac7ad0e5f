"""Writes about accounts: creating learners and educators."""

from __future__ import annotations

from django.db import transaction

from tutor.accounts.models import Role, User
from tutor.triggers import triggers_ignored


@transaction.atomic
def create_account(
    *, username: str, password: str, email: str = "", role: str = Role.LEARNER, time_zone: str = ""
) -> User:
    """Create a person who can sign in; the password is hashed, never stored as given."""
    return User.objects.create_user(username=username, password=password, email=email, role=role, time_zone=time_zone)


def ensure_demo_account(*, username: str, password: str, role: str) -> tuple[User, bool]:
    """Create the demo account if missing, or reset its password and role; returns it and whether it was new."""
    user, created = User.objects.get_or_create(username=username, defaults={"role": role})
    user.role = role
    user.set_password(password)
    user.save()
    return user, created


# The study ledger refuses deletion of review history except here (named, not imported: accounts stands beside
# the study app, not above it).
LEDGER_DELETE_TRIGGERS = ("study.ReviewLog:review_log_no_delete", "study.RatingChange:rating_change_no_delete")


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete the person and, through the database's cascades, everything that is theirs (their review history
    included: the one deletion the study ledger allows)."""
    with triggers_ignored(*LEDGER_DELETE_TRIGGERS):
        user.delete()
