"""Permission-matrix rows of the meeting pages (merged by tests/test_permission_matrix.py): every
route of apc/meetings/urls.py served by apc/meetings/views.py × every role and anonymous.

Source of the rules: apc/meetings/policy.py. The committee (co-chairs, directorate, members) sees
meetings, the Deputies secretariat those at its level, nobody else any: a meeting one may not
see answers 404. Co-chairs run the meeting (transitions, decisions, reassignment, membership);
the directorate is the secretariat (agenda editor, attendance, minutes, addenda, action items);
members see an agenda only once locked and update their own agency's action items. A step the
meeting's state no longer allows answers 409. The matrix posts no body: where the role may act,
a form answers 400 with its errors (or, where every field is optional, the step is done: 302).
Anonymous users are sent to sign in.
"""

from __future__ import annotations

from typing import Any

from apc.core import roles
from apc.meetings import services
from apc.meetings.dates import committee_today
from apc.meetings.models import ActionItem, AgendaItem, Attendance, Meeting
from apc.models import Agency
from tests.factories import MeetingFactory, UserFactory, ensure_reference_data
from tests.test_permission_matrix import each

A = roles
CHAIR = {A.CO_CHAIR: 200}
COMMITTEE = (A.CO_CHAIR, A.DIRECTORATE, A.MEMBER)
SECRETARIAT = (A.CO_CHAIR, A.DIRECTORATE)
SEE = dict.fromkeys(COMMITTEE, 200)


def to(status: int, who: tuple[str, ...], then: dict[str, int] | None = None) -> dict[str, int]:
    """`status` for the roles in `who`, then the overrides in `then`."""
    return {**dict.fromkeys(who, status), **(then or {})}


def _agency(code: str) -> Agency:
    ensure_reference_data()
    return Agency.objects.get(code=code)


def _meeting(status: str = "scheduled", **kwargs: Any) -> Meeting:
    return MeetingFactory(status=status, **kwargs)


def _item(status: str) -> list[int]:
    meeting = _meeting(status)
    item = AgendaItem.objects.create(meeting=meeting, section=5, position=1, title="Other")
    return [item.pk]


def _held_with_attendance(user: Any) -> list[int]:
    meeting = _meeting("held")
    Attendance.objects.create(meeting=meeting, agency=_agency("state"))
    return [meeting.pk]


def _action(user: Any, *, own: bool = False) -> list[int]:
    """An action item owned by Defense, or (own) by the calling user's agency."""
    owner = user.agency if own and user is not None else _agency("defense")
    item = ActionItem.objects.create(
        meeting=_meeting("closed"),
        text="Brief the embassy.",
        owner_agency=owner,
        due=committee_today(),
    )
    return [item.pk]


def _seat(user: Any, *, ended: bool = False) -> list[int]:
    chair = UserFactory(role=A.CO_CHAIR)
    seat = services.membership_add(
        actor=chair,
        user=UserFactory(role=A.MEMBER, agency=_agency("defense")),
        seat="alternate",
    )
    if ended:
        services.membership_end(actor=chair, membership=seat)
    return [seat.pk]


TARGETS = {
    "pages_meeting": lambda user: [_meeting().pk],
    "pages_deputies_meeting": lambda user: [_meeting(level="deputies").pk],
    "pages_locked_meeting": lambda user: [_meeting("agenda_locked").pk],
    "pages_held_meeting": lambda user: [_meeting("held").pk],
    "pages_held_with_attendance": _held_with_attendance,
    "pages_approved_meeting": lambda user: [_meeting("minutes_approved").pk],
    "pages_closed_meeting": lambda user: [_meeting("closed").pk],
    "pages_draft_item": lambda user: _item("scheduled"),
    "pages_locked_item": lambda user: _item("agenda_locked"),
    "pages_action": _action,
    "pages_own_action": lambda user: _action(user, own=True),
    "pages_seat": _seat,
    "pages_ended_seat": lambda user: _seat(user, ended=True),
    "pages_missing": lambda user: [987654321],
}

MATRIX = {
    # The meetings list: the committee and the Deputies secretariat.
    ("meeting-list", None, "GET"): each(403, **SEE, **{A.DEPUTIES: 200}),
    # One meeting: the committee; the Deputies secretariat at its level only.
    ("meeting-detail", "pages_meeting", "GET"): each(404, **SEE),
    ("meeting-detail", "pages_deputies_meeting", "GET"): each(404, **SEE, **{A.DEPUTIES: 200}),
    ("meeting-detail", "pages_missing", "GET"): each(404),
    # Transitions: co-chairs (no action posted: 400).
    ("meeting-transition", "pages_meeting", "POST"): each(
        404, **to(403, COMMITTEE, {A.CO_CHAIR: 400})
    ),
    ("meeting-transition", "pages_deputies_meeting", "POST"): each(
        404, **to(403, (*COMMITTEE, A.DEPUTIES), {A.CO_CHAIR: 400})
    ),
    ("meeting-transition", "pages_missing", "POST"): each(404),
    # The agenda editor: the secretariat, while the agenda is a draft (then 409).
    ("meeting-agenda-regenerate", "pages_meeting", "POST"): each(
        404, **to(302, SECRETARIAT, {A.MEMBER: 403})
    ),
    ("meeting-agenda-regenerate", "pages_locked_meeting", "POST"): each(
        404, **to(409, SECRETARIAT, {A.MEMBER: 403})
    ),
    ("meeting-agenda-add", "pages_meeting", "POST"): each(
        404, **to(400, SECRETARIAT, {A.MEMBER: 403})
    ),
    ("meeting-agenda-add", "pages_locked_meeting", "POST"): each(
        404, **to(409, SECRETARIAT, {A.MEMBER: 403})
    ),
    # A draft agenda's items are hidden from members (404); a locked one's are read-only.
    ("agenda-item-edit", "pages_draft_item", "GET"): each(404, **to(200, SECRETARIAT)),
    ("agenda-item-edit", "pages_draft_item", "POST"): each(404, **to(400, SECRETARIAT)),
    ("agenda-item-edit", "pages_locked_item", "GET"): each(
        404, **to(409, SECRETARIAT, {A.MEMBER: 403})
    ),
    ("agenda-item-edit", "pages_locked_item", "POST"): each(
        404, **to(409, SECRETARIAT, {A.MEMBER: 403})
    ),
    ("agenda-item-edit", "pages_missing", "GET"): each(404),
    # no direction posted: 400
    ("agenda-item-move", "pages_draft_item", "POST"): each(404, **to(400, SECRETARIAT)),
    ("agenda-item-move", "pages_locked_item", "POST"): each(
        404, **to(400, SECRETARIAT, {A.MEMBER: 403})
    ),
    ("agenda-item-remove", "pages_draft_item", "POST"): each(404, **to(302, SECRETARIAT)),
    ("agenda-item-remove", "pages_locked_item", "POST"): each(
        404, **to(409, SECRETARIAT, {A.MEMBER: 403})
    ),
    ("agenda-item-remove", "pages_missing", "POST"): each(404),
    # Holding the meeting: attendance, minutes and action items by the secretariat, decisions
    # by co-chairs, all while held; addenda once the minutes are approved.
    ("meeting-attendance", "pages_held_with_attendance", "POST"): each(
        404, **to(400, SECRETARIAT, {A.MEMBER: 403})
    ),
    ("meeting-attendance", "pages_meeting", "POST"): each(
        404, **to(409, SECRETARIAT, {A.MEMBER: 403})
    ),
    ("meeting-minutes", "pages_held_meeting", "POST"): each(
        404, **to(400, SECRETARIAT, {A.MEMBER: 403})
    ),
    ("meeting-minutes", "pages_approved_meeting", "POST"): each(
        404, **to(409, SECRETARIAT, {A.MEMBER: 403})
    ),
    ("meeting-addendum", "pages_approved_meeting", "POST"): each(
        404, **to(400, SECRETARIAT, {A.MEMBER: 403})
    ),
    ("meeting-addendum", "pages_held_meeting", "POST"): each(
        404, **to(409, SECRETARIAT, {A.MEMBER: 403})
    ),
    ("meeting-decision", "pages_held_meeting", "POST"): each(
        404, **to(403, COMMITTEE, {A.CO_CHAIR: 400})
    ),
    ("meeting-decision", "pages_meeting", "POST"): each(
        404, **to(403, COMMITTEE, {A.CO_CHAIR: 409})
    ),
    ("meeting-action-item-new", "pages_held_meeting", "POST"): each(
        404, **to(400, SECRETARIAT, {A.MEMBER: 403})
    ),
    ("meeting-action-item-new", "pages_closed_meeting", "POST"): each(
        404, **to(409, SECRETARIAT, {A.MEMBER: 403})
    ),
    # The tracker: the committee.
    ("action-item-list", None, "GET"): each(403, **SEE),
    # One action item: the committee reads it; its owner agency's members (and a co-chair of
    # that agency) update it; co-chairs reassign it.
    ("action-item-detail", "pages_action", "GET"): each(404, **SEE),
    ("action-item-detail", "pages_action", "POST"): each(404, **to(403, COMMITTEE)),
    ("action-item-detail", "pages_own_action", "POST"): each(
        404, **to(400, (A.MEMBER, A.CO_CHAIR)), **{A.DIRECTORATE: 403}
    ),
    ("action-item-detail", "pages_missing", "GET"): each(404),
    ("action-item-reassign", "pages_action", "GET"): each(404, **to(403, COMMITTEE, CHAIR)),
    ("action-item-reassign", "pages_action", "POST"): each(
        404, **to(403, COMMITTEE, {A.CO_CHAIR: 400})
    ),
    ("action-item-reassign", "pages_missing", "GET"): each(404),
    # Membership: the committee reads it; co-chairs seat members and end seats.
    ("membership-list", None, "GET"): each(403, **SEE),
    ("membership-list", None, "POST"): each(403, **{A.CO_CHAIR: 400}),
    ("membership-end", "pages_seat", "POST"): each(404, **to(403, COMMITTEE, {A.CO_CHAIR: 302})),
    ("membership-end", "pages_ended_seat", "POST"): each(
        404, **to(403, COMMITTEE, {A.CO_CHAIR: 409})
    ),
    ("membership-end", "pages_missing", "POST"): each(404),
}

REFUSED_METHODS = {
    "meeting-list": ("POST",),
    "meeting-detail": ("POST", "PUT", "DELETE"),
    "meeting-transition": ("GET",),
    "meeting-agenda-regenerate": ("GET",),
    "meeting-agenda-add": ("GET",),
    "agenda-item-edit": ("PUT", "DELETE"),
    "agenda-item-move": ("GET",),
    "agenda-item-remove": ("GET",),
    "meeting-attendance": ("GET",),
    "meeting-minutes": ("GET",),
    "meeting-addendum": ("GET",),
    "meeting-decision": ("GET",),
    "meeting-action-item-new": ("GET",),
    "action-item-list": ("POST",),
    "action-item-detail": ("PUT", "DELETE"),
    "action-item-reassign": ("PUT", "DELETE"),
    "membership-list": ("PUT", "DELETE"),
    "membership-end": ("GET",),
}
