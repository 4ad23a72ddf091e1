"""The meeting's life cycle: scheduled → agenda locked → held → minutes approved → closed (and
reopen, cancel). Every (status, action) pair either moves the meeting, with its audit event, or
is refused; who may take each step; decisions only while held; frozen minutes; what locking
publishes.

Source: seeds/000, "Crisis Response Structure and Process", recommendation 4-1 (the APC, co-chaired
by a senior NSC official and the assistant secretary of state for DRL, "would convene every
other month to discuss the latest risk assessment and warning analysis"); the issue's "Meeting
states".
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apc.core import roles
from apc.core.exceptions import Invalid, InvalidTransition, NotPermitted
from apc.core.markings import Marking
from apc.core.permissions import can
from apc.meetings import services
from apc.meetings.models import Attendance, Decision, Meeting, MinutesAddendum
from apc.meetings.workflow import MEETING_WORKFLOW
from apc.models import AuditEvent, Notification
from tests.factories import MeetingFactory, UserFactory, country
from tests.meetings.test_services import committee
from watchlist import alerts

pytestmark = pytest.mark.django_db

St = Meeting.Status
EXPECTED = {
    (St.SCHEDULED, "lock_agenda"): St.AGENDA_LOCKED,
    (St.SCHEDULED, "cancel"): St.CANCELLED,
    (St.AGENDA_LOCKED, "reopen_agenda"): St.SCHEDULED,
    (St.AGENDA_LOCKED, "hold"): St.HELD,
    (St.AGENDA_LOCKED, "cancel"): St.CANCELLED,
    (St.HELD, "approve_minutes"): St.MINUTES_APPROVED,
    (St.MINUTES_APPROVED, "close"): St.CLOSED,
}
ACTIONS = sorted({t.action for t in MEETING_WORKFLOW.transitions})
PAIRS = [(s, a) for s in St.values for a in ACTIONS]


def test_the_table_is_the_documented_machine():
    table = {(t.source, t.action): t.target for t in MEETING_WORKFLOW.transitions}
    assert table == EXPECTED


def events(meeting, action):
    return AuditEvent.objects.filter(
        action=f"meeting.{action}", object_type="apc.meeting", object_id=str(meeting.pk)
    )


@pytest.fixture
def c():
    return committee()


@pytest.fixture
def chair():
    return UserFactory(role=roles.CO_CHAIR)


@pytest.mark.parametrize(("status", "action"), PAIRS)
def test_every_status_action_pair_moves_or_is_refused(chair, status, action):
    meeting = MeetingFactory(status=status, minutes="The committee met.")
    if (status, action) in EXPECTED:
        done = services.meeting_transition(actor=chair, meeting=meeting, action=action)
        meeting.refresh_from_db()
        assert done.status == meeting.status == EXPECTED[(status, action)]
        (event,) = events(meeting, action)
        assert event.actor == chair
        assert event.changes == {"status": {"before": status, "after": meeting.status}}
    else:
        with pytest.raises(InvalidTransition):
            services.meeting_transition(actor=chair, meeting=meeting, action=action)
        meeting.refresh_from_db()
        assert meeting.status == status
        assert not events(meeting, action).exists()


ALLOWED = sorted(EXPECTED)


@pytest.mark.parametrize(("status", "action"), ALLOWED)
@pytest.mark.parametrize(
    "role",
    [roles.DIRECTORATE, roles.MEMBER, roles.DEPUTIES, roles.ANALYST, roles.AUDITOR],
)
def test_only_co_chairs_move_a_meeting(status, action, role):
    """The directorate prepares (it cannot lock, open, approve, close or cancel); members and
    everyone else can do nothing to a meeting's state."""
    meeting = MeetingFactory(status=status, minutes="The committee met.")
    actor = UserFactory(role=role)
    with pytest.raises(NotPermitted):
        services.meeting_transition(actor=actor, meeting=meeting, action=action)
    meeting.refresh_from_db()
    assert meeting.status == status


def test_available_actions_follow_the_table_and_the_policy(c):
    meeting = MeetingFactory()
    assert [t.action for t in MEETING_WORKFLOW.available(meeting, c.chair)] == [
        "lock_agenda",
        "cancel",
    ]
    assert MEETING_WORKFLOW.available(meeting, c.staff) == []
    assert MEETING_WORKFLOW.available(meeting, c.principal["state"]) == []


def test_each_step_records_who_and_when(c):
    meeting = MeetingFactory()
    services.meeting_transition(actor=c.chair, meeting=meeting, action="lock_agenda")
    meeting.refresh_from_db()
    assert meeting.agenda_locked_by == c.chair and meeting.agenda_locked_at is not None
    services.meeting_transition(actor=c.chair2, meeting=meeting, action="reopen_agenda")
    meeting.refresh_from_db()
    assert meeting.agenda_locked_by is None and meeting.agenda_locked_at is None
    services.meeting_transition(actor=c.chair, meeting=meeting, action="lock_agenda")
    services.meeting_transition(actor=c.chair, meeting=meeting, action="hold")
    meeting.refresh_from_db()
    assert meeting.held_at is not None
    # opening the meeting sets up attendance for every seated member agency, absent until told
    rows = list(meeting.attendance.order_by("agency__code"))
    assert [r.agency.code for r in rows] == sorted(
        ["state", "defense", "jcs", "odni", "justice", "treasury", "usaid"]
    )
    assert {r.status for r in rows} == {Attendance.Status.ABSENT}
    services.minutes_save(actor=c.staff, meeting=meeting, text="# Minutes", marking=Marking.U)
    services.meeting_transition(actor=c.chair2, meeting=meeting, action="approve_minutes")
    meeting.refresh_from_db()
    assert meeting.minutes_approved_by == c.chair2 and meeting.minutes_approved_at
    services.meeting_transition(actor=c.chair, meeting=meeting, action="close")
    meeting.refresh_from_db()
    assert meeting.closed_at is not None and meeting.status == St.CLOSED


def test_cancelling_tells_the_committee(c):
    meeting = MeetingFactory()
    services.meeting_transition(actor=c.chair, meeting=meeting, action="cancel")
    told = Notification.objects.filter(event_key=f"meeting:{meeting.pk}:cancelled")
    assert {n.recipient for n in told} >= {c.principal["usaid"], c.staff, c.chair2}


@pytest.mark.parametrize("status", St.values)
def test_decisions_are_recorded_only_while_held(chair, status):
    meeting = MeetingFactory(status=status)
    record = dict(actor=chair, meeting=meeting, kind=Decision.Kind.OTHER, text="Agreed.")
    if status == St.HELD:
        assert services.decision_record(**record).meeting == meeting
    else:
        with pytest.raises(InvalidTransition):
            services.decision_record(**record)
        assert not Decision.objects.exists()


def test_only_co_chairs_record_decisions(c):
    meeting = MeetingFactory(status=St.HELD)
    for actor in (c.staff, c.principal["state"]):
        with pytest.raises(NotPermitted):
            services.decision_record(actor=actor, meeting=meeting, kind="other", text="Agreed.")
    assert not Decision.objects.exists()


def test_approved_minutes_are_frozen_and_corrected_by_an_addendum(c):
    meeting = MeetingFactory(status=St.HELD)
    with pytest.raises(InvalidTransition):  # addenda correct approved minutes only
        services.addendum_add(actor=c.staff, meeting=meeting, text="Early.", marking=Marking.U)
    services.minutes_save(
        actor=c.staff, meeting=meeting, text="Agreed to task a plan.", marking=Marking.C
    )
    services.meeting_transition(actor=c.chair, meeting=meeting, action="approve_minutes")
    with pytest.raises(InvalidTransition, match="addendum"):
        services.minutes_save(actor=c.staff, meeting=meeting, text="Rewritten.", marking="U")
    added = services.addendum_add(
        actor=c.staff, meeting=meeting, text="The plan is a prevention plan.", marking=Marking.U
    )
    services.meeting_transition(actor=c.chair, meeting=meeting, action="close")
    with pytest.raises(InvalidTransition):
        services.minutes_save(actor=c.chair, meeting=meeting, text="Again.", marking="U")
    services.addendum_add(actor=c.chair, meeting=meeting, text="And one more.", marking="U")
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.minutes_marking) == ("Agreed to task a plan.", Marking.C)
    assert list(MinutesAddendum.objects.filter(meeting=meeting)) == [
        added,
        MinutesAddendum.objects.get(text="And one more."),
    ]
    assert AuditEvent.objects.filter(action="meeting.addendum").count() == 2
    with pytest.raises(NotPermitted):
        services.addendum_add(
            actor=c.principal["state"], meeting=meeting, text="Member.", marking="U"
        )


@pytest.mark.parametrize("status", [St.SCHEDULED, St.AGENDA_LOCKED, St.CANCELLED])
def test_minutes_are_written_once_the_meeting_is_held(status):
    meeting = MeetingFactory(status=status)
    staff = UserFactory(role=roles.DIRECTORATE)
    with pytest.raises(InvalidTransition):
        services.minutes_save(actor=staff, meeting=meeting, text="Too early.", marking="U")


def test_minutes_above_the_writers_clearance_are_refused(c):
    meeting = MeetingFactory(status=St.HELD)
    low = UserFactory(role=roles.DIRECTORATE, clearance=Marking.C, agency=c.agency["nsc"])
    with pytest.raises(Invalid):
        services.minutes_save(actor=low, meeting=meeting, text="Secret.", marking=Marking.S)
    services.minutes_save(actor=c.staff, meeting=meeting, text="Secret.", marking=Marking.S)
    with pytest.raises(Invalid):  # cannot overwrite what they may not read
        services.minutes_save(actor=low, meeting=meeting, text="Overwrite.", marking=Marking.C)


def test_approving_needs_minutes(c):
    meeting = MeetingFactory(status=St.HELD, minutes="  ")
    with pytest.raises(Invalid) as refused:
        services.meeting_transition(actor=c.chair, meeting=meeting, action="approve_minutes")
    assert "minutes" in refused.value.errors
    meeting.refresh_from_db()
    assert meeting.status == St.HELD and not events(meeting, "approve_minutes").exists()


def test_locking_publishes_the_agenda_and_its_warnings_to_the_members(c):
    member = c.principal["defense"]
    analyst = UserFactory(role=roles.ANALYST, agency=c.agency["odni"])
    warning = alerts.warning_file(
        actor=analyst,
        country=country("SDN"),
        severity="elevated",
        title="Militia massing",
        narrative="Fighters seen around the town.",
    )
    meeting = MeetingFactory(
        slot=(timezone.now() + timedelta(days=20)).date(),
        starts_at=timezone.now() + timedelta(days=20),
    )
    services.agenda_regenerate(actor=c.staff, meeting=meeting)
    assert not can(member, "view", warning)
    agenda_item = meeting.agenda_items.get(key="warnings")
    assert not can(member, "view", agenda_item)  # a draft agenda is the secretariat's
    services.meeting_transition(actor=c.chair, meeting=meeting, action="lock_agenda")
    warning.refresh_from_db()
    assert warning.agenda_meeting == meeting
    assert can(member, "view", warning) and can(member, "view", agenda_item)
    assert not can(analyst, "view", agenda_item)
    told = Notification.objects.filter(subject__startswith="Agenda locked")
    assert {n.recipient for n in told} >= {member, c.principal["state"], c.chair2, c.staff}
    assert analyst not in {n.recipient for n in told}
    # reopening and locking again does not move the warning to another meeting
    services.meeting_transition(actor=c.chair, meeting=meeting, action="reopen_agenda")
    services.meeting_transition(actor=c.chair, meeting=meeting, action="lock_agenda")
    warning.refresh_from_db()
    assert warning.agenda_meeting == meeting
