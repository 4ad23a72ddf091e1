"""Emergency meetings: a request answered by a co-chair becomes a meeting at the level it asked
for (or was raised to by its deadline), on its countries, with a drafted agenda.

Source: seeds/000, "Crisis Response Structure and Process", recommendation 4-1: the APC would
convene "at any other time one of its members requested an emergency meeting. In the latter
circumstance, a member would have the option to seek the emergency meeting at the level of deputy
national security advisor/deputy secretary, making it in effect a meeting of the NSC Deputies
Committee."
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apc import services as apc_services
from apc.core import roles
from apc.core.exceptions import Invalid
from apc.core.markings import Marking
from apc.core.permissions import can
from apc.meetings.models import Meeting
from apc.models import AuditEvent, EmergencyRequest, Notification
from tests.factories import UserFactory
from tests.meetings.test_services import committee

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    c = committee()
    c.deputies = UserFactory(role=roles.DEPUTIES, agency=c.agency["nsc"])
    return c


def request(c, level="apc", countries=("SDN", "SSD")):
    return apc_services.emergency_request_create(
        actor=c.principal["usaid"],
        countries=list(countries),
        reasons="Fighting spreads to the border; refugees report killings by identity.",
        level=level,
    )


def convene(c, req, level=""):
    return apc_services.emergency_request_answer(
        actor=c.chair,
        request=req,
        action="convene",
        meeting_at=timezone.now() + timedelta(days=2),
        level=level,
    )


def test_a_deputies_level_request_becomes_a_deputies_committee_meeting(c):
    req = request(c, level="deputies")
    EmergencyRequest.objects.filter(pk=req.pk).update(marking=Marking.C)
    answered = convene(c, req)
    meeting = Meeting.objects.get(emergency_request=req)
    assert (meeting.kind, meeting.level) == (Meeting.Kind.EMERGENCY, Meeting.Level.DEPUTIES)
    assert meeting.title == "Deputies Committee emergency meeting"
    assert meeting.slot is None and meeting.starts_at == answered.meeting_at
    assert meeting.marking == Marking.C and meeting.countries == ["SDN", "SSD"]
    assert meeting.status == Meeting.Status.SCHEDULED and meeting.agenda_generated_at
    # by priority, then name: South Sudan before Sudan
    keys = list(meeting.agenda_items.order_by("section", "position").values_list("key", flat=True))
    assert keys == ["risk:SSD", "risk:SDN", "warnings", "actions", "plans", "other"]
    assert AuditEvent.objects.filter(action="meeting.convene", object_id=str(meeting.pk)).exists()
    # the Deputies secretariat sees it and hears of it; so do the members and the requester
    assert can(c.deputies, "view", meeting)
    told = {
        n.recipient for n in Notification.objects.filter(event_key=f"emergency:{req.pk}:convene")
    }
    assert {c.deputies, c.principal["usaid"], c.principal["state"], c.chair2} <= told


def test_a_request_raised_by_its_deadline_is_convened_at_deputies_level(c):
    req = request(c)
    EmergencyRequest.objects.filter(pk=req.pk).update(due=timezone.now() - timedelta(minutes=1))
    assert apc_services.emergency_requests_check() == 1
    convene(c, EmergencyRequest.objects.get(pk=req.pk), level="apc")
    meeting = Meeting.objects.get(emergency_request=req)
    assert meeting.level == Meeting.Level.DEPUTIES
    assert can(c.deputies, "view", meeting)


def test_an_apc_level_request_stays_with_the_apc_unless_a_co_chair_raises_it(c):
    first, second = request(c), request(c, countries=["COD"])
    convene(c, first)
    convene(c, second, level="deputies")
    apc = Meeting.objects.get(emergency_request=first)
    raised = Meeting.objects.get(emergency_request=second)
    assert apc.level == Meeting.Level.APC and raised.level == Meeting.Level.DEPUTIES
    assert not can(c.deputies, "view", apc)
    assert not Notification.objects.filter(
        recipient=c.deputies, event_key=f"emergency:{first.pk}:convene"
    ).exists()


def test_declining_creates_no_meeting(c):
    req = request(c, level="deputies")
    apc_services.emergency_request_answer(
        actor=c.chair, request=req, action="decline", note="Covered at the regular meeting."
    )
    assert not Meeting.objects.exists()
    assert Notification.objects.filter(
        recipient=c.principal["usaid"], event_key=f"emergency:{req.pk}:decline"
    ).exists()


def test_a_meeting_in_the_past_is_refused(c):
    req = request(c)
    with pytest.raises(Invalid):
        apc_services.emergency_request_answer(
            actor=c.chair,
            request=req,
            action="convene",
            meeting_at=timezone.now() - timedelta(hours=1),
        )
    assert not Meeting.objects.exists()
