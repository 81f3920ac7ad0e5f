"""The card an answer moves on, read and locked in one statement with everything else the answer needs to know
about the learner and the question: the scheduler parameters in force, the flag, and the deadline of an assigned
module. The statement is compiled once (see `prepared`): an answer runs it without building it, and its rows are
read through the compiler kept from then, which converts each column as the ORM does (JSON decoded, booleans as
booleans on SQLite too)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Exists, F, JSONField, Subquery

from tutor.accounts.models import User
from tutor.catalog.snapshot import QuestionView
from tutor.study.marking import misconceptions_targeted
from tutor.study.models import Card, Flag, LearnerMisconception, MemoryState, StudyDeadline
from tutor.study.prepared import EpochMicroseconds, OneOf, PreparedQuery, moment_of
from tutor.study.scheduler_fits import parameters_in_force_query

LOCKED_CARD = PreparedQuery(
    lambda learner_id, question_id, module_slug, idea_slugs: (
        Card.objects.select_for_update()
        .annotate(
            parameters_in_force=Subquery(parameters_in_force_query(learner_id), output_field=JSONField()),
            flagged=Exists(Flag.objects.filter(learner_id=learner_id, question_id=question_id)),
            held_targeted=Exists(
                LearnerMisconception.objects.filter(OneOf(F("slug"), idea_slugs), learner_id=learner_id)
            ),
            deadline=Subquery(
                StudyDeadline.objects.filter(learner_id=learner_id, module_slug=module_slug).values(
                    due_us=EpochMicroseconds("due_at")
                )[:1]
            ),
        )
        .filter(learner_id=learner_id, question_id=question_id)
    ),
    "learner_id",
    "question_id",
    "module_slug",
    "idea_slugs",
    text=("module_slug", "idea_slugs"),
    lists=("idea_slugs",),
)


def locked_card(*, learner: User, question: QuestionView, clock: Callable[[], dt.datetime]) -> Card:
    """The learner's card for the question, locked until the transaction ends; created at the first answer.

    Besides the card's fields it carries `parameters_in_force` (the learner's scheduler parameters, None for the
    defaults), `flagged`, `held_targeted` (whether the learner has a row for any wrong idea the question targets:
    without one, a right answer has nothing to count against and its receiver skips that statement), and
    `deadline`: the moment the answer is planned for, when the question's module is one the learner is assigned
    (None otherwise).
    """
    values = {
        "learner_id": learner.pk,
        "question_id": question.id,
        "module_slug": question.module_slug,
        "idea_slugs": sorted(misconceptions_targeted(question)),
    }
    found = LOCKED_CARD.instances(**values)
    if not found:
        # Another tab may be creating the same card: whichever insert loses is ignored, then both lock the one row.
        now = clock()
        Card.objects.bulk_create(
            [Card(learner=learner, question_id=question.id, state=MemoryState.LEARNING, due=now, created_at=now)],
            ignore_conflicts=True,
        )
        found = LOCKED_CARD.instances(**values)
    (card,) = found
    # Deadlines come with assigned modules, which are the learner's required modules; any other row is ignored.
    assigned = question.module_slug in (learner.modules_required or ())
    card.deadline = moment_of(card.deadline) if assigned and card.deadline is not None else None
    return card
