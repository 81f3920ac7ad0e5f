"""The app's URLs plus a bare view (the cost of Django itself, for comparison) and, for bench/two_servers.py, a way
to queue a task through a server."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from tutor.urls import urlpatterns as app_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@require_POST
@login_required
def enqueue_refit(request: HttpRequest) -> HttpResponse:
    """Queue a refit of the learner's scheduler (bench/two_servers.py: does a task queued on one server run once?)."""
    from tutor.study.tasks import refit_scheduler

    return HttpResponse(str(refit_scheduler.enqueue(request.user.pk).id), content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/enqueue-refit/", enqueue_refit, name="bench_enqueue_refit"),
    *app_urlpatterns,
]
