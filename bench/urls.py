"""The app's URLs plus one bare view: the cost of Django itself (middleware, routing, a response), for comparison."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from tutor.urls import urlpatterns as app_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *app_urlpatterns]
