"""Writes of the study loop: recording answers, changing a rating, flags, reports, settings, practice tests."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from tutor.accounts.models import User
from tutor.catalog.snapshot import QuestionView, catalog
from tutor.study.locked_cards import locked_card
from tutor.study.marking import Marking, mark_answer
from tutor.study.models import (
    Card,
    Flag,
    PracticeItem,
    PracticeMode,
    PracticeTest,
    ProblemReport,
    RatingChange,
    ReviewContext,
    ReviewLog,
)
from tutor.study.prepared import PreparedInsert, PreparedUpdate
from tutor.study.review import CardTally, ReviewOutcome, rating_for_answer, review
from tutor.study.scheduler import Memory
from tutor.study.signals import answer_logged, answer_recorded, practice_test_finished

# The most new questions a day a learner may choose (the database holds the same bound).
MAX_NEW_PER_DAY = 200


class StudyError(Exception):
    """A request the learner can be told about in plain words (answered with a 4xx)."""


@dataclass(frozen=True)
class RecordedAnswer:
    log: ReviewLog
    card: Card
    marking: Marking
    replayed: bool
    # Whether the learner has flagged the question (read with the card's lock; None on a replay, not read).
    flagged: bool | None = None


def record_answer(
    *,
    learner: User,
    question: QuestionView,
    answer: dict,
    attempt: str,
    duration_ms: int | None = None,
    practice_item: PracticeItem | None = None,
    clock: Callable[[], dt.datetime] = timezone.now,
) -> RecordedAnswer:
    """Mark an answer, append its review log and move the card on, all in one transaction.

    The card row (and a practice test's row) is locked before the time of the answer is read, so the answers to
    one card are dated in the order they are applied, never earlier than the card's last review: two tabs
    answering the same card cannot lose an update or date the later one first. A practice answer is refused once
    its test has ended. A replayed attempt (double click, retry, back button) hits the unique attempt of the first
    recording, which is then returned unchanged: nothing is written twice.
    """
    marking = mark_answer(question, answer)
    try:
        with transaction.atomic():
            # The test's row first, then the card's: the same order everywhere, so two requests cannot deadlock.
            test = PracticeTest.objects.select_for_update().get(pk=practice_item.test_id) if practice_item else None
            card = locked_card(learner=learner, question=question, clock=clock)
            flagged = card.flagged
            answered_at = _time_of_answer(card, clock())
            if test is not None:
                _refuse_if_ended(test, answered_at)
            outcome = review(
                card_id=card.pk,
                memory=Memory.of_card(card),
                tally=CardTally(card.reps, card.lapses, card.is_leech),
                correct=marking.correct,
                rating=rating_for_answer(correct=marking.correct),
                at=answered_at,
                desired_retention=learner.desired_retention,
                zone=learner.zone,
                parameters=card.parameters_in_force,
                deadline=card.deadline,
            )
            log = review_log(
                learner_id=learner.pk,
                question=question,
                attempt=attempt,
                context=ReviewContext.PRACTICE if practice_item else ReviewContext.STUDY,
                answer=answer,
                marking=marking,
                answered_at=answered_at,
                duration_ms=duration_ms,
                outcome=outcome,
            )
            log.card = card
            LOG_INSERT.insert(log)
            answer_logged.send(sender=ReviewLog, log=log, zone=learner.zone)
            apply_outcome(card, outcome, log=log)
            CARD_UPDATE.update(card)
            if test is not None:
                _link_practice_answer(test=test, item=practice_item, log=log)
            transaction.on_commit(
                lambda: answer_recorded.send(
                    sender=ReviewLog,
                    learner_id=learner.pk,
                    learner=learner,
                    question_id=question.id,
                    answered_at=answered_at,
                    test_id=test.pk if test else None,
                    log_id=log.pk,
                    log=log,
                    question_revision=log.question_revision,
                    answer=log.answer,
                    held_targeted=card.held_targeted,
                )
            )
    except (IntegrityError, TestEnded):
        # The same attempt was recorded a moment ago (a double submit, perhaps the one that ended the test):
        # answer as a replay. Otherwise the error stands.
        existing = ReviewLog.objects.filter(attempt=attempt).select_related("card").first()
        if existing is None:
            raise
        return _replay(existing, learner, question)
    return RecordedAnswer(log=log, card=card, marking=marking, replayed=False, flagged=flagged)


class TestEnded(StudyError):
    """The practice test has been finished or its time is up: no more answers count."""


def _time_of_answer(card: Card, now: dt.datetime) -> dt.datetime:
    """The moment an answer is dated: read under the card's lock, and never before the card's last review."""
    if card.last_review is not None and now < card.last_review:
        return card.last_review
    return now


def _refuse_if_ended(test: PracticeTest, moment: dt.datetime) -> None:
    """Refuse an answer to a test that has ended, checked under the test's lock with the answer's own time."""
    if test.finished_at is not None:
        raise TestEnded("This test is finished: answers after the end are not recorded.")
    if test.ended_at(moment) is not None:
        raise TestEnded("Time is up for this test: answers after the end are not recorded.")


def _link_practice_answer(*, test: PracticeTest, item: PracticeItem, log: ReviewLog) -> None:
    """Attach the answer to its test item; the test ends with the answer to its last live question."""
    if not PracticeItem.objects.filter(pk=item.pk, test=test, review_log__isnull=True).update(review_log=log):
        raise StudyError("This question of the test has already been answered.")
    questions = catalog().questions
    left = PracticeItem.objects.filter(test=test, review_log__isnull=True).values_list("question_id", flat=True)
    if not any(question_id in questions and not questions[question_id].retired for question_id in left):
        _finish(test, log.reviewed_at)


def review_log(
    *,
    learner_id: int,
    question: QuestionView,
    attempt: str,
    context: str,
    answer: dict,
    marking: Marking,
    answered_at: dt.datetime,
    duration_ms: int | None,
    outcome: ReviewOutcome,
) -> ReviewLog:
    """The log row of one answer, unsaved: the single place that says what a review records (seed_demo uses it too)."""
    memory_before, timing = outcome.memory_before, outcome.timing
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
        rating=outcome.rating,
        rating_changed=outcome.rating != rating_for_answer(correct=marking.correct),
        reviewed_at=answered_at,
        duration_ms=duration_ms,
        state_before=memory_before.state,
        state_after=outcome.memory.state,
        stability_after=outcome.memory.stability,
        difficulty_after=outcome.memory.difficulty,
        due_after=outcome.memory.due,
        scheduled_days=outcome.interval_days,
        retrievability=outcome.recall_before,
        card_before=memory_before.as_json(),
        elapsed_days=timing.elapsed_days,
        interval_days_before=timing.interval_days_before,
        first_review_of_day=timing.first_review_of_day,
    )


def _replay(existing: ReviewLog, learner: User, question: QuestionView) -> RecordedAnswer:
    if existing.learner_id != learner.pk or existing.question_id != question.id:
        raise StudyError("This answer could not be matched to your question. Reload the page and try again.")
    return RecordedAnswer(
        log=existing, card=existing.card, marking=mark_answer(question, existing.answer), replayed=True
    )


# What an answer changes on its card; saving only these keeps the UPDATE short.
CARD_FIELDS_AN_ANSWER_CHANGES = [
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "last_review_days",
    "reps",
    "lapses",
    "is_leech",
    "last_answer_correct",
    "last_log",
]
# An answer's two writes, their SQL written once (see `prepared`).
LOG_INSERT = PreparedInsert(ReviewLog)
CARD_UPDATE = PreparedUpdate(Card, CARD_FIELDS_AN_ANSWER_CHANGES)


def apply_memory(card: Card, memory: Memory) -> None:
    """Give the card the memory a review left."""
    card.state = memory.state
    card.step = memory.step
    card.stability = memory.stability
    card.difficulty = memory.difficulty
    card.due = memory.due
    card.last_review = memory.last_review
    card.last_review_days = memory.last_review.timestamp() / 86400 if memory.last_review else None


def apply_outcome(card: Card, outcome: ReviewOutcome, *, log: ReviewLog | None = None) -> None:
    """Move the card on by one review (shared with seed_demo and the test factories, so all cards move alike)."""
    apply_memory(card, outcome.memory)
    card.reps = outcome.tally.reps
    card.lapses = outcome.tally.lapses
    card.is_leech = outcome.tally.is_leech
    card.last_answer_correct = outcome.correct
    if log is not None:
        card.last_log = log


def change_rating(*, learner: User, log_id: int, rating: int, clock: Callable[[], dt.datetime] = timezone.now):
    """Let the learner say how a right answer felt (Again, Hard, Good, Easy) and re-plan the review from it.

    Only a right answer, and only the answer the card carries now, can be re-rated: a wrong answer is always
    Again, and an answer another tab has since followed is history. The change is appended as its own row; the
    answer's log keeps the plan made at the time. Returns the log annotated with the rating in force.
    """
    with transaction.atomic():
        log = ReviewLog.objects.filter(pk=log_id, learner=learner).first()
        if log is None:
            raise ReviewLog.DoesNotExist
        card = Card.objects.select_for_update().get(pk=log.card_id)
        if not log.correct:
            raise StudyError("A wrong answer is always rated Again, so it cannot be changed.")
        if card.last_log_id != log.pk:
            raise StudyError("This question has been answered again since; only the latest answer can be re-rated.")
        in_force = ReviewLog.objects.with_rating_in_force().get(pk=log.pk)
        if rating != in_force.rating_in_force:
            outcome = review(
                card_id=card.pk,
                memory=Memory.from_json(log.card_before),
                tally=CardTally(card.reps - 1, card.lapses, card.is_leech),
                correct=True,
                rating=rating,
                at=log.reviewed_at,
                desired_retention=learner.desired_retention,
                zone=learner.zone,
            )
            RatingChange.objects.create(
                log=log,
                rating=rating,
                changed_at=max(clock(), log.reviewed_at),
                state_after=outcome.memory.state,
                stability_after=outcome.memory.stability,
                difficulty_after=outcome.memory.difficulty,
                due_after=outcome.memory.due,
                scheduled_days=outcome.interval_days,
            )
            apply_outcome(card, outcome)
            card.save()
            in_force.changed_rating, in_force.changed_due = rating, outcome.memory.due
        in_force.card = card
        return in_force


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


def raise_new_per_day(*, learner: User, at_least: int) -> User:
    """Raise the learner's daily limit of new questions to `at_least` (never lowers it; at most the site's 200)."""
    wanted = min(max(at_least, learner.new_per_day), MAX_NEW_PER_DAY)
    if wanted != learner.new_per_day:
        learner.new_per_day = wanted
        learner.save(update_fields=["new_per_day"])
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


def finish_practice_test(
    *, learner: User, test_id: int, clock: Callable[[], dt.datetime] = timezone.now
) -> PracticeTest:
    """End the learner's practice test now (if it has not ended already), under the test's lock, so that no
    answer can be recorded after the moment it ended."""
    with transaction.atomic():
        test = PracticeTest.objects.select_for_update().filter(pk=test_id, learner=learner).first()
        if test is None:
            raise PracticeTest.DoesNotExist
        if test.ended_at(clock()) is None:
            _finish(test, clock())
    return test


def _finish(test: PracticeTest, moment: dt.datetime) -> None:
    test.finished_at = moment
    test.save(update_fields=["finished_at"])
    transaction.on_commit(
        lambda: practice_test_finished.send(
            sender=PracticeTest, learner_id=test.learner_id, test_id=test.pk, finished_at=moment
        )
    )


def live_question(question_id: int) -> QuestionView:
    """The question to answer, or a StudyError when it no longer exists or was withdrawn."""
    question = catalog().questions.get(question_id)
    if question is None or question.retired:
        raise StudyError("This question has been withdrawn from the bank. Carry on with the next one.")
    return question
