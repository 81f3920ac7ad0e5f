"""Who may use which route: every route against every kind of visitor, checked on the server.

Cohorts, assignments and learners that are not the visitor's to see answer 404, so an id tells nothing about
what exists. Pages only educators may use answer 403 to learners, with an explanation; only the owner may delete a
cohort (a co-teacher gets 403). Anonymous visitors are sent to the login page (302).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cohorts.factories import AssignmentFactory, CohortFactory, MembershipFactory
from tests.factories import EducatorFactory, UserFactory
from tutor.cohorts.models import EducatorInvite

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "learner", "other_learner", "educator", "co_teacher", "other_educator", "staff")


@dataclass
class World:
    cohort: object
    assignment: object
    learner: object
    other_learner: object
    educator: object
    co_teacher: object
    other_educator: object
    staff: object
    invite: object


@pytest.fixture
def world(bank) -> World:
    educator, co_teacher, other_educator = EducatorFactory(), EducatorFactory(), EducatorFactory()
    cohort = CohortFactory(owner=educator, join_code="K7QM4XPA")
    cohort.co_teachers.add(co_teacher)
    other_cohort = CohortFactory(owner=other_educator)
    learner = MembershipFactory(cohort=cohort).learner
    other_learner = MembershipFactory(cohort=other_cohort).learner
    return World(
        cohort=cohort,
        assignment=AssignmentFactory(cohort=cohort, module_slugs=["risks"]),
        learner=learner,
        other_learner=other_learner,
        educator=educator,
        co_teacher=co_teacher,
        other_educator=other_educator,
        staff=UserFactory(is_staff=True, is_superuser=True),
        invite=EducatorInvite.objects.create(uses_left=10),
    )


def assignment_data(world) -> dict:
    today = timezone.localdate()
    return {
        "modules": ["risks"],
        "opens_on": today.isoformat(),
        "due_on": (today + dt.timedelta(days=7)).isoformat(),
        "target_accuracy": "80",
    }


# route name -> (method, url kwargs from the world, POST data from the world, query string)
ROUTES = {
    "progress_dashboard": ("get", lambda w: {}, None, ""),
    "cohort_list": ("get", lambda w: {}, None, ""),
    "cohort_join": ("get", lambda w: {}, None, ""),
    "cohort_join?code": ("get", lambda w: {}, None, "?code=K7QM4XPA"),
    "cohort_join:post": ("post", lambda w: {}, lambda w: {"code": "K7QM4XPA"}, ""),
    "cohort_leave": ("post", lambda w: {"cohort_id": w.cohort.pk}, lambda w: {}, ""),
    "educator_invite": ("get", lambda w: {"token": w.invite.token}, None, ""),
    "cohort_create": ("get", lambda w: {}, None, ""),
    "cohort_create:post": ("post", lambda w: {}, lambda w: {"name": "New group"}, ""),
    "cohort_dashboard": ("get", lambda w: {"cohort_id": w.cohort.pk}, None, ""),
    "cohort_edit": ("get", lambda w: {"cohort_id": w.cohort.pk}, None, ""),
    "cohort_edit:post": ("post", lambda w: {"cohort_id": w.cohort.pk}, lambda w: {"name": "Renamed"}, ""),
    "cohort_delete": ("get", lambda w: {"cohort_id": w.cohort.pk}, None, ""),
    "cohort_delete:post": ("post", lambda w: {"cohort_id": w.cohort.pk}, lambda w: {}, ""),
    "cohort_rotate_code": ("post", lambda w: {"cohort_id": w.cohort.pk}, lambda w: {}, ""),
    "cohort_learner": ("get", lambda w: {"cohort_id": w.cohort.pk, "learner_id": w.learner.pk}, None, ""),
    "cohort_learner:outsider": (
        "get",
        lambda w: {"cohort_id": w.cohort.pk, "learner_id": w.other_learner.pk},
        None,
        "",
    ),
    "cohort_remove_learner": (
        "post",
        lambda w: {"cohort_id": w.cohort.pk, "learner_id": w.learner.pk},
        lambda w: {},
        "",
    ),
    "assignment_create": ("get", lambda w: {"cohort_id": w.cohort.pk}, None, ""),
    "assignment_create:post": ("post", lambda w: {"cohort_id": w.cohort.pk}, assignment_data, ""),
    "assignment_detail": ("get", lambda w: {"assignment_id": w.assignment.pk}, None, ""),
    "assignment_edit": ("get", lambda w: {"assignment_id": w.assignment.pk}, None, ""),
    "assignment_edit:post": ("post", lambda w: {"assignment_id": w.assignment.pk}, assignment_data, ""),
    "assignment_delete": ("get", lambda w: {"assignment_id": w.assignment.pk}, None, ""),
    "assignment_delete:post": ("post", lambda w: {"assignment_id": w.assignment.pk}, lambda w: {}, ""),
    "item_analysis": ("get", lambda w: {"assignment_id": w.assignment.pk}, None, ""),
    "assignment_results_csv": ("get", lambda w: {"assignment_id": w.assignment.pk}, None, ""),
    "item_analysis_csv": ("get", lambda w: {"assignment_id": w.assignment.pk}, None, ""),
    "assign_misconception_practice": (
        "post",
        lambda w: {"assignment_id": w.assignment.pk, "slug": "some-idea"},
        lambda w: {},
        "",
    ),
}

# fmt: off
MATRIX = [
    # route                       anonymous learner other_l educator co_teach other_ed staff
    ("progress_dashboard",          302,    200,    200,    200,     200,     200,     200),
    ("cohort_list",                 302,    200,    200,    200,     200,     200,     200),
    ("cohort_join",                 302,    200,    200,    200,     200,     200,     200),
    ("cohort_join?code",            302,    200,    200,    200,     200,     200,     200),
    ("cohort_join:post",            302,    302,    302,    400,     400,     302,     302),
    ("cohort_leave",                302,    302,    404,    404,     404,     404,     404),
    ("educator_invite",             302,    200,    200,    200,     200,     200,     200),
    ("cohort_create",               302,    403,    403,    200,     200,     200,     403),
    ("cohort_create:post",          302,    403,    403,    302,     302,     302,     403),
    ("cohort_dashboard",            302,    404,    404,    200,     200,     404,     404),
    ("cohort_edit",                 302,    404,    404,    200,     200,     404,     404),
    ("cohort_edit:post",            302,    404,    404,    302,     302,     404,     404),
    ("cohort_delete",               302,    404,    404,    200,     403,     404,     404),
    ("cohort_delete:post",          302,    404,    404,    302,     403,     404,     404),
    ("cohort_rotate_code",          302,    404,    404,    302,     302,     404,     404),
    ("cohort_learner",              302,    404,    404,    200,     200,     404,     404),
    ("cohort_learner:outsider",     302,    404,    404,    404,     404,     404,     404),
    ("cohort_remove_learner",       302,    404,    404,    302,     302,     404,     404),
    ("assignment_create",           302,    404,    404,    200,     200,     404,     404),
    ("assignment_create:post",      302,    404,    404,    302,     302,     404,     404),
    ("assignment_detail",           302,    404,    404,    200,     200,     404,     404),
    ("assignment_edit",             302,    404,    404,    200,     200,     404,     404),
    ("assignment_edit:post",        302,    404,    404,    302,     302,     404,     404),
    ("assignment_delete",           302,    404,    404,    200,     200,     404,     404),
    ("assignment_delete:post",      302,    404,    404,    302,     302,     404,     404),
    ("item_analysis",               302,    404,    404,    200,     200,     404,     404),
    ("assignment_results_csv",      302,    404,    404,    200,     200,     404,     404),
    ("item_analysis_csv",           302,    404,    404,    200,     200,     404,     404),
    ("assign_misconception_practice", 302,  404,    404,    302,     302,     404,     404),
]
# fmt: on
CASES = [
    (route, actor, expected) for route, *statuses in MATRIX for actor, expected in zip(ACTORS, statuses, strict=True)
]


def test_the_matrix_covers_every_route():
    from tutor.cohorts.urls import urlpatterns

    covered = {route.split(":")[0].split("?")[0] for route, *_ in MATRIX}
    assert covered == {pattern.name for pattern in urlpatterns}
    assert set(ROUTES) == {route for route, *_ in MATRIX}


@pytest.mark.parametrize(("route", "actor", "expected"), CASES, ids=[f"{r}-{a}" for r, a, _ in CASES])
def test_access(client, world, route, actor, expected):
    method, url_kwargs, data, query = ROUTES[route]
    if actor != "anonymous":
        client.force_login(getattr(world, actor))
    url = reverse("cohorts:" + route.split(":")[0].split("?")[0], kwargs=url_kwargs(world)) + query

    response = client.post(url, data(world)) if method == "post" else client.get(url)

    assert response.status_code == expected, response.content.decode()[:500]
    if expected == 302 and actor == "anonymous":
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "route", ["cohort_leave", "cohort_rotate_code", "cohort_remove_learner"], ids=lambda route: route
)
def test_post_only_routes_refuse_get(client, world, route):
    client.force_login(world.educator)
    _, url_kwargs, _, _ = ROUTES[route]

    assert client.get(reverse("cohorts:" + route, kwargs=url_kwargs(world))).status_code == 405


def test_an_educator_role_taken_away_closes_their_cohorts(client, world):
    world.educator.role = "learner"
    world.educator.save()
    client.force_login(world.educator)

    assert client.get(reverse("cohorts:cohort_dashboard", args=[world.cohort.pk])).status_code == 404
