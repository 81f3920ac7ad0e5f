"""Writes about accounts: creating learners and educators."""

from __future__ import annotations

from django.db import transaction

from tutor.accounts.models import Role, User


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


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete the person and, through the database's cascades, everything that is theirs."""
    user.delete()
