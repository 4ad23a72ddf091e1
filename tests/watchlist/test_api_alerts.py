"""The alert channel's REST API: filing (POST /api/v1/alerts/), reading warnings as the policy
distributes them, acknowledgement, and the policy reviews (/api/v1/reviews/).

Sources: seeds/004_69ba87841026b054.txt, recommendation 2-4 (a mass atrocities alert channel for
acute warning, akin to the dissent channel) and 2-5 (warning as an automatic trigger of policy
review); issue 4, "Filing" (distribution: the filer, the co-chairs and directorate staff, "not
even other analysts of the same agency"; members once the warning is on a meeting agenda, "and
then without a protected filer's identity"; "Reading a warning writes an audit event"; the filer
follows the status "never the deliberation") and "Pages and API".
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from apc.core import roles
from apc.core.markings import Marking
from apc.models import AuditEvent, EmergencyRequest, Notification, OutboxMessage
from tests.factories import AgencyFactory, IndicatorFactory, MeetingFactory, UserFactory, country
from tests.watchlist.matrix_api_alerts import file_warning
from watchlist import alerts
from watchlist.models import Country, PolicyReview, Tier, TierChange, Warning

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"
REVIEWS = "/api/v1/reviews/"
RECEIPT_KEYS = {
    "id",
    "url",
    "status",
    "severity",
    "marking",
    "filed_at",
    "review",
    "acknowledge_due",
    "emergency_request",
}
WARNING_KEYS = [
    "id",
    "url",
    "country",
    "severity",
    "severity_display",
    "title",
    "narrative",
    "sources",
    "indicators",
    "marking",
    "status",
    "status_display",
    "outcome",
    "outcome_display",
    "filed_at",
    "acknowledge_due",
    "acknowledged_at",
    "identity_protected",
    "filer",
    "review",
    "emergency_request",
]


def login(client, user):
    client.force_login(user)
    return client


def as_role(client, role, **kwargs):
    user = UserFactory(role=role, **kwargs)
    login(client, user)
    return user


def iso(value):
    return value.isoformat().replace("+00:00", "Z")


def body(**overrides):
    data = {
        "country": "SDN",
        "severity": "elevated",
        "title": "Militia mobilising near El Fasher",
        "narrative": "Credible reports of mobilisation along ethnic lines.",
        "sources": "Field reporting; satellite imagery.",
        "marking": "C",
        "identity_protected": False,
        "indicators": [],
    }
    data.update(overrides)
    return data


def stored():
    """Everything filing writes: counted before and after a refused or invalid filing."""
    return (
        Warning.objects.count(),
        PolicyReview.objects.count(),
        EmergencyRequest.objects.count(),
        OutboxMessage.objects.count(),
        Notification.objects.count(),
        AuditEvent.objects.filter(action="warning.file").count(),
    )


def ids(response):
    return sorted(row["id"] for row in response.json()["results"])


@pytest.fixture
def filer_agency():
    return AgencyFactory(code="ohs", name="Office of Hidden Sources", short_name="Hiddenshort")


@pytest.fixture
def filer(filer_agency):
    """An analyst whose name, username and agency must never leak where protected."""
    return UserFactory(
        role=roles.ANALYST,
        username="filer-zq7x",
        first_name="Zebulon",
        last_name="Quixotic",
        agency=filer_agency,
    )


FILER_MARKS = (b"filer-zq7x", b"Zebulon", b"Quixotic", b"Office of Hidden Sources", b"Hiddenshort")


# --- filing ----------------------------------------------------------------------------------


def test_analyst_files_a_warning_and_gets_the_receipt(client):
    analyst = as_role(client, roles.ANALYST)
    cited = IndicatorFactory.create_batch(2)

    response = client.post(
        ALERTS,
        body(country="sdn", indicators=[i.pk for i in cited], identity_protected=True),
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == RECEIPT_KEYS
    warning = Warning.objects.get(pk=data["id"])
    review = warning.review
    assert data["status"] == "received"
    assert data["review"] == {"id": review.pk, "due": iso(review.due)}
    assert data["acknowledge_due"] == iso(warning.acknowledge_due)
    assert data["emergency_request"] is None
    assert data["url"] == f"http://testserver/api/v1/alerts/{warning.pk}/"
    assert (warning.country_id, warning.severity, warning.marking) == ("SDN", "elevated", "C")
    assert warning.filed_by == analyst and warning.identity_protected is True
    assert warning.sources == "Field reporting; satellite imagery."
    assert sorted(warning.indicators.values_list("pk", flat=True)) == sorted(i.pk for i in cited)
    assert response["X-APC-Classification"] == "CONFIDENTIAL"
    assert EmergencyRequest.objects.count() == 0
    # the receipt reaches the filer at once
    assert Notification.objects.filter(recipient=analyst, event_key__endswith="receipt").exists()


def test_an_acute_warning_opens_exactly_one_emergency_request(client):
    as_role(client, roles.ANALYST)

    response = client.post(ALERTS, body(severity="acute"), content_type="application/json")

    assert response.status_code == 201, response.content
    data = response.json()
    request = EmergencyRequest.objects.get()
    assert data["emergency_request"] == request.pk
    assert request.source_ref == f"watchlist.warning:{data['id']}"
    assert request.requested_by is None and request.countries == ["SDN"]
    assert PolicyReview.objects.filter(warning_id=data["id"]).count() == 1


@pytest.mark.parametrize("role", [roles.ANALYST, roles.MEMBER, roles.DIRECTORATE, roles.CO_CHAIR])
def test_every_role_of_the_channel_may_file(client, role):
    as_role(client, role)
    response = client.post(ALERTS, body(), content_type="application/json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"country": "ZZZ"}, "country"),
        ({"country": ""}, "country"),
        ({"narrative": ""}, "narrative"),
        ({"narrative": "   "}, "narrative"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"marking": "S"}, "marking"),  # above the analyst's clearance (C)
        ({"marking": "TS"}, "marking"),
        ({"indicators": [987654]}, "indicators"),
        ({"indicators": "not a list"}, "indicators"),
        ({"identity_protected": "perhaps"}, "identity_protected"),
    ],
)
def test_bad_input_answers_400_with_field_errors_and_stores_nothing(client, overrides, field):
    as_role(client, roles.ANALYST, clearance=Marking.C)
    before = stored()

    response = client.post(ALERTS, body(**overrides), content_type="application/json")

    assert response.status_code == 400, response.content
    data = response.json()
    assert set(data) == {"detail", "errors"}
    assert field in data["errors"], data
    assert stored() == before


def test_missing_fields_are_named(client):
    as_role(client, roles.ANALYST)
    response = client.post(ALERTS, {}, content_type="application/json")
    assert response.status_code == 400
    assert {"country", "severity"} <= set(response.json()["errors"])
    assert Warning.objects.count() == 0


def test_an_indicator_withdrawn_from_the_catalogue_cannot_be_cited(client):
    as_role(client, roles.ANALYST)
    retired = IndicatorFactory(active=False)
    before = stored()
    response = client.post(ALERTS, body(indicators=[retired.pk]), content_type="application/json")
    assert response.status_code == 400
    assert "indicators" in response.json()["errors"]
    assert stored() == before


def test_a_country_above_the_filers_clearance_is_unknown_to_them(client):
    """Records above a user's clearance are invisible (DESIGN.md, "Users")."""
    Country.objects.filter(iso3="SDN").update(marking=Marking.S)
    country("SDN")
    as_role(client, roles.ANALYST, clearance=Marking.C)
    response = client.post(ALERTS, body(marking="U"), content_type="application/json")
    assert response.status_code == 400
    assert "country" in response.json()["errors"]
    assert Warning.objects.count() == 0


@pytest.mark.parametrize(
    "role",
    [roles.RED_TEAM, roles.DEPUTIES, roles.PRINCIPALS, roles.AUDITOR, roles.API_CLIENT],
)
def test_roles_that_may_not_file_are_refused_403(client, role):
    as_role(client, role)
    before = stored()
    response = client.post(ALERTS, body(), content_type="application/json")
    assert response.status_code == 403
    assert set(response.json()) == {"detail", "errors"}
    assert stored() == before


def test_a_refusal_is_audited(client):
    user = as_role(client, roles.RED_TEAM)
    client.post(ALERTS, body(), content_type="application/json")
    assert AuditEvent.objects.filter(actor=user, outcome="denied", action="alerts.file").exists()


def test_a_service_account_with_a_token_may_not_file(client):
    user = UserFactory(role=[roles.API_CLIENT, roles.ANALYST])
    token = Token.objects.create(user=user)
    response = client.post(
        ALERTS,
        body(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 403
    assert Warning.objects.count() == 0


def test_anonymous_callers_get_401(client):
    assert client.get(ALERTS).status_code == 401
    assert client.post(ALERTS, body(), content_type="application/json").status_code == 401
    assert client.get(REVIEWS).status_code == 401
    assert Warning.objects.count() == 0


# --- reading: fields -------------------------------------------------------------------------


def test_a_co_chair_reads_every_field_and_the_filer(client, filer):
    cited = IndicatorFactory(name="Hate speech on state media", category="rhetoric")
    warning = alerts.warning_file(
        actor=filer,
        country=country("SDN"),
        severity="acute",
        title="Massacre feared",
        narrative="Detail of the warning.",
        indicators=[cited],
        sources="Field",
        marking=Marking.C,
        identity_protected=True,
    )
    chair = as_role(client, roles.CO_CHAIR)

    response = client.get(f"{ALERTS}{warning.pk}/")

    assert response.status_code == 200
    data = response.json()
    assert list(data) == WARNING_KEYS
    review = warning.review
    assert data == {
        "id": warning.pk,
        "url": f"http://testserver/api/v1/alerts/{warning.pk}/",
        "country": {"iso3": "SDN", "name": "Sudan", "marking": "U"},
        "severity": "acute",
        "severity_display": "Acute",
        "title": "Massacre feared",
        "narrative": "Detail of the warning.",
        "sources": "Field",
        "indicators": [{"id": cited.pk, "name": cited.name, "category": "rhetoric"}],
        "marking": "C",
        "status": "received",
        "status_display": "Received",
        "outcome": "",
        "outcome_display": "",
        "filed_at": iso(warning.filed_at),
        "acknowledge_due": iso(warning.acknowledge_due),
        "acknowledged_at": None,
        "identity_protected": True,
        "filer": {"name": "Zebulon Quixotic", "username": "filer-zq7x", "agency": "Hiddenshort"},
        "review": {"id": review.pk, "status": "open", "due": iso(review.due), "outcome": ""},
        "emergency_request": EmergencyRequest.objects.get().pk,
    }
    assert response["X-APC-Classification"] == "CONFIDENTIAL"
    # reading a warning writes an audit event
    event = AuditEvent.objects.get(action="warning.view", actor=chair)
    assert (event.object_type, event.object_id) == ("watchlist.warning", str(warning.pk))
    assert event.marking == "C"


def test_the_filer_follows_status_and_outcome_never_the_review(client, filer):
    warning = file_warning(filer)
    login(client, filer)

    data = client.get(f"{ALERTS}{warning.pk}/").json()
    assert (data["status"], data["review"], data["emergency_request"]) == ("received", None, None)
    assert data["filer"]["username"] == filer.username  # their own identity

    alerts.review_close(
        actor=UserFactory(role=roles.CO_CHAIR),
        review=warning.review,
        outcome=PolicyReview.Outcome.NO_CHANGE,
        rationale="Deliberation-secret-7731: sources not corroborated.",
    )
    response = client.get(f"{ALERTS}{warning.pk}/")
    data = response.json()
    assert (data["status"], data["outcome"], data["outcome_display"]) == (
        "closed",
        "no_change",
        "No change",
    )
    assert data["review"] is None
    assert b"Deliberation-secret-7731" not in response.content
    listing = client.get(ALERTS, {"mine": "true"})
    assert b"Deliberation-secret-7731" not in listing.content
    assert listing.json()["results"][0]["review"] is None

    # the review endpoints refuse the filer: the review is the deliberation
    review_url = f"{REVIEWS}{warning.review.pk}/"
    assert client.get(review_url).status_code == 404
    close = client.post(
        f"{review_url}close/", {"outcome": "no_change", "rationale": "x"}, "application/json"
    )
    assert close.status_code == 404
    assert client.get(REVIEWS).status_code == 403


def test_the_list_is_paginated(client):
    file_warning()
    as_role(client, roles.CO_CHAIR)
    data = client.get(ALERTS).json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == 1 and data["next"] is None
    assert list(data["results"][0]) == WARNING_KEYS
    assert client.get(ALERTS, {"page": 2}).status_code == 404


# --- distribution per role -------------------------------------------------------------------


@pytest.fixture
def distribution(filer):
    """Three warnings by one analyst: not on an agenda; on an agenda; on an agenda with the
    identity protected."""
    return {
        "private": file_warning(filer),
        "agenda": file_warning(filer, agenda=True),
        "agenda_protected": file_warning(filer, agenda=True, protected=True),
    }


# role -> (warnings visible, warnings whose filer is shown)
SEES = {
    roles.CO_CHAIR: (
        {"private", "agenda", "agenda_protected"},
        {"private", "agenda", "agenda_protected"},
    ),
    roles.DIRECTORATE: ({"private", "agenda", "agenda_protected"}, {"private", "agenda"}),
    roles.MEMBER: ({"agenda", "agenda_protected"}, {"agenda"}),
    roles.ANALYST: (set(), set()),  # another analyst, of the filer's own agency
    roles.RED_TEAM: (set(), set()),
    roles.DEPUTIES: (set(), set()),
    roles.PRINCIPALS: (set(), set()),
    roles.AUDITOR: (set(), set()),
    roles.API_CLIENT: (set(), set()),
}


def test_the_distribution_table_covers_every_role():
    assert set(SEES) == set(roles.ALL)


@pytest.mark.parametrize("role", roles.ALL)
def test_who_sees_which_warning_in_list_and_detail(client, role, distribution, filer_agency):
    visible, filer_shown = SEES[role]
    as_role(client, role, agency=filer_agency)  # same agency as the filer

    listing = client.get(ALERTS)
    assert listing.status_code == 200
    rows = {row["id"]: row for row in listing.json()["results"]}
    assert set(rows) == {distribution[k].pk for k in visible}

    for key, warning in distribution.items():
        response = client.get(f"{ALERTS}{warning.pk}/")
        if key not in visible:
            assert response.status_code == 404, (role, key)
            assert set(response.json()) == {"detail", "errors"}
            continue
        assert response.status_code == 200, (role, key)
        data = response.json()
        for shown in (data, rows[warning.pk]):
            if key in filer_shown:
                assert shown["filer"]["username"] == "filer-zq7x"
            else:
                assert shown["filer"] is None and shown["identity_protected"] is True
                assert "filed_by" not in shown and "filer_agency" not in shown


def test_the_filer_sees_all_their_own_warnings(client, filer, distribution):
    login(client, filer)
    assert ids(client.get(ALERTS)) == sorted(w.pk for w in distribution.values())
    for warning in distribution.values():
        assert client.get(f"{ALERTS}{warning.pk}/").json()["filer"]["username"] == "filer-zq7x"


def test_members_see_a_warning_only_once_it_is_on_an_agenda(client, filer):
    warning = file_warning(filer)
    as_role(client, roles.MEMBER)
    assert client.get(f"{ALERTS}{warning.pk}/").status_code == 404
    assert ids(client.get(ALERTS)) == []

    Warning.objects.filter(pk=warning.pk).update(agenda_meeting=MeetingFactory())

    response = client.get(f"{ALERTS}{warning.pk}/")
    assert response.status_code == 200
    assert response.json()["filer"]["username"] == "filer-zq7x"  # not protected
    assert ids(client.get(ALERTS)) == [warning.pk]


def test_a_warning_above_the_readers_clearance_is_not_found(client):
    warning = file_warning()
    Warning.objects.filter(pk=warning.pk).update(marking=Marking.S)
    as_role(client, roles.DIRECTORATE, clearance=Marking.C)
    assert client.get(f"{ALERTS}{warning.pk}/").status_code == 404
    assert ids(client.get(ALERTS)) == []


def _every_response(client, warning):
    """Every alert-channel API response this caller can get about the warning, by name."""
    review = warning.review
    request = EmergencyRequest.objects.get(source_ref=f"watchlist.warning:{warning.pk}")
    return {
        "alerts": client.get(ALERTS),
        "alerts filtered": client.get(ALERTS, {"mine": "false", "severity": "acute"}),
        "alert": client.get(f"{ALERTS}{warning.pk}/"),
        "reviews": client.get(REVIEWS),
        "review": client.get(f"{REVIEWS}{review.pk}/"),
        "emergency requests": client.get("/api/v1/emergency-requests/"),
        "emergency request": client.get(f"/api/v1/emergency-requests/{request.pk}/"),
        "inbox": client.get("/api/v1/inbox/"),
        "acknowledge": client.post(f"{ALERTS}{warning.pk}/acknowledge/"),
        "close": client.post(
            f"{REVIEWS}{review.pk}/close/",
            {"outcome": "no_change", "rationale": "Seen."},
            "application/json",
        ),
    }


# role -> the responses about a protected, acute warning on an agenda that answer 200
READS = {
    roles.DIRECTORATE: {"alert", "review", "emergency request", "acknowledge", "close"},
    roles.MEMBER: {"alert"},
    roles.DEPUTIES: {"emergency request"},  # once raised to Deputies level
}


@pytest.mark.parametrize("role", [r for r in roles.ALL if r != roles.CO_CHAIR])
def test_a_protected_identity_is_absent_from_every_response_a_non_co_chair_gets(
    client, filer, role
):
    warning = file_warning(filer, severity="acute", protected=True, agenda=True)
    EmergencyRequest.objects.update(level=EmergencyRequest.Level.DEPUTIES)
    as_role(client, role)

    responses = _every_response(client, warning)

    for name, response in responses.items():
        for mark in FILER_MARKS:
            assert mark not in response.content, (role, name, mark)
    # the check above looked at real answers: those who may read did read
    singles = {"alert", "review", "emergency request", "acknowledge", "close"}
    read = {name for name in singles if responses[name].status_code == 200}
    assert read == READS.get(role, set()), read
    if role in (roles.DIRECTORATE, roles.MEMBER):
        assert warning.pk in ids(responses["alerts"])


def test_a_co_chair_sees_the_protected_identity(client, filer):
    """The positive control of the test above: the same responses name the filer to a
    co-chair."""
    warning = file_warning(filer, severity="acute", protected=True)
    as_role(client, roles.CO_CHAIR)
    detail = client.get(f"{ALERTS}{warning.pk}/")
    listing = client.get(ALERTS)
    for response in (detail, listing):
        assert b"filer-zq7x" in response.content and b"Zebulon" in response.content
        assert b"Hiddenshort" in response.content


def test_an_unprotected_filer_is_named_to_the_directorate(client, filer):
    warning = file_warning(filer)
    as_role(client, roles.DIRECTORATE)
    assert b"filer-zq7x" in client.get(f"{ALERTS}{warning.pk}/").content


# --- filters ---------------------------------------------------------------------------------


def test_filters_by_status_severity_country_mine_and_acknowledged(client):
    directorate = UserFactory(role=roles.DIRECTORATE)
    routine = file_warning(severity="routine")
    acute = file_warning(severity="acute")
    elevated = file_warning(severity="elevated")
    mine = file_warning(directorate, severity="elevated")
    Warning.objects.filter(pk=elevated.pk).update(country_id="SSD")
    alerts.warning_acknowledge(actor=directorate, warning=acute)
    login(client, directorate)

    assert ids(client.get(ALERTS, {"severity": "acute"})) == [acute.pk]
    assert ids(client.get(ALERTS, {"severity": ["acute", "routine"]})) == sorted(
        [acute.pk, routine.pk]
    )
    assert ids(client.get(ALERTS, {"status": "acknowledged"})) == [acute.pk]
    assert ids(client.get(ALERTS, {"status": "received", "severity": "elevated"})) == sorted(
        [elevated.pk, mine.pk]
    )
    assert ids(client.get(ALERTS, {"country": "ssd"})) == [elevated.pk]
    assert ids(client.get(ALERTS, {"mine": "true"})) == [mine.pk]
    assert ids(client.get(ALERTS, {"acknowledged": "true"})) == [acute.pk]
    assert acute.pk not in ids(client.get(ALERTS, {"acknowledged": "false"}))
    ordered = client.get(ALERTS, {"ordering": "acknowledge_due"}).json()["results"]
    dues = [row["acknowledge_due"] for row in ordered]
    assert dues == sorted(dues)


def test_a_bad_filter_value_answers_400(client):
    as_role(client, roles.CO_CHAIR)
    response = client.get(ALERTS, {"status": "withdrawn"})
    assert response.status_code == 400
    assert "status" in response.json()["errors"]
    assert client.get(REVIEWS, {"outcome": "nonsense"}).status_code == 400


def test_filters_do_not_widen_the_distribution(client):
    """A filter narrows what the selector allows; it never reaches past it."""
    file_warning(severity="acute")
    as_role(client, roles.ANALYST)
    assert ids(client.get(ALERTS, {"severity": "acute", "mine": "false"})) == []


def test_review_filters(client):
    chair = as_role(client, roles.CO_CHAIR)
    acute = file_warning(severity="acute")
    routine = file_warning(severity="routine")
    alerts.review_close(actor=chair, review=routine.review, outcome="no_change", rationale="ok")
    PolicyReview.objects.filter(pk=acute.review.pk).update(due=acute.review.due.replace(year=2000))

    assert ids(client.get(REVIEWS, {"status": "open"})) == [acute.review.pk]
    assert ids(client.get(REVIEWS, {"severity": "routine"})) == [routine.review.pk]
    assert ids(client.get(REVIEWS, {"outcome": "no_change"})) == [routine.review.pk]
    assert ids(client.get(REVIEWS, {"overdue": "true"})) == [acute.review.pk]
    assert ids(client.get(REVIEWS, {"country": "sdn"})) == sorted(
        [acute.review.pk, routine.review.pk]
    )


# --- acknowledgement -------------------------------------------------------------------------


def test_the_directorate_acknowledges_once(client):
    warning = file_warning()
    directorate = as_role(client, roles.DIRECTORATE)
    url = f"{ALERTS}{warning.pk}/acknowledge/"

    response = client.post(url)

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "acknowledged" and data["acknowledged_at"] is not None
    warning.refresh_from_db()
    assert warning.acknowledged_by == directorate
    assert AuditEvent.objects.filter(action="warning.acknowledge", actor=directorate).exists()

    again = client.post(url)
    assert again.status_code == 409
    assert set(again.json()) == {"detail", "errors"}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.CO_CHAIR, 403),  # sees it, may not acknowledge
        (roles.ANALYST, 404),
        (roles.MEMBER, 404),
        (roles.API_CLIENT, 403),
        (roles.AUDITOR, 404),
    ],
)
def test_others_may_not_acknowledge(client, role, status):
    warning = file_warning()
    as_role(client, role)
    assert client.post(f"{ALERTS}{warning.pk}/acknowledge/").status_code == status
    warning.refresh_from_db()
    assert warning.acknowledged_at is None


def test_the_filer_may_not_acknowledge_their_own_warning(client, filer):
    warning = file_warning(filer)
    login(client, filer)
    assert client.post(f"{ALERTS}{warning.pk}/acknowledge/").status_code == 403
    warning.refresh_from_db()
    assert warning.acknowledged_at is None


# --- policy reviews --------------------------------------------------------------------------


def test_reviews_list_and_detail_for_the_directorate(client):
    warning = file_warning(severity="acute")
    directorate = as_role(client, roles.DIRECTORATE)

    listing = client.get(REVIEWS)
    assert listing.status_code == 200
    [row] = listing.json()["results"]
    review = warning.review
    assert row == {
        "id": review.pk,
        "url": f"http://testserver/api/v1/reviews/{review.pk}/",
        "warning": {
            "id": warning.pk,
            "title": warning.title,
            "severity": "acute",
            "status": "received",
            "marking": "U",
            "country": {"iso3": "SDN", "name": "Sudan", "marking": "U"},
        },
        "status": "open",
        "due": iso(review.due),
        "assigned_agency": review.assigned_agency.short_name,
        "outcome": "",
        "outcome_display": "",
        "rationale": "",
        "tier_change": None,
        "emergency_request_id": None,
        "closed_by": None,
        "closed_at": None,
    }
    assert client.get(f"{REVIEWS}{review.pk}/").json() == row
    listed = AuditEvent.objects.get(action="policyreview.list", actor=directorate)
    assert listed.changes["ids"] == [review.pk]
    assert AuditEvent.objects.filter(
        action="policyreview.view", actor=directorate, object_id=str(review.pk)
    ).exists()


def test_closing_a_review_records_the_decision(client):
    warning = file_warning()
    chair = as_role(client, roles.CO_CHAIR)
    url = f"{REVIEWS}{warning.review.pk}/close/"

    response = client.post(
        url, {"outcome": "plan_update", "rationale": "Update the plan."}, "application/json"
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["status"], data["outcome"], data["rationale"]) == (
        "closed",
        "plan_update",
        "Update the plan.",
    )
    assert data["closed_by"] == chair.get_full_name()
    warning.refresh_from_db()
    assert (warning.status, warning.outcome) == ("closed", "plan_update")

    again = client.post(url, {"outcome": "no_change", "rationale": "again"}, "application/json")
    assert again.status_code == 409
    assert PolicyReview.objects.get(pk=warning.review.pk).outcome == "plan_update"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"outcome": "no_change"}, "rationale"),
        ({"outcome": "no_change", "rationale": "  "}, "rationale"),
        ({"rationale": "Because."}, "outcome"),
        ({"outcome": "withdrawn", "rationale": "Because."}, "outcome"),
        ({"outcome": "tier_change", "rationale": "Because."}, "tier"),
        ({"outcome": "tier_change", "rationale": "Because.", "tier": "extreme"}, "tier"),
        ({"outcome": ["no_change"], "rationale": "Because."}, "outcome"),
    ],
)
def test_closing_without_a_decision_fails_and_changes_nothing(client, payload, field):
    warning = file_warning()
    as_role(client, roles.CO_CHAIR)
    response = client.post(f"{REVIEWS}{warning.review.pk}/close/", payload, "application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    review = PolicyReview.objects.get(pk=warning.review.pk)
    assert (review.status, review.outcome, review.rationale) == ("open", "", "")
    assert TierChange.objects.count() == 0


def test_a_tier_change_outcome_goes_through_tier_change(client):
    warning = file_warning()
    as_role(client, roles.CO_CHAIR)
    response = client.post(
        f"{REVIEWS}{warning.review.pk}/close/",
        {"outcome": "tier_change", "rationale": "Acute risk.", "tier": Tier.HIGH_RISING},
        "application/json",
    )
    assert response.status_code == 200, response.content
    change = TierChange.objects.get(country_id="SDN")
    assert change.to_tier == Tier.HIGH_RISING
    assert response.json()["tier_change"] == change.pk
    assert Country.objects.get(iso3="SDN").tier == Tier.HIGH_RISING


def test_the_directorate_may_not_decide_a_tier_change(client):
    """Co-chairs decide tiers (DESIGN.md, "Users")."""
    warning = file_warning()
    as_role(client, roles.DIRECTORATE)
    response = client.post(
        f"{REVIEWS}{warning.review.pk}/close/",
        {"outcome": "tier_change", "rationale": "Acute risk.", "tier": Tier.HIGH_RISING},
        "application/json",
    )
    assert response.status_code == 403
    assert PolicyReview.objects.get(pk=warning.review.pk).status == "open"
    assert TierChange.objects.count() == 0


def test_an_emergency_meeting_outcome_requests_one(client):
    warning = file_warning(severity="routine")
    as_role(client, roles.DIRECTORATE)
    response = client.post(
        f"{REVIEWS}{warning.review.pk}/close/",
        {"outcome": "emergency_meeting", "rationale": "Escalating."},
        "application/json",
    )
    assert response.status_code == 200, response.content
    request = EmergencyRequest.objects.get()
    assert response.json()["emergency_request_id"] == request.pk


@pytest.mark.parametrize(
    "role",
    [r for r in roles.ALL if r not in (roles.CO_CHAIR, roles.DIRECTORATE)],
)
def test_reviews_are_refused_to_everyone_else(client, role):
    warning = file_warning(agenda=True)
    as_role(client, role)
    review_url = f"{REVIEWS}{warning.review.pk}/"
    assert client.get(REVIEWS).status_code == 403
    assert client.get(review_url).status_code == 404
    close = client.post(
        f"{review_url}close/", {"outcome": "no_change", "rationale": "x"}, "application/json"
    )
    assert close.status_code == (403 if role == roles.API_CLIENT else 404)
    assert PolicyReview.objects.get(pk=warning.review.pk).status == "open"


# --- audit -----------------------------------------------------------------------------------


def test_a_list_read_writes_one_event_naming_the_ids_shown(client):
    warnings = [file_warning(), file_warning(severity="acute")]
    Warning.objects.filter(pk=warnings[1].pk).update(marking=Marking.C)
    chair = as_role(client, roles.CO_CHAIR)
    before = AuditEvent.objects.count()

    response = client.get(ALERTS)

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(action="warning.list", actor=chair)
    assert sorted(event.changes["ids"]) == sorted(w.pk for w in warnings) == ids(response)
    assert event.object_type == "watchlist.warning"
    assert event.marking == "C"  # as high as the highest warning shown


def test_a_refused_read_is_audited_and_answers_404(client):
    warning = file_warning()
    analyst = as_role(client, roles.ANALYST)
    response = client.get(f"{ALERTS}{warning.pk}/")
    assert response.status_code == 404
    event = AuditEvent.objects.get(actor=analyst, outcome="denied")
    assert (event.object_type, event.object_id) == ("watchlist.warning", str(warning.pk))
    assert not AuditEvent.objects.filter(actor=analyst, action="warning.view").exists()


def test_acknowledging_is_not_recorded_as_a_read(client):
    warning = file_warning()
    directorate = as_role(client, roles.DIRECTORATE)
    client.post(f"{ALERTS}{warning.pk}/acknowledge/")
    assert not AuditEvent.objects.filter(actor=directorate, action="warning.view").exists()


def test_an_unknown_warning_answers_404(client):
    as_role(client, roles.CO_CHAIR)
    assert client.get(f"{ALERTS}987654321/").status_code == 404
    assert client.get(f"{REVIEWS}987654321/").status_code == 404


# --- query counts ----------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("role", "url"),
    [(roles.CO_CHAIR, ALERTS), (roles.DIRECTORATE, ALERTS), (roles.DIRECTORATE, REVIEWS)],
)
def test_list_queries_do_not_grow_with_rows(client, role, url):
    filer = UserFactory(role=roles.ANALYST)
    indicators = IndicatorFactory.create_batch(3)

    def file(i):
        w = file_warning(
            filer if i % 2 else None,
            severity=("routine", "elevated", "acute")[i % 3],
            protected=bool(i % 4 == 0),
        )
        w.indicators.set(indicators[: i % 4])

    file(0)
    as_role(client, role)
    one = count_queries(client, url)
    for i in range(1, 25):
        file(i)
    many = count_queries(client, url)
    assert one == many, (one, many)
    assert len(client.get(url).json()["results"]) == 25


def test_the_filers_list_runs_as_few_queries(client, filer):
    file_warning(filer)
    login(client, filer)
    one = count_queries(client, ALERTS)
    for _ in range(24):
        file_warning(filer)
    assert count_queries(client, ALERTS) == one


# --- schema ----------------------------------------------------------------------------------


def test_the_schema_describes_the_alert_channel(client):
    as_role(client, roles.ANALYST)
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/alerts/"])
    assert "post" in paths["/api/v1/alerts/{id}/acknowledge/"]
    assert "post" in paths["/api/v1/reviews/{id}/close/"]
    params = {p["name"] for p in paths["/api/v1/alerts/"]["get"]["parameters"]}
    assert {"status", "severity", "country", "mine"} <= params
    assert reverse("api:alerts-list") == ALERTS
