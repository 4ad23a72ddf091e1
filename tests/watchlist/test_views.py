"""The watchlist's main pages: dashboard (filters, search, sorting, counts, map and chart data,
flags), CSV export, country page, tier change / proposal form, profile and review.

Source: issue 3, "Pages" and "Tests that must exist"; seeds/000_588810f2139c9d78.txt,
"Crisis Response Structure and Process" (the APC reviews the countries on the Atrocities
Watchlist and the related Instability Watchlist) and "Decision Support and Planning" (tiers,
plans for "moderate concern" and "high and rising", priorities "based on factors beyond risk").
Who may do what: watchlist/policy.py; the matrix of every role is tests/watchlist/matrix_pages.py.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apc.core import roles
from apc.core.markings import Marking
from apc.models import AuditEvent
from tests.factories import IndicatorFactory, RiskVintageFactory, UserFactory, country
from watchlist import services
from watchlist.models import (
    Country,
    PlanTask,
    RiskScore,
    Tier,
    TierChange,
    TierProposal,
)

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("watchlist:country-list")
EXPORT = reverse("watchlist:export")


@pytest.fixture
def chair():
    return UserFactory(role=roles.CO_CHAIR, first_name="Nadia", last_name="Okafor")


@pytest.fixture
def staff():
    return UserFactory(role=roles.DIRECTORATE, first_name="Priya", last_name="Raman")


@pytest.fixture
def member():
    return UserFactory(role=roles.MEMBER)


def listed(iso3: str, tier: str, actor, rationale: str = "Evidence of risk.") -> Country:
    c = country(iso3)
    services.tier_change(country=c, to_tier=tier, rationale=rationale, actor=actor)
    c.refresh_from_db()
    return c


@pytest.fixture
def watchlist(chair, staff):
    """Sudan high and rising, Ethiopia moderate (owned by `staff`, on the Instability
    Watchlist), Nigeria monitored."""
    listed("SDN", Tier.HIGH_RISING, chair)
    eth = listed("ETH", Tier.MODERATE, chair)
    services.country_update_profile(
        country=eth, actor=staff, owner=staff, instability_watchlist=True
    )
    listed("NGA", Tier.MONITORED, chair)
    return chair


def names(response) -> list[str]:
    return [c.name for c in response.context["countries"]]


def scores(values: dict[str, str]) -> None:
    vintage = RiskVintageFactory()
    ranked = sorted(values.items(), key=lambda kv: -Decimal(kv[1]))
    RiskScore.objects.bulk_create(
        RiskScore(vintage=vintage, country_id=iso3, value=Decimal(v), rank=i)
        for i, (iso3, v) in enumerate(ranked, start=1)
    )


def read_csv(response) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


# --- Dashboard -------------------------------------------------------------------------------


def test_dashboard_lists_the_listed_countries_with_counts(client, member, watchlist):
    client.force_login(member)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert names(response) == ["Sudan", "Ethiopia", "Nigeria"]  # priority, highest first
    counts = {t["tier"]: t["count"] for t in response.context["tier_summary"]}
    assert counts == {"high_rising": 1, "moderate": 1, "monitored": 1}
    html = response.content.decode()
    assert 'data-testid="count-high_rising"' in html
    assert "Somalia" not in html  # not listed


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tier=moderate", ["Ethiopia"]),
        ("tier=moderate&tier=monitored", ["Ethiopia", "Nigeria"]),
        ("region=Eastern+Africa", ["Ethiopia"]),
        ("region=northern+africa", ["Sudan"]),  # any case
        ("instability_watchlist=true", ["Ethiopia"]),
        ("instability_watchlist=false", ["Sudan", "Nigeria"]),
        ("q=nig", ["Nigeria"]),
        ("q=SDN", ["Sudan"]),
        ("q=land", []),  # Finland, Poland...: not listed
    ],
)
def test_dashboard_filters_and_search(client, member, watchlist, query, expected):
    client.force_login(member)
    response = client.get(f"{DASHBOARD}?{query}")
    assert response.status_code == 200
    assert names(response) == expected
    # The map shows the filtered countries; the counts stay those of the whole watchlist.
    assert sorted(c["name"] for c in response.context["map_data"]) == sorted(expected)
    assert response.context["total_listed"] == 3


def test_dashboard_filters_by_owner(client, member, watchlist, staff):
    client.force_login(member)
    response = client.get(f"{DASHBOARD}?owner={staff.username}")
    assert names(response) == ["Ethiopia"]
    # The owner menu offers the owners of listed countries, by name.
    option = f'<option value="{staff.username}" selected>Priya Raman</option>'
    assert option in response.content.decode()


def test_dashboard_rejects_an_unknown_tier_and_lists_nothing(client, member, watchlist):
    client.force_login(member)
    response = client.get(f"{DASHBOARD}?tier=catastrophic")
    assert response.status_code == 200
    assert names(response) == []
    assert "The filter is not valid" in response.content.decode()


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("", ["Sudan", "Ethiopia", "Nigeria"]),
        ("priority", ["Nigeria", "Ethiopia", "Sudan"]),
        ("name", ["Ethiopia", "Nigeria", "Sudan"]),
        ("-name", ["Sudan", "Nigeria", "Ethiopia"]),
        ("-risk_score", ["Nigeria", "Sudan", "Ethiopia"]),
        ("risk_score", ["Ethiopia", "Sudan", "Nigeria"]),
    ],
)
def test_dashboard_sorts(client, member, watchlist, ordering, expected):
    scores({"NGA": "0.30", "SDN": "0.20", "ETH": "0.10", "SOM": "0.05"})
    client.force_login(member)
    response = client.get(f"{DASHBOARD}?ordering={ordering}")
    assert names(response) == expected


def test_dashboard_sorts_by_last_change(client, member, watchlist, chair):
    Country.objects.filter(iso3="NGA").update(tier_since=timezone.localdate().replace(year=2020))
    Country.objects.filter(iso3="SDN").update(tier_since=timezone.localdate().replace(year=2022))
    client.force_login(member)
    newest = client.get(f"{DASHBOARD}?ordering=-last_change")
    assert names(newest) == ["Ethiopia", "Sudan", "Nigeria"]
    oldest = client.get(f"{DASHBOARD}?ordering=last_change")
    assert names(oldest) == ["Nigeria", "Sudan", "Ethiopia"]
    sort = re.search(
        r'<th scope="col"[^>]*aria-sort="(\w+)"[^>]*>Tier since', oldest.content.decode()
    )
    assert sort and sort.group(1) == "ascending"


def test_dashboard_shows_scores_and_flags(client, member, watchlist):
    """Tiers are decisions, not scores: a high-ranked unlisted country is flagged for the
    agenda, and a listed country the latest vintage did not score is flagged too (issue 3)."""
    scores({"SOM": "0.40", "SDN": "0.30", "NGA": "0.10"})
    client.force_login(member)
    response = client.get(DASHBOARD)
    flags = response.context["flags"]
    assert [c.iso3 for c in flags["scored_unlisted"]] == ["SOM"]
    assert [c.iso3 for c in flags["listed_unscored"]] == ["ETH"]
    html = response.content.decode()
    assert re.search(r"Somalia</a>: rank 1, risk 0\.400", html)
    sudan_row = re.search(r'<tr data-iso3="SDN">.*?</tr>', html, re.S).group(0)
    assert "0.300" in sudan_row and ">2<" in sudan_row


def test_dashboard_map_and_chart_data(client, member, watchlist):
    client.force_login(member)
    response = client.get(DASHBOARD)
    html = response.content.decode()
    data = json.loads(
        re.search(
            r'<script id="watchlist-map-data" type="application/json">(.*?)</script>', html
        ).group(1)
    )
    sudan = next(c for c in data if c["iso3"] == "SDN")
    assert sudan == {
        "iso3": "SDN",
        "numeric": "729",  # ISO 3166-1 numeric, as world-atlas ids it
        "name": "Sudan",
        "tier": "high_rising",
        "tier_label": "High and rising",
        "url": "/watchlist/SDN/",
    }
    chart = json.loads(
        re.search(
            r'<script id="tier-chart-data" type="application/json">(.*?)</script>', html
        ).group(1)
    )
    assert [s["tier"] for s in chart["series"]] == ["monitored", "moderate", "high_rising"]
    assert chart["labels"][-1] == timezone.localdate().strftime("%Y-%m")
    assert [s["data"][-1] for s in chart["series"]] == [1, 1, 1]
    # The chart's table alternative carries the same figures.
    month = timezone.localdate().strftime("%Y-%m")
    assert re.search(
        rf'<th scope="row">{month}</th><td class="apc-num">1</td>'
        r'<td class="apc-num">1</td><td class="apc-num">1</td>',
        html,
    )
    # No inline script or style: the page's CSP (script-src/style-src 'self') would block it.
    assert not re.search(r"<script(?![^>]*(src=|type=\"application/json\"))", html)
    assert " style=" not in html


def test_dashboard_links_to_management_pages_by_permission(client, staff, member, watchlist):
    client.force_login(staff)
    html = client.get(DASHBOARD).content.decode()
    assert reverse("watchlist:risk-import") in html
    assert reverse("watchlist:proposal-list") in html
    client.force_login(member)
    html = client.get(DASHBOARD).content.decode()
    assert reverse("watchlist:risk-import") not in html
    assert reverse("watchlist:proposal-list") not in html


def test_dashboard_paginates(client, member, chair, settings):
    settings.APC_PAGE_SIZE = 2
    for iso3 in ("SDN", "ETH", "NGA"):
        listed(iso3, Tier.MONITORED, chair)
    client.force_login(member)
    first = client.get(f"{DASHBOARD}?ordering=name")
    assert names(first) == ["Ethiopia", "Nigeria"]
    assert "ordering=name&amp;page=2" in first.content.decode()
    second = client.get(f"{DASHBOARD}?ordering=name&page=2")
    assert names(second) == ["Sudan"]


# --- CSV export -------------------------------------------------------------------------------


def test_export_writes_the_watchlist_as_csv(client, member, watchlist, staff):
    scores({"SDN": "0.25", "NGA": "0.125"})
    client.force_login(member)
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert 'filename="apc-watchlist.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert [r["iso3"] for r in rows] == ["SDN", "ETH", "NGA"]
    sudan, ethiopia = rows[0], rows[1]
    assert sudan["tier"] == "high_rising" and sudan["name"] == "Sudan"
    assert sudan["risk_score"] == "0.250000" and sudan["risk_rank"] == "1"
    assert sudan["tier_since"] == timezone.localdate().isoformat()
    assert sudan["marking"] == "U"
    assert sudan["url"] == "http://testserver/watchlist/SDN/"
    assert ethiopia["owner"] == staff.username
    assert ethiopia["instability_watchlist"] == "true" and sudan["instability_watchlist"] == "false"
    assert ethiopia["risk_score"] == ""
    assert AuditEvent.objects.filter(action="watchlist.export", actor=member).exists()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tier=moderate", ["ETH"]),
        ("instability_watchlist=false&ordering=name", ["NGA", "SDN"]),
        ("q=sud", ["SDN"]),
        ("ordering=-name", ["SDN", "NGA", "ETH"]),
    ],
)
def test_export_applies_the_dashboard_filters(client, member, watchlist, query, expected):
    client.force_login(member)
    rows = read_csv(client.get(f"{EXPORT}?{query}"))
    assert [r["iso3"] for r in rows] == expected


def test_export_refuses_an_invalid_filter(client, member, watchlist):
    client.force_login(member)
    response = client.get(f"{EXPORT}?tier=catastrophic")
    assert response.status_code == 400
    assert "tier" in response.content.decode()
    assert not AuditEvent.objects.filter(action="watchlist.export").exists()


def test_export_neutralises_spreadsheet_formulas(client, member, chair):
    owner = UserFactory(role=roles.DIRECTORATE, username="@SUM(A1)")
    sdn = listed("SDN", Tier.MONITORED, chair)
    services.country_update_profile(country=sdn, actor=owner, owner=owner)
    client.force_login(member)
    rows = read_csv(client.get(EXPORT))
    assert rows[0]["owner"] == "'@SUM(A1)"


def test_export_is_refused_to_auditors(client, watchlist):
    client.force_login(UserFactory(role=roles.AUDITOR))
    assert client.get(EXPORT).status_code == 403


def test_the_export_link_carries_the_filters(client, member, watchlist):
    client.force_login(member)
    html = client.get(f"{DASHBOARD}?tier=moderate&page=1").content.decode()
    assert f'href="{EXPORT}?tier=moderate"' in html


# --- Query counts -----------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)


# Countries of ISO 3166-1 with a numeric code, to list 25 of them.
MANY = [
    "SDN", "ETH", "NGA", "MMR", "COD", "SSD", "CAF", "AFG", "SYR", "HTI", "SOM", "MLI", "BFA",
    "NER", "PAK", "IRQ", "YEM", "LBY", "CMR", "MOZ", "IND", "VEN", "TCD", "BDI", "UKR",
]  # fmt: skip


@pytest.mark.parametrize("url", [DASHBOARD, EXPORT, f"{DASHBOARD}?ordering=-risk_score"])
def test_query_counts_do_not_grow_with_the_watchlist(client, chair, url):
    """Issue 3: query counts that do not grow with the number of countries (1 vs 25)."""
    owners = [UserFactory(role=roles.DIRECTORATE) for _ in range(3)]
    reader = UserFactory(role=roles.MEMBER)
    client.force_login(reader)

    def add(iso3s):
        for i, iso3 in enumerate(iso3s):
            c = listed(iso3, [Tier.MONITORED, Tier.MODERATE, Tier.HIGH_RISING][i % 3], chair)
            services.country_update_profile(country=c, actor=owners[0], owner=owners[i % 3])

    add(MANY[:1])
    scores(dict.fromkeys(MANY, "0.1"))
    one = _count(client, url)
    add(MANY[1:])
    many = _count(client, url)
    assert many == one, f"{one} queries with 1 country, {many} with 25"


# --- Country page -----------------------------------------------------------------------------


def test_country_page_shows_status_and_timeline(client, member, chair, staff):
    sdn = listed("SDN", Tier.MONITORED, chair, "Renewed fighting in Darfur.")
    services.tier_change(
        country=sdn, to_tier=Tier.MODERATE, rationale="Militias mobilising.", actor=chair
    )
    services.country_update_profile(
        country=sdn, actor=staff, owner=staff, us_influence=4, instability_watchlist=True
    )
    client.force_login(member)
    response = client.get(reverse("watchlist:country-detail", args=["sdn"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="current-tier">Moderate concern<' in html
    status = re.search(r'data-testid="status">(.*?)</dl>', html, re.S).group(1)
    for fact in ("<dt>Previous tier</dt><dd>Monitored</dd>", "<dd>Priya Raman</dd>", "4 of 5"):
        assert fact in status
    assert "<dt>Instability Watchlist</dt><dd>Yes</dd>" in status
    timeline = re.search(r'data-testid="timeline">(.*?)</ol>', html, re.S).group(1)
    entries = re.findall(r'<li class="apc-timeline__entry">(.*?)</li>', timeline, re.S)
    assert len(entries) == 2
    assert "Monitored → Moderate concern" in entries[0] and "Militias mobilising." in entries[0]
    assert f"Decided by Nadia Okafor ({chair.agency.short_name})" in entries[0]
    assert "Not listed → Monitored" in entries[1] and "Renewed fighting" in entries[1]


def test_country_page_of_an_unlisted_country(client, member):
    client.force_login(member)
    response = client.get(reverse("watchlist:country-detail", args=["FIN"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="current-tier">Not listed<' in html
    assert "No tier changes recorded." in html


def test_country_page_shows_risk_trend(client, member):
    country("SDN")
    for year, value, rank in ((2024, "0.2", 3), (2025, "0.3", 1)):
        vintage = RiskVintageFactory(vintage=timezone.localdate().replace(year=year, day=1))
        RiskScore.objects.create(vintage=vintage, country_id="SDN", value=value, rank=rank)
    client.force_login(member)
    response = client.get(reverse("watchlist:country-detail", args=["SDN"]))
    html = response.content.decode()
    data = json.loads(
        re.search(
            r'<script id="risk-chart-data" type="application/json">(.*?)</script>', html
        ).group(1)
    )
    assert data["values"] == [0.2, 0.3] and data["ranks"] == [3, 1]
    rows = re.search(r'data-testid="risk-table">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    assert rows.count("<tr>") == 2 and "0.300" in rows
    assert "0.300 (rank 1" in html  # the latest score in the status


def test_country_page_says_tasks_were_kept_open_after_a_downgrade(client, chair):
    """Issue 3: "downgrades keep open plans and say so on the country page"."""
    sdn = listed("SDN", Tier.HIGH_RISING, chair)
    services.tier_change(
        country=sdn, to_tier=Tier.MONITORED, rationale="Ceasefire holds.", actor=chair
    )
    assert PlanTask.objects.filter(country=sdn, status="open").count() == 4
    client.force_login(chair)
    html = client.get(reverse("watchlist:country-detail", args=["SDN"])).content.decode()
    assert 'data-testid="downgrade-note"' in html
    assert "kept open after the downgrade" in html
    tasks = re.search(r'data-testid="plan-tasks">(.*?)</table>', html, re.S).group(1)
    assert tasks.count("Kept open after the downgrade to Monitored.") == 4


def test_country_page_has_no_downgrade_note_after_an_upgrade(client, chair):
    sdn = listed("SDN", Tier.MODERATE, chair)
    services.tier_change(country=sdn, to_tier=Tier.HIGH_RISING, rationale="Worse.", actor=chair)
    client.force_login(chair)
    html = client.get(reverse("watchlist:country-detail", args=["SDN"])).content.decode()
    assert "Crisis prevention plan" in html
    assert "downgrade-note" not in html and "Kept open after" not in html


def test_observations_above_clearance_are_not_shown(client, staff):
    """An observation is invisible above the reader's clearance (DESIGN.md "Users")."""
    sdn = country("SDN")
    monitored = services.indicator_monitor(actor=staff, country=sdn, indicator=IndicatorFactory())
    day = timezone.localdate()
    for marking, note in ((Marking.U, "Open reporting."), (Marking.S, "Secret sourcing.")):
        services.observation_record(
            actor=staff, monitored=monitored, observed_on=day, level=2, note=note, marking=marking
        )
    cleared_c = UserFactory(role=roles.MEMBER, clearance=Marking.C)
    client.force_login(cleared_c)
    html = client.get(reverse("watchlist:country-detail", args=["SDN"])).content.decode()
    assert "Open reporting." in html
    assert "Secret sourcing." not in html
    assert 'data-testid="banner-top">UNCLASSIFIED<' in html

    client.force_login(UserFactory(role=roles.MEMBER, clearance=Marking.S))
    html = client.get(reverse("watchlist:country-detail", args=["SDN"])).content.decode()
    assert "(S) Secret sourcing." in html
    assert 'data-testid="banner-top">SECRET<' in html


def test_country_above_clearance_is_not_found(client):
    Country.objects.filter(iso3="SDN").update(marking=Marking.S)
    client.force_login(UserFactory(role=roles.MEMBER, clearance=Marking.C))
    assert client.get(reverse("watchlist:country-detail", args=["SDN"])).status_code == 404
    assert client.get(reverse("watchlist:tier-change", args=["SDN"])).status_code == 404


@pytest.mark.parametrize(
    ("role", "present", "absent"),
    [
        (roles.CO_CHAIR, ["Change the tier", "Edit the profile", "Mark reviewed"], ["Propose"]),
        (roles.DIRECTORATE, ["Propose a tier change", "Edit the profile", "Mark reviewed"], []),
        (roles.MEMBER, [], ["Change the tier", "Propose", "Edit the profile", "Mark reviewed"]),
        (roles.ANALYST, [], ["Change the tier", "Propose", "Edit the profile", "Mark reviewed"]),
    ],
)
def test_country_page_buttons_follow_the_policy(client, role, present, absent):
    country("SDN")
    client.force_login(UserFactory(role=role))
    html = client.get(reverse("watchlist:country-detail", args=["SDN"])).content.decode()
    for text in present:
        assert text in html
    for text in absent:
        assert text not in html
    assert ("country-actions" in html) == bool(present)


def test_country_page_links_observations_for_recorders_only(client, staff):
    sdn = country("SDN")
    monitored = services.indicator_monitor(actor=staff, country=sdn, indicator=IndicatorFactory())
    add = reverse("watchlist:observation-add", args=["SDN", monitored.pk])
    client.force_login(UserFactory(role=roles.ANALYST))
    assert add in client.get(reverse("watchlist:country-detail", args=["SDN"])).content.decode()
    client.force_login(UserFactory(role=roles.MEMBER))
    assert add not in client.get(reverse("watchlist:country-detail", args=["SDN"])).content.decode()


def test_country_page_shows_surveillance_to_those_who_may_see_it(client, chair):
    listed("SDN", Tier.HIGH_RISING, chair)
    client.force_login(chair)
    html = client.get(reverse("watchlist:country-detail", args=["SDN"])).content.decode()
    assert 'data-testid="surveillance-table"' in html and "Requested" in html
    client.force_login(UserFactory(role=roles.RED_TEAM))
    html = client.get(reverse("watchlist:country-detail", args=["SDN"])).content.decode()
    assert "surveillance-table" not in html and "plan-tasks" not in html


# --- Tier change and proposal -----------------------------------------------------------------


def tier_url(iso3: str = "SDN") -> str:
    return reverse("watchlist:tier-change", args=[iso3])


def test_the_form_says_what_will_happen(client, chair, staff):
    country("SDN")
    client.force_login(chair)
    html = client.get(tier_url()).content.decode()
    assert "Your decision takes effect at once" in html and ">Change the tier</button>" in html
    client.force_login(staff)
    html = client.get(tier_url()).content.decode()
    assert (
        "This sends a proposal to the co-chairs" in html and ">Send the proposal</button>" in html
    )


def test_co_chair_changes_the_tier_through_the_form(client, chair):
    client.force_login(chair)
    country("SDN")
    response = client.post(tier_url(), {"tier": "moderate", "rationale": "  Hate radio.  "})
    assert response.status_code == 302
    assert response["Location"] == reverse("watchlist:country-detail", args=["SDN"])
    sdn = Country.objects.get(iso3="SDN")
    assert sdn.tier == Tier.MODERATE
    change = TierChange.objects.get(country=sdn)
    assert (change.from_tier, change.to_tier, change.rationale) == (None, "moderate", "Hate radio.")
    assert change.decided_by == chair
    assert PlanTask.objects.filter(country=sdn, kind=PlanTask.Kind.PREVENTION_PLAN).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Sudan is now Moderate concern." in page


def test_co_chair_takes_a_country_off_the_list(client, chair):
    listed("SDN", Tier.MONITORED, chair)
    client.force_login(chair)
    response = client.post(tier_url(), {"tier": "none", "rationale": "Risk has receded."})
    assert response.status_code == 302
    sdn = Country.objects.get(iso3="SDN")
    assert sdn.tier is None and sdn.previous_tier == Tier.MONITORED


def test_directorate_submit_creates_a_proposal_and_leaves_the_tier(client, staff):
    client.force_login(staff)
    country("SDN")
    response = client.post(tier_url("sdn"), {"tier": "high_rising", "rationale": "Sieges."})
    assert response.status_code == 302
    proposal = TierProposal.objects.get(country_id="SDN")
    assert (proposal.to_tier, proposal.status, proposal.proposed_by) == (
        "high_rising",
        "pending",
        staff,
    )
    assert Country.objects.get(iso3="SDN").tier is None
    assert not TierChange.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "went to the co-chairs" in page and 'data-testid="pending-proposal"' in page


@pytest.mark.parametrize("rationale", ["", "   "])
@pytest.mark.parametrize("role", [roles.CO_CHAIR, roles.DIRECTORATE])
def test_missing_rationale_shows_an_error_and_changes_nothing(client, role, rationale):
    client.force_login(UserFactory(role=role))
    country("SDN")
    response = client.post(tier_url(), {"tier": "moderate", "rationale": rationale})
    assert response.status_code == 400
    html = response.content.decode()
    assert "A rationale is required." in html and "Nothing was changed." in html
    assert Country.objects.get(iso3="SDN").tier is None
    assert not TierChange.objects.exists() and not TierProposal.objects.exists()
    assert not PlanTask.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"tier": "catastrophic", "rationale": "x"}, "Select a valid choice."),
        ({"rationale": "x"}, "Choose the new tier."),
    ],
)
def test_bad_tier_shows_an_error_and_changes_nothing(client, chair, data, message):
    client.force_login(chair)
    country("SDN")
    response = client.post(tier_url(), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not TierChange.objects.exists()


def test_the_same_tier_changes_nothing(client, chair):
    listed("SDN", Tier.MODERATE, chair)
    client.force_login(chair)
    response = client.post(tier_url(), {"tier": "moderate", "rationale": "Again."})
    assert response.status_code == 400
    assert "already has that tier" in response.content.decode()
    assert TierChange.objects.count() == 1


def test_a_second_pending_proposal_is_refused_on_the_form(client, staff):
    client.force_login(staff)
    country("SDN")
    client.post(tier_url(), {"tier": "monitored", "rationale": "First."})
    response = client.post(tier_url(), {"tier": "moderate", "rationale": "Second."})
    assert response.status_code == 400
    assert "already pending" in response.content.decode()
    assert TierProposal.objects.count() == 1


@pytest.mark.parametrize("role", [roles.MEMBER, roles.ANALYST, roles.RED_TEAM, roles.API_CLIENT])
def test_others_may_not_change_or_propose(client, role):
    client.force_login(UserFactory(role=role))
    country("SDN")
    assert client.get(tier_url()).status_code == 403
    response = client.post(tier_url(), {"tier": "moderate", "rationale": "Because."})
    assert response.status_code == 403
    assert Country.objects.get(iso3="SDN").tier is None
    assert not TierChange.objects.exists() and not TierProposal.objects.exists()
    assert AuditEvent.objects.filter(outcome="denied").exists()


def test_auditors_do_not_even_see_the_country(client):
    client.force_login(UserFactory(role=roles.AUDITOR))
    country("SDN")
    response = client.post(tier_url(), {"tier": "moderate", "rationale": "Because."})
    assert response.status_code == 404
    assert not TierChange.objects.exists()


def test_anonymous_is_sent_to_sign_in(client):
    country("SDN")
    response = client.post(tier_url(), {"tier": "moderate", "rationale": "Because."})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not TierChange.objects.exists()


# --- Profile and review -----------------------------------------------------------------------


def test_profile_saves_the_factors_and_the_owner(client, chair, staff):
    listed("SDN", Tier.MODERATE, chair)
    client.force_login(staff)
    url = reverse("watchlist:profile", args=["SDN"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "instability_watchlist": "on",
            "us_influence": "5",
            "us_interests_impact": "2",
            "owner": staff.pk,
        },
    )
    assert response.status_code == 302
    sdn = Country.objects.get(iso3="SDN")
    assert sdn.instability_watchlist is True
    assert (sdn.us_influence, sdn.us_interests_impact, sdn.owner) == (5, 2, staff)
    assert sdn.priority == 252  # moderate (2), influence 5, interests 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"us_influence": "9"}, "us_influence"),
        ({"us_interests_impact": "0"}, "us_interests_impact"),
        ({"owner": lambda: UserFactory(role=roles.MEMBER).pk}, "owner"),  # not directorate
    ],
)
def test_profile_rejects_bad_input_and_changes_nothing(client, staff, data, field):
    country("SDN")
    data = {k: v() if callable(v) else v for k, v in data.items()}
    client.force_login(staff)
    response = client.post(reverse("watchlist:profile", args=["SDN"]), data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert response.context["form"].errors.get(field)
    sdn = Country.objects.get(iso3="SDN")
    assert (sdn.us_influence, sdn.us_interests_impact, sdn.owner) == (None, None, None)


def test_profile_is_refused_to_members(client, member):
    country("SDN")
    client.force_login(member)
    url = reverse("watchlist:profile", args=["SDN"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"us_influence": "5"}).status_code == 403
    assert Country.objects.get(iso3="SDN").us_influence is None


def test_mark_reviewed_sets_the_dates(client, chair):
    country("SDN")
    client.force_login(chair)
    response = client.post(reverse("watchlist:review", args=["SDN"]))
    assert response.status_code == 302
    sdn = Country.objects.get(iso3="SDN")
    assert sdn.last_reviewed == timezone.localdate()
    assert sdn.next_review_due == services.next_review_after(timezone.localdate())
    page = client.get(response["Location"]).content.decode()
    assert "Sudan marked reviewed; next review due" in page


def test_mark_reviewed_is_refused_to_members(client, member):
    country("SDN")
    client.force_login(member)
    assert client.post(reverse("watchlist:review", args=["SDN"])).status_code == 403
    assert Country.objects.get(iso3="SDN").last_reviewed is None


def test_dashboard_banner_covers_every_filtered_country_not_only_this_page(client, chair, settings):
    """The map, the tier lists and the chart name every filtered country, so the banner must
    cover the highest marking among them even when the table shows one page."""
    settings.APC_PAGE_SIZE = 1
    listed("SDN", Tier.HIGH_RISING, chair)
    listed("ZWE", Tier.MONITORED, chair)
    Country.objects.filter(pk="ZWE").update(marking=Marking.S)
    client.force_login(UserFactory(role=roles.MEMBER, clearance=Marking.S))
    page = client.get(DASHBOARD).content.decode()
    assert 'data-testid="banner-top">SECRET<' in page


def test_country_page_query_count_does_not_grow_with_its_records(client, chair, staff):
    """Indicators, observations, history and plan tasks are fetched in a fixed number of
    queries, whatever their number (1 vs many)."""
    ic = UserFactory(
        role=roles.MEMBER, agency__code="odni", agency__name="IC", agency__short_name="IC"
    )
    client.force_login(ic)
    mmr = listed("MMR", Tier.HIGH_RISING, chair)
    url = reverse("watchlist:country-detail", args=["MMR"])
    monitored = services.indicator_monitor(actor=staff, country=mmr, indicator=IndicatorFactory())
    services.observation_record(
        actor=staff, monitored=monitored, observed_on=timezone.localdate(), level=1
    )
    one = _count(client, url)
    for _ in range(5):
        m = services.indicator_monitor(actor=staff, country=mmr, indicator=IndicatorFactory())
        for level in (1, 2, 3):
            services.observation_record(
                actor=staff, monitored=m, observed_on=timezone.localdate(), level=level
            )
    services.tier_change(country=mmr, to_tier=Tier.MODERATE, rationale="down", actor=chair)
    services.tier_change(country=mmr, to_tier=Tier.HIGH_RISING, rationale="up", actor=chair)
    many = _count(client, url)
    assert many == one, f"{one} queries with few records, {many} with many"
