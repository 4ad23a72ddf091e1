"""The watchlist's management pages in a real browser: a co-chair decides a directorate proposal
and the tier changes; a directorate user uploads a statistical risk CSV and sees the top ten (and,
for a bad file, every problem with its line number); the indicator catalogue, monitoring, an
observation and a surveillance request's status. Every page visited is axe-checked
(tests/e2e/conftest.py) with the CSP enforced.

Source: issue 3 ("Tiers": directorate staff propose, the co-chairs accept or reject, accepted
proposals become changes; "Risk scores": the upload page, atomic, line-numbered problems, the
top ten; "Indicators": a catalogue editable by directorate staff, observations per country).
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from apc.core import roles
from apc.models import Agency
from tests.factories import TEST_PASSWORD, UserFactory, country
from watchlist import services
from watchlist.models import Country, Observation, SurveillanceRequest, TierChange, TierProposal


def nsc_user(role: str, **kwargs):
    return UserFactory(role=role, agency=Agency.objects.get(code="nsc"), **kwargs)


def test_co_chair_accepts_a_directorate_proposal_and_the_tier_changes(app, seeded):
    page = app.page
    staff = nsc_user(roles.DIRECTORATE)
    chair = nsc_user(roles.CO_CHAIR, first_name="Nadia", last_name="Okafor")
    ethiopia = services.tier_propose(
        country=country("ETH"),
        to_tier="monitored",
        rationale="Not yet; the data are thin.",
        actor=staff,
    )
    sudan = services.tier_propose(
        country=country("SDN"),
        to_tier="moderate",
        rationale="Militias recruit along ethnic lines in Darfur.",
        actor=staff,
    )

    app.login(chair.username, TEST_PASSWORD)
    app.goto("/watchlist/proposals/")
    expect(page.get_by_role("heading", name="Tier proposals", level=1)).to_be_visible()
    card = page.get_by_test_id(f"proposal-{sudan.pk}")
    expect(card).to_contain_text("Sudan: not listed → Moderate concern")
    expect(card).to_contain_text("Militias recruit along ethnic lines in Darfur.")
    expect(card.get_by_role("button", name=re.compile("^Withdraw"))).to_have_count(0)

    # Rejecting needs a note: the error is shown on the proposal and nothing changes.
    other = page.get_by_test_id(f"proposal-{ethiopia.pk}")
    app.submit(other.get_by_role("button", name="Reject for Ethiopia"), status=400)
    other = page.get_by_test_id(f"proposal-{ethiopia.pk}")
    expect(other.get_by_role("alert")).to_have_text("Say why the proposal is rejected.")
    assert TierProposal.objects.get(pk=ethiopia.pk).status == "pending"

    card = page.get_by_test_id(f"proposal-{sudan.pk}")
    card.get_by_label("Note").fill("Agreed at the APC meeting.")
    app.submit(card.get_by_role("button", name="Accept and change the tier for Sudan"))
    assert app.path == "/watchlist/proposals/"
    expect(page.get_by_role("status")).to_contain_text(
        "Proposal accepted: Sudan is now Moderate concern."
    )
    expect(page.get_by_test_id(f"proposal-{sudan.pk}")).to_have_count(0)
    decided = page.get_by_role("region", name="Recently decided proposals")
    expect(decided).to_contain_text("Agreed at the APC meeting.")

    sdn = Country.objects.get(iso3="SDN")
    assert sdn.tier == "moderate"
    change = TierChange.objects.get(country=sdn)
    assert change.decided_by_id == chair.pk and change.proposal_id == sudan.pk

    app.click_and_wait(decided.get_by_role("link", name="Sudan"))
    assert app.path == "/watchlist/SDN/"
    expect(page.get_by_test_id("current-tier")).to_have_text("Moderate concern")


RISK_CSV = (
    "\ufeffewp_name,ccode,risk_1or2.from2024,risk_rank.from2024\n"
    "Burma/Myanmar,775,0.311,1\n"
    "Democratic Republic of Congo,490,0.205,2\n"
    "Sudan,625,0.190,3\n"
    "Ethiopia,,0.120,4\n"
    "Republic of Congo,,0.050,5\n"
    "Ivory Coast,,0.041,6\n"
    "The Gambia,,0.030,7\n"
    "Kosovo,,0.029,8\n"
    "Afghanistan,700,0.028,9\n"
    "Yemen,,0.027,10\n"
    "Nigeria,475,0.026,11\n"
)
BAD_CSV = (
    "ewp_name,risk_1or2.from2024,risk_rank.from2024\nSudan,0.2,1\nAtlantis,0.1,2\nSudan,1.5,3\n"
)


def upload(app, name: str, content: str, vintage: str) -> None:
    page = app.page
    page.get_by_label("Risk scores (CSV)").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode()}]
    )
    page.get_by_label("Source", exact=True).fill("Early Warning Project")
    page.get_by_label("Vintage").fill(vintage)
    page.get_by_label("Forecast window").fill("2024-2025")


def test_directorate_uploads_a_risk_csv_and_sees_the_top_ten(app, seeded):
    page = app.page
    staff = nsc_user(roles.DIRECTORATE)
    app.login(staff.username, TEST_PASSWORD)
    app.goto("/watchlist/risk-scores/import/")
    expect(page.get_by_role("heading", name="Import statistical risk scores")).to_be_visible()

    upload(app, "bad.csv", BAD_CSV, "2024-11-01")
    app.submit("Import scores", status=400)
    problems = page.get_by_test_id("import-problems")
    expect(problems).to_contain_text("The import found 3 problems; nothing was stored.")
    expect(problems.locator("li")).to_have_count(3)
    expect(problems).to_contain_text("line 3: unknown country 'Atlantis'")
    expect(problems).to_contain_text("line 4: risk (risk_1or2.from2024) 1.5 is outside 0-1")
    expect(problems).to_contain_text("line 4: Sudan (SDN) appears twice (first on line 2)")

    upload(app, "ewp-2024.csv", RISK_CSV, "2024-11-01")
    app.submit("Import scores")
    result = page.get_by_test_id("import-result")
    expect(result.get_by_role("heading")).to_have_text("Imported 11 countries")
    rows = result.get_by_role("table", name="The top ten by risk").locator("tbody tr")
    expect(rows).to_have_count(10)
    expect(rows.nth(0)).to_contain_text("MMR")
    expect(rows.nth(0)).to_contain_text("0.311")
    expect(rows.nth(7)).to_contain_text("XKX")
    expect(rows.nth(9)).to_contain_text("YEM")
    expect(result).not_to_contain_text("Nigeria")


def test_directorate_keeps_indicators_and_follows_surveillance(app, seeded):
    page = app.page
    staff = nsc_user(roles.DIRECTORATE)
    chair = nsc_user(roles.CO_CHAIR)
    change = TierChange.objects.create(
        country=country("SDN"),
        to_tier="high_rising",
        rationale="Mass atrocities feared.",
        decided_by=chair,
        decided_by_agency=chair.agency,
    )
    request_ = SurveillanceRequest.objects.create(
        country=change.country,
        addressed_to=Agency.objects.get(code="odni"),
        due=timezone.localdate() + timedelta(days=14),
        tier_change=change,
    )
    app.login(staff.username, TEST_PASSWORD)

    app.goto("/watchlist/indicators/")
    app.click_and_wait(page.get_by_role("link", name="Add an indicator"))
    app.submit("Save indicator", status=400)  # no name: refused, with the field marked
    expect(page.get_by_role("alert")).to_have_text("This field is required.")
    page.get_by_label("Name").fill("Hate speech in state media")
    page.get_by_label("Category").select_option(label="Rhetoric and propaganda")
    app.submit("Save indicator")
    expect(page.get_by_role("status")).to_contain_text("added to the catalogue")
    expect(page.get_by_role("row", name=re.compile("Hate speech in state media"))).to_be_visible()

    app.goto("/watchlist/SDN/indicators/")
    page.get_by_label("Indicator").select_option(label="Hate speech in state media")
    app.submit("Monitor this indicator")
    expect(page.get_by_role("status")).to_contain_text("now monitoring")
    app.click_and_wait(page.get_by_role("link", name=re.compile("^Record an observation")))
    page.get_by_label("Level").select_option(label="High")
    page.get_by_label("Note").fill("Broadcasts call a minority vermin.")
    page.get_by_label("Marking").select_option("CUI")
    app.submit("Record observation")
    assert app.path == "/watchlist/SDN/"
    obs = Observation.objects.get()
    assert (obs.level, obs.marking, obs.recorded_by_id) == (3, "CUI", staff.pk)

    app.goto("/watchlist/surveillance/")
    row = page.get_by_test_id(f"request-{request_.pk}")
    expect(row).to_contain_text("Requested")
    row.get_by_label("Status of the request for Sudan").select_option("acknowledged")
    app.submit(row.get_by_role("button", name="Update the request for Sudan"))
    expect(page.get_by_test_id(f"request-{request_.pk}")).to_contain_text("Acknowledged")
    request_.refresh_from_db()
    assert request_.status == "acknowledged"
