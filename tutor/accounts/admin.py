from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from tutor.accounts.models import User


@admin.register(User)
class TutorUserAdmin(UserAdmin):
    list_display = ("username", "email", "role", "is_staff", "last_login")
    list_filter = ("role", "is_staff", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Tutor", {"fields": ("role", "time_zone")}))
