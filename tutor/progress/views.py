"""The learner's own dashboard and exports of their data."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from tutor.accounts.models import User
from tutor.catalog.snapshot import catalog
from tutor.progress import charts, selectors
from tutor.progress.dashboard_rows import idea_rows_html, module_rows_html, retention_rows_html
from tutor.progress.exports import learner_data, review_rows
from tutor.study.deadlines import deadline_work
from tutor.study.fitting import REFERENCE, optimal_retention, retention_outlook
from tutor.study.misconceptions import learner_misconceptions, start_misconception_practice
from tutor.study.models import SchedulerParameters
from tutor.study.scheduler_fits import parameters_in_force, use_desired_retention
from tutor.study.scheduler_report import report_card
from tutor.study.selectors import start_of_learner_day
from tutor.study.services import StudyError
from tutor.web.csrf import response_csrf_token
from tutor.web.csv_export import csv_response


def dashboard_context(request: HttpRequest) -> dict:
    """What the progress page shows of the learner's own study. The page itself is composed in the cohorts app's
    view (`tutor.cohorts.views.learners.progress_page`), which adds the learner's assignments: cohorts sit above
    progress."""
    learner, snapshot, now = request.user, catalog(), timezone.now()
    day_start = start_of_learner_day(learner, now)
    today = day_start.date()
    cards = selectors.card_memories(learner=learner)
    progress = selectors.progress_of_cards(
        cards, snapshot=snapshot, now=now, today_ends=day_start + dt.timedelta(days=1)
    )
    modules = [progress[m.id] for m in sorted(snapshot.modules.values(), key=lambda m: m.order)]
    # The recent study days one by one and all-time totals: the same few rows whatever the length of the history.
    summary = selectors.study_summary(learner=learner, today=today)
    totals = summary.totals
    activity = selectors.daily_activity(learner=learner, days=summary.recent)
    forecast = selectors.forecast_of_cards(cards, snapshot=snapshot, today=today, zone=learner.zone)
    distribution = selectors.recall_buckets(cards, snapshot=snapshot, now=now)
    week_ago = today - dt.timedelta(days=6)
    this_week = [a for d, a in activity.items() if d >= week_ago]
    context = {
        "modules": modules,
        "mastery_definition": selectors.MASTERY_DEFINITION,
        "has_history": totals.days > 0,
        "heatmap": charts.calendar_heatmap(activity, today, days=selectors.RECENT_DAYS),
        "streaks": selectors.streaks_of_summary(summary),
        "retention": selectors.true_retention(learner=learner, now=now, day_start=day_start, summary=summary),
        "forecast": forecast,
        "forecast_chart": charts.bar_chart(
            [(charts.day_label(d, weekday=False), n) for d, n in forecast], tick_every=7
        ),
        "forecast_rows": charts.table_rows((charts.day_label(d), n) for d, n in forecast),
        "forecast_total": sum(n for _, n in forecast),
        "distribution": distribution,
        "distribution_chart": charts.bar_chart(
            [(f"{round(low * 100)}\u2013{round(high * 100)}%", n) for low, high, n in distribution], tick_every=2
        ),
        "seen_total": sum(m.seen for m in modules),
        "question_total": sum(m.question_total for m in modules),
        "time_all": selectors.study_time(totals.milliseconds),
        "time_week": selectors.study_time(sum(a.milliseconds for a in this_week)),
        # Time is measured by the page's script; answers given without it count in answers, not in time.
        "untimed_week": sum(a.reviews - a.timed for a in this_week),
        "reviews_all": totals.reviews,
        "reviews_today": activity[today].reviews if today in activity else 0,
    }
    context["forecast_svg"] = context["forecast_chart"].svg(
        chart_id="forecast", title="Reviews due per day over the next 30 days"
    )
    context["distribution_svg"] = context["distribution_chart"].svg(
        chart_id="recall", title="Seen questions by predicted recall now"
    )
    context |= evidence_context(
        learner=learner, snapshot=snapshot, cards=cards, all_ideas=request.GET.get("ideas") == "all"
    )
    context["idea_rows"] = idea_rows_html(context["misconception_standings"], csrf_token=response_csrf_token(request))
    context["module_rows"] = module_rows_html(modules)
    context["retention_rows"] = retention_rows_html(context["retention"])
    return context


# The progress page lists this many of a learner's wrong ideas (active ones first), and links to the whole list.
IDEAS_SHOWN = 10


def evidence_context(
    *, learner, snapshot, cards: list[selectors.CardMemory] | None = None, all_ideas: bool = False
) -> dict:
    """The progress page's evidence-aware sections: questions updated since last answered (from the learner's
    `cards`, read here when not given), the ideas the learner keeps getting wrong (the first `IDEAS_SHOWN`, or all
    of them), and the items under editors' review that count for no one. Three queries at most."""
    if cards is None:
        cards = selectors.card_memories(learner=learner)
    updates = [
        (snapshot.questions[card.question_id], card.update_note, card.updated_at)
        for card in selectors.updated_since_answered(cards)
        if card.question_id in snapshot.questions and not snapshot.questions[card.question_id].retired
    ]
    ideas = learner_misconceptions(learner=learner, snapshot=snapshot, limit=None if all_ideas else IDEAS_SHOWN)
    return {
        "evidence_updates": updates,
        "misconception_standings": ideas.shown,
        "misconception_count": ideas.total,
        "ideas_limit": IDEAS_SHOWN,
        "showing_all_ideas": all_ideas,
        "items_under_review": sorted(
            (q for q in snapshot.live_questions if q.under_review), key=lambda q: (q.module_title, q.order)
        ),
    }


@login_required
@require_POST
def practise_misconception(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a short practice test of the questions that work on one of the learner's wrong ideas."""
    try:
        test = start_misconception_practice(learner=request.user, slug=slug, now=timezone.now())
    except StudyError as error:
        messages.error(request, str(error))
        return redirect("cohorts:progress_dashboard")
    return redirect(test.get_absolute_url())


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
@require_GET
def export_reviews_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every answer the learner gave, one row each, streamed so that a long history never sits in memory."""
    rows = review_rows(learner=request.user, snapshot=catalog())
    return csv_response(f"mdma-at-tutor-reviews-{timezone.now():%Y-%m-%d}.csv", next(rows), rows)


@login_required
@require_GET
def export_json(request: HttpRequest) -> HttpResponse:
    data = learner_data(learner=request.user, snapshot=catalog())
    response = HttpResponse(json.dumps(data, cls=DjangoJSONEncoder, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="mdma-at-tutor-my-data-{timezone.now():%Y-%m-%d}.json"'
    return response


RETENTION_CHOICES = (0.80, 0.85, 0.90, 0.95)


@login_required
@require_GET
def scheduler_page(request: HttpRequest) -> HttpResponse:
    """The scheduler's report card for the learner (staff: `?scope=site` for every learner), what is due before
    each deadline, and what a desired retention costs and buys.

    Replays the learner's own history through the models: a page opened on purpose, not the dashboard.
    """
    learner, snapshot, now = request.user, catalog(), timezone.now()
    site = request.GET.get("scope") == "site" and learner.is_staff
    learners = User.objects.filter(review_logs__isnull=False).distinct() if site else [learner]
    card = report_card(learners)
    parameters = parameters_in_force(learner.pk)
    deck = len(snapshot.live_questions)
    # The simulator needs a bank to simulate: with no live questions there is nothing to cost.
    outlooks, best = [], None
    if deck:
        outlooks = [
            retention_outlook(
                parameters=parameters, desired_retention=r, deck_size=deck, new_per_day=learner.new_per_day
            )
            for r in sorted({*RETENTION_CHOICES, round(learner.desired_retention, 2)})
        ]
        best = optimal_retention(parameters=parameters, deck_size=deck, new_per_day=learner.new_per_day)
    return render(
        request,
        "progress/scheduler.html",
        {
            "site": site,
            "card": card,
            "reference": REFERENCE,
            "chart": charts.calibration_chart(card.calibration),
            "deadlines": deadline_work(learner=learner, snapshot=snapshot, now=now),
            "own_parameters": SchedulerParameters.objects.filter(learner=learner).order_by("-fitted_at", "-id")[:5],
            "in_force": "your own"
            if SchedulerParameters.objects.filter(learner=learner, adopted=True).exists()
            else ("the site's" if parameters else "the library's defaults"),
            "outlooks": outlooks,
            "optimal": best,
            "optimal_in_range": round(min(0.97, max(0.80, best)), 2) if best is not None else None,
        },
    )


@login_required
@require_POST
def use_retention(request: HttpRequest) -> HttpResponse:
    """One click: make the retention shown the learner's desired retention."""
    try:
        value = float(request.POST.get("desired_retention", ""))
    except ValueError:
        return HttpResponse("Give a desired retention between 0.80 and 0.97.", status=400)
    if not 0.80 <= value <= 0.97:
        return HttpResponse("Give a desired retention between 0.80 and 0.97.", status=400)
    use_desired_retention(learner=request.user, desired_retention=value)
    return redirect("progress:scheduler_page")
