"""The alert channel in a real browser (issue 4, "Done when": "An analyst files an acute warning
in the browser; ... an emergency request waits for [the co-chairs]"):

1. an analyst files an acute warning, asking that their identity be shown to the co-chairs
   only, and sees the receipt (number, status, deadlines);
2. a directorate user finds it in the triage queue (ordered by deadline, with a live countdown
   that static/js/countdown.js keeps up to date, the filer shown as "Identity protected") and
   acknowledges it;
3. a co-chair opens the emergency meeting request the warning raised, sees who filed, and
   convenes the meeting.

Every page visited goes through the `app` harness, so each is axe-checked with the CSP enforced
(tests/e2e/conftest.py). Sources: seeds/004_69ba87841026b054.txt recommendations 2-4 and 2-5;
seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and Process".
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from apc.demo import DEMO_PASSWORD
from apc.models import EmergencyRequest
from watchlist import alerts
from watchlist.models import Country, PolicyReview, Warning

TITLE = "Militia mobilising against civilians in West Darfur"


def tick(page, label_start: str) -> None:
    """Choose a USWDS radio or checkbox by clicking its label (the input is drawn off screen)."""
    page.locator(
        "label.usa-radio__label, label.usa-checkbox__label",
        has_text=re.compile(f"^{re.escape(label_start)}"),
    ).first.click()


def test_an_acute_warning_from_filing_to_an_emergency_meeting(app, demo_users):
    page = app.page
    # The browser's clock runs on, but a test may move it (the countdown's live update).
    page.clock.install(time=timezone.now())

    # 1. The analyst files an acute warning and gets the receipt.
    analyst = demo_users("analyst.ic")
    app.login("analyst.ic", DEMO_PASSWORD)
    app.click_and_wait(page.get_by_role("link", name="Alerts", exact=True))
    assert app.path == "/watchlist/alerts/mine/"  # analysts do not triage: their own warnings
    app.click_and_wait(page.get_by_role("link", name="File a warning"))
    expect(page.get_by_role("heading", name="File a warning", level=1)).to_be_visible()
    expect(page.get_by_test_id("about-channel")).to_contain_text("dissent channel")
    page.get_by_label("Country").select_option(label="Sudan")
    tick(page, "Acute")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Warning", exact=True).fill(
        "Armed groups recruit along ethnic lines near El Geneina; killings reported."
    )
    page.get_by_label("Sources").fill("Field report 12")
    page.get_by_label("Marking").select_option("CUI")
    tick(page, "Show my identity to the co-chairs only")
    app.submit("File the warning")

    warning = Warning.objects.get(title=TITLE)
    assert (warning.filed_by, warning.severity, warning.marking) == (analyst, "acute", "CUI")
    assert warning.identity_protected
    assert app.path == f"/watchlist/alerts/{warning.pk}/"
    expect(page.get_by_role("status")).to_contain_text(f"Warning #{warning.pk} received.")
    receipt = page.get_by_test_id("warning-summary")
    expect(receipt.get_by_role("heading", name="Receipt")).to_be_visible()
    expect(page.get_by_test_id("warning-number")).to_have_text(f"#{warning.pk}")
    expect(page.get_by_test_id("warning-status")).to_have_text("Received")
    expect(page.get_by_test_id("acknowledgement")).to_contain_text(
        warning.acknowledge_due.strftime("%Y-%m-%d %H:%M UTC")
    )
    expect(page.get_by_test_id("acknowledgement").locator("time")).to_have_text(
        re.compile(r"^in 1 h 5\d min$")
    )
    expect(page.get_by_test_id("review-due")).to_contain_text(
        warning.review.due.strftime("%Y-%m-%d %H:%M UTC")
    )
    request = EmergencyRequest.objects.get(source_ref=f"watchlist.warning:{warning.pk}")
    expect(page.get_by_role("link", name=f"Request #{request.pk}")).to_have_count(0)  # co-chairs'
    app.logout()

    # 2. The directorate acknowledges it in the triage queue.
    app.login("directorate", DEMO_PASSWORD)
    app.click_and_wait(page.get_by_role("link", name="Alerts", exact=True))
    assert app.path == "/watchlist/alerts/"
    expect(page.get_by_role("heading", name="Alert channel: triage queue")).to_be_visible()
    row = page.get_by_test_id(f"warning-{warning.pk}")
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("Acknowledge by")
    expect(row).to_contain_text("Identity protected")
    expect(row).not_to_contain_text("Novak")
    countdown = row.locator("time[data-countdown]")
    expect(countdown).to_have_text(re.compile(r"^in 1 h 5\d min$"))
    # The countdown is live: two hours and five minutes on, it reads overdue, in red.
    page.clock.set_system_time(timezone.now() + timedelta(hours=2, minutes=5))
    page.clock.run_for(21_000)
    expect(countdown).to_have_text(re.compile(r"^overdue by [56] min$"))
    expect(countdown).to_have_class(re.compile("text-secondary-dark"))
    app.check()
    # Deadlines first: no open warning is due before this one's neighbour above it.
    dues = [
        datetime.fromisoformat(d)
        for d in page.locator("tbody time[data-countdown]").evaluate_all(
            "nodes => nodes.map(n => n.getAttribute('datetime'))"
        )
    ]
    assert dues == sorted(dues)

    app.submit(row.get_by_role("button", name=f"Acknowledge warning #{warning.pk}"))
    assert app.path == "/watchlist/alerts/"
    expect(page.get_by_role("status")).to_contain_text(f"Warning #{warning.pk} acknowledged")
    row = page.get_by_test_id(f"warning-{warning.pk}")
    expect(row).to_contain_text("Acknowledged")
    expect(row).to_contain_text("Review due")
    expect(row.get_by_role("button", name=re.compile("^Acknowledge"))).to_have_count(0)
    warning.refresh_from_db()
    assert warning.status == Warning.Status.ACKNOWLEDGED
    assert warning.acknowledged_by == demo_users("directorate")
    app.logout()

    # 3. A co-chair opens the emergency request and convenes the meeting.
    page.clock.set_system_time(timezone.now())
    app.login("cochair.nsc", DEMO_PASSWORD)
    app.click_and_wait(page.get_by_role("link", name="Alerts", exact=True))
    app.click_and_wait(page.get_by_role("link", name="Emergency meeting requests"))
    assert app.path == "/emergency/"
    app.click_and_wait(
        page.get_by_test_id(f"emergency-{request.pk}").get_by_role(
            "link", name=f"Request #{request.pk}"
        )
    )
    assert app.path == f"/emergency/{request.pk}/"
    summary = page.get_by_test_id("emergency-summary")
    expect(summary).to_contain_text("The alert channel, for acute warning")
    expect(summary).to_contain_text("Sudan")
    expect(page.get_by_test_id("emergency-status")).to_have_text("Awaiting a co-chair")

    # The co-chairs see who filed.
    app.click_and_wait(summary.get_by_role("link", name=f"#{warning.pk}"))
    expect(page.get_by_test_id("filer")).to_contain_text("Tomas Novak")
    page.go_back(wait_until="load")
    app.check()

    meeting = (timezone.now() + timedelta(days=1)).replace(hour=9, minute=30)
    app.submit("Convene the meeting", status=400)  # no date: refused, nothing changed
    expect(page.get_by_text("Give the date and time of the meeting.")).to_be_visible()
    assert EmergencyRequest.objects.get(pk=request.pk).status == "pending"
    page.get_by_label("Date and time of the meeting").fill(meeting.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Level", exact=True).select_option("apc")
    app.submit("Convene the meeting")
    assert app.path == f"/emergency/{request.pk}/"
    expect(page.get_by_role("status")).to_contain_text("Emergency APC meeting convened for")
    expect(page.get_by_test_id("emergency-status")).to_have_text("Convened")
    expect(page.get_by_test_id("meeting")).to_contain_text(meeting.strftime("%Y-%m-%d %H:%M"))
    request.refresh_from_db()
    assert request.status == EmergencyRequest.Status.CONVENED
    assert request.decided_by == demo_users("cochair.nsc")
    assert request.meeting_at.strftime("%Y-%m-%d %H:%M") == meeting.strftime("%Y-%m-%d %H:%M")


def test_the_directorate_starts_a_review_and_closes_it_the_filer_sees_the_outcome(app, demo_users):
    """Recommendation 2-5: the warning is an automatic trigger of policy review; the review
    closes only by a decision (outcome and rationale); the filer sees the outcome, never the
    deliberation."""
    page = app.page
    warning = alerts.warning_file(
        actor=demo_users("analyst.ic"),
        country=Country.objects.get(iso3="ETH"),
        severity="elevated",
        title="Hate radio in the Amhara region",
        narrative="Broadcasts call a minority vermin.",
    )
    app.login("directorate", DEMO_PASSWORD)
    app.goto("/watchlist/alerts/")
    row = page.get_by_test_id(f"warning-{warning.pk}")
    app.submit(row.get_by_role("button", name=f"Start the review of warning #{warning.pk}"))
    expect(page.get_by_role("status")).to_contain_text(f"Review of warning #{warning.pk} started")
    row = page.get_by_test_id(f"warning-{warning.pk}")
    expect(row).to_contain_text("Under review")
    app.click_and_wait(row.get_by_role("link", name=f"Review of warning #{warning.pk}"))
    assert app.path == f"/watchlist/reviews/{warning.review.pk}/"
    expect(page.get_by_test_id("review-state")).to_have_text("Open, under way")
    # Only co-chairs change tiers: the directorate is not offered that outcome.
    expect(page.get_by_role("radio", name=re.compile("^Tier change"))).to_have_count(0)

    tick(page, "Plan update")
    app.submit("Close the review", status=400)  # no rationale: refused, nothing changed
    expect(page.get_by_text("A review closes only with a rationale.")).to_be_visible()
    assert PolicyReview.objects.get(pk=warning.review.pk).status == "open"
    page.get_by_label("Rationale").fill("The prevention plan must cover hate media.")
    app.submit("Close the review")
    expect(page.get_by_role("status")).to_contain_text("closed: Plan update")
    expect(page.get_by_test_id("review-outcome")).to_have_text("Plan update")
    app.logout()

    app.login("analyst.ic", DEMO_PASSWORD)
    app.click_and_wait(page.get_by_role("link", name="Alerts", exact=True))
    row = page.get_by_test_id(f"warning-{warning.pk}")
    expect(row).to_contain_text("Closed")
    expect(row).to_contain_text("Plan update")
    app.click_and_wait(row.get_by_role("link", name=re.compile(f"^#{warning.pk} ")))
    expect(page.get_by_test_id("warning-status")).to_have_text("Closed, outcome: Plan update")
    expect(page.locator("main")).not_to_contain_text("hate media")  # never the deliberation


def test_a_member_requests_an_emergency_meeting_at_deputies_level(app, demo_users):
    """Seeds/000, "Crisis Response Structure and Process": any member may request an emergency
    meeting, with the option to seek it at the level of the Deputies Committee."""
    page = app.page
    app.login("member.defense", DEMO_PASSWORD)
    app.goto("/emergency/")
    app.click_and_wait(page.get_by_role("link", name="Request an emergency meeting"))
    app.submit("Send the request", status=400)  # nothing chosen: refused, nothing stored
    expect(page.get_by_text("Name at least one country.")).to_be_visible()
    expect(page.get_by_text("Give the reasons for an emergency meeting.")).to_be_visible()
    page.get_by_label("Countries").select_option(["SDN", "SSD"])
    page.get_by_label("Reasons").fill("Cross-border killings reported since Monday.")
    tick(page, "Deputies Committee")
    app.submit("Send the request")
    req = EmergencyRequest.objects.get(requested_by=demo_users("member.defense"))
    assert (req.level, req.countries) == ("deputies", ["SDN", "SSD"])
    assert app.path == f"/emergency/{req.pk}/"
    expect(page.get_by_test_id("emergency-status")).to_have_text("Awaiting a co-chair")
    summary = page.get_by_test_id("emergency-summary")
    expect(summary).to_contain_text("Deputies Committee")
    expect(summary).to_contain_text("South Sudan")
    expect(page.get_by_role("button", name="Convene the meeting")).to_have_count(0)
