"""Writes for cohorts: cohorts and their join codes, memberships, assignments, completions, educator invites.

Whenever the assignments that reach a learner change (joining, leaving or being removed; an assignment created,
edited or deleted; a cohort deleted) the learner's required modules are set again through the study app's
`set_required_modules`, which keeps assigned modules in their daily study. The scheduler never looks at cohorts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tutor.accounts import services as account_services
from tutor.accounts.models import Role, User
from tutor.cohorts import permissions
from tutor.cohorts.completion_records import backfill_completions
from tutor.cohorts.models import (
    Assignment,
    Cohort,
    EducatorAction,
    EducatorInvite,
    EducatorInviteUse,
    Membership,
    end_of_day,
    new_join_code,
)
from tutor.cohorts.selectors import (
    owned_cohort_handovers,
    taught_cohorts,
)
from tutor.study.deadlines import set_study_deadlines
from tutor.study.misconceptions import learners_holding, start_misconception_practice
from tutor.study.services import set_required_modules


class CohortError(Exception):
    """A request the person can be told about in plain words (answered with a 4xx)."""


def normalise_join_code(code: str) -> str:
    """Codes are shown in capitals; people type them in any case, with spaces or a hyphen."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _unused_join_code() -> str:
    while True:
        code = new_join_code()
        if not Cohort.objects.filter(join_code=code).exists():
            return code


# --- Required modules ----------------------------------------------------------------------------------------


def sync_required_modules(*, learner_ids: Iterable[int]) -> None:
    """Set each learner's required modules to the union of the modules of every assignment of their cohorts."""
    ids = sorted(set(learner_ids))
    if not ids:
        return
    slugs: dict[int, set[str]] = {learner_id: set() for learner_id in ids}
    deadlines: dict[int, dict[str, dt.datetime]] = {learner_id: {} for learner_id in ids}
    rows = Membership.objects.filter(learner_id__in=ids, cohort__assignments__isnull=False).values_list(
        "learner_id", "cohort__assignments__module_slugs", "cohort__assignments__due_on"
    )
    now = timezone.now()
    for learner_id, module_slugs, due_on in rows:
        slugs[learner_id].update(module_slugs or ())
        due_at = end_of_day(due_on)
        for slug in module_slugs or ():
            # The earliest due date still ahead is the one to be ready for.
            if due_at > now and (slug not in deadlines[learner_id] or due_at < deadlines[learner_id][slug]):
                deadlines[learner_id][slug] = due_at
    for learner in User.objects.filter(pk__in=ids):
        set_required_modules(learner=learner, module_slugs=sorted(slugs[learner.pk]))
        set_study_deadlines(learner=learner, deadlines=deadlines[learner.pk])


def _member_ids(cohort: Cohort) -> list[int]:
    return list(Membership.objects.filter(cohort=cohort).values_list("learner_id", flat=True))


# --- Cohorts -------------------------------------------------------------------------------------------------


def _audit(actor: User, cohort: Cohort, verb: str, *, subject: str = "", detail: str = "") -> None:
    """Keep a record of an educator's change (the action's own audit trail, written in its transaction)."""
    EducatorAction.objects.create(
        actor=actor,
        actor_name=actor.get_username(),
        cohort=cohort if cohort.pk else None,
        cohort_name=cohort.name,
        verb=verb,
        subject=subject[:200],
        detail=detail[:300],
        at=timezone.now(),
    )


@transaction.atomic
def create_cohort(
    *, actor: User, name: str, description: str = "", co_teachers: Iterable[User] = (), now: dt.datetime
) -> Cohort:
    """A new cohort owned by the acting educator, with a fresh join code."""
    try:
        permissions.require_educator(actor)
    except permissions.NotAllowed as refusal:
        raise CohortError(str(refusal)) from refusal
    cohort = Cohort.objects.create(
        owner=actor, name=name, description=description, join_code=_unused_join_code(), created_at=now
    )
    cohort.co_teachers.set([teacher for teacher in co_teachers if teacher.pk != actor.pk])
    _audit(actor, cohort, EducatorAction.Verb.COHORT_CREATED)
    return cohort


@transaction.atomic
def update_cohort(*, actor: User, cohort: Cohort, name: str, description: str, co_teachers: Iterable[User]) -> Cohort:
    permissions.require_teacher(actor, cohort)
    cohort.name = name
    cohort.description = description
    cohort.save(update_fields=["name", "description"])
    cohort.co_teachers.set([teacher for teacher in co_teachers if teacher.pk != cohort.owner_id])
    _audit(actor, cohort, EducatorAction.Verb.COHORT_EDITED)
    return cohort


@transaction.atomic
def delete_cohort(*, actor: User, cohort: Cohort) -> None:
    """Delete a cohort with its memberships and assignments (its owner only); its learners keep their own study
    history."""
    permissions.require_owner(actor, cohort)
    learner_ids = _member_ids(cohort)
    _audit(actor, cohort, EducatorAction.Verb.COHORT_DELETED)
    cohort.delete()
    sync_required_modules(learner_ids=learner_ids)


@transaction.atomic
def delete_educator_account(*, user: User, delete_unshared_cohorts: bool) -> None:
    """Delete an account that may own cohorts, all or nothing.

    A cohort with a co-teacher passes to one (the first by username), who stops being listed as a co-teacher; a
    cohort with none is deleted with its assignments, only if the owner confirmed it. Learners keep their history.
    """
    for handover in owned_cohort_handovers(user):
        cohort = handover.cohort
        if handover.successor is not None:
            cohort.owner = handover.successor
            cohort.save(update_fields=["owner"])
            cohort.co_teachers.remove(handover.successor)
            _audit(user, cohort, EducatorAction.Verb.COHORT_HANDED_OVER, subject=handover.successor.get_username())
        elif delete_unshared_cohorts:
            delete_cohort(actor=user, cohort=cohort)
        else:
            raise CohortError(f"{cohort.name} has no co-teacher to take it over: confirm that it may be deleted.")
    account_services.delete_account(user=user)


@transaction.atomic
def rotate_join_code(*, actor: User, cohort: Cohort, expires_on: dt.date | None) -> Cohort:
    """Replace the join code (the old one stops working at once) and set the new one's last day, if any."""
    permissions.require_teacher(actor, cohort)
    cohort.join_code = _unused_join_code()
    cohort.join_code_expires_on = expires_on
    cohort.save(update_fields=["join_code", "join_code_expires_on"])
    _audit(actor, cohort, EducatorAction.Verb.CODE_ROTATED, detail=f"last day {expires_on}" if expires_on else "")
    return cohort


def cohort_for_code(*, code: str, now: dt.datetime) -> Cohort:
    """The cohort a join code opens, or a CohortError saying why it does not."""
    normalised = normalise_join_code(code)
    cohort = Cohort.objects.select_related("owner").filter(join_code=normalised).first() if normalised else None
    if cohort is None:
        raise CohortError("No cohort has this code. Check it with your educator: a code changes when it is renewed.")
    if not cohort.join_code_works(now):
        raise CohortError("This code has expired. Ask your educator for the current one.")
    return cohort


@transaction.atomic
def join_cohort(*, learner: User, code: str, now: dt.datetime) -> Membership:
    """Join the cohort a code opens; joining twice is harmless. The cohort's assigned modules join daily study."""
    cohort = cohort_for_code(code=code, now=now)
    if cohort.owner_id == learner.pk or cohort.co_teachers.filter(pk=learner.pk).exists():
        raise CohortError("You teach this cohort, so you cannot join it as a learner.")
    membership, created = Membership.objects.get_or_create(cohort=cohort, learner=learner, defaults={"joined_at": now})
    sync_required_modules(learner_ids=[learner.pk])
    if created:
        for assignment in cohort.assignments.all():
            backfill_completions(assignment=assignment, learner_ids=[learner.pk], at=now)
    return membership


@transaction.atomic
def leave_cohort(*, actor: User, membership: Membership) -> None:
    """The learner leaves, or one of the cohort's educators removes them; their answers and progress stay theirs."""
    learner_id = membership.learner_id
    if actor.pk != learner_id:
        permissions.require_teacher(actor, membership.cohort)
        _audit(actor, membership.cohort, EducatorAction.Verb.LEARNER_REMOVED, subject=membership.learner.get_username())
    membership.delete()
    sync_required_modules(learner_ids=[learner_id])


# --- Assignments ---------------------------------------------------------------------------------------------


@transaction.atomic
def create_assignment(
    *,
    actor: User,
    cohort: Cohort,
    title: str,
    module_slugs: list[str],
    opens_on: dt.date,
    due_on: dt.date,
    target_accuracy: int,
    exam_pass_mark: int | None,
    now: dt.datetime,
    exam_min_questions: int | None = None,
) -> Assignment:
    permissions.require_teacher(actor, cohort)
    assignment = Assignment.objects.create(
        cohort=cohort,
        created_by=actor,
        title=title,
        module_slugs=sorted(set(module_slugs)),
        opens_on=opens_on,
        due_on=due_on,
        target_accuracy=target_accuracy,
        exam_pass_mark=exam_pass_mark,
        exam_min_questions=exam_min_questions,
        created_at=now,
    )
    sync_required_modules(learner_ids=_member_ids(cohort))
    backfill_completions(assignment=assignment, at=now)
    _audit(actor, cohort, EducatorAction.Verb.ASSIGNMENT_CREATED, subject=assignment.title)
    return assignment


@transaction.atomic
def update_assignment(
    *,
    actor: User,
    assignment: Assignment,
    title: str,
    module_slugs: list[str],
    opens_on: dt.date,
    due_on: dt.date,
    target_accuracy: int,
    exam_pass_mark: int | None,
    exam_min_questions: int | None = None,
) -> Assignment:
    """Change an assignment. If its completion rule changes, stored completions are dropped and worked out again."""
    permissions.require_teacher(actor, assignment.cohort)
    before = _assignment_terms(assignment)
    module_slugs = sorted(set(module_slugs))
    modules_changed = module_slugs != sorted(assignment.module_slugs)
    rule_changed = modules_changed or (opens_on, target_accuracy, exam_pass_mark, exam_min_questions) != (
        assignment.opens_on,
        assignment.target_accuracy,
        assignment.exam_pass_mark,
        assignment.exam_min_questions,
    )
    assignment.title = title
    assignment.module_slugs = module_slugs
    assignment.opens_on = opens_on
    assignment.due_on = due_on
    assignment.target_accuracy = target_accuracy
    assignment.exam_pass_mark = exam_pass_mark
    assignment.exam_min_questions = exam_min_questions
    assignment.save()
    if rule_changed:
        assignment.completions.all().delete()
    if modules_changed:
        sync_required_modules(learner_ids=_member_ids(assignment.cohort))
    if rule_changed:
        backfill_completions(assignment=assignment, at=timezone.now())
    changes = [f"{name}: {old} → {new}" for name, old, new in _changed_terms(before, _assignment_terms(assignment))]
    _audit(
        actor,
        assignment.cohort,
        EducatorAction.Verb.ASSIGNMENT_EDITED,
        subject=assignment.title,
        detail="; ".join(changes),
    )
    return assignment


def _assignment_terms(assignment: Assignment) -> dict[str, object]:
    return {
        "title": assignment.title,
        "modules": ", ".join(assignment.module_slugs),
        "opens": assignment.opens_on,
        "due": assignment.due_on,
        "target": assignment.target_accuracy,
        "pass mark": assignment.exam_pass_mark,
        "exam size": assignment.exam_min_questions,
    }


def _changed_terms(before: dict[str, object], after: dict[str, object]) -> list[tuple[str, object, object]]:
    return [(name, before[name], after[name]) for name in before if before[name] != after[name]]


@transaction.atomic
def delete_assignment(*, actor: User, assignment: Assignment) -> None:
    permissions.require_teacher(actor, assignment.cohort)
    _audit(actor, assignment.cohort, EducatorAction.Verb.ASSIGNMENT_DELETED, subject=assignment.title)
    learner_ids = _member_ids(assignment.cohort)
    assignment.delete()
    sync_required_modules(learner_ids=learner_ids)


# --- Educator invites ----------------------------------------------------------------------------------------


@transaction.atomic
def redeem_educator_invite(*, user: User, token: str, now: dt.datetime) -> User:
    """Make the user an educator with an invite that has uses left and has not expired.

    The invite row is locked while its uses are counted, so two people cannot both take its last use.
    An educator redeeming an invite keeps it for someone else.
    """
    invite = EducatorInvite.objects.select_for_update().filter(token=token).first()
    if invite is None:
        raise EducatorInvite.DoesNotExist
    if user.is_educator:
        return user
    if not invite.is_usable(now):
        raise CohortError("This invite has expired or has been used. Ask the site's administrators for a new one.")
    invite.uses_left -= 1
    invite.save(update_fields=["uses_left"])
    EducatorInviteUse.objects.get_or_create(invite=invite, user=user, defaults={"used_at": now})
    user.role = Role.EDUCATOR
    user.save(update_fields=["role"])
    return user


def assign_misconception_practice(*, educator: User, assignment: Assignment, slug: str, now: dt.datetime) -> int:
    """Give every member of the assignment's cohort for whom the idea is still active a short practice test of the
    questions that target it; returns how many tests were made. Only the cohort's educators may."""
    if not taught_cohorts(educator).filter(pk=assignment.cohort_id).exists():
        raise PermissionDenied("Only the cohort's educators can assign practice.")
    holders = learners_holding(learner_ids=_member_ids(assignment.cohort), slugs=[slug]).get(slug, [])
    made = 0
    for row in holders:
        if row.is_active:
            start_misconception_practice(learner=row.learner, slug=slug, now=now)
            made += 1
    return made
