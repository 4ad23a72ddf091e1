"""What a review of the meetings found, each pinned by a test: a meeting's protection reaches
everything it produced; an agenda taken back takes its warnings back; a regular meeting looks
back to the last regular one; drafts stay current and remember what was removed; seats set for
later can be withdrawn; the committee's day is Washington's; the quorum flag follows the
attendance; one regular meeting per cycle month; draft minutes stay with their writers.

Source: seeds/000, "Crisis Response Structure and Process", recommendation 4-1.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from apc import services as apc_services
from apc.core.markings import Marking
from apc.core.permissions import can, visible
from apc.meetings import selectors, services
from apc.meetings.dates import committee_today
from apc.meetings.models import ActionItem, Decision, Meeting, Membership
from tests.factories import MeetingFactory, UserFactory, country, held_meeting
from tests.meetings.test_services import committee
from watchlist import alerts
from watchlist import services as watchlist_services
from watchlist.models import Country, Warning

pytestmark = pytest.mark.django_db


def _secret_meeting_with_products(c):
    meeting = MeetingFactory(kind="emergency", slot=None, status="held", marking=Marking.S)
    decision = Decision.objects.create(
        meeting=meeting, kind="other", text="Prepare options.", recorded_by=c.chair
    )
    item = ActionItem.objects.create(
        meeting=meeting,
        text="Draft options.",
        owner_agency=c.agency["usaid"],
        due=date(2100, 1, 1),
    )
    return meeting, decision, item


def test_what_a_meeting_produced_is_as_protected_as_the_meeting():
    c = committee()
    low = UserFactory(role="member", agency=c.agency["usaid"], clearance=Marking.U)
    meeting, decision, item = _secret_meeting_with_products(c)
    assert not visible(low, ActionItem.objects.filter(pk=item.pk)).exists()
    assert not visible(low, Decision.objects.filter(pk=decision.pk)).exists()
    assert not can(low, "view", item) and not can(low, "update", item)
    assert item not in selectors.action_items_for(low)
    high = c.principal["usaid"]  # cleared S by the factory
    assert item in selectors.action_items_for(high) and can(high, "update", item)


def test_a_tier_change_names_its_meeting_only_to_those_who_may_see_it(client):
    c = committee()
    meeting = held_meeting(marking=Marking.S)
    change = watchlist_services.tier_change(
        country=country("SDN"), to_tier="moderate", rationale="Decided.", actor=c.chair,
        meeting=meeting,
    )  # fmt: skip
    assert change.meeting == meeting
    low = UserFactory(role="member", clearance=Marking.CUI)
    client.force_login(low)
    page = client.get("/watchlist/SDN/").content.decode()
    assert f"/meetings/{meeting.pk}/" not in page
    history = client.get("/api/v1/watchlist/SDN/").json()["history"]
    assert history[0]["meeting"] is None
    client.force_login(c.chair)
    assert f"/meetings/{meeting.pk}/" in client.get("/watchlist/SDN/").content.decode()
    assert client.get("/api/v1/watchlist/SDN/").json()["history"][0]["meeting"] == meeting.pk


def test_an_emergency_meeting_is_protected_like_its_most_protected_country():
    c = committee()
    Country.objects.filter(pk="MMR").update(marking=Marking.C)
    request = apc_services.emergency_request_create(
        actor=c.principal["state"], countries=["MMR", "SDN"], reasons="Massacre reported."
    )
    apc_services.emergency_request_answer(
        actor=c.chair,
        request=request,
        action="convene",
        meeting_at=timezone.now() + timedelta(days=1),
    )
    meeting = Meeting.objects.get(emergency_request=request)
    assert request.marking == Marking.U and meeting.marking == Marking.C
    low = UserFactory(role="member", clearance=Marking.CUI)
    assert not can(low, "view", meeting)


@pytest.mark.parametrize("action", ["reopen_agenda", "cancel"])
def test_an_agenda_taken_back_takes_its_warnings_back(action):
    c = committee()
    country("SDN")
    warning = alerts.warning_file(
        actor=UserFactory(role="analyst"),
        country=Country.objects.get(pk="SDN"),
        severity="routine",
        title="Militia mobilising",
        narrative="Recruitment along ethnic lines.",
    )
    (meeting,) = services.meetings_schedule()
    earlier = MeetingFactory(status="closed")
    other = alerts.warning_file(
        actor=UserFactory(role="analyst"),
        country=Country.objects.get(pk="SDN"),
        severity="routine",
        title="Earlier warning",
        narrative="Already on an earlier agenda.",
    )
    Warning.objects.filter(pk=other.pk).update(agenda_meeting=earlier)
    services.meeting_transition(actor=c.chair, meeting=meeting, action="lock_agenda")
    member = c.principal["state"]
    warning.refresh_from_db()
    assert warning.agenda_meeting == meeting and can(member, "view", warning)
    services.meeting_transition(actor=c.chair, meeting=meeting, action=action)
    warning.refresh_from_db()
    other.refresh_from_db()
    assert warning.agenda_meeting is None and not can(member, "view", warning)
    assert other.agenda_meeting == earlier  # another meeting's agenda keeps what it carried


def test_a_regular_meeting_looks_back_to_the_last_regular_meeting_not_an_emergency_one():
    from apc.meetings.agenda import previous_meeting

    now = timezone.now()
    regular = MeetingFactory(
        status="closed", slot=(now - timedelta(days=60)).date(), starts_at=now - timedelta(days=60)
    )
    MeetingFactory(kind="emergency", slot=None, status="closed", starts_at=now - timedelta(days=5))
    nxt = MeetingFactory(slot=(now + timedelta(days=20)).date(), starts_at=now + timedelta(days=20))
    assert previous_meeting(nxt) == regular


def test_drafts_stay_current_and_remember_what_was_removed():
    c = committee()
    watchlist_services.tier_change(
        country=country("SDN"), to_tier="high_rising", rationale="Killings.", actor=c.chair
    )
    (meeting,) = services.meetings_schedule()
    other = meeting.agenda_items.get(key="other")
    services.agenda_item_remove(actor=c.staff, item=other)
    watchlist_services.tier_change(
        country=country("MMR"), to_tier="moderate", rationale="Rising.", actor=c.chair
    )
    assert services.meetings_schedule() == []  # creates nothing, refreshes the draft
    keys = set(meeting.agenda_items.values_list("key", flat=True))
    assert "risk:MMR" in keys and "other" not in keys
    services.agenda_regenerate(actor=c.staff, meeting=meeting)
    assert not meeting.agenda_items.filter(key="other").exists()
    watchlist_services.tier_change(
        country=country("COD"), to_tier="moderate", rationale="Rising.", actor=c.chair
    )
    services.meeting_transition(actor=c.chair, meeting=meeting, action="lock_agenda")
    assert meeting.agenda_items.filter(key="risk:COD").exists()  # locked as things stand


def test_a_seat_set_for_later_can_be_withdrawn_and_does_not_block_a_new_seat():
    c = committee(seated=False)
    today = committee_today()
    later = services.membership_add(
        actor=c.chair, user=c.principal["state"], seat="principal", starts_on=today + timedelta(30)
    )
    services.membership_end(actor=c.chair, membership=later)
    later.refresh_from_db()
    assert later.ends_on == later.starts_on and not later.held_on(today + timedelta(31))
    again = services.membership_add(
        actor=c.chair, user=c.alternate["state"], seat="principal", starts_on=today + timedelta(60)
    )
    now_seat = services.membership_add(
        actor=c.chair, user=c.alternate["state"], seat="alternate", starts_on=today
    )  # replaces the person's future seat: one open seat per person
    again.refresh_from_db()
    assert again.ends_on == again.starts_on and now_seat.ends_on is None
    assert Membership.objects.filter(user=c.alternate["state"], ends_on__isnull=True).count() == 1


def test_the_committees_day_is_washingtons():
    late_evening = datetime(2030, 1, 10, 3, 0, tzinfo=UTC)  # 22:00 on 9 January in Washington
    assert committee_today(late_evening) == date(2030, 1, 9)
    with override_settings(MEETING_TIMEZONE="UTC"):
        assert committee_today(late_evening) == date(2030, 1, 10)


def test_the_quorum_flag_follows_the_attendance_recorded_after_a_decision():
    c = committee()
    meeting = held_meeting()
    services._open_attendance(meeting)
    decision = services.decision_record(
        actor=c.chair, meeting=meeting, kind="other", text="Prepare options."
    )
    assert decision.without_quorum
    statuses = {c.agency[code].pk: ("principal", c.principal[code]) for code in c.principal}
    services.attendance_record(
        actor=c.staff, meeting=meeting, statuses=statuses, co_chairs_present=[c.chair]
    )
    decision.refresh_from_db()
    assert not decision.without_quorum


def test_one_regular_meeting_per_cycle_month_even_after_the_weekday_changes():
    now = datetime(2030, 2, 20, 12, 0, tzinfo=UTC)
    (march,) = services.meetings_schedule(now=now)
    assert march.slot == date(2030, 3, 13)  # second Wednesday
    with override_settings(MEETING_WEEKDAY=4):  # Fridays from now on
        assert services.meetings_schedule(now=now) == []
    assert Meeting.objects.filter(kind="regular", slot__month=3).count() == 1


def test_draft_minutes_stay_with_the_co_chairs_and_the_secretariat():
    c = committee()
    meeting = held_meeting()
    services.minutes_save(actor=c.staff, meeting=meeting, text="Draft.", marking="U")
    meeting.refresh_from_db()
    member = c.principal["state"]
    assert selectors.minutes_visible(c.chair, meeting)
    assert selectors.minutes_visible(c.staff, meeting)
    assert not selectors.minutes_visible(member, meeting)
    services.meeting_transition(actor=c.chair, meeting=meeting, action="approve_minutes")
    meeting.refresh_from_db()
    assert selectors.minutes_visible(member, meeting)


def test_reminders_already_sent_are_not_attempted_again(django_assert_max_num_queries):
    c = committee()
    meeting = held_meeting()
    for i in range(5):
        services.action_item_create(
            actor=c.staff,
            meeting=meeting,
            text=f"Action {i}",
            owner_agency=c.agency["usaid"],
            due=committee_today() - timedelta(days=1),
        )
    assert services.meetings_reminders() > 0
    with django_assert_max_num_queries(4):  # the meetings, the items, the sent keys
        assert services.meetings_reminders() == 0
