"""Reads of the study loop: what is due, what is new, what was missed, and what a practice pool holds."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db.models import BooleanField, Count, Exists, Max, OuterRef, Q, QuerySet, Subquery

from tutor.accounts.models import User
from tutor.catalog.models import Option
from tutor.catalog.snapshot import CatalogSnapshot, QuestionView
from tutor.study.misconceptions import active_misconception_slugs
from tutor.study.models import Card, Flag, PracticeItem, PracticePool, PracticeTest, ReviewLog, has_open_update
from tutor.study.scheduler import Memory, predicted_recall


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


URGENCY_BAND = 0.05  # due questions whose predicted recall lies in the same 5% band are equally urgent


def study_queue(*, learner: User, snapshot: CatalogSnapshot, now: dt.datetime) -> StudyQueue:
    """Due cards first, the least likely to be recalled first (among equally urgent ones, those that target an idea
    the learner keeps getting wrong); then new questions up to the daily limit, interleaved across modules, leaving
    out items under editors' review. One query: the learner's cards, which number at most the bank's size."""
    in_scope = modules_in_daily_study(learner, snapshot)
    day_start = start_of_learner_day(learner, now)
    on_active_misconception = Exists(
        Option.objects.filter(
            question_id=OuterRef("question_id"),
            is_correct=False,
            misconception__in=active_misconception_slugs(learner=learner),
        )
    )
    cards = (
        Card.objects.filter(learner=learner)
        .annotate(on_misconception=on_active_misconception)
        .values_list(
            "question_id",
            "state",
            "step",
            "stability",
            "difficulty",
            "due",
            "last_review",
            "created_at",
            "updated_at",
            "update_note",
            "on_misconception",
        )
    )
    seen: set[int] = set()
    due: list[tuple[int, bool, float, dt.datetime, int]] = []
    notes: list[tuple[int, str]] = []
    introduced_today = 0
    next_due_at = None
    for row in cards:
        question_id, state, step, stability, difficulty, due_at, last_review, created_at = row[:8]
        updated_at, update_note, on_misconception = row[8:]
        seen.add(question_id)
        if created_at >= day_start:
            introduced_today += 1
        question = snapshot.questions.get(question_id)
        if question is None or question.retired or question.module_id not in in_scope:
            continue
        if has_open_update(updated_at=updated_at, last_review=last_review):
            notes.append((question_id, update_note))
        if due_at <= now:
            memory = Memory(state, step, stability, difficulty, due_at, last_review)
            recall = predicted_recall(memory=memory, at=now, desired_retention=learner.desired_retention)
            due.append((int(recall // URGENCY_BAND), not on_misconception, recall, due_at, question_id))
        elif next_due_at is None or due_at < next_due_at:
            next_due_at = due_at
    due.sort()
    allowance = max(0, learner.new_per_day - introduced_today)
    new_ids = [q.id for q in interleaved_new_questions(snapshot, in_scope) if q.id not in seen and not q.under_review][
        :allowance
    ]
    return StudyQueue(
        due_question_ids=tuple(entry[-1] for entry in due),
        new_question_ids=tuple(new_ids),
        new_introduced_today=introduced_today,
        new_per_day=learner.new_per_day,
        next_due_at=next_due_at,
        update_notes=tuple(notes),
    )


def interleaved_new_questions(snapshot: CatalogSnapshot, module_ids: set[int]) -> list[QuestionView]:
    """Live questions of the given modules, taking one from each module in turn."""
    by_module: dict[int, list[QuestionView]] = {}
    for question in sorted(snapshot.live_questions, key=lambda q: (q.order, q.id)):
        if question.module_id in module_ids:
            by_module.setdefault(question.module_id, []).append(question)
    modules = sorted(by_module, key=lambda module_id: snapshot.modules[module_id].order)
    ordered = []
    for rank in range(max((len(v) for v in by_module.values()), default=0)):
        ordered += [by_module[m][rank] for m in modules if rank < len(by_module[m])]
    return ordered


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


def flagged_question_ids(*, learner: User) -> list[int]:
    """The questions a learner has flagged, the most recently flagged first."""
    return list(
        Flag.objects.filter(learner=learner).order_by("-created_at", "-pk").values_list("question_id", flat=True)
    )
