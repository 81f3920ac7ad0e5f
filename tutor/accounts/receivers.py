"""Accounts listen to their own rows: a saved or deleted user is dropped from the shared cache (see backends)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tutor.accounts.backends import forget_user


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.forget_saved_user")
@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.forget_deleted_user")
def forget_changed_user(*, instance, **_: object) -> None:
    if not settings.USER_CACHE_SECONDS:
        return
    # Now, and again once the change is committed: a request that read the old row in between may have cached it.
    forget_user(instance.pk)
    transaction.on_commit(lambda: forget_user(instance.pk), robust=True)
