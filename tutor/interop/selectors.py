"""Reads for exports and imports: which questions a person may take away, and who a CSV row names."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from tutor.accounts.models import User
from tutor.catalog.snapshot import CatalogSnapshot, QuestionView
from tutor.cohorts.models import Cohort, Membership
from tutor.cohorts.selectors import taught_cohort
from tutor.interop.models import CohortInvite, LtiPlatform, LtiToolKey
from tutor.study.models import PracticePool
from tutor.study.selectors import practice_pool


class AnkiSelection:
    MISSED = "missed"
    FLAGGED = "flagged"
    CHOSEN = "chosen"
    MODULE = "module"

    choices = [
        (MISSED, "Questions I missed"),
        (FLAGGED, "Questions I flagged"),
        (CHOSEN, "Questions I choose"),
        (MODULE, "A whole module"),
    ]


def bank_order(snapshot: CatalogSnapshot, question_ids: Iterable[int]) -> list[QuestionView]:
    """Questions in the order of the bank: by module, then as written in the files."""
    questions = [snapshot.questions[i] for i in set(question_ids) if i in snapshot.questions]
    return sorted(questions, key=lambda q: (snapshot.modules[q.module_id].order, q.order))


def module_questions(snapshot: CatalogSnapshot, module_slug: str | None) -> list[QuestionView]:
    """Live questions of one live module, or of every live module when none is named."""
    modules = {m.id for m in snapshot.modules.values() if module_slug in (None, m.slug)}
    return bank_order(snapshot, (q.id for q in snapshot.live_questions if q.module_id in modules))


def anki_questions(
    *, learner: User, snapshot: CatalogSnapshot, selection: str, module_slug: str | None, qids: Iterable[str] = ()
) -> list[QuestionView]:
    """The learner's own missed or flagged questions, questions they chose, or a whole module (live ones only)."""
    slugs = [module_slug] if module_slug else []
    if selection == AnkiSelection.MISSED:
        ids = practice_pool(learner=learner, snapshot=snapshot, pool=PracticePool.MISSED, module_slugs=slugs)
    elif selection == AnkiSelection.FLAGGED:
        ids = practice_pool(learner=learner, snapshot=snapshot, pool=PracticePool.FLAGGED, module_slugs=slugs)
    elif selection == AnkiSelection.CHOSEN:
        wanted = set(qids)
        ids = [q.id for q in module_questions(snapshot, module_slug) if q.qid in wanted]
    else:
        return module_questions(snapshot, module_slug)
    return bank_order(snapshot, ids)


def can_export_bank(user: User) -> bool:
    """Question banks with their answers go to educators (and staff), who set quizzes with them."""
    return user.is_authenticated and (user.is_educator or user.is_staff)


def importable_cohort(*, educator: User, cohort_id: int) -> Cohort | None:
    """A cohort the educator teaches (None for anyone else, so the view answers 404)."""
    return taught_cohort(educator=educator, cohort_id=cohort_id)


def users_for_names(names: Iterable[str]) -> dict[str, User]:
    """Accounts by lowercased username, in one query."""
    names = {name.lower() for name in names}
    if not names:
        return {}
    query = Q()
    for name in names:
        query |= Q(username__iexact=name)
    return {user.username.lower(): user for user in User.objects.filter(query)}


def users_for_emails(emails: Iterable[str]) -> dict[str, list[User]]:
    """Accounts by lowercased email (a list: emails are not unique in Django's user model), in one query."""
    emails = {email.lower() for email in emails}
    if not emails:
        return {}
    query = Q()
    for email in emails:
        query |= Q(email__iexact=email)
    found: dict[str, list[User]] = {}
    for user in User.objects.filter(query).order_by("id"):
        found.setdefault(user.email.lower(), []).append(user)
    return found


def member_ids_of(cohort: Cohort) -> set[int]:
    return set(Membership.objects.filter(cohort=cohort).values_list("learner_id", flat=True))


def teacher_ids_of(cohort: Cohort) -> set[int]:
    return {cohort.owner_id, *cohort.co_teachers.values_list("pk", flat=True)}


def invited_emails(cohort: Cohort) -> set[str]:
    return {email.lower() for email in CohortInvite.objects.filter(cohort=cohort).values_list("email", flat=True)}


def platform_for(*, issuer: str, client_id: str) -> LtiPlatform | None:
    return LtiPlatform.objects.filter(issuer=issuer, client_id=client_id).first()


def platforms_for_issuer(issuer: str) -> list[LtiPlatform]:
    return list(LtiPlatform.objects.filter(issuer=issuer))


def signing_key() -> LtiToolKey | None:
    """The newest tool key: the one that signs."""
    return LtiToolKey.objects.order_by("-created_at", "-id").first()


def published_keys() -> list[LtiToolKey]:
    return list(LtiToolKey.objects.order_by("-created_at", "-id"))
