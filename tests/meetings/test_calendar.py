"""The iCalendar outputs of meetings: a user's secret feed, its settings page, one meeting's .ics.

Source: issue 5, "Outputs": "A per-user iCalendar feed (secret URL, revocable; events carry no
content above the lowest marking) and an `.ics` download per meeting"; "Tests that must exist":
"iCal feed parses with the `icalendar` package and leaks nothing above the lowest marking".
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from apc.core import roles
from apc.core.markings import Marking
from apc.meetings import services
from apc.meetings.models import AgendaItem, CalendarFeed, Meeting
from apc.models import AuditEvent
from tests.factories import MeetingFactory, UserFactory, country, ensure_reference_data
from tests.meetings.matrix_api import meeting_in
from tests.meetings.matrix_outputs import feed_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference():
    ensure_reference_data()


def feed(client, token):
    return client.get(reverse("calendar-feed", args=[token]))


def events(response):
    assert response.status_code == 200, response.content[:300]
    cal = Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def uid(meeting):
    return f"meeting-{meeting.pk}@apc"


def test_the_feed_parses_and_describes_each_meeting(client):
    meeting = meeting_in(7, location="Eisenhower Executive Office Building, Room 208")
    cancelled = meeting_in(21, status="cancelled")
    token = feed_token(UserFactory(role=roles.MEMBER))
    response = feed(client, token)  # no session: the token is the credential
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    found = events(response)
    assert set(found) == {uid(meeting), uid(cancelled)}
    event = found[uid(meeting)]
    assert str(event["SUMMARY"]) == "APC regular meeting"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert event.decoded("DTEND") == meeting.ends_at
    assert str(event["LOCATION"]) == "Eisenhower Executive Office Building, Room 208"
    assert str(event["URL"]) == f"http://testserver/meetings/{meeting.pk}/"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(found[uid(cancelled)]["STATUS"]) == "CANCELLED"
    assert "DTSTAMP" in event and "LAST-MODIFIED" in event


def test_the_sequence_grows_when_the_meeting_changes(client):
    meeting = meeting_in(7)
    token = feed_token()
    before = int(events(feed(client, token))[uid(meeting)]["SEQUENCE"])
    Meeting.objects.filter(pk=meeting.pk).update(
        status="cancelled", updated_at=timezone.now() + dt.timedelta(minutes=5)
    )
    event = events(feed(client, token))[uid(meeting)]
    assert int(event["SEQUENCE"]) > before and str(event["STATUS"]) == "CANCELLED"


def test_the_feed_holds_only_meetings_its_owner_may_see_from_a_year_back(client):
    apc_level = meeting_in(7)
    deputies = meeting_in(10, level="deputies")
    recent = meeting_in(-180, level="deputies", status="closed")
    old = meeting_in(-400, level="deputies", status="closed")
    secret = meeting_in(3, level="deputies", marking=Marking.S)
    user = UserFactory(role=roles.DEPUTIES, clearance=Marking.C)
    found = events(feed(client, feed_token(user)))
    assert set(found) == {uid(deputies), uid(recent)}
    assert not {uid(apc_level), uid(old), uid(secret)} & set(found)


def test_an_emergency_meeting_marked_secret_leaks_nothing_into_the_feed(client):
    sudan = country("SDN")
    meeting = MeetingFactory(
        kind="emergency",
        slot=None,
        level="deputies",
        marking=Marking.S,
        countries=["SDN"],
        minutes="The committee heard VULTURE reporting.",
        minutes_marking=Marking.S,
    )
    AgendaItem.objects.create(
        meeting=meeting,
        section=AgendaItem.Section.RISK,
        title=f"{sudan.name}: mass killings in Darfur",
        country=sudan,
        marking=Marking.S,
        entries=[{"type": "note", "marking": "S", "text": "PELICAN source reporting"}],
    )
    client.force_login(UserFactory(role=roles.CO_CHAIR))
    outputs = [
        feed(client, feed_token(UserFactory(role=roles.CO_CHAIR))),
        client.get(reverse("meeting-ics", args=[meeting.pk])),
    ]
    for response in outputs:
        raw = response.content
        found = events(response)
        assert str(found[uid(meeting)]["SUMMARY"]) == "Deputies Committee emergency meeting"
        for leak in (sudan.name, sudan.official_name, "SDN", "Darfur", "PELICAN", "VULTURE"):
            assert not leak or leak.encode() not in raw, leak
        assert not re.search(rb"\bSD\b", raw)
        assert b"SECRET" not in raw and b"mass killings" not in raw


def test_a_revoked_or_replaced_token_answers_404(client):
    meeting_in(7)
    user = UserFactory(role=roles.MEMBER)
    first = feed_token(user)
    assert feed(client, first).status_code == 200
    second = services.calendar_feed_issue(actor=user)  # rotation: the old URL stops at once
    assert feed(client, first).status_code == 404
    assert feed(client, second).status_code == 200
    services.calendar_feed_revoke(actor=user)
    assert feed(client, second).status_code == 404


def test_a_deactivated_user_or_one_who_left_the_committee_has_no_feed(client):
    user = UserFactory(role=roles.MEMBER)
    token = feed_token(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert feed(client, token).status_code == 404
    other = UserFactory(role=roles.MEMBER)
    token = feed_token(other)
    other.groups.clear()
    assert feed(client, token).status_code == 404


def test_the_feed_records_its_last_use(client):
    user = UserFactory(role=roles.MEMBER)
    token = feed_token(user)
    assert CalendarFeed.objects.get(user=user).last_used_at is None
    feed(client, token)
    assert CalendarFeed.objects.get(user=user).last_used_at is not None


def test_one_meetings_ics_has_one_event_for_who_may_see_it(client):
    meeting = meeting_in(7, level="deputies")
    other = meeting_in(9)
    client.force_login(UserFactory(role=roles.DEPUTIES))
    response = client.get(reverse("meeting-ics", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == f'attachment; filename="apc-meeting-{meeting.pk}.ics"'
    assert list(events(response)) == [uid(meeting)]
    assert client.get(reverse("meeting-ics", args=[other.pk])).status_code == 404


# --- the settings page ----------------------------------------------------------------------

SETTINGS = "/meetings/calendar/"


def test_the_settings_page_issues_the_url_once_then_revokes_it(client):
    user = UserFactory(role=roles.MEMBER)
    client.force_login(user)
    page = client.get(SETTINGS)
    assert page.status_code == 200 and b"You have no calendar feed." in page.content

    issued = client.post(SETTINGS, {"action": "issue"})
    assert issued.status_code == 200 and "no-store" in issued["Cache-Control"]
    found = re.search(rb'value="http://testserver/calendar/([^"/]+)\.ics"', issued.content)
    assert found, issued.content
    token = found.group(1).decode()
    assert token not in CalendarFeed.objects.get(user=user).token_hash  # stored hashed
    assert feed(client, token).status_code == 200
    again = client.get(SETTINGS)
    assert token.encode() not in again.content and b"Active" in again.content
    assert AuditEvent.objects.filter(actor=user, action="calendar.issue").exists()

    revoked = client.post(SETTINGS, {"action": "revoke"}, follow=True)
    assert revoked.redirect_chain[-1][0] == SETTINGS
    assert b"revoked" in revoked.content
    assert feed(client, token).status_code == 404
    assert not CalendarFeed.objects.filter(user=user).exists()


def test_the_settings_page_refuses_an_unknown_action_and_other_roles(client):
    client.force_login(UserFactory(role=roles.MEMBER))
    assert client.post(SETTINGS, {"action": "share"}).status_code == 400
    client.force_login(UserFactory(role=roles.ANALYST))
    assert client.get(SETTINGS).status_code == 403
    assert client.post(SETTINGS, {"action": "issue"}).status_code == 403
    assert not CalendarFeed.objects.exists()
