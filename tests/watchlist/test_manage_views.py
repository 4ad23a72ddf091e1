"""The watchlist's management pages: tier proposals, the indicator catalogue, monitoring and
observations, surveillance requests and the risk-score upload.

Source: seeds/000_588810f2139c9d78.txt, "Decision Support and Planning" (for "high and rising"
risk, "heightened intelligence surveillance and monitoring of case-specific indicators and
warnings") and issue 3 ("Tiers": the directorate proposes, the co-chairs accept or reject;
"Risk scores": the upload page, atomic, every problem with its line number, the top ten;
"Indicators": observations above a user's clearance are invisible to them).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from apc.core import roles
from apc.core.markings import Marking
from apc.models import Agency, AuditEvent
from tests.factories import IndicatorFactory, UserFactory, country, ensure_reference_data
from watchlist import services
from watchlist.models import (
    Country,
    Indicator,
    MonitoredIndicator,
    Observation,
    RiskScore,
    RiskVintage,
    SurveillanceRequest,
    TierChange,
    TierProposal,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_data():
    ensure_reference_data()


@pytest.fixture
def chair():
    return UserFactory(role=roles.CO_CHAIR)


@pytest.fixture
def staff():
    """Directorate staff (the NSC)."""
    return UserFactory(role=roles.DIRECTORATE, agency=Agency.objects.get(code="nsc"))


def propose(actor, iso3="SDN", to_tier="moderate", rationale="Hate speech is rising."):
    return services.tier_propose(
        country=country(iso3), to_tier=to_tier, rationale=rationale, actor=actor
    )


def transition_url(proposal, action):
    return reverse("watchlist:proposal-transition", args=[proposal.pk, action])


def page_text(response) -> str:
    return response.content.decode()


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
    return len(ctx.captured_queries)


# --- Proposals --------------------------------------------------------------------------------


def test_proposal_list_offers_each_user_the_actions_the_workflow_allows(client, chair, staff):
    proposal = propose(staff, rationale="Militia recruitment along ethnic lines.")
    other_staff = UserFactory(role=roles.DIRECTORATE)

    client.force_login(chair)
    html = page_text(client.get(reverse("watchlist:proposal-list")))
    assert "Militia recruitment along ethnic lines." in html
    assert transition_url(proposal, "accept") in html
    assert transition_url(proposal, "reject") in html
    assert transition_url(proposal, "withdraw") not in html
    assert reverse("watchlist:country-detail", args=["SDN"]) in html

    client.force_login(staff)  # the proposer may withdraw, not decide
    html = page_text(client.get(reverse("watchlist:proposal-list")))
    assert transition_url(proposal, "withdraw") in html
    assert transition_url(proposal, "accept") not in html

    client.force_login(other_staff)  # another directorate member only reads it
    html = page_text(client.get(reverse("watchlist:proposal-list")))
    assert "Militia recruitment along ethnic lines." in html
    assert "proposals/" + str(proposal.pk) not in html
    assert "Awaiting a co-chair" in html


def test_co_chair_accepts_and_the_tier_changes(client, chair, staff):
    proposal = propose(staff)
    client.force_login(chair)
    response = client.post(transition_url(proposal, "accept"), {"note": "Agreed at the meeting."})
    assert response.status_code == 302
    assert response.url == reverse("watchlist:proposal-list")
    assert "Proposal accepted: Sudan is now Moderate concern." in flash(response)
    proposal.refresh_from_db()
    assert proposal.status == TierProposal.Status.ACCEPTED and proposal.decided_by == chair
    assert country("SDN").tier == "moderate"
    change = TierChange.objects.get(proposal=proposal)
    assert change.decided_by == chair and "Agreed at the meeting." in change.rationale

    html = page_text(client.get(reverse("watchlist:proposal-list")))
    assert "No proposals are pending." in html
    assert "Agreed at the meeting." in html  # recently decided, with the note


def test_rejecting_without_a_note_shows_the_error_and_changes_nothing(client, chair, staff):
    proposal = propose(staff)
    client.force_login(chair)
    response = client.post(transition_url(proposal, "reject"), {"note": "   "})
    assert response.status_code == 400
    html = page_text(response)
    assert "Say why the proposal is rejected." in html
    assert f'id="id_proposal{proposal.pk}_note"' in html
    proposal.refresh_from_db()
    assert proposal.status == TierProposal.Status.PENDING
    assert country("SDN").tier is None

    response = client.post(transition_url(proposal, "reject"), {"note": "Not yet warranted."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == TierProposal.Status.REJECTED
    assert proposal.decision_note == "Not yet warranted."
    assert country("SDN").tier is None


def test_the_proposer_withdraws(client, staff):
    proposal = propose(staff)
    client.force_login(staff)
    response = client.post(transition_url(proposal, "withdraw"))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == TierProposal.Status.WITHDRAWN


@pytest.mark.parametrize("action", ["accept", "promote"])
def test_an_action_the_state_does_not_allow_answers_409(client, chair, staff, action):
    proposal = propose(staff)
    client.force_login(chair)
    if action == "accept":
        assert client.post(transition_url(proposal, "accept")).status_code == 302
    changes = TierChange.objects.count()
    response = client.post(transition_url(proposal, action))
    assert response.status_code == 409
    assert "is not possible from" in page_text(response)
    assert TierChange.objects.count() == changes


def test_a_note_that_is_too_long_is_refused(client, chair, staff):
    proposal = propose(staff)
    client.force_login(chair)
    response = client.post(transition_url(proposal, "accept"), {"note": "x" * 2001})
    assert response.status_code == 400
    assert "at most 2000 characters" in page_text(response)
    proposal.refresh_from_db()
    assert proposal.status == TierProposal.Status.PENDING


@pytest.mark.parametrize("role", roles.ALL)
def test_only_co_chairs_accept(client, staff, role):
    proposal = propose(staff)
    client.force_login(UserFactory(role=role))
    response = client.post(transition_url(proposal, "accept"))
    expected = {roles.CO_CHAIR: 302, roles.DIRECTORATE: 403}.get(role, 404)
    assert response.status_code == expected
    proposal.refresh_from_db()
    accepted = role == roles.CO_CHAIR
    assert proposal.status == ("accepted" if accepted else "pending")
    assert country("SDN").tier == ("moderate" if accepted else None)


@pytest.mark.parametrize("role", roles.ALL)
def test_proposal_list_is_for_co_chairs_and_directorate(client, staff, role):
    propose(staff, rationale="A rationale nobody else reads.")
    client.force_login(UserFactory(role=role))
    response = client.get(reverse("watchlist:proposal-list"))
    ok = role in (roles.CO_CHAIR, roles.DIRECTORATE)
    assert response.status_code == (200 if ok else 403)
    assert ("A rationale nobody else reads." in page_text(response)) is ok


def test_transition_is_post_only(client, chair, staff):
    proposal = propose(staff)
    client.force_login(chair)
    assert client.get(transition_url(proposal, "accept")).status_code == 405
    proposal.refresh_from_db()
    assert proposal.status == TierProposal.Status.PENDING


def test_proposal_list_queries_do_not_grow(client, chair, staff):
    client.force_login(chair)
    isos = list(Country.objects.order_by("iso3").values_list("iso3", flat=True)[:25])
    propose(staff, iso3=isos[0])
    one = count_queries(client, reverse("watchlist:proposal-list"))
    for iso3 in isos[1:]:
        propose(UserFactory(role=roles.DIRECTORATE), iso3=iso3)
    many = count_queries(client, reverse("watchlist:proposal-list"))
    assert TierProposal.objects.filter(status="pending").count() == 25
    assert one == many


# --- Indicator catalogue ----------------------------------------------------------------------


def test_catalogue_lists_indicators_and_offers_editing_to_the_directorate(client, staff):
    hate = IndicatorFactory(name="Hate speech in state media", category="rhetoric")
    member = UserFactory(role=roles.MEMBER)
    client.force_login(member)
    html = page_text(client.get(reverse("watchlist:indicator-list")))
    assert "Hate speech in state media" in html and "Rhetoric and propaganda" in html
    assert reverse("watchlist:indicator-edit", args=[hate.pk]) not in html
    assert reverse("watchlist:indicator-create") not in html

    client.force_login(staff)
    html = page_text(client.get(reverse("watchlist:indicator-list")))
    assert reverse("watchlist:indicator-edit", args=[hate.pk]) in html
    assert reverse("watchlist:indicator-create") in html


def test_directorate_adds_and_edits_an_indicator(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("watchlist:indicator-create"),
        {
            "name": " Arms flows to militias ",
            "description": "Shipments seen.",
            "category": "security",
            "active": "on",
        },
    )
    assert response.status_code == 302 and response.url == reverse("watchlist:indicator-list")
    indicator = Indicator.objects.get(name="Arms flows to militias")
    assert indicator.category == "security" and indicator.active
    assert AuditEvent.objects.filter(action="watchlist.indicator_save", actor=staff).exists()

    url = reverse("watchlist:indicator-edit", args=[indicator.pk])
    assert "Arms flows to militias" in page_text(client.get(url))
    response = client.post(url, {"name": "Arms flows", "description": "", "category": "security"})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.name == "Arms flows" and indicator.active is False


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "category": "security"}, "name", "This field is required."),
        ({"name": "Curfews", "category": "weather"}, "category", "Select a valid choice."),
        ({"name": "Taken", "category": "security"}, "name", "already exists"),
    ],
)
def test_bad_indicator_input_is_refused_and_changes_nothing(client, staff, data, field, message):
    IndicatorFactory(name="Taken")
    client.force_login(staff)
    before = list(Indicator.objects.values_list("pk", "name", "category"))
    response = client.post(reverse("watchlist:indicator-create"), data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert field in response.context["form"].errors
    assert list(Indicator.objects.values_list("pk", "name", "category")) == before


@pytest.mark.parametrize("role", roles.ALL)
def test_only_the_directorate_keeps_the_catalogue(client, role):
    indicator = IndicatorFactory(name="Kept")
    client.force_login(UserFactory(role=role))
    create = client.post(
        reverse("watchlist:indicator-create"), {"name": "New", "category": "social"}
    )
    edit = client.post(
        reverse("watchlist:indicator-edit", args=[indicator.pk]),
        {"name": "Renamed", "category": "social"},
    )
    expected = 302 if role == roles.DIRECTORATE else 403
    assert (create.status_code, edit.status_code) == (expected, expected)
    assert Indicator.objects.filter(name="New").exists() is (role == roles.DIRECTORATE)
    indicator.refresh_from_db()
    assert (indicator.name == "Renamed") is (role == roles.DIRECTORATE)


def test_catalogue_queries_do_not_grow(client):
    client.force_login(UserFactory(role=roles.DIRECTORATE))
    IndicatorFactory()
    one = count_queries(client, reverse("watchlist:indicator-list"))
    IndicatorFactory.create_batch(24)
    assert count_queries(client, reverse("watchlist:indicator-list")) == one


# --- Monitoring -------------------------------------------------------------------------------


def test_monitor_offers_active_unmonitored_indicators_and_starts_monitoring(client, staff):
    watched = IndicatorFactory(name="Watched already")
    retired = IndicatorFactory(name="Retired one", active=False)
    fresh = IndicatorFactory(name="Fresh one")
    MonitoredIndicator.objects.create(country=country("SDN"), indicator=watched)
    client.force_login(staff)
    url = reverse("watchlist:monitor", args=["sdn"])  # the code in either case
    response = client.get(url)
    choices = list(response.context["form"].fields["indicator"].queryset)
    assert choices == [fresh] and retired not in choices
    html = page_text(response)
    assert "Watched already" in html
    assert reverse("watchlist:observation-add", args=["SDN", watched.monitored.get().pk]) in html

    response = client.post(url, {"indicator": fresh.pk})
    assert response.status_code == 302 and response.url == reverse(
        "watchlist:monitor", args=["SDN"]
    )
    assert MonitoredIndicator.objects.filter(
        country_id="SDN", indicator=fresh, active=True
    ).exists()


@pytest.mark.parametrize("value", ["", "999999", "watched", "retired"])
def test_monitoring_bad_input_is_refused(client, staff, value):
    watched = IndicatorFactory(name="Watched already")
    retired = IndicatorFactory(name="Retired one", active=False)
    MonitoredIndicator.objects.create(country=country("SDN"), indicator=watched)
    value = {"watched": watched.pk, "retired": retired.pk}.get(value, value)
    client.force_login(staff)
    response = client.post(reverse("watchlist:monitor", args=["SDN"]), {"indicator": value})
    assert response.status_code == 400
    assert response.context["form"].errors["indicator"]
    assert MonitoredIndicator.objects.count() == 1


@pytest.mark.parametrize("role", roles.ALL)
def test_only_co_chairs_and_directorate_start_monitoring(client, role):
    indicator = IndicatorFactory()
    client.force_login(UserFactory(role=role))
    response = client.post(reverse("watchlist:monitor", args=["SDN"]), {"indicator": indicator.pk})
    allowed = role in (roles.CO_CHAIR, roles.DIRECTORATE)
    expected = 302 if allowed else (404 if role == roles.AUDITOR else 403)
    assert response.status_code == expected
    assert MonitoredIndicator.objects.exists() is allowed


def test_monitor_of_an_unknown_country_is_404(client, staff):
    client.force_login(staff)
    assert client.get(reverse("watchlist:monitor", args=["QQQ"])).status_code == 404


# --- Observations -----------------------------------------------------------------------------


@pytest.fixture
def monitored():
    return MonitoredIndicator.objects.create(
        country=country("SDN"), indicator=IndicatorFactory(name="Displacement")
    )


def observation_url(monitored, iso3="SDN"):
    return reverse("watchlist:observation-add", args=[iso3, monitored.pk])


def test_markings_offered_stop_at_the_recorders_clearance(client, monitored):
    client.force_login(UserFactory(role=roles.ANALYST, clearance=Marking.CUI))
    response = client.get(observation_url(monitored))
    codes = [code for code, _ in response.context["form"].fields["marking"].choices]
    assert codes == [Marking.U, Marking.CUI]


def test_analyst_records_an_observation_and_returns_to_the_country(client, monitored):
    analyst = UserFactory(role=roles.ANALYST, clearance=Marking.C)
    client.force_login(analyst)
    day = timezone.localdate() - timedelta(days=2)
    response = client.post(
        observation_url(monitored),
        {
            "observed_on": day.isoformat(),
            "level": "3",
            "note": "Camps growing.",
            "source": "UNHCR",
            "marking": "C",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("watchlist:country-detail", args=["SDN"])
    obs = Observation.objects.get()
    assert (obs.observed_on, obs.level, obs.marking, obs.recorded_by) == (day, 3, "C", analyst)
    assert obs.note == "Camps growing." and obs.source == "UNHCR"


def test_recent_observations_above_clearance_are_not_shown(client, monitored):
    boss = UserFactory(role=roles.DIRECTORATE, clearance=Marking.S)
    for marking, note in [(Marking.S, "secret sighting"), (Marking.U, "open report")]:
        services.observation_record(
            actor=boss,
            monitored=monitored,
            observed_on=timezone.localdate(),
            level=2,
            note=note,
            marking=marking,
        )
    client.force_login(UserFactory(role=roles.ANALYST, clearance=Marking.CUI))
    html = page_text(client.get(observation_url(monitored)))
    assert "open report" in html and "secret sighting" not in html


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"marking": "S"}, "marking", "Select a valid choice."),
        ({"marking": "TS"}, "marking", "Select a valid choice."),
        ({"level": "9"}, "level", "Select a valid choice."),
        ({"observed_on": "yesterday"}, "observed_on", "Enter a valid date."),
        ({"observed_on": "future"}, "observed_on", "An observation cannot be in the future."),
        ({"source": "s" * 301}, "source", "at most 300 characters"),
    ],
)
def test_bad_observation_input_is_refused_and_stores_nothing(
    client, monitored, change, field, message
):
    client.force_login(UserFactory(role=roles.ANALYST, clearance=Marking.C))
    data = {"observed_on": timezone.localdate().isoformat(), "level": "1", "marking": "U"}
    data.update(change)
    if data["observed_on"] == "future":
        data["observed_on"] = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(observation_url(monitored), data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert field in response.context["form"].errors
    assert not Observation.objects.exists()


def test_an_indicator_of_another_country_is_404(client):
    elsewhere = MonitoredIndicator.objects.create(
        country=country("ETH"), indicator=IndicatorFactory()
    )
    client.force_login(UserFactory(role=roles.ANALYST))
    assert client.get(observation_url(elsewhere, "SDN")).status_code == 404
    assert client.get(observation_url(elsewhere, "ETH")).status_code == 200


@pytest.mark.parametrize("role", roles.ALL)
def test_only_directorate_and_analysts_record_observations(client, monitored, role):
    client.force_login(UserFactory(role=role))
    data = {"observed_on": timezone.localdate().isoformat(), "level": "1", "marking": "U"}
    response = client.post(observation_url(monitored), data)
    allowed = role in (roles.DIRECTORATE, roles.ANALYST)
    expected = 302 if allowed else (404 if role == roles.AUDITOR else 403)
    assert response.status_code == expected
    assert Observation.objects.exists() is allowed


# --- Surveillance requests --------------------------------------------------------------------


def make_request(iso3="SDN", agency_code="odni", marking=Marking.U):
    chair = UserFactory(role=roles.CO_CHAIR)
    change = TierChange.objects.create(
        country=country(iso3),
        to_tier="high_rising",
        rationale="Mass atrocities feared.",
        decided_by=chair,
        decided_by_agency=chair.agency,
    )
    return SurveillanceRequest.objects.create(
        country=change.country,
        addressed_to=Agency.objects.get(code=agency_code),
        due=change.effective + timedelta(days=14),
        tier_change=change,
        marking=marking,
    )


def test_surveillance_list_shows_what_each_user_may_see(client, staff):
    to_ic = make_request("SDN", "odni")
    to_state = make_request("ETH", "state")
    odni = Agency.objects.get(code="odni")
    update = reverse("watchlist:surveillance-update", args=[to_ic.pk])

    client.force_login(staff)
    response = client.get(reverse("watchlist:surveillance-list"))
    assert {r["request"] for r in response.context["rows"]} == {to_ic, to_state}
    assert update in page_text(response)

    client.force_login(UserFactory(role=roles.ANALYST, agency=odni))
    response = client.get(reverse("watchlist:surveillance-list"))
    assert [r["request"] for r in response.context["rows"]] == [to_ic]
    assert update in page_text(response)

    client.force_login(UserFactory(role=roles.CO_CHAIR))  # sees both, updates neither
    response = client.get(reverse("watchlist:surveillance-list"))
    assert len(response.context["rows"]) == 2
    assert "surveillance/" + str(to_ic.pk) not in page_text(response)

    client.force_login(UserFactory(role=roles.RED_TEAM))
    response = client.get(reverse("watchlist:surveillance-list"))
    assert response.context["rows"] == [] and "No request that you may see." in page_text(response)


def test_a_request_above_clearance_is_hidden(client):
    secret = make_request(marking=Marking.S)
    client.force_login(UserFactory(role=roles.DIRECTORATE, clearance=Marking.C))
    assert client.get(reverse("watchlist:surveillance-list")).context["rows"] == []
    url = reverse("watchlist:surveillance-update", args=[secret.pk])
    assert client.post(url, {"status": "fulfilled"}).status_code == 404
    secret.refresh_from_db()
    assert secret.status == "requested"


def test_the_addressed_agency_moves_a_request_along(client):
    request_ = make_request()
    member = UserFactory(role=roles.MEMBER, agency=Agency.objects.get(code="odni"))
    client.force_login(member)
    url = reverse("watchlist:surveillance-update", args=[request_.pk])
    response = client.post(url, {"status": "in_progress"})
    assert response.status_code == 302 and response.url == reverse("watchlist:surveillance-list")
    request_.refresh_from_db()
    assert request_.status == "in_progress"
    assert AuditEvent.objects.filter(action="watchlist.surveillance_update", actor=member).exists()


@pytest.mark.parametrize("status", ["", "lost", "DECLINED"])
def test_an_unknown_status_is_refused(client, staff, status):
    request_ = make_request()
    client.force_login(staff)
    response = client.post(
        reverse("watchlist:surveillance-update", args=[request_.pk]), {"status": status}
    )
    assert response.status_code == 400
    assert response.context["rows"][0]["form"].errors["status"]
    request_.refresh_from_db()
    assert request_.status == "requested"


@pytest.mark.parametrize("role", roles.ALL)
def test_only_directorate_or_the_addressed_agency_update(client, role):
    request_ = make_request()  # to the IC; the factory's users are at State
    client.force_login(UserFactory(role=role))
    response = client.post(
        reverse("watchlist:surveillance-update", args=[request_.pk]), {"status": "declined"}
    )
    expected = {roles.DIRECTORATE: 302, roles.CO_CHAIR: 403}.get(role, 404)
    assert response.status_code == expected
    request_.refresh_from_db()
    assert request_.status == ("declined" if role == roles.DIRECTORATE else "requested")


@pytest.mark.parametrize("role", [roles.DIRECTORATE, roles.MEMBER])
def test_surveillance_list_queries_do_not_grow(client, role):
    odni = Agency.objects.get(code="odni")
    client.force_login(UserFactory(role=role, agency=odni))
    isos = list(Country.objects.order_by("iso3").values_list("iso3", flat=True)[:25])
    make_request(isos[0])
    one = count_queries(client, reverse("watchlist:surveillance-list"))
    for iso3 in isos[1:]:
        make_request(iso3)
    response = client.get(reverse("watchlist:surveillance-list"))
    assert len(response.context["rows"]) == 25
    assert count_queries(client, reverse("watchlist:surveillance-list")) == one


# --- Risk-score upload ------------------------------------------------------------------------

HEADER = "ewp_name,ccode,risk_1or2.from2024,risk_rank.from2024,risk_2025\n"
GOOD_ROWS = [
    ("Burma/Myanmar", "775", "0.311", "1"),
    ("Democratic Republic of Congo", "490", "0.205", "2"),
    ("Sudan", "625", "0.190", "3"),
    ("Ethiopia", "", "0.120", "4"),
    ("Republic of Congo", "", "0.050", "5"),
    ("Ivory Coast", "", "0.041", "6"),
    ("The Gambia", "", "0.030", "7"),
    ("Kosovo", "", "0.029", "8"),
    ("Afghanistan", "700", "0.028", "9"),
    ("Yemen", "", "0.027", "10"),
    ("Nigeria", "475", "0.026", "11"),
    ("Mali", "", "0.010", "12"),
]


def csv_file(rows, *, bom=True, name="ewp-2024.csv", header=HEADER, encoding="utf-8"):
    body = header + "".join(",".join([*row, "0.5"]) + "\n" for row in rows)
    data = ("\ufeff" if bom else "") + body
    return SimpleUploadedFile(name, data.encode(encoding), content_type="text/csv")


def import_data(upload, **extra):
    return {
        "file": upload,
        "source": "Early Warning Project",
        "vintage": "2024-11-01",
        "forecast_window": "2024-2025",
        **extra,
    }


def test_directorate_uploads_scores_and_sees_the_count_and_the_top_ten(client, staff):
    client.force_login(staff)
    response = client.post(reverse("watchlist:risk-import"), import_data(csv_file(GOOD_ROWS)))
    assert response.status_code == 200, page_text(response)[:2000]
    report = response.context["report"]
    assert report.matched == 12
    assert [e.iso3 for e in report.top] == [
        "MMR",
        "COD",
        "SDN",
        "ETH",
        "COG",
        "CIV",
        "GMB",
        "XKX",
        "AFG",
        "YEM",
    ]
    html = page_text(response)
    assert "Imported 12 countries" in html
    assert reverse("watchlist:country-detail", args=["MMR"]) in html
    assert "Nigeria" not in html  # eleventh: not in the top ten
    vintage = RiskVintage.objects.get()
    assert vintage.file_name == "ewp-2024.csv" and vintage.imported_by == staff
    assert vintage.risk_column == "risk_1or2.from2024"
    assert RiskScore.objects.filter(vintage=vintage).count() == 12


@override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=1)
def test_an_upload_spooled_to_disk_without_a_bom_reads_the_same(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("watchlist:risk-import"), import_data(csv_file(GOOD_ROWS[:3], bom=False))
    )
    assert response.status_code == 200
    assert response.context["report"].matched == 3


def test_named_columns_and_a_mapping_file(client, staff):
    header = "ewp_name,p,r\n"
    rows = [("Sudan", "0.4", "1"), ("Land of Kush", "0.2", "2")]
    mapping = SimpleUploadedFile("map.csv", b"name,iso3\nLand of Kush,SSD\n")
    client.force_login(staff)
    response = client.post(
        reverse("watchlist:risk-import"),
        import_data(
            csv_file(rows, header=header), risk_column="p", rank_column="r", mapping=mapping
        ),
    )
    assert response.status_code == 200, page_text(response)[:2000]
    assert [e.iso3 for e in response.context["report"].top] == ["SDN", "SSD"]


def test_every_problem_is_listed_with_its_line_and_nothing_is_stored(client, staff):
    rows = [
        ("Sudan", "", "0.2", "1"),
        ("Atlantis", "", "0.1", "2"),
        ("Ethiopia", "", "1.7", "3"),
        ("Sudan", "", "0.05", "4"),
    ]
    client.force_login(staff)
    response = client.post(reverse("watchlist:risk-import"), import_data(csv_file(rows)))
    assert response.status_code == 400
    html = page_text(response)
    problems = [message for _, message in response.context["problems"]]
    assert len(problems) == 3
    assert any(p.startswith("line 3: unknown country 'Atlantis'") for p in problems)
    assert any(p.startswith("line 4:") and "outside 0-1" in p for p in problems)
    assert any(p.startswith("line 5:") and "appears twice" in p for p in problems)
    for p in problems:
        assert p.replace("'", "&#x27;") in html
    assert "3 problems in this file." in html
    assert not RiskVintage.objects.exists() and not RiskScore.objects.exists()


@pytest.mark.parametrize(
    ("upload", "extra", "field", "message"),
    [
        (
            SimpleUploadedFile(
                "x.csv",
                "ewp_name,risk_1or2.from2024,risk_rank.from2024\nCôte,0.1,1\n".encode("latin-1"),
            ),
            {},
            "file",
            "not UTF-8 text",
        ),
        (SimpleUploadedFile("x.csv", b""), {}, "file", "The submitted file is empty."),
        (None, {}, "file", "This field is required."),
        ("good", {"vintage": ""}, "vintage", "This field is required."),
        ("good", {"vintage": "last year"}, "vintage", "Enter a valid date."),
        ("good", {"risk_column": "nope"}, "file", "no risk column &#x27;nope&#x27;"),
        ("good", {"source": ""}, "source", "This field is required."),
    ],
)
def test_bad_upload_input_is_refused_with_a_clear_message(
    client, staff, upload, extra, field, message
):
    if upload == "good":
        upload = csv_file(GOOD_ROWS)
    data = import_data(upload, **extra)
    if upload is None:
        del data["file"]
    client.force_login(staff)
    response = client.post(reverse("watchlist:risk-import"), data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert field in response.context["form"].errors
    assert not RiskVintage.objects.exists()


def test_the_same_vintage_twice_is_refused(client, staff):
    client.force_login(staff)
    url = reverse("watchlist:risk-import")
    assert client.post(url, import_data(csv_file(GOOD_ROWS))).status_code == 200
    response = client.post(url, import_data(csv_file(GOOD_ROWS)))
    assert response.status_code == 400
    assert "already has a vintage of 2024-11-01" in page_text(response)
    assert RiskVintage.objects.count() == 1 and RiskScore.objects.count() == 12


@pytest.mark.parametrize("role", roles.ALL)
def test_only_the_directorate_imports_scores(client, role):
    client.force_login(UserFactory(role=role))
    response = client.post(reverse("watchlist:risk-import"), import_data(csv_file(GOOD_ROWS)))
    assert response.status_code == (200 if role == roles.DIRECTORATE else 403)
    assert RiskVintage.objects.exists() is (role == roles.DIRECTORATE)


# --- Banners ----------------------------------------------------------------------------------


def test_list_pages_carry_the_highest_marking_they_show(client, chair, staff):
    """DESIGN.md "Users": pages show a banner with the highest marking they contain; a
    proposal shows its country, so it carries the country's marking."""
    Country.objects.filter(iso3="SDN").update(marking=Marking.CUI)
    propose(staff)
    client.force_login(chair)
    html = page_text(client.get(reverse("watchlist:proposal-list")))
    assert 'data-testid="banner-top">CUI</div>' in html

    make_request("ETH", marking=Marking.S)
    client.force_login(staff)
    html = page_text(client.get(reverse("watchlist:surveillance-list")))
    assert 'data-testid="banner-top">SECRET</div>' in html
