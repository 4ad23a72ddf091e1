"""The shell every page shares, driven in a browser: sign-in, banners, navigation, home, inbox,
sign-out, and the auditor's audit trail. Every page visited is axe-checked (see conftest.py)."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, expect

from apc.demo import DEMO_PASSWORD
from tests.factories import AuditEventFactory, NotificationFactory


def primary_nav(app) -> Locator:
    return app.page.get_by_role("navigation", name="Primary navigation")


def account_fact(app, label: str) -> Locator:
    return app.page.get_by_test_id("account").locator(f"dt:text-is('{label}') + dd")


def expect_banners(app, text: str = "UNCLASSIFIED") -> None:
    page = app.page
    top, bottom = page.get_by_test_id("banner-top"), page.get_by_test_id("banner-bottom")
    expect(top).to_have_text(text)
    expect(bottom).to_have_text(text)
    # Top: above the header; bottom: below the footer.
    top_box, bottom_box = top.bounding_box(), bottom.bounding_box()
    header_box = page.locator("header.usa-header").bounding_box()
    footer_box = page.locator("footer.usa-footer").bounding_box()
    assert top_box["y"] + top_box["height"] <= header_box["y"] + 1
    assert bottom_box["y"] >= footer_box["y"] + footer_box["height"] - 1


def test_wrong_password_shows_an_error(app, demo_users):
    app.goto("/accounts/login/")
    expect(app.page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect_banners(app)
    expect(primary_nav(app)).to_have_count(0)  # no navigation before sign-in

    app.page.get_by_label("Username").fill("analyst.ic")
    app.page.get_by_label("Password").fill("not-the-password")
    app.submit("Sign in")

    assert app.path.startswith("/accounts/login/")
    expect(app.page.get_by_role("alert")).to_contain_text(
        "Please enter a correct username and password"
    )
    expect(primary_nav(app)).to_have_count(0)


def test_analyst_signs_in_reads_a_notification_and_signs_out(app, demo_users):
    analyst = demo_users("analyst.ic")
    NotificationFactory(recipient=analyst, subject="APC meeting on Thursday", link="")
    unread = analyst.notifications.filter(read_at__isnull=True).count()  # demo data + the meeting
    total = analyst.notifications.count()
    page = app.page

    app.login("analyst.ic", DEMO_PASSWORD)
    assert app.path == "/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Tomas Novak")
    expect_banners(app)

    nav = primary_nav(app)
    expect(nav.get_by_role("link", name="Home", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name=re.compile(r"^Inbox\b"))).to_be_visible()
    expect(nav.get_by_role("link", name="Audit")).to_have_count(0)
    expect(page.get_by_test_id("unread-count")).to_have_text(str(unread))

    expect(account_fact(app, "Agency")).to_have_text("Intelligence Community (ODNI)")
    expect(account_fact(app, "Role")).to_have_text("analyst")
    expect(account_fact(app, "Clearance")).to_have_text("SECRET")

    app.click_and_wait(nav.get_by_role("link", name=re.compile(r"^Inbox\b")))
    assert app.path == "/inbox/"
    expect(page.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
    expect(page.get_by_text(f"{unread} unread of {total}.")).to_be_visible()

    app.click_and_wait(page.get_by_role("link", name=re.compile("APC meeting on Thursday")))
    assert re.fullmatch(r"/inbox/\d+/", app.path)
    expect(page.get_by_role("heading", level=1)).to_contain_text("APC meeting on Thursday")
    expect(page.get_by_test_id("unread-count")).to_have_text(str(unread - 1))

    app.click_and_wait(page.get_by_role("link", name="Back to the inbox"))
    expect(page.get_by_text(f"{unread - 1} unread of {total}.")).to_be_visible()

    # Not an auditor: the audit trail is refused (and the refusal page is checked too).
    app.goto("/audit/", status=403)
    expect(page.get_by_role("heading", name="Not permitted")).to_be_visible()

    app.logout()
    assert app.path.startswith("/accounts/login/")
    expect(primary_nav(app)).to_have_count(0)

    app.goto("/")
    assert app.path == "/accounts/login/?next=/"
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()


def test_auditor_filters_the_audit_trail(app, demo_users):
    state_analyst = demo_users("analyst.state")
    AuditEventFactory(
        actor=state_analyst,
        action="drill.create",
        object_type="drill",
        object_id="7",
        summary="Draft response plan",
    )
    AuditEventFactory(
        actor=state_analyst,
        action="warning.file",
        object_type="warning",
        object_id="3",
        summary="Early warning filed",
    )
    page = app.page

    app.login("auditor", DEMO_PASSWORD)
    expect(account_fact(app, "Role")).to_have_text("auditor")
    audit_link = primary_nav(app).get_by_role("link", name="Audit", exact=True)
    expect(audit_link).to_be_visible()

    app.click_and_wait(audit_link)
    assert app.path == "/audit/"
    expect(page.get_by_role("heading", name="Audit trail", level=1)).to_be_visible()
    rows = page.get_by_role("region", name="Audit events").locator("tbody tr")
    expect(rows.filter(has_text="drill.create")).to_have_count(1)
    expect(rows.filter(has_text="auth.login")).to_have_count(1)

    # an action of its own, so the demo's plans and meetings do not count (drill.*)
    page.get_by_label("Action starts with").fill("drill.")
    app.submit("Filter")
    assert "action=drill." in app.path
    expect(page.get_by_label("Action starts with")).to_have_value("drill.")
    expect(page.get_by_text("1 event.", exact=True)).to_be_visible()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Draft response plan")
    expect(page.get_by_role("link", name="Export CSV")).to_have_attribute(
        "href", re.compile(r"action=drill\.")
    )

    # A filter in the URL, by agency and outcome.
    state = state_analyst.agency
    from apc.models import AuditEvent

    expected = AuditEvent.objects.filter(
        actor_agency=state, outcome="allowed", actor_protected=False
    ).count()
    app.goto(f"/audit/?agency={state.pk}&outcome=allowed")
    expect(page.get_by_label("Agency")).to_have_value(str(state.pk))
    expect(rows).to_have_count(min(expected, 25))
    expect(rows.filter(has_text="Draft response plan")).to_have_count(1)
    expect(rows.filter(has_text="auth.login")).to_have_count(0)

    # An invalid filter: the form says so, and nothing is listed.
    app.goto("/audit/?since=2020-13-45")
    expect(page.get_by_role("alert").first).to_contain_text("The filter is not valid")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_text("No events match.")
