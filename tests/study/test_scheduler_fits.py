"""Personal parameters, the report card, and deadline scheduling."""

from __future__ import annotations

import datetime as dt
import math
from unittest import mock

import pytest
from django.core.management import call_command
from django.tasks import task_backends
from django.urls import reverse

from tests.factories import UserFactory, fixed_clock
from tests.study.conftest import NOW
from tutor.catalog.snapshot import catalog
from tutor.study import fitting, scheduler_fits, services
from tutor.study.deadlines import deadline_work, set_study_deadlines
from tutor.study.fitting import Answer, Evaluation, Fit
from tutor.study.models import MemoryState, Rating, SchedulerParameters, StudyDeadline
from tutor.study.scheduler import DEFAULT_PARAMETERS, Memory, deadline_retention, plan_review, predicted_recall

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


# --- Personal parameters: adopted only when better -----------------------------------------------------------


def fit_with(candidate: float, in_force: float, *, parameters=None) -> Fit:
    return Fit(
        parameters=parameters or [*DEFAULT_PARAMETERS[:20], 0.3],
        review_count=800,
        held_out=200,
        candidate=Evaluation(candidate, 0.05),
        in_force=Evaluation(in_force, 0.05),
        defaults=Evaluation(in_force, 0.05),
    )


def test_a_fit_that_beats_the_set_in_force_is_adopted_and_used_from_the_next_answer(learner):
    better = fit_with(0.30, 0.35)
    with (
        mock.patch.object(scheduler_fits, "recall_test_count", return_value=1000),
        mock.patch.object(scheduler_fits, "try_fit", return_value=better),
    ):
        recorded = scheduler_fits.refit_learner(learner=learner, now=NOW)

    assert recorded.adopted
    assert (recorded.log_loss, recorded.previous_log_loss, recorded.review_count) == (0.30, 0.35, 800)
    assert scheduler_fits.parameters_in_force(learner.pk) == better.parameters


def test_a_fit_no_better_than_the_set_in_force_is_kept_but_not_used(learner):
    worse = fit_with(0.36, 0.35)
    with (
        mock.patch.object(scheduler_fits, "recall_test_count", return_value=1000),
        mock.patch.object(scheduler_fits, "try_fit", return_value=worse),
    ):
        recorded = scheduler_fits.refit_learner(learner=learner, now=NOW)

    assert not recorded.adopted
    assert SchedulerParameters.objects.filter(learner=learner).count() == 1  # kept, to explain the schedule later
    assert scheduler_fits.parameters_in_force(learner.pk) is None  # still the library's defaults


def test_a_fit_must_not_be_worse_on_rmse_bins_either():
    fit = Fit([], 1, 1, Evaluation(0.30, 0.09), Evaluation(0.35, 0.05), Evaluation(0.35, 0.05))
    assert not fit.wins


def test_a_learner_without_their_own_set_gets_the_site_set_and_their_own_takes_over(learner):
    site = [*DEFAULT_PARAMETERS[:20], 0.2]
    own = [*DEFAULT_PARAMETERS[:20], 0.4]
    SchedulerParameters.objects.create(learner=None, parameters=site, fitted_at=NOW, review_count=1, adopted=True)
    assert scheduler_fits.parameters_in_force(learner.pk) == site
    SchedulerParameters.objects.create(learner=learner, parameters=own, fitted_at=NOW, review_count=1, adopted=True)
    assert scheduler_fits.parameters_in_force(learner.pk) == own
    assert scheduler_fits.parameters_in_force(UserFactory().pk) == site


def test_too_short_a_history_is_not_fitted(learner):
    assert scheduler_fits.refit_learner(learner=learner, now=NOW) is None
    assert not SchedulerParameters.objects.exists()


def synthetic_answers(truth, *, cards: int, seed: int) -> list[Answer]:
    """Answers drawn from a known memory (FSRS with the `truth` parameters) while the scheduler, as in the app,
    plans with the library's defaults: the defaults' predictions are off in a way a fit can find."""
    import random

    rng = random.Random(seed)
    answers = []
    start = dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC)
    for card_id in range(cards):
        at = start + dt.timedelta(days=rng.randrange(60))
        scheduled, true = Memory(), Memory()
        for _ in range(8):
            recall = predicted_recall(memory=scheduled, at=at) if scheduled.stability else None
            chance = predicted_recall(memory=true, at=at, parameters=truth) if true.stability else 0.7
            rating = Rating.GOOD if rng.random() < chance else Rating.AGAIN
            answers.append(Answer(card_id, at, at.toordinal(), rating, scheduled.state, True, recall))
            plan = {"card_id": card_id, "rating": rating, "reviewed_at": at, "desired_retention": 0.9}
            scheduled = plan_review(memory=scheduled, **plan).memory
            true = plan_review(memory=true, parameters=truth, **plan).memory
            at = max(scheduled.due, at + DAY).replace(hour=8)
    return answers


def test_a_real_fit_is_judged_on_later_reviews_and_does_not_replace_itself():
    """The reference optimiser fits the earlier reviews; the held-out later ones decide. The fit itself, in force
    already, is not replaced by an equal one; a history too short is not fitted."""
    truth = list(DEFAULT_PARAMETERS)
    truth[0:4] = [0.05, 0.2, 0.4, 1.5]
    truth[20] = 0.45
    items = fitting.fsrs_items(fitting.card_replays(synthetic_answers(tuple(truth), cards=150, seed=3)))
    assert len(items) >= fitting.MIN_REVIEWS_TO_FIT
    first = fitting.try_fit(items, in_force=None)
    again = fitting.try_fit(items, in_force=first.parameters)

    assert first.review_count + first.held_out == len(items)
    assert first.held_out == int(len(items) * fitting.HELD_OUT_SHARE)
    assert first.parameters != list(DEFAULT_PARAMETERS)  # the optimiser moved
    assert not again.wins
    assert fitting.try_fit(items[:100], in_force=None) is None  # too few to fit


# --- The report card against a hand-computed history -----------------------------------------------------------


def at_day(day: int) -> dt.datetime:
    return dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC) + dt.timedelta(days=day)


def answer(card, day, rating, recall, *, first_of_day=True, state=MemoryState.REVIEW, hour=0):
    moment = at_day(day) + dt.timedelta(hours=hour)
    return Answer(card, moment, moment.toordinal(), rating, state, first_of_day, recall)


TINY = [
    # card 1: new on day 0, recalled on day 1 (logged 0.9), forgotten on day 7 (0.6), recalled on day 8 (0.8)
    answer(1, 0, Rating.GOOD, None, state=MemoryState.NEW),
    answer(1, 1, Rating.GOOD, 0.9),
    answer(1, 7, Rating.AGAIN, 0.6),
    answer(1, 7, Rating.GOOD, 1.0, first_of_day=False, hour=1),  # same day: not a recall test
    answer(1, 8, Rating.GOOD, 0.8),
    # card 2: new on day 0, recalled on day 3 (logged 0.7)
    answer(2, 0, Rating.AGAIN, None, state=MemoryState.NEW),
    answer(2, 3, Rating.EASY, 0.7),
]


def test_the_report_card_matches_a_hand_computed_history():
    scored = fitting.scored_answers(fitting.card_replays(TINY))
    result = fitting.figures(scored)

    # Four recall tests: (p, y) = (0.9, 1), (0.6, 0), (0.8, 1), (0.7, 1).
    assert result["reviews"] == 4
    used = result["fsrs_used"]
    assert used["log_loss"] == pytest.approx(-(math.log(0.9) + math.log(0.4) + math.log(0.8) + math.log(0.7)) / 4)
    # Every forgotten review ranks below every remembered one.
    assert used["auc"] == pytest.approx(1.0)
    # srs-benchmark bins (lapses, days since the last review, review number), each on its log scale: card 1 on
    # day 1 (0, 1 day -> 2.48, 2nd -> 4); day 7 (0, 6 days -> 8.98, 3rd -> 4); day 8 (1 lapse -> 2, 1 day -> 2.48,
    # 5th -> 7); card 2 on day 3 (0, 3 days -> 2.48, 2nd -> 4), in the same bin as card 1's day 1.
    bins = sorted(fitting.srs_bin(s) for s in scored)
    assert bins == [(0.0, 2.48, 4.0), (0.0, 2.48, 4.0), (0.0, 8.98, 4.0), (2.0, 2.48, 7.0)]
    # Bin means: (0.8 predicted, 1 observed) over 2 reviews, (0.6, 0) and (0.8, 1) over one each.
    assert used["rmse_bins"] == pytest.approx(math.sqrt((2 * 0.2**2 + 0.6**2 + 0.2**2) / 4))
    # The constant is the mean recall, 3/4.
    assert result["constant"]["log_loss"] == pytest.approx(-(3 * math.log(0.75) + math.log(0.25)) / 4)
    assert result["constant"]["auc"] == pytest.approx(0.5)
    # SM-2: card 1 passes on day 0 (interval 1), day 1 (6), fails on day 7 (1): predictions 0.9^(1/1),
    # 0.9^(6/6), then 0.9^(1/1) on day 8; card 2 fails on day 0 (interval 1): 0.9^(3/1).
    sm2 = [s.predictions["sm2"] for s in scored]
    assert sm2 == pytest.approx([0.9, 0.9**3, 0.9, 0.9])  # in time order: days 1, 3, 7, 8
    # The defaults replayed by the reference implementation: one value per recall test, all within (0, 1).
    assert all(0 < s.predictions["fsrs_default"] < 1 for s in scored)


def test_calibration_bins_count_and_average_predictions():
    scored = fitting.scored_answers(fitting.card_replays(TINY))
    table = fitting.calibration(scored, "fsrs_used")
    assert [(b.low, b.count, b.observed) for b in table] == [
        (0.6, 1, 0.0),
        (0.7, 1, 1.0),
        (0.8, 1, 1.0),
        (0.9, 1, 1.0),
    ]


def test_scheduler_report_prints_the_figures_as_json(learner, make_question, capsys):
    import json

    question = make_question()
    for day in (0, 2, 6):
        services.record_answer(
            learner=learner,
            question=catalog().questions[question.pk],
            answer={"choice": "b"},
            attempt=f"a-{day}",
            clock=fixed_clock(NOW + dt.timedelta(days=day)),
        )
    call_command("scheduler_report", "--learner", learner.username, "--json")
    data = json.loads(capsys.readouterr().out)

    assert data["reviews"] == 2
    for model in ("fsrs_used", "fsrs_default", "sm2", "constant"):
        assert set(data[model]) == {"log_loss", "rmse_bins", "auc"}


# --- Deadlines ---------------------------------------------------------------------------------------------------


def reviewed_card(stability: float) -> Memory:
    last = NOW - dt.timedelta(days=stability)
    return Memory(MemoryState.REVIEW, None, stability, 5.0, NOW, last)


def test_a_card_with_a_deadline_comes_back_before_it_and_is_ready_on_the_day():
    deadline = NOW + dt.timedelta(days=20)
    memory = reviewed_card(10.0)
    free = plan_review(card_id=1, memory=memory, rating=Rating.GOOD, reviewed_at=NOW, desired_retention=0.9)
    assert free.memory.due > deadline  # without the deadline it would come back after the due date

    planned = plan_review(
        card_id=1, memory=memory, rating=Rating.GOOD, reviewed_at=NOW, desired_retention=0.9, deadline=deadline
    )

    assert planned.for_deadline
    assert NOW + DAY <= planned.memory.due < deadline
    assert planned.memory.stability == free.memory.stability  # only the date changes
    # Reviewed when it is due, it keeps at least the deadline retention until then.
    assert predicted_recall(memory=planned.memory, at=planned.memory.due) == pytest.approx(
        deadline_retention(0.9), abs=1e-6
    )


def test_a_card_safe_until_its_deadline_or_without_one_is_not_affected():
    memory = reviewed_card(10.0)
    free = plan_review(card_id=1, memory=memory, rating=Rating.GOOD, reviewed_at=NOW, desired_retention=0.9)
    near = plan_review(
        card_id=1,
        memory=memory,
        rating=Rating.GOOD,
        reviewed_at=NOW,
        desired_retention=0.9,
        deadline=NOW + dt.timedelta(days=2),  # recall then still well above the target
    )
    past = plan_review(
        card_id=1, memory=memory, rating=Rating.GOOD, reviewed_at=NOW, desired_retention=0.9, deadline=NOW - DAY
    )
    assert near.memory == free.memory == past.memory
    assert not near.for_deadline


def test_an_answer_in_an_assigned_module_with_a_deadline_is_planned_for_it(learner, make_question, module):
    question = make_question()
    view = catalog().questions[question.pk]
    other = UserFactory()
    deadline = NOW + dt.timedelta(days=12)
    learner.modules_required = [module.slug]
    learner.save()
    set_study_deadlines(learner=learner, deadlines={module.slug: deadline})

    def answer_on(who, days, attempt):
        return services.record_answer(
            learner=who,
            question=view,
            answer={"choice": "b"},
            attempt=attempt,
            clock=fixed_clock(NOW + dt.timedelta(days=days)),
        )

    for days in (0, 0.01, 1, 4):
        with_deadline = answer_on(learner, days, f"l-{days}")
        without = answer_on(other, days, f"o-{days}")
    assert without.card.due > deadline
    assert with_deadline.card.due < deadline
    assert [w.module_slug for w in deadline_work(learner=learner, snapshot=catalog(), now=NOW)] == [module.slug]


def test_a_deadline_left_for_a_module_no_longer_assigned_is_ignored(learner, make_question, module):
    question = make_question()
    view = catalog().questions[question.pk]
    deadline = NOW + dt.timedelta(days=2, hours=12)
    set_study_deadlines(learner=learner, deadlines={module.slug: deadline})
    learner.modules_required = []
    learner.save()

    for days in (0, 0.01, 1):
        recorded = services.record_answer(
            learner=learner,
            question=view,
            answer={"choice": "b"},
            attempt=f"a-{days}",
            clock=fixed_clock(NOW + dt.timedelta(days=days)),
        )

    assert recorded.card.deadline is None
    assert recorded.card.due > deadline


def test_set_study_deadlines_replaces_the_learners_deadlines(learner):
    set_study_deadlines(learner=learner, deadlines={"risks": NOW, "history": NOW})
    set_study_deadlines(learner=learner, deadlines={"risks": NOW + DAY})
    assert list(StudyDeadline.objects.values_list("module_slug", "due_at")) == [("risks", NOW + DAY)]


# --- Never in a request --------------------------------------------------------------------------------------------


def test_no_request_fits_or_queues_a_fit(logged_in, learner, make_question, attempt_for):
    """Fitting is a background task: pages and answers neither run it nor enqueue it, whatever the history."""
    task_backends["default"].clear()
    question = make_question()
    catalog()
    with (
        mock.patch.object(scheduler_fits, "recall_test_count", return_value=10_000),
        mock.patch.object(fitting, "fit_parameters", side_effect=AssertionError("fitted in a request")) as fit,
    ):
        for name in ("study:study", "cohorts:progress_dashboard", "study:study_settings", "progress:scheduler_page"):
            assert logged_in.get(reverse(name)).status_code == 200
        token = attempt_for(learner, question)
        assert logged_in.post(reverse("study:study_answer"), {"attempt": token, "choice": "b"}).status_code in (
            200,
            302,
        )
    assert not fit.called
    assert task_backends["default"].results == []  # nothing queued (the local backend keeps what is enqueued)
    assert not SchedulerParameters.objects.exists()


# --- The page ------------------------------------------------------------------------------------------------------


def test_the_scheduler_page_shows_the_report_the_deadline_and_the_retention_choices(
    logged_in, learner, make_question, module
):
    question = make_question()
    learner.modules_required = [module.slug]
    learner.save()
    set_study_deadlines(learner=learner, deadlines={module.slug: dt.datetime(2099, 1, 1, tzinfo=dt.UTC)})
    catalog()

    response = logged_in.get(reverse("progress:scheduler_page"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "1 question to review before 1 January" in page
    assert "Report card" in page and "Use this" in page
    assert question.pk  # the one question, not yet seen


def test_use_this_sets_the_desired_retention_and_refuses_a_value_out_of_range(logged_in, learner):
    assert logged_in.post(reverse("progress:use_retention"), {"desired_retention": "0.85"}).status_code == 302
    learner.refresh_from_db()
    assert learner.desired_retention == pytest.approx(0.85)
    assert logged_in.post(reverse("progress:use_retention"), {"desired_retention": "0.5"}).status_code == 400
    assert logged_in.post(reverse("progress:use_retention"), {"desired_retention": "lots"}).status_code == 400
