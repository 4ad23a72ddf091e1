"""Who may see and do what with meetings (see apc/core/permissions.py).

Co-chairs run meetings: lock the agenda, open the meeting, record decisions, approve minutes,
close, cancel, manage the membership, reassign action items. The directorate is the committee's
secretariat (DESIGN.md: "prepare agendas"): it edits draft agendas, records attendance, drafts
minutes and action items. Members see meetings, and an agenda once it is locked; an agency's
members update the action items their agency owns. The Deputies Committee secretariat sees
meetings at its level. Analysts, red team, principals, auditors and API clients see none.
"""

from django.db.models import Q

from apc.core import roles
from apc.core.permissions import Policy, register, register_action
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

COMMITTEE = frozenset({roles.CO_CHAIR, roles.DIRECTORATE, roles.MEMBER})
CO_CHAIRS = frozenset({roles.CO_CHAIR})
SECRETARIAT = frozenset({roles.CO_CHAIR, roles.DIRECTORATE})


def _deputies(prefix: str = ""):
    def scope(user, action):
        if action == "view" and roles.DEPUTIES in user.roles:
            return Q(**{f"{prefix}level": Meeting.Level.DEPUTIES})
        return None

    return scope


def _agenda_scope(user, action):
    """Members (and the Deputies secretariat at its level) see an agenda once it is locked."""
    if action != "view":
        return None
    published = ~Q(meeting__status__in=[Meeting.Status.SCHEDULED, Meeting.Status.CANCELLED])
    if roles.MEMBER in user.roles:
        return published
    if roles.DEPUTIES in user.roles:
        return published & Q(meeting__level=Meeting.Level.DEPUTIES)
    return None


def _action_item_scope(user, action):
    """An agency's members (and a co-chair of that agency) update its action items."""
    if action == "update" and user.roles & {roles.MEMBER, roles.CO_CHAIR}:
        return Q(owner_agency_id=user.agency_id)
    return None


register_action("meetings.view", COMMITTEE | {roles.DEPUTIES})
register_action("meetings.calendar", COMMITTEE | {roles.DEPUTIES})
register_action("membership.manage", CO_CHAIRS)

register(
    Meeting,
    Policy(
        roles={
            "view": COMMITTEE,
            "edit_agenda": SECRETARIAT,
            "lock_agenda": CO_CHAIRS,
            "hold": CO_CHAIRS,
            "record_attendance": SECRETARIAT,
            "write_minutes": SECRETARIAT,
            "record_decision": CO_CHAIRS,
            "add_action_item": SECRETARIAT,
            "approve_minutes": CO_CHAIRS,
            "add_addendum": SECRETARIAT,
            "close": CO_CHAIRS,
            "cancel": CO_CHAIRS,
        },
        scope=_deputies(),
    ),
)
# Everything a meeting produced inherits the meeting's own protection (marked_via): a reader
# below an emergency meeting's marking learns nothing of it through its items, not even that
# it exists.
VIA = ("meeting",)
register(
    AgendaItem,
    Policy(roles={"view": SECRETARIAT}, scope=_agenda_scope, marked_via=VIA),
)
register(
    Attendance,
    Policy(roles={"view": COMMITTEE}, scope=_deputies("meeting__"), marked_via=VIA),
)
register(
    Decision,
    Policy(roles={"view": COMMITTEE}, scope=_deputies("meeting__"), marked_via=VIA),
)
register(
    MinutesAddendum,
    Policy(roles={"view": COMMITTEE}, scope=_deputies("meeting__"), marked_via=VIA),
)
register(
    ActionItem,
    Policy(
        roles={"view": COMMITTEE, "reassign": CO_CHAIRS},
        scope=_action_item_scope,
        marked_via=VIA,
    ),
)
register(Membership, Policy(roles={"view": COMMITTEE, "end": CO_CHAIRS}))
register(CalendarFeed, Policy(owner="user", owner_actions=frozenset({"view", "revoke"})))
register(
    ActionItemUpdate,
    Policy(roles={"view": COMMITTEE}, marked_via=("item", "item__meeting")),
)
