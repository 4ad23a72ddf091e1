"""The meeting pages (issue 5, "Pages"): the meetings list, the meeting page (status, agenda and
its editor, attendance and quorum, minutes and addenda, decisions, action items), the
action-item tracker, one action item with its update and reassignment, the membership.

Source: seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and Process"
(recommendation 4-1): the APC meets every other month and as needed, co-chaired, with the member
agencies at assistant-secretary level; it discusses the latest risk assessment and warning
analysis and reviews implementation of previously agreed actions and their impacts.

Each page renders for the roles allowed; each form's happy path changes state through the
services and bad input answers 400 with the message and changes nothing; what the meeting's
state no longer allows answers 409; members never see a draft agenda, nobody sees an entry above
their clearance or a protected filer; minutes are sanitised; reads are audited.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from apc.core import roles
from apc.meetings import services
from apc.meetings.dates import committee_today
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
from apc.models import Agency, AuditEvent
from tests.factories import MeetingFactory, UserFactory, country, ensure_reference_data
from watchlist import alerts
from watchlist.models import Country, TierChange

pytestmark = pytest.mark.django_db

A = roles
LIST_URL = reverse("meeting-list")
TRACKER_URL = reverse("action-item-list")
MEMBERSHIP_URL = reverse("membership-list")


@pytest.fixture(autouse=True)
def _reference_data():
    ensure_reference_data()


def agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


@pytest.fixture
def chair():
    return UserFactory(role=A.CO_CHAIR, agency=agency("nsc"), first_name="Cora", last_name="Chair")


@pytest.fixture
def secretariat():
    return UserFactory(role=A.DIRECTORATE, agency=agency("nsc"))


@pytest.fixture
def member():
    return UserFactory(role=A.MEMBER, agency=agency("state"), clearance="S")


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def text(response) -> str:
    return unescape(response.content.decode())


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def login(client, user):
    client.force_login(user)
    return client


def item(meeting: Meeting, title: str = "Other business", **kwargs) -> AgendaItem:
    kwargs.setdefault("section", AgendaItem.Section.OTHER)
    kwargs.setdefault("position", meeting.agenda_items.count() + 1)
    return AgendaItem.objects.create(meeting=meeting, title=title, **kwargs)


def action(meeting: Meeting | None = None, **kwargs) -> ActionItem:
    kwargs.setdefault("owner_agency", agency("state"))
    kwargs.setdefault("due", timezone.localdate() + timedelta(days=30))
    kwargs.setdefault("text", "Brief the embassy on the early-warning indicators.")
    return ActionItem.objects.create(meeting=meeting or MeetingFactory(status="held"), **kwargs)


def with_attendance(meeting: Meeting, *codes: str) -> list[Attendance]:
    return [
        Attendance.objects.create(meeting=meeting, agency=agency(code))
        for code in codes or ("state", "defense", "treasury")
    ]


# --- The meetings list ----------------------------------------------------------------------


@pytest.mark.parametrize("role", [A.CO_CHAIR, A.DIRECTORATE, A.MEMBER, A.DEPUTIES])
def test_list_renders_for_the_committee_and_deputies(client, role):
    login(client, UserFactory(role=role))
    coming = MeetingFactory(level="deputies")
    gone = MeetingFactory(
        starts_at=datetime(2020, 3, 11, 15, tzinfo=UTC),
        ends_at=datetime(2020, 3, 11, 17, tzinfo=UTC),
        level="deputies",
        status="closed",
    )
    response = client.get(LIST_URL)
    assert response.status_code == 200
    page = text(response)
    upcoming = page.split('data-testid="upcoming-meetings"')[1].split("</table>")[0]
    past = page.split('data-testid="past-meetings"')[1].split("</table>")[0]
    assert f"meeting-{coming.pk}" in upcoming and f"meeting-{gone.pk}" in past
    assert url("emergency-list") in page
    assert (url("calendar-settings") in page) is True
    assert (TRACKER_URL in page) is (role != A.DEPUTIES)
    assert (MEMBERSHIP_URL in page) is (role != A.DEPUTIES)


@pytest.mark.parametrize("role", [A.ANALYST, A.RED_TEAM, A.PRINCIPALS, A.AUDITOR, A.API_CLIENT])
def test_list_is_refused_outside_the_committee(client, role):
    login(client, UserFactory(role=role))
    assert client.get(LIST_URL).status_code == 403


def test_list_shows_times_in_the_meeting_timezone_and_filters(client, chair):
    login(client, chair)
    apc = MeetingFactory(starts_at=datetime(2100, 6, 10, 14, tzinfo=UTC))
    deputies = MeetingFactory(level="deputies", kind="emergency", slot=None)
    page = text(client.get(LIST_URL))
    assert "10:00 EDT" in page  # 14:00 UTC in America/New_York (summer)
    filtered = text(client.get(LIST_URL, {"level": "deputies"}))
    assert f"meeting-{deputies.pk}" in filtered and f"meeting-{apc.pk}" not in filtered
    assert f"meeting-{apc.pk}" in text(client.get(LIST_URL, {"kind": "regular"}))


@override_settings(APC_PAGE_SIZE=2)
def test_past_meetings_are_paginated(client, chair):
    login(client, chair)
    for day in (1, 2, 3):
        start = datetime(2020, 1, day, 15, tzinfo=UTC)
        MeetingFactory(starts_at=start, ends_at=start + timedelta(hours=2), status="closed")
    first = text(client.get(LIST_URL))
    assert "Page 1 of 2" in first
    second = text(client.get(LIST_URL, {"page": 2}))
    assert second.count('data-testid="meeting-') == 1


def test_deputies_see_only_meetings_at_their_level(client):
    login(client, UserFactory(role=A.DEPUTIES))
    apc, deputies = MeetingFactory(), MeetingFactory(level="deputies")
    page = text(client.get(LIST_URL))
    assert f"meeting-{deputies.pk}" in page and f"meeting-{apc.pk}" not in page
    assert client.get(url("meeting-detail", apc.pk)).status_code == 404
    assert client.get(url("meeting-detail", deputies.pk)).status_code == 200


# --- The meeting page -----------------------------------------------------------------------

SECTIONS = ["Agenda", "Attendance", "Minutes", "Decisions", "Action items"]
BUTTONS = {
    "scheduled": ["Lock the agenda", "Cancel the meeting"],
    "agenda_locked": ["Reopen the agenda", "Open the meeting", "Cancel the meeting"],
    "held": ["Approve the minutes"],
    "minutes_approved": ["Close the meeting"],
    "closed": [],
    "cancelled": [],
}


@pytest.mark.parametrize("status", list(BUTTONS))
def test_meeting_page_has_its_sections_and_the_co_chairs_buttons(client, chair, status):
    meeting = MeetingFactory(status=status)
    login(client, chair)
    response = client.get(url("meeting-detail", meeting.pk))
    assert response.status_code == 200
    page = text(response)
    assert re.search(r"<h1>\s*APC regular meeting\s*</h1>", page)
    for heading in SECTIONS:
        assert re.search(rf"<h2 id=\"[a-z-]+\">{heading}</h2>", page), heading
    buttons = re.findall(r'name="action" value="[a-z_]+">\s*<button[^>]*>([^<]+)</button>', page)
    assert buttons == BUTTONS[status]
    assert url("meeting-ics", meeting.pk) in page and url("meeting-packet", meeting.pk) in page


@pytest.mark.parametrize("role", [A.DIRECTORATE, A.MEMBER])
def test_only_co_chairs_get_transition_buttons(client, role):
    meeting = MeetingFactory(status="agenda_locked")
    login(client, UserFactory(role=role))
    page = text(client.get(url("meeting-detail", meeting.pk)))
    assert 'name="action"' not in page


def test_meeting_time_is_shown_in_the_meeting_timezone(client, chair):
    meeting = MeetingFactory(starts_at=datetime(2100, 1, 13, 15, tzinfo=UTC))
    login(client, chair)
    page = text(client.get(url("meeting-detail", meeting.pk)))
    assert "Wednesday 13 January 2100, 10:00 EST" in page


def test_emergency_meeting_links_its_request(client, chair):
    from apc import services as apc_services

    req = apc_services.emergency_request_create(
        actor=UserFactory(role=A.MEMBER), countries=["SDN"], reasons="Killings.", level="deputies"
    )
    answered = apc_services.emergency_request_answer(
        actor=chair,
        request=req,
        action="convene",
        note="",
        meeting_at=timezone.now() + timedelta(days=1),
        level="deputies",
    )
    meeting = answered.meeting
    login(client, chair)
    page = text(client.get(url("meeting-detail", meeting.pk)))
    assert "Deputies Committee emergency meeting" in page
    assert url("emergency-detail", req.pk) in page
    assert "Sudan" in page


def test_the_meeting_page_read_is_audited_with_the_highest_marking_shown(client, chair):
    meeting = MeetingFactory(status="agenda_locked")
    item(meeting, "Secret item", marking="C", entries=[{"marking": "S", "text": "deep"}])
    login(client, chair)
    response = client.get(url("meeting-detail", meeting.pk))
    event = AuditEvent.objects.get(action="meeting.view", object_id=str(meeting.pk))
    assert event.actor == chair and event.marking == "S"
    assert 'data-testid="banner-top">SECRET' in response.content.decode()


def test_a_hidden_meeting_is_404_and_the_attempt_audited(client):
    meeting = MeetingFactory(level="apc")
    user = UserFactory(role=A.DEPUTIES)
    login(client, user)
    assert client.get(url("meeting-detail", meeting.pk)).status_code == 404
    assert AuditEvent.objects.filter(actor=user, outcome="denied").exists()


# --- Transitions ----------------------------------------------------------------------------


def transition(client, meeting, action_name):
    return client.post(url("meeting-transition", meeting.pk), {"action": action_name})


def test_a_co_chair_locks_the_agenda(client, chair):
    meeting = MeetingFactory()
    login(client, chair)
    response = transition(client, meeting, "lock_agenda")
    assert response.status_code == 302 and response.url == url("meeting-detail", meeting.pk)
    meeting.refresh_from_db()
    assert meeting.status == "agenda_locked" and meeting.agenda_locked_by == chair
    assert "The agenda is locked" in flash(response)[0]


def test_a_transition_the_state_does_not_allow_is_409(client, chair):
    meeting = MeetingFactory()
    login(client, chair)
    response = transition(client, meeting, "approve_minutes")
    assert response.status_code == 409
    assert "not possible" in text(response)
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


def test_approving_without_minutes_is_400_and_changes_nothing(client, chair):
    meeting = MeetingFactory(status="held")
    login(client, chair)
    response = transition(client, meeting, "approve_minutes")
    assert response.status_code == 400
    assert "Write the minutes before approving them." in text(response)
    meeting.refresh_from_db()
    assert meeting.status == "held"


def test_no_action_is_400(client, chair):
    login(client, chair)
    assert transition(client, MeetingFactory(), "").status_code == 400


@pytest.mark.parametrize("role", [A.DIRECTORATE, A.MEMBER])
def test_others_may_not_move_the_meeting(client, role):
    meeting = MeetingFactory()
    login(client, UserFactory(role=role))
    assert transition(client, meeting, "lock_agenda").status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


# --- The agenda and its editor --------------------------------------------------------------


@pytest.mark.parametrize("role", [A.DIRECTORATE, A.CO_CHAIR])
def test_the_secretariat_edits_a_draft_agenda(client, role):
    meeting = MeetingFactory()
    item(meeting, "Sudan: high and rising")
    login(client, UserFactory(role=role))
    page = text(client.get(url("meeting-detail", meeting.pk)))
    for label in ("Regenerate the agenda", "Add item", "Remove", "Edit presenter and time"):
        assert label in page


@pytest.mark.parametrize("status", ["agenda_locked", "held"])
def test_no_editor_once_the_agenda_is_locked(client, secretariat, status):
    meeting = MeetingFactory(status=status)
    item(meeting, "Sudan: high and rising")
    login(client, secretariat)
    page = text(client.get(url("meeting-detail", meeting.pk)))
    assert "Sudan: high and rising" in page
    assert "Regenerate the agenda" not in page and "Add item" not in page


def test_members_see_the_agenda_only_once_locked(client, member):
    meeting = MeetingFactory()
    item(meeting, "Sudan: high and rising")
    login(client, member)
    page = text(client.get(url("meeting-detail", meeting.pk)))
    assert "Sudan: high and rising" not in page
    assert "members see it once the co-chairs lock it" in page
    assert "Regenerate the agenda" not in page and "Add item" not in page
    Meeting.objects.filter(pk=meeting.pk).update(status="agenda_locked")
    page = text(client.get(url("meeting-detail", meeting.pk)))
    assert "Sudan: high and rising" in page and "Regenerate the agenda" not in page


def test_entries_above_the_readers_clearance_are_not_in_the_page(client):
    meeting = MeetingFactory(status="agenda_locked")
    item(
        meeting,
        "Sudan: high and rising",
        entries=[
            {"type": "warning", "marking": "U", "text": "Open entry about El Geneina"},
            {"type": "warning", "marking": "S", "text": "Zanzibar intercept"},
        ],
        flags=["Listed but not scored in the latest risk vintage (2025)."],
    )
    item(meeting, "Quillstone briefing", marking="C")
    reader = UserFactory(role=A.MEMBER, clearance="CUI")
    login(client, reader)
    response = client.get(url("meeting-detail", meeting.pk))
    page = text(response)
    assert "Open entry about El Geneina" in page and "Listed but not scored" in page
    assert "Zanzibar" not in page and "Quillstone" not in page
    assert 'data-testid="banner-top">UNCLASSIFIED' in response.content.decode()


def test_a_protected_filer_never_appears_on_the_meeting_page(client, chair):
    filer = UserFactory(
        role=A.ANALYST,
        username="zq.whistle",
        first_name="Zebulon",
        last_name="Quillfeather",
        agency=agency("justice"),
    )
    warning = alerts.warning_file(
        actor=filer,
        country=country("SDN"),
        severity="elevated",
        title="Militia mobilising in West Darfur",
        narrative="Armed groups recruit along ethnic lines.",
        identity_protected=True,
    )
    Country.objects.filter(pk="SDN").update(tier="high_rising")
    meeting = MeetingFactory(starts_at=timezone.now() + timedelta(days=10))
    meeting.ends_at = meeting.starts_at + timedelta(hours=2)
    meeting.save()
    services.agenda_regenerate(actor=chair, meeting=meeting)
    login(client, chair)
    page = text(client.get(url("meeting-detail", meeting.pk)))
    assert f"warning #{warning.pk}" in page
    for secret in ("zq.whistle", "Zebulon", "Quillfeather"):
        assert secret not in page, secret
    agenda = " ".join(re.findall(r'data-testid="agenda-section-\d">(.*?)</ol>', page, re.S))
    assert "Militia mobilising" in agenda and "Justice" not in agenda


def test_regenerate_builds_the_agenda(client, secretariat):
    meeting = MeetingFactory()
    login(client, secretariat)
    response = client.post(url("meeting-agenda-regenerate", meeting.pk))
    assert response.status_code == 302 and response.url.endswith("#agenda")
    assert meeting.agenda_items.filter(key="other").exists()
    page = text(client.get(url("meeting-detail", meeting.pk)))
    assert "5. Other business" in page


def test_regenerate_refused_once_locked(client, secretariat):
    meeting = MeetingFactory(status="agenda_locked")
    login(client, secretariat)
    response = client.post(url("meeting-agenda-regenerate", meeting.pk))
    assert response.status_code == 409
    assert "The agenda is locked" in text(response)


def test_add_an_agenda_item(client, secretariat):
    meeting = MeetingFactory()
    login(client, secretariat)
    response = client.post(
        url("meeting-agenda-add", meeting.pk),
        {
            "agenda-title": "Briefing by USAID on famine",
            "agenda-notes": "Ten minutes.",
            "agenda-section": "5",
            "agenda-presenter_agency": agency("usaid").pk,
            "agenda-minutes_allocated": "10",
            "agenda-marking": "CUI",
        },
    )
    assert response.status_code == 302
    added = meeting.agenda_items.get(title="Briefing by USAID on famine")
    assert (added.presenter_agency.code, added.minutes_allocated, added.marking) == (
        "usaid",
        10,
        "CUI",
    )
    page = text(client.get(url("meeting-detail", meeting.pk)))
    assert "Briefing by USAID on famine" in page and "Total time allocated: 10 minutes" in page


def test_adding_an_item_with_bad_input_is_400_and_adds_nothing(client, secretariat):
    meeting = MeetingFactory()
    login(client, secretariat)
    response = client.post(
        url("meeting-agenda-add", meeting.pk),
        {"agenda-title": "", "agenda-section": "5", "agenda-marking": "U"},
    )
    assert response.status_code == 400
    assert "This field is required." in text(response)
    assert not meeting.agenda_items.exists()


def test_edit_presenter_and_time(client, secretariat):
    meeting = MeetingFactory()
    generated = item(meeting, "Sudan: high and rising", key="risk:SDN")
    login(client, secretariat)
    form = client.get(url("agenda-item-edit", generated.pk))
    assert form.status_code == 200
    assert "Presenter agency" in text(form) and "Item title" not in text(form)
    response = client.post(
        url("agenda-item-edit", generated.pk),
        {"presenter_agency": agency("state").pk, "minutes_allocated": "15"},
    )
    assert response.status_code == 302
    generated.refresh_from_db()
    assert generated.presenter_agency.code == "state" and generated.minutes_allocated == 15


def test_edit_with_bad_time_is_400_and_changes_nothing(client, secretariat):
    meeting = MeetingFactory()
    own = item(meeting, "Hand-added")
    login(client, secretariat)
    response = client.post(
        url("agenda-item-edit", own.pk), {"title": "Renamed", "minutes_allocated": "0"}
    )
    assert response.status_code == 400
    assert "greater than or equal to 1" in text(response)
    own.refresh_from_db()
    assert own.title == "Hand-added" and own.minutes_allocated is None


def test_edit_refused_once_locked(client, secretariat):
    meeting = MeetingFactory(status="agenda_locked")
    own = item(meeting)
    login(client, secretariat)
    assert client.get(url("agenda-item-edit", own.pk)).status_code == 409


def test_move_and_remove(client, secretariat):
    meeting = MeetingFactory()
    first, second = item(meeting, "First"), item(meeting, "Second")
    login(client, secretariat)
    response = client.post(url("agenda-item-move", second.pk), {"direction": "up"})
    assert response.status_code == 302
    order = list(meeting.agenda_items.order_by("position").values_list("title", flat=True))
    assert order == ["Second", "First"]
    assert (
        client.post(url("agenda-item-move", second.pk), {"direction": "sideways"}).status_code
        == 400
    )
    assert client.post(url("agenda-item-remove", first.pk)).status_code == 302
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Second"]


def test_members_may_not_edit_a_locked_agenda(client, member):
    meeting = MeetingFactory(status="agenda_locked")
    own = item(meeting)
    login(client, member)
    assert client.post(url("agenda-item-remove", own.pk)).status_code == 403
    assert client.post(url("meeting-agenda-regenerate", meeting.pk)).status_code == 403
    assert AgendaItem.objects.filter(pk=own.pk).exists()


# --- Attendance -----------------------------------------------------------------------------


def test_record_attendance_and_quorum(client, secretariat, chair):
    meeting = MeetingFactory(status="held")
    rows = with_attendance(meeting, "state", "defense", "treasury")
    state_member = UserFactory(role=A.MEMBER, agency=agency("state"), first_name="Sam")
    UserFactory(role=A.MEMBER, agency=agency("defense"), first_name="Dana")
    login(client, secretariat)
    page = text(client.get(url("meeting-detail", meeting.pk)))
    assert "No quorum: decisions are flagged" in page
    assert "Record attendance" in page and "Attendee for State" in page
    state_select = page.split(f'id="id_attendance-attendee_{rows[0].agency_id}"')[1]
    state_select = state_select.split("</select>")[0]
    assert "Sam" in state_select and "Dana" not in state_select
    response = client.post(
        url("meeting-attendance", meeting.pk),
        {
            f"attendance-status_{agency('state').pk}": "principal",
            f"attendance-attendee_{agency('state').pk}": state_member.pk,
            f"attendance-status_{agency('defense').pk}": "alternate",
            f"attendance-status_{agency('treasury').pk}": "absent",
            "attendance-co_chairs_present": [chair.pk],
        },
    )
    assert response.status_code == 302
    assert "Quorum" in flash(response)[0]
    statuses = dict(meeting.attendance.values_list("agency__code", "status"))
    assert statuses == {"state": "principal", "defense": "alternate", "treasury": "absent"}
    assert list(meeting.co_chairs_present.all()) == [chair]
    page = text(client.get(url("meeting-detail", meeting.pk)))
    assert "No quorum" not in page and "2 of 3 member agencies represented" in page


def test_attendance_with_an_attendee_of_another_agency_is_400(client, secretariat):
    meeting = MeetingFactory(status="held")
    with_attendance(meeting, "state")
    other = UserFactory(role=A.MEMBER, agency=agency("defense"))
    login(client, secretariat)
    response = client.post(
        url("meeting-attendance", meeting.pk),
        {
            f"attendance-status_{agency('state').pk}": "principal",
            f"attendance-attendee_{agency('state').pk}": other.pk,
        },
    )
    assert response.status_code == 400
    assert "Select a valid choice" in text(response)
    assert meeting.attendance.get().status == "absent"


def test_attendance_outside_a_held_meeting_is_409(client, secretariat):
    meeting = MeetingFactory(status="agenda_locked")
    login(client, secretariat)
    assert client.post(url("meeting-attendance", meeting.pk)).status_code == 409


# --- Minutes and addenda --------------------------------------------------------------------


def test_minutes_are_saved_and_rendered_sanitised(client, secretariat):
    meeting = MeetingFactory(status="held")
    login(client, secretariat)
    response = client.post(
        url("meeting-minutes", meeting.pk),
        {
            "minutes-minutes": "## Sudan\n\n**Agreed** to brief.<script>alert('x')</script>"
            '<img src=x onerror="alert(1)">',
            "minutes-minutes_marking": "CUI",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_marking == "CUI"
    response = client.get(url("meeting-detail", meeting.pk))
    raw = response.content.decode()
    shown = raw.split('data-testid="minutes-text">')[1].split("</div>")[0]
    assert "<h2>Sudan</h2>" in shown and "<strong>Agreed</strong>" in shown
    assert "<script" not in shown and "onerror" not in shown and "<img" not in shown
    assert 'data-testid="banner-top">CUI' in raw


def test_minutes_above_the_authors_clearance_are_400(client):
    meeting = MeetingFactory(status="held")
    author = UserFactory(role=A.DIRECTORATE, clearance="C")
    login(client, author)
    response = client.post(
        url("meeting-minutes", meeting.pk),
        {"minutes-minutes": "Draft", "minutes-minutes_marking": "S"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in text(response)
    meeting.refresh_from_db()
    assert meeting.minutes == ""


def test_frozen_minutes_take_addenda_only(client, secretariat):
    meeting = MeetingFactory(status="minutes_approved", minutes="Agreed to brief.")
    login(client, secretariat)
    page = text(client.get(url("meeting-detail", meeting.pk)))
    assert "are frozen: a correction is an addendum" in page
    assert "Save minutes" not in page and "Add addendum" in page
    response = client.post(
        url("meeting-minutes", meeting.pk),
        {"minutes-minutes": "Rewritten", "minutes-minutes_marking": "U"},
    )
    assert response.status_code == 409
    assert (
        client.post(url("meeting-addendum", meeting.pk), {"addendum-text": ""}).status_code == 400
    )
    assert not MinutesAddendum.objects.exists()
    response = client.post(
        url("meeting-addendum", meeting.pk),
        {
            "addendum-text": "Treasury, not Justice, takes the sanctions action.",
            "addendum-marking": "U",
        },
    )
    assert response.status_code == 302
    page = text(client.get(url("meeting-detail", meeting.pk)))
    assert "Treasury, not Justice, takes the sanctions action." in page
    meeting.refresh_from_db()
    assert meeting.minutes == "Agreed to brief."


def test_addendum_before_approval_is_409(client, secretariat):
    meeting = MeetingFactory(status="held")
    login(client, secretariat)
    assert client.post(url("meeting-addendum", meeting.pk)).status_code == 409


def test_minutes_above_the_readers_clearance_are_withheld(client):
    meeting = MeetingFactory(status="held", minutes="Quillstone plan", minutes_marking="S")
    login(client, UserFactory(role=A.MEMBER, clearance="C"))
    page = text(client.get(url("meeting-detail", meeting.pk)))
    assert "Quillstone" not in page and "marked above your clearance" in page


# --- Decisions ------------------------------------------------------------------------------


def test_a_tier_change_decision_moves_the_country_with_the_meeting_linked(client, chair):
    meeting = MeetingFactory(status="held")
    login(client, chair)
    page = text(client.get(url("meeting-detail", meeting.pk)))
    assert "Record decision" in page and "No quorum: this decision will be flagged." in page
    response = client.post(
        url("meeting-decision", meeting.pk),
        {
            "decision-kind": "tier_change",
            "decision-text": "Mass killings in El Fasher: raise Sudan.",
            "decision-country": "SDN",
            "decision-to_tier": "high_rising",
            "decision-marking": "U",
        },
    )
    assert response.status_code == 302
    assert "without quorum" in flash(response)[0]
    decision = Decision.objects.get(meeting=meeting)
    assert decision.without_quorum and decision.tier_change.meeting == meeting
    assert Country.objects.get(pk="SDN").tier == "high_rising"
    page = text(client.get(url("meeting-detail", meeting.pk)))
    assert "Not listed → High and rising" in page and "Without quorum" in page


def test_a_decision_with_bad_input_is_400_and_changes_nothing(client, chair):
    meeting = MeetingFactory(status="held")
    login(client, chair)
    response = client.post(
        url("meeting-decision", meeting.pk),
        {
            "decision-kind": "tier_change",
            "decision-text": "Raise it.",
            "decision-to_tier": "moderate",
            "decision-marking": "U",
        },
    )
    assert response.status_code == 400
    assert "A tier-change decision names its country." in text(response)
    assert not Decision.objects.exists() and not TierChange.objects.exists()


def test_a_decision_naming_an_unknown_warning_is_400(client, chair):
    meeting = MeetingFactory(status="held")
    login(client, chair)
    response = client.post(
        url("meeting-decision", meeting.pk),
        {
            "decision-kind": "other",
            "decision-text": "Noted.",
            "decision-warning": "987654",
            "decision-marking": "U",
        },
    )
    assert response.status_code == 400
    assert "No warning with this number that you may see." in text(response)


@pytest.mark.parametrize("status", ["scheduled", "agenda_locked", "minutes_approved", "closed"])
def test_decisions_are_refused_outside_held(client, chair, status):
    meeting = MeetingFactory(status=status)
    login(client, chair)
    page = text(client.get(url("meeting-detail", meeting.pk)))
    assert "Record decision" not in page
    response = client.post(
        url("meeting-decision", meeting.pk),
        {"decision-kind": "other", "decision-text": "Noted.", "decision-marking": "U"},
    )
    assert response.status_code == 409
    assert not Decision.objects.exists()


def test_only_co_chairs_record_decisions(client, secretariat):
    meeting = MeetingFactory(status="held")
    login(client, secretariat)
    assert "Record decision" not in text(client.get(url("meeting-detail", meeting.pk)))
    assert client.post(url("meeting-decision", meeting.pk)).status_code == 403


# --- Action items ---------------------------------------------------------------------------


def test_add_an_action_item(client, secretariat):
    meeting = MeetingFactory(status="held")
    assignee = UserFactory(role=A.MEMBER, agency=agency("treasury"), first_name="Tess")
    login(client, secretariat)
    response = client.post(
        url("meeting-action-item-new", meeting.pk),
        {
            "action-text": "Prepare targeted sanctions options.",
            "action-owner_agency": agency("treasury").pk,
            "action-assignee": assignee.pk,
            "action-due": "2100-03-01",
            "action-country": "SDN",
            "action-marking": "CUI",
        },
    )
    assert response.status_code == 302
    created = ActionItem.objects.get(meeting=meeting)
    assert (created.owner_agency.code, created.assignee, created.country_id, created.marking) == (
        "treasury",
        assignee,
        "SDN",
        "CUI",
    )
    page = text(client.get(url("meeting-detail", meeting.pk)))
    assert "Prepare targeted sanctions options." in page


def test_an_action_item_for_someone_of_another_agency_is_400(client, secretariat):
    meeting = MeetingFactory(status="held")
    outsider = UserFactory(role=A.MEMBER, agency=agency("state"))
    login(client, secretariat)
    response = client.post(
        url("meeting-action-item-new", meeting.pk),
        {
            "action-text": "Prepare options.",
            "action-owner_agency": agency("treasury").pk,
            "action-assignee": outsider.pk,
            "action-due": "2100-03-01",
            "action-marking": "U",
        },
    )
    assert response.status_code == 400
    assert "The assignee must belong to Treasury." in text(response)
    assert not ActionItem.objects.exists()


def test_action_items_outside_held_are_409(client, secretariat):
    meeting = MeetingFactory(status="closed")
    login(client, secretariat)
    assert client.post(url("meeting-action-item-new", meeting.pk)).status_code == 409


# --- The tracker ----------------------------------------------------------------------------


def test_the_tracker_filters_and_marks_overdue_items(client, member):
    late = action(text="Late action", due=timezone.localdate() - timedelta(days=3))
    fine = action(text="Fine action", owner_agency=agency("defense"))
    done = action(text="Done action", due=date(2000, 1, 1), status="done")
    login(client, member)
    page = text(client.get(TRACKER_URL))
    assert all(a.text in page for a in (late, fine, done))
    row = page.split(f'data-testid="action-item-{late.pk}"')[1].split("</tr>")[0]
    assert "Overdue" in row
    row = page.split(f'data-testid="action-item-{done.pk}"')[1].split("</tr>")[0]
    assert "Overdue" not in row
    only_late = text(client.get(TRACKER_URL, {"overdue": "true"}))
    assert "Late action" in only_late and "Fine action" not in only_late
    defense = text(client.get(TRACKER_URL, {"agency": "defense"}))
    assert "Fine action" in defense and "Late action" not in defense
    by_status = text(client.get(TRACKER_URL, {"status": ["done"]}))
    assert "Done action" in by_status and "Fine action" not in by_status
    ranged = text(client.get(TRACKER_URL, {"due_before": "2001-01-01"}))
    assert "Done action" in ranged and "Late action" not in ranged


@pytest.mark.parametrize("role", [A.DEPUTIES, A.ANALYST])
def test_the_tracker_is_for_the_committee(client, role):
    login(client, UserFactory(role=role))
    assert client.get(TRACKER_URL).status_code == 403


# --- One action item ------------------------------------------------------------------------


def test_the_owner_agency_updates_its_action(client, member):
    item_ = action()
    login(client, member)
    page = text(client.get(url("action-item-detail", item_.pk)))
    assert "Save update" in page and "Reassign" not in page
    assert AuditEvent.objects.filter(action="action_item.view", object_id=str(item_.pk)).exists()
    response = client.post(
        url("action-item-detail", item_.pk),
        {
            "status": "in_progress",
            "implementation_notes": "Embassy briefed on 3 March.",
            "impact": "Local officials engaged.",
            "note": "First report.",
        },
    )
    assert response.status_code == 302 and "Update saved." in flash(response)
    item_.refresh_from_db()
    assert item_.status == "in_progress" and item_.impact == "Local officials engaged."
    page = text(client.get(url("action-item-detail", item_.pk)))
    assert "Status: Open → In progress" in page and "First report." in page


def test_a_bad_update_is_400_and_changes_nothing(client, member):
    item_ = action()
    login(client, member)
    response = client.post(url("action-item-detail", item_.pk), {"status": "finished"})
    assert response.status_code == 400
    assert "Select a valid choice" in text(response)
    item_.refresh_from_db()
    assert item_.status == "open" and not ActionItemUpdate.objects.exists()


def test_another_agency_may_not_update(client):
    item_ = action(owner_agency=agency("defense"))
    login(client, UserFactory(role=A.MEMBER, agency=agency("state")))
    page = text(client.get(url("action-item-detail", item_.pk)))
    assert "Save update" not in page
    assert client.post(url("action-item-detail", item_.pk), {"status": "done"}).status_code == 403
    item_.refresh_from_db()
    assert item_.status == "open"


def test_a_co_chair_reassigns(client, chair):
    item_ = action()
    assignee = UserFactory(role=A.MEMBER, agency=agency("defense"))
    login(client, chair)
    assert url("action-item-reassign", item_.pk) in text(
        client.get(url("action-item-detail", item_.pk))
    )
    form = client.get(url("action-item-reassign", item_.pk))
    assert form.status_code == 200 and "Reassign" in text(form)
    bad = client.post(
        url("action-item-reassign", item_.pk),
        {"owner_agency": agency("treasury").pk, "assignee": assignee.pk, "due": "2100-05-01"},
    )
    assert bad.status_code == 400 and "The assignee must belong to Treasury." in text(bad)
    item_.refresh_from_db()
    assert item_.owner_agency.code == "state"
    response = client.post(
        url("action-item-reassign", item_.pk),
        {
            "owner_agency": agency("defense").pk,
            "assignee": assignee.pk,
            "due": "2100-05-01",
            "note": "Defense leads.",
        },
    )
    assert response.status_code == 302
    item_.refresh_from_db()
    assert (item_.owner_agency.code, item_.assignee, item_.due) == (
        "defense",
        assignee,
        date(2100, 5, 1),
    )
    page = text(client.get(url("action-item-detail", item_.pk)))
    assert "Owner agency: State → Defense" in page


def test_members_may_not_reassign(client, member):
    item_ = action()
    login(client, member)
    assert client.get(url("action-item-reassign", item_.pk)).status_code == 403


# --- Membership -----------------------------------------------------------------------------


def test_membership_page_and_seating(client, chair):
    principal = UserFactory(role=A.MEMBER, agency=agency("state"), first_name="Petra")
    services.membership_add(actor=chair, user=principal, seat="principal")
    services.membership_add(actor=chair, user=chair, seat="co_chair")
    newcomer = UserFactory(role=A.MEMBER, agency=agency("state"), first_name="Nora")
    login(client, chair)
    page = text(client.get(MEMBERSHIP_URL))
    assert "Petra" in page and "Cora Chair" in page and "Seat the member" in page
    bad = client.post(MEMBERSHIP_URL, {"user": newcomer.pk, "seat": ""})
    assert bad.status_code == 400 and "This field is required." in text(bad)
    response = client.post(
        MEMBERSHIP_URL, {"user": newcomer.pk, "seat": "principal", "note": "Confirmed."}
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=newcomer, ends_on__isnull=True).seat == "principal"
    assert Membership.objects.get(user=principal).ends_on == committee_today()
    page = text(client.get(MEMBERSHIP_URL))
    past = page.split('data-testid="past-seats"')[1]
    assert "Petra" in past


def test_seating_a_user_without_the_member_role_is_400(client, chair):
    analyst = UserFactory(role=A.ANALYST)
    login(client, chair)
    response = client.post(MEMBERSHIP_URL, {"user": analyst.pk, "seat": "principal"})
    assert response.status_code == 400
    assert not Membership.objects.exists()


def test_ending_a_seat(client, chair):
    seat = services.membership_add(
        actor=chair,
        user=UserFactory(role=A.MEMBER, agency=agency("defense")),
        seat="alternate",
        starts_on=date(2024, 1, 1),
    )
    login(client, chair)
    response = client.post(url("membership-end", seat.pk), {"ends_on": "2024-06-30"})
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.ends_on == date(2024, 6, 30) and seat.ended_by == chair
    again = client.post(url("membership-end", seat.pk))
    assert again.status_code == 409 and "already ended" in text(again)


def test_ending_a_seat_before_it_started_is_400(client, chair):
    seat = services.membership_add(
        actor=chair,
        user=UserFactory(role=A.MEMBER, agency=agency("defense")),
        seat="alternate",
        starts_on=date(2024, 1, 1),
    )
    login(client, chair)
    response = client.post(url("membership-end", seat.pk), {"ends_on": "2023-06-30"})
    assert response.status_code == 400
    seat.refresh_from_db()
    assert seat.ends_on is None


def test_members_see_the_membership_but_do_not_manage_it(client, member):
    login(client, member)
    page = text(client.get(MEMBERSHIP_URL))
    assert "Seat the member" not in page
    assert client.post(MEMBERSHIP_URL, {}).status_code == 403


# --- Methods --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "meeting-transition",
        "meeting-agenda-regenerate",
        "meeting-agenda-add",
        "meeting-attendance",
        "meeting-minutes",
        "meeting-addendum",
        "meeting-decision",
        "meeting-action-item-new",
    ],
)
def test_post_only_endpoints_refuse_get(client, chair, name):
    login(client, chair)
    assert client.get(url(name, MeetingFactory().pk)).status_code == 405
