"""APC meetings in a real browser (issue 5, "Tests that must exist": "a co-chair locks an agenda,
records attendance and a tier-change decision during a held meeting, and the watchlist shows the
change linked to that meeting"), and the directorate's agenda editor.

The meetings are the scheduler's own (`meetings_schedule`, with their draft agendas); the
committee is seated through `membership_add`. The demo accounts and the watchlist's demo
countries come from `seed_demo`, without the meetings demo: these tests build their own meetings.

Every page visited goes through the `app` harness, so each is axe-checked with the CSP enforced
(tests/e2e/conftest.py). Source: seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and
Process" (recommendation 4-1).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.template.defaultfilters import date as date_filter
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from apc.demo import DEMO_PASSWORD
from apc.meetings import services
from apc.meetings.models import Attendance, Decision, Meeting, Membership
from apc.models import User
from watchlist.models import Country, TierChange

# The committee of recommendation 4-1: the two co-chairs and a principal for each member agency.
SEATS = [
    ("cochair.nsc", Membership.Seat.CO_CHAIR),
    ("cochair.state", Membership.Seat.CO_CHAIR),
    ("member.state", Membership.Seat.PRINCIPAL),
    ("member.defense", Membership.Seat.PRINCIPAL),
    ("member.jcs", Membership.Seat.PRINCIPAL),
    ("member.ic", Membership.Seat.PRINCIPAL),
    ("member.justice", Membership.Seat.PRINCIPAL),
    ("member.treasury", Membership.Seat.PRINCIPAL),
    ("member.usaid", Membership.Seat.PRINCIPAL),
]


@pytest.fixture
def committee(seeded, monkeypatch) -> Callable[[str], User]:
    """The demo accounts and the watchlist demo (seed_demo, the meetings demo left out), with the
    committee seated; returns a lookup of users by username."""
    import apc.meetings.demo

    monkeypatch.setattr(apc.meetings.demo, "seed", lambda stdout: None)
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
    chair = User.objects.get(username="cochair.nsc")
    for username, seat in SEATS:
        services.membership_add(actor=chair, user=User.objects.get(username=username), seat=seat)
    return lambda username: User.objects.get(username=username)


def next_meeting() -> Meeting:
    """The next regular meeting, as the scheduler creates it (with its draft agenda)."""
    created = services.meetings_schedule()
    assert len(created) == 1, created
    meeting = created[0]
    assert meeting.agenda_items.exists()
    return meeting


def long_date(meeting: Meeting) -> str:
    """The meeting's date as the pages name it ("13 January 2027")."""
    return date_filter(timezone.localtime(meeting.starts_at), "j F Y")


def item_action(action: str, title: str) -> re.Pattern:
    """The accessible name of an agenda item's button ("Move up: <title>"; the title is for
    screen readers only, and the browser may put a space before the colon)."""
    return re.compile(rf"^{action}\s*:\s*{re.escape(title)}$")


def status_of(page: Page):
    return page.get_by_test_id("meeting-status")


def tick(page: Page, scope, label: str) -> None:
    """Choose a USWDS radio or checkbox inside `scope` by clicking its label (the input is drawn
    off screen)."""
    scope.locator(
        "label.usa-radio__label, label.usa-checkbox__label", has_text=re.compile(f"^{label}$")
    ).click()


def record_attendance(page: Page, present: dict[str, str], co_chairs: list[str]) -> None:
    """Fill the attendance form: agency (full name) → attendee (full name), as principal."""
    for agency, attendee in present.items():
        fieldset = page.get_by_role("group", name=agency, exact=True)
        tick(page, fieldset, "Principal")
        fieldset.get_by_role("combobox").select_option(label=attendee)
    chairs = page.get_by_role("group", name="Co-chairs present")
    for name in co_chairs:
        tick(page, chairs, name)


def open_meeting_from_the_list(app, meeting: Meeting) -> None:
    page = app.page
    app.click_and_wait(page.get_by_role("link", name="Meetings", exact=True))
    assert app.path == "/meetings/"
    row = page.get_by_test_id(f"meeting-{meeting.pk}")
    app.click_and_wait(row.get_by_role("link", name=meeting.title))
    assert app.path == f"/meetings/{meeting.pk}/"
    expect(page.get_by_role("heading", level=1)).to_have_text(meeting.title)


def test_a_co_chair_holds_a_meeting_and_the_watchlist_links_the_tier_change(app, committee):
    page = app.page
    meeting = next_meeting()
    country = Country.objects.get(iso3="SSD")
    assert country.tier == "moderate"  # the watchlist demo lists South Sudan

    app.login("cochair.nsc", DEMO_PASSWORD)
    open_meeting_from_the_list(app, meeting)
    expect(status_of(page)).to_have_text("Scheduled")
    # The draft agenda the scheduler prepared: the countries of concern come first.
    risk = page.get_by_test_id("agenda-section-1")
    expect(risk).to_contain_text("South Sudan: Moderate concern")
    expect(risk).to_contain_text("Sudan: High and rising")
    for heading in ("Agenda", "Attendance", "Minutes", "Decisions", "Action items"):
        expect(page.get_by_role("heading", name=heading, exact=True, level=2)).to_be_visible()
    expect(page.get_by_role("button", name="Open the meeting")).to_have_count(0)

    # Lock the agenda: the editor goes; the meeting can be opened.
    app.submit("Lock the agenda")
    expect(page.get_by_role("status")).to_contain_text("The agenda is locked and published")
    expect(status_of(page)).to_have_text("Agenda locked")
    expect(page.get_by_role("button", name="Regenerate the agenda")).to_have_count(0)
    expect(page.get_by_role("button", name="Add item")).to_have_count(0)
    expect(page.get_by_test_id("agenda-section-1")).to_contain_text("South Sudan")
    # Decisions wait for the meeting to be held.
    expect(page.get_by_role("button", name="Record decision")).to_have_count(0)

    app.submit("Open the meeting")
    expect(status_of(page)).to_have_text("Held")
    expect(page.get_by_role("button", name="Lock the agenda")).to_have_count(0)

    # Attendance: four of the seven member agencies by their principals, a co-chair present.
    record_attendance(
        page,
        {
            "Department of State": "Laura Benedetti",
            "Department of Defense": "Grace Lindqvist",
            "Department of the Treasury": "Omar Haddad",
            "U.S. Agency for International Development": "Ines Moreau",
        },
        ["Nadia Okafor"],
    )
    app.submit("Record attendance")
    expect(page.get_by_role("status")).to_contain_text("Attendance recorded. Quorum:")
    expect(page.get_by_test_id("quorum")).to_contain_text("4 of 7 member agencies represented")
    expect(page.get_by_test_id("attendance-defense")).to_contain_text("Principal")
    expect(page.get_by_test_id("attendance-defense")).to_contain_text("Grace Lindqvist")
    expect(page.get_by_test_id("attendance-justice")).to_contain_text("Absent")
    expect(page.get_by_test_id("co-chairs-present")).to_have_text(
        "Co-chairs present: Nadia Okafor."
    )
    rows = {a.agency.code: a.status for a in meeting.attendance.select_related("agency")}
    assert rows["defense"] == Attendance.Status.PRINCIPAL
    assert rows["odni"] == Attendance.Status.ABSENT

    # A tier-change decision: South Sudan rises to "high and rising".
    rationale = "Militias mobilise in Upper Nile; the APC raises South Sudan."
    page.get_by_label("Kind of decision").select_option(label="Tier change")
    page.get_by_label("Decision text").fill(rationale)
    page.get_by_label("Decision country").select_option(label="South Sudan")
    page.get_by_label("New tier").select_option(label="High and rising")
    app.submit("Record decision")
    expect(page.get_by_role("status")).to_contain_text("Decision recorded: Tier change.")
    decision = Decision.objects.get(meeting=meeting)
    assert decision.kind == "tier_change" and not decision.without_quorum
    row = page.get_by_test_id(f"decision-{decision.pk}")
    expect(row).to_contain_text(rationale)
    expect(row.get_by_test_id("tier-change")).to_have_text(
        "Tier: Moderate concern → High and rising"
    )
    expect(row.get_by_test_id("without-quorum")).to_have_count(0)
    change = TierChange.objects.get(pk=decision.tier_change_id)
    assert (change.country_id, change.to_tier, change.meeting_id) == (
        "SSD",
        "high_rising",
        meeting.pk,
    )
    assert Country.objects.get(iso3="SSD").tier == "high_rising"

    # The watchlist: the country's history names the meeting, with a link to it.
    app.click_and_wait(row.get_by_role("link", name="South Sudan"))
    assert app.path == "/watchlist/SSD/"
    timeline = page.get_by_test_id("timeline")
    entry = timeline.locator("li").filter(has_text="Moderate concern → High and rising")
    expect(entry).to_contain_text(f"at the APC regular meeting of {long_date(meeting)}")
    expect(entry).to_contain_text(rationale)
    app.click_and_wait(
        entry.get_by_role("link", name=f"APC regular meeting of {long_date(meeting)}")
    )
    assert app.path == f"/meetings/{meeting.pk}/"
    expect(status_of(page)).to_have_text("Held")


def test_the_directorate_edits_the_draft_agenda_members_see_it_once_locked(app, committee):
    page = app.page
    meeting = next_meeting()
    title = "Briefing: mass-atrocity risk in the Sahel"

    # A member does not see the draft.
    app.login("member.defense", DEMO_PASSWORD)
    app.goto(f"/meetings/{meeting.pk}/")
    expect(page.get_by_test_id("agenda-unpublished")).to_be_visible()
    expect(page.get_by_test_id("agenda-section-1")).to_have_count(0)
    expect(page.get_by_role("button", name="Regenerate the agenda")).to_have_count(0)
    expect(page.get_by_role("button", name="Lock the agenda")).to_have_count(0)
    app.logout()

    # The directorate (the secretariat) edits it.
    app.login("directorate", DEMO_PASSWORD)
    app.goto(f"/meetings/{meeting.pk}/")
    expect(page.get_by_role("button", name="Lock the agenda")).to_have_count(0)  # co-chairs'
    app.submit("Add item", status=400)  # no title: refused, nothing added
    expect(page.get_by_text("The item was not added.")).to_be_visible()
    assert not meeting.agenda_items.filter(key="").exists()
    page.get_by_label("Item title").fill(title)
    page.get_by_label("Item notes").fill("ODNI's assessment of the border regions.")
    page.get_by_label("Section").select_option(label="Other business")
    page.get_by_label("Presenter agency").select_option(label="Intelligence Community (ODNI)")
    page.get_by_label("Minutes allocated").fill("15")
    app.submit("Add item")
    expect(page.get_by_role("status")).to_contain_text(f"“{title}” added to the agenda.")
    other = page.get_by_test_id("agenda-section-5")
    items = other.get_by_test_id("agenda-item")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Other business")
    expect(items.nth(1)).to_contain_text(title)
    expect(items.nth(1).get_by_test_id("presenter")).to_have_text("IC (ODNI)")
    expect(items.nth(1).get_by_test_id("time-allocated")).to_have_text("15 min")

    # A presenter and a time for the generated item, then the new item moved up.
    app.click_and_wait(items.nth(0).get_by_role("link", name="Edit presenter and time"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit agenda item: Other business")
    page.get_by_label("Presenter agency").select_option(label="National Security Council")
    page.get_by_label("Minutes allocated").fill("10")
    app.submit("Save item")
    assert app.path == f"/meetings/{meeting.pk}/#agenda"
    expect(page.get_by_role("status")).to_contain_text("“Other business” updated.")
    app.submit(page.get_by_role("button", name=item_action("Move up", title)))
    expect(page.get_by_role("status")).to_contain_text(f"“{title}” moved up.")
    items = page.get_by_test_id("agenda-section-5").get_by_test_id("agenda-item")
    expect(items.nth(0)).to_contain_text(title)
    expect(items.nth(1)).to_contain_text("Other business")
    expect(items.nth(1).get_by_test_id("presenter")).to_have_text("NSC")
    expect(page.get_by_test_id("agenda-total")).to_have_text("Total time allocated: 25 minutes.")

    # Regenerating keeps the hand-added item, the presenters, times and order.
    app.submit("Regenerate the agenda")
    expect(page.get_by_role("status")).to_contain_text("Agenda regenerated")
    items = page.get_by_test_id("agenda-section-5").get_by_test_id("agenda-item")
    expect(items.nth(0)).to_contain_text(title)
    expect(items.nth(1).get_by_test_id("time-allocated")).to_have_text("10 min")
    app.logout()

    # A co-chair locks it; now the member reads it, without the editor.
    services.meeting_transition(
        actor=committee("cochair.state"), meeting=meeting, action="lock_agenda"
    )
    app.login("member.defense", DEMO_PASSWORD)
    app.goto(f"/meetings/{meeting.pk}/")
    expect(status_of(page)).to_have_text("Agenda locked")
    expect(page.get_by_test_id("agenda-unpublished")).to_have_count(0)
    expect(page.get_by_test_id("agenda-section-1")).to_contain_text("South Sudan")
    items = page.get_by_test_id("agenda-section-5").get_by_test_id("agenda-item")
    expect(items.nth(0)).to_contain_text(title)
    expect(items.nth(0).get_by_test_id("presenter")).to_have_text("IC (ODNI)")
    expect(page.get_by_role("button", name=re.compile("^Move (up|down)"))).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Edit presenter and time"))).to_have_count(0)
    expect(page.get_by_role("button", name="Lock the agenda")).to_have_count(0)
