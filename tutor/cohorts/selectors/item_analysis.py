"""Item analysis of an assignment: facility, discrimination, options chosen and misconceptions, per question."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, Sum, TextChoices

from tutor.catalog.snapshot import CatalogSnapshot, QuestionView
from tutor.cohorts.idea_tallies import IDEAS, MEMBERS, TALLY, USERS
from tutor.cohorts.item_discrimination import CountedDiscrimination, counted_discrimination
from tutor.cohorts.item_tallies import canonical_answer
from tutor.cohorts.models import Assignment, ItemAnswerTally
from tutor.cohorts.selectors.access import (
    member_ids,
)
from tutor.cohorts.selectors.statuses import (
    assignment_questions,
)
from tutor.questions.base import OptionShare, plain_label
from tutor.study.item_statistics import (  # noqa: F401  (re-exported: the cohorts' selectors name them)
    DISCRIMINATION_FLAG,
    DISCRIMINATION_MIN_ATTEMPTS,
    discrimination_by_question,
    pearson,
)
from tutor.study.marking import mark_answer
from tutor.study.misconceptions import MisconceptionHolder
from tutor.study.models import ReviewLog
from tutor.study.prepared import OneOf, PreparedQuery


class AttemptKind(TextChoices):
    FIRST = "first", "First attempts"
    LATEST = "latest", "Latest attempts"


@dataclass(frozen=True)
class ItemStats:
    question: QuestionView
    attempts: int
    right: int
    mean_score: float | None
    discrimination: float | None
    options: tuple[OptionShare, ...]
    option_kind: str
    # What the shares are of, when it needs saying (matching and ordering count the parts answered right).
    shares_note: str = ""

    @property
    def stem_text(self) -> str:
        """The stem without Markdown marks, for tables and exports."""
        return plain_label(self.question.stem, limit=10_000)

    @property
    def facility(self) -> float | None:
        """Share of attempts answered right."""
        return self.right / self.attempts if self.attempts else None

    @property
    def flagged(self) -> bool:
        """Discrimination too weak to trust the item, with enough attempts to say so."""
        return (
            self.discrimination is not None
            and self.attempts >= DISCRIMINATION_MIN_ATTEMPTS
            and self.discrimination <= DISCRIMINATION_FLAG
        )

    @property
    def top_wrong(self) -> tuple[OptionShare, ...]:
        """The most chosen wrong option(s), ties included."""
        wrong = [o for o in self.options if not o.is_correct and o.count and o.key]
        most = max((o.count for o in wrong), default=0)
        return tuple(o for o in wrong if o.count == most)

    @property
    def misconceptions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o.misconception for o in self.top_wrong if o.misconception))

    @property
    def shown_options(self) -> tuple[OptionShare, ...]:
        """What the page draws: the right options and every option someone chose (every part, for items scored
        part by part), so that a long list of untouched distractors does not stretch the page."""
        if self.option_kind == "part":
            return self.options
        return tuple(o for o in self.options if o.is_correct or o.count)

    @property
    def headline_options(self) -> tuple[OptionShare, ...]:
        """The options always in view: the most chosen wrong one(s) (the facility already says how many were right);
        every part, for items scored part by part."""
        if self.option_kind == "part":
            return self.options
        return self.top_wrong

    @property
    def other_options(self) -> tuple[OptionShare, ...]:
        """The other options someone chose, folded away under the headline ones."""
        headline = set(map(id, self.headline_options))
        return tuple(o for o in self.shown_options if id(o) not in headline)

    @property
    def unchosen_labels(self) -> tuple[str, ...]:
        """The wrong options no one chose, named in one line."""
        shown = set(map(id, self.shown_options))
        return tuple(o.label for o in self.options if id(o) not in shown)

    @property
    def misconception_labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o.misconception_label for o in self.top_wrong if o.misconception))


def _counted_keys(question: QuestionView, answer_text: str) -> tuple[str, ...]:
    """The option keys one distinct answer counts for, marked once however many learners gave it."""
    try:
        answer = json.loads(answer_text)
        if question.type_spec.choice_in_answer:
            return (str(answer.get("choice") or ""),) if isinstance(answer, dict) else ("",)
        return question.type_spec.counted_keys(mark_answer(question, answer))
    except (KeyError, TypeError, ValueError, AttributeError):
        return ()  # an answer stored under an older revision of the question: counted in totals only


def counted_keys(snapshot: CatalogSnapshot, question: QuestionView, answer_text: str) -> tuple[str, ...]:
    """`_counted_keys`, worked out once per content revision: the same distinct answers come back on every visit."""
    return snapshot.remembered(
        ("counted_keys", question.id, question.revision, answer_text), lambda: _counted_keys(question, answer_text)
    )


LEARNERS_NAMED = 6


@dataclass(frozen=True)
class MisconceptionLearner:
    """A cohort member who has chosen the idea, across all their answers."""

    learner_id: int
    name: str
    times_chosen: int
    is_active: bool


@dataclass(frozen=True)
class MisconceptionRow:
    """One idea behind the cohort's wrong answers: how often it was chosen, in which questions, and the members who
    have chosen it (the first `LEARNERS_NAMED` of them named, with how many there are and how many still hold it)."""

    tag: str
    times: int
    questions: tuple[QuestionView, ...]
    label: str = ""
    learners: tuple[MisconceptionLearner, ...] = ()
    learner_count: int = 0
    active_count: int = 0

    @property
    def learners_not_named(self) -> int:
        return max(self.learner_count - len(self.learners), 0)


@dataclass(frozen=True)
class ItemAnalysis:
    assignment: Assignment
    kind: str
    items: list[ItemStats]
    misconceptions: list[MisconceptionRow]
    # For first attempts, when the stored discrimination indices were counted; None when counted for this page.
    discrimination_count: CountedDiscrimination | None = None
    table: ItemTable | None = None

    @property
    def flagged_count(self) -> int:
        return sum(1 for item in self.items if item.flagged)

    @property
    def attempted_items(self) -> list[ItemStats]:
        return [item for item in self.items if item.attempts]

    @property
    def unattempted_items(self) -> list[ItemStats]:
        return [item for item in self.items if not item.attempts]


@dataclass(frozen=True)
class ItemTable:
    """The questions' statistics and the wrong ideas behind the answers, worked out from the answers' counts and the
    discrimination indices alone. `drawn` keeps what the page makes of them (its rows), made once per table."""

    items: list[ItemStats]
    times_by_tag: Counter
    questions_by_tag: dict[str, dict[int, QuestionView]]
    label_by_tag: dict[str, str]
    drawn: dict = field(default_factory=dict, compare=False, repr=False)


def item_table(
    questions: list[QuestionView], answers: list[tuple], discrimination: dict[int, float], snapshot: CatalogSnapshot
) -> ItemTable:
    """Each question's attempts, facility, options chosen and discrimination, and each misconception's count, from
    (question id, canonical answer, how many gave it, how many were right, summed score) rows."""
    totals: dict[int, dict] = defaultdict(lambda: {"attempts": 0, "right": 0, "score_sum": 0.0})
    counts: dict[int, Counter] = defaultdict(Counter)
    for question_id, answer_text, n, right, score_sum in answers:
        total = totals[question_id]
        total["attempts"] += n
        total["right"] += right
        total["score_sum"] += score_sum or 0.0
        question = snapshot.questions.get(question_id)
        if question is not None:
            for key in counted_keys(snapshot, question, answer_text):
                counts[question_id][key] += n
    items = []
    times_by_tag: Counter[str] = Counter()
    questions_by_tag: dict[str, dict[int, QuestionView]] = defaultdict(dict)
    label_by_tag: dict[str, str] = {}
    for question in questions:
        row = totals.get(question.id, {})
        attempts = row.get("attempts", 0)
        mean_score = row["score_sum"] / attempts if attempts else None
        spec = question.type_spec
        options = spec.option_shares(question, counts[question.id], attempts)
        items.append(
            ItemStats(
                question=question,
                attempts=attempts,
                right=row.get("right", 0),
                mean_score=mean_score,
                discrimination=discrimination.get(question.id),
                options=options,
                option_kind=spec.share_kind,
                shares_note=spec.shares_note,
            )
        )
        for option in options:
            if not option.is_correct and option.count and option.misconception:
                times_by_tag[option.misconception] += option.count
                questions_by_tag[option.misconception][question.id] = question
                label_by_tag[option.misconception] = option.misconception_label or option.misconception
    return ItemTable(items, times_by_tag, dict(questions_by_tag), label_by_tag)


def remembered_item_table(
    questions: list[QuestionView], answers: list[tuple], discrimination: dict[int, float], snapshot: CatalogSnapshot
) -> ItemTable:
    """`item_table`, kept with the catalog for the same questions, answer counts and indices: an educator looking
    again at an assignment nobody has answered since gets the table (and its drawn rows) already made. The key is
    the data itself, so a new first attempt or a new count makes a new key, never a stale table."""
    key = ("item_table", tuple(q.id for q in questions), tuple(sorted(answers)), tuple(sorted(discrimination.items())))
    return snapshot.recent(key, lambda: item_table(questions, answers, discrimination, snapshot))


# The cohort's first-attempt tallies, read on every view of the page: compiled once (`PreparedQuery`).
ITEM_ANSWER_TALLIES = PreparedQuery(
    lambda cohort_id, question_ids: ItemAnswerTally.objects.filter(
        OneOf(F("question_id"), question_ids), cohort_id=cohort_id
    ).values_list("question_id", "answer", "attempts", "correct", "score_sum"),
    "cohort_id",
    "question_ids",
    lists=("question_ids",),
)


# The misconceptions table shows this many ideas, the most chosen first.
MISCONCEPTIONS_SHOWN = 12


@dataclass(frozen=True)
class IdeaHolders:
    """The members who have chosen one idea: the first named, how many in all, and how many still hold it."""

    named: list[MisconceptionHolder]
    count: int
    active: int


# The members behind the ideas the page shows, read on every view of it that names a misconception. How many have
# chosen each idea and how many still hold it come from the cohort's tallies (`tutor.cohorts.idea_tallies`); only
# the first `LEARNERS_NAMED` holders of each are read, in the page's order: those still holding it first, then the
# most often chosen, then the oldest account (the order of the index `idea_holders_in_order`). On PostgreSQL each
# idea's first holders are found by walking that index and stopping at the sixth member, however large the cohort;
# SQLite, which has no LATERAL join, numbers the members' rows of the ideas shown and keeps the first.
_HOLDERS_POSTGRESQL = f"""
SELECT t.slug, t.holders, t.holding, h.learner_id, u.username, h.times_chosen, h.right_since
  FROM {TALLY} AS t
  LEFT JOIN LATERAL (
        SELECT i.learner_id, i.times_chosen, i.right_since
          FROM {IDEAS} AS i
         WHERE i.slug = t.slug
           AND EXISTS (SELECT 1 FROM {MEMBERS} AS m WHERE m.cohort_id = t.cohort_id AND m.learner_id = i.learner_id)
         ORDER BY i.right_since, i.times_chosen DESC, i.learner_id
         LIMIT %(named)s
       ) AS h ON true
  LEFT JOIN {USERS} AS u ON u.id = h.learner_id
 WHERE t.cohort_id = %(cohort_id)s AND t.slug = ANY(%(slugs)s) AND t.holders > 0
 ORDER BY t.slug, h.right_since, h.times_chosen DESC, h.learner_id
"""
_HOLDERS_SQLITE = f"""
SELECT t.slug, t.holders, t.holding, h.learner_id, u.username, h.times_chosen, h.right_since
  FROM {TALLY} AS t
  LEFT JOIN (
        SELECT i.slug, i.learner_id, i.times_chosen, i.right_since,
               ROW_NUMBER() OVER (PARTITION BY i.slug
                                  ORDER BY i.right_since, i.times_chosen DESC, i.learner_id) AS place
          FROM {IDEAS} AS i
          JOIN {MEMBERS} AS m ON m.learner_id = i.learner_id AND m.cohort_id = %(cohort_id)s
         WHERE i.slug IN (SELECT value FROM json_each(%(slug_list)s))
       ) AS h ON h.slug = t.slug AND h.place <= %(named)s
  LEFT JOIN {USERS} AS u ON u.id = h.learner_id
 WHERE t.cohort_id = %(cohort_id)s AND t.slug IN (SELECT value FROM json_each(%(slug_list)s)) AND t.holders > 0
 ORDER BY t.slug, h.place
"""


def members_holding(*, cohort_id: int, slugs: list[str]) -> dict[str, IdeaHolders]:
    """The cohort's members who have chosen each idea: the first `LEARNERS_NAMED` named (those who still hold it
    first, then the most often chosen, then the oldest account, with whether each still holds it), and how many
    have chosen it and still hold it. One query; none without ideas."""
    if not slugs:
        return {}
    slugs = list(slugs)
    if connection.vendor == "postgresql":
        sql, params = _HOLDERS_POSTGRESQL, {"cohort_id": cohort_id, "slugs": slugs, "named": LEARNERS_NAMED}
    else:
        sql, params = _HOLDERS_SQLITE, {"cohort_id": cohort_id, "slug_list": json.dumps(slugs), "named": LEARNERS_NAMED}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    holding: dict[str, IdeaHolders] = {}
    for slug, holders, still, learner_id, username, times_chosen, right_since in rows:
        if slug not in holding:
            holding[slug] = IdeaHolders([], holders, still)
        if learner_id is not None:
            holding[slug].named.append(MisconceptionHolder(learner_id, username, times_chosen, right_since == 0))
    return holding


def item_analysis(*, assignment: Assignment, snapshot: CatalogSnapshot, kind: str = AttemptKind.FIRST) -> ItemAnalysis:
    """Per-question statistics over the cohort's current learners, one attempt per learner and question.

    First attempts (the default) are the answers given while the card was new, before any feedback, as a test
    would see them; latest attempts show what the cohort answers now. Four queries at most:
      1. the distinct answers with how many gave each, how many were right and their summed score: for first
         attempts the cohort's `ItemAnswerTally` rows, kept as answers are recorded; for latest attempts grouped
         from the members' latest logs. Each distinct answer is marked once, by its question's type;
      2. and 3. for first attempts, the discrimination indices as last counted (`item_discrimination`) and when;
         for latest attempts, (learner, question, score) rows to work them out, since each needs every learner's
         total: at most learners times questions of the assignment;
      4. the members who have chosen each misconception shown (their own running counts; how many, from the
         cohort's tallies), when any was chosen.
    """
    questions = assignment_questions(assignment, snapshot)
    question_ids = [q.id for q in questions]
    if kind == AttemptKind.LATEST:
        members = member_ids(assignment.cohort_id)
        newer = ReviewLog.objects.filter(learner_id=OuterRef("learner_id"), question_id=OuterRef("question_id")).filter(
            Q(reviewed_at__gt=OuterRef("reviewed_at")) | Q(reviewed_at=OuterRef("reviewed_at"), id__gt=OuterRef("id"))
        )
        logs = ReviewLog.objects.filter(learner_id__in=members, question_id__in=question_ids).filter(~Exists(newer))
        grouped = (
            logs.values_list("question_id", "answer")
            .annotate(n=Count("id"), right=Count("id", filter=Q(correct=True)), score_sum=Sum("score"))
            .order_by()
        )
        answers = [(q, canonical_answer(answer), n, right, score) for q, answer, n, right, score in grouped]
    else:
        # First attempts: the cohort's tallies, kept as answers are recorded (identical answers already grouped).
        answers = ITEM_ANSWER_TALLIES.rows(cohort_id=assignment.cohort_id, question_ids=question_ids)
    if kind == AttemptKind.LATEST:
        counted = None
        discrimination = discrimination_by_question(
            logs.values_list("learner_id", "question_id", "score").order_by(), question_ids
        )
        table = item_table(questions, answers, discrimination, snapshot)
    else:
        counted = counted_discrimination(assignment)
        table = remembered_item_table(questions, answers, counted.values, snapshot)
    times_by_tag, questions_by_tag, label_by_tag = table.times_by_tag, table.questions_by_tag, table.label_by_tag
    # The ideas the page shows, most chosen first; their holders are read for those alone.
    shown = sorted(times_by_tag.items(), key=lambda item: (-item[1], item[0]))[:MISCONCEPTIONS_SHOWN]
    holding = members_holding(cohort_id=assignment.cohort_id, slugs=[tag for tag, _ in shown])
    misconceptions = []
    for tag, times in shown:
        holders = holding.get(tag, IdeaHolders([], 0, 0))
        misconceptions.append(
            MisconceptionRow(
                tag=tag,
                times=times,
                questions=tuple(questions_by_tag[tag].values()),
                label=label_by_tag[tag],
                learners=tuple(
                    MisconceptionLearner(h.learner_id, h.username, h.times_chosen, h.is_active) for h in holders.named
                ),
                learner_count=holders.count,
                active_count=holders.active,
            )
        )
    return ItemAnalysis(
        assignment=assignment,
        kind=kind,
        items=table.items,
        misconceptions=misconceptions,
        discrimination_count=counted,
        table=table,
    )
