"""Cohort pages for learners: the progress page with their assignments, their cohorts, joining by code, leaving,
and redeeming an educator invite."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tutor.catalog.snapshot import catalog
from tutor.cohorts import selectors, services
from tutor.cohorts.forms import (
    JoinCohortForm,
)
from tutor.cohorts.views.common import site_today
from tutor.progress.views import dashboard_context
from tutor.web.errors import error_response
from tutor.web.throttle import client_ip, over_limit


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
            "today": site_today(now),
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
                return redirect("cohorts:cohort_list")
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
    return redirect("cohorts:cohort_list")


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
        return redirect("cohorts:cohort_list")
    if not request.user.is_educator and not invite.is_usable(now):
        error = "This invite has expired or has been used. Ask the site's administrators for a new one."
        return render(request, "cohorts/invite.html", {"invite": invite, "error": error}, status=410)
    return render(request, "cohorts/invite.html", {"invite": invite})
