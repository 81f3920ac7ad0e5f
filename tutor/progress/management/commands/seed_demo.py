"""Create a synthetic population of learners with months of history, for demos and benchmarks.

Never for production: it refuses to run unless DEBUG is on or --i-know-this-is-not-production is given.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import random
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tutor.accounts.backends import forget_users
from tutor.accounts.models import Role, User
from tutor.catalog.snapshot import catalog
from tutor.progress.copy_rows import copy_rows, give_ids
from tutor.progress.models import ModuleAnswerTally, StudyDay
from tutor.progress.rollups import rebuild_study_days
from tutor.study.misconceptions import misconceptions_of_answers
from tutor.study.models import (
    LEDGER_DELETE_TRIGGERS,
    Card,
    LearnerMisconception,
    PracticeItem,
    PracticeTest,
    RatingChange,
    ReviewLog,
)
from tutor.study.simulation import (
    AnswerBank,
    LearnerHistory,
    LearnerPlan,
    Population,
    demo_habits,
    ground_truth_parameters,
    heavy_habits,
    simulate_learner,
)
from tutor.triggers import triggers_ignored

DEFAULT_PASSWORD = "demo-learner-pass"
HEAVY_USERNAME = "heavy"
# Only seed_demo gives this domain to anyone, so --reset can find its learners and nobody else.
DEMO_EMAIL_DOMAIN = "@seed-demo.invalid"
FLUSH_ROWS = 20_000


# Every table seed_demo fills.
SEEDED_MODELS = (User, Card, ReviewLog, RatingChange, PracticeTest, PracticeItem, StudyDay, LearnerMisconception)


def demo_username(number: int) -> str:
    return f"demo-learner-{number:03d}"


def demo_learners():
    """Every learner an earlier seed_demo created."""
    return User.objects.filter(email__endswith=DEMO_EMAIL_DOMAIN)


def delete_demo_learners() -> int:
    """Delete the demo learners and all their history; returns how many learners went.

    Their review logs and cards are deleted with one statement each rather than through Django's collector, which
    would load every row first; the practice items pointing at the logs go before them.
    """
    learner_ids = list(demo_learners().values_list("pk", flat=True))
    if not learner_ids:
        return 0
    # Deleting a learner's history is what account deletion does; the ledger's triggers allow it only so.
    with transaction.atomic(), triggers_ignored(*LEDGER_DELETE_TRIGGERS):
        PracticeItem.objects.filter(test__learner_id__in=learner_ids).delete()
        PracticeTest.objects.filter(learner_id__in=learner_ids).delete()
        changes = RatingChange.objects.filter(log__learner_id__in=learner_ids)
        changes._raw_delete(changes.db)
        for model in (ReviewLog, Card):
            rows = model.objects.filter(learner_id__in=learner_ids)
            rows._raw_delete(rows.db)
        User.objects.filter(pk__in=learner_ids).delete()
    return len(learner_ids)


def _moment(value: str) -> dt.datetime:
    moment = parse_datetime(value)
    if moment is None:
        raise ValueError(value)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@contextmanager
def paused_garbage_collector() -> Iterator[None]:
    """Pause Python's cycle collector, which otherwise rescans the growing heap of new rows again and again (a fifth
    of the run time, measured). The rows hold no reference cycles: reference counting frees them after each batch."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class Counts:
    learners: int = 0
    cards: int = 0
    logs: int = 0
    right: int = 0
    tests: int = 0
    items: int = 0

    @property
    def rows(self) -> int:
        return self.learners + self.cards + self.logs + self.tests + self.items


class Command(BaseCommand):
    use_copy = True  # on PostgreSQL; tests compare it with bulk_create
    help = (
        "Create synthetic demo learners (demo-learner-001, ...) with months of study history simulated through the "
        "real scheduler, for demos and benchmarks. Refuses to run unless DEBUG is on or "
        "--i-know-this-is-not-production is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--learners", type=int, default=200, help="How many demo learners (default 200).")
        parser.add_argument("--days", type=int, default=120, help="Days of history, ending now (default 120).")
        parser.add_argument(
            "--accuracy",
            type=float,
            default=0.8,
            help="Mean share of right answers (default 0.8); it varies per learner and rises with practice.",
        )
        parser.add_argument(
            "--heavy-reviews",
            type=int,
            default=0,
            metavar="N",
            help=f"Also create the learner '{HEAVY_USERNAME}' with about N reviews (study and practice tests).",
        )
        parser.add_argument("--seed", type=int, default=None, help="Random seed, to make the same population again.")
        parser.add_argument(
            "--until",
            type=_moment,
            default=None,
            help="When the history ends, as an ISO date-time (default: now). With --seed, gives the same rows.",
        )
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help=f"Password of every demo learner (default {DEFAULT_PASSWORD})."
        )
        parser.add_argument("--reset", action="store_true", help="Delete the demo learners of an earlier run first.")
        parser.add_argument("--batch-size", type=int, default=2000, help="Rows per INSERT statement (default 2000).")
        parser.add_argument(
            "--i-know-this-is-not-production",
            action="store_true",
            dest="not_production",
            help="Run although DEBUG is off (a staging or benchmark database).",
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["not_production"]:
            raise CommandError(
                "seed_demo refused to run: DEBUG is off, so this may be a production database, and seed_demo fills "
                "it with fake learners. If this is a throwaway, staging or benchmark database, run it again with "
                "--i-know-this-is-not-production."
            )
        learners, days, accuracy = options["learners"], options["days"], options["accuracy"]
        heavy_reviews, batch_size = options["heavy_reviews"], options["batch_size"]
        if learners < 0 or days < 1 or not 0 < accuracy <= 1 or heavy_reviews < 0 or batch_size < 1:
            raise CommandError(
                "Check the numbers: --learners and --heavy-reviews at least 0, --days at least 1, "
                "--accuracy above 0 and at most 1, --batch-size at least 1."
            )
        snapshot = catalog()
        questions = list(snapshot.live_questions)
        if not questions:
            raise CommandError("The catalog has no questions. Load the content first: python manage.py load_content")
        seed = options["seed"] if options["seed"] is not None else secrets.randbelow(1_000_000)
        until = options["until"] or timezone.now()
        population = Population(snapshot=snapshot, bank=AnswerBank(questions), until=until, days=days)

        started = time.perf_counter()
        counts = Counts()
        simulating = inserting = 0.0
        with paused_garbage_collector(), transaction.atomic():
            removed = 0
            if demo_learners().exists():
                if not options["reset"]:
                    raise CommandError(
                        f"{demo_learners().count()} demo learners from an earlier run exist; "
                        "run with --reset to replace them."
                    )
                removed = delete_demo_learners()
            plans = self._plan_learners(
                learners=learners,
                days=days,
                accuracy=accuracy,
                heavy_reviews=heavy_reviews,
                seed=seed,
                until=until,
                password=options["password"],
            )
            User.objects.bulk_create([plan.learner for plan in plans], batch_size=batch_size)
            counts.learners = len(plans)
            pending: list[LearnerHistory] = []
            pending_logs = 0
            for plan in plans:
                tick = time.perf_counter()
                history = simulate_learner(plan, population)
                simulating += time.perf_counter() - tick
                plan.learner.last_login = history.logs[-1].reviewed_at if history.logs else None
                # The wrong ideas the answers show, as recording each answer would have counted them.
                history.misconceptions = misconceptions_of_answers(
                    learner_id=plan.learner.pk,
                    answers=sorted(
                        (
                            (snapshot.questions[log.question_id], log.question_revision, log.answer, log.reviewed_at)
                            for log in history.logs
                        ),
                        key=lambda answer: answer[3],
                    ),
                )
                pending.append(history)
                pending_logs += len(history.logs)
                if pending_logs >= FLUSH_ROWS:
                    inserting += self._insert(pending, counts, batch_size)
                    pending, pending_logs = [], 0
            inserting += self._insert(pending, counts, batch_size)
            User.objects.bulk_update([plan.learner for plan in plans], ["last_login"], batch_size=batch_size)
            forget_users([plan.learner.pk for plan in plans])  # bulk_update sends no post_save
            # The dashboards read the study-day rollup, which record_answer keeps; bulk rows are rolled up here.
            rebuild_study_days(learners=[(plan.learner.pk, plan.learner.time_zone) for plan in plans])
        elapsed = time.perf_counter() - started
        tidied = self._tidy_up()

        if removed:
            self.stdout.write(f"Removed {removed} demo learners of an earlier run.")
        share = counts.right / counts.logs if counts.logs else 0.0
        self.stdout.write(
            f"Seeded {counts.learners} learner{'' if counts.learners == 1 else 's'} over {days} days (seed {seed}): "
            f"{counts.cards:,} cards, "
            f"{counts.logs:,} reviews ({share:.1%} right), {counts.tests:,} practice tests."
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts.rows:,} rows in {elapsed:.1f} s: {counts.rows / elapsed:,.0f} rows/s "
                f"(simulation {simulating:.1f} s, inserts {inserting:.1f} s: "
                f"{counts.rows / inserting if inserting else 0:,.0f} rows/s written"
                f"{' with COPY' if connection.vendor == 'postgresql' and self.use_copy else ''})."
            )
        )
        if tidied is not None:
            self.stdout.write(f"Planner statistics and visibility map brought up to date in {tidied:.1f} s.")
        names = [demo_username(1), demo_username(learners)] if learners else []
        names = [" … ".join(dict.fromkeys(names))] if names else []
        if heavy_reviews:
            names.append(HEAVY_USERNAME)
        if names:
            self.stdout.write(f"Learners: {', '.join(names)}; password: {options['password']}")

    def _tidy_up(self) -> float | None:
        """On PostgreSQL, what autovacuum would do some minutes later, done now: statistics for the planner on the
        tables just filled (without them the first queries plan as if they were empty) and, outside a transaction,
        the visibility map that lets index-only scans skip the table. Returns the seconds it took."""
        if connection.vendor != "postgresql":
            return None
        tick = time.perf_counter()
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for model in SEEDED_MODELS:
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
            if not connection.in_atomic_block:
                # The answer tallies' triggers updated each learner's few rows once per card written: some 160,000
                # dead versions of 5,000 rows for a 1,000-learner population, spread over a thousand pages, where
                # answers given one at a time leave them compact. Written again, the table is as a running site
                # keeps it (a few dozen pages), and a cohort's counts are read from those.
                table = connection.ops.quote_name(ModuleAnswerTally._meta.db_table)
                cursor.execute(f"VACUUM (FULL, ANALYZE) {table}")
        return time.perf_counter() - tick

    def _plan_learners(
        self,
        *,
        learners: int,
        days: int,
        accuracy: float,
        heavy_reviews: int,
        seed: int,
        until: dt.datetime,
        password: str,
    ) -> list[LearnerPlan]:
        """The learner rows and their habits, each learner with a random generator of their own."""
        hashed = make_password(password)  # hashed once: the same password for every demo learner
        plans = []
        people = [(demo_username(n), False) for n in range(1, learners + 1)]
        if heavy_reviews:
            people.append((HEAVY_USERNAME, True))
        for username, heavy in people:
            rng = random.Random(f"{seed}:{username}")
            if heavy:
                habits = heavy_habits(rng, accuracy=accuracy, days=days, reviews=heavy_reviews)
            else:
                habits = demo_habits(rng, accuracy=accuracy, days=days)
            # A generator of its own, so that the other habits come out as they did before memories were drawn.
            memory = ground_truth_parameters(random.Random(f"{seed}:{username}:memory"))
            habits = dataclasses.replace(habits, memory_parameters=memory)
            learner = User(
                username=username,
                email=f"{username}{DEMO_EMAIL_DOMAIN}",
                first_name="Demo",
                last_name=username.removeprefix("demo-").replace("-", " ").title(),
                password=hashed,
                role=Role.LEARNER,
                time_zone=habits.time_zone,
                desired_retention=habits.desired_retention,
                new_per_day=habits.new_per_day,
                date_joined=until - dt.timedelta(days=days - habits.first_day),
            )
            plans.append(LearnerPlan(learner=learner, habits=habits, rng=rng, fuzz_seed=f"{seed}:{username}:fuzz"))
        return plans

    @staticmethod
    def _link(histories: list[LearnerHistory], latest: list[tuple[Card, ReviewLog]]) -> None:
        """Point each log at its card, and each card at its latest log, once they have ids."""
        for history in histories:
            for log, card in zip(history.logs, history.log_cards, strict=True):
                log.card_id = card.pk
        for card, log in latest:
            card.last_log_id = log.pk

    def _insert(self, histories: list[LearnerHistory], counts: Counts, batch_size: int) -> float:
        """Insert the rows of several learners, parents first so that each child row gets its parent's id.

        Returns the seconds it took.
        """
        started = time.perf_counter()
        tests = [test for h in histories for test in h.tests]
        cards = [card for h in histories for card in h.cards]
        logs = [log for h in histories for log in h.logs]
        items = [item for h in histories for item in h.items]
        latest = [(card, log) for h in histories for card, log in h.last_logs]
        ideas = [row for h in histories for row in h.misconceptions]
        if connection.vendor == "postgresql" and self.use_copy:
            # Every id first, then COPY: the card and its latest log point at each other (checked at commit).
            for rows in (tests, cards, logs, items, ideas):
                give_ids(rows)
            self._link(histories, latest)
            for rows in (tests, cards, logs, items, ideas):
                copy_rows(rows)
        else:
            PracticeTest.objects.bulk_create(tests, batch_size=batch_size)
            Card.objects.bulk_create(cards, batch_size=batch_size)
            self._link(histories, [])
            ReviewLog.objects.bulk_create(logs, batch_size=batch_size)
            self._link([], latest)
            Card.objects.bulk_update([card for card, _ in latest], ["last_log"], batch_size=batch_size)
            PracticeItem.objects.bulk_create(items, batch_size=batch_size)
            LearnerMisconception.objects.bulk_create(ideas, batch_size=batch_size)
        counts.tests += len(tests)
        counts.cards += len(cards)
        counts.logs += len(logs)
        counts.items += len(items)
        counts.right += sum(log.correct for log in logs)
        return time.perf_counter() - started
