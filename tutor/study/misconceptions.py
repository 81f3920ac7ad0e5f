"""A learner's recurring misconceptions: the wrong ideas behind the distractors they chose, kept as each answer is
recorded (a receiver of `answer_recorded`, on commit), read by the progress page and the study queue."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import BigIntegerField, FloatField, IntegerField, QuerySet, Value

from tutor.accounts.models import User
from tutor.catalog.models import Misconception
from tutor.catalog.snapshot import CatalogSnapshot, QuestionView, catalog
from tutor.study.marking import Marking, mark_answer, misconceptions_targeted
from tutor.study.models import LearnerMisconception, PracticeMode, PracticePool, ReviewLog
from tutor.study.prepared import EpochMicroseconds, PreparedQuery, moment_of
from tutor.study.services import StudyError, start_practice_test

PRACTICE_SIZE = 10


def misconceptions_chosen(question: QuestionView, marking: Marking) -> set[str]:
    """The wrong ideas an answer shows: each chosen wrong option's misconception, or a common numeric error's."""
    chosen = {o.misconception for o in marking.chosen if not o.is_correct and o.misconception}
    if marking.closest_error is not None and marking.closest_error.misconception:
        chosen.add(marking.closest_error.misconception)
    return chosen


def questions_targeting(snapshot: CatalogSnapshot, slug: str) -> list[QuestionView]:
    """Live questions, counted in the learners' figures, that can catch the idea, in bank order."""
    return sorted(
        (q for q in snapshot.counted_questions if slug in misconceptions_targeted(q)),
        key=lambda q: (snapshot.modules[q.module_id].order, q.order),
    )


def record_misconceptions_of_answer(
    *,
    learner_id: int,
    question_id: int,
    answered_at: dt.datetime,
    log_id: int | None = None,
    logged: tuple[int, dict] | None = None,
    held_targeted: bool | None = None,
) -> None:
    """Count the misconceptions an answer shows, and a right answer against those its question targets.

    Dated by the answer, so that a late receiver never moves "last seen" past what happened. A question that
    targets no misconception costs no query; `logged` (the question revision and answer as logged, when the
    caller has them) saves reading the log again. `held_targeted` is whether the learner had a row for any of the
    question's ideas when the answer was recorded (read with its card): when they had none, a right answer has
    nothing to count against (None: not known, so the count runs).
    """
    question = catalog().questions.get(question_id)
    if question is None:
        return
    targeted = misconceptions_targeted(question)
    if not targeted:
        return
    if logged is None:
        logs = ReviewLog.objects.filter(learner_id=learner_id, question_id=question_id)
        log = logs.filter(pk=log_id).first() if log_id else logs.order_by("-reviewed_at", "-id").first()
        if log is None:
            return
        logged, answered_at = (log.question_revision, log.answer), log.reviewed_at
    revision, answer = logged
    if revision != question.revision:
        return  # an answer to an older wording is not marked against the current options
    marking = mark_answer(question, answer)
    record_misconceptions(
        learner_id=learner_id,
        chosen=misconceptions_chosen(question, marking),
        answered_right=marking.correct,
        targeted=targeted,
        at=answered_at,
        held_targeted=held_targeted,
    )


def record_misconceptions(
    *,
    learner_id: int,
    chosen: set[str],
    answered_right: bool,
    targeted: set[str],
    at: dt.datetime,
    held_targeted: bool | None = None,
) -> None:
    """Count the ideas an answer chose and, for a right answer, one more right answer against those its question
    targets. Each is one statement, which needs no transaction of its own: the ideas chosen are written by one
    upsert (`count_ideas_chosen`); a right answer's count is none at all when the learner is known to have no row
    for any idea the question targets (`held_targeted` False). A right answer chooses no wrong idea, so the two
    never meet in practice; if they did, they would share a transaction."""
    if not chosen:
        if answered_right and held_targeted is not False:
            _count_right_answer(learner_id=learner_id, targeted=targeted, at=at)
        return
    with transaction.atomic() if answered_right else nullcontext():
        count_ideas_chosen(learner_id=learner_id, slugs=chosen, at=at)
        if answered_right:
            _count_right_answer(learner_id=learner_id, targeted=targeted, at=at)


def count_ideas_chosen(*, learner_id: int, slugs: Iterable[str], at: dt.datetime) -> None:
    """One more time chosen for each idea, in one statement: a new row for an idea chosen for the first time, and
    for one chosen before, the count up, active again (no right answer since) and last chosen at the later of the
    two moments (an answer recorded late never moves it back). Two answers at once cannot both insert: the database
    turns the second into the update. The rows are written in the order of their slugs, as every writer does."""
    table = connection.ops.quote_name(LearnerMisconception._meta.db_table)
    later = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    moment = connection.ops.adapt_datetimefield_value(at)
    slugs = sorted(slugs)
    values = ", ".join(["(%s, %s, 1, %s, %s, 0)"] * len(slugs))
    params = [value for slug in slugs for value in (learner_id, slug, moment, moment)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (learner_id, slug, times_chosen, first_chosen_at, last_chosen_at, right_since) "
            f"VALUES {values} ON CONFLICT (learner_id, slug) DO UPDATE SET "
            f"times_chosen = {table}.times_chosen + 1, right_since = 0, "
            f"last_chosen_at = {later}({table}.last_chosen_at, excluded.last_chosen_at)",
            params,
        )


def _count_right_answer(*, learner_id: int, targeted: set[str], at: dt.datetime) -> None:
    """One more right answer against each of the targeted ideas the learner chose before this answer, in one
    statement written here rather than built by the ORM on every right answer."""
    table = connection.ops.quote_name(LearnerMisconception._meta.db_table)
    moment = connection.ops.adapt_datetimefield_value(at)
    slugs = sorted(targeted)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET right_since = right_since + 1, last_right_at = %s "
            f"WHERE learner_id = %s AND slug IN ({', '.join(['%s'] * len(slugs))}) AND last_chosen_at <= %s",
            [moment, learner_id, *slugs, moment],
        )


def misconceptions_of_answers(
    *, learner_id: int, answers: Iterable[tuple[QuestionView, int, dict, dt.datetime]]
) -> list[LearnerMisconception]:
    """The learner's misconception rows as recording each answer in turn would leave them (`record_misconceptions`
    is the rule), worked out in memory from answers given oldest first as (question, revision answered, answer,
    time), unsaved: for answers written in bulk (`seed_demo`), whose receivers never ran."""
    rows: dict[str, LearnerMisconception] = {}
    for question, revision, answer, at in answers:
        targeted = misconceptions_targeted(question)
        if not targeted or revision != question.revision:
            continue
        marking = mark_answer(question, answer)
        for slug in sorted(misconceptions_chosen(question, marking)):
            row = rows.get(slug)
            if row is None:
                row = rows[slug] = LearnerMisconception(
                    learner_id=learner_id, slug=slug, times_chosen=0, first_chosen_at=at, last_chosen_at=at
                )
            row.times_chosen += 1
            row.last_chosen_at = max(row.last_chosen_at, at)
            row.right_since = 0
        if marking.correct:
            for slug in targeted:
                row = rows.get(slug)
                if row is not None and row.last_chosen_at <= at:
                    row.right_since += 1
                    row.last_right_at = at
    return list(rows.values())


# --- Reads ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MisconceptionStanding:
    """One wrong idea of one learner, in words, with the section that corrects it."""

    slug: str
    label: str
    times_chosen: int
    last_chosen_at: dt.datetime
    right_since: int
    section_title: str
    section_url: str
    question_count: int

    @property
    def is_active(self) -> bool:
        return self.right_since == 0


def held_ideas_as_card_rows(learner_id: int) -> QuerySet:
    """The ideas the learner currently holds (chosen and not answered right since), shaped as the study queue's card
    rows so both are read in one statement: no question, no moments, the idea's slug in the last column."""
    nothing = Value(None, output_field=BigIntegerField())
    return (
        LearnerMisconception.objects.filter(learner_id=learner_id, right_since=0)
        .order_by()
        .annotate(
            question=Value(None, output_field=IntegerField()),
            due_us=nothing,
            created_us=nothing,
            last_us=nothing,
            stability=Value(None, output_field=FloatField()),
            updated_us=nothing,
        )
        .values_list("question", "due_us", "created_us", "last_us", "stability", "updated_us", "slug")
    )


@dataclass(frozen=True)
class IdeaGuide:
    """What the catalog says of one idea: its words, the section that corrects it, and how many questions work
    on it."""

    label: str
    section_title: str
    section_url: str
    question_count: int


def idea_guides(snapshot: CatalogSnapshot) -> dict[str, IdeaGuide]:
    """Every idea the catalog defines, by slug: worked out once per content revision (one query then), not for
    each idea of each learner on every view of their progress page."""

    def work() -> dict[str, IdeaGuide]:
        counts: dict[str, int] = {}
        for question in snapshot.counted_questions:
            for slug in misconceptions_targeted(question):
                counts[slug] = counts.get(slug, 0) + 1
        guides = {}
        for misconception in Misconception.objects.select_related("corrects__module"):
            guides[misconception.slug] = IdeaGuide(
                label=misconception.label,
                section_title=misconception.corrects.title,
                section_url=misconception.corrects.get_absolute_url(),
                question_count=counts.get(misconception.slug, 0),
            )
        return guides

    return snapshot.remembered(("idea_guides",), work)


# Read on every view of the progress page: compiled once, the moment read as whole microseconds.
LEARNER_IDEAS = PreparedQuery(
    lambda learner_id: (
        LearnerMisconception.objects.filter(learner_id=learner_id)
        .annotate(last_chosen_us=EpochMicroseconds("last_chosen_at"))
        .values_list("slug", "times_chosen", "last_chosen_us", "right_since")
    ),
    "learner_id",
)


class LearnerIdeas(NamedTuple):
    """The learner's wrong ideas to show, in order, and how many they have in all."""

    shown: list[MisconceptionStanding]
    total: int


def learner_misconceptions(*, learner: User, snapshot: CatalogSnapshot, limit: int | None = None) -> LearnerIdeas:
    """The learner's misconceptions, active ones first, then the most often chosen, then the most recent: all of
    them, or the first `limit` (the others are counted, not worded). One query (and, once per content revision, one
    for the catalog's guide to every idea)."""
    rows = sorted(LEARNER_IDEAS.rows(learner_id=learner.pk), key=lambda row: (row[3] != 0, -row[1], -row[2]))
    if not rows:
        return LearnerIdeas([], 0)
    guides = idea_guides(snapshot)
    standings = []
    for slug, times_chosen, last_chosen_us, right_since in rows if limit is None else rows[:limit]:
        guide = guides.get(slug)
        standings.append(
            MisconceptionStanding(
                slug=slug,
                label=guide.label if guide else slug,
                times_chosen=times_chosen,
                last_chosen_at=moment_of(last_chosen_us),
                right_since=right_since,
                section_title=guide.section_title if guide else "",
                section_url=guide.section_url if guide else "",
                question_count=guide.question_count if guide else len(questions_targeting(snapshot, slug)),
            )
        )
    return LearnerIdeas(standings, len(rows))


def learners_holding(*, learner_ids: list[int], slugs: list[str]) -> dict[str, list[LearnerMisconception]]:
    """slug -> the rows of the given learners who have chosen it, active ones first. One query."""
    holding: dict[str, list[LearnerMisconception]] = {}
    rows = (
        LearnerMisconception.objects.filter(learner_id__in=learner_ids, slug__in=slugs)
        .select_related("learner")
        .order_by("slug", "right_since", "-times_chosen", "learner_id")
    )
    for row in rows:
        holding.setdefault(row.slug, []).append(row)
    return holding


@dataclass(frozen=True)
class MisconceptionHolder:
    """A learner who has chosen an idea, as a page names them."""

    learner_id: int
    username: str
    times_chosen: int
    is_active: bool


# --- Writes --------------------------------------------------------------------------------------------------


def start_misconception_practice(*, learner: User, slug: str, now: dt.datetime, size: int = PRACTICE_SIZE):
    """A short tutor-mode practice test of the questions that target one wrong idea (a random draw when there are
    more than `size`)."""
    snapshot = catalog()
    questions = questions_targeting(snapshot, slug)
    if not questions:
        raise StudyError("No question in the bank works on this idea at the moment.")
    chosen = random.sample(questions, min(size, len(questions)))
    label = Misconception.objects.filter(slug=slug).values_list("label", flat=True).first() or slug
    return start_practice_test(
        learner=learner,
        question_ids=[q.id for q in chosen],
        mode=PracticeMode.TUTOR,
        pool=PracticePool.ALL,
        module_slugs=[],
        title=f"Practise an idea: {label}"[:200],
        time_limit_minutes=None,
        now=now,
    )
