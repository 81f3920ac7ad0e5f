"""When a question's facts change (an evidence change in the content), every learner who has seen it meets it again
soon, with a note saying what changed. A wording fix changes nothing for learners."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Least

from tutor.accounts.models import User
from tutor.study.models import Card


def requeue_after_evidence_change(*, changes: list[tuple[int, int, str]], now: dt.datetime) -> int:
    """Make every card of the changed questions due now (or keep it due earlier), whatever its interval, and give
    it the note shown until the learner answers it again. Cards are updated in place: the review logs, an
    append-only ledger, keep the history as it was. Returns the number of cards re-queued."""
    requeued = 0
    for question_id, _revision, note in changes:
        requeued += Card.objects.filter(question_id=question_id).update(
            due=Least(F("due"), Value(now)), update_note=note, updated_at=now
        )
    return requeued


def is_updated_since_answered(*, updated_at: dt.datetime | None, last_review: dt.datetime | None) -> bool:
    """Whether a card's question changed since the learner last answered it (or was never answered since): the rule
    `updated_cards` applies in SQL, for a card already read."""
    return updated_at is not None and (last_review is None or last_review < updated_at)


def updated_cards(*, learner: User) -> QuerySet[Card]:
    """The learner's cards whose questions changed since they last answered them, the newest change first."""
    return (
        Card.objects.filter(learner=learner, updated_at__isnull=False)
        .filter(Q(last_review__isnull=True) | Q(last_review__lt=F("updated_at")))
        .order_by("-updated_at", "question_id")
    )
