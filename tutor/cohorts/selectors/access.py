"""Who may see what: objects of others are simply not found, so a view answers 404 and an id tells nothing about
who owns it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, StringAgg, Subquery, Value

from tutor.accounts.models import User
from tutor.cohorts.models import Assignment, Cohort, EducatorInvite, Membership
from tutor.progress.selectors.modules import members_of
from tutor.study.models import ReviewLog
from tutor.study.prepared import PreparedQuery


def taught_cohorts(educator: User) -> QuerySet[Cohort]:
    """Cohorts the user owns or co-teaches; none unless the user is an educator."""
    if not educator.is_authenticated or not educator.is_educator:
        return Cohort.objects.none()
    co_teaching = Cohort.co_teachers.through.objects.filter(cohort_id=OuterRef("pk"), user_id=educator.pk)
    return Cohort.objects.filter(Q(owner=educator) | Exists(co_teaching))


def teaches(educator: User, cohort: Cohort) -> bool:
    """Whether the user owns or co-teaches the cohort: its owner is known without a query, a co-teacher by one."""
    if not educator.is_authenticated or not educator.is_educator:
        return False
    return cohort.owner_id == educator.pk or cohort.co_teachers.filter(pk=educator.pk).exists()


def co_teacher_usernames() -> Subquery:
    """The co-teachers' usernames of the cohort in the outer query, in one text, a line each (a username has no line
    break), for the cohort's own read: no second query to name them."""
    through = Cohort.co_teachers.through.objects.filter(cohort_id=OuterRef("pk"))
    names = through.order_by().values("cohort_id").annotate(names=StringAgg("user__username", Value("\n")))
    return Subquery(names.values("names"))


# Every educator's page starts by finding its cohort or assignment: compiled once (`PreparedQuery`).
COHORT_WITH_OWNER = PreparedQuery(
    lambda cohort_id: (
        Cohort.objects.select_related("owner").annotate(co_teacher_names=co_teacher_usernames()).filter(pk=cohort_id)
    ),
    "cohort_id",
)
ASSIGNMENT_WITH_COHORT = PreparedQuery(
    lambda assignment_id: Assignment.objects.select_related("cohort").filter(pk=assignment_id), "assignment_id"
)
COHORT_ASSIGNMENTS = PreparedQuery(lambda cohort_id: Assignment.objects.filter(cohort_id=cohort_id), "cohort_id")
CO_TEACHERS = PreparedQuery(
    lambda cohort_id: User.objects.filter(co_taught_cohorts=cohort_id).order_by("username"), "cohort_id"
)


def taught_cohort(*, educator: User, cohort_id: int) -> Cohort | None:
    """The cohort, with its owner, if the user teaches it. Found by its id, then checked (`teaches`): for its owner
    one plain query, cheaper than a filter on the cohorts taught."""
    found = COHORT_WITH_OWNER.instances(cohort_id=cohort_id)
    return found[0] if found and teaches(educator, found[0]) else None


def taught_assignment(*, educator: User, assignment_id: int) -> Assignment | None:
    """The assignment, with its cohort, if the user teaches that cohort (as `taught_cohort`)."""
    found = ASSIGNMENT_WITH_COHORT.instances(assignment_id=assignment_id)
    return found[0] if found and teaches(educator, found[0].cohort) else None


def cohort_assignments(cohort: Cohort) -> list[Assignment]:
    """The cohort's assignments, in their usual order (`cohort.assignments.all()`, without building the query)."""
    return COHORT_ASSIGNMENTS.instances(cohort_id=cohort.pk)


def co_teachers(cohort: Cohort) -> list[str]:
    """The usernames of the cohort's co-teachers, in order: read with the cohort when it was found by
    `taught_cohort`, otherwise with a query of their own."""
    if not hasattr(cohort, "co_teacher_names"):
        return [user.get_username() for user in CO_TEACHERS.instances(cohort_id=cohort.pk)]
    return sorted(cohort.co_teacher_names.split("\n")) if cohort.co_teacher_names else []


def cohort_member(*, cohort: Cohort, learner_id: int) -> Membership | None:
    """A learner of the cohort with their last answer's time, or None when they are not in it."""
    return with_last_active(Membership.objects.filter(cohort=cohort, learner_id=learner_id)).first()


def learner_membership(*, learner: User, cohort_id: int) -> Membership | None:
    return Membership.objects.select_related("cohort").filter(learner=learner, cohort_id=cohort_id).first()


def taught_cohorts_with_counts(educator: User) -> list[Cohort]:
    return list(
        taught_cohorts(educator)
        .select_related("owner")
        .annotate(
            learner_count=Count("memberships", distinct=True),
            assignment_count=Count("assignments", distinct=True),
        )
        .order_by("name", "id")
    )


@dataclass(frozen=True)
class CohortHandover:
    """What becomes of a cohort when its owner deletes their account: it goes to `successor`, or (None) is deleted."""

    cohort: Cohort
    successor: User | None


def owned_cohort_handovers(owner: User) -> list[CohortHandover]:
    """Each cohort `owner` owns, and its successor: the co-teacher first in alphabetical order, if it has one."""
    cohorts = Cohort.objects.filter(owner=owner).prefetch_related("co_teachers").order_by("name", "id")
    return [
        CohortHandover(cohort, min(cohort.co_teachers.all(), key=lambda u: u.username.lower(), default=None))
        for cohort in cohorts
    ]


def learner_memberships(learner: User) -> list[Membership]:
    return list(Membership.objects.filter(learner=learner).select_related("cohort", "cohort__owner"))


def member_ids(cohort_id: int) -> QuerySet:
    """The cohort's learner ids as a subquery, so that no list of ids travels to the database and back (the one
    definition is progress's `members_of`, which the answer tallies' read uses below this app)."""
    return members_of(cohort_id)


def last_answer_at() -> Subquery:
    """The time of the membership's learner's last answer, as a subquery (one index lookup per learner)."""
    latest = ReviewLog.objects.filter(learner_id=OuterRef("learner_id")).order_by("-reviewed_at")
    return Subquery(latest.values("reviewed_at")[:1])


def with_last_active(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    return memberships.select_related("learner").annotate(last_active=last_answer_at())


def educator_invite(*, token: str) -> EducatorInvite | None:
    """The staff-made invite with this token, used or not (the page says which), or None."""
    return EducatorInvite.objects.filter(token=token).first()
