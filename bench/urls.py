"""The app's URLs plus two yardsticks — a bare view (the cost of Django itself) and the least a signed-in page of
this site costs — and, for bench/two_servers.py, a way to queue a task through a server."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path
from django.views.decorators.http import require_POST

from tutor.urls import urlpatterns as app_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@login_required
def signed_in_floor(request: HttpRequest) -> HttpResponse:
    """The least any page of the site does for a signed-in learner: the session and the user, the CSRF token, one
    query of one row, and the site's page (`base.html`: header, menu, messages, footer) around a heading. Every
    learner's page costs this much before its own work; the study page's share of the bare view cannot rise above
    this page's."""
    from tutor.study.models import Card

    started = Card.objects.filter(learner=request.user).exists()
    return HttpResponse(FLOOR_PAGE.render({"started": started}, request))


# Compiled once, as the cached template loader keeps the app's own pages.
FLOOR_PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}Signed in · MDMA-AT Tutor{% endblock %}'
    "{% block content %}<h1>{% if started %}Studying{% else %}Not started{% endif %}</h1>{% endblock %}"
)


@require_POST
@login_required
def enqueue_refit(request: HttpRequest) -> HttpResponse:
    """Queue a refit of the learner's scheduler (bench/two_servers.py: does a task queued on one server run once?)."""
    from tutor.study.tasks import refit_scheduler

    return HttpResponse(str(refit_scheduler.enqueue(request.user.pk).id), content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/signed-in/", signed_in_floor, name="bench_signed_in_floor"),
    path("bench/enqueue-refit/", enqueue_refit, name="bench_enqueue_refit"),
    *app_urlpatterns,
]
