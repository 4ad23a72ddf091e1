"""Reads of the committee's plumbing, already restricted to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from apc.core.permissions import visible
from apc.models import AuditEvent, Notification


def notifications_for(user: Any) -> QuerySet[Notification]:
    """The user's own notifications, newest first (clearance is enforced by the policy too)."""
    return visible(user, Notification.objects.all()).order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


def audit_events_for(user: Any) -> QuerySet[AuditEvent]:
    """The audit trail for those who may read it, with actor and agency joined."""
    return (
        visible(user, AuditEvent.objects.all())
        .select_related("actor_agency")
        .order_by("-created_at", "-id")
    )


def emergency_requests_for(user: Any) -> QuerySet:
    """Emergency meeting requests the user may see, pending first, then newest."""
    from django.db.models import Case, IntegerField, Value, When

    from apc.models import EmergencyRequest

    pending_first = Case(
        When(status=EmergencyRequest.Status.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        visible(user, EmergencyRequest.objects.all())
        .select_related("requested_by", "decided_by")
        .order_by(pending_first, "due", "-created_at")
    )
