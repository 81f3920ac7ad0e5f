"""Per-learner statistics, aggregated in the database from Card and ReviewLog.

Functions take several learners at once so that a cohort page and a learner's own dashboard share the same numbers
and the same fixed number of queries, however many learners or reviews there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, FloatField, Q, Value
from django.db.models.functions import Floor, Greatest, Power

from tutor.catalog.snapshot import CatalogSnapshot, ModuleView
from tutor.study.models import Card
from tutor.study.scheduler import recall_curve

MASTERY_RECALL = 0.9
MASTERY_STABILITY_DAYS = 21
MASTERY_DEFINITION = (
    "A question is mastered when its predicted chance of recall today is at least 90% and its memory stability "
    "is at least 21 days (it would take three weeks to fall to 90%)."
)


def days_since_epoch(moment: dt.datetime) -> float:
    return moment.timestamp() / 86400


def predicted_recall_sql(at: dt.datetime):
    """The scheduler's predicted recall at `at`, as an SQL expression over a Card row (whole elapsed days, as FSRS)."""
    factor, decay = recall_curve()
    elapsed = Greatest(Floor(Value(days_since_epoch(at)) - F("last_review_days")), Value(0.0))
    return Power(Value(1.0) + Value(factor) * elapsed / F("stability"), Value(decay), output_field=FloatField())


@dataclass(frozen=True)
class ModuleProgress:
    module: ModuleView
    question_total: int
    seen: int = 0
    right_latest: int = 0
    mastered: int = 0
    due_today: int = 0
    due_week: int = 0
    leeches: int = 0

    @property
    def accuracy(self) -> float | None:
        """Share of seen questions whose latest answer was right."""
        return self.right_latest / self.seen if self.seen else None

    @property
    def mastery(self) -> float:
        return self.mastered / self.question_total if self.question_total else 0.0

    @property
    def answered_all(self) -> bool:
        return self.question_total > 0 and self.seen >= self.question_total


def module_progress(
    *, learner_ids: Iterable[int], snapshot: CatalogSnapshot, now: dt.datetime, today_ends: dt.datetime
) -> dict[int, dict[int, ModuleProgress]]:
    """learner id -> module id -> ModuleProgress, for every live module, in one query."""
    learner_ids = list(learner_ids)
    live_ids = [q.id for q in snapshot.live_questions]
    totals: dict[int, int] = {}
    for question in snapshot.live_questions:
        totals[question.module_id] = totals.get(question.module_id, 0) + 1
    rows = (
        Card.objects.filter(learner_id__in=learner_ids, question_id__in=live_ids)
        .annotate(recall_now=predicted_recall_sql(now))
        .values("learner_id", "question__module_id")
        .annotate(
            seen=Count("id"),
            right_latest=Count("id", filter=Q(last_answer_correct=True)),
            mastered=Count(
                "id",
                filter=Q(stability__gte=MASTERY_STABILITY_DAYS, recall_now__gte=MASTERY_RECALL),
            ),
            due_today=Count("id", filter=Q(due__lt=today_ends)),
            due_week=Count("id", filter=Q(due__lt=now + dt.timedelta(days=7))),
            leeches=Count("id", filter=Q(is_leech=True)),
        )
        .order_by()
    )
    result = {
        learner_id: {
            module.id: ModuleProgress(module=module, question_total=totals.get(module.id, 0))
            for module in snapshot.modules.values()
        }
        for learner_id in learner_ids
    }
    for row in rows:
        module = snapshot.modules.get(row["question__module_id"])
        if module is None:
            continue
        result[row["learner_id"]][module.id] = ModuleProgress(
            module=module,
            question_total=totals.get(module.id, 0),
            seen=row["seen"],
            right_latest=row["right_latest"],
            mastered=row["mastered"],
            due_today=row["due_today"],
            due_week=row["due_week"],
            leeches=row["leeches"],
        )
    return result
