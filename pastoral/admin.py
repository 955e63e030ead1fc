"""Django admin for superusers. The audit trail is read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from pastoral.models import AuditEvent, Learner, School, Trust, User, YearGroup


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name", "job_title")}),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    filter_horizontal: tuple[str, ...] = ()
    list_filter = ["is_active", "is_staff"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "school", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["action"]
    search_fields = ["actor_label", "action", "object_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Learner)
class LearnerAdmin(admin.ModelAdmin):
    list_display = ["legal_last_name", "legal_first_name", "upn", "school", "year_group"]
    list_select_related = ["school", "year_group"]
    search_fields = ["search_text"]
    list_filter = ["school", "sen_status"]


# Roles are granted only through the audited users-and-roles screens, never here.
admin.site.register([Trust, School, YearGroup])
