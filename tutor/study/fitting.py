"""How well a memory model predicts a learner, and fitting FSRS's parameters to them: pure, no database.

The one module that speaks to `fsrs_rs_python`, the FSRS reference implementation's binding (fitting, evaluation,
simulation, optimal retention); `tutor.study.scheduler` alone speaks to the `fsrs` package that schedules. The
figures follow the open srs-benchmark: log loss, RMSE(bins) and AUC of predicted recall against what happened.

Which answers count. Every answer, in daily study or in a practice test, moves the card through the same
scheduler, so both contexts make up a card's history for fitting and replaying. Only a real recall test is
scored: the card's first answer of the learner's calendar day that is not its first answer ever (a second answer
the same day shows the feedback of minutes ago, not memory). Success is the rating in force (latest re-rating)
above Again, as in FSRS.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import fsrs_rs_python as fsrs_rs

from tutor.study.models import MemoryState, Rating

DEFAULT_PARAMETERS: tuple[float, ...] = tuple(fsrs_rs.DEFAULT_PARAMETERS)
# Real recall tests a learner needs before a fit of their own is tried. The library returns its defaults on a
# few dozen; a few hundred spread over many cards and weeks is where a personal fit starts to differ, and the
# held-out comparison below decides whether it is better.
MIN_REVIEWS_TO_FIT = 400
# The later share of recall tests held out to compare a new fit with the set in force (a time-series split:
# the fit never sees them).
HELD_OUT_SHARE = 0.2
MIN_HELD_OUT = 50
# srs-benchmark's reference figures (about 10,000 Anki users), shown beside a learner's own.
REFERENCE = {
    "fsrs": {"log_loss": 0.346, "rmse_bins": 0.065, "auc": 0.70},
    "sm2": {"log_loss": 0.72, "rmse_bins": 0.20, "auc": 0.60},
}
MODELS = ("fsrs_used", "fsrs_default", "sm2", "constant")
# Predictions are kept off 0 and 1 so that one confident miss does not make the log loss infinite.
EPSILON = 1e-6


@dataclass(frozen=True)
class Answer:
    """One logged answer as the models see it."""

    card_id: int
    at: dt.datetime
    day: int  # the learner's calendar day (date ordinal in their time zone)
    rating: int  # the rating in force
    state_before: int
    first_of_day: bool
    logged_recall: float | None  # what the scheduler predicted just before the answer


@dataclass(frozen=True)
class Scored:
    """One real recall test: what happened (y), the predictions of each model, and its srs-benchmark bin."""

    at: dt.datetime
    y: int
    predictions: dict[str, float]
    delta_days: int
    review_number: int  # the answer's position in its card's history, 1 for the first
    lapses: int  # earlier answers rated Again after a gap of a day or more


@dataclass
class CardReplay:
    """A card's answers in order, with the day gaps FSRS uses (0 for the first and for same-day answers)."""

    answers: list[Answer] = field(default_factory=list)

    @property
    def deltas(self) -> list[int]:
        days = [a.day for a in self.answers]
        return [0] + [max(0, b - a) for a, b in pairwise(days)]


def card_replays(answers: Iterable[Answer]) -> dict[int, CardReplay]:
    replays: dict[int, CardReplay] = defaultdict(CardReplay)
    for answer in sorted(answers, key=lambda a: (a.at, a.card_id)):
        replays[answer.card_id].answers.append(answer)
    return dict(replays)


def is_recall_test(answer: Answer, delta: int) -> bool:
    return answer.state_before != MemoryState.NEW and answer.first_of_day and delta > 0


# --- FSRS items, fitting and evaluation (fsrs_rs_python) ------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """A card's history up to and including one real recall test, ending at `at`."""

    at: dt.datetime
    item: fsrs_rs.FSRSItem


def fsrs_items(replays: dict[int, CardReplay]) -> list[Item]:
    """Every recall test with the history before it, as the library's items, in time order."""
    items = []
    for replay in replays.values():
        reviews = [
            fsrs_rs.FSRSReview(answer.rating, delta)
            for answer, delta in zip(replay.answers, replay.deltas, strict=True)
        ]
        for index, (answer, delta) in enumerate(zip(replay.answers, replay.deltas, strict=True)):
            if index and is_recall_test(answer, delta):
                items.append(Item(at=answer.at, item=fsrs_rs.FSRSItem(reviews[: index + 1])))
    items.sort(key=lambda i: i.at)
    return items


def split_by_time(items: Sequence[Item]) -> tuple[list[Item], list[Item]]:
    """The earlier items to fit on and the later ones held out to judge the fit."""
    held = max(MIN_HELD_OUT, int(len(items) * HELD_OUT_SHARE))
    cut = len(items) - held
    return list(items[:cut]), list(items[cut:])


def fit_parameters(items: Sequence[Item]) -> list[float]:
    """FSRS-6 parameters fitted to the items by the reference optimiser (the library's defaults on too little)."""
    return list(fsrs_rs.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters([i.item for i in items]))


@dataclass(frozen=True)
class Evaluation:
    log_loss: float
    rmse_bins: float


def evaluate_parameters(parameters: Sequence[float] | None, items: Sequence[Item]) -> Evaluation:
    """Log loss and RMSE(bins) of a parameter set on the items, computed by the reference implementation."""
    result = fsrs_rs.FSRS(list(parameters or DEFAULT_PARAMETERS)).evaluate([i.item for i in items])
    return Evaluation(log_loss=float(result.log_loss), rmse_bins=float(result.rmse_bins))


def evaluate_fitting(items: Sequence[Item]) -> Evaluation:
    """How well fitting predicts later reviews across five time-series splits (the library's own procedure)."""
    result = fsrs_rs.evaluate_with_time_series_splits([i.item for i in items])
    return Evaluation(log_loss=float(result.log_loss), rmse_bins=float(result.rmse_bins))


@dataclass(frozen=True)
class Fit:
    """A fit and its trial: the new set and the set in force, both scored on the same held-out later reviews."""

    parameters: list[float]
    review_count: int
    held_out: int
    candidate: Evaluation
    in_force: Evaluation
    defaults: Evaluation

    @property
    def wins(self) -> bool:
        """Adopted only when better on log loss and no worse on RMSE(bins) than the set in force."""
        return self.candidate.log_loss < self.in_force.log_loss and self.candidate.rmse_bins <= self.in_force.rmse_bins


def try_fit(items: Sequence[Item], *, in_force: Sequence[float] | None) -> Fit | None:
    """Fit on the earlier reviews and compare with the set in force on the later ones; None with too few."""
    if len(items) < MIN_REVIEWS_TO_FIT:
        return None
    train, held_out = split_by_time(items)
    parameters = fit_parameters(train)
    return Fit(
        parameters=parameters,
        review_count=len(train),
        held_out=len(held_out),
        candidate=evaluate_parameters(parameters, held_out),
        in_force=evaluate_parameters(in_force, held_out),
        defaults=evaluate_parameters(None, held_out),
    )


# --- Replaying the models on a history -------------------------------------------------------------------------


def forgetting_curve(parameters: Sequence[float]) -> tuple[float, float]:
    """FSRS-6's curve constants: recall after t days at stability S is (1 + factor * t / S) ** decay."""
    decay = -parameters[20]
    return 0.9 ** (1 / decay) - 1, decay


def fsrs_replay(replay: CardReplay, parameters: Sequence[float]) -> list[float | None]:
    """Predicted recall before each answer of a card under the parameters (None before the first)."""
    reviews = [fsrs_rs.FSRSReview(a.rating, d) for a, d in zip(replay.answers, replay.deltas, strict=True)]
    states = fsrs_rs.FSRS(list(parameters)).historical_memory_states(fsrs_rs.FSRSItem(reviews))
    factor, decay = forgetting_curve(parameters)
    predictions: list[float | None] = [None]
    for index in range(1, len(reviews)):
        stability = states[index - 1].stability
        predictions.append((1 + factor * replay.deltas[index] / stability) ** decay)
    return predictions


def sm2_replay(replay: CardReplay) -> list[float | None]:
    """SM-2 replayed on the card's day-level answers, its interval read as 90% recall (as srs-benchmark does):
    predicted recall after t days with interval I is 0.9 ** (t / I). Quality is the rating plus one."""
    predictions: list[float | None] = []
    interval, ease, reps = 0.0, 2.5, 0
    for index, (answer, delta) in enumerate(zip(replay.answers, replay.deltas, strict=True)):
        long_term = index == 0 or delta > 0
        predictions.append(0.9 ** (delta / interval) if index and interval else None)
        if not long_term:
            continue
        quality = answer.rating + 1
        if quality > 2:
            interval = 1 if reps == 0 else 6 if reps == 1 else interval * ease
            reps += 1
        else:
            interval, reps = 1, 0
        ease = max(1.3, ease + (0.1 - (5 - quality) * (0.08 + (5 - quality) * 0.02)))
        interval = max(1, round(interval + 0.01))
    return predictions


def scored_answers(replays: dict[int, CardReplay]) -> list[Scored]:
    """Every real recall test of a learner, with each model's prediction (the constant filled in afterwards)."""
    scored = []
    for replay in replays.values():
        defaults = fsrs_replay(replay, DEFAULT_PARAMETERS)
        sm2 = sm2_replay(replay)
        lapses = 0
        for index, (answer, delta) in enumerate(zip(replay.answers, replay.deltas, strict=True)):
            if index and is_recall_test(answer, delta) and answer.logged_recall is not None:
                scored.append(
                    Scored(
                        at=answer.at,
                        y=int(answer.rating > Rating.AGAIN),
                        predictions={
                            "fsrs_used": answer.logged_recall,
                            "fsrs_default": defaults[index],
                            "sm2": sm2[index] if sm2[index] is not None else 0.9,
                        },
                        delta_days=delta,
                        review_number=index + 1,
                        lapses=lapses,
                    )
                )
            if index and delta > 0 and answer.rating == Rating.AGAIN:
                lapses += 1
    scored.sort(key=lambda s: s.at)
    mean = sum(s.y for s in scored) / len(scored) if scored else 0.0
    for s in scored:
        s.predictions["constant"] = mean
    return scored


# --- The figures -------------------------------------------------------------------------------------------------


def _clip(p: float) -> float:
    return min(1 - EPSILON, max(EPSILON, p))


def log_loss(pairs: Sequence[tuple[float, int]]) -> float | None:
    if not pairs:
        return None
    return -sum(math.log(_clip(p)) if y else math.log(1 - _clip(p)) for p, y in pairs) / len(pairs)


def _benchmark_bin(value: float, base: float, scale: float, digits: int) -> float:
    return round(scale * base ** math.floor(math.log(value) / math.log(base)), digits)


def srs_bin(scored: Scored) -> tuple[float, float, float]:
    """srs-benchmark's bin of a review: lapses, days since the last review and review number, each on a log scale."""
    lapses = _benchmark_bin(scored.lapses, 1.73, 1.65, 0) if scored.lapses else 0.0
    return (
        lapses,
        _benchmark_bin(scored.delta_days, 3.62, 2.48, 2),
        _benchmark_bin(scored.review_number, 1.89, 1.99, 0),
    )


def rmse_bins(scored: Sequence[Scored], model: str) -> float | None:
    """RMSE(bins) as srs-benchmark defines it: group reviews by bin, compare mean predicted and mean observed
    recall in each, and take the root of the squared differences' mean weighted by each bin's review count."""
    if not scored:
        return None
    bins: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for s in scored:
        row = bins[srs_bin(s)]
        row[0] += s.predictions[model]
        row[1] += s.y
        row[2] += 1
    total = sum(n for _, _, n in bins.values())
    return math.sqrt(sum(n * (p / n - y / n) ** 2 for p, y, n in bins.values()) / total)


def auc(pairs: Sequence[tuple[float, int]]) -> float | None:
    """The chance that a remembered review was given a higher predicted recall than a forgotten one (ties half)."""
    positives = sum(y for _, y in pairs)
    negatives = len(pairs) - positives
    if not positives or not negatives:
        return None
    ranked = sorted(pairs, key=lambda pair: pair[0])
    rank_sum, index = 0.0, 0
    while index < len(ranked):
        end = index
        while end + 1 < len(ranked) and ranked[end + 1][0] == ranked[index][0]:
            end += 1
        mean_rank = (index + end) / 2 + 1
        rank_sum += mean_rank * sum(y for _, y in ranked[index : end + 1])
        index = end + 1
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    count: int
    predicted: float
    observed: float


def calibration(scored: Sequence[Scored], model: str, *, bins: int = 10) -> list[CalibrationBin]:
    """Mean predicted and observed recall in ten equal bins of predicted recall (empty bins left out)."""
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for s in scored:
        p = s.predictions[model]
        row = sums[min(bins - 1, int(p * bins))]
        row[0] += p
        row[1] += s.y
        row[2] += 1
    return [
        CalibrationBin(low=k / bins, high=(k + 1) / bins, count=n, predicted=p / n, observed=y / n)
        for k, (p, y, n) in sorted(sums.items())
    ]


def figures(scored: Sequence[Scored]) -> dict:
    """The report card: review count, and log loss, RMSE(bins) and AUC of each model."""
    result: dict = {"reviews": len(scored)}
    for model in MODELS:
        pairs = [(s.predictions[model], s.y) for s in scored]
        result[model] = {"log_loss": log_loss(pairs), "rmse_bins": rmse_bins(scored, model), "auc": auc(pairs)}
    return result


# --- Retention with numbers (simulate / optimal_retention) ----------------------------------------------------


@dataclass(frozen=True)
class RetentionOutlook:
    desired_retention: float
    reviews_per_day_30: float
    reviews_per_day_90: float
    remembered_share_30: float
    remembered_share_90: float


def simulator_config(*, deck_size: int, days: int, new_per_day: int) -> fsrs_rs.SimulatorConfig:
    config = fsrs_rs.default_simulator_config()
    config.deck_size = deck_size
    config.learn_span = days
    config.learn_limit = new_per_day
    return config


def retention_outlook(
    *, parameters: Sequence[float] | None, desired_retention: float, deck_size: int, new_per_day: int, seed: int = 7
) -> RetentionOutlook:
    """Reviews a day and the share of the questions remembered after 30 and 90 days, at a desired retention."""
    values = {}
    for days in (30, 90):
        config = simulator_config(deck_size=deck_size, days=days, new_per_day=new_per_day)
        result = fsrs_rs.simulate(list(parameters or DEFAULT_PARAMETERS), desired_retention, config, seed=seed)
        values[days] = (
            sum(result.review_cnt_per_day) / days,
            result.memorized_cnt_per_day[-1] / deck_size if deck_size else 0.0,
        )
    return RetentionOutlook(
        desired_retention=desired_retention,
        reviews_per_day_30=values[30][0],
        reviews_per_day_90=values[90][0],
        remembered_share_30=values[30][1],
        remembered_share_90=values[90][1],
    )


def optimal_retention(*, parameters: Sequence[float] | None, deck_size: int, new_per_day: int) -> float:
    """The desired retention that minimises study time per question remembered (the library's search)."""
    config = simulator_config(deck_size=deck_size, days=90, new_per_day=new_per_day)
    return float(fsrs_rs.optimal_retention(config, list(parameters or DEFAULT_PARAMETERS)))
