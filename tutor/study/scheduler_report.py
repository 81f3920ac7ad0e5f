"""The scheduler's report card: how well each model predicted what learners recalled (reads only).

For a learner, a cohort or the whole site: log loss, RMSE(bins) and AUC of the recall the scheduler predicted at
the time (`fsrs_used`, the logged retrievability), of FSRS's default parameters, of SM-2 replayed on the same
history, and of a constant (each learner's mean recall); a calibration table; and, from the fits, how personal
parameters did on held-out later reviews against the defaults. Computed from the ledger on demand: for a page,
a learner's own history; for a cohort or the site, the staff page and `manage.py scheduler_report`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tutor.accounts.models import User
from tutor.study.fitting import (
    MODELS,
    REFERENCE,
    CalibrationBin,
    Scored,
    calibration,
    card_replays,
    figures,
    scored_answers,
)
from tutor.study.models import SchedulerParameters
from tutor.study.scheduler_fits import learner_answers

MODEL_LABELS = {
    "fsrs_used": "FSRS as used (the recall predicted at the time)",
    "fsrs_default": "FSRS with the library's default parameters",
    "sm2": "SM-2 replayed on the same answers",
    "constant": "A constant: the learner's mean recall",
}


@dataclass(frozen=True)
class ReportCard:
    figures: dict
    calibration: list[CalibrationBin]
    held_out: dict
    learners: int

    @property
    def rows(self) -> list[dict]:
        """One row per model, for the table."""
        return [{"model": m, "label": MODEL_LABELS[m], **self.figures[m]} for m in MODELS]

    def as_json(self) -> dict:
        return {
            **self.figures,
            "learners": self.learners,
            "held_out": self.held_out,
            "calibration": [bin.__dict__ for bin in self.calibration],
            "reference": REFERENCE,
        }


def held_out_summary(learner_ids: Sequence[int]) -> dict:
    """Each learner's latest fit: its held-out log loss and RMSE(bins) against the defaults' on the same reviews,
    weighted by held-out reviews; and how many learners have an adopted set of their own."""
    latest: dict[int, SchedulerParameters] = {}
    for fit in SchedulerParameters.objects.filter(learner_id__in=learner_ids).order_by("fitted_at", "id"):
        latest[fit.learner_id] = fit
    fits = [f for f in latest.values() if f.held_out_reviews and f.log_loss is not None]
    total = sum(f.held_out_reviews for f in fits)

    def mean(name: str) -> float | None:
        return sum(getattr(f, name) * f.held_out_reviews for f in fits) / total if total else None

    adopted = SchedulerParameters.objects.filter(learner_id__in=learner_ids, adopted=True)
    site = SchedulerParameters.objects.filter(learner__isnull=True).order_by("-fitted_at", "-id").first()
    return {
        "learners_fitted": len(fits),
        "learners_with_own_parameters": adopted.values("learner_id").distinct().count(),
        "reviews": total,
        "personal": {"log_loss": mean("log_loss"), "rmse_bins": mean("rmse_bins")},
        "fsrs_default": {"log_loss": mean("default_log_loss"), "rmse_bins": mean("default_rmse_bins")},
        "site": None
        if site is None
        else {
            "adopted": site.adopted,
            "reviews": site.held_out_reviews,
            "log_loss": site.log_loss,
            "rmse_bins": site.rmse_bins,
            "fsrs_default": {"log_loss": site.default_log_loss, "rmse_bins": site.default_rmse_bins},
        },
    }


def report_card(learners: Iterable[User]) -> ReportCard:
    """The report card over the learners' real recall tests (each learner's constant is their own mean)."""
    learners = list(learners)
    scored: list[Scored] = []
    for learner in learners:
        scored.extend(scored_answers(card_replays(learner_answers(learner))))
    return ReportCard(
        figures=figures(scored),
        calibration=calibration(scored, "fsrs_used"),
        held_out=held_out_summary([learner.pk for learner in learners]),
        learners=len(learners),
    )
