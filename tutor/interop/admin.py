"""Staff register LTI platforms here; the tool's URLs and public keys to give the platform are shown on the form."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from tutor.interop import services
from tutor.interop.models import CohortInvite, LtiGrade, LtiIdentity, LtiPlatform, LtiToolKey


@admin.register(LtiPlatform)
class LtiPlatformAdmin(admin.ModelAdmin):
    list_display = ("name", "issuer", "client_id", "created_at")
    readonly_fields = ("tool_urls",)
    fieldsets = [
        (None, {"fields": ("name", "issuer", "client_id", "deployment_ids")}),
        ("Platform endpoints", {"fields": ("auth_login_url", "auth_token_url", "auth_audience", "key_set_url")}),
        ("Give these to the platform", {"fields": ("tool_urls",)}),
    ]

    @admin.display(description="Tool URLs")
    def tool_urls(self, platform: LtiPlatform) -> str:
        return format_html(
            "Login initiation URL: <code>{}</code><br>Launch (redirect) URL: <code>{}</code><br>"
            "Deep linking URL: <code>{}</code><br>Public keyset URL: <code>{}</code>",
            reverse("interop:lti_login"),
            reverse("interop:lti_launch"),
            reverse("interop:lti_launch"),
            reverse("interop:lti_jwks"),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.ensure_tool_key()


@admin.register(LtiToolKey)
class LtiToolKeyAdmin(admin.ModelAdmin):
    list_display = ("kid", "created_at")
    readonly_fields = ("kid", "public_key_pem", "created_at")
    exclude = ("private_key_pem",)

    def has_add_permission(self, request):
        return False


@admin.register(LtiIdentity)
class LtiIdentityAdmin(admin.ModelAdmin):
    list_display = ("sub", "issuer", "user", "last_launch_at")
    search_fields = ("sub", "user__username", "user__email")
    readonly_fields = ("issuer", "sub", "platform", "user", "created_at", "last_launch_at")


@admin.register(LtiGrade)
class LtiGradeAdmin(admin.ModelAdmin):
    list_display = ("link", "score", "state", "attempts", "sent_at")
    list_filter = ("state",)
    readonly_fields = ("link", "score", "completed_at", "state", "attempts", "last_error", "sent_at")


@admin.register(CohortInvite)
class CohortInviteAdmin(admin.ModelAdmin):
    list_display = ("email", "cohort", "invited_by", "created_at")
    search_fields = ("email",)
