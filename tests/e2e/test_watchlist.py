"""The watchlist's pages in a real browser: the dashboard's filters and sorting, the world map,
the country page's timeline, and a co-chair changing a tier through the form, after which the
dashboard shows the change. Every page visited is axe-checked (tests/e2e/conftest.py), also
after the map and the charts are drawn; the CSP stays enforced, so the scripts must run without
inline code or inline styles.

Data: `demo_users` runs seed_demo, which puts ten countries on the watchlist (watchlist/demo.py):
high and rising: Sudan, Burma (Myanmar); moderate concern: DR Congo, South Sudan, CAR, Ethiopia;
monitored: Nigeria, Afghanistan, Syria, Haiti.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from apc.demo import DEMO_PASSWORD

SUDAN_RED = "rgb(139, 10, 3)"  # --apc-tier-high_rising in static/css/watchlist.css
UNLISTED_GREY = "rgb(240, 240, 240)"  # --apc-tier-none


def open_dashboard(app) -> None:
    app.click_and_wait(
        app.page.get_by_role("navigation", name="Primary navigation").get_by_role(
            "link", name="Watchlist"
        )
    )
    assert app.path == "/watchlist/"


def tick(app, label: str) -> None:
    """Tick a USWDS checkbox or radio by clicking its label (the input itself is drawn off
    screen and the label stands in for it, as a person would click it)."""
    app.page.locator(
        "label.usa-checkbox__label, label.usa-radio__label", has_text=re.compile(f"^{label}$")
    ).click()
    expect(app.page.get_by_label(label, exact=True)).to_be_checked()


def table_rows(app):
    return app.page.get_by_test_id("watchlist-table").locator("tbody tr")


def row_names(app) -> list[str]:
    return [name.strip() for name in table_rows(app).locator("th[scope=row] a").all_inner_texts()]


def wait_for_drawings(app) -> None:
    """The map and the chart draw after load; check the page again once they are there."""
    expect(app.page.locator("#watchlist-map")).to_have_attribute("data-rendered", "true")
    expect(app.page.locator("#tier-chart")).to_have_attribute("data-rendered", "true")
    app.check()


def test_dashboard_filters_and_sorting(app, demo_users):
    page = app.page
    app.login("member.defense", DEMO_PASSWORD)
    open_dashboard(app)
    expect(page.get_by_role("heading", name="Atrocities Watchlist", level=1)).to_be_visible()
    expect(page.get_by_test_id("count-high_rising")).to_contain_text("2")
    expect(page.get_by_test_id("count-moderate")).to_contain_text("4")
    expect(page.get_by_test_id("count-monitored")).to_contain_text("4")
    expect(table_rows(app)).to_have_count(10)
    # Default order: priority, highest first (the tier leads the priority).
    assert row_names(app)[:2] == ["Sudan", "Myanmar"]

    # Filter by tier.
    tick(app, "High and rising")
    app.submit("Apply")
    assert "tier=high_rising" in app.path
    expect(page.get_by_test_id("match-count")).to_have_text("2 countries match.")
    assert sorted(row_names(app)) == ["Myanmar", "Sudan"]
    expect(table_rows(app).get_by_test_id("tier")).to_have_text(
        ["High and rising", "High and rising"]
    )

    # Add the moderate tier, sort by name.
    tick(app, "Moderate concern")
    page.get_by_label("Sort by").select_option(label="Name, A to Z")
    app.submit("Apply")
    names = row_names(app)
    assert len(names) == 6
    assert names == sorted(names)
    expect(page.get_by_role("columnheader", name="Country")).to_have_attribute(
        "aria-sort", "ascending"
    )

    # Then Z to A.
    page.get_by_label("Sort by").select_option(label="Name, Z to A")
    app.submit("Apply")
    assert row_names(app) == sorted(names, reverse=True)

    # Search by name, with the tiers still applied.
    page.get_by_label("Search by name").fill("sudan")
    app.submit("Apply")
    assert sorted(row_names(app)) == ["South Sudan", "Sudan"]

    # Region and Instability Watchlist menus; clearing brings everything back.
    app.click_and_wait(page.get_by_role("link", name="Clear filters"))
    page.get_by_label("Region").select_option("Western Africa")
    app.submit("Apply")
    assert row_names(app) == ["Nigeria"]
    app.click_and_wait(page.get_by_role("link", name="Clear filters"))
    page.get_by_label("On the Instability Watchlist").select_option(label="No")
    app.submit("Apply")
    assert row_names(app) == ["Nigeria"]  # the one demo country not on that list

    # Risk score sort: highest first.
    app.click_and_wait(page.get_by_role("link", name="Clear filters"))
    page.get_by_label("Sort by").select_option(label="Risk score, highest first")
    app.submit("Apply")
    scores = [
        float(s)
        for s in table_rows(app).locator("td:nth-of-type(4)").all_inner_texts()
        if s.strip() != "—"
    ]
    assert len(scores) == 10 and scores == sorted(scores, reverse=True)


def test_the_map_renders_listed_countries_by_tier(app, demo_users):
    page = app.page
    app.login("analyst.state", DEMO_PASSWORD)
    open_dashboard(app)
    wait_for_drawings(app)

    svg = page.locator("#watchlist-map")
    assert svg.locator("path.apc-map__country").count() > 150  # the world, at 1:110m
    listed = svg.locator("path.apc-map__country--link")
    assert listed.count() == 10
    sudan = svg.locator('path[data-iso3="SDN"]')
    expect(sudan).to_have_attribute("data-tier", "high_rising")
    assert sudan.evaluate("p => getComputedStyle(p).fill") == SUDAN_RED
    assert svg.locator('path[data-iso3="COD"]').get_attribute("data-tier") == "moderate"
    chad = svg.locator('path[data-numeric="148"]')  # Chad: scored, not listed
    assert chad.evaluate("p => getComputedStyle(p).fill") == UNLISTED_GREY

    # The text alternative: legend and the same countries as a list.
    legend = page.get_by_role("list", name="Map legend")
    expect(legend).to_contain_text("High and rising")
    expect(legend).to_contain_text("Not listed")
    page.get_by_text("Countries on the map, by tier").click()
    map_list = page.get_by_test_id("map-list")
    expect(map_list.get_by_role("link", name="Sudan", exact=True)).to_be_visible()
    app.check()

    # Filtering narrows the map too.
    tick(app, "Moderate concern")
    app.submit("Apply")
    wait_for_drawings(app)
    assert svg.locator("path.apc-map__country--link").count() == 4
    assert svg.locator('path[data-iso3="SDN"]').count() == 0

    # A listed country on the map opens its page.
    app.click_and_wait(svg.locator('path[data-iso3="COD"]'))
    assert app.path == "/watchlist/COD/"


def test_country_page_shows_the_timeline(app, demo_users):
    page = app.page
    app.login("cochair.state", DEMO_PASSWORD)
    app.goto("/watchlist/sdn/")  # any case
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sudan")
    expect(page.get_by_test_id("current-tier")).to_have_text("High and rising")

    entries = page.get_by_test_id("timeline").locator("li")
    expect(entries).to_have_count(3)
    newest = entries.nth(0)
    expect(newest).to_contain_text("Moderate concern → High and rising")
    expect(newest).to_contain_text("Decided by Nadia Okafor (NSC)")
    expect(newest).to_contain_text("Sieges of towns and targeted killings")
    expect(entries.nth(2)).to_contain_text("Not listed → Monitored")

    expect(page.get_by_test_id("risk-table").locator("tbody tr")).to_have_count(2)
    expect(page.locator("#risk-chart")).to_have_attribute("data-rendered", "true")
    expect(page.get_by_test_id("plan-tasks")).to_contain_text("Crisis response plan")
    expect(page.get_by_test_id("surveillance-table")).to_contain_text("Requested")
    # Observations marked CONFIDENTIAL are within a co-chair's clearance (SECRET).
    expect(page.get_by_test_id("banner-top")).to_have_text("CONFIDENTIAL")
    app.check()


def test_cochair_changes_a_tier_and_the_dashboard_shows_it(app, demo_users):
    page = app.page
    app.login("cochair.nsc", DEMO_PASSWORD)
    app.goto("/watchlist/NGA/")
    expect(page.get_by_test_id("current-tier")).to_have_text("Monitored")
    app.click_and_wait(page.get_by_role("link", name="Change the tier"))
    expect(page.get_by_test_id("what-happens")).to_contain_text("takes effect at once")

    # Without a rationale: refused on the form, nothing changed.
    tick(app, "High and rising")
    app.submit("Change the tier", status=400)
    expect(page.get_by_test_id("form-errors")).to_contain_text("Nothing was changed")
    expect(page.get_by_text("A rationale is required.")).to_be_visible()
    app.goto("/watchlist/NGA/")
    expect(page.get_by_test_id("current-tier")).to_have_text("Monitored")

    app.click_and_wait(page.get_by_role("link", name="Change the tier"))
    tick(app, "High and rising")
    page.get_by_label("Rationale").fill("Mass killings in Plateau State; militias mobilising.")
    app.submit("Change the tier")
    assert app.path == "/watchlist/NGA/"
    expect(page.get_by_role("status")).to_contain_text("Nigeria is now High and rising")
    expect(page.get_by_test_id("current-tier")).to_have_text("High and rising")
    newest = page.get_by_test_id("timeline").locator("li").first
    expect(newest).to_contain_text("Monitored → High and rising")
    expect(newest).to_contain_text("Mass killings in Plateau State")
    expect(newest).to_contain_text("Nadia Okafor (NSC)")

    open_dashboard(app)
    expect(page.get_by_test_id("count-high_rising")).to_contain_text("3")
    expect(page.get_by_test_id("count-monitored")).to_contain_text("3")
    nigeria = page.get_by_test_id("watchlist-table").locator('tr[data-iso3="NGA"]')
    expect(nigeria.get_by_test_id("tier")).to_have_text("High and rising")
    wait_for_drawings(app)
    expect(page.locator('#watchlist-map path[data-iso3="NGA"]')).to_have_attribute(
        "data-tier", "high_rising"
    )


def test_directorate_proposes_and_the_tier_waits_for_the_cochairs(app, demo_users):
    page = app.page
    app.login("directorate", DEMO_PASSWORD)
    app.goto("/watchlist/HTI/")
    app.click_and_wait(page.get_by_role("link", name="Propose a tier change"))
    expect(page.get_by_test_id("what-happens")).to_contain_text("proposal to the co-chairs")
    tick(app, "Moderate concern")
    page.get_by_label("Rationale").fill("Massacres in Port-au-Prince neighbourhoods.")
    app.submit("Send the proposal")
    assert app.path == "/watchlist/HTI/"
    expect(page.get_by_role("status")).to_contain_text("went to the co-chairs")
    expect(page.get_by_test_id("current-tier")).to_have_text("Monitored")
    expect(page.get_by_test_id("pending-proposal")).to_contain_text(
        re.compile(r"Moderate concern.*Priya Raman")
    )
