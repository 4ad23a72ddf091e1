"""iCalendar (RFC 5545) output of meetings: a user's feed and one meeting's `.ics`.

A calendar leaves the system: it lands in phones and mail clients that hold nothing above the
lowest marking. So an event carries only what is UNCLASSIFIED whatever the meeting's marking:
when, where, the meeting's generic title ("APC emergency meeting"), its status and a link to
its page (which asks the reader to sign in). Never an emergency meeting's countries, never
agenda text, never minutes. This module reads only those fields, so nothing else can leak.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from icalendar import Calendar, Event

from apc.meetings import selectors
from apc.meetings.models import Meeting

PRODID = "-//APC case management//Meetings//EN"
CALENDAR_NAME = "APC meetings"
# how far back a feed reaches: calendar clients keep what they have already seen
FEED_PAST = timedelta(days=365)
# the only fields an event is built from (and the only ones the feed's query loads)
EVENT_FIELDS = ("id", "kind", "level", "starts_at", "ends_at", "location", "status")
EVENT_FIELDS += ("created_at", "updated_at")


def uid(meeting: Meeting) -> str:
    """Stable across feeds and downloads, so a client updates the event it already has."""
    return f"meeting-{meeting.pk}@apc"


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def meeting_event(meeting: Meeting, *, url: str, stamp: datetime) -> Event:
    """One VEVENT of lowest marking (see the module docstring)."""
    event = Event()
    event.add("uid", uid(meeting))
    event.add("dtstamp", _utc(stamp))
    event.add("dtstart", _utc(meeting.starts_at))
    event.add("dtend", _utc(meeting.ends_at))
    event.add("summary", meeting.title)
    if meeting.location:
        event.add("location", meeting.location)
    cancelled = meeting.status == Meeting.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("url", url)
    event.add("description", f"Agenda and papers (sign-in required): {url}")
    # SEQUENCE grows with every change of the meeting, so clients replace their copy
    event.add("sequence", max(0, int((meeting.updated_at - meeting.created_at).total_seconds())))
    event.add("last-modified", _utc(meeting.updated_at))
    return event


def calendar_bytes(
    meetings: Iterable[Meeting],
    *,
    url_for: Callable[[Meeting], str],
    name: str = CALENDAR_NAME,
    now: datetime | None = None,
) -> bytes:
    """A VCALENDAR of `meetings` (already restricted to what the reader may see)."""
    stamp = now or timezone.now()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, url=url_for(meeting), stamp=stamp))
    return cal.to_ical()


def feed_meetings(user: Any, *, now: datetime | None = None) -> QuerySet[Meeting]:
    """The meetings of `user`'s feed: those they may see, from a year ago on, soonest first."""
    since = (now or timezone.now()) - FEED_PAST
    return (
        selectors.meetings_for(user)
        .filter(ends_at__gte=since)
        .select_related(None)
        .order_by("starts_at", "id")
        .only(*EVENT_FIELDS)
    )
