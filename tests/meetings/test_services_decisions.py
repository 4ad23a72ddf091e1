"""Holding the meeting: attendance and quorum, and the decisions recorded while it is held (a
tier-change decision goes through the watchlist's tier_change with the meeting linked).

Source: seeds/000, "Crisis Response Structure and Process", recommendation 4-1: the APC, made of
two co-chairs and the member agencies' representatives, "would review the status of countries
of concern on the Atrocities Watchlist (AWL) ... and coordinate preventive action"; and
"Decision Support and Planning" (recommendation 4-2): the APC tasks crisis prevention plans for
countries of "moderate concern".
"""

from __future__ import annotations

import pytest
from django.test import override_settings

from apc.core import roles
from apc.core.exceptions import Invalid, InvalidTransition, NotPermitted
from apc.core.markings import Marking
from apc.meetings import services
from apc.meetings.models import Attendance, Decision, Meeting
from apc.models import AuditEvent
from tests.factories import MeetingFactory, UserFactory, country
from tests.meetings.test_services import committee
from watchlist import alerts
from watchlist.models import Country, PlanTask, SurveillanceRequest, TierChange, Warning

pytestmark = pytest.mark.django_db


# --- the quorum rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chairs", "represented", "members", "met", "needed"),
    [
        (0, 7, 7, False, 4),  # no co-chair: no quorum, however full the room
        (1, 4, 7, True, 4),  # one co-chair and a majority
        (1, 3, 7, False, 4),
        (2, 7, 7, True, 4),
        (1, 3, 6, False, 4),  # half is not a majority
        (1, 4, 6, True, 4),
        (1, 1, 1, True, 1),
        (2, 1, 2, False, 2),
        (2, 0, 0, False, 1),  # no member agency seated: never a quorum
    ],
)
def test_quorum_rule(chairs, represented, members, met, needed):
    q = services.quorum_rule(
        co_chairs_present=chairs, represented=represented, member_count=members
    )
    assert (q.met, q.agencies_needed, q.co_chairs_needed) == (met, needed, 1)
    assert str(q).startswith("Quorum" if met else "No quorum")


@override_settings(MEETING_QUORUM={"co_chairs": 2, "agency_share": 0.66})
@pytest.mark.parametrize(
    ("chairs", "represented", "members", "met"),
    [
        (1, 7, 7, False),
        (2, 5, 7, True),
        (2, 4, 7, False),
        (2, 1, 2, False),
        (2, 2, 2, True),
        (2, 2, 3, True),
        (2, 1, 3, False),
    ],
)
def test_quorum_rule_is_a_setting(chairs, represented, members, met):
    q = services.quorum_rule(
        co_chairs_present=chairs, represented=represented, member_count=members
    )
    assert q.met is met and q.co_chairs_needed == 2


@pytest.fixture
def c():
    return committee()


@pytest.fixture
def held(c):
    """A meeting opened by a co-chair: attendance rows for the seven member agencies."""
    meeting = MeetingFactory(status=Meeting.Status.AGENDA_LOCKED)
    return services.meeting_transition(actor=c.chair, meeting=meeting, action="hold")


def attend(c, meeting, codes, chairs=None):
    statuses = {c.agency[code].pk: ("principal", c.principal[code]) for code in codes}
    return services.attendance_record(
        actor=c.staff,
        meeting=meeting,
        statuses=statuses,
        co_chairs_present=[c.chair] if chairs is None else chairs,
    )


def test_quorum_of_a_meeting_follows_its_attendance(c, held):
    q = services.quorum_of(held)
    assert (q.met, q.member_agencies, q.agencies_represented) == (False, 7, 0)
    assert not attend(c, held, ["state", "defense", "jcs"]).met
    q = attend(c, held, ["odni"])
    assert q.met and q.agencies_represented == 4 and q.co_chairs_present == 1
    assert services.quorum_of(held) == q
    assert not attend(c, held, [], chairs=[]).met  # the co-chairs left the room
    # an alternate represents the agency too; absent clears the attendee
    services.attendance_record(
        actor=c.staff,
        meeting=held,
        statuses={
            c.agency["usaid"].pk: ("alternate", c.alternate["usaid"]),
            c.agency["state"].pk: ("absent", c.principal["state"]),
        },
        co_chairs_present=[c.chair, c.chair2],
    )
    rows = {r.agency.code: r for r in held.attendance.all()}
    assert rows["usaid"].attendee == c.alternate["usaid"] and rows["usaid"].represented
    assert rows["state"].status == Attendance.Status.ABSENT and rows["state"].attendee is None
    q = services.quorum_of(held)
    assert (q.met, q.agencies_represented, q.co_chairs_present) == (True, 4, 2)
    assert AuditEvent.objects.filter(action="meeting.attendance").count() == 4


def test_attendance_is_checked(c, held):
    state = c.agency["state"].pk
    with pytest.raises(Invalid):  # the attendee must belong to the agency
        services.attendance_record(
            actor=c.staff,
            meeting=held,
            statuses={state: ("principal", c.principal["defense"])},
            co_chairs_present=[],
        )
    with pytest.raises(Invalid):
        services.attendance_record(
            actor=c.staff, meeting=held, statuses={state: ("late", None)}, co_chairs_present=[]
        )
    with pytest.raises(Invalid):  # only co-chairs count as co-chairs
        services.attendance_record(
            actor=c.staff, meeting=held, statuses={}, co_chairs_present=[c.staff]
        )
    with pytest.raises(Invalid):  # the NSC staffs the committee; it is not a member agency
        services.attendance_record(
            actor=c.staff,
            meeting=held,
            statuses={c.agency["nsc"].pk: ("principal", c.staff)},
            co_chairs_present=[],
        )
    with pytest.raises(NotPermitted):
        services.attendance_record(
            actor=c.principal["state"], meeting=held, statuses={}, co_chairs_present=[]
        )
    with pytest.raises(InvalidTransition):
        services.attendance_record(
            actor=c.staff, meeting=MeetingFactory(), statuses={}, co_chairs_present=[]
        )


def test_a_decision_without_quorum_is_flagged(c, held):
    attend(c, held, ["state", "defense"])
    flagged = services.decision_record(
        actor=c.chair, meeting=held, kind="tasking", text="Task a prevention plan."
    )
    assert flagged.without_quorum is True
    assert "(without quorum)" in AuditEvent.objects.get(object_id=str(flagged.pk)).summary
    attend(c, held, ["jcs", "odni"])
    valid = services.decision_record(
        actor=c.chair, meeting=held, kind="other", text="Meet again in two weeks."
    )
    assert valid.without_quorum is False
    assert valid.recorded_by == c.chair and valid.meeting == held


# --- decisions ------------------------------------------------------------------------------


def test_a_tier_change_decision_goes_through_the_watchlist_with_the_meeting_linked(c, held):
    eth = country("ETH")
    assert eth.tier is None
    decision = services.decision_record(
        actor=c.chair,
        meeting=held,
        kind=Decision.Kind.TIER_CHANGE,
        text="Reports of mass killings in contested areas: moderate concern.",
        country=eth,
        to_tier="moderate",
    )
    change = TierChange.objects.get(country=eth)
    assert decision.tier_change == change and change.meeting == held
    assert (change.from_tier, change.to_tier, change.decided_by) == (None, "moderate", c.chair)
    assert change.rationale == decision.text
    eth.refresh_from_db()
    assert eth.tier == "moderate" and eth.priority == eth.compute_priority()
    # its consequences: a crisis prevention plan is tasked (recommendation 4-2)
    task = PlanTask.objects.get(country=eth)
    assert task.kind == PlanTask.Kind.PREVENTION_PLAN and task.opened_by_change == change
    assert list(held.tier_changes.all()) == [change]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"watchlist.tier_change", "watchlist.plan_task_open", "meeting.decision"} <= actions


def test_high_and_rising_opens_surveillance_and_a_response_plan(c, held):
    sdn = country("SDN")
    services.decision_record(
        actor=c.chair,
        meeting=held,
        kind="tier_change",
        text="Sieges of towns and targeted killings.",
        country=sdn,
        to_tier="high_rising",
    )
    assert SurveillanceRequest.objects.filter(country=sdn).count() == 1
    kinds = set(PlanTask.objects.filter(country=sdn).values_list("kind", flat=True))
    assert PlanTask.Kind.RESPONSE_PLAN in kinds and len(kinds) == 4  # plan + three assessments


def test_the_same_tier_is_refused_and_nothing_is_written(c, held):
    Country.objects.filter(pk="COD").update(tier="moderate")
    counts = (Decision.objects.count(), TierChange.objects.count(), AuditEvent.objects.count())
    with pytest.raises(Invalid) as refused:
        services.decision_record(
            actor=c.chair,
            meeting=held,
            kind="tier_change",
            text="Keep it.",
            country=country("COD"),
            to_tier="moderate",
        )
    assert refused.value.status_code == 400 and "to_tier" in refused.value.errors
    assert counts == (
        Decision.objects.count(),
        TierChange.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(Invalid):  # a tier-change decision names its country
        services.decision_record(actor=c.chair, meeting=held, kind="tier_change", text="Raise.")
    with pytest.raises(Invalid):
        services.decision_record(actor=c.chair, meeting=held, kind="vote", text="Something.")
    with pytest.raises(Invalid):
        services.decision_record(actor=c.chair, meeting=held, kind="other", text="  ")


def test_taking_a_country_off_the_list(c, held):
    Country.objects.filter(pk="HTI").update(tier="monitored")
    decision = services.decision_record(
        actor=c.chair,
        meeting=held,
        kind="tier_change",
        text="Violence receded.",
        country=country("HTI"),
        to_tier="",
    )
    assert decision.tier_change.to_tier is None and country("HTI").tier is None


def test_a_decision_is_marked_at_least_as_high_as_what_it_concerns(c, held):
    Country.objects.filter(pk="MMR").update(marking=Marking.C)
    mmr = country("MMR")
    decision = services.decision_record(
        actor=c.chair, meeting=held, kind="other", text="Ask for access.", country=mmr
    )
    assert decision.marking == Marking.C
    analyst = UserFactory(role=roles.ANALYST)
    warning = alerts.warning_file(
        actor=analyst,
        country=mmr,
        severity="elevated",
        title="Clearance operations",
        narrative="Villages burnt.",
        marking=Marking.S,
    )
    decision = services.decision_record(
        actor=c.chair, meeting=held, kind="escalation", text="Raise it.", warning=warning
    )
    assert decision.country == mmr and decision.marking == Marking.S
    decision = services.decision_record(
        actor=c.chair, meeting=held, kind="other", text="Note.", country=mmr, marking=Marking.S
    )
    assert decision.marking == Marking.S
    with pytest.raises(Invalid):  # the warning concerns another country
        services.decision_record(
            actor=c.chair,
            meeting=held,
            kind="other",
            text="Mixed up.",
            country=country("SDN"),
            warning=warning,
        )
    low = UserFactory(role=roles.CO_CHAIR, clearance=Marking.C)
    with pytest.raises(Invalid):  # above the co-chair's own clearance
        services.decision_record(
            actor=low, meeting=held, kind="other", text="Too high.", marking=Marking.S
        )


def test_a_co_chair_cannot_decide_on_what_they_may_not_see(c, held):
    Country.objects.filter(pk="SSD").update(marking=Marking.S)
    low = UserFactory(role=roles.CO_CHAIR, clearance=Marking.C, agency=c.agency["nsc"])
    with pytest.raises(NotPermitted):
        services.decision_record(
            actor=low,
            meeting=held,
            kind="tier_change",
            text="Raise.",
            country=country("SSD"),
            to_tier="moderate",
        )
    assert not TierChange.objects.exists() and not Warning.objects.exists()
