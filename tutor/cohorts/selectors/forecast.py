"""The recall forecast of an assignment: how much of each module the cohort would recall on the due date."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Sum

from tutor.catalog.snapshot import CatalogSnapshot, ModuleView
from tutor.cohorts.models import Assignment, Membership
from tutor.cohorts.selectors.access import (
    member_ids,
)
from tutor.cohorts.selectors.statuses import (
    assignment_modules,
    assignment_questions,
)
from tutor.progress.selectors import predicted_recall_sql
from tutor.study.models import Card

FORECAST_EXPLANATION = (
    "Predicted recall is the chance that a learner of the cohort, picked at random, would recall a question picked "
    "at random from the module if they studied nothing more, worked out from each learner's memory of each "
    "question; questions a learner has not yet answered count as forgotten."
)


@dataclass(frozen=True)
class ModuleForecast:
    module: ModuleView
    question_total: int
    learner_count: int
    recall_now: float | None
    recall_due: float | None

    @property
    def change(self) -> float | None:
        if self.recall_now is None or self.recall_due is None:
            return None
        return self.recall_due - self.recall_now


def recall_forecast(
    *, assignment: Assignment, snapshot: CatalogSnapshot, now: dt.datetime, learner_count: int
) -> list[ModuleForecast]:
    """Mean predicted recall over the cohort's learners and each module's questions, now and on the due date.

    Unanswered questions count as 0. One query: sums of the scheduler's retrievability per question, in SQL.
    The projection to the due date is left out (None) once the due date has passed.
    """
    modules = assignment_modules(assignment, snapshot)
    questions = assignment_questions(assignment, snapshot)
    module_of = {q.id: q.module_id for q in questions}
    sums_now: Counter[int] = Counter()
    sums_due: Counter[int] = Counter()
    if questions and learner_count:
        rows = (
            Card.objects.filter(
                learner_id__in=member_ids(assignment.cohort_id),
                question_id__in=list(module_of),
                stability__isnull=False,
                last_review_days__isnull=False,
            )
            .values("question_id")
            .annotate(now_sum=Sum(predicted_recall_sql(now)), due_sum=Sum(predicted_recall_sql(assignment.due_at)))
            .order_by()
        )
        for row in rows:
            sums_now[module_of[row["question_id"]]] += row["now_sum"] or 0.0
            sums_due[module_of[row["question_id"]]] += row["due_sum"] or 0.0
    totals = Counter(module_of.values())
    forecasts = []
    for module in modules:
        cells = totals[module.id] * learner_count
        forecasts.append(
            ModuleForecast(
                module=module,
                question_total=totals[module.id],
                learner_count=learner_count,
                recall_now=sums_now[module.id] / cells if cells else None,
                recall_due=sums_due[module.id] / cells if cells and now < assignment.due_at else None,
            )
        )
    return forecasts


@dataclass(frozen=True)
class LearnerReadiness:
    """One learner's predicted recall of the assignment's questions on its due date, against their own target."""

    learner_id: int
    name: str
    recall_due: float
    target: float

    @property
    def on_track(self) -> bool:
        return self.recall_due >= self.target


def learner_readiness(
    *, assignment: Assignment, memberships: list[Membership], snapshot: CatalogSnapshot, now: dt.datetime
) -> list[LearnerReadiness]:
    """Per learner: mean predicted recall on the due date over the assigned questions (unanswered count as 0), on
    track when at least the learner's desired retention, at risk otherwise. One query (the memberships come with
    their learners); empty once the due date has passed."""
    questions = [q.id for q in assignment_questions(assignment, snapshot)]
    if not questions or now >= assignment.due_at:
        return []
    members = {m.learner_id: m.learner for m in memberships}
    sums = dict(
        Card.objects.filter(
            learner_id__in=list(members),
            question_id__in=questions,
            stability__isnull=False,
            last_review_days__isnull=False,
        )
        .values("learner_id")
        .annotate(due_sum=Sum(predicted_recall_sql(assignment.due_at)))
        .order_by()
        .values_list("learner_id", "due_sum")
    )
    rows = [
        LearnerReadiness(
            learner_id=learner_id,
            name=learner.get_full_name() or learner.username,
            recall_due=(sums.get(learner_id) or 0.0) / len(questions),
            target=learner.desired_retention,
        )
        for learner_id, learner in members.items()
    ]
    return sorted(rows, key=lambda r: (r.on_track, r.recall_due, r.name.lower()))
