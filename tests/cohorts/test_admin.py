"""Staff make educator invites in the admin and copy their link; cohorts are deleted through the service."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.cohorts.factories import AssignmentFactory, CohortFactory, MembershipFactory
from tests.factories import UserFactory
from tutor.cohorts.models import Cohort, EducatorInvite

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_staff_create_an_invite_and_see_its_link(admin_client):
    form = {"note": "Dr Rivera", "uses_left": "1", "uses-TOTAL_FORMS": "0", "uses-INITIAL_FORMS": "0"}

    response = admin_client.post(reverse("admin:cohorts_educatorinvite_add"), form, follow=True)

    invite = EducatorInvite.objects.get()
    link = f"http://testserver/educator/invite/{invite.token}/"
    assert invite.created_by.is_staff
    assert link in response.content.decode()  # in the message after saving
    change = admin_client.get(reverse("admin:cohorts_educatorinvite_change", args=[invite.pk]))
    assert f'value="{link}"' in change.content.decode()
    assert (
        invite.get_absolute_url()
        in admin_client.get(reverse("admin:cohorts_educatorinvite_changelist")).content.decode()
    )


def test_deleting_a_cohort_in_the_admin_updates_its_learners_study(admin_client, bank):
    cohort = CohortFactory()
    AssignmentFactory(cohort=cohort, module_slugs=["risks"])
    learner = MembershipFactory(cohort=cohort).learner
    learner.modules_required = ["risks"]
    learner.save()

    admin_client.post(reverse("admin:cohorts_cohort_delete", args=[cohort.pk]), {"post": "yes"})

    assert not Cohort.objects.exists()
    learner.refresh_from_db()
    assert learner.modules_required == []
