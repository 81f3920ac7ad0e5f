"""Cohort pages for learners (their cohorts, joining, leaving) and educators (dashboard, assignments, analysis).

Every view checks access on the server. A cohort, assignment or learner that is not the user's to see answers 404,
so an id says nothing about what exists; a page only educators may use answers 403 to others with an explanation.
Every page works without JavaScript.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tutor.catalog.snapshot import catalog
from tutor.cohorts import exports, selectors, services
from tutor.cohorts.forms import (
    AssignmentForm,
    CohortForm,
    DashboardSortForm,
    ItemAnalysisForm,
    JoinCodeForm,
    JoinCohortForm,
)
from tutor.cohorts.models import Assignment, Cohort
from tutor.cohorts.selectors import AttemptKind
from tutor.progress.views import dashboard_context
from tutor.study.services import StudyError
from tutor.web.errors import error_response
from tutor.web.throttle import client_ip, over_limit


def _today(now: dt.datetime) -> dt.date:
    """Today in the site's time zone, in which assignment dates are read."""
    return timezone.localdate(now)


def _cohort_or_404(request: HttpRequest, cohort_id: int) -> Cohort:
    cohort = selectors.taught_cohort(educator=request.user, cohort_id=cohort_id)
    if cohort is None:
        raise Http404("No such cohort.")
    return cohort


def _assignment_or_404(request: HttpRequest, assignment_id: int) -> Assignment:
    assignment = selectors.taught_assignment(educator=request.user, assignment_id=assignment_id)
    if assignment is None:
        raise Http404("No such assignment.")
    return assignment


def _educators_only(request: HttpRequest) -> HttpResponse:
    return render(request, "cohorts/educators_only.html", status=403)


# --- Pages of other apps that show cohort data ---------------------------------------------------------------


@login_required
@require_GET
def progress_page(request: HttpRequest) -> HttpResponse:
    """The learner's progress page (the progress app's figures) with their assignments beside them, composed here
    because cohorts is the highest app involved."""
    context = dashboard_context(request)
    context["assignment_statuses"] = selectors.learner_assignments(
        learner=request.user, snapshot=catalog(), now=timezone.now()
    )
    return render(request, "progress/dashboard.html", context)


# --- Learners: their cohorts, joining and leaving ------------------------------------------------------------


@login_required
@require_GET
def cohort_list(request: HttpRequest) -> HttpResponse:
    """The cohorts the user teaches (educators) and those they learn in, with their assignments and status."""
    snapshot, now = catalog(), timezone.now()
    taught = selectors.taught_cohorts_with_counts(request.user) if request.user.is_educator else []
    memberships = selectors.learner_memberships(request.user)
    statuses = []
    if memberships:
        statuses = selectors.learner_assignments(learner=request.user, snapshot=snapshot, now=now)
    by_cohort: dict[int, list] = {}
    for status in statuses:
        by_cohort.setdefault(status.assignment.cohort_id, []).append(status)
    return render(
        request,
        "cohorts/cohort_list.html",
        {
            "taught": taught,
            "memberships": [(m, by_cohort.get(m.cohort_id, [])) for m in memberships],
            "join_form": JoinCohortForm(),
            "today": _today(now),
        },
    )


def _too_many_join_codes(request: HttpRequest) -> bool:
    """Every code looked up counts (a GET shows whether a code exists), per account and per address."""
    return over_limit(
        action="join-code",
        keys=[f"user:{request.user.pk}", f"ip:{client_ip(request)}"],
        limit=settings.JOIN_CODE_LIMIT_PER_HOUR,
        window_seconds=3600,
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_join(request: HttpRequest) -> HttpResponse:
    """Join by code. A join link (?code=…) shows the cohort first; joining itself is always a POST."""
    now = timezone.now()
    code_given = request.method == "POST" or "code" in request.GET
    if code_given and _too_many_join_codes(request):
        return error_response(
            request, 429, "Too many join codes were tried in the last hour. Check the code with your educator."
        )
    if request.method == "POST":
        form = JoinCohortForm(request.POST)
        if form.is_valid():
            try:
                membership = services.join_cohort(learner=request.user, code=form.cleaned_data["code"], now=now)
            except services.CohortError as error:
                form.add_error("code", str(error))
            else:
                messages.success(
                    request,
                    f"You joined {membership.cohort.name}. Its assigned modules are now part of your daily study.",
                )
                return redirect("cohort_list")
        return render(request, "cohorts/join.html", {"form": form}, status=400)
    form = JoinCohortForm(request.GET or None)
    cohort = None
    if form.is_bound:
        if form.is_valid():
            try:
                cohort = services.cohort_for_code(code=form.cleaned_data["code"], now=now)
            except services.CohortError as error:
                form.add_error("code", str(error))
        if cohort is None:
            return render(request, "cohorts/join.html", {"form": form}, status=400)
    already = cohort is not None and selectors.learner_membership(learner=request.user, cohort_id=cohort.pk)
    return render(request, "cohorts/join.html", {"form": form, "cohort": cohort, "already": already})


@login_required
@require_POST
def cohort_leave(request: HttpRequest, cohort_id: int) -> HttpResponse:
    membership = selectors.learner_membership(learner=request.user, cohort_id=cohort_id)
    if membership is None:
        raise Http404("You are not in this cohort.")
    services.leave_cohort(actor=request.user, membership=membership)
    messages.success(request, f"You left {membership.cohort.name}. Your answers and progress stay yours.")
    return redirect("cohort_list")


@login_required
@require_http_methods(["GET", "POST"])
def educator_invite(request: HttpRequest, token: str) -> HttpResponse:
    """An invite link a staff member made: redeeming it makes the account an educator."""
    invite = selectors.educator_invite(token=token)
    if invite is None:
        raise Http404("No such invite.")
    now = timezone.now()
    if request.method == "POST" and not request.user.is_educator:
        try:
            services.redeem_educator_invite(user=request.user, token=token, now=now)
        except services.CohortError as error:
            return render(request, "cohorts/invite.html", {"invite": invite, "error": str(error)}, status=410)
        messages.success(request, "Your account is now an educator's. Create your first cohort below.")
        return redirect("cohort_list")
    if not request.user.is_educator and not invite.is_usable(now):
        error = "This invite has expired or has been used. Ask the site's administrators for a new one."
        return render(request, "cohorts/invite.html", {"invite": invite, "error": error}, status=410)
    return render(request, "cohorts/invite.html", {"invite": invite})


# --- Educators: cohorts --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cohort_create(request: HttpRequest) -> HttpResponse:
    if not request.user.is_educator:
        return _educators_only(request)
    form = CohortForm(request.POST or None, owner=request.user)
    if request.method == "POST":
        if form.is_valid():
            cohort = services.create_cohort(
                actor=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                co_teachers=form.cleaned_data["co_teachers"],
                now=timezone.now(),
            )
            messages.success(request, "Cohort created. Share its join code or link with your learners.")
            return redirect(cohort)
        return render(request, "cohorts/cohort_form.html", {"form": form}, status=400)
    return render(request, "cohorts/cohort_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def cohort_edit(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort_or_404(request, cohort_id)
    form = CohortForm(request.POST or None, owner=cohort.owner, initial=CohortForm.initial_for(cohort))
    if request.method == "POST":
        if form.is_valid():
            services.update_cohort(
                actor=request.user,
                cohort=cohort,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                co_teachers=form.cleaned_data["co_teachers"],
            )
            messages.success(request, "Cohort saved.")
            return redirect(cohort)
        return render(request, "cohorts/cohort_form.html", {"form": form, "cohort": cohort}, status=400)
    return render(request, "cohorts/cohort_form.html", {"form": form, "cohort": cohort})


@login_required
@require_http_methods(["GET", "POST"])
def cohort_delete(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort_or_404(request, cohort_id)
    if cohort.owner_id != request.user.pk:
        return render(request, "cohorts/owner_only.html", {"cohort": cohort}, status=403)
    if request.method == "POST":
        services.delete_cohort(actor=request.user, cohort=cohort)
        messages.success(request, f"{cohort.name} was deleted. Its learners keep their own progress.")
        return redirect("cohort_list")
    return render(request, "cohorts/confirm_delete.html", {"cohort": cohort, "thing": cohort})


def _dashboard(
    request: HttpRequest, cohort: Cohort, *, code_form: JoinCodeForm | None = None, status: int = 200
) -> HttpResponse:
    snapshot, now = catalog(), timezone.now()
    overview = selectors.cohort_overview(cohort=cohort, snapshot=snapshot, now=now)
    sort_form = DashboardSortForm(request.GET or None, keys=selectors.sort_keys(overview.assignments))
    sort = ""
    if sort_form.is_bound:
        if sort_form.is_valid():
            sort = sort_form.cleaned_data["sort"]
        else:
            status = 400
    rows = selectors.sorted_rows(overview.rows, sort)
    page = Paginator(rows, selectors.LEARNERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "cohorts/dashboard.html",
        {
            "cohort": cohort,
            "co_teachers": list(cohort.co_teachers.all()),
            "overview": overview,
            "rows": page.object_list,
            "table_rows": selectors.table_rows(page.object_list, cohort=cohort),
            "page": page,
            "learner_count": len(rows),
            "headers": selectors.sort_headers(overview.assignments, sort),
            "sort_options": selectors.sort_options(overview.assignments),
            "sort": sort or "name",
            "sort_form": sort_form,
            "overdue_groups": selectors.overdue_by_assignment(overview.assignments, rows, cohort=cohort),
            "assignment_summaries": [(a, overview.summary(a)) for a in overview.assignments],
            "join_url": request.build_absolute_uri(cohort.join_path),
            "code_works": cohort.join_code_works(now),
            "code_form": code_form or JoinCodeForm(today=_today(now)),
            "today": _today(now),
        },
        status=status,
    )


@login_required
@require_GET
def cohort_dashboard(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Learners against assignments with status and percentage, who is overdue, and when each was last active."""
    return _dashboard(request, _cohort_or_404(request, cohort_id))


@login_required
@require_POST
def cohort_rotate_code(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort_or_404(request, cohort_id)
    form = JoinCodeForm(request.POST, today=_today(timezone.now()))
    if not form.is_valid():
        return _dashboard(request, cohort, code_form=form, status=400)
    services.rotate_join_code(actor=request.user, cohort=cohort, expires_on=form.cleaned_data["expires_on"])
    messages.success(request, f"New join code: {cohort.join_code}. The old code no longer works.")
    return redirect(cohort)


@login_required
@require_GET
def cohort_learner(request: HttpRequest, cohort_id: int, learner_id: int) -> HttpResponse:
    """One learner's module progress (the numbers of their own dashboard) and their assignments in this cohort."""
    cohort = _cohort_or_404(request, cohort_id)
    membership = selectors.cohort_member(cohort=cohort, learner_id=learner_id)
    if membership is None:
        raise Http404("No such learner in this cohort.")
    snapshot, now = catalog(), timezone.now()
    assignments = list(cohort.assignments.all())
    found = selectors.assignment_statuses(assignments=assignments, learner_ids=[learner_id], snapshot=snapshot, now=now)
    return render(
        request,
        "cohorts/learner.html",
        {
            "cohort": cohort,
            "membership": membership,
            "learner": membership.learner,
            "progress": selectors.learner_drilldown_progress(learner=membership.learner, snapshot=snapshot, now=now),
            "statuses": [found[(a.pk, learner_id)] for a in assignments],
        },
    )


@login_required
@require_POST
def cohort_remove_learner(request: HttpRequest, cohort_id: int, learner_id: int) -> HttpResponse:
    cohort = _cohort_or_404(request, cohort_id)
    membership = selectors.cohort_member(cohort=cohort, learner_id=learner_id)
    if membership is None:
        raise Http404("No such learner in this cohort.")
    services.leave_cohort(actor=request.user, membership=membership)
    messages.success(request, f"{membership.learner.get_username()} was removed from {cohort.name}.")
    return redirect(cohort)


# --- Educators: assignments ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort_or_404(request, cohort_id)
    now = timezone.now()
    today = _today(now)
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
    assignment = _assignment_or_404(request, assignment_id)
    form = AssignmentForm(
        request.POST or None,
        module_choices=catalog().module_choices(),
        today=_today(timezone.now()),
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
    assignment = _assignment_or_404(request, assignment_id)
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
    assignment = _assignment_or_404(request, assignment_id)
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
    assignment = _assignment_or_404(request, assignment_id)
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
    assignment = _assignment_or_404(request, assignment_id)
    try:
        made = services.assign_misconception_practice(
            educator=request.user, assignment=assignment, slug=slug, now=timezone.now()
        )
    except StudyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Practice assigned to {made} learner{'s' if made != 1 else ''}.")
    return redirect("item_analysis", assignment_id=assignment.pk)


@login_required
@require_GET
def assignment_results_csv(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _assignment_or_404(request, assignment_id)
    overview, _, _ = _assignment_results(assignment)
    return exports.results_csv(assignment, overview.rows)


@login_required
@require_GET
def item_analysis_csv(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _assignment_or_404(request, assignment_id)
    _, kind = _attempt_kind(request)
    if kind is None:
        return HttpResponse("Choose first or latest attempts.", status=400, content_type="text/plain")
    analysis = selectors.item_analysis(assignment=assignment, snapshot=catalog(), kind=kind)
    return exports.item_analysis_csv(analysis)
