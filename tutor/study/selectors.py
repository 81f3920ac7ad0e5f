"""Reads of the study loop: what is due, what is new, what was missed, and what a practice pool holds."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from tutor.accounts.models import User
from tutor.catalog.snapshot import CatalogSnapshot, QuestionView
from tutor.study.misconceptions import held_ideas_as_card_rows, misconceptions_targeted
from tutor.study.models import (
    Card,
    Flag,
    MemoryState,
    PracticeItem,
    PracticePool,
    PracticeTest,
    ReviewLog,
)
from tutor.study.peer_shares import PeerShares, shares_of_first_answers
from tutor.study.prepared import (
    MICROSECONDS_PER_DAY,
    EpochMicroseconds,
    PreparedQuery,
    microseconds_since_epoch,
    moment_of,
)
from tutor.study.scheduler import recall_after_days, recall_curve


@dataclass(frozen=True)
class StudyQueue:
    """What is left of today's study, and the question to show next."""

    due_question_ids: tuple[int, ...]
    new_question_ids: tuple[int, ...]
    new_introduced_today: int
    new_per_day: int
    next_due_at: dt.datetime | None
    # Questions whose facts changed since the learner last answered them: (question id, what changed).
    update_notes: tuple[tuple[int, str], ...] = ()
    # Questions answered today that are not due again now: today's progress is this many of this plus what is left.
    done_today: int = 0
    # Questions in their learning steps that come back within the hour (when nothing is due now, worth waiting for).
    back_soon: int = 0

    @property
    def planned_today(self) -> int:
        return self.done_today + self.left_today

    @property
    def next_update_note(self) -> str:
        """What changed in the next question since the learner last answered it, if anything."""
        return dict(self.update_notes).get(self.next_question_id, "")

    @property
    def next_question_id(self) -> int | None:
        if self.due_question_ids:
            return self.due_question_ids[0]
        return self.new_question_ids[0] if self.new_question_ids else None

    @property
    def due_count(self) -> int:
        return len(self.due_question_ids)

    @property
    def new_count(self) -> int:
        return len(self.new_question_ids)

    @property
    def left_today(self) -> int:
        return self.due_count + self.new_count


def start_of_learner_day(learner: User, now: dt.datetime) -> dt.datetime:
    """Midnight of the learner's current day, in their own time zone."""
    local = now.astimezone(learner.zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def modules_in_daily_study(learner: User, snapshot: CatalogSnapshot) -> set[int]:
    """Ids of the modules in the learner's daily study: all but those they left out, and always those assigned."""
    left_out = set(learner.modules_left_out or ()) - set(learner.modules_required or ())
    return {module.id for module in snapshot.modules.values() if module.slug not in left_out}


# Due questions whose predicted recall lies in the same 5% band are equally urgent.
URGENCY_BAND = 0.05
# Questions due again within this time (learning steps) are worth waiting for.
BACK_SOON = dt.timedelta(hours=1)


# What the queue reads: each card, moments as microseconds since 1970 (see `prepared`), and after them in the same
# statement the ideas the learner holds (a row with no question, the idea's slug in the last column). Read together,
# the study page asks the database once, not a second time for the ideas whenever some card is due.
STUDY_CARDS_AND_HELD_IDEAS = PreparedQuery(
    lambda learner_id: (
        Card.objects.filter(learner_id=learner_id)
        .order_by()
        .values_list(
            "question_id",
            EpochMicroseconds("due"),
            EpochMicroseconds("created_at"),
            EpochMicroseconds("last_review"),
            "stability",
            EpochMicroseconds("updated_at"),
            "update_note",
        )
        .union(held_ideas_as_card_rows(learner_id), all=True)
    ),
    "learner_id",
)


def study_queue(
    *, learner: User, snapshot: CatalogSnapshot, now: dt.datetime, focus: frozenset[int] = frozenset()
) -> StudyQueue:
    """Due cards first, the least likely to be recalled first (among equally urgent ones, those that target an idea
    the learner keeps getting wrong); then new questions up to the daily limit, interleaved across modules, leaving
    out items under editors' review. `focus`: ids of the modules to study now instead of the whole daily study.

    One plain query over the learner's cards (at most the bank's size) and the ideas they keep getting wrong,
    compiled once and read as numbers, and the rest in Python: building a query with computed columns costs more than
    comparing a few hundred moments here.
    """
    in_scope = set(focus) if focus else modules_in_daily_study(learner, snapshot)
    # Moments as whole microseconds since 1970, as the card read gives them (see `prepared`).
    now_us = microseconds_since_epoch(now)
    day_start_us = microseconds_since_epoch(start_of_learner_day(learner, now))
    soon_us = now_us + BACK_SOON // dt.timedelta(microseconds=1)
    seen: set[int] = set()
    due_now: list[tuple[float, int, QuestionView]] = []
    notes: list[tuple[int, str]] = []
    introduced_today = done_today = back_soon = 0
    next_due_us = None
    curve = recall_curve()
    held: set[str] = set()
    rows = STUDY_CARDS_AND_HELD_IDEAS.rows(learner_id=learner.pk)
    for question_id, due_us, created_us, last_us, stability, updated_us, note_or_idea in rows:
        if question_id is None:
            held.add(note_or_idea)
            continue
        seen.add(question_id)
        introduced_today += created_us >= day_start_us
        question = snapshot.questions.get(question_id)
        if question is None or question.retired or question.module_id not in in_scope:
            continue
        if updated_us is not None and (last_us is None or last_us < updated_us):
            notes.append((question_id, note_or_idea))
        if due_us <= now_us:
            recall = recall_after(last_review_us=last_us, stability=stability, at_us=now_us, curve=curve)
            due_now.append((recall, due_us, question))
            continue
        done_today += last_us is not None and last_us >= day_start_us
        back_soon += due_us <= soon_us
        if next_due_us is None or due_us < next_due_us:
            next_due_us = due_us
    next_due_at = moment_of(next_due_us) if next_due_us is not None else None
    due = [
        (int(recall // URGENCY_BAND), not (held and targets_any(question, held)), recall, due_at, question.id)
        for recall, due_at, question in due_now
    ]
    due.sort()
    allowance = max(0, learner.new_per_day - introduced_today)
    new_ids = []
    if allowance:
        for question_id in snapshot.interleaved_order(frozenset(in_scope), counted_only=True):
            if question_id not in seen:
                new_ids.append(question_id)
                if len(new_ids) == allowance:
                    break
    return StudyQueue(
        due_question_ids=tuple(entry[-1] for entry in due),
        new_question_ids=tuple(new_ids),
        new_introduced_today=introduced_today,
        new_per_day=learner.new_per_day,
        next_due_at=next_due_at,
        update_notes=tuple(notes),
        done_today=done_today,
        back_soon=back_soon,
    )


def targets_any(question: QuestionView, misconceptions: set[str]) -> bool:
    """Whether one of the question's wrong options embodies one of these misconceptions."""
    return not misconceptions_targeted(question).isdisjoint(misconceptions)


def recall_after(
    *, last_review_us: int | None, stability: float | None, at_us: int, curve: tuple[float, float]
) -> float:
    """Predicted recall at `at_us` of a card last reviewed at `last_review_us` (both in microseconds since 1970; 0
    for a card never reviewed), with the scheduler's forgetting curve (see `scheduler.recall_curve`)."""
    if last_review_us is None or not stability:
        return 0.0
    return recall_after_days((at_us - last_review_us) / MICROSECONDS_PER_DAY, stability, curve=curve)


def interleaved_new_questions(snapshot: CatalogSnapshot, module_ids: set[int]) -> list[QuestionView]:
    """Live questions of the given modules, taking one from each module in turn."""
    return [snapshot.questions[question_id] for question_id in snapshot.interleaved_order(frozenset(module_ids))]


def learner_card(*, learner: User, question_id: int) -> Card | None:
    return Card.objects.filter(learner=learner, question_id=question_id).first()


def cards_by_question(*, learner: User, question_ids: list[int]) -> dict[int, Card]:
    return {card.question_id: card for card in Card.objects.filter(learner=learner, question_id__in=question_ids)}


def learner_log(*, learner: User, log_id: int) -> ReviewLog | None:
    return ReviewLog.objects.with_rating_in_force().select_related("card").filter(pk=log_id, learner=learner).first()


def is_flagged(*, learner: User, question_id: int) -> bool:
    return Flag.objects.filter(learner=learner, question_id=question_id).exists()


def flagged_among(*, learner: User, question_ids: list[int]) -> set[int]:
    return set(Flag.objects.filter(learner=learner, question_id__in=question_ids).values_list("question_id", flat=True))


def question_history(*, learner: User, question_id: int) -> QuerySet[ReviewLog]:
    return (
        ReviewLog.objects.with_rating_in_force()
        .filter(learner=learner, question_id=question_id)
        .order_by("-reviewed_at", "-id")
    )


def missed_questions(*, learner: User, module_id: int | None = None, status: str = "") -> QuerySet[Card]:
    """Cards of every question the learner has answered wrongly, the most recently missed first.

    `still_missed` is true when the latest answer is wrong; `status` "still" or "since" keeps one kind only.
    """
    logs = ReviewLog.objects.filter(card=OuterRef("pk"))
    latest_correct = Subquery(logs.order_by("-reviewed_at", "-id").values("correct")[:1], output_field=BooleanField())
    cards = (
        Card.objects.filter(learner=learner, lapses__gt=0)
        .annotate(
            last_missed_at=Max("logs__reviewed_at", filter=Q(logs__correct=False)),
            times_missed=Count("logs", filter=Q(logs__correct=False)),
            latest_correct=latest_correct,
        )
        .order_by("-last_missed_at", "-id")
    )
    if module_id is not None:
        cards = cards.filter(question__module_id=module_id)
    if status == "still":
        cards = cards.filter(latest_correct=False)
    elif status == "since":
        cards = cards.filter(latest_correct=True)
    return cards


def practice_pool(*, learner: User, snapshot: CatalogSnapshot, pool: str, module_slugs: list[str]) -> list[int]:
    """Ids of the live questions in a practice pool, within the chosen modules (all when none chosen)."""
    modules = {m.id for m in snapshot.modules.values() if not module_slugs or m.slug in module_slugs}
    live = [q.id for q in snapshot.live_questions if q.module_id in modules]
    if pool == PracticePool.ALL:
        return live
    if pool == PracticePool.UNSEEN:
        seen = set(Card.objects.filter(learner=learner).values_list("question_id", flat=True))
        return [q for q in live if q not in seen]
    if pool == PracticePool.MISSED:
        missed = set(Card.objects.filter(learner=learner, lapses__gt=0).values_list("question_id", flat=True))
        return [q for q in live if q in missed]
    flagged = set(Flag.objects.filter(learner=learner).values_list("question_id", flat=True))
    return [q for q in live if q in flagged]


def draw_practice_questions(
    *, learner: User, snapshot: CatalogSnapshot, pool: str, module_slugs: list[str], count: int
) -> list[int]:
    """A random draw of up to `count` questions from a practice pool."""
    ids = practice_pool(learner=learner, snapshot=snapshot, pool=pool, module_slugs=module_slugs)
    return random.sample(ids, min(len(ids), count))


def learner_practice_test(*, learner: User, test_id: int) -> PracticeTest | None:
    return PracticeTest.objects.filter(pk=test_id, learner=learner).first()


def practice_items(test: PracticeTest) -> list[PracticeItem]:
    return list(test.items.select_related("review_log").order_by("position"))


def practice_item_of(*, test: PracticeTest, item_id: int | None) -> PracticeItem | None:
    """The item of this test that an answer's token names, or None when the token names none of its items."""
    if item_id is None:
        return None
    return test.items.filter(pk=item_id).first()


def next_practice_item(items: list[PracticeItem], snapshot: CatalogSnapshot) -> PracticeItem | None:
    """The first unanswered item whose question is still in the bank; withdrawn questions are skipped, so a test
    never waits on a question that can no longer be answered."""
    for item in items:
        question = snapshot.questions.get(item.question_id)
        if item.review_log_id is None and question is not None and not question.retired:
            return item
    return None


def practice_tests_of(learner: User) -> QuerySet[PracticeTest]:
    answered = PracticeItem.objects.filter(test=OuterRef("pk"), review_log__isnull=False)
    return PracticeTest.objects.filter(learner=learner).annotate(
        item_count=Count("items", distinct=True),
        answered_count=Count("items", filter=Q(items__review_log__isnull=False), distinct=True),
        correct_count=Count("items", filter=Q(items__review_log__correct=True), distinct=True),
        has_answers=Exists(answered),
    )


PEER_SHARES_SECONDS = 300
CHOICE_TYPES = frozenset({"single", "multiple", "true_false"})


def first_answer_counts(*, question_id: int) -> QuerySet:
    """(first answer, how many learners gave it) for a question, grouped by the database. Counted as rows rather
    than ids, so that the answers are read from the first-attempts index alone (`log_first_attempts`)."""
    return (
        ReviewLog.objects.filter(question_id=question_id, state_before=MemoryState.NEW)
        .values_list("answer")
        .annotate(learners=Count("*"))
        .order_by()
    )


def peer_shares(question: QuestionView) -> PeerShares | None:
    """How learners first answered this choice question, once enough have: a cache read on the answer's path.

    Computed from first attempts (answers to a new card) in one grouped query, and kept for a few minutes per
    question revision, so a busy question costs the answer nothing but the read.
    """
    if question.type not in CHOICE_TYPES:
        return None
    key = f"peer-shares:{question.id}:{question.revision}"
    shares = cache.get(key)
    if shares is None:
        answer_counts = first_answer_counts(question_id=question.id)
        shares = shares_of_first_answers(answer_counts, [option.key for option in question.options])
        cache.set(key, shares, PEER_SHARES_SECONDS)
    return shares if shares.enough_learners else None


def flagged_question_ids(*, learner: User) -> list[int]:
    """The questions a learner has flagged, the most recently flagged first."""
    return list(
        Flag.objects.filter(learner=learner).order_by("-created_at", "-pk").values_list("question_id", flat=True)
    )
