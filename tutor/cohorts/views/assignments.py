"""Educators' assignment pages: create, edit, delete, results, item analysis with its misconception practice, and
the CSV exports. An assignment that is not the educator's answers 404."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tutor.catalog.snapshot import catalog
from tutor.cohorts import exports, selectors, services
from tutor.cohorts.forms import (
    AssignmentForm,
    ItemAnalysisForm,
)
from tutor.cohorts.models import Assignment
from tutor.cohorts.selectors import AttemptKind
from tutor.cohorts.views.common import assignment_or_404, cohort_or_404, site_today
from tutor.study.services import StudyError
from tutor.web.csrf import response_csrf_token


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = cohort_or_404(request, cohort_id)
    now = timezone.now()
    today = site_today(now)
    form = AssignmentForm(
        request.POST or None,
        module_choices=catalog().module_choices(),
        today=today,
        initial={"opens_on": today, "due_on": today + dt.timedelta(days=14)},
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            assignment = services.create_assignment(
                actor=request.user,
                cohort=cohort,
                title=data["title"],
                module_slugs=data["modules"],
                opens_on=data["opens_on"],
                due_on=data["due_on"],
                target_accuracy=data["target_accuracy"],
                exam_pass_mark=data["exam_pass_mark"],
                exam_min_questions=data["exam_min_questions"],
                now=now,
            )
            messages.success(request, "Assignment created. Its modules are now in every learner's daily study.")
            return redirect(assignment)
        return render(request, "cohorts/assignment_form.html", {"form": form, "cohort": cohort}, status=400)
    return render(request, "cohorts/assignment_form.html", {"form": form, "cohort": cohort})


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = assignment_or_404(request, assignment_id)
    form = AssignmentForm(
        request.POST or None,
        module_choices=catalog().module_choices(),
        today=site_today(timezone.now()),
        editing=True,
        initial=AssignmentForm.initial_for(assignment),
    )
    context = {"form": form, "cohort": assignment.cohort, "assignment": assignment}
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            services.update_assignment(
                actor=request.user,
                assignment=assignment,
                title=data["title"],
                module_slugs=data["modules"],
                opens_on=data["opens_on"],
                due_on=data["due_on"],
                target_accuracy=data["target_accuracy"],
                exam_pass_mark=data["exam_pass_mark"],
                exam_min_questions=data["exam_min_questions"],
            )
            messages.success(request, "Assignment saved.")
            return redirect(assignment)
        return render(request, "cohorts/assignment_form.html", context, status=400)
    return render(request, "cohorts/assignment_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_delete(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = assignment_or_404(request, assignment_id)
    if request.method == "POST":
        services.delete_assignment(actor=request.user, assignment=assignment)
        messages.success(request, f"{assignment.title} was deleted.")
        return redirect(assignment.cohort)
    return render(request, "cohorts/confirm_delete.html", {"cohort": assignment.cohort, "thing": assignment})


def _assignment_results(assignment: Assignment):
    snapshot, now = catalog(), timezone.now()
    overview = selectors.cohort_overview(cohort=assignment.cohort, snapshot=snapshot, now=now, assignments=[assignment])
    return overview, snapshot, now


@login_required
@require_GET
def assignment_detail(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """Each learner's result, the cohort's totals, and the recall forecast for each module."""
    assignment = assignment_or_404(request, assignment_id)
    overview, snapshot, now = _assignment_results(assignment)
    rows = sorted(overview.rows, key=lambda r: (r.statuses[0].sort_key, r.name.lower()))
    return render(
        request,
        "cohorts/assignment_detail.html",
        {
            "assignment": assignment,
            "cohort": assignment.cohort,
            "modules": selectors.assignment_modules(assignment, snapshot),
            "rows": rows,
            "summary": overview.summary(assignment),
            "learner_count": len(overview.memberships),
            "forecast": selectors.recall_forecast(
                assignment=assignment, snapshot=snapshot, now=now, learner_count=len(overview.memberships)
            ),
            "forecast_explanation": selectors.FORECAST_EXPLANATION,
            "readiness": selectors.learner_readiness(
                assignment=assignment, memberships=overview.memberships, snapshot=snapshot, now=now
            ),
            "due_passed": now >= assignment.due_at,
            "exam_questions_needed": assignment.exam_questions_needed(
                len(selectors.counted_assignment_questions(assignment, snapshot))
            ),
        },
    )


def _attempt_kind(request: HttpRequest) -> tuple[ItemAnalysisForm, str | None]:
    form = ItemAnalysisForm(request.GET or None)
    if not form.is_bound:
        return form, AttemptKind.FIRST
    if not form.is_valid():
        return form, None
    return form, form.cleaned_data["attempts"] or AttemptKind.FIRST


@login_required
@require_GET
def item_analysis(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """Per question: attempts, facility, discrimination, the options chosen and the misconceptions behind them."""
    assignment = assignment_or_404(request, assignment_id)
    form, kind = _attempt_kind(request)
    status = 200 if kind else 400
    analysis = selectors.item_analysis(assignment=assignment, snapshot=catalog(), kind=kind or AttemptKind.FIRST)
    return render(
        request,
        "cohorts/item_analysis.html",
        {
            "assignment": assignment,
            "cohort": assignment.cohort,
            "analysis": analysis,
            "items": selectors.drawn_items(analysis),
            "misconception_rows": selectors.misconception_rows_html(
                analysis.misconceptions, assignment_id=assignment.pk, csrf_token=response_csrf_token(request)
            ),
            "form": form,
            "kind": kind or AttemptKind.FIRST,
            "kind_label": AttemptKind(kind or AttemptKind.FIRST).label.lower(),
            "flag_threshold": selectors.DISCRIMINATION_FLAG,
            "flag_min_attempts": selectors.DISCRIMINATION_MIN_ATTEMPTS,
        },
        status=status,
    )


@login_required
@require_POST
def assign_misconception_practice(request: HttpRequest, assignment_id: int, slug: str) -> HttpResponse:
    """Give each member still holding a wrong idea a short practice test on it."""
    assignment = assignment_or_404(request, assignment_id)
    try:
        made = services.assign_misconception_practice(
            educator=request.user, assignment=assignment, slug=slug, now=timezone.now()
        )
    except StudyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Practice assigned to {made} learner{'s' if made != 1 else ''}.")
    return redirect("cohorts:item_analysis", assignment_id=assignment.pk)


@login_required
@require_GET
def assignment_results_csv(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = assignment_or_404(request, assignment_id)
    overview, _, _ = _assignment_results(assignment)
    return exports.results_csv(assignment, overview.rows)


@login_required
@require_GET
def item_analysis_csv(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = assignment_or_404(request, assignment_id)
    _, kind = _attempt_kind(request)
    if kind is None:
        return HttpResponse("Choose first or latest attempts.", status=400, content_type="text/plain")
    analysis = selectors.item_analysis(assignment=assignment, snapshot=catalog(), kind=kind)
    return exports.item_analysis_csv(analysis)
