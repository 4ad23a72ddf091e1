"""Issue 5, "Done when", in the browser: "a co-chair runs a whole bimonthly meeting, from the
automatically prepared agenda to approved minutes with action items that appear, with their
status, on the next meeting's agenda; an emergency request becomes a Deputies-level meeting".

1. The scheduler prepares two consecutive regular meetings, each with its draft agenda. A
   co-chair locks the first one's agenda, opens the meeting, records attendance (quorum), a
   decision and an action item for USAID, writes the minutes, approves them (frozen) and closes
   the meeting. USAID's principal finds the action in the tracker and reports it in progress,
   with implementation notes and impact. The directorate regenerates the next meeting's draft
   agenda: the action is under "Review of previously agreed actions", with its status, notes and
   impact.
2. A member asks for an emergency meeting at the level of the Deputies Committee; a co-chair
   convenes it; the meeting page is a Deputies Committee emergency meeting on the request's
   country, which the Deputies secretariat can open (and a regular APC meeting it cannot).

Every page visited is axe-checked with the CSP enforced (tests/e2e/conftest.py). Source:
seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and Process" (recommendation 4-1).
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from apc.demo import DEMO_PASSWORD
from apc.meetings import services
from apc.meetings.models import ActionItem, AgendaItem, Decision, Meeting
from apc.models import EmergencyRequest
from tests.e2e.test_alerts import tick as tick_option
from tests.e2e.test_meetings import (
    committee,  # noqa: F401 - the fixture
    next_meeting,
    open_meeting_from_the_list,
    record_attendance,
    status_of,
)

ACTION = "Fund mobile protection teams for the displaced in West Darfur."
NOTES = "Two teams deployed to El Geneina; a third awaits visas."
IMPACT = "Attacks on the camps fell in the month after deployment."


def test_a_co_chair_runs_a_bimonthly_meeting_its_actions_reach_the_next_agenda(app, committee):  # noqa: F811
    page = app.page
    meeting = next_meeting()
    following = services.meetings_schedule(now=meeting.starts_at + timedelta(minutes=1))
    assert [m.kind for m in following] == ["regular"]
    following = following[0]
    assert following.starts_at > meeting.starts_at
    actions = AgendaItem.objects.get(meeting=following, key="actions")
    assert actions.entries == []  # nothing agreed yet
    due = timezone.localdate() + timedelta(days=30)

    # 1. The co-chair opens the automatically prepared agenda and locks it.
    app.login("cochair.nsc", DEMO_PASSWORD)
    open_meeting_from_the_list(app, meeting)
    expect(page.get_by_test_id("agenda-section-1")).to_contain_text("Sudan: High and rising")
    expect(
        page.get_by_role("heading", name="3. Review of previously agreed actions")
    ).to_be_visible()
    app.submit("Lock the agenda")
    expect(status_of(page)).to_have_text("Agenda locked")

    # 2. The meeting is held: attendance (quorum), a decision, an action item.
    app.submit("Open the meeting")
    expect(status_of(page)).to_have_text("Held")
    record_attendance(
        page,
        {
            "Department of State": "Laura Benedetti",
            "Department of Defense": "Grace Lindqvist",
            "Intelligence Community (ODNI)": "Hannah Vogel",
            "U.S. Agency for International Development": "Ines Moreau",
        },
        ["Nadia Okafor", "Daniel Reyes"],
    )
    app.submit("Record attendance")
    expect(page.get_by_test_id("quorum")).to_contain_text("Quorum: 2 co-chairs present (1 needed)")

    page.get_by_label("Kind of decision").select_option(label="Tasking")
    page.get_by_label("Decision text").fill("USAID to protect the displaced in West Darfur.")
    page.get_by_label("Decision country").select_option(label="Sudan")
    app.submit("Record decision")
    expect(page.get_by_role("status")).to_contain_text("Decision recorded: Tasking.")
    decision = Decision.objects.get(meeting=meeting)

    page.get_by_label("Action to take").fill(ACTION)
    page.get_by_label("Owner agency").select_option(
        label="U.S. Agency for International Development"
    )
    page.get_by_label("Assignee").select_option(label="Ines Moreau")
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_label("Linked decision").select_option(
        label="Tasking: USAID to protect the displaced in West Darfur."
    )
    page.get_by_label("Action country").select_option(label="Sudan")
    app.submit("Add action item")
    item = ActionItem.objects.get(meeting=meeting)
    assert (item.owner_agency.code, item.assignee.username, item.decision) == (
        "usaid",
        "member.usaid",
        decision,
    )
    expect(page.get_by_role("status")).to_contain_text(f"Action item #{item.pk} added")
    row = page.get_by_test_id(f"action-item-{item.pk}")
    expect(row).to_contain_text(ACTION)
    expect(row).to_contain_text("Open")

    # 3. Minutes: written, approved (frozen), then the meeting closes.
    page.get_by_role("textbox", name="Minutes", exact=True).fill(
        "## Summary\n\n- The committee reviewed Sudan and South Sudan.\n"
        "- USAID is to fund protection teams in West Darfur."
    )
    app.submit("Save minutes")
    expect(page.get_by_role("status")).to_contain_text("Minutes saved.")
    minutes = page.get_by_test_id("minutes-text")
    expect(minutes.get_by_role("heading", name="Summary")).to_be_visible()
    expect(minutes.get_by_role("listitem")).to_have_count(2)
    app.submit("Approve the minutes")
    expect(status_of(page)).to_have_text("Minutes approved")
    expect(page.get_by_test_id("minutes-frozen")).to_contain_text("approved by Nadia Okafor")
    expect(page.get_by_role("button", name="Save minutes")).to_have_count(0)
    expect(page.get_by_role("button", name="Record decision")).to_have_count(0)
    expect(page.get_by_role("button", name="Add addendum")).to_be_visible()
    app.submit("Close the meeting")
    expect(status_of(page)).to_have_text("Closed")
    expect(page.get_by_test_id("transitions")).to_have_count(0)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CLOSED
    app.logout()

    # 4. USAID's principal reports on the action from the tracker.
    app.login("member.usaid", DEMO_PASSWORD)
    app.click_and_wait(page.get_by_role("link", name="Meetings", exact=True))
    app.click_and_wait(page.get_by_role("link", name="Action-item tracker"))
    page.get_by_label("Owner agency").select_option(
        label="U.S. Agency for International Development"
    )
    tick_option(page, "Open")
    app.submit("Filter")
    expect(page.get_by_test_id("match-count")).to_have_text("1 action item.")
    app.click_and_wait(page.get_by_role("link", name=f"Action #{item.pk}", exact=True))
    assert app.path == f"/meetings/actions/{item.pk}/"
    expect(page.get_by_test_id("action-status")).to_have_text("Open")
    page.get_by_role("combobox", name="Status").select_option(label="In progress")
    page.get_by_role("textbox", name="Implementation notes").fill(NOTES)
    page.get_by_role("textbox", name="Impact", exact=True).fill(IMPACT)
    page.get_by_role("textbox", name="Note", exact=True).fill("First report.")
    app.submit("Save update")
    expect(page.get_by_test_id("action-status")).to_have_text("In progress")
    expect(page.get_by_test_id("implementation-notes")).to_contain_text(NOTES)
    expect(page.get_by_test_id("history")).to_contain_text("Status: Open → In progress")
    item.refresh_from_db()
    assert item.status == ActionItem.Status.IN_PROGRESS
    app.logout()

    # 5. The directorate regenerates the next meeting's draft agenda: the action is reviewed.
    app.login("directorate", DEMO_PASSWORD)
    open_meeting_from_the_list(app, following)
    expect(page.get_by_test_id("agenda-section-3")).not_to_contain_text(f"Action #{item.pk}")
    app.submit("Regenerate the agenda")
    expect(page.get_by_role("status")).to_contain_text("Agenda regenerated")
    review = page.get_by_test_id("agenda-section-3")
    # due before that meeting and not done: flagged overdue as of the meeting's date
    expect(review).to_contain_text(
        f"Action #{item.pk} (USAID, due {due.isoformat()}, in progress, overdue)"
    )
    expect(review).to_contain_text(ACTION)
    expect(review).to_contain_text(f"Implementation: {NOTES}")
    expect(review).to_contain_text(f"Impact: {IMPACT}")


def test_an_emergency_request_becomes_a_deputies_committee_meeting(app, committee):  # noqa: F811
    page = app.page
    regular = next_meeting()

    # A member asks for the meeting at the level of the Deputies Committee.
    app.login("member.defense", DEMO_PASSWORD)
    app.click_and_wait(page.get_by_role("link", name="Meetings", exact=True))
    app.click_and_wait(page.get_by_role("link", name="Emergency meeting requests"))
    app.click_and_wait(page.get_by_role("link", name="Request an emergency meeting"))
    page.get_by_label("Countries").select_option(["SDN"])
    page.get_by_label("Reasons").fill("Sieges of towns in North Darfur since Monday.")
    tick_option(page, "Deputies Committee")
    app.submit("Send the request")
    req = EmergencyRequest.objects.get(requested_by=committee("member.defense"))
    assert req.level == "deputies"
    app.logout()

    # A co-chair convenes it.
    when = (timezone.now() + timedelta(days=2)).replace(hour=14, minute=0)
    app.login("cochair.state", DEMO_PASSWORD)
    app.click_and_wait(page.get_by_role("link", name="Meetings", exact=True))
    app.click_and_wait(page.get_by_role("link", name="Emergency meeting requests"))
    app.click_and_wait(page.get_by_role("link", name=f"Request #{req.pk}", exact=True))
    expect(page.get_by_label("Level", exact=True)).to_have_value("deputies")
    page.get_by_label("Date and time of the meeting").fill(when.strftime("%Y-%m-%dT%H:%M"))
    app.submit("Convene the meeting")
    expect(page.get_by_test_id("emergency-status")).to_have_text("Convened")
    meeting = Meeting.objects.get(emergency_request=req)
    assert (meeting.kind, meeting.level, meeting.countries) == ("emergency", "deputies", ["SDN"])
    app.click_and_wait(page.get_by_role("link", name="open the meeting page"))
    assert app.path == f"/meetings/{meeting.pk}/"
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Deputies Committee emergency meeting"
    )
    expect(page.get_by_test_id("meeting-level")).to_have_text("Deputies Committee")
    summary = page.get_by_test_id("meeting-summary")
    expect(summary.get_by_role("link", name=f"Request #{req.pk}")).to_be_visible()
    expect(summary.get_by_role("link", name="Sudan", exact=True)).to_be_visible()
    # Its draft agenda is on the request's country.
    expect(page.get_by_test_id("agenda-section-1")).to_contain_text("Sudan")
    expect(page.get_by_test_id("agenda-section-1")).not_to_contain_text("Burma")
    app.logout()

    # The Deputies secretariat opens it (and not the APC's regular meeting).
    app.login("deputies", DEMO_PASSWORD)
    app.click_and_wait(page.get_by_role("link", name="Meetings", exact=True))
    upcoming = page.get_by_test_id("upcoming-meetings")
    expect(upcoming.get_by_test_id(f"meeting-{regular.pk}")).to_have_count(0)
    app.click_and_wait(
        upcoming.get_by_test_id(f"meeting-{meeting.pk}").get_by_role(
            "link", name=re.compile("^Deputies Committee emergency meeting")
        )
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Deputies Committee emergency meeting"
    )
    expect(status_of(page)).to_have_text("Scheduled")
    app.goto(f"/meetings/{regular.pk}/", status=404)
