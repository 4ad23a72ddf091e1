"""Emergency meeting requests over REST (/api/v1/emergency-requests/).

Source: seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and Process" (any member may
request an emergency meeting, and may seek it at the level of the Deputies Committee); issue 4,
"Any member may request an emergency meeting directly, with reasons and countries, at APC level
or at Deputies level" and "Pages and API" (`POST /api/v1/emergency-requests/ {countries, reasons,
level}`; bad input 400 with field errors, nothing stored).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apc import services
from apc.core import roles
from apc.core.markings import Marking
from apc.models import AuditEvent, EmergencyRequest, Notification
from tests.factories import UserFactory, ensure_countries
from tests.watchlist.matrix_api_alerts import file_warning

pytestmark = pytest.mark.django_db

URL = "/api/v1/emergency-requests/"
KEYS = [
    "id",
    "url",
    "level",
    "level_display",
    "countries",
    "reasons",
    "marking",
    "status",
    "status_display",
    "requested_by",
    "warning",
    "created_at",
    "due",
    "raised_at",
    "decided_by",
    "decided_at",
    "decision_note",
    "meeting_at",
    "meeting_level",
]


@pytest.fixture(autouse=True)
def _countries():
    ensure_countries()


def as_role(client, role, **kwargs):
    user = UserFactory(role=role, **kwargs)
    client.force_login(user)
    return user


def iso(value):
    return value.isoformat().replace("+00:00", "Z")


def request_by(user=None, **kwargs):
    return services.emergency_request_create(
        actor=user or UserFactory(role=roles.MEMBER),
        countries=kwargs.pop("countries", ["SDN"]),
        reasons=kwargs.pop("reasons", "Mass killings reported in Darfur."),
        **kwargs,
    )


def ids(response):
    return sorted(row["id"] for row in response.json()["results"])


def stored():
    return (
        EmergencyRequest.objects.count(),
        Notification.objects.count(),
        AuditEvent.objects.filter(action="emergency.request", outcome="allowed").count(),
    )


# --- requesting ------------------------------------------------------------------------------


def test_a_member_requests_a_deputies_level_meeting(client):
    member = as_role(client, roles.MEMBER)
    chairs = UserFactory.create_batch(2, role=roles.CO_CHAIR)

    response = client.post(
        URL,
        {"countries": ["ssd", "SDN"], "reasons": "Killings spreading.", "level": "deputies"},
        "application/json",
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert list(data) == KEYS
    req = EmergencyRequest.objects.get()
    assert data == {
        "id": req.pk,
        "url": f"http://testserver/api/v1/emergency-requests/{req.pk}/",
        "level": "deputies",
        "level_display": "Deputies Committee",
        "countries": ["SDN", "SSD"],
        "reasons": "Killings spreading.",
        "marking": "U",
        "status": "pending",
        "status_display": "Awaiting a co-chair",
        "requested_by": member.get_full_name(),
        "warning": None,
        "created_at": iso(req.created_at),
        "due": iso(req.due),
        "raised_at": None,
        "decided_by": None,
        "decided_at": None,
        "decision_note": "",
        "meeting_at": None,
        "meeting_level": "",
    }
    assert req.requested_by == member
    assert AuditEvent.objects.filter(action="emergency.request", actor=member).exists()
    # the co-chairs hear of it at once
    assert set(
        Notification.objects.filter(event_key=f"emergency:{req.pk}:requested").values_list(
            "recipient_id", flat=True
        )
    ) == {c.pk for c in chairs}


def test_the_level_defaults_to_apc(client):
    as_role(client, roles.CO_CHAIR)
    response = client.post(URL, {"countries": ["SDN"], "reasons": "Now."}, "application/json")
    assert response.status_code == 201
    assert response.json()["level"] == "apc"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"countries": [], "reasons": "Why."}, "countries"),
        ({"reasons": "Why."}, "countries"),
        ({"countries": ["ZZZ"], "reasons": "Why."}, "countries"),
        ({"countries": "SDN", "reasons": "Why."}, "countries"),
        ({"countries": ["SUDAN"], "reasons": "Why."}, "countries"),
        ({"countries": ["SDN"]}, "reasons"),
        ({"countries": ["SDN"], "reasons": "   "}, "reasons"),
        ({"countries": ["SDN"], "reasons": "Why.", "level": "principals"}, "level"),
    ],
)
def test_bad_input_answers_400_and_stores_nothing(client, payload, field):
    as_role(client, roles.MEMBER)
    UserFactory(role=roles.CO_CHAIR)
    before = stored()
    response = client.post(URL, payload, "application/json")
    assert response.status_code == 400, response.content
    data = response.json()
    assert set(data) == {"detail", "errors"}
    assert field in data["errors"], data
    assert stored() == before


@pytest.mark.parametrize(
    "role",
    [
        roles.ANALYST,
        roles.DIRECTORATE,
        roles.RED_TEAM,
        roles.DEPUTIES,
        roles.PRINCIPALS,
        roles.AUDITOR,
        roles.API_CLIENT,
    ],
)
def test_only_members_and_co_chairs_may_request(client, role):
    as_role(client, role)
    before = stored()
    response = client.post(URL, {"countries": ["SDN"], "reasons": "Why."}, "application/json")
    assert response.status_code == 403
    assert stored() == before


def test_anonymous_callers_get_401(client):
    assert client.get(URL).status_code == 401
    response = client.post(URL, {"countries": ["SDN"], "reasons": "Why."}, "application/json")
    assert response.status_code == 401
    assert EmergencyRequest.objects.count() == 0


# --- distribution ----------------------------------------------------------------------------


@pytest.fixture
def requests_():
    member = UserFactory(role=roles.MEMBER)
    pending = request_by()
    raised = request_by()
    EmergencyRequest.objects.filter(pk=raised.pk).update(due=timezone.now() - timedelta(hours=1))
    services.emergency_requests_check()
    return {"pending": pending, "raised": raised, "member": member}


# role -> which requests of other people it sees
SEES = {
    roles.CO_CHAIR: {"pending", "raised"},
    roles.DIRECTORATE: {"pending", "raised"},
    roles.MEMBER: set(),  # another member's requests
    roles.ANALYST: set(),
    roles.RED_TEAM: set(),
    roles.DEPUTIES: {"raised"},
    roles.PRINCIPALS: set(),
    roles.AUDITOR: set(),
    roles.API_CLIENT: set(),
}


def test_the_distribution_table_covers_every_role():
    assert set(SEES) == set(roles.ALL)


@pytest.mark.parametrize("role", roles.ALL)
def test_who_sees_which_request(client, role, requests_):
    as_role(client, role)
    expected = {requests_[k].pk for k in SEES[role]}
    assert set(ids(client.get(URL))) == expected
    for key in ("pending", "raised"):
        response = client.get(f"{URL}{requests_[key].pk}/")
        assert response.status_code == (200 if key in SEES[role] else 404), (role, key)


def test_the_requester_follows_their_own_request(client):
    member = as_role(client, roles.MEMBER)
    mine = request_by(member)
    request_by()  # another member's
    assert ids(client.get(URL)) == [mine.pk]
    assert client.get(f"{URL}{mine.pk}/").json()["requested_by"] == member.get_full_name()


def test_raised_requests_show_their_new_level(client, requests_):
    as_role(client, roles.DEPUTIES)
    data = client.get(f"{URL}{requests_['raised'].pk}/").json()
    assert data["level"] == "deputies" and data["raised_at"] is not None


def test_a_request_of_the_alert_channel_names_its_warning_not_the_filer(client):
    filer = UserFactory(role=roles.ANALYST, username="hidden-filer-9q", last_name="Pseudonymous")
    warning = file_warning(filer, severity="acute", protected=True)
    as_role(client, roles.DIRECTORATE)
    response = client.get(URL)
    [row] = response.json()["results"]
    assert row["requested_by"] is None and row["warning"] == warning.pk
    assert b"hidden-filer-9q" not in response.content and b"Pseudonymous" not in response.content


def test_a_request_above_the_readers_clearance_is_not_found(client):
    req = request_by()
    EmergencyRequest.objects.filter(pk=req.pk).update(marking=Marking.S)
    as_role(client, roles.CO_CHAIR, clearance=Marking.C)
    assert client.get(f"{URL}{req.pk}/").status_code == 404
    assert ids(client.get(URL)) == []


# --- filters and query counts ----------------------------------------------------------------


def test_filters_by_status_and_level(client, requests_):
    chair = as_role(client, roles.CO_CHAIR)
    declined = request_by()
    services.emergency_request_answer(
        actor=chair, request=declined, action="decline", note="Not warranted."
    )
    assert ids(client.get(URL, {"level": "deputies"})) == [requests_["raised"].pk]
    assert ids(client.get(URL, {"status": "declined"})) == [declined.pk]
    assert ids(client.get(URL, {"status": "pending", "level": "apc"})) == [requests_["pending"].pk]
    bad = client.get(URL, {"status": "lost"})
    assert bad.status_code == 400 and "status" in bad.json()["errors"]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", [roles.CO_CHAIR, roles.MEMBER])
def test_list_queries_do_not_grow_with_rows(client, role):
    user = as_role(client, role)
    chair = UserFactory(role=roles.CO_CHAIR)
    request_by(user)
    one = count_queries(client, URL)
    for i in range(24):
        req = request_by(user)
        if i % 3 == 0:
            services.emergency_request_answer(actor=chair, request=req, action="decline", note="No")
    assert count_queries(client, URL) == one
    assert len(client.get(URL).json()["results"]) == 25


def test_requests_are_never_edited_or_deleted_over_rest(client):
    chair = as_role(client, roles.CO_CHAIR)
    req = request_by(chair)
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(f"{URL}{req.pk}/").status_code == 405
    assert EmergencyRequest.objects.filter(pk=req.pk).exists()
