"""Writes of the interop app: tool keys, LTI provisioning and grade passback, and a cohort's CSV import.

Each service takes the acting user where there is one and checks the rule itself, so a view, a command and a
test get the same answer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector

from tutor.accounts.models import Role, User
from tutor.cohorts.item_tallies import rebuild_item_tallies
from tutor.cohorts.models import Assignment, Cohort, Membership
from tutor.cohorts.services import sync_required_modules
from tutor.interop import selectors
from tutor.interop.lti import SCOPE_SCORE, ToolRegistration, http_session, is_teaching_role, new_key_pair
from tutor.interop.models import (
    CohortInvite,
    GradeState,
    LtiGrade,
    LtiGradeLink,
    LtiIdentity,
    LtiPlatform,
    LtiToolKey,
)

logger = logging.getLogger(__name__)

MAX_IMPORT_ROWS = 500
MAX_IMPORT_BYTES = 100_000


class InteropError(Exception):
    """A request the person can be told about in plain words (answered with a 4xx)."""


# --- Tool keys ------------------------------------------------------------------------------------------------------


def ensure_tool_key(*, now: dt.datetime | None = None) -> LtiToolKey:
    """The tool's signing key, made the first time a platform is registered (never on a GET)."""
    key = selectors.signing_key()
    if key is not None:
        return key
    kid, private, public = new_key_pair()
    return LtiToolKey.objects.create(
        kid=kid, private_key_pem=private, public_key_pem=public, created_at=now or timezone.now()
    )


# --- Provisioning ----------------------------------------------------------------------------------------------------


def _free_username(base: str) -> str:
    base = "".join(ch for ch in base.lower() if ch.isalnum() or ch in "._-")[:100] or "lti-user"
    candidate = base
    while User.objects.filter(username__iexact=candidate).exists():
        candidate = f"{base}-{get_random_string(5, 'abcdefghijkmnpqrstuvwxyz23456789')}"
    return candidate


@transaction.atomic
def provision_lti_user(*, platform: LtiPlatform, launch_data: dict, now: dt.datetime) -> User:
    """The account for the platform user (issuer + sub), made on their first launch.

    A new account has no usable password (it is reached through the LMS). Someone with a teaching role in the
    platform becomes an educator; an existing account is never demoted.
    """
    sub = str(launch_data["sub"])
    identity = LtiIdentity.objects.select_related("user").filter(issuer=platform.issuer, sub=sub).first()
    teaches = is_teaching_role(list(launch_data.get("https://purl.imsglobal.org/spec/lti/claim/roles") or []))
    if identity is not None:
        user = identity.user
        identity.last_launch_at = now
        identity.save(update_fields=["last_launch_at"])
    else:
        given = str(launch_data.get("given_name") or "")[:150]
        family = str(launch_data.get("family_name") or "")[:150]
        email = str(launch_data.get("email") or "")[:254]
        hint = str(launch_data.get("https://purl.imsglobal.org/spec/lti/claim/lis", {}).get("person_sourcedid") or "")
        user = User(username=_free_username(hint or f"lti-{sub}"), first_name=given, last_name=family, email=email)
        user.set_unusable_password()
        user.save()
        LtiIdentity.objects.create(
            issuer=platform.issuer, sub=sub, platform=platform, user=user, created_at=now, last_launch_at=now
        )
    if teaches and not user.is_educator:
        user.role = Role.EDUCATOR
        user.save(update_fields=["role"])
    return user


@transaction.atomic
def enrol_from_launch(
    *, platform: LtiPlatform, learner: User, assignment: Assignment, launch_data: dict, now: dt.datetime
) -> LtiGradeLink | None:
    """Put a learner launched into an assignment in its cohort, and remember where their grade goes (AGS).

    The platform registered by staff vouches for the learner, so no join code is needed. Returns the grade link, or
    None when the platform offered no score service for this activity.
    """
    cohort = assignment.cohort
    if learner.pk not in selectors.teacher_ids_of(cohort):
        _, created = Membership.objects.get_or_create(cohort=cohort, learner=learner, defaults={"joined_at": now})
        if created:
            sync_required_modules(learner_ids=[learner.pk])
    endpoint = launch_data.get("https://purl.imsglobal.org/spec/lti-ags/claim/endpoint") or {}
    scopes = list(endpoint.get("scope") or [])
    lineitem = endpoint.get("lineitem")
    if not lineitem or SCOPE_SCORE not in scopes:
        return None
    link, _ = LtiGradeLink.objects.update_or_create(
        platform=platform,
        assignment=assignment,
        learner=learner,
        lineitem_url=lineitem,
        defaults={"sub": str(launch_data["sub"]), "scopes": scopes},
    )
    return link


# --- Grade passback --------------------------------------------------------------------------------------------------


def owe_grades(*, learner: User, assignment: Assignment, completed_at: dt.datetime, score: float | None) -> list[int]:
    """Record the grade owed to every line item linked to this learner's assignment; returns the grade ids.

    Runs inside the transaction that records the completion; nothing is sent from here.
    """
    score = min(max(score if score is not None else 1.0, 0.0), 1.0)
    ids = []
    for link in LtiGradeLink.objects.filter(assignment=assignment, learner=learner):
        grade, _ = LtiGrade.objects.update_or_create(
            link=link,
            defaults={"score": score, "completed_at": completed_at, "state": GradeState.PENDING, "last_error": ""},
        )
        ids.append(grade.pk)
    return ids


def _grade_payload(grade: LtiGrade) -> Grade:
    return (
        Grade()
        .set_score_given(round(grade.score * 100, 2))
        .set_score_maximum(100)
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_timestamp(grade.completed_at.isoformat())
        .set_user_id(grade.link.sub)
    )


def send_grade(*, grade_id: int, now: dt.datetime | None = None) -> bool:
    """POST one owed grade to its platform's line item. Failures are logged and kept for a retry; never raises."""
    grade = LtiGrade.objects.select_related("link", "link__platform").filter(pk=grade_id).first()
    if grade is None or grade.state == GradeState.SENT:
        return grade is not None
    link = grade.link
    try:
        registration = ToolRegistration(link.platform, selectors.signing_key())
        connector = ServiceConnector(registration, requests_session=http_session())
        service = AssignmentsGradesService(connector, {"scope": link.scopes, "lineitem": link.lineitem_url})
        service.put_grade(_grade_payload(grade))
    except Exception as error:  # network, refusal by the platform, a missing key: all kept for a retry
        logger.warning("LTI grade %s for %s not sent: %s", grade.pk, link, error)
        LtiGrade.objects.filter(pk=grade.pk).update(
            state=GradeState.FAILED, attempts=grade.attempts + 1, last_error=str(error)[:2000]
        )
        return False
    LtiGrade.objects.filter(pk=grade.pk).update(
        state=GradeState.SENT, attempts=grade.attempts + 1, last_error="", sent_at=now or timezone.now()
    )
    return True


def send_owed_grades(*, grade_ids: list[int] | None = None) -> tuple[int, int]:
    """Send the given grades, or every grade not yet sent; returns (sent, failed)."""
    pending = LtiGrade.objects.exclude(state=GradeState.SENT)
    if grade_ids is not None:
        pending = pending.filter(pk__in=grade_ids)
    sent = failed = 0
    for grade_id in pending.order_by("id").values_list("pk", flat=True):
        if send_grade(grade_id=grade_id):
            sent += 1
        else:
            failed += 1
    return sent, failed


# --- A cohort's members from CSV ---------------------------------------------------------------------------------


class RowAction:
    ADD = "add"
    ALREADY = "already"
    INVITE = "invite"
    INVITED = "invited"


@dataclass(frozen=True)
class ImportRow:
    line: int
    value: str
    action: str = ""
    user: User | None = None
    email: str = ""
    error: str = ""

    @property
    def label(self) -> str:
        return {
            RowAction.ADD: "will be added",
            RowAction.ALREADY: "already in the cohort",
            RowAction.INVITE: "no account yet: will be invited by email",
            RowAction.INVITED: "no account yet: already invited",
        }.get(self.action, "")


@dataclass
class ImportPlan:
    rows: list[ImportRow] = field(default_factory=list)

    @property
    def errors(self) -> list[ImportRow]:
        return [row for row in self.rows if row.error]

    @property
    def to_add(self) -> list[ImportRow]:
        return [row for row in self.rows if row.action == RowAction.ADD]

    @property
    def to_invite(self) -> list[ImportRow]:
        return [row for row in self.rows if row.action == RowAction.INVITE]


HEADER_WORDS = {"username", "email", "e-mail", "user", "username or email", "login"}


def read_member_csv(text: str) -> list[tuple[int, str]]:
    """(line number, first cell) for every non-blank row; a header row naming the column is skipped."""
    if len(text.encode("utf-8")) > MAX_IMPORT_BYTES:
        raise InteropError(f"The file is larger than {MAX_IMPORT_BYTES // 1000} KB; split it into smaller files.")
    text = text.removeprefix("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t") if text.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    rows = []
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        for cells in reader:
            value = next((cell.strip() for cell in cells if cell.strip()), "")
            if value:
                rows.append((reader.line_num, value))
    except csv.Error as error:
        raise InteropError(f"Line {reader.line_num}: the file is not valid CSV ({error}).") from error
    if rows and rows[0][1].lower() in HEADER_WORDS:
        rows = rows[1:]
    if not rows:
        raise InteropError("The file names nobody: put one username or email address on each line.")
    if len(rows) > MAX_IMPORT_ROWS:
        raise InteropError(f"The file has {len(rows)} rows; import at most {MAX_IMPORT_ROWS} at a time.")
    return rows


def plan_member_import(*, educator: User, cohort: Cohort, text: str) -> ImportPlan:
    """What importing the file would do, row by row, with a plain error for each row that cannot be imported.

    Reads only; `apply_member_import` does the writing, and only for a plan without errors.
    """
    if selectors.importable_cohort(educator=educator, cohort_id=cohort.pk) is None:
        raise InteropError("Only the cohort's educators can import its members.")
    entries = read_member_csv(text)
    emails = [value for _, value in entries if "@" in value]
    names = [value for _, value in entries if "@" not in value]
    by_name = selectors.users_for_names(names)
    by_email = selectors.users_for_emails(emails)
    members = selectors.member_ids_of(cohort)
    teachers = selectors.teacher_ids_of(cohort)
    invited = selectors.invited_emails(cohort)
    seen: dict[str, int] = {}
    plan = ImportPlan()
    for line, value in entries:
        key = value.lower()
        if key in seen:
            plan.rows.append(ImportRow(line, value, error=f"appears twice (first on line {seen[key]})"))
            continue
        seen[key] = line
        if "@" in value:
            try:
                validate_email(value)
            except ValidationError:
                plan.rows.append(ImportRow(line, value, error="is not a valid email address"))
                continue
            users = by_email.get(key, [])
            if len(users) > 1:
                plan.rows.append(ImportRow(line, value, error="several accounts use this email; give the username"))
                continue
            user = users[0] if users else None
            if user is None:
                action = RowAction.INVITED if key in invited else RowAction.INVITE
                plan.rows.append(ImportRow(line, value, action=action, email=value))
                continue
        else:
            user = by_name.get(key)
            if user is None:
                plan.rows.append(
                    ImportRow(line, value, error="no account has this username (give an email address to invite them)")
                )
                continue
        if user.pk in teachers:
            plan.rows.append(ImportRow(line, value, error="teaches this cohort, so cannot be one of its learners"))
        elif not user.is_active:
            plan.rows.append(ImportRow(line, value, error="this account is deactivated"))
        else:
            action = RowAction.ALREADY if user.pk in members else RowAction.ADD
            plan.rows.append(ImportRow(line, value, action=action, user=user))
    return plan


@transaction.atomic
def apply_member_import(*, educator: User, cohort: Cohort, text: str, now: dt.datetime) -> ImportPlan:
    """Add the file's learners to the cohort and invite those without an account, all or nothing.

    The file is planned again here (it may have changed since the preview); any bad row refuses the whole file.
    Invitation emails are sent after the transaction commits.
    """
    plan = plan_member_import(educator=educator, cohort=cohort, text=text)
    if plan.errors:
        raise InteropError(f"{len(plan.errors)} row(s) cannot be imported; nothing was changed.")
    Membership.objects.bulk_create(
        [Membership(cohort=cohort, learner=row.user, joined_at=now) for row in plan.to_add], ignore_conflicts=True
    )
    if plan.to_add:  # bulk rows send no signals: count the newcomers' first attempts in the cohort's tallies
        transaction.on_commit(partial(rebuild_item_tallies, cohort_ids=[cohort.pk]), robust=True)
    invites = [
        CohortInvite(cohort=cohort, email=row.email, invited_by=educator, created_at=now) for row in plan.to_invite
    ]
    CohortInvite.objects.bulk_create(invites, ignore_conflicts=True)
    if plan.to_add:
        sync_required_modules(learner_ids=[row.user.pk for row in plan.to_add])
    return plan


def send_cohort_invites(*, cohort: Cohort, emails: list[str], join_url: str, sign_up_url: str) -> int:
    """Email each invited address the cohort's join link; a failure is logged, never raised. Returns how many went."""
    from django.core.mail import send_mail

    sent = 0
    for email in emails:
        try:
            send_mail(
                subject=f"You are invited to {cohort.name} on MDMA-AT Tutor",
                message=(
                    f"{cohort.owner.get_full_name() or cohort.owner.get_username()} has invited you to the cohort "
                    f"{cohort.name}.\n\nCreate your account: {sign_up_url}\nThen join the cohort: {join_url}\n"
                ),
                from_email=None,
                recipient_list=[email],
            )
            sent += 1
        except Exception as error:  # a mail server problem must not undo the import
            logger.warning("Invitation to %s for cohort %s not sent: %s", email, cohort.pk, error)
    return sent
