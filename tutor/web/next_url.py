"""Where to send someone after a form: one rule for every `next` parameter in the app."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

# Pages that only take a POST, and the page a person was looking at when they posted to it. A `next` that names one
# of them (the log-in page's, after a session expired mid-answer) goes to its page instead of a 405.
GET_PAGE_FOR: dict[str, tuple[str, tuple[str, ...]]] = {
    "study:study_answer": ("study:study", ()),
    "study:change_rating": ("study:study_feedback", ("log_id",)),
    "study:flag_question": ("study:question_detail", ("qid",)),
    "study:practise_missed": ("study:missed", ()),
    "study:practise_flagged": ("study:flagged", ()),
    "study:practice_answer": ("study:practice_test", ("test_id",)),
    "study:practice_finish": ("study:practice_test", ("test_id",)),
    "cohorts:cohort_leave": ("cohorts:cohort_list", ()),
    "cohorts:cohort_rotate_code": ("cohorts:cohort_dashboard", ("cohort_id",)),
    "cohorts:cohort_remove_learner": ("cohorts:cohort_learner", ("cohort_id", "learner_id")),
    "accounts:logout": ("catalog:home", ()),
    "interop:lti_launch": ("catalog:home", ()),
    "cohorts:assign_misconception_practice": ("cohorts:item_analysis", ("assignment_id",)),
    "progress:practise_misconception": ("cohorts:progress_dashboard", ()),
    "progress:use_retention": ("progress:scheduler_page", ()),
    "study:raise_new_per_day": ("study:study_settings", ()),
}


def safe_next_url(request: HttpRequest, candidate: object, fallback: str) -> str:
    """`candidate` if it is a path on this site that a browser can GET, its page if it is POST-only, else `fallback`.

    Only site-relative paths count (never another host, a scheme, `//host` or a backslash trick), and only those
    the URLconf resolves, so that `redirect()` is never handed a bare word it would try to reverse.
    """
    if not isinstance(candidate, str) or not candidate.startswith("/") or candidate.startswith("//"):
        return fallback
    if not url_has_allowed_host_and_scheme(candidate, allowed_hosts=None, require_https=request.is_secure()):
        return fallback
    try:
        match = resolve(urlsplit(candidate).path)
    except (Resolver404, ValueError):
        return fallback
    target = GET_PAGE_FOR.get(match.view_name)
    if target is None:
        return candidate
    name, keys = target
    try:
        return reverse(name, kwargs={key: match.kwargs[key] for key in keys})
    except (KeyError, NoReverseMatch):
        return fallback
