"""Permission-matrix rows of the meetings' outputs (merged by tests/test_permission_matrix.py):
the secret calendar feed, its settings page, one meeting's .ics and the meeting packet (PDF).

The feed is public by design: the token in its URL is the credential (a calendar client cannot
sign in), so anyone holding a valid token gets 200 and anything else 404, signed in or not. The
rest needs a session (anonymous users are sent to sign in); a meeting the user may not see is
404; the settings page needs "meetings.calendar" (the committee and the Deputies secretariat).
"""

from __future__ import annotations

from typing import Any

from apc.core import roles
from apc.meetings import services
from tests.factories import MeetingFactory, UserFactory

A = roles
COMMITTEE = (A.CO_CHAIR, A.DIRECTORATE, A.MEMBER)
CALENDAR_USERS = (*COMMITTEE, A.DEPUTIES)


def each(status: int, anon: int = 302, **overrides: int) -> dict[str, int]:
    return {**dict.fromkeys(roles.ALL, status), "anonymous": anon, **overrides}


def feed_token(user: Any = None) -> str:
    """A live feed token of `user` (a fresh member by default)."""
    return services.calendar_feed_issue(actor=user or UserFactory(role=A.MEMBER))


def _revoked(user: Any) -> list[str]:
    owner = UserFactory(role=A.MEMBER)
    token = feed_token(owner)
    services.calendar_feed_revoke(actor=owner)
    return [token]


TARGETS = {
    "outputs_feed_valid": lambda user: [feed_token()],
    "outputs_feed_revoked": _revoked,
    "outputs_feed_unknown": lambda user: ["not-a-token-anybody-was-given"],
    "outputs_meeting": lambda user: [MeetingFactory().pk],
    "outputs_deputies_meeting": lambda user: [MeetingFactory(level="deputies").pk],
    "outputs_unknown_meeting": lambda user: [987654321],
}

SEE = dict.fromkeys(COMMITTEE, 200)

MATRIX = {
    ("calendar-feed", "outputs_feed_valid", "GET"): each(200, anon=200),
    ("calendar-feed", "outputs_feed_revoked", "GET"): each(404, anon=404),
    ("calendar-feed", "outputs_feed_unknown", "GET"): each(404, anon=404),
    ("calendar-settings", None, "GET"): each(403, **dict.fromkeys(CALENDAR_USERS, 200)),
    # no action in the body: 400 for those who may use the page
    ("calendar-settings", None, "POST"): each(403, **dict.fromkeys(CALENDAR_USERS, 400)),
    ("meeting-ics", "outputs_meeting", "GET"): each(404, **SEE),
    ("meeting-ics", "outputs_deputies_meeting", "GET"): each(404, **SEE, **{A.DEPUTIES: 200}),
    ("meeting-ics", "outputs_unknown_meeting", "GET"): each(404),
    ("meeting-packet", "outputs_meeting", "GET"): each(404, **SEE),
    ("meeting-packet", "outputs_deputies_meeting", "GET"): each(404, **SEE, **{A.DEPUTIES: 200}),
    ("meeting-packet", "outputs_unknown_meeting", "GET"): each(404),
}

REFUSED_METHODS = {
    "calendar-feed": ("POST", "PUT", "DELETE"),
    "meeting-ics": ("POST",),
    "meeting-packet": ("POST",),
}
