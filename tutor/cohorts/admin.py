"""Admin for staff: educator invites to create and copy, and a read-mostly view of cohorts.

Cohorts are run by their educators in the app; the admin can rename or delete one (deleting goes through the same
service, so learners' daily study is updated), but memberships and assignments are changed in the app only.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html

from tutor.accounts.models import Role, User
from tutor.cohorts import services
from tutor.cohorts.models import Assignment, Cohort, EducatorAction, EducatorInvite, EducatorInviteUse, Membership


class EducatorInviteUseInline(admin.TabularInline):
    model = EducatorInviteUse
    extra = 0
    can_delete = False
    readonly_fields = ("user", "used_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(EducatorInvite)
class EducatorInviteAdmin(admin.ModelAdmin):
    """Make an invite, then copy its link and send it to the person who should become an educator."""

    list_display = ("__str__", "link_path", "uses_left", "expires_at", "created_by", "created_at")
    readonly_fields = ("link_path", "created_by", "created_at")
    fields = ("note", "uses_left", "expires_at", "link_path", "created_by", "created_at")
    inlines = [EducatorInviteUseInline]
    change_form_template = "cohorts/admin/invite_change_form.html"

    @admin.display(description="Link")
    def link_path(self, invite: EducatorInvite) -> str:
        return invite.get_absolute_url() if invite.pk else "Save the invite to get its link."

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        link = request.build_absolute_uri(obj.get_absolute_url())
        self.message_user(request, format_html("Invite created. Send this link: <code>{}</code>", link), messages.INFO)
        return super().response_add(request, obj, post_url_continue)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = extra_context or {}
        invite = EducatorInvite.objects.filter(pk=object_id).first() if object_id else None
        if invite is not None:
            extra_context["invite_link"] = request.build_absolute_uri(invite.get_absolute_url())
        return super().changeform_view(request, object_id, form_url, extra_context)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    readonly_fields = ("learner", "joined_at")

    def has_add_permission(self, request, obj=None):
        return False


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    can_delete = False
    fields = ("title", "module_slugs", "opens_on", "due_on", "target_accuracy", "exam_pass_mark")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "join_code", "created_at")
    search_fields = ("name", "owner__username")
    readonly_fields = ("owner", "join_code", "created_at")
    fields = ("name", "description", "owner", "co_teachers", "join_code", "join_code_expires_on", "created_at")
    filter_horizontal = ("co_teachers",)
    inlines = [MembershipInline, AssignmentInline]

    def has_add_permission(self, request):
        return False

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "co_teachers":
            kwargs["queryset"] = User.objects.filter(role=Role.EDUCATOR)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def delete_model(self, request, obj):
        services.delete_cohort(actor=request.user, cohort=obj)

    def delete_queryset(self, request, queryset):
        for cohort in queryset:
            services.delete_cohort(actor=request.user, cohort=cohort)


@admin.register(EducatorAction)
class EducatorActionAdmin(admin.ModelAdmin):
    """The audit trail of educators' changes: read only, written by the cohort services."""

    list_display = ("at", "actor_name", "verb", "cohort_name", "subject", "detail")
    list_filter = ("verb",)
    search_fields = ("actor_name", "cohort_name", "subject")
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
