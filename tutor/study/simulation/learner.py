"""One synthetic learner's days of study, each answer reviewed through the real review core and scheduler."""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
from dataclasses import dataclass, field

from tutor.accounts.models import User
from tutor.catalog.snapshot import CatalogSnapshot
from tutor.study.models import (
    Card,
    MemoryState,
    PracticeItem,
    PracticeMode,
    PracticePool,
    PracticeTest,
    Rating,
    ReviewContext,
    ReviewLog,
)
from tutor.study.review import CardTally, ReviewOutcome, rating_for_answer, review
from tutor.study.scheduler import Memory, plan_review, predicted_recall
from tutor.study.selectors import interleaved_new_questions, modules_in_daily_study

# review, apply_outcome and review_log are how record_answer moves a card on and records an answer; sharing them
# keeps seeded cards and logs exactly like recorded ones.
from tutor.study.services import apply_outcome, review_log
from tutor.study.simulation.habits import (
    LAST_ANSWER_MARGIN,
    MAX_ANSWER_SECONDS,
    MOST_LIKELY_RIGHT,
    PRACTICE_TITLE,
    UTC,
    WAIT_FOR_STEP,
    AnswerBank,
    Habits,
)


@dataclass(eq=False)
class _CardMemory:
    """What the simulation tracks of one card between answers."""

    card: Card
    memory: Memory = field(default_factory=Memory)
    # The learner's true memory of the question (ground truth), which the scheduler never sees.
    truth: Memory = field(default_factory=Memory)
    tally: CardTally = field(default_factory=CardTally)
    last_outcome: ReviewOutcome | None = None
    last_log: ReviewLog | None = None
    version: int = 0


@dataclass
class LearnerHistory:
    """One learner's simulated history, as unsaved rows (the learner row is saved already)."""

    cards: list[Card] = field(default_factory=list)
    logs: list[ReviewLog] = field(default_factory=list)
    # The card of each log, whose id is known only once the cards are inserted.
    log_cards: list[Card] = field(default_factory=list)
    tests: list[PracticeTest] = field(default_factory=list)
    items: list[PracticeItem] = field(default_factory=list)
    # Each answered card and its latest log, to point the card at it once both have ids.
    last_logs: list[tuple[Card, ReviewLog]] = field(default_factory=list)
    # The learner's misconception rows, which the seeder works out from the logs (`misconceptions_of_answers`).
    misconceptions: list = field(default_factory=list)


class LearnerSimulation:
    """Simulates one learner's days: study sessions in their own day, practice tests, each answer planned by FSRS."""

    def __init__(
        self,
        *,
        learner: User,
        habits: Habits,
        snapshot: CatalogSnapshot,
        bank: AnswerBank,
        rng: random.Random,
        until: dt.datetime,
        days: int,
        deadlines: dict[str, dt.datetime] | None = None,
        scheduler_parameters: tuple[float, ...] | None = None,
    ) -> None:
        self.deadlines = deadlines or {}
        self.scheduler_parameters = scheduler_parameters
        self.learner = learner
        self.habits = habits
        self.snapshot = snapshot
        self.bank = bank
        self.rng = rng
        self.until = until
        self.days = days
        self.zone = learner.zone
        self.history = LearnerHistory()
        self.cards: dict[int, _CardMemory] = {}
        self.due_heap: list[tuple[float, int, int]] = []  # (due timestamp, question id, card version)
        in_scope = modules_in_daily_study(learner, snapshot)
        self.new_questions = [q.id for q in reversed(interleaved_new_questions(snapshot, in_scope))]
        self.live_ids = sorted(q.id for q in snapshot.live_questions)
        self.attempts = 0
        self.stop = until

    # --- days and sessions ----------------------------------------------------------------------------------

    def run(self) -> LearnerHistory:
        habits, rng = self.habits, self.rng
        last_date = self.until.astimezone(self.zone).date()
        for day in range(self.days):
            # Draw every day's dice, studied or not, so that one habit does not shift the others' randomness.
            studies = rng.random() < habits.study_chance
            hour = min(22.5, max(5.0, habits.session_hour + rng.gauss(0, 0.6)))
            second = rng.random() < habits.second_session_chance
            practises = rng.random() < habits.practice_chance
            if not studies or not habits.first_day <= day <= habits.last_day:
                continue
            date = last_date - dt.timedelta(days=self.days - 1 - day)
            day_start = dt.datetime(date.year, date.month, date.day, tzinfo=self.zone)
            # Stop at the learner's midnight, and early enough that no answer lands after the end of the history.
            self.stop = min((day_start + dt.timedelta(days=1)).astimezone(UTC), self.until - LAST_ANSWER_MARGIN)
            moment = (day_start + dt.timedelta(hours=hour)).astimezone(UTC)
            allowance = [habits.new_per_day]
            answered_before = len(self.history.logs)
            moment = self._study_session(moment, allowance)
            if habits.reviews_wanted:
                # Spread the reviews still wanted over the days left; practice tests make up today's share.
                share = math.ceil((habits.reviews_wanted - answered_before) / (self.days - day))
                still = share - (len(self.history.logs) - answered_before)
                while still > 0 and moment < self.stop:
                    size = min(habits.practice_size, still)
                    before = len(self.history.logs)
                    moment = self._practice_test(moment + dt.timedelta(minutes=1), allowance, size)
                    if len(self.history.logs) == before:
                        break
                    still -= len(self.history.logs) - before
            elif practises:
                moment = self._practice_test(moment + dt.timedelta(minutes=2), allowance, habits.practice_size)
            if second:
                self._study_session(moment + dt.timedelta(hours=rng.uniform(2, 6)), allowance)
        self._finish_cards()
        return self.history

    def _study_session(self, moment: dt.datetime, allowance: list[int]) -> dt.datetime:
        """Answer due cards first, then new ones up to today's allowance; wait for a learning step if patient."""
        for _ in range(self.habits.stamina):
            if moment >= self.stop:
                break
            due = self._next_due(moment)
            if due is not None:
                moment = self._answer(due, moment)
            elif allowance[0] > 0 and self.new_questions:
                question_id = self.new_questions.pop()
                if question_id in self.cards:  # met first in a practice test
                    continue
                moment = self._answer(self._new_card(question_id, moment, allowance), moment)
            else:
                soonest = self._soonest_due()
                if soonest is None or soonest - moment > WAIT_FOR_STEP or self.rng.random() > self.habits.patience:
                    break
                moment = soonest
        return moment

    def _practice_test(self, moment: dt.datetime, allowance: list[int], size: int) -> dt.datetime:
        """A tutor-mode test over a random draw of all questions; unseen ones become cards, as in the app."""
        if moment >= self.stop or size <= 0:
            return moment
        drawn = self.rng.sample(self.live_ids, min(size, len(self.live_ids)))
        test = PracticeTest(
            learner_id=self.learner.pk,
            mode=PracticeMode.TUTOR,
            pool=PracticePool.ALL,
            module_slugs=[],
            title=PRACTICE_TITLE,
            time_limit_minutes=None,
            created_at=moment,
        )
        self.history.tests.append(test)
        for position, question_id in enumerate(drawn, start=1):
            item = PracticeItem(test=test, question_id=question_id, position=position)
            self.history.items.append(item)
            if moment >= self.stop:
                continue  # the test stays unfinished, its remaining items unanswered
            card = self.cards.get(question_id) or self._new_card(question_id, moment, allowance)
            moment = self._answer(card, moment, item=item)
            test.finished_at = moment if position == len(drawn) else None
        return moment

    # --- one answer -------------------------------------------------------------------------------------------

    def _new_card(self, question_id: int, moment: dt.datetime, allowance: list[int]) -> _CardMemory:
        allowance[0] -= 1
        card = Card(learner_id=self.learner.pk, question_id=question_id, due=moment, created_at=moment)
        simulated = _CardMemory(card=card)
        self.cards[question_id] = simulated
        self.history.cards.append(card)
        return simulated

    def _answer(self, simulated: _CardMemory, shown_at: dt.datetime, item: PracticeItem | None = None) -> dt.datetime:
        """Answer one question at `shown_at`; returns when the learner is ready for the next one."""
        habits, rng = self.habits, self.rng
        question = self.snapshot.questions[simulated.card.question_id]
        memory = simulated.memory
        recall = true_recall = None
        if memory.state != MemoryState.NEW:
            recall = predicted_recall(memory=memory, at=shown_at, parameters=self.scheduler_parameters)
            true_recall = self.true_recall(simulated, shown_at)
        if rng.random() < self._chance_right(simulated, true_recall):
            answer, marking = self.bank.right(question.id)
        else:
            answer, marking = self.bank.wrong(question.id, rng)
        seconds = rng.lognormvariate(math.log(habits.seconds_per_answer), 0.45) * (1.0 if marking.correct else 1.3)
        duration_ms = int(min(seconds, MAX_ANSWER_SECONDS) * 1000)
        answered_at = shown_at + dt.timedelta(milliseconds=duration_ms)
        rating = rating_for_answer(correct=marking.correct)
        if marking.correct and rng.random() < habits.rerate_chance:
            # The learner chose another rating on the feedback screen; the seeded log records it as given.
            rating = Rating.EASY if recall is None or recall > 0.8 or rng.random() < 0.4 else Rating.HARD
        outcome = review(
            card_id=0,
            memory=memory,
            tally=simulated.tally,
            correct=marking.correct,
            rating=rating,
            at=answered_at,
            desired_retention=habits.desired_retention,
            zone=self.zone,
            parameters=self.scheduler_parameters,
            deadline=self.deadlines.get(question.module_slug),
        )
        # The true memory moves on with the same answer, by the learner's own parameters.
        simulated.truth = plan_review(
            card_id=0,
            memory=simulated.truth,
            rating=rating,
            reviewed_at=answered_at,
            desired_retention=0.9,
            parameters=habits.memory_parameters,
        ).memory
        self.attempts += 1
        log = review_log(
            learner_id=self.learner.pk,
            question=question,
            attempt=f"seed-{self.learner.username}-{self.attempts:06d}",
            context=ReviewContext.PRACTICE if item is not None else ReviewContext.STUDY,
            answer=answer,
            marking=marking,
            answered_at=answered_at,
            duration_ms=duration_ms,
            outcome=outcome,
        )
        self.history.logs.append(log)
        self.history.log_cards.append(simulated.card)
        if item is not None:
            item.review_log = log
        if simulated.tally.reps == 0:
            simulated.card.created_at = answered_at  # record_answer creates the card when the answer arrives
        simulated.memory = outcome.memory
        simulated.tally = outcome.tally
        simulated.last_outcome = outcome
        simulated.last_log = log
        simulated.version += 1
        heapq.heappush(self.due_heap, (outcome.memory.due.timestamp(), question.id, simulated.version))
        # Reading the feedback before the next question.
        return answered_at + dt.timedelta(seconds=rng.uniform(3, 12) * (1.0 if marking.correct else 2.0))

    def true_recall(self, simulated: _CardMemory, at: dt.datetime) -> float:
        """The learner's real chance of recalling the card at `at`, by their ground-truth memory (0 if never seen)."""
        return predicted_recall(memory=simulated.truth, at=at, parameters=self.habits.memory_parameters)

    def _chance_right(self, simulated: _CardMemory, true_recall: float | None) -> float:
        """The learner's chance of a right answer: at first sight, their own level less a margin; on a learning
        step minutes later, a little above it; on a review, their true recall of the card."""
        base = self.habits.accuracy
        if true_recall is None:
            chance = base - 0.25
        elif simulated.memory.state != MemoryState.REVIEW:
            chance = base + 0.02
        else:
            chance = true_recall
        return min(MOST_LIKELY_RIGHT, max(0.05, chance))

    # --- the due queue ----------------------------------------------------------------------------------------

    def _next_due(self, moment: dt.datetime) -> _CardMemory | None:
        """The card due longest ago, if any is due at `moment`.

        The study page orders due cards by predicted recall instead; the order of reviews within a session changes
        nothing about each card's consistency, and a heap by due date keeps the simulation fast.
        """
        limit = moment.timestamp()
        heap = self.due_heap
        while heap:
            due_at, question_id, version = heap[0]
            simulated = self.cards[question_id]
            if version != simulated.version:
                heapq.heappop(heap)  # answered since in a practice test: a newer entry exists
                continue
            if due_at > limit:
                return None
            heapq.heappop(heap)
            return simulated
        return None

    def _soonest_due(self) -> dt.datetime | None:
        heap = self.due_heap
        while heap and heap[0][2] != self.cards[heap[0][1]].version:
            heapq.heappop(heap)
        if not heap:
            return None
        return dt.datetime.fromtimestamp(heap[0][0], tz=UTC)

    def _finish_cards(self) -> None:
        """Give every card the memory its last answer left, as `record_answer` does after each answer."""
        for simulated in self.cards.values():
            if simulated.last_outcome is not None:
                apply_outcome(simulated.card, simulated.last_outcome)
                self.history.last_logs.append((simulated.card, simulated.last_log))


@dataclass(frozen=True)
class LearnerPlan:
    """Everything needed to simulate one learner."""

    learner: User
    habits: Habits
    rng: random.Random
    fuzz_seed: str


@dataclass(frozen=True)
class Population:
    """What every learner's simulation shares: the catalog, its answers, and the window of history."""

    snapshot: CatalogSnapshot
    bank: AnswerBank
    until: dt.datetime
    days: int


def simulate_learner(plan: LearnerPlan, population: Population) -> LearnerHistory:
    """Simulate one learner. The same plan gives the same history, whichever learners were simulated before."""
    # The scheduler draws its interval fuzz from the global generator: seed it for each learner.
    random.seed(plan.fuzz_seed)
    return LearnerSimulation(
        learner=plan.learner,
        habits=plan.habits,
        snapshot=population.snapshot,
        bank=population.bank,
        rng=plan.rng,
        until=population.until,
        days=population.days,
    ).run()
