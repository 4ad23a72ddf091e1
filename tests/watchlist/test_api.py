"""The watchlist REST API: list (JSON and CSV) with filters, ordering and a per-caller ETag;
detail with history and risk scores; the co-chairs' tier change; token authentication; the
OpenAPI schema and its docs page.

Source: issue 3, "REST API"; seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and
Process" (the APC keeps the Atrocities Watchlist that other agencies follow) and DESIGN.md,
"Users" (`api_client`: service accounts of other agencies "read watchlist status over REST
with a token"; records above a user's clearance are invisible, 404).
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from apc.core import roles
from apc.core.markings import Marking
from apc.models import AuditEvent
from tests.factories import (
    MeetingFactory,
    RiskVintageFactory,
    UserFactory,
    country,
    ensure_countries,
    held_meeting,
)
from watchlist import services
from watchlist.api import CSVRenderer
from watchlist.models import Country, RiskScore, Tier, TierChange, priority_of
from watchlist.serializers import COLUMNS

pytestmark = pytest.mark.django_db

LIST = "/api/v1/watchlist/"
CSV_URL = "/api/v1/watchlist.csv"


def put_on_list(iso3s, tier=Tier.MONITORED, **fields):
    """Test setup: list countries by setting their tier directly (no history, no tasks)."""
    ensure_countries()
    Country.objects.filter(iso3__in=iso3s).update(
        tier=tier,
        tier_since=fields.pop("tier_since", date(2026, 1, 1)),
        priority=priority_of(tier, fields.get("us_influence"), fields.get("us_interests_impact")),
        updated_at=fields.pop("updated_at", timezone.now()),
        **fields,
    )


def token_headers(user):
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


@pytest.fixture
def reader(client):
    """An api_client service account that calls with its token."""
    user = UserFactory(role=roles.API_CLIENT)
    client.defaults["HTTP_AUTHORIZATION"] = token_headers(user)["Authorization"]
    return user


@pytest.fixture
def chair():
    return UserFactory(role=roles.CO_CHAIR)


def iso3s(response):
    return [row["iso3"] for row in response.json()["results"]]


# --- list: fields, filters, ordering, pagination ---------------------------------------------


def test_list_has_every_field_for_listed_countries_only(client, reader):
    put_on_list(["SDN"], Tier.MODERATE, instability_watchlist=True)
    Country.objects.filter(iso3="SDN").update(
        previous_tier=Tier.MONITORED,
        last_reviewed=date(2026, 3, 1),
        next_review_due=date(2026, 5, 1),
    )
    vintage = RiskVintageFactory(vintage=date(2026, 1, 1))
    RiskScore.objects.create(vintage=vintage, country_id="SDN", value=Decimal("0.25"), rank=3)

    response = client.get(LIST)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["next"] is None
    [row] = body["results"]
    assert list(row) == COLUMNS
    assert row == {
        "iso3": "SDN",
        "name": "Sudan",
        "region": "Northern Africa",
        "tier": "moderate",
        "tier_since": "2026-01-01",
        "previous_tier": "monitored",
        "instability_watchlist": True,
        "priority": priority_of(Tier.MODERATE, None, None),
        "risk_score": 0.25,
        "risk_rank": 3,
        "risk_vintage": "2026-01-01",
        "last_reviewed": "2026-03-01",
        "next_review_due": "2026-05-01",
        "updated_at": row["updated_at"],
        "marking": "U",
        "url": "http://testserver/api/v1/watchlist/SDN/",
    }
    assert response["X-APC-Classification"] == "UNCLASSIFIED"


def test_list_without_scores_has_null_risk_fields(client, reader):
    put_on_list(["SDN"])
    [row] = client.get(LIST).json()["results"]
    assert (row["risk_score"], row["risk_rank"], row["risk_vintage"]) == (None, None, None)


def test_filter_by_tier_one_or_several(client, reader):
    put_on_list(["SDN"], Tier.HIGH_RISING)
    put_on_list(["ETH"], Tier.MODERATE)
    put_on_list(["NGA"], Tier.MONITORED)
    assert iso3s(client.get(LIST, {"tier": "moderate"})) == ["ETH"]
    both = iso3s(client.get(LIST, {"tier": ["moderate", "high_rising"]}))
    assert sorted(both) == ["ETH", "SDN"]


def test_filter_by_region_ignores_case(client, reader):
    put_on_list(["SDN", "ETH", "SSD", "MMR"])
    found = iso3s(client.get(LIST, {"region": "eastern africa", "ordering": "name"}))
    assert found == ["ETH", "SSD"]


def test_filter_by_instability_watchlist(client, reader):
    put_on_list(["SDN"], instability_watchlist=True)
    put_on_list(["ETH"], instability_watchlist=False)
    assert iso3s(client.get(LIST, {"instability_watchlist": "true"})) == ["SDN"]
    assert iso3s(client.get(LIST, {"instability_watchlist": "false"})) == ["ETH"]


def test_filter_updated_since_takes_iso_8601(client, reader):
    put_on_list(["SDN"], updated_at=timezone.now() - timedelta(days=10))
    put_on_list(["ETH"], updated_at=timezone.now() - timedelta(hours=1))
    since = (timezone.now() - timedelta(days=1)).isoformat()  # with its +00:00 offset
    assert iso3s(client.get(LIST, {"updated_since": since})) == ["ETH"]
    assert sorted(iso3s(client.get(LIST, {"updated_since": "2020-01-01T00:00:00Z"}))) == [
        "ETH",
        "SDN",
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"tier": "catastrophic"}, "tier"),
        ({"updated_since": "last tuesday"}, "updated_since"),
        ({"ordering": "shoe_size"}, "ordering"),
    ],
)
def test_bad_filter_values_answer_400_with_field_errors(client, reader, params, field):
    put_on_list(["SDN"])
    response = client.get(LIST, params)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and field in body["errors"]


def test_default_order_is_priority_then_name(client, reader):
    put_on_list(["NGA"], Tier.MONITORED)
    put_on_list(["SDN"], Tier.HIGH_RISING)
    put_on_list(["ETH", "AFG"], Tier.MODERATE)
    assert iso3s(client.get(LIST)) == ["SDN", "AFG", "ETH", "NGA"]


def test_ordering_by_name_risk_score_and_last_change(client, reader):
    put_on_list(["SDN"], tier_since=date(2026, 3, 1))
    put_on_list(["ETH"], tier_since=date(2026, 1, 1))
    put_on_list(["AFG"], tier_since=date(2026, 2, 1))
    vintage = RiskVintageFactory()
    for iso3, value in [("SDN", "0.1"), ("ETH", "0.3"), ("AFG", "0.2")]:
        RiskScore.objects.create(vintage=vintage, country_id=iso3, value=Decimal(value), rank=1)
    assert iso3s(client.get(LIST, {"ordering": "name"})) == ["AFG", "ETH", "SDN"]
    assert iso3s(client.get(LIST, {"ordering": "-name"})) == ["SDN", "ETH", "AFG"]
    assert iso3s(client.get(LIST, {"ordering": "-risk_score"})) == ["ETH", "AFG", "SDN"]
    assert iso3s(client.get(LIST, {"ordering": "last_change"})) == ["ETH", "AFG", "SDN"]


def test_list_is_paginated_like_the_rest_of_the_api(client, reader):
    codes = list(Country.objects.order_by("iso3").values_list("iso3", flat=True)[:60])
    put_on_list(codes)
    first = client.get(LIST).json()
    assert first["count"] == 60 and len(first["results"]) == 50
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 10
    seen = [r["iso3"] for r in first["results"] + second["results"]]
    assert sorted(seen) == sorted(codes)


def test_list_shows_only_what_the_callers_clearance_allows(client):
    put_on_list(["SDN", "ETH"])
    Country.objects.filter(iso3="SDN").update(marking=Marking.S)
    low = UserFactory(role=roles.API_CLIENT, clearance=Marking.U)
    high = UserFactory(role=roles.API_CLIENT, clearance=Marking.S)
    response = client.get(LIST, headers=token_headers(low))
    assert iso3s(response) == ["ETH"]
    assert response["X-APC-Classification"] == "UNCLASSIFIED"
    response = client.get(LIST, headers=token_headers(high))
    assert sorted(iso3s(response)) == ["ETH", "SDN"]
    assert response["X-APC-Classification"] == "SECRET"


def test_auditor_is_refused_the_list(client):
    auditor = UserFactory(role=roles.AUDITOR)
    put_on_list(["SDN"])
    response = client.get(LIST, headers=token_headers(auditor))
    assert response.status_code == 403
    assert response.json()["errors"] == {}
    assert AuditEvent.objects.filter(actor=auditor, outcome="denied").exists()


# --- ETag ------------------------------------------------------------------------------------


def test_same_caller_repeat_gets_304_without_a_body(client, reader):
    put_on_list(["SDN"])
    first = client.get(LIST)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    assert "Authorization" in first["Vary"] and "private" in first["Cache-Control"]

    again = client.get(LIST, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag

    weak = client.get(LIST, headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    stale = client.get(LIST, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale["ETag"] == etag


def test_a_tier_change_changes_the_etag(client, reader, chair):
    """Done when: a REST client with a token pulls the watchlist, gets 304 on an unchanged
    repeat, and sees a tier change made by a co-chair on its next pull."""
    put_on_list(["SDN", "ETH"])
    etag = client.get(LIST)["ETag"]
    assert client.get(LIST, headers={"If-None-Match": etag}).status_code == 304

    services.tier_change(
        country=country("ETH"), to_tier=Tier.HIGH_RISING, rationale="Mass killings.", actor=chair
    )

    response = client.get(LIST, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag
    tiers = {row["iso3"]: row["tier"] for row in response.json()["results"]}
    assert tiers == {"SDN": "monitored", "ETH": "high_rising"}
    assert client.get(LIST, headers={"If-None-Match": response["ETag"]}).status_code == 304


def test_callers_who_see_different_sets_get_different_etags(client):
    put_on_list(["SDN", "ETH"])
    Country.objects.filter(iso3="SDN").update(marking=Marking.C)
    low = UserFactory(role=roles.API_CLIENT, clearance=Marking.CUI)
    high = UserFactory(role=roles.API_CLIENT, clearance=Marking.S)
    also_high = UserFactory(role=roles.MEMBER, clearance=Marking.S)
    etag_low = client.get(LIST, headers=token_headers(low))["ETag"]
    etag_high = client.get(LIST, headers=token_headers(high))["ETag"]
    assert etag_low != etag_high
    # the same set gives the same tag; the other's tag is no use for a 304
    assert client.get(LIST, headers=token_headers(also_high))["ETag"] == etag_high
    response = client.get(LIST, headers={**token_headers(low), "If-None-Match": etag_high})
    assert response.status_code == 200


def test_etag_depends_on_filters_format_and_a_new_risk_vintage(client, reader):
    put_on_list(["SDN", "ETH"])
    plain = client.get(LIST)["ETag"]
    assert client.get(LIST, {"tier": "monitored"})["ETag"] != plain
    assert client.get(LIST, {"format": "csv"})["ETag"] != plain
    vintage = RiskVintageFactory()
    RiskScore.objects.create(vintage=vintage, country_id="SDN", value=Decimal("0.5"), rank=1)
    assert client.get(LIST)["ETag"] != plain


def test_304_carries_the_highest_marking_of_what_the_tag_covers(client):
    put_on_list(["SDN"])
    Country.objects.filter(iso3="SDN").update(marking=Marking.C)
    user = UserFactory(role=roles.API_CLIENT, clearance=Marking.S)
    etag = client.get(LIST, headers=token_headers(user))["ETag"]
    response = client.get(LIST, headers={**token_headers(user), "If-None-Match": etag})
    assert response.status_code == 304
    assert response["X-APC-Classification"] == "CONFIDENTIAL"


# --- authentication --------------------------------------------------------------------------


def test_token_authentication(client):
    put_on_list(["SDN"])
    user = UserFactory(role=roles.API_CLIENT)
    assert client.get(LIST, headers=token_headers(user)).status_code == 200


@pytest.mark.parametrize("url", [LIST, CSV_URL, f"{LIST}SDN/"])
def test_no_credentials_answer_401_with_a_token_challenge(client, url):
    ensure_countries()
    response = client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "errors": {},
    }


def test_schema_needs_credentials(client):
    response = client.get("/api/schema/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_token_answers_401(client):
    response = client.get(LIST, headers={"Authorization": "Token not-a-real-token"})
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


def test_browsers_use_their_session(client):
    put_on_list(["SDN"])
    client.force_login(UserFactory(role=roles.MEMBER))
    assert iso3s(client.get(LIST)) == ["SDN"]


# --- CSV -------------------------------------------------------------------------------------


def read_csv(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("url", [CSV_URL, f"{LIST}?format=csv"])
def test_csv_is_the_whole_filtered_list_with_the_json_columns(client, reader, url):
    codes = list(Country.objects.order_by("iso3").values_list("iso3", flat=True)[:55])
    put_on_list(codes)
    put_on_list(["SDN"], Tier.HIGH_RISING)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="watchlist.csv"'
    assert response["ETag"]
    header = response.content.decode().splitlines()[0]
    assert header == ",".join(COLUMNS)
    rows = read_csv(response)
    assert len(rows) == len(set(codes) | {"SDN"})  # not paginated
    assert rows[0]["iso3"] == "SDN" and rows[0]["tier"] == "high_rising"
    assert rows[0]["url"] == "http://testserver/api/v1/watchlist/SDN/"

    sep = "&" if "?" in url else "?"
    filtered = read_csv(client.get(f"{url}{sep}tier=high_rising"))
    assert [r["iso3"] for r in filtered] == ["SDN"]


def test_csv_errors_are_json(client, reader):
    response = client.get(CSV_URL, {"tier": "catastrophic"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "tier" in response.json()["errors"]


def test_csv_neutralises_formulas():
    out = CSVRenderer().render(
        [{"name": "=HYPERLINK(1)", "iso3": "SDN", "risk_rank": None}],
        renderer_context={"csv_header": ["iso3", "name", "risk_rank"]},
    )
    assert out.decode().splitlines() == ["iso3,name,risk_rank", "SDN,'=HYPERLINK(1),"]


def test_detail_has_no_csv(client, reader):
    ensure_countries()
    assert client.get(f"{LIST}SDN.csv").status_code == 404


# --- detail ----------------------------------------------------------------------------------


def test_detail_has_the_list_fields_history_and_every_risk_vintage(client, reader, chair):
    sdn = country("SDN")
    meeting = held_meeting()
    services.tier_change(country=sdn, to_tier=Tier.MONITORED, rationale="Watch.", actor=chair)
    services.tier_change(
        country=sdn, to_tier=Tier.MODERATE, rationale="Worse.", actor=chair, meeting=meeting.pk
    )
    old = RiskVintageFactory(vintage=date(2025, 1, 1), source="EWP")
    new = RiskVintageFactory(vintage=date(2026, 1, 1), source="EWP")
    RiskScore.objects.create(vintage=old, country=sdn, value=Decimal("0.1"), rank=9)
    RiskScore.objects.create(vintage=new, country=sdn, value=Decimal("0.2"), rank=4)

    response = client.get(f"{LIST}SDN/")

    assert response.status_code == 200
    body = response.json()
    assert list(body) == [*COLUMNS, "history", "risk_scores"]
    assert (body["tier"], body["previous_tier"]) == ("moderate", "monitored")
    assert (body["risk_score"], body["risk_rank"]) == (0.2, 4)
    latest, first = body["history"]
    assert latest == {
        "id": latest["id"],
        "from": "monitored",
        "to": "moderate",
        "effective": timezone.localdate().isoformat(),
        "rationale": "Worse.",
        "decided_by": {
            "name": str(chair),
            "agency": chair.agency.short_name,
            "agency_code": chair.agency.code,
        },
        "meeting": None,  # a service account sees no meeting, so none is named to it
        "created_at": latest["created_at"],
    }
    assert (first["from"], first["to"], first["meeting"]) == (None, "monitored", None)
    assert body["risk_scores"] == [
        {
            "vintage": "2025-01-01",
            "source": "EWP",
            "forecast_window": old.forecast_window,
            "value": 0.1,
            "rank": 9,
        },
        {
            "vintage": "2026-01-01",
            "source": "EWP",
            "forecast_window": new.forecast_window,
            "value": 0.2,
            "rank": 4,
        },
    ]


def test_detail_of_an_unlisted_country_has_tier_null(client, reader):
    ensure_countries()
    body = client.get(f"{LIST}XKX/").json()
    assert (body["iso3"], body["name"], body["tier"]) == ("XKX", "Kosovo", None)
    assert body["history"] == [] and body["risk_scores"] == []


def test_detail_lookup_ignores_case(client, reader):
    ensure_countries()
    assert client.get(f"{LIST}sdn/").json()["iso3"] == "SDN"


def test_unknown_iso_code_answers_404_json(client, reader):
    ensure_countries()
    response = client.get(f"{LIST}ZZZ/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_country_above_the_callers_clearance_answers_404(client):
    ensure_countries()
    Country.objects.filter(iso3="SDN").update(marking=Marking.S)
    low = UserFactory(role=roles.API_CLIENT, clearance=Marking.C)
    high = UserFactory(role=roles.API_CLIENT, clearance=Marking.S)
    response = client.get(f"{LIST}SDN/", headers=token_headers(low))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(actor=low, object_id="SDN", outcome="denied").exists()
    response = client.get(f"{LIST}SDN/", headers=token_headers(high))
    assert response.status_code == 200
    assert response["X-APC-Classification"] == "SECRET"


def test_api_client_reads_are_not_audited(client, reader):
    put_on_list(["SDN"])
    before = AuditEvent.objects.count()
    assert client.get(LIST).status_code == 200
    assert client.get(f"{LIST}SDN/").status_code == 200
    assert AuditEvent.objects.count() == before


# --- tier change -----------------------------------------------------------------------------


def tier_url(iso3="SDN"):
    return f"{LIST}{iso3}/tier/"


def test_co_chair_changes_a_tier(client, chair):
    ensure_countries()
    meeting = held_meeting()
    client.force_login(chair)
    response = client.post(
        tier_url(),
        {"tier": "high_rising", "rationale": "Killings in Darfur.", "meeting": meeting.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    change = TierChange.objects.get(country_id="SDN")
    assert body["id"] == change.pk
    assert (body["from"], body["to"], body["rationale"], body["meeting"]) == (
        None,
        "high_rising",
        "Killings in Darfur.",
        meeting.pk,
    )
    assert body["decided_by"]["name"] == str(chair)
    assert Country.objects.get(iso3="SDN").tier == Tier.HIGH_RISING
    assert AuditEvent.objects.filter(action="watchlist.tier_change", object_id="SDN").exists()
    # and the list shows it
    assert client.get(LIST).json()["results"][0]["tier"] == "high_rising"


def test_co_chair_takes_a_country_off_the_list(client, chair):
    put_on_list(["SDN"])
    client.force_login(chair)
    response = client.post(
        tier_url(), {"tier": None, "rationale": "Resolved."}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["to"] is None
    assert Country.objects.get(iso3="SDN").tier is None


def test_the_same_tier_again_changes_nothing(client, chair):
    ensure_countries()
    client.force_login(chair)
    payload = {"tier": "moderate", "rationale": "Concern."}
    assert client.post(tier_url(), payload, content_type="application/json").status_code == 201
    response = client.post(tier_url(), payload, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {
        "detail": "No change: Sudan is already Moderate concern.",
        "errors": {},
    }
    assert TierChange.objects.filter(country_id="SDN").count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"tier": "moderate"}, "rationale"),
        ({"tier": "moderate", "rationale": "   "}, "rationale"),
        ({"tier": "catastrophic", "rationale": "Why not."}, "tier"),
        ({"rationale": "No tier given."}, "tier"),
        ({"tier": "moderate", "rationale": "Ok.", "meeting": "next one"}, "meeting"),
        # a meeting that does not exist, or has not been held, decided nothing
        ({"tier": "moderate", "rationale": "Ok.", "meeting": 999999}, "meeting"),
        ({"tier": "moderate", "rationale": "Ok.", "meeting": "scheduled"}, "meeting"),
    ],
)
def test_bad_input_answers_400_and_changes_nothing(client, chair, payload, field):
    ensure_countries()
    if payload.get("meeting") == "scheduled":
        payload = {**payload, "meeting": MeetingFactory().pk}
    client.force_login(chair)
    response = client.post(tier_url(), payload, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and body["errors"][field]
    assert not TierChange.objects.exists()
    assert Country.objects.get(iso3="SDN").tier is None


@pytest.mark.parametrize(
    "role", [r for r in roles.ALL if r not in (roles.CO_CHAIR, roles.AUDITOR, roles.API_CLIENT)]
)
def test_roles_that_see_but_may_not_decide_get_403(client, role):
    ensure_countries()
    client.force_login(UserFactory(role=role))
    response = client.post(
        tier_url(), {"tier": "moderate", "rationale": "Mine."}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["errors"] == {}
    assert not TierChange.objects.exists()


def test_those_who_may_not_see_get_404(client):
    ensure_countries()
    Country.objects.filter(iso3="SDN").update(marking=Marking.S)
    payload = {"tier": "moderate", "rationale": "Mine."}
    for user in (
        UserFactory(role=roles.AUDITOR),
        UserFactory(role=roles.CO_CHAIR, clearance=Marking.C),
    ):
        client.force_login(user)
        response = client.post(tier_url(), payload, content_type="application/json")
        assert response.status_code == 404
    client.force_login(UserFactory(role=roles.CO_CHAIR))
    response = client.post(tier_url("ZZZ"), payload, content_type="application/json")
    assert response.status_code == 404
    assert not TierChange.objects.exists()


@pytest.mark.parametrize("also", [None, roles.CO_CHAIR])
def test_an_api_client_can_never_write(client, also):
    """Even an api_client account that also holds the co-chair role is refused (and the
    refusal is audited); the answer is the same for a country that does not exist."""
    ensure_countries()
    user = UserFactory(role=[roles.API_CLIENT, also] if also else roles.API_CLIENT)
    payload = {"tier": "moderate", "rationale": "Automated."}
    for iso3 in ("SDN", "ZZZ"):
        response = client.post(
            tier_url(iso3), payload, content_type="application/json", headers=token_headers(user)
        )
        assert response.status_code == 403
        assert response.json()["detail"] == "API client accounts may only read."
    assert not TierChange.objects.exists()
    assert AuditEvent.objects.filter(actor=user, outcome="denied").count() == 2


def test_anonymous_tier_change_answers_401(client):
    ensure_countries()
    response = client.post(tier_url(), {"tier": "moderate", "rationale": "x"})
    assert response.status_code == 401
    assert not TierChange.objects.exists()


# --- query counts ----------------------------------------------------------------------------


def count_queries(client, url, **kwargs) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **kwargs)
        assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [LIST, CSV_URL, f"{LIST}?ordering=-risk_score"])
def test_list_queries_do_not_grow_with_the_listed_countries(client, reader, url):
    ensure_countries()
    vintage = RiskVintageFactory()
    codes = list(Country.objects.order_by("iso3").values_list("iso3", flat=True)[:200])
    RiskScore.objects.bulk_create(
        RiskScore(vintage=vintage, country_id=code, value=Decimal("0.01") * (i % 90), rank=i + 1)
        for i, code in enumerate(codes)
    )
    counts = []
    for n in (1, 25, 200):
        put_on_list(codes[:n])
        counts.append(count_queries(client, url))
    assert counts[0] == counts[1] == counts[2], counts
    assert counts[0] <= 8


def test_detail_queries_do_not_grow_with_history_or_vintages(client, reader, chair):
    sdn = country("SDN")
    counts = []
    for n in (1, 25):
        TierChange.objects.bulk_create(
            TierChange(
                country=sdn,
                from_tier=None,
                to_tier=Tier.MONITORED,
                rationale=f"Change {i}",
                decided_by=chair,
                decided_by_agency=chair.agency,
            )
            for i in range(n)
        )
        for _ in range(n):
            vintage = RiskVintageFactory(vintage=date(1990 + RiskScore.objects.count(), 1, 1))
            RiskScore.objects.create(vintage=vintage, country=sdn, value=Decimal("0.1"), rank=1)
        counts.append(count_queries(client, f"{LIST}SDN/"))
    assert counts[0] == counts[1], counts


# --- schema and docs -------------------------------------------------------------------------


def test_openapi_schema_describes_the_watchlist(client, reader):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/watchlist/",
        "/api/v1/watchlist/{iso3}/",
        "/api/v1/watchlist/{iso3}/tier/",
        "/api/v1/watchlist.csv",
    ):
        assert path in paths
    listing = paths["/api/v1/watchlist/"]["get"]
    params = {p["name"] for p in listing["parameters"]}
    assert {"tier", "region", "instability_watchlist", "updated_since", "ordering"} <= params
    assert set(paths["/api/v1/watchlist/{iso3}/tier/"]["post"]["responses"]) >= {"201", "200"}


def test_docs_page_loads_its_assets_from_our_static_files(client):
    """Our CSP allows scripts and styles from 'self' only: no CDN, no inline script."""
    client.force_login(UserFactory(role=roles.MEMBER))
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'src="http' not in html and 'href="http' not in html and "cdn" not in html
    assets = [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
    ]
    from django.contrib.staticfiles import finders

    for asset in assets:
        assert asset in html
        # collected into STATIC_ROOT and served by whitenoise in production
        assert finders.find(asset.removeprefix("/static/")), asset
    assert "<script>" not in html
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_docs_page_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sync_by_updated_since_also_returns_countries_taken_off_the_list(client, reader):
    chair = UserFactory(role=roles.CO_CHAIR)
    since = (timezone.now() - timedelta(minutes=5)).isoformat()
    services.tier_change(
        country=country("SDN"), to_tier=Tier.MONITORED, rationale="on", actor=chair
    )
    services.tier_change(country=country("SDN"), to_tier=None, rationale="off", actor=chair)
    rows = client.get(LIST, {"updated_since": since}).json()["results"]
    assert [(r["iso3"], r["tier"]) for r in rows] == [("SDN", None)]
    assert iso3s(client.get(LIST)) == []  # without updated_since: the listed countries only
