"""Permission-matrix rows of the meetings REST API (merged by tests/test_permission_matrix.py),
and the small builders the API, calendar and packet tests share.

Who sees meetings (apc/meetings/policy.py): the committee (co-chairs, directorate, members) all
of them, the Deputies secretariat those at its level; nobody else, API clients included (the
lists answer 403 to those who may not see meetings at all, a record they may not see 404). The
owner agency's members (and a co-chair of that agency) report on its action items; co-chairs
reassign them. Service accounts never write (403 before any lookup). The matrix sends no body:
whoever may act gets 400 (nothing to change).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from apc.core import roles
from apc.meetings.dates import committee_today
from apc.meetings.models import ActionItem, Meeting
from apc.models import Agency
from tests.factories import MeetingFactory

API_ANON = 401
A = roles
COMMITTEE = (A.CO_CHAIR, A.DIRECTORATE, A.MEMBER)


def each(status: int, anon: int = API_ANON, **overrides: int) -> dict[str, int]:
    """As tests/test_permission_matrix.each (not imported from there: the meetings tests import
    this module, and the matrix imports every matrix module)."""
    return {**dict.fromkeys(roles.ALL, status), "anonymous": anon, **overrides}


def to(status: int, who: tuple[str, ...]) -> dict[str, int]:
    return dict.fromkeys(who, status)


# --- builders -------------------------------------------------------------------------------


def meeting_in(days: float = 7, **kwargs: Any) -> Meeting:
    """A regular meeting starting `days` from now (negative: in the past), in its own slot."""
    start = (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)
    taken = set(Meeting.objects.filter(kind="regular").values_list("slot", flat=True))
    slot = start.date()
    while slot in taken:  # the slot is only the scheduler's key: keep it unique
        slot += dt.timedelta(days=3653)
    kwargs.setdefault("slot", slot)
    if kwargs.get("kind") == "emergency":
        kwargs["slot"] = None
    return MeetingFactory(starts_at=start, ends_at=start + dt.timedelta(hours=2), **kwargs)


def agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def action_item(meeting: Meeting | None = None, **kwargs: Any) -> ActionItem:
    """An action item of a held meeting, owned by Treasury unless told otherwise."""
    kwargs.setdefault("owner_agency", agency("treasury"))
    kwargs.setdefault("text", "Brief the Treasury sanctions team on the risk assessment.")
    kwargs.setdefault("due", committee_today() + dt.timedelta(days=30))
    return ActionItem.objects.create(meeting=meeting or MeetingFactory(status="held"), **kwargs)


def _own_action(user: Any) -> list[int]:
    owner = user.agency if user is not None else agency("treasury")
    return [action_item(owner_agency=owner).pk]


TARGETS = {
    "meetings_api_regular": lambda user: [MeetingFactory().pk],
    "meetings_api_deputies": lambda user: [MeetingFactory(level="deputies").pk],
    "meetings_api_unknown": lambda user: [987654321],
    # owned by Treasury: the matrix's users belong to State
    "meetings_api_action": lambda user: [action_item().pk],
    "meetings_api_own_action": _own_action,
}

SEE = to(200, COMMITTEE)
LISTS = each(403, **SEE, **{A.DEPUTIES: 200})

MATRIX = {
    ("api:meeting-list", None, "GET"): LISTS,
    ("api:meeting-detail", "meetings_api_regular", "GET"): each(404, **SEE),
    ("api:meeting-detail", "meetings_api_deputies", "GET"): each(404, **SEE, **{A.DEPUTIES: 200}),
    ("api:meeting-detail", "meetings_api_unknown", "GET"): each(404),
    ("api:action-item-list", None, "GET"): LISTS,
    ("api:action-item-detail", "meetings_api_action", "GET"): each(404, **SEE),
    ("api:action-item-detail", "meetings_api_unknown", "GET"): each(404),
    # another agency's item: only a co-chair may act (reassign); members and the directorate
    # see it and are refused
    ("api:action-item-detail", "meetings_api_action", "PATCH"): each(
        404,
        **{A.CO_CHAIR: 400, A.MEMBER: 403, A.DIRECTORATE: 403, A.API_CLIENT: 403},
    ),
    # the caller's own agency's item: its members report on it
    ("api:action-item-detail", "meetings_api_own_action", "PATCH"): each(
        404,
        **{A.CO_CHAIR: 400, A.MEMBER: 400, A.DIRECTORATE: 403, A.API_CLIENT: 403},
    ),
    ("api:action-item-detail", "meetings_api_unknown", "PATCH"): each(404, **{A.API_CLIENT: 403}),
}

REFUSED_METHODS = {
    "api:meeting-list": ("POST",),
    "api:meeting-detail": ("PUT", "PATCH", "DELETE"),
    "api:action-item-list": ("POST",),
    # PATCH only: an action item is never replaced or deleted
    "api:action-item-detail": ("PUT", "DELETE"),
}
