"""Writes of the catalog outside content loads: the editors' queue of possibly flawed items."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction

from tutor.catalog.models import ItemReview, Question
from tutor.catalog.snapshot import forget_catalog


def can_edit_items(user) -> bool:
    """Content editors: staff who may change catalog rows in the admin."""
    return bool(user and user.is_active and user.is_staff and user.has_perm("catalog.change_itemreview"))


@transaction.atomic
def send_item_to_review(
    *, question: Question, reasons: list[str], statistics: dict, now: dt.datetime
) -> tuple[ItemReview, bool]:
    """Open a review of the item, or add new reasons to the open one; returns (review, whether it is new).

    Every process reloads its in-memory catalog on the review's change, this one at once.
    """
    review = ItemReview.objects.select_for_update().open().filter(question=question).first()
    created = review is None
    if created:
        review = ItemReview.objects.create(question=question, reasons=reasons, statistics=statistics, raised_at=now)
    else:
        review.reasons = list(dict.fromkeys([*review.reasons, *reasons]))
        review.statistics = {**review.statistics, **statistics}
        review.save(update_fields=["reasons", "statistics", "changed_at"])
    transaction.on_commit(forget_catalog)
    return review, created


@transaction.atomic
def clear_item_review(*, editor, review: ItemReview, now: dt.datetime, note: str = "") -> ItemReview:
    """An editor has looked at the item and lets it count again (fixed in the content, or found sound)."""
    if not can_edit_items(editor):
        raise PermissionDenied("Only content editors can clear an item's review.")
    review = ItemReview.objects.select_for_update().get(pk=review.pk)
    if review.cleared_at is None:
        review.cleared_at = now
        review.cleared_by = editor
        if note:
            review.editor_note = note
        review.save(update_fields=["cleared_at", "cleared_by", "editor_note", "changed_at"])
        transaction.on_commit(forget_catalog)
    return review
