"""Dates by which a learner must recall a module (an assignment's due date), as the study app knows them.

Whoever assigns modules (the cohorts app) sets them with `set_study_deadlines` beside `set_required_modules`; the
scheduler reads only a date per module, never an assignment (docs/scheduler.md explains the rule).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import transaction

from tutor.accounts.models import User
from tutor.catalog.snapshot import CatalogSnapshot
from tutor.study.models import Card, StudyDeadline


@transaction.atomic
def set_study_deadlines(*, learner: User, deadlines: dict[str, dt.datetime]) -> None:
    """Make `deadlines` (module slug to due moment) the learner's deadlines; others are removed. When two
    assignments cover one module, the caller passes the earliest due date still ahead."""
    StudyDeadline.objects.filter(learner=learner).exclude(module_slug__in=list(deadlines)).delete()
    existing = dict(StudyDeadline.objects.filter(learner=learner).values_list("module_slug", "due_at"))
    for slug, due_at in deadlines.items():
        if slug not in existing:
            StudyDeadline.objects.create(learner=learner, module_slug=slug, due_at=due_at)
        elif existing[slug] != due_at:
            StudyDeadline.objects.filter(learner=learner, module_slug=slug).update(due_at=due_at)


@dataclass(frozen=True)
class DeadlineWork:
    """What a learner has to do before one deadline: questions coming back before it, and questions not yet seen."""

    module_slug: str
    module_title: str
    due_at: dt.datetime
    to_review: int
    not_seen: int

    @property
    def total(self) -> int:
        return self.to_review + self.not_seen


def deadline_work(*, learner: User, snapshot: CatalogSnapshot, now: dt.datetime) -> list[DeadlineWork]:
    """For each deadline still ahead: the module's questions due again before it, and those never answered."""
    deadlines = list(StudyDeadline.objects.filter(learner=learner, due_at__gt=now).order_by("due_at"))
    if not deadlines:
        return []
    modules = {m.slug: m for m in snapshot.modules.values()}
    questions = {q.id: q.module_slug for q in snapshot.live_questions}
    cards = Card.objects.filter(learner=learner, question_id__in=list(questions)).values_list("question_id", "due")
    seen: Counter[str] = Counter()
    due_by: dict[str, list[dt.datetime]] = {}
    for question_id, due in cards:
        seen[questions[question_id]] += 1
        due_by.setdefault(questions[question_id], []).append(due)
    totals = Counter(questions.values())
    work = []
    for deadline in deadlines:
        slug = deadline.module_slug
        if slug not in modules:
            continue
        work.append(
            DeadlineWork(
                module_slug=slug,
                module_title=modules[slug].title,
                due_at=deadline.due_at,
                to_review=sum(1 for due in due_by.get(slug, ()) if due <= deadline.due_at),
                not_seen=totals[slug] - seen[slug],
            )
        )
    return work


@dataclass(frozen=True)
class NewQuestionPace:
    """Whether the daily limit of new questions lets a learner start every question of a set by a due date."""

    new_left: int  # questions of the set the learner has not started
    new_per_day: int
    days_left: int  # study days from today to the due date, both counted

    @property
    def days_needed(self) -> int | None:
        """Days it takes to start them all at the learner's limit (None when new questions are off)."""
        if self.new_left == 0:
            return 0
        return -(-self.new_left // self.new_per_day) if self.new_per_day else None

    @property
    def falls_short(self) -> bool:
        return self.new_left > 0 and (self.days_needed is None or self.days_needed > self.days_left)

    @property
    def limit_that_fits(self) -> int:
        """The smallest daily limit that starts every question by the due date (at least the current one)."""
        return max(self.new_per_day, -(-self.new_left // max(self.days_left, 1)))


def new_question_pace(*, new_left: int, new_per_day: int, today: dt.date, due_on: dt.date) -> NewQuestionPace:
    """36 new questions at 20 a day need 2 days; at 5 a day, 8: compare that with the days left to a due date."""
    return NewQuestionPace(new_left=new_left, new_per_day=new_per_day, days_left=max((due_on - today).days + 1, 0))
