"""LTI 1.3 platforms and what a launch leaves behind, and invitations sent by a cohort's CSV import.

A platform (an LMS: Moodle, Canvas, Blackboard…) is registered by staff in the admin. The tool's own RSA key signs
what the app sends to platforms (deep-link responses, service token requests); platforms read its public half at
/lti/jwks/.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class LtiPlatform(models.Model):
    """An LMS registered to launch the app, with the values its administrator copies from its tool settings."""

    name = models.CharField(max_length=120, help_text="Shown to staff only, e.g. 'Hospital Moodle'.")
    issuer = models.URLField(max_length=300, help_text="The platform's issuer (iss), e.g. https://moodle.example.org")
    client_id = models.CharField(max_length=200, help_text="The client id the platform gave this tool.")
    deployment_ids = models.JSONField(
        default=list, help_text='Deployment ids the platform uses for this tool, as a JSON list: ["1"].'
    )
    auth_login_url = models.URLField(max_length=500, help_text="The platform's OIDC authentication URL.")
    auth_token_url = models.URLField(max_length=500, help_text="The platform's OAuth2 access token URL.")
    auth_audience = models.CharField(
        max_length=500, blank=True, help_text="Audience of token requests, when the platform asks for one."
    )
    key_set_url = models.URLField(max_length=500, help_text="The platform's public keyset (JWKS) URL.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "LTI platform"
        constraints = [models.UniqueConstraint(fields=["issuer", "client_id"], name="one_platform_per_client")]

    def __str__(self) -> str:
        return self.name


class LtiToolKey(models.Model):
    """The tool's RSA key pair. The newest signs; older ones stay published until removed, so rotation is safe."""

    kid = models.CharField(max_length=64, unique=True)
    private_key_pem = models.TextField()
    public_key_pem = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "LTI tool key"

    def __str__(self) -> str:
        return f"Key {self.kid}"


class LtiIdentity(models.Model):
    """A platform user (issuer + sub) provisioned as an account of the app."""

    issuer = models.CharField(max_length=300)
    sub = models.CharField(max_length=255)
    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="identities")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identities")
    created_at = models.DateTimeField(default=timezone.now)
    last_launch_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "LTI identity"
        verbose_name_plural = "LTI identities"
        constraints = [models.UniqueConstraint(fields=["issuer", "sub"], name="one_account_per_platform_user")]

    def __str__(self) -> str:
        return f"{self.sub} at {self.issuer}"


class LtiLaunchValue(models.Model):
    """What the OIDC login leaves for the launch that follows: state, nonce and validated launch data.

    Kept in the database rather than the (cookie) session because the launch is a cross-site POST that may reach
    another worker, and because a nonce must be usable once only (it is deleted when it is checked).
    """

    key = models.CharField(max_length=255, unique=True)
    value = models.JSONField(null=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return self.key


class LtiGradeLink(models.Model):
    """Where a learner's result on an assignment goes: the line item of the LMS activity that launched it."""

    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="grade_links")
    assignment = models.ForeignKey("cohorts.Assignment", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sub = models.CharField(max_length=255)
    lineitem_url = models.URLField(max_length=500)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "assignment", "learner", "lineitem_url"], name="one_grade_link_per_line_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.assignment} → {self.lineitem_url}"


class GradeState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed; will be retried"


class LtiGrade(models.Model):
    """The grade owed to one line item; sent after the completion's transaction commits, retried until sent."""

    link = models.OneToOneField(LtiGradeLink, on_delete=models.CASCADE, related_name="grade")
    score = models.FloatField(help_text="Share of the latest answers right, 0 to 1.")
    completed_at = models.DateTimeField()
    state = models.CharField(max_length=8, choices=GradeState.choices, default=GradeState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "LTI grade"
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=1), name="lti_grade_score_0_to_1"),
        ]

    def __str__(self) -> str:
        return f"{self.link}: {self.score:.0%} ({self.get_state_display()})"


def new_cohort_invite_token() -> str:
    return secrets.token_urlsafe(24)


class CohortInvite(models.Model):
    """An invitation to join a cohort, sent to an email address that has no account yet (from a CSV import)."""

    cohort = models.ForeignKey("cohorts.Cohort", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=new_cohort_invite_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["cohort", "email"], name="one_invite_per_cohort_email")]

    def __str__(self) -> str:
        return f"{self.email} invited to {self.cohort}"
