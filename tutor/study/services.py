"""Writes of the study loop: recording answers, changing a rating, flags, reports, settings, practice tests."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from tutor.accounts.models import User
from tutor.catalog.snapshot import QuestionView, catalog
from tutor.study.marking import Marking, mark_answer
from tutor.study.models import (
    Card,
    Flag,
    MemoryState,
    PracticeItem,
    PracticeMode,
    PracticeTest,
    ProblemReport,
    Rating,
    ReviewContext,
    ReviewLog,
)
from tutor.study.scheduler import Memory, PlannedReview, plan_review

LEECH_THRESHOLD = 4


class StudyError(Exception):
    """A request the learner can be told about in plain words (answered with a 4xx)."""


@dataclass(frozen=True)
class RecordedAnswer:
    log: ReviewLog
    card: Card
    marking: Marking
    replayed: bool


def record_answer(
    *,
    learner: User,
    question: QuestionView,
    answer: dict,
    attempt: str,
    answered_at: dt.datetime,
    duration_ms: int | None = None,
    practice_item: PracticeItem | None = None,
) -> RecordedAnswer:
    """Mark an answer, append its review log and move the card on, all in one transaction.

    The card row is locked while it is read and written, so two tabs answering the same card cannot lose an
    update. A replayed attempt (double click, retry, back button) hits the unique attempt of the first recording,
    which is then returned unchanged: nothing is written twice.
    """
    marking = mark_answer(question, answer)
    try:
        with transaction.atomic():
            card = _locked_card(learner=learner, question_id=question.id, now=answered_at)
            memory = Memory.of_card(card)
            rating = Rating.GOOD if marking.correct else Rating.AGAIN
            plan = plan_review(
                card_id=card.pk,
                memory=memory,
                rating=rating,
                reviewed_at=answered_at,
                desired_retention=learner.desired_retention,
            )
            log = review_log(
                learner_id=learner.pk,
                question=question,
                attempt=attempt,
                context=ReviewContext.PRACTICE if practice_item else ReviewContext.STUDY,
                answer=answer,
                marking=marking,
                rating=rating,
                answered_at=answered_at,
                duration_ms=duration_ms,
                memory=memory,
                plan=plan,
                timing=review_timing(memory=memory, answered_at=answered_at, zone=learner.zone),
            )
            log.card = card
            log.save(force_insert=True)
            apply_memory(card, plan.memory)
            card.last_answer_correct = marking.correct
            card.reps += 1
            if not marking.correct:
                card.lapses += 1
                card.is_leech = card.is_leech or card.lapses >= LEECH_THRESHOLD
            card.save()
            if practice_item is not None:
                updated = PracticeItem.objects.filter(pk=practice_item.pk, review_log__isnull=True).update(
                    review_log=log
                )
                if not updated:
                    raise StudyError("This question of the test has already been answered.")
    except IntegrityError:
        # The same attempt was recorded by a concurrent request a moment ago: answer as a replay.
        existing = ReviewLog.objects.filter(attempt=attempt).select_related("card").first()
        if existing is None:
            raise
        return _replay(existing, learner, question)
    return RecordedAnswer(log=log, card=card, marking=marking, replayed=False)


def review_log(
    *,
    learner_id: int,
    question: QuestionView,
    attempt: str,
    context: str,
    answer: dict,
    marking: Marking,
    rating: int,
    answered_at: dt.datetime,
    duration_ms: int | None,
    memory: Memory,
    plan: PlannedReview,
    timing: ReviewTiming,
) -> ReviewLog:
    """The log row of one answer, unsaved: the single place that says what a review records (seed_demo uses it too)."""
    return ReviewLog(
        learner_id=learner_id,
        question_id=question.id,
        question_revision=question.revision,
        attempt=attempt,
        context=context,
        answer=answer,
        correct=marking.correct,
        partial=marking.partial,
        score=marking.score,
        rating=rating,
        rating_changed=rating not in (Rating.GOOD, Rating.AGAIN),
        reviewed_at=answered_at,
        duration_ms=duration_ms,
        state_before=memory.state,
        state_after=plan.memory.state,
        stability_after=plan.memory.stability,
        difficulty_after=plan.memory.difficulty,
        due_after=plan.memory.due,
        scheduled_days=plan.interval_days,
        retrievability=plan.recall_before,
        card_before=memory.as_json(),
        elapsed_days=timing.elapsed_days,
        interval_days_before=timing.interval_days_before,
        first_review_of_day=timing.first_review_of_day,
    )


@dataclass(frozen=True)
class ReviewTiming:
    elapsed_days: float | None
    interval_days_before: float | None
    first_review_of_day: bool


def review_timing(*, memory: Memory, answered_at: dt.datetime, zone: dt.tzinfo) -> ReviewTiming:
    """How this answer sits in the card's history: time since the last review, the interval it had, and whether it
    is the card's first answer of the learner's calendar day (true retention counts only those)."""
    if memory.last_review is None:
        return ReviewTiming(None, None, True)
    elapsed = (answered_at - memory.last_review).total_seconds() / 86400
    interval = (memory.due - memory.last_review).total_seconds() / 86400 if memory.due else None
    same_day = memory.last_review.astimezone(zone).date() == answered_at.astimezone(zone).date()
    return ReviewTiming(elapsed, interval, not same_day)


def _replay(existing: ReviewLog, learner: User, question: QuestionView) -> RecordedAnswer:
    if existing.learner_id != learner.pk or existing.question_id != question.id:
        raise StudyError("This answer could not be matched to your question. Reload the page and try again.")
    return RecordedAnswer(
        log=existing, card=existing.card, marking=mark_answer(question, existing.answer), replayed=True
    )


def _locked_card(*, learner: User, question_id: int, now: dt.datetime) -> Card:
    """The learner's card for the question, locked until the transaction ends; created at the first answer."""
    locked = Card.objects.select_for_update()
    card = locked.filter(learner=learner, question_id=question_id).first()
    if card is None:
        # Another tab may be creating the same card: whichever insert loses is ignored, then both lock the one row.
        Card.objects.bulk_create(
            [Card(learner=learner, question_id=question_id, state=MemoryState.LEARNING, due=now, created_at=now)],
            ignore_conflicts=True,
        )
        card = locked.get(learner=learner, question_id=question_id)
    return card


def apply_memory(card: Card, memory: Memory) -> None:
    """Give the card the memory a review left (shared with seed_demo, so seeded cards match recorded ones)."""
    card.state = memory.state
    card.step = memory.step
    card.stability = memory.stability
    card.difficulty = memory.difficulty
    card.due = memory.due
    card.last_review = memory.last_review
    card.last_review_days = memory.last_review.timestamp() / 86400 if memory.last_review else None


def change_rating(*, learner: User, log_id: int, rating: int) -> ReviewLog:
    """Let the learner say how a right answer felt (Again, Hard, Good, Easy) and re-plan the review from it.

    Only a right answer, and only the card's latest answer, can be re-rated: a wrong answer is always Again.
    """
    with transaction.atomic():
        log = ReviewLog.objects.select_related("card").filter(pk=log_id, learner=learner).first()
        if log is None:
            raise ReviewLog.DoesNotExist
        card = Card.objects.select_for_update().get(pk=log.card_id)
        if not log.correct:
            raise StudyError("A wrong answer is always rated Again, so it cannot be changed.")
        latest_id = card.logs.order_by("-reviewed_at", "-id").values_list("id", flat=True).first()
        if latest_id != log.pk:
            raise StudyError("This question has been answered again since; only the latest answer can be re-rated.")
        if rating == log.rating:
            return log
        plan = plan_review(
            card_id=card.pk,
            memory=Memory.from_json(log.card_before),
            rating=rating,
            reviewed_at=log.reviewed_at,
            desired_retention=learner.desired_retention,
        )
        log.rating = rating
        log.rating_changed = True
        log.state_after = plan.memory.state
        log.stability_after = plan.memory.stability
        log.difficulty_after = plan.memory.difficulty
        log.due_after = plan.memory.due
        log.scheduled_days = plan.interval_days
        log.save()
        apply_memory(card, plan.memory)
        card.save()
        log.card = card
        return log


def set_required_modules(*, learner: User, module_slugs: list[str]) -> User:
    """Set the modules that must stay in the learner's daily study (an educator assigned them)."""
    required = sorted(set(module_slugs))
    if required != sorted(learner.modules_required or []):
        learner.modules_required = required
        learner.save(update_fields=["modules_required"])
    return learner


def set_flag(*, learner: User, question_id: int, flagged: bool) -> bool:
    """Flag or unflag a question for oneself; returns the new state."""
    if flagged:
        Flag.objects.get_or_create(learner=learner, question_id=question_id)
    else:
        Flag.objects.filter(learner=learner, question_id=question_id).delete()
    return flagged


def report_problem(*, learner: User, question: QuestionView, text: str) -> ProblemReport:
    return ProblemReport.objects.create(
        learner=learner, question_id=question.id, question_revision=question.revision, text=text
    )


def update_study_settings(
    *,
    learner: User,
    desired_retention: float,
    new_per_day: int,
    modules_in_study: list[str],
    all_module_slugs: list[str],
    time_zone: str,
) -> User:
    learner.desired_retention = desired_retention
    learner.new_per_day = new_per_day
    learner.modules_left_out = sorted(set(all_module_slugs) - set(modules_in_study))
    learner.time_zone = time_zone
    learner.save(update_fields=["desired_retention", "new_per_day", "modules_left_out", "time_zone"])
    return learner


@transaction.atomic
def start_practice_test(
    *,
    learner: User,
    question_ids: list[int],
    mode: str,
    pool: str,
    module_slugs: list[str],
    title: str,
    time_limit_minutes: int | None,
    now: dt.datetime,
    shuffle: bool = True,
) -> PracticeTest:
    """Create a practice test over the given questions (in random order unless told otherwise)."""
    if not question_ids:
        raise StudyError("No questions match this choice. Try another pool or more modules.")
    ids = list(dict.fromkeys(question_ids))
    if shuffle:
        random.shuffle(ids)
    test = PracticeTest.objects.create(
        learner=learner,
        mode=mode,
        pool=pool,
        module_slugs=module_slugs,
        title=title,
        time_limit_minutes=time_limit_minutes if mode == PracticeMode.EXAM else None,
        created_at=now,
        deadline=now + dt.timedelta(minutes=time_limit_minutes)
        if mode == PracticeMode.EXAM and time_limit_minutes
        else None,
    )
    PracticeItem.objects.bulk_create(
        PracticeItem(test=test, question_id=question_id, position=position)
        for position, question_id in enumerate(ids, start=1)
    )
    return test


def finish_practice_test(*, test: PracticeTest, now: dt.datetime) -> PracticeTest:
    if test.finished_at is None:
        test.finished_at = now
        test.save(update_fields=["finished_at"])
    return test


def live_question(question_id: int) -> QuestionView:
    """The question to answer, or a StudyError when it no longer exists or was withdrawn."""
    question = catalog().questions.get(question_id)
    if question is None or question.retired:
        raise StudyError("This question has been withdrawn from the bank. Carry on with the next one.")
    return question
