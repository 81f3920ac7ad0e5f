"""The deadline trial: one cohort and assignment, simulated with and without deadline scheduling."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass

from tutor.accounts.models import User
from tutor.catalog.snapshot import CatalogSnapshot

# review, apply_outcome and review_log are how record_answer moves a card on and records an answer; sharing them
# keeps seeded cards and logs exactly like recorded ones.
from tutor.study.simulation.habits import (
    AnswerBank,
    demo_habits,
    ground_truth_parameters,
)
from tutor.study.simulation.learner import (
    LearnerSimulation,
)

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
