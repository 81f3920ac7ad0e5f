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

from tutor.study.simulation.deadline import DeadlineRun, deadline_trial  # noqa: F401
from tutor.study.simulation.habits import (  # noqa: F401
    LAST_ANSWER_MARGIN,
    MAX_ANSWER_SECONDS,
    MOST_LIKELY_RIGHT,
    PRACTICE_TITLE,
    TIME_ZONES,
    UTC,
    WAIT_FOR_STEP,
    AnswerBank,
    Habits,
    demo_habits,
    ground_truth_parameters,
    heavy_habits,
    memory_json,
)
from tutor.study.simulation.learner import LearnerHistory, LearnerPlan, LearnerSimulation, Population, simulate_learner  # noqa: F401
