"""A cohort's members from CSV: preview, a clear error per bad row, all or nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import EducatorFactory, UserFactory
from tutor.cohorts.models import Cohort, Membership
from tutor.interop.models import CohortInvite

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    return Cohort.objects.create(name="Spring", owner=EducatorFactory())


def test_preview_then_confirm_adds_members_and_invites_the_rest(client, cohort, django_capture_on_commit_callbacks):
    UserFactory(username="amira")
    UserFactory(username="ben", email="ben@example.org")
    client.force_login(cohort.owner)
    upload = SimpleUploadedFile(
        "members.csv", "\ufeffusername\namira\nBen@Example.org\nnew.person@example.org\n".encode()
    )
    preview = client.post(f"/educator/cohorts/{cohort.pk}/import/", {"file": upload})
    assert preview.status_code == 200
    assert b"will be added" in preview.content and b"will be invited by email" in preview.content
    assert not Membership.objects.exists() and not CohortInvite.objects.exists()  # the preview writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"/educator/cohorts/{cohort.pk}/import/", {"csv_text": preview.context["text"], "confirm": "1"}
        )
    assert done.status_code == 302
    assert set(Membership.objects.values_list("learner__username", flat=True)) == {"amira", "ben"}
    assert list(CohortInvite.objects.values_list("email", flat=True)) == ["new.person@example.org"]
    assert len(mail.outbox) == 1 and cohort.join_code in mail.outbox[0].body


def test_each_bad_row_gets_an_error_and_nothing_is_created(client, cohort):
    UserFactory(username="amira")
    client.force_login(cohort.owner)
    text = f"amira\nnobody-here\nnot-an-email@\namira\n{cohort.owner.username}\nfresh@example.org\n"
    for data in ({"csv_text": text}, {"csv_text": text, "confirm": "1"}):
        response = client.post(f"/educator/cohorts/{cohort.pk}/import/", data)
        assert response.status_code == 400
        content = response.content.decode()
        assert "nobody-here no account has this username" in content
        assert "not-an-email@ is not a valid email address" in content
        assert "appears twice (first on line 1)" in content
        assert "teaches this cohort" in content
    assert not Membership.objects.exists() and not CohortInvite.objects.exists()


def test_unreadable_or_empty_files_are_refused_with_a_message(client, cohort):
    client.force_login(cohort.owner)
    url = f"/educator/cohorts/{cohort.pk}/import/"
    empty = client.post(url, {"csv_text": "  "})
    assert empty.status_code == 400 and b"Choose a CSV file" in empty.content
    latin = client.post(url, {"file": SimpleUploadedFile("m.csv", "Jos\xe9\n".encode("latin-1"))})
    assert latin.status_code == 400 and b"not UTF-8" in latin.content
    header_only = client.post(url, {"csv_text": "email\n"})
    assert header_only.status_code == 400 and b"names nobody" in header_only.content


def test_only_the_cohorts_educators_may_import(client, cohort):
    client.force_login(EducatorFactory())
    assert client.get(f"/educator/cohorts/{cohort.pk}/import/").status_code == 404
    client.force_login(UserFactory())
    assert client.post(f"/educator/cohorts/{cohort.pk}/import/", {"csv_text": "x"}).status_code == 404
    client.logout()
    assert client.get(f"/educator/cohorts/{cohort.pk}/import/").status_code == 302
