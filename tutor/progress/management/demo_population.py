"""A synthetic population of learners for demos and benchmarks, simulated through the real scheduler.

Nothing here touches the database: each learner's history is simulated day by day in their own time zone and
returned as unsaved model instances (cards, review logs, practice tests and their items) that the `seed_demo`
command inserts in bulk. Every answer goes through `plan_review` in time order per card, with the learner's
desired retention, and every log is filled as `record_answer` fills it, so cards and logs are consistent: replaying
a card's logs through the scheduler gives the card.

Each learner's answers are drawn from a ground-truth memory: FSRS with parameters of their own, drawn around the
library's defaults (some learners forget faster, some slower), while the app schedules them as it schedules anyone
(the defaults, or whatever set is in force). So the scheduler's predictions are wrong for each learner in their own
way, and fitting personal parameters has something to find.

Habits vary: some learners study daily, some skip days or drop out; some join late. A study session reviews the
due cards first, then introduces new questions up to the learner's daily limit, and stops when nothing is left or
the learner's stamina runs out, so a few due cards wait for another day, as in life.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import math
import random
from dataclasses import dataclass, field

from tutor.accounts.models import User
from tutor.catalog.snapshot import CatalogSnapshot, QuestionView
from tutor.study.marking import Marking, mark_answer
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
from tutor.study.scheduler import DEFAULT_PARAMETERS, Memory, plan_review, predicted_recall
from tutor.study.selectors import interleaved_new_questions, modules_in_daily_study

# review, apply_outcome and review_log are how record_answer moves a card on and records an answer; sharing them
# keeps seeded cards and logs exactly like recorded ones.
from tutor.study.services import apply_outcome, review_log

UTC = dt.UTC
# "" is the site's time zone, as for a learner who never chose one.
TIME_ZONES = (
    "",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Australia/Sydney",
    "Asia/Kolkata",
)
PRACTICE_TITLE = f"{PracticePool.ALL.label} · All modules"
# A learning step comes back within minutes; a patient learner waits for it rather than leaving.
WAIT_FOR_STEP = dt.timedelta(minutes=15)
# Longer than any one answer and its feedback, so that the last answer of a history is not after its end.
LAST_ANSWER_MARGIN = dt.timedelta(minutes=15)
MAX_ANSWER_SECONDS = 600
# Even a question known by heart is sometimes misread or misclicked.
MOST_LIKELY_RIGHT = 0.97


@dataclass(frozen=True)
class Habits:
    """How one synthetic learner studies. Days are indexes into the simulated window, 0 being the oldest."""

    accuracy: float
    desired_retention: float
    new_per_day: int
    time_zone: str
    study_chance: float
    first_day: int
    last_day: int
    session_hour: float
    second_session_chance: float
    stamina: int
    seconds_per_answer: float
    patience: float
    rerate_chance: float
    practice_chance: float
    practice_size: int
    reviews_wanted: int = 0
    # The learner's true memory: FSRS parameters the answers are drawn from (None: the library's defaults).
    memory_parameters: tuple[float, ...] | None = None


def ground_truth_parameters(rng: random.Random) -> tuple[float, ...]:
    """One learner's true memory, drawn around FSRS's defaults: first-answer stabilities (w0-w3) scaled by a
    log-normal factor, the growth of stability after a success (w8) scaled by a smaller one, and the forgetting
    curve's decay (w20) anywhere in 0.1-0.5. All inside the library's bounds."""
    w = list(DEFAULT_PARAMETERS)
    first = math.exp(rng.gauss(0, 0.6))
    for index in range(4):
        w[index] = min(100.0, max(0.01, w[index] * first * math.exp(rng.gauss(0, 0.15))))
    w[8] = min(4.5, max(0.2, w[8] * math.exp(rng.gauss(0, 0.25))))
    w[20] = rng.uniform(0.1, 0.5)
    return tuple(w)


def demo_habits(rng: random.Random, *, accuracy: float, days: int) -> Habits:
    """Habits drawn for one ordinary demo learner, around the wanted mean accuracy."""
    kind = rng.choices(("daily", "regular", "sporadic", "lapsed"), weights=(20, 35, 20, 25))[0]
    study_chance = {
        "daily": rng.uniform(0.85, 0.99),
        "regular": rng.uniform(0.45, 0.8),
        "sporadic": rng.uniform(0.15, 0.4),
        "lapsed": rng.uniform(0.5, 0.9),
    }[kind]
    # About half start in the first days (an invitation went out), the others trickle in.
    first_day = rng.randrange(0, max(1, days // 20)) if rng.random() < 0.5 else rng.randrange(0, max(1, 2 * days // 3))
    last_day = days - 1
    if kind == "lapsed":
        last_day = min(days - 1, first_day + max(3, int((days - first_day) * rng.uniform(0.1, 0.5))))
    return Habits(
        accuracy=min(0.97, max(0.35, rng.gauss(accuracy, 0.06))),
        desired_retention=rng.choices((0.85, 0.88, 0.9, 0.92, 0.95), weights=(10, 10, 60, 12, 8))[0],
        new_per_day=rng.choices((5, 10, 15, 20, 30), weights=(10, 25, 20, 35, 10))[0],
        time_zone=rng.choice(TIME_ZONES),
        study_chance=study_chance,
        first_day=first_day,
        last_day=last_day,
        session_hour=rng.choice((6.5, 7.5, 12.5, 17.5, 19.5, 21.0)) + rng.uniform(-0.5, 0.5),
        second_session_chance=rng.choice((0.0, 0.0, 0.1, 0.3)),
        stamina=rng.randrange(25, 140),
        seconds_per_answer=rng.uniform(14, 45),
        patience=rng.uniform(0.3, 0.95),
        rerate_chance=rng.choice((0.0, 0.0, 0.1, 0.25)),
        practice_chance=rng.choice((0.0, 0.0, 0.0, 0.05, 0.15)),
        practice_size=rng.choice((10, 20, 20, 30)),
    )


def heavy_habits(rng: random.Random, *, accuracy: float, days: int, reviews: int) -> Habits:
    """A learner who studies every day and takes practice tests on top, to reach about `reviews` answers."""
    return Habits(
        accuracy=min(0.97, accuracy + 0.05),
        desired_retention=0.9,
        new_per_day=20,
        time_zone="Europe/London",
        study_chance=1.0,
        first_day=0,
        last_day=days - 1,
        session_hour=7.0,
        second_session_chance=0.0,
        stamina=10_000,
        seconds_per_answer=11.0,
        patience=1.0,
        rerate_chance=0.15,
        practice_chance=1.0,
        practice_size=50,
        reviews_wanted=reviews,
    )


def memory_json(memory: Memory) -> dict:
    """What a log keeps of the card before the answer (kept for the seed's tests; the same as `Memory.as_json`)."""
    return memory.as_json()


class AnswerBank:
    """For each question, its right answer and a few plausible wrong ones, each marked once by the real marker."""

    def __init__(self, questions: list[QuestionView]) -> None:
        self._right: dict[int, tuple[dict, Marking]] = {}
        self._wrong: dict[int, list[tuple[dict, Marking]]] = {}
        for question in questions:
            right, wrong = _answers(question)
            self._right[question.id] = (right, mark_answer(question, right))
            marked = [(answer, mark_answer(question, answer)) for answer in wrong]
            self._wrong[question.id] = [(answer, marking) for answer, marking in marked if not marking.correct]

    def right(self, question_id: int) -> tuple[dict, Marking]:
        return self._right[question_id]

    def wrong(self, question_id: int, rng: random.Random) -> tuple[dict, Marking]:
        """A wrong answer; the right one only if the question admits no wrong answer at all."""
        wrong = self._wrong[question_id]
        return rng.choice(wrong) if wrong else self._right[question_id]


def _answers(question: QuestionView) -> tuple[dict, list[dict]]:
    """The right answer and wrong ones in the JSON shape the answer form produces, as the question's type says."""
    spec = question.type_spec
    return spec.right_answer(question), spec.wrong_answers(question)


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


# --- Deadline trial: the same cohort and assignment, with and without deadline scheduling -------------------------


@dataclass(frozen=True)
class DeadlineRun:
    """What one run of a cohort's assignment came to on its due date."""

    with_deadline: bool
    pairs: int  # (learner, assigned question) pairs
    ready: int  # pairs whose true recall on the due date is at least the learner's desired retention
    recall_sum: float  # summed true recall on the due date: the expected number of pairs recalled
    reviews: int  # answers to the assigned module's questions before the due date
    all_reviews: int  # every answer before the due date

    @property
    def ready_share(self) -> float:
        return self.ready / self.pairs if self.pairs else 0.0

    @property
    def recalled_share(self) -> float:
        return self.recall_sum / self.pairs if self.pairs else 0.0


def deadline_trial(
    *,
    snapshot: CatalogSnapshot,
    module_slug: str,
    learners: int,
    days: int,
    seed: int,
    until: dt.datetime,
    scope: str = "module",
) -> tuple[DeadlineRun, DeadlineRun]:
    """Simulate one cohort assigned one module, due at `until` after `days` of study, twice: without and with
    deadline scheduling. Same learners, same habits, same true memories, same dice; only the scheduling differs.

    The cohort joins on day 0 and keeps studying to the due date (an assigned cohort); each learner studies the
    assigned module only (`scope="module"`) or every module (`scope="all"`).
    """
    bank = AnswerBank(list(snapshot.live_questions))
    assigned = [q.id for q in snapshot.live_questions if q.module_slug == module_slug]
    other_slugs = sorted({m.slug for m in snapshot.modules.values()} - {module_slug})
    runs = []
    for with_deadline in (False, True):
        pairs = ready = reviews = all_reviews = 0
        recall_sum = 0.0
        for number in range(1, learners + 1):
            name = f"cohort-{number:03d}"
            rng = random.Random(f"{seed}:{name}")
            habits = dataclasses.replace(
                demo_habits(rng, accuracy=0.8, days=days),
                first_day=0,
                last_day=days - 1,
                memory_parameters=ground_truth_parameters(random.Random(f"{seed}:{name}:memory")),
            )
            learner = User(
                username=name,
                time_zone=habits.time_zone,
                desired_retention=habits.desired_retention,
                new_per_day=habits.new_per_day,
                modules_required=[module_slug],
                modules_left_out=other_slugs if scope == "module" else [],
            )
            random.seed(f"{seed}:{name}:fuzz")
            simulation = LearnerSimulation(
                learner=learner,
                habits=habits,
                snapshot=snapshot,
                bank=bank,
                rng=rng,
                until=until,
                days=days,
                deadlines={module_slug: until} if with_deadline else None,
            )
            history = simulation.run()
            all_reviews += len(history.logs)
            reviews += sum(1 for log in history.logs if log.question_id in assigned)
            for question_id in assigned:
                pairs += 1
                simulated = simulation.cards.get(question_id)
                recall = simulation.true_recall(simulated, until) if simulated else 0.0
                recall_sum += recall
                ready += recall >= habits.desired_retention
        runs.append(DeadlineRun(with_deadline, pairs, ready, recall_sum, reviews, all_reviews))
    return runs[0], runs[1]
