"""Admin registrations (superusers only, apc.admin_site). Every add, change and delete made here
is written to the audit trail in the admin's own transaction; the audit trail is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.db import models
from guardian.models import GroupObjectPermission, UserObjectPermission
from rest_framework.authtoken.admin import TokenAdmin as DrfTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from apc import services
from apc.core.audit import diff, record_event
from apc.models import (
    Agency,
    AuditEvent,
    DeadlineBreach,
    EmergencyRequest,
    Notification,
    OutboxMessage,
    User,
)

REDACTED = "(changed)"
SECRET_FIELDS = frozenset({"password", "key"})


class AuditedAdmin(admin.ModelAdmin):
    """Audits admin writes: the changed fields (secrets redacted) and many-to-many sets."""

    def _concrete(self, obj: models.Model, names: list[str]) -> list[str]:
        fields = {f.name: f for f in obj._meta.get_fields()}
        return [
            n
            for n in names
            if n in fields and getattr(fields[n], "concrete", False) and not fields[n].many_to_many
        ]

    def _values(self, obj: models.Model, names: list[str]) -> dict[str, Any]:
        return {n: getattr(obj, obj._meta.get_field(n).attname) for n in names}

    def save_model(self, request, obj, form, change) -> None:
        names = self._concrete(obj, list(form.changed_data))
        before: dict[str, Any] = {}
        if change and obj.pk:
            before = self._values(type(obj)._default_manager.get(pk=obj.pk), names)
        super().save_model(request, obj, form, change)
        changes = diff(before, self._values(obj, names))
        for name in SECRET_FIELDS & set(changes):
            changes[name] = {"before": REDACTED, "after": REDACTED}
        record_event(
            actor=request.user,
            action=f"admin.{'change' if change else 'add'}",
            obj=obj,
            changes=changes,
            request=request,
            summary=str(obj)[:300],
        )

    def save_related(self, request, form, formsets, change) -> None:
        obj = form.instance
        m2m = [f.name for f in obj._meta.many_to_many if f.name in form.changed_data]
        before = (
            {n: sorted(getattr(obj, n).values_list("pk", flat=True)) for n in m2m} if change else {}
        )
        super().save_related(request, form, formsets, change)
        after = {n: sorted(getattr(obj, n).values_list("pk", flat=True)) for n in m2m}
        changes = diff(before, after)
        if changes:
            record_event(
                actor=request.user,
                action="admin.change_related",
                obj=obj,
                changes=changes,
                request=request,
                summary=str(obj)[:300],
            )

    def delete_model(self, request, obj) -> None:
        self.delete_queryset(request, [obj], single=obj)

    def delete_queryset(self, request, queryset, single=None) -> None:
        for obj in queryset:
            record_event(
                actor=request.user,
                action="admin.delete",
                obj=obj,
                request=request,
                summary=str(obj)[:300],
            )
        if single is not None:
            super().delete_model(request, single)
        else:
            super().delete_queryset(request, queryset)


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ["short_name", "name", "code"]
    search_fields = ["name", "short_name", "code"]


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "get_full_name", "agency", "clearance", "is_active", "is_superuser"]
    list_filter = ["agency", "clearance", "is_active", "groups"]
    list_select_related = ["agency"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("APC", {"fields": ("agency", "clearance", "title", "is_directorate_lead")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("APC", {"fields": ("email", "agency", "clearance", "groups")}),
    )
    readonly_fields = ["is_active", "last_login", "date_joined"]
    actions = ["deactivate", "activate"]

    def log_change(self, request, obj, message):
        # The password form of the user admin saves outside save_model; audit it here (the
        # hash itself never goes into the trail).
        if request.path.rstrip("/").endswith("/password"):
            record_event(
                actor=request.user,
                action="admin.password_change",
                obj=obj,
                changes={"password": {"before": REDACTED, "after": REDACTED}},
                request=request,
                summary=obj.username,
            )
        return super().log_change(request, obj, message)

    @admin.action(description="Deactivate (ends their sessions and API token at once)")
    def deactivate(self, request, queryset):
        for user in queryset:
            services.user_set_active(actor=request.user, user=user, active=False)
        messages.success(request, f"Deactivated {queryset.count()} account(s).")

    @admin.action(description="Activate")
    def activate(self, request, queryset):
        for user in queryset:
            services.user_set_active(actor=request.user, user=user, active=True)
        messages.success(request, f"Activated {queryset.count()} account(s).")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "actor_username",
        "actor_agency",
        "action",
        "object_type",
        "object_id",
        "outcome",
    ]
    list_filter = ["outcome", "actor_agency"]
    search_fields = ["actor_username", "action", "object_type", "object_id", "request_id"]
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "subject", "marking", "read_at", "emailed_at"]
    list_select_related = ["recipient"]
    search_fields = ["subject", "recipient__username"]


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdmin, DjangoGroupAdmin):
    """Roles are groups: who may hold a role is a security decision, so it is audited."""


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(AuditedAdmin, DrfTokenAdmin):
    """API tokens of service accounts: creation and revocation are audited (never the key)."""


@admin.register(UserObjectPermission)
class UserObjectPermissionAdmin(AuditedAdmin):
    """Object grants to users (django-guardian): who may see or do what to one record."""

    list_display = ["user", "permission", "content_object"]
    list_select_related = ["user", "permission", "content_type"]
    raw_id_fields = ["user"]


@admin.register(GroupObjectPermission)
class GroupObjectPermissionAdmin(AuditedAdmin):
    """Object grants to groups (drafting teams and the like)."""

    list_display = ["group", "permission", "content_object"]
    list_select_related = ["group", "permission", "content_type"]


@admin.register(Permission)
class PermissionAdmin(ReadOnlyAdmin):
    list_display = ["name", "codename", "content_type"]
    list_select_related = ["content_type"]
    search_fields = ["codename", "name"]


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    """Django's own record of admin changes (the audit trail is the authoritative one)."""

    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag"]
    list_select_related = ["user", "content_type"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Background work and its state: pending, published, done (and the last error)."""

    list_display = [
        "created_at",
        "task",
        "dedupe_key",
        "published_at",
        "done_at",
        "publish_attempts",
    ]
    list_filter = ["task"]
    search_fields = ["task", "dedupe_key"]


@admin.register(EmergencyRequest)
class EmergencyRequestAdmin(ReadOnlyAdmin):
    """Answered by co-chairs in the product, never here."""

    list_display = ["created_at", "countries", "level", "status", "due", "raised_at"]
    list_filter = ["status", "level"]


@admin.register(DeadlineBreach)
class DeadlineBreachAdmin(ReadOnlyAdmin):
    list_display = ["recorded_at", "object_type", "object_id", "deadline", "level", "due"]
    list_filter = ["deadline", "level"]


from apc.meetings import admin as _meetings_admin  # noqa: E402, F401 - registers meetings
