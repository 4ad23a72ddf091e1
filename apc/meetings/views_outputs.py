"""What meetings produce for use outside the pages (issue 5, "Outputs"): a user's secret
iCalendar feed and its settings page, one meeting's `.ics`, and the meeting packet as PDF.

Views are thin: reads through apc.meetings.selectors (404 for a meeting the user may not see,
audited), writes through apc.meetings.services. The calendar outputs carry nothing above the
lowest marking (apc/meetings/calendar.py); the packet carries what its reader may see, marked on
every page (apc/meetings/packet.py), and its download is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from apc.core import markings
from apc.core.api import CLASSIFICATION_HEADER
from apc.core.audit import record_event
from apc.core.permissions import can, visible
from apc.core.views import ActionRequiredMixin, get_visible_or_404
from apc.meetings import calendar, selectors, services
from apc.meetings.models import CalendarFeed, Meeting
from apc.meetings.packet import render_packet

ICS_TYPE = "text/calendar; charset=utf-8"


def _private(response: HttpResponse) -> HttpResponse:
    """Never kept by a shared cache, nor by the browser."""
    response["Cache-Control"] = "private, no-store"
    return response


def _meeting_url(request: HttpRequest):
    return lambda meeting: request.build_absolute_uri(meeting.get_absolute_url())


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed a calendar client polls: no session (the token is the credential). An unknown
    or revoked token, or one of a deactivated user or of a user who lost the right, is 404."""
    user = services.calendar_feed_user(token)
    if user is None or not can(user, "meetings.calendar"):
        raise Http404
    body = calendar.calendar_bytes(calendar.feed_meetings(user), url_for=_meeting_url(request))
    response = HttpResponse(body, content_type=ICS_TYPE)
    response["Content-Disposition"] = 'inline; filename="apc-meetings.ics"'
    return _private(response)


@login_required
@require_safe
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One meeting as an `.ics` download, for those who may see the meeting."""
    meeting = get_visible_or_404(request.user, selectors.meetings_for, Meeting, pk)
    body = calendar.calendar_bytes([meeting], url_for=_meeting_url(request), name=meeting.title)
    response = HttpResponse(body, content_type=ICS_TYPE)
    response["Content-Disposition"] = f'attachment; filename="apc-meeting-{meeting.pk}.ics"'
    return _private(response)


@login_required
@require_safe
def meeting_packet(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting packet as PDF, as the user may read it (audited download)."""
    meeting = get_visible_or_404(request.user, selectors.meetings_for, Meeting, pk)
    packet = render_packet(request.user, meeting)
    record_event(
        actor=request.user,
        action="meeting.packet",
        obj=meeting,
        marking=packet.marking,
        request=request,
        summary=f"packet of {meeting} downloaded",
    )
    response = HttpResponse(packet.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{packet.filename}"'
    response[CLASSIFICATION_HEADER] = markings.label(packet.marking)
    return _private(response)


class CalendarSettingsView(ActionRequiredMixin, View):
    """Whether the user has a feed; issue (or rotate) its secret URL, shown once; revoke it."""

    required_action = "meetings.calendar"
    template_name = "apc/meetings/calendar_settings.html"

    def _render(self, request: HttpRequest, *, status: int = 200, **extra: Any) -> TemplateResponse:
        feed = visible(request.user, CalendarFeed.objects.all()).first()  # the user's own
        context = {"feed": feed, **extra}
        return TemplateResponse(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action")
        if action == "issue":
            token = services.calendar_feed_issue(actor=request.user)
            url = request.build_absolute_uri(reverse("calendar-feed", args=[token]))
            # shown once, on this response only; it is stored nowhere but as a hash
            return _private(self._render(request, feed_url=url))
        if action == "revoke":
            if services.calendar_feed_revoke(actor=request.user):
                messages.success(request, "Your calendar feed is revoked: its URL no longer works.")
            else:
                messages.info(request, "You had no calendar feed.")
            return redirect("calendar-settings")
        return self._render(request, status=400, error="Choose to issue or to revoke the feed.")


calendar_settings = never_cache(CalendarSettingsView.as_view())
