"""Cohorts, joining and leaving, join codes, required modules in daily study, and educator invites."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cohorts.conftest import NOW
from tests.cohorts.factories import AssignmentFactory, CohortFactory, MembershipFactory
from tests.factories import EducatorFactory, UserFactory
from tutor.accounts.models import Role
from tutor.cohorts import services
from tutor.cohorts.models import JOIN_CODE_ALPHABET, EducatorInvite, EducatorInviteUse, Membership

pytestmark = pytest.mark.django_db


def refreshed(user):
    user.refresh_from_db()
    return user


def test_an_educator_creates_a_cohort_with_a_readable_code_and_co_teachers():
    owner, colleague = EducatorFactory(), EducatorFactory()

    cohort = services.create_cohort(actor=owner, name="Spring 2027", co_teachers=[colleague, owner], now=NOW)

    assert len(cohort.join_code) == 8 and set(cohort.join_code) <= set(JOIN_CODE_ALPHABET)
    assert list(cohort.co_teachers.all()) == [colleague]
    assert cohort.created_at == NOW


def test_a_learner_cannot_create_a_cohort():
    with pytest.raises(services.CohortError):
        services.create_cohort(actor=UserFactory(), name="Mine", now=NOW)


def test_joining_with_a_code_typed_loosely_and_leaving(bank):
    cohort = CohortFactory(join_code="K7QM4XPA")
    learner = UserFactory()

    membership = services.join_cohort(learner=learner, code=" k7qm-4xpa ", now=NOW)
    again = services.join_cohort(learner=learner, code="K7QM4XPA", now=NOW)

    assert membership == again and membership.cohort == cohort and membership.joined_at == NOW
    services.leave_cohort(actor=learner, membership=membership)
    assert not Membership.objects.exists()


@pytest.mark.parametrize("code", ["", "NOPE1234", "K7QM4XP"])
def test_an_unknown_code_is_refused_in_plain_words(code):
    CohortFactory(join_code="K7QM4XPA")

    with pytest.raises(services.CohortError, match="No cohort has this code"):
        services.join_cohort(learner=UserFactory(), code=code, now=NOW)


def test_an_expired_code_is_refused_after_its_last_day():
    CohortFactory(join_code="K7QM4XPA", join_code_expires_on=dt.date(2026, 11, 24))
    learner = UserFactory()

    services.join_cohort(learner=learner, code="K7QM4XPA", now=dt.datetime(2026, 11, 24, 23, 59, tzinfo=dt.UTC))
    with pytest.raises(services.CohortError, match="expired"):
        services.join_cohort(learner=UserFactory(), code="K7QM4XPA", now=dt.datetime(2026, 11, 25, 0, 0, tzinfo=dt.UTC))


def test_rotating_the_code_retires_the_old_one_and_keeps_members():
    cohort = CohortFactory(join_code="K7QM4XPA")
    member = MembershipFactory(cohort=cohort)

    services.rotate_join_code(actor=cohort.owner, cohort=cohort, expires_on=dt.date(2026, 12, 31))

    cohort.refresh_from_db()
    assert cohort.join_code != "K7QM4XPA" and cohort.join_code_expires_on == dt.date(2026, 12, 31)
    with pytest.raises(services.CohortError):
        services.join_cohort(learner=UserFactory(), code="K7QM4XPA", now=NOW)
    assert services.join_cohort(learner=UserFactory(), code=cohort.join_code, now=NOW).cohort == cohort
    assert Membership.objects.filter(pk=member.pk).exists()


def test_teachers_cannot_join_their_own_cohort():
    colleague = EducatorFactory()
    cohort = CohortFactory(join_code="K7QM4XPA")
    cohort.co_teachers.add(colleague)

    for teacher in (cohort.owner, colleague):
        with pytest.raises(services.CohortError, match="You teach this cohort"):
            services.join_cohort(learner=teacher, code="K7QM4XPA", now=NOW)


def test_assigned_modules_follow_the_learner_in_and_out_of_daily_study(bank):
    cohort = CohortFactory(join_code="K7QM4XPA")
    other = CohortFactory()
    AssignmentFactory(cohort=cohort, module_slugs=["risks"])
    AssignmentFactory(cohort=other, module_slugs=["history"])
    learner = UserFactory(modules_left_out=["risks", "history"])
    MembershipFactory(cohort=other, learner=learner)
    services.sync_required_modules(learner_ids=[learner.pk])
    assert refreshed(learner).modules_required == ["history"]

    membership = services.join_cohort(learner=learner, code="K7QM4XPA", now=NOW)
    assert refreshed(learner).modules_required == ["history", "risks"]

    services.leave_cohort(actor=learner, membership=membership)
    assert refreshed(learner).modules_required == ["history"]


def test_assignment_changes_update_every_members_required_modules(bank):
    cohort = CohortFactory()
    learners = [MembershipFactory(cohort=cohort).learner for _ in range(2)]

    assignment = services.create_assignment(
        actor=cohort.owner,
        cohort=cohort,
        title="Risks",
        module_slugs=["risks"],
        opens_on=dt.date(2026, 11, 24),
        due_on=dt.date(2026, 12, 4),
        target_accuracy=80,
        exam_pass_mark=None,
        now=NOW,
    )
    assert [refreshed(learner).modules_required for learner in learners] == [["risks"], ["risks"]]

    services.update_assignment(
        actor=cohort.owner,
        assignment=assignment,
        title="Both",
        module_slugs=["history", "risks"],
        opens_on=assignment.opens_on,
        due_on=assignment.due_on,
        target_accuracy=80,
        exam_pass_mark=None,
    )
    assert refreshed(learners[0]).modules_required == ["history", "risks"]

    services.delete_assignment(actor=cohort.owner, assignment=assignment)
    assert refreshed(learners[1]).modules_required == []


def test_removing_a_learner_or_deleting_the_cohort_drops_its_modules(bank):
    cohort = CohortFactory()
    AssignmentFactory(cohort=cohort, module_slugs=["risks"])
    removed, stays = (MembershipFactory(cohort=cohort) for _ in range(2))
    services.sync_required_modules(learner_ids=[removed.learner_id, stays.learner_id])

    services.leave_cohort(actor=cohort.owner, membership=removed)
    assert refreshed(removed.learner).modules_required == []
    assert refreshed(stays.learner).modules_required == ["risks"]

    services.delete_cohort(actor=cohort.owner, cohort=cohort)
    assert refreshed(stays.learner).modules_required == []


def test_an_invite_makes_a_learner_an_educator_once_per_use():
    invite = EducatorInvite.objects.create(note="For Dr Rivera", uses_left=1)
    first, second = UserFactory(), UserFactory()

    services.redeem_educator_invite(user=first, token=invite.token, now=NOW)

    assert refreshed(first).role == Role.EDUCATOR
    assert EducatorInviteUse.objects.get().user == first
    invite.refresh_from_db()
    assert invite.uses_left == 0
    with pytest.raises(services.CohortError, match="expired or has been used"):
        services.redeem_educator_invite(user=second, token=invite.token, now=NOW)
    assert refreshed(second).role == Role.LEARNER


def test_an_expired_invite_does_nothing_and_an_educator_keeps_the_use():
    expired = EducatorInvite.objects.create(expires_at=NOW - dt.timedelta(minutes=1))
    spare = EducatorInvite.objects.create(uses_left=3)

    with pytest.raises(services.CohortError):
        services.redeem_educator_invite(user=UserFactory(), token=expired.token, now=NOW)
    services.redeem_educator_invite(user=EducatorFactory(), token=spare.token, now=NOW)

    spare.refresh_from_db()
    assert spare.uses_left == 3
    with pytest.raises(EducatorInvite.DoesNotExist):
        services.redeem_educator_invite(user=UserFactory(), token="no-such-token", now=NOW)
