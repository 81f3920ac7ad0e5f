"""Personal and site-wide FSRS parameters: which set is in force, and refitting (run by tasks, never a request).

A learner is scheduled with their latest adopted set; without one, with the latest adopted site-wide set; without
that, with the library's defaults. A refit fits a new set on the earlier part of the history and adopts it only
when it beats the set in force on the later, held-out part (see `tutor.study.fitting.Fit.wins`). Every fit is
kept. A new set reschedules nothing: the next answer is planned with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from tutor.accounts.models import User
from tutor.study.fitting import (
    MIN_REVIEWS_TO_FIT,
    Answer,
    Fit,
    card_replays,
    fsrs_items,
    try_fit,
)
from tutor.study.models import MemoryState, ReviewLog, SchedulerParameters

ANSWER_FIELDS = ("card_id", "reviewed_at", "rating", "state_before", "first_review_of_day", "retrievability")


def parameters_in_force(learner_id: int | None) -> list[float] | None:
    """The parameters a learner is scheduled with now (None: the library's defaults). One query."""
    row = parameters_in_force_query(learner_id).first()
    return list(row) if row else None


def parameters_in_force_query(learner_id: int | None) -> QuerySet:
    """The parameters in force as a one-row query of the set's values, to run alone or as a subquery."""
    rows = SchedulerParameters.objects.filter(adopted=True)
    rows = (
        rows.filter(Q(learner_id=learner_id) | Q(learner__isnull=True))
        if learner_id
        else rows.filter(learner__isnull=True)
    )
    # The learner's own sets sort before the site's (nulls last), the latest first.
    return rows.order_by(F("learner_id").asc(nulls_last=True), "-fitted_at", "-id").values_list(
        "parameters", flat=True
    )[:1]


def learner_answers(learner: User, *, before: dt.datetime | None = None) -> list[Answer]:
    """The learner's answers as the models see them: the rating in force, days in the learner's own time zone."""
    logs = ReviewLog.objects.filter(learner=learner)
    if before is not None:
        logs = logs.filter(reviewed_at__lt=before)
    rows = logs.with_rating_in_force().order_by().values_list(*ANSWER_FIELDS, "changed_rating")
    zone = learner.zone
    return [
        Answer(
            card_id=card_id,
            at=reviewed_at,
            day=reviewed_at.astimezone(zone).toordinal(),
            rating=changed or rating,
            state_before=state_before,
            first_of_day=first,
            logged_recall=recall,
        )
        for card_id, reviewed_at, rating, state_before, first, recall, changed in rows
    ]


def recall_test_count(learner: User) -> int:
    return ReviewLog.objects.filter(learner=learner, first_review_of_day=True, state_before__gt=MemoryState.NEW).count()


def _record(learner: User | None, fit: Fit, now: dt.datetime) -> SchedulerParameters:
    if fit.wins:
        note = "Adopted: better than the set in force on the held-out later reviews."
    else:
        note = "Kept aside: not better than the set in force on the held-out later reviews."
    return SchedulerParameters.objects.create(
        learner=learner,
        parameters=fit.parameters,
        fitted_at=now,
        review_count=fit.review_count,
        held_out_reviews=fit.held_out,
        log_loss=fit.candidate.log_loss,
        rmse_bins=fit.candidate.rmse_bins,
        previous_log_loss=fit.in_force.log_loss,
        previous_rmse_bins=fit.in_force.rmse_bins,
        default_log_loss=fit.defaults.log_loss,
        default_rmse_bins=fit.defaults.rmse_bins,
        adopted=fit.wins,
        note=note,
    )


def refit_learner(*, learner: User, now: dt.datetime | None = None) -> SchedulerParameters | None:
    """Fit the learner's own parameters and adopt them if they win; None when the history is too short."""
    if recall_test_count(learner) < MIN_REVIEWS_TO_FIT:
        return None
    now = now or timezone.now()
    items = fsrs_items(card_replays(learner_answers(learner, before=now)))
    fit = try_fit(items, in_force=parameters_in_force(learner.pk))
    return _record(learner, fit, now) if fit else None


def refit_site(*, learners: Iterable[User] | None = None, now: dt.datetime | None = None) -> SchedulerParameters | None:
    """Fit one set on every learner's history (the starting point for new learners); adopted if it wins over the
    site set in force (or the defaults) on the held-out later reviews of all learners."""
    now = now or timezone.now()
    items = []
    for learner in learners if learners is not None else User.objects.filter(review_logs__isnull=False).distinct():
        items.extend(fsrs_items(card_replays(learner_answers(learner, before=now))))
    items.sort(key=lambda i: i.at)
    fit = try_fit(items, in_force=parameters_in_force(None))
    return _record(None, fit, now) if fit else None


def refit_everyone(*, now: dt.datetime | None = None) -> tuple[SchedulerParameters | None, list[SchedulerParameters]]:
    """The site set first, then each learner with enough history (each compared with what is then in force)."""
    now = now or timezone.now()
    learners = list(User.objects.filter(review_logs__isnull=False).distinct().order_by("pk"))
    site = refit_site(learners=learners, now=now)
    personal = [fit for learner in learners if (fit := refit_learner(learner=learner, now=now)) is not None]
    return site, personal


def use_desired_retention(*, learner: User, desired_retention: float) -> User:
    """Set the learner's desired retention (the "use this" of the retention figures); new answers use it."""
    learner.desired_retention = round(min(0.97, max(0.80, desired_retention)), 2)
    learner.save(update_fields=["desired_retention"])
    return learner
