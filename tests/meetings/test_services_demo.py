"""The meetings demo data (apc/meetings/demo.py, run last by seed_demo): a year of the cycle,
the next meeting with its draft agenda, one emergency meeting at Deputies level; idempotent.

Source: seeds/000, "Crisis Response Structure and Process", recommendation 4-1 (the committee
"would convene every other month"; "every other month, the APC would review implementation of
previously agreed actions, their resulting impacts"; a member may seek an emergency meeting "at
the level of deputy national security advisor/deputy secretary").
"""

from __future__ import annotations

import io
import itertools
import json

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from apc.meetings import services
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
from apc.models import EmergencyRequest
from tests.factories import ensure_reference_data
from watchlist.models import TierChange

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    models = [
        Meeting,
        AgendaItem,
        Attendance,
        Decision,
        ActionItem,
        ActionItemUpdate,
        MinutesAddendum,
        Membership,
        EmergencyRequest,
    ]
    return {m.__name__: m.objects.count() for m in models}


@override_settings(DEBUG=True)
def test_the_meetings_demo_is_complete_and_idempotent():
    ensure_reference_data()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Meetings demo data: 6 past meetings" in out.getvalue()
    first = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first  # nothing added the second time

    # the committee: two co-chairs and a principal for each member agency of rec. 4-1
    seats = services.seats_on()
    assert {m.user.username for m in seats.filter(seat="co_chair")} == {
        "cochair.nsc",
        "cochair.state",
    }
    assert sorted(a.code for a in services.member_agencies()) == sorted(
        ["state", "defense", "jcs", "odni", "justice", "treasury", "usaid"]
    )

    # a year of the cycle: the six previous slots, closed, with what a meeting produces
    now = timezone.now()
    past = list(Meeting.objects.filter(kind="regular", starts_at__lt=now).order_by("starts_at"))
    assert len(past) == 6 and {m.status for m in past} == {Meeting.Status.CLOSED}
    expected = list(itertools.islice(services.slots_from(past[0].starts_at), 7))
    assert [m.slot for m in past] == expected[:6]
    for m in past:
        assert m.attendance.count() == 7 and m.co_chairs_present.exists()
        assert m.minutes.startswith("# Minutes") and m.minutes_approved_by is not None
        assert m.decisions.exists() and m.agenda_items.filter(key="actions").exists()
    assert Decision.objects.filter(without_quorum=True).exists()  # one was held without quorum
    tier_decisions = Decision.objects.filter(kind="tier_change")
    assert tier_decisions.exists()
    for d in tier_decisions:
        assert isinstance(d.tier_change, TierChange) and d.tier_change.country == d.country
    assert MinutesAddendum.objects.exists()

    # action items in every status, some overdue, with their history
    statuses = set(ActionItem.objects.values_list("status", flat=True))
    assert statuses == {"open", "in_progress", "done", "dropped"}
    assert any(i.is_overdue for i in ActionItem.objects.all())
    assert ActionItemUpdate.objects.exists()
    for item in ActionItem.objects.filter(status__in=ActionItem.CLOSED):
        assert item.closed_at is not None and item.closed_at < now

    # the next regular meeting with its draft agenda, reviewing the open actions
    upcoming = services.next_regular_meeting()
    assert upcoming.status == Meeting.Status.SCHEDULED and upcoming.slot == expected[6]
    reviewed = {e["action_item"] for e in upcoming.agenda_items.get(key="actions").entries}
    still_open = ActionItem.objects.filter(status__in=["open", "in_progress"])
    assert set(still_open.values_list("pk", flat=True)) <= reviewed
    assert upcoming.agenda_items.filter(section=AgendaItem.Section.RISK).exists()
    agenda = json.dumps(list(upcoming.agenda_items.values("title", "entries", "flags")))
    for secret in ("Tomas", "Novak", "analyst.ic"):  # the acute warning's protected filer
        assert secret not in agenda

    # one emergency meeting, convened at Deputies level on a member's request
    (emergency,) = Meeting.objects.filter(kind="emergency")
    assert emergency.level == Meeting.Level.DEPUTIES and emergency.countries == ["MMR"]
    assert emergency.emergency_request.requested_by.username == "member.state"
    assert emergency.agenda_items.filter(key="risk:MMR").exists()
