"""Every write to a cohort checks who is acting, whoever calls it (a view, a command, the admin), and leaves an
entry in the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cohorts.conftest import NOW
from tests.cohorts.factories import AssignmentFactory, CohortFactory, MembershipFactory
from tests.factories import EducatorFactory, UserFactory
from tutor.cohorts import services
from tutor.cohorts.models import Assignment, Cohort, EducatorAction, Membership
from tutor.cohorts.permissions import NotAllowed

pytestmark = pytest.mark.django_db


def edit(actor, assignment, **changes):
    terms = {
        "title": assignment.title,
        "module_slugs": assignment.module_slugs,
        "opens_on": assignment.opens_on,
        "due_on": assignment.due_on,
        "target_accuracy": assignment.target_accuracy,
        "exam_pass_mark": assignment.exam_pass_mark,
    } | changes
    return services.update_assignment(actor=actor, assignment=assignment, **terms)


def test_an_educator_of_another_cohort_is_refused_by_every_write(bank):
    cohort = CohortFactory()
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["risks"])
    membership = MembershipFactory(cohort=cohort)
    stranger = EducatorFactory()

    with pytest.raises(NotAllowed):
        edit(stranger, assignment, due_on=dt.date(2026, 12, 24))
    with pytest.raises(NotAllowed):
        services.delete_assignment(actor=stranger, assignment=assignment)
    with pytest.raises(NotAllowed):
        services.rotate_join_code(actor=stranger, cohort=cohort, expires_on=None)
    with pytest.raises(NotAllowed):
        services.leave_cohort(actor=stranger, membership=membership)
    with pytest.raises(NotAllowed):
        services.delete_cohort(actor=stranger, cohort=cohort)

    assert Assignment.objects.filter(pk=assignment.pk, due_on=assignment.due_on).exists()
    assert Membership.objects.filter(pk=membership.pk).exists() and Cohort.objects.filter(pk=cohort.pk).exists()
    assert not EducatorAction.objects.exists()


def test_a_co_teacher_may_edit_but_not_delete_the_cohort(bank):
    cohort = CohortFactory()
    colleague = EducatorFactory()
    cohort.co_teachers.add(colleague)

    services.rotate_join_code(actor=colleague, cohort=cohort, expires_on=None)
    with pytest.raises(NotAllowed, match="Only the owner"):
        services.delete_cohort(actor=colleague, cohort=cohort)


def test_a_learner_may_leave_but_not_remove_another(bank):
    cohort = CohortFactory()
    mine, theirs = MembershipFactory(cohort=cohort), MembershipFactory(cohort=cohort)

    with pytest.raises(NotAllowed):
        services.leave_cohort(actor=mine.learner, membership=theirs)
    services.leave_cohort(actor=mine.learner, membership=mine)

    assert list(Membership.objects.all()) == [theirs]
    assert not EducatorAction.objects.exists()  # leaving is the learner's own choice, not an educator's action


def test_the_audit_trail_says_who_changed_which_assignment_and_how(bank):
    cohort = CohortFactory(name="Spring 2027")
    owner = cohort.owner
    assignment = services.create_assignment(
        actor=owner,
        cohort=cohort,
        title="Risks",
        module_slugs=["risks"],
        opens_on=dt.date(2026, 11, 24),
        due_on=dt.date(2026, 12, 4),
        target_accuracy=80,
        exam_pass_mark=None,
        now=NOW,
    )
    edit(owner, assignment, due_on=dt.date(2026, 12, 11), target_accuracy=90)
    services.delete_assignment(actor=owner, assignment=assignment)
    services.delete_cohort(actor=owner, cohort=cohort)

    trail = list(EducatorAction.objects.order_by("id").values_list("actor_name", "verb", "subject", "detail"))
    assert [verb for _, verb, _, _ in trail] == [
        "assignment_created",
        "assignment_edited",
        "assignment_deleted",
        "cohort_deleted",
    ]
    assert all(actor == owner.username for actor, *_ in trail)
    assert trail[1][3] == "due: 2026-12-04 → 2026-12-11; target: 80 → 90"
    assert EducatorAction.objects.filter(cohort_name="Spring 2027").count() == 4  # readable after the cohort went


def test_a_learner_cannot_create_a_cohort_through_the_service():
    with pytest.raises(services.CohortError, match="Only educators"):
        services.create_cohort(actor=UserFactory(), name="Mine", now=NOW)
