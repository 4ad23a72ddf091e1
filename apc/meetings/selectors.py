"""Reads about meetings, already restricted to what the user may see (role, scope, clearance):
the pages, the API, the calendar and the packet all read through these."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from apc.core import markings
from apc.core.permissions import visible
from apc.meetings.agenda import entries_for
from apc.meetings.models import (
    ActionItem,
    ActionItemUpdate,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Membership,
    MinutesAddendum,
)


def meetings_for(user: Any) -> QuerySet[Meeting]:
    """Meetings the user may see, newest first."""
    return visible(user, Meeting.objects.all()).select_related("emergency_request")


def visible_meeting_ids(user: Any, ids) -> set[int]:
    """Which of the meeting ids the user may see (one query): a record that names its meeting
    (a tier change, a packet line) names it only to them."""
    ids = {i for i in ids if i}
    if not ids:
        return set()
    return set(meetings_for(user).filter(pk__in=ids).values_list("pk", flat=True))


def upcoming(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Not yet over and not closed or cancelled, soonest first."""
    return (
        qs.filter(ends_at__gte=timezone.now())
        .exclude(status__in=[Meeting.Status.CLOSED, Meeting.Status.CANCELLED])
        .order_by("starts_at", "id")
    )


def past(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Over, closed or cancelled; newest first."""
    return qs.filter(
        Q(ends_at__lt=timezone.now())
        | Q(status__in=[Meeting.Status.CLOSED, Meeting.Status.CANCELLED])
    ).order_by("-starts_at", "-id")


def agenda_for(user: Any, meeting: Meeting) -> list[dict[str, Any]]:
    """The agenda as the user may read it: visible items in order, each with only the entries
    their clearance admits, as {"item": AgendaItem, "entries": [...]} (two queries)."""
    items = (
        visible(user, AgendaItem.objects.filter(meeting=meeting))
        .select_related("presenter_agency", "country")
        .order_by("section", "position", "id")
    )
    return [{"item": i, "entries": entries_for(user, i)} for i in items]


def agenda_markings(agenda: list[dict[str, Any]]) -> set[str]:
    """Markings of what an agenda shows (for the page's banner)."""
    found = {row["item"].marking for row in agenda}
    for row in agenda:
        found |= {e.get("marking", markings.LOWEST) for e in row["entries"]}
    return found


def attendance_for(user: Any, meeting: Meeting) -> QuerySet[Attendance]:
    return (
        visible(user, Attendance.objects.filter(meeting=meeting))
        .select_related("agency", "attendee")
        .order_by("agency__name")
    )


def decisions_for(user: Any, meeting: Meeting | None = None) -> QuerySet[Decision]:
    qs = Decision.objects.all() if meeting is None else Decision.objects.filter(meeting=meeting)
    return visible(user, qs).select_related(
        "country", "warning", "tier_change", "recorded_by", "meeting"
    )


def addenda_for(user: Any, meeting: Meeting) -> QuerySet[MinutesAddendum]:
    return visible(user, MinutesAddendum.objects.filter(meeting=meeting)).select_related("author")


def minutes_visible(user: Any, meeting: Meeting) -> bool:
    """The minutes are shown within the reader's clearance to those the meeting is shown to:
    drafts to the co-chairs and the secretariat who write them, approved minutes to everyone
    else."""
    from apc.core import roles

    if not markings.dominates(user.clearance, meeting.minutes_marking):
        return False
    return meeting.minutes_frozen or bool(user.roles & {roles.CO_CHAIR, roles.DIRECTORATE})


def action_items_for(user: Any) -> QuerySet[ActionItem]:
    """Action items the user may see, soonest due first, with what their rows show."""
    return (
        visible(user, ActionItem.objects.all())
        .filter(Q(country__isnull=True) | Q(country__marking__in=markings.up_to(user.clearance)))
        .select_related("owner_agency", "assignee", "meeting", "country", "decision")
        .order_by("due", "id")
    )


def action_item_history(user: Any, item: ActionItem) -> QuerySet[ActionItemUpdate]:
    return visible(user, ActionItemUpdate.objects.filter(item=item)).select_related("author")


def memberships_for(user: Any, *, current_only: bool = False) -> QuerySet[Membership]:
    qs = visible(user, Membership.objects.all()).select_related(
        "user", "agency", "created_by", "ended_by"
    )
    if current_only:
        from apc.meetings.services import seats_on

        qs = qs.filter(pk__in=seats_on().values("pk"))
    return qs.order_by("agency__name", "seat", "-starts_on")


def meeting_with_parts(user: Any, meeting: Meeting) -> Meeting:
    """Prefetch co-chairs present (the meeting page and API read them)."""
    return (
        Meeting.objects.filter(pk=meeting.pk)
        .prefetch_related(Prefetch("co_chairs_present"))
        .select_related("agenda_locked_by", "minutes_approved_by", "emergency_request")
        .get()
    )
