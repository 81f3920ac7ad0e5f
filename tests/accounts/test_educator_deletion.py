"""An educator who owns cohorts deletes their account: each cohort goes to a co-teacher or, confirmed, is deleted."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse

from tests.cohorts.factories import AssignmentFactory, CohortFactory, MembershipFactory
from tests.factories import EducatorFactory
from tutor.accounts.models import User
from tutor.cohorts.models import Assignment, Cohort

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


@pytest.fixture
def owner():
    return EducatorFactory(username="dr-owner")


def test_the_page_says_what_happens_to_each_cohort(client, owner):
    helper = EducatorFactory(username="dr-helper")
    CohortFactory(owner=owner, name="Spring").co_teachers.add(helper)
    CohortFactory(owner=owner, name="Autumn")
    client.force_login(owner)

    html = " ".join(client.get(reverse("accounts:delete_account")).content.decode().split())

    assert "Spring" in html and "goes to dr-helper" in html
    assert "Autumn" in html and "will be deleted" in html
    assert 'name="delete_cohorts"' in html


def test_cohorts_go_to_a_co_teacher_or_are_deleted_once_confirmed(client, owner):
    helper = EducatorFactory(username="dr-helper")
    kept = CohortFactory(owner=owner, name="Spring")
    kept.co_teachers.add(helper)
    AssignmentFactory(cohort=kept)
    MembershipFactory(cohort=kept)
    dropped = CohortFactory(owner=owner, name="Autumn")
    client.force_login(owner)

    unconfirmed = client.post(reverse("accounts:delete_account"), {"password": PASSWORD, "confirm": "on"})
    assert unconfirmed.status_code == 400
    assert "Autumn" in unconfirmed.content.decode()
    assert User.objects.filter(pk=owner.pk).exists()
    assert client.get(reverse("cohorts:progress_dashboard")).status_code == 200  # still signed in

    done = client.post(
        reverse("accounts:delete_account"), {"password": PASSWORD, "confirm": "on", "delete_cohorts": "on"}
    )

    assert done.status_code == 302
    assert not User.objects.filter(pk=owner.pk).exists()
    kept.refresh_from_db()
    assert kept.owner == helper and helper not in kept.co_teachers.all()
    assert Assignment.objects.filter(cohort=kept).exists()
    assert not Cohort.objects.filter(pk=dropped.pk).exists()
    assert client.get(reverse("cohorts:progress_dashboard")).status_code == 302  # signed out


def test_a_failure_half_way_leaves_everything_as_it_was(client, owner):
    helper = EducatorFactory(username="dr-helper")
    kept = CohortFactory(owner=owner)
    kept.co_teachers.add(helper)
    client.force_login(owner)
    client.raise_request_exception = False

    with mock.patch("tutor.accounts.services.delete_account", side_effect=RuntimeError("disk full")):
        response = client.post(reverse("accounts:delete_account"), {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 500
    kept.refresh_from_db()
    assert kept.owner == owner and helper in kept.co_teachers.all()
    assert User.objects.filter(pk=owner.pk).exists()
