"""Issue 3, "Done when", end to end against the live server:

1. "A REST client with a token pulls the watchlist, gets 304 on an unchanged repeat, and sees a
   tier change made by a co-chair in the browser on its next pull." The client speaks real HTTP
   (urllib, `Authorization: Token <key>`) to the same live server the browser drives.
2. "A directorate user imports a statistical risk CSV and sees the scores on the dashboard." The
   file is in the Early Warning Project's format (issue 3, "Risk scores": `ewp_name`, optional
   `ccode` of Correlates of War codes, `risk_1or2.from<YEAR>` and `risk_rank.from<YEAR>`).

Every page the browser visits goes through the `app` harness, so each is axe-checked
(tests/e2e/conftest.py). Data: `demo_users` runs seed_demo (watchlist/demo.py): ten listed
countries, Chad scored but not listed, two demo risk vintages (1 Dec 2024 and 1 Dec 2025).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from apc import services as apc_services
from apc.demo import DEMO_PASSWORD
from watchlist.models import Country, RiskScore, RiskVintage, TierChange

# --- The REST client --------------------------------------------------------------------------


@dataclass
class Pull:
    status: int
    etag: str | None
    body: dict[str, Any] | None

    def by_iso3(self) -> dict[str, dict[str, Any]]:
        assert self.body is not None
        return {row["iso3"]: row for row in self.body["results"]}


# No proxy: the live server is on this machine, whatever the environment says.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def pull(base_url: str, token: str, etag: str | None = None) -> Pull:
    """GET /api/v1/watchlist/ as a service account would, over HTTP."""
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    if etag is not None:
        headers["If-None-Match"] = etag
    url = f"{base_url}/api/v1/watchlist/"
    assert url.startswith(("http://", "https://")), url
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http(s) checked above
    try:
        with _OPENER.open(request, timeout=15) as response:
            status, got_etag, raw = response.status, response.headers.get("ETag"), response.read()
    except urllib.error.HTTPError as exc:  # urllib raises on 304 (and on any 4xx/5xx)
        status, got_etag, raw = exc.code, exc.headers.get("ETag"), exc.read()
    body = json.loads(raw) if raw else None
    return Pull(status=status, etag=got_etag, body=body)


def test_rest_client_sees_a_cochairs_tier_change_on_its_next_pull(app, demo_users, live_server):
    page = app.page
    _user, token = apc_services.api_client_create(
        name="usaid.early-warning", agency_code="usaid", clearance="U"
    )

    # First pull: the ten demo countries, Chad (scored, not listed) not among them.
    first = pull(live_server.url, token)
    assert first.status == 200, first.body
    assert first.etag, "the watchlist answered without an ETag"
    listed = first.by_iso3()
    assert first.body["count"] == 10 and len(listed) == 10
    assert listed["SDN"]["tier"] == "high_rising"
    assert "TCD" not in listed

    # An unchanged repeat with that ETag: 304, no body, the same ETag.
    repeat = pull(live_server.url, token, etag=first.etag)
    assert repeat.status == 304
    assert repeat.body is None
    assert repeat.etag == first.etag

    # A co-chair puts Chad on the watchlist in the browser.
    app.login("cochair.nsc", DEMO_PASSWORD)
    app.goto("/watchlist/TCD/")
    expect(page.get_by_test_id("current-tier")).to_have_text("Not listed")
    app.click_and_wait(page.get_by_role("link", name="Change the tier"))
    expect(page.get_by_test_id("what-happens")).to_contain_text("takes effect at once")
    page.locator("label.usa-radio__label", has_text=re.compile("^Moderate concern$")).click()
    expect(page.get_by_label("Moderate concern", exact=True)).to_be_checked()
    page.get_by_label("Rationale").fill("Armed groups attack displaced Sudanese in the east.")
    app.submit("Change the tier")
    assert app.path == "/watchlist/TCD/"
    expect(page.get_by_role("status")).to_contain_text("Chad is now Moderate concern")
    expect(page.get_by_test_id("current-tier")).to_have_text("Moderate concern")
    change = TierChange.objects.get(country_id="TCD")
    assert change.decided_by.username == "cochair.nsc" and change.to_tier == "moderate"

    # The next pull with the old ETag: 200, a new ETag, Chad listed with the new tier.
    after = pull(live_server.url, token, etag=first.etag)
    assert after.status == 200, after.body
    assert after.etag and after.etag != first.etag
    listed = after.by_iso3()
    assert after.body["count"] == 11
    chad = listed["TCD"]
    assert chad["tier"] == "moderate"
    assert chad["previous_tier"] is None
    assert chad["tier_since"] == timezone.localdate().isoformat()
    assert chad["name"] == "Chad"
    assert chad["url"].endswith("/api/v1/watchlist/TCD/")
    assert listed["SDN"]["tier"] == "high_rising"  # the rest unchanged

    # And the new ETag is stable: repeating with it answers 304 again.
    assert pull(live_server.url, token, etag=after.etag).status == 304


# --- The risk-score import ----------------------------------------------------------------------

VINTAGE = date(2026, 11, 1)  # later than both demo vintages, so it becomes the latest
# Four listed countries (Correlates of War codes: Haiti 41, Nigeria 475, Sudan 625, Myanmar 775,
# and Myanmar by its Early Warning Project name) and Chad, scored but not listed.
RISK_CSV = (
    "ewp_name,ccode,risk_1or2.from2025,risk_rank.from2025\n"
    "Haiti,41,0.412,1\n"
    "Nigeria,475,0.387,2\n"
    "Burma/Myanmar,775,0.301,3\n"
    "Sudan,625,0.256,4\n"
    "Chad,483,0.149,5\n"
)
IMPORTED = {  # iso3: (risk score as the dashboard shows it, rank)
    "HTI": ("0.412", "1"),
    "NGA": ("0.387", "2"),
    "MMR": ("0.301", "3"),
    "SDN": ("0.256", "4"),
}
UNSCORED = {"COD", "SSD", "CAF", "ETH", "AFG", "SYR"}  # listed, not in this vintage


def test_directorate_imports_a_risk_csv_and_sees_the_scores_on_the_dashboard(
    app, demo_users, tmp_path
):
    page = app.page
    csv_path = tmp_path / "ewp-statistical-risk-2025.csv"
    csv_path.write_text(RISK_CSV, encoding="utf-8")

    app.login("directorate", DEMO_PASSWORD)
    app.click_and_wait(
        page.get_by_role("navigation", name="Primary navigation").get_by_role(
            "link", name="Watchlist"
        )
    )
    app.click_and_wait(page.get_by_role("link", name="Import risk scores"))
    assert app.path == "/watchlist/risk-scores/import/"
    expect(page.get_by_role("heading", name="Import statistical risk scores")).to_be_visible()

    page.get_by_label("Risk scores (CSV)").set_input_files(str(csv_path))
    page.get_by_label("Source", exact=True).fill("Early Warning Project")
    page.get_by_label("Vintage").fill(VINTAGE.isoformat())
    page.get_by_label("Forecast window").fill("2026-2027")
    app.submit("Import scores")

    # The success report: how many matched, and the top ten by risk (here all five).
    result = page.get_by_test_id("import-result")
    expect(result.get_by_role("heading")).to_have_text("Imported 5 countries")
    expect(result).to_contain_text("risk_1or2.from2025")
    rows = result.get_by_role("table", name="The top ten by risk").locator("tbody tr")
    expect(rows).to_have_count(5)
    for i, iso3 in enumerate(["HTI", "NGA", "MMR", "SDN", "TCD"]):
        expect(rows.nth(i)).to_contain_text(iso3)
    expect(rows.nth(0)).to_contain_text("0.412")
    vintage = RiskVintage.objects.get(vintage=VINTAGE)
    assert vintage.imported_by.username == "directorate"
    assert dict(RiskScore.objects.filter(vintage=vintage).values_list("country_id", "rank")) == {
        "HTI": 1,
        "NGA": 2,
        "MMR": 3,
        "SDN": 4,
        "TCD": 5,
    }

    # The dashboard shows the latest vintage's score and rank for each listed country.
    app.goto("/watchlist/")
    expect(
        page.get_by_text(re.compile(r"Risk scores: Early Warning Project, vintage 1 Nov 2026"))
    ).to_be_visible()
    table = page.get_by_test_id("watchlist-table")
    for iso3, (score, rank) in IMPORTED.items():
        cells = table.locator(f'tr[data-iso3="{iso3}"] td')
        expect(cells.nth(3)).to_have_text(score)
        expect(cells.nth(4)).to_have_text(rank)
    for iso3 in UNSCORED:  # the demo vintages' scores are no longer the latest
        cells = table.locator(f'tr[data-iso3="{iso3}"] td')
        expect(cells.nth(3)).to_have_text("—")
        expect(cells.nth(4)).to_have_text("—")
    # Chad is scored high but not listed: flagged for the next agenda, not put on the list.
    expect(table.locator('tr[data-iso3="TCD"]')).to_have_count(0)
    expect(page.get_by_test_id("flag-scored-unlisted")).to_contain_text("Chad: rank 5, risk 0.149")
    assert Country.objects.get(iso3="TCD").tier is None

    # Sorting by risk score: the imported scores first, highest first; the unscored last.
    page.get_by_label("Sort by").select_option(label="Risk score, highest first")
    app.submit("Apply")
    assert "ordering=-risk_score" in app.path
    body_rows = table.locator("tbody tr")
    expect(body_rows).to_have_count(10)
    order = body_rows.evaluate_all("rows => rows.map(r => r.dataset.iso3)")
    assert order[:4] == ["HTI", "NGA", "MMR", "SDN"]
    assert set(order[4:]) == UNSCORED
    expect(body_rows.locator("td:nth-of-type(4)")).to_have_text(
        ["0.412", "0.387", "0.301", "0.256", *["—"] * 6]
    )
    expect(page.get_by_role("columnheader", name="Risk score")).to_have_attribute(
        "aria-sort", "descending"
    )
