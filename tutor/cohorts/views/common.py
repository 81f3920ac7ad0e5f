"""What every cohort view needs: today in the site's zone, the cohort or assignment the educator may see (else
404), and the page that tells a learner a page is for educators."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tutor.cohorts import selectors
from tutor.cohorts.models import Assignment, Cohort


def site_today(now: dt.datetime) -> dt.date:
    """Today in the site's time zone, in which assignment dates are read."""
    return timezone.localdate(now)


def cohort_or_404(request: HttpRequest, cohort_id: int) -> Cohort:
    cohort = selectors.taught_cohort(educator=request.user, cohort_id=cohort_id)
    if cohort is None:
        raise Http404("No such cohort.")
    return cohort


def assignment_or_404(request: HttpRequest, assignment_id: int) -> Assignment:
    assignment = selectors.taught_assignment(educator=request.user, assignment_id=assignment_id)
    if assignment is None:
        raise Http404("No such assignment.")
    return assignment


def educators_only(request: HttpRequest) -> HttpResponse:
    return render(request, "cohorts/educators_only.html", status=403)
