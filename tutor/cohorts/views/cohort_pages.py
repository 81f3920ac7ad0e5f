"""Educators' cohort pages: create, edit, delete, the dashboard (sorted, paged), the join code, one learner's
drill-down and removal. A cohort that is not the educator's answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tutor.catalog.snapshot import catalog
from tutor.cohorts import selectors, services
from tutor.cohorts.forms import (
    CohortForm,
    DashboardSortForm,
    JoinCodeForm,
)
from tutor.cohorts.models import Cohort
from tutor.cohorts.views.common import cohort_or_404, educators_only, site_today


@login_required
@require_http_methods(["GET", "POST"])
def cohort_create(request: HttpRequest) -> HttpResponse:
    if not request.user.is_educator:
        return educators_only(request)
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
    cohort = cohort_or_404(request, cohort_id)
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
    cohort = cohort_or_404(request, cohort_id)
    if cohort.owner_id != request.user.pk:
        return render(request, "cohorts/owner_only.html", {"cohort": cohort}, status=403)
    if request.method == "POST":
        services.delete_cohort(actor=request.user, cohort=cohort)
        messages.success(request, f"{cohort.name} was deleted. Its learners keep their own progress.")
        return redirect("cohorts:cohort_list")
    return render(request, "cohorts/confirm_delete.html", {"cohort": cohort, "thing": cohort})


def _dashboard(
    request: HttpRequest, cohort: Cohort, *, code_form: JoinCodeForm | None = None, status: int = 200
) -> HttpResponse:
    snapshot, now = catalog(), timezone.now()
    assignments = selectors.cohort_assignments(cohort)
    sort_form = DashboardSortForm(request.GET or None, keys=selectors.sort_keys(assignments))
    sort = ""
    if sort_form.is_bound:
        if sort_form.is_valid():
            sort = sort_form.cleaned_data["sort"]
        else:
            status = 400
    table = selectors.cohort_page(
        cohort=cohort,
        snapshot=snapshot,
        now=now,
        assignments=assignments,
        sort=sort,
        page_number=request.GET.get("page"),
    )
    return render(
        request,
        "cohorts/dashboard.html",
        {
            "cohort": cohort,
            "co_teachers": selectors.co_teachers(cohort),
            "table": table,
            "page": table.page,
            "page_links": selectors.page_links(table.page, sort or "name"),
            "table_rows": table.table_rows,
            "learner_count": table.learner_count,
            "headers": selectors.sort_headers(assignments, sort),
            "sort_options": selectors.sort_options(assignments),
            "sort": sort or "name",
            "sort_form": sort_form,
            "overdue_groups": table.overdue_groups,
            "assignment_summaries": table.summaries,
            "join_url": request.build_absolute_uri(cohort.join_path),
            "code_works": cohort.join_code_works(now),
            "code_form": code_form or JoinCodeForm(today=site_today(now)),
            "today": site_today(now),
        },
        status=status,
    )


@login_required
@require_GET
def cohort_dashboard(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Learners against assignments with status and percentage, who is overdue, and when each was last active."""
    return _dashboard(request, cohort_or_404(request, cohort_id))


@login_required
@require_POST
def cohort_rotate_code(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = cohort_or_404(request, cohort_id)
    form = JoinCodeForm(request.POST, today=site_today(timezone.now()))
    if not form.is_valid():
        return _dashboard(request, cohort, code_form=form, status=400)
    services.rotate_join_code(actor=request.user, cohort=cohort, expires_on=form.cleaned_data["expires_on"])
    messages.success(request, f"New join code: {cohort.join_code}. The old code no longer works.")
    return redirect(cohort)


@login_required
@require_GET
def cohort_learner(request: HttpRequest, cohort_id: int, learner_id: int) -> HttpResponse:
    """One learner's module progress (the numbers of their own dashboard) and their assignments in this cohort."""
    cohort = cohort_or_404(request, cohort_id)
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
    cohort = cohort_or_404(request, cohort_id)
    membership = selectors.cohort_member(cohort=cohort, learner_id=learner_id)
    if membership is None:
        raise Http404("No such learner in this cohort.")
    services.leave_cohort(actor=request.user, membership=membership)
    messages.success(request, f"{membership.learner.get_username()} was removed from {cohort.name}.")
    return redirect(cohort)
