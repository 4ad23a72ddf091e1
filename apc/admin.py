"""Admin registrations. The audit trail is read-only here as everywhere."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from apc import services
from apc.models import Agency, AuditEvent, Notification, User


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "code"]
    search_fields = ["name", "short_name", "code"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "get_full_name", "agency", "clearance", "is_active", "is_superuser"]
    list_filter = ["agency", "clearance", "is_active", "groups"]
    list_select_related = ["agency"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("APC", {"fields": ("agency", "clearance", "title")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("APC", {"fields": ("email", "agency", "clearance", "groups")}),
    )
    readonly_fields = ["is_active", "last_login", "date_joined"]
    actions = ["deactivate", "activate"]

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
