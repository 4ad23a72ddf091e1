"""Meetings and the watchlist together: the meeting cycle sets routine review deadlines and next
review dates; tier changes name the meeting that decided them; and a whole bimonthly meeting run
through the services, from the prepared agenda to approved minutes, whose action items appear
with their status on the next meeting's agenda (the issue's "done when", at service level).

Source: seeds/000, "Crisis Response Structure and Process", recommendation 4-1: the APC "would
review the status of countries of concern on the Atrocities Watchlist" and "every other month
... review implementation of previously agreed actions, their resulting impacts, and the current
status of relevant situations".
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from apc.core.exceptions import Invalid
from apc.core.markings import Marking
from apc.core.permissions import can
from apc.meetings import services
from apc.meetings.agenda import previous_meeting
from apc.meetings.dates import committee_today
from apc.meetings.models import ActionItem, AgendaItem, Meeting
from tests.factories import MeetingFactory, UserFactory, country
from tests.meetings.test_services import committee
from watchlist import alerts, selectors
from watchlist import services as watchlist_services
from watchlist.models import PlanTask, TierChange

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def regular_at(when, **kw):
    return MeetingFactory(slot=when.date(), starts_at=when, **kw)


def routine(actor, severity="routine"):
    return alerts.warning_file(
        actor=actor,
        country=country("NGA"),
        severity=severity,
        title="Intercommunal clashes after cattle raids",
        narrative="Raids and counter-raids in two states.",
    )


@override_settings(
    ALERT_ACK_SECONDS={"acute": 7200, "elevated": 86400, "routine": 3 * 86400},
    ALERT_REVIEW_SECONDS={"acute": 172800, "elevated": 7 * 86400, "routine": 30 * 86400},
)
def test_a_routine_warnings_review_is_due_at_the_next_regular_meeting():
    now = timezone.now()
    analyst = UserFactory(role="analyst")
    # not these: before the acknowledgement deadline, cancelled, or an emergency meeting
    regular_at(now + DAY)
    regular_at(now + 10 * DAY, status=Meeting.Status.CANCELLED)
    MeetingFactory(kind="emergency", slot=None, starts_at=now + 5 * DAY)
    meeting = regular_at(now + 20 * DAY)
    regular_at(now + 80 * DAY)
    warning = routine(analyst)
    assert warning.review.due == meeting.starts_at
    elevated = routine(analyst, severity="elevated")
    assert elevated.review.due == elevated.filed_at + 7 * DAY  # fixed, meetings or not


@override_settings(ALERT_REVIEW_SECONDS={"acute": 172800, "elevated": 604800, "routine": 2592000})
def test_without_a_meeting_the_routine_review_falls_back_to_thirty_days():
    warning = routine(UserFactory(role="analyst"))
    assert warning.review.due == warning.filed_at + 30 * DAY


def test_next_review_due_is_the_next_regular_meetings_date():
    chair = UserFactory(role="co_chair")
    staff = UserFactory(role="directorate")
    meeting = regular_at(timezone.now() + 20 * DAY)
    regular_at(timezone.now() + 80 * DAY)
    day = timezone.localtime(meeting.starts_at).date()
    eth = country("ETH")
    watchlist_services.tier_change(country=eth, to_tier="moderate", rationale="r", actor=chair)
    assert country("ETH").next_review_due == day
    reviewed = watchlist_services.country_mark_reviewed(country=country("SDN"), actor=staff)
    assert reviewed.next_review_due == day


def test_without_a_meeting_the_next_review_falls_back_to_the_cadence():
    staff = UserFactory(role="directorate")
    reviewed = watchlist_services.country_mark_reviewed(country=country("SDN"), actor=staff)
    cadence = timedelta(days=settings.WATCHLIST_REVIEW_CADENCE_DAYS)
    assert reviewed.next_review_due == timezone.localdate() + cadence


@pytest.mark.parametrize(
    ("status", "accepted"),
    [
        (Meeting.Status.SCHEDULED, False),
        (Meeting.Status.AGENDA_LOCKED, False),
        (Meeting.Status.CANCELLED, False),
        (Meeting.Status.HELD, True),
        # once the minutes are approved the meeting decides nothing more (its record is frozen)
        (Meeting.Status.MINUTES_APPROVED, False),
        (Meeting.Status.CLOSED, False),
    ],
)
def test_a_tier_change_names_only_a_meeting_being_held(client, status, accepted):
    chair = UserFactory(role="co_chair")
    meeting = MeetingFactory(status=status)
    sdn = country("SDN")
    if accepted:
        change = watchlist_services.tier_change(
            country=sdn, to_tier="moderate", rationale="Decided.", actor=chair, meeting=meeting.pk
        )
        assert change.meeting == meeting
        return
    with pytest.raises(Invalid) as refused:
        watchlist_services.tier_change(
            country=sdn, to_tier="moderate", rationale="Decided.", actor=chair, meeting=meeting
        )
    assert "meeting" in refused.value.errors
    client.force_login(chair)
    response = client.post(
        "/api/v1/watchlist/SDN/tier/",
        {"tier": "moderate", "rationale": "Decided.", "meeting": meeting.pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and "meeting" in response.json()["errors"]
    with pytest.raises(Invalid):
        watchlist_services.tier_change(
            country=sdn, to_tier="moderate", rationale="Decided.", actor=chair, meeting=10**9
        )
    assert not TierChange.objects.exists()


def test_a_whole_bimonthly_meeting_feeds_the_next_one():
    """From the automatically prepared agenda to approved minutes, with action items that appear,
    with their status, notes and impact, on the next meeting's agenda."""
    c = committee(since=committee_today() - 200 * DAY)
    now = timezone.now()
    # an older meeting whose action was closed long ago: it is not reviewed again
    older = regular_at(now - 200 * DAY, status=Meeting.Status.CLOSED)
    stale = ActionItem.objects.create(
        meeting=older,
        text="Long finished.",
        owner_agency=c.agency["state"],
        due=(now - 190 * DAY).date(),
        status="done",
        closed_at=now - 150 * DAY,
    )

    # the scheduler created the meeting (and its draft agenda) ahead of time
    (first,) = services.meetings_schedule(now=now - 100 * DAY)
    assert first.starts_at < now and first.agenda_items.filter(key="actions").exists()
    services.agenda_regenerate(actor=c.staff, meeting=first)
    item = first.agenda_items.get(key="actions")
    services.agenda_item_update(
        actor=c.staff, item=item, presenter_agency=c.agency["nsc"], minutes_allocated=20
    )
    services.meeting_transition(actor=c.chair, meeting=first, action="lock_agenda")
    services.meeting_transition(actor=c.chair, meeting=first, action="hold")
    present = {
        c.agency[code].pk: ("principal", c.principal[code])
        for code in ("state", "defense", "odni", "justice")
    }
    present[c.agency["usaid"].pk] = ("alternate", c.alternate["usaid"])
    quorum = services.attendance_record(
        actor=c.staff, meeting=first, statuses=present, co_chairs_present=[c.chair, c.chair2]
    )
    assert quorum.met
    eth = country("ETH")
    moved = services.decision_record(
        actor=c.chair,
        meeting=first,
        kind="tier_change",
        text="Reports of mass killings in contested areas.",
        country=eth,
        to_tier="moderate",
    )
    tasking = services.decision_record(
        actor=c.chair2, meeting=first, kind="tasking", text="Support local early warning."
    )
    today = committee_today()

    def agree(code, text, days, **kw):
        return services.action_item_create(
            actor=c.staff,
            meeting=first,
            text=text,
            owner_agency=c.agency[code],
            due=today + days * DAY,
            **kw,
        )

    demarche = agree("state", "Demarche on humanitarian access.", 20)
    networks = agree("usaid", "Fund community early-warning networks.", 5, decision=tasking)
    contacts = agree("defense", "Review military-to-military contacts.", 30, country=eth)
    options = agree("justice", "Assess accountability options.", 40)
    services.minutes_save(
        actor=c.staff,
        meeting=first,
        text="## Ethiopia\n\nModerate concern; a prevention plan is tasked.",
        marking=Marking.U,
    )
    services.meeting_transition(actor=c.chair, meeting=first, action="approve_minutes")
    services.meeting_transition(actor=c.chair, meeting=first, action="close")

    # between meetings the owner agencies report
    services.action_item_update(
        actor=c.principal["state"],
        item=demarche,
        status="done",
        implementation_notes="Delivered in the capital.",
        impact="Convoys admitted to two districts.",
    )
    services.action_item_update(
        actor=c.alternate["usaid"],
        item=networks,
        status="in_progress",
        implementation_notes="Two grants signed.",
    )
    services.action_item_update(
        actor=c.principal["justice"],
        item=options,
        status="dropped",
        implementation_notes="Superseded by the UN inquiry.",
    )

    # the next regular meeting, prepared by the scheduler
    (second,) = services.meetings_schedule()
    assert second.starts_at > now and previous_meeting(second) == first
    entries = second.agenda_items.get(key="actions").entries
    got = {
        e["action_item"]: (e["status_label"], e["implementation_notes"], e["impact"])
        for e in entries
    }
    assert got == {
        demarche.pk: ("Done", "Delivered in the capital.", "Convoys admitted to two districts."),
        networks.pk: ("In progress", "Two grants signed.", ""),
        contacts.pk: ("Open", "", ""),
        options.pk: ("Dropped", "Superseded by the UN inquiry.", ""),
    }
    assert stale.pk not in got
    assert {e["owner_agency"] for e in entries} == {"State", "USAID", "Defense", "Justice"}
    # the country moved at the first meeting is on the second's risk section, with its change
    risk = second.agenda_items.get(key="risk:ETH")
    assert risk.section == AgendaItem.Section.RISK
    assert [e["type"] for e in risk.entries] == ["tier_change"]
    assert "Reports of mass killings" in risk.entries[0]["text"]
    # the watchlist shows the change linked to the meeting that decided it, and what followed
    (change,) = selectors.history_for(c.principal["state"], eth)
    assert change.meeting == first and moved.tier_change == change
    assert PlanTask.objects.filter(country=eth, opened_by_change=change).exists()
    # members read the next agenda once the co-chairs lock it
    services.meeting_transition(actor=c.chair, meeting=second, action="lock_agenda")
    assert can(c.principal["treasury"], "view", second.agenda_items.get(key="actions"))
