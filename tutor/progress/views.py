"""The learner's own dashboard and exports of their data."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from tutor.catalog.snapshot import catalog
from tutor.progress import charts, selectors
from tutor.progress.exports import learner_data, review_rows
from tutor.study.selectors import start_of_learner_day
from tutor.web.csv_export import csv_response


def dashboard_context(request: HttpRequest) -> dict:
    """What the progress page shows of the learner's own study. The page itself is composed in the cohorts app's
    view (`tutor.cohorts.views.progress_page`), which adds the learner's assignments: cohorts sit above progress."""
    learner, snapshot, now = request.user, catalog(), timezone.now()
    day_start = start_of_learner_day(learner, now)
    today = day_start.date()
    progress = selectors.module_progress(
        learner_ids=[learner.pk], snapshot=snapshot, now=now, today_ends=day_start + dt.timedelta(days=1)
    )[learner.pk]
    modules = [progress[m.id] for m in sorted(snapshot.modules.values(), key=lambda m: m.order)]
    activity = selectors.daily_activity(learner=learner)
    forecast = selectors.due_forecast(learner=learner, snapshot=snapshot, today=today)
    distribution = selectors.recall_distribution(learner=learner, snapshot=snapshot, now=now)
    week_ago = today - dt.timedelta(days=6)
    context = {
        "modules": modules,
        "mastery_definition": selectors.MASTERY_DEFINITION,
        "has_history": bool(activity),
        "heatmap": charts.calendar_heatmap(activity, today),
        "streaks": selectors.streaks(activity.keys(), today),
        "retention": selectors.true_retention(learner=learner, now=now, day_start=day_start),
        "forecast": forecast,
        "forecast_chart": charts.bar_chart([(d.strftime("%d %b"), n) for d, n in forecast], tick_every=7),
        "forecast_total": sum(n for _, n in forecast),
        "distribution": distribution,
        "distribution_chart": charts.bar_chart(
            [(f"{round(low * 100)}\u2013{round(high * 100)}%", n) for low, high, n in distribution], height=180
        ),
        "seen_total": sum(m.seen for m in modules),
        "question_total": sum(m.question_total for m in modules),
        "minutes_all": round(sum(a.milliseconds for a in activity.values()) / 60000),
        "minutes_week": round(sum(a.milliseconds for d, a in activity.items() if d >= week_ago) / 60000),
        "reviews_all": sum(a.reviews for a in activity.values()),
        "reviews_today": activity[today].reviews if today in activity else 0,
    }
    return context


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
