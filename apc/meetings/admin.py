"""Admin of meetings: read-only. Meetings, agendas, decisions, action items and the membership
change only through the services (the pages and the API), which check permissions, keep the
life cycle and write the audit trail. A calendar feed may be deleted here (revoked), audited."""

from django.contrib import admin

from apc.admin import AuditedAdmin, ReadOnlyAdmin
from apc.meetings.models import (
    ActionItem,
    ActionItemUpdate,
    AgendaItem,
    Attendance,
    CalendarFeed,
    Decision,
    Meeting,
    Membership,
    MinutesAddendum,
)

for model, columns in [
    (Meeting, ["starts_at", "kind", "level", "status", "marking"]),
    (AgendaItem, ["meeting", "section", "position", "title", "marking"]),
    (Attendance, ["meeting", "agency", "status", "attendee"]),
    (Decision, ["recorded_at", "meeting", "kind", "country", "without_quorum", "marking"]),
    (ActionItem, ["due", "owner_agency", "status", "meeting", "marking"]),
    (ActionItemUpdate, ["at", "item", "author"]),
    (MinutesAddendum, ["created_at", "meeting", "author", "marking"]),
    (Membership, ["agency", "seat", "user", "starts_on", "ends_on"]),
]:
    admin.site.register(
        model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": columns})
    )


@admin.register(CalendarFeed)
class CalendarFeedAdmin(AuditedAdmin):
    """Only the hash of a feed's token is stored; deleting a feed revokes its URL."""

    list_display = ["user", "created_at", "last_used_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "token_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
