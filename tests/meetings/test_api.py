"""Meetings and action items over REST (/api/v1/meetings/, /api/v1/action-items/).

Source: issue 5, "Pages and API": `GET /api/v1/meetings/` (id, kind, level, starts_at, status,
url; filters upcoming, kind, level), `GET /api/v1/meetings/<id>/` (agenda, attendance,
decisions, action items, as far as the caller may see them), `GET /api/v1/action-items/`
(filters agency, status, overdue), `PATCH /api/v1/action-items/<id>/` for the owner agency;
"action-item permissions (only the owner agency updates status; co-chairs can reassign)".
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from apc.core import roles
from apc.core.markings import Marking
from apc.meetings import services
from apc.meetings.dates import committee_today
from apc.meetings.models import ActionItem, ActionItemUpdate, AgendaItem, Attendance, Decision
from apc.models import AuditEvent
from tests.factories import MeetingFactory, UserFactory, country, ensure_reference_data
from tests.meetings.matrix_api import action_item, agency, meeting_in
from tests.watchlist.matrix_api_alerts import file_warning
from watchlist.models import Country

pytestmark = pytest.mark.django_db

MEETINGS = "/api/v1/meetings/"
ACTIONS = "/api/v1/action-items/"
HEADER = "X-APC-Classification"


@pytest.fixture(autouse=True)
def _reference():
    ensure_reference_data()


def as_user(client, role, **kwargs):
    user = UserFactory(role=role, **kwargs)
    client.force_login(user)
    return user


def ids(response):
    assert response.status_code == 200, response.content[:300]
    return sorted(row["id"] for row in response.json()["results"])


def detail(client, meeting):
    response = client.get(f"{MEETINGS}{meeting.pk}/")
    assert response.status_code == 200, response.content[:300]
    return response


def patch(client, item, data):
    return client.patch(f"{ACTIONS}{item.pk}/", data, content_type="application/json")


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_the_contract_fields_with_the_page_url(client):
    meeting = meeting_in(7)
    as_user(client, roles.MEMBER)
    row = client.get(MEETINGS).json()["results"][0]
    assert list(row) == ["id", "kind", "level", "starts_at", "status", "url"]
    assert row["id"] == meeting.pk
    assert (row["kind"], row["level"], row["status"]) == ("regular", "apc", "scheduled")
    assert row["url"] == f"http://testserver/meetings/{meeting.pk}/"


def test_the_list_filters_by_upcoming_kind_and_level(client):
    soon = meeting_in(7)
    past = meeting_in(-30, status="closed")
    emergency = meeting_in(3, kind="emergency", level="deputies")
    cancelled = meeting_in(14, status="cancelled")
    as_user(client, roles.CO_CHAIR)
    assert ids(client.get(MEETINGS)) == sorted([soon.pk, past.pk, emergency.pk, cancelled.pk])
    assert ids(client.get(MEETINGS, {"upcoming": "true"})) == sorted([soon.pk, emergency.pk])
    assert ids(client.get(MEETINGS, {"upcoming": "false"})) == sorted([past.pk, cancelled.pk])
    assert ids(client.get(MEETINGS, {"kind": "emergency"})) == [emergency.pk]
    assert ids(client.get(MEETINGS, {"level": "apc"})) == sorted([soon.pk, past.pk, cancelled.pk])
    assert client.get(MEETINGS, {"level": "cabinet"}).status_code == 400


def test_the_deputies_secretariat_sees_meetings_at_its_level_only(client):
    MeetingFactory()
    deputies = MeetingFactory(level="deputies")
    as_user(client, roles.DEPUTIES)
    assert ids(client.get(MEETINGS)) == [deputies.pk]


def test_a_meeting_above_the_callers_clearance_is_not_listed_and_answers_404(client):
    secret = MeetingFactory(kind="emergency", slot=None, marking=Marking.S, countries=["SDN"])
    as_user(client, roles.MEMBER, clearance=Marking.C)
    assert ids(client.get(MEETINGS)) == []
    assert client.get(f"{MEETINGS}{secret.pk}/").status_code == 404


@pytest.mark.parametrize("role", [roles.ANALYST, roles.AUDITOR, roles.API_CLIENT])
def test_who_is_not_on_the_committee_gets_no_meetings(client, role):
    meeting = MeetingFactory()
    item = action_item(meeting)
    as_user(client, role)
    assert client.get(MEETINGS).status_code == 403
    assert client.get(ACTIONS).status_code == 403
    assert client.get(f"{MEETINGS}{meeting.pk}/").status_code == 404
    assert client.get(f"{ACTIONS}{item.pk}/").status_code == 404


# --- the detail -----------------------------------------------------------------------------


def _agenda_item(meeting, **kwargs):
    kwargs.setdefault("section", AgendaItem.Section.OTHER)
    kwargs.setdefault("title", "Other business")
    return AgendaItem.objects.create(meeting=meeting, **kwargs)


def test_the_detail_shows_each_part_within_the_callers_clearance(client):
    # minutes approved: members read them (drafts stay with the co-chairs and the secretariat)
    meeting = meeting_in(-1, status="minutes_approved")
    _agenda_item(
        meeting,
        position=1,
        title="Sudan: high risk",
        section=AgendaItem.Section.RISK,
        country=country("SDN"),
        presenter_agency=agency("state"),
        minutes_allocated=20,
        entries=[
            {"type": "note", "marking": "U", "text": "Open-source reporting of displacement"},
            {"type": "note", "marking": "S", "text": "CROWBAR intercepts of the militia"},
        ],
    )
    _agenda_item(meeting, position=2, title="NIGHTJAR collection plan", marking=Marking.S)
    Attendance.objects.create(meeting=meeting, agency=agency("state"), status="principal")
    chair = UserFactory(role=roles.CO_CHAIR)
    Decision.objects.create(meeting=meeting, kind="other", text="Keep watching", recorded_by=chair)
    Decision.objects.create(
        meeting=meeting, kind="other", text="OSPREY tasking", recorded_by=chair, marking="S"
    )
    action_item(meeting, text="Brief the donors")
    action_item(meeting, text="KESTREL follow-up", marking=Marking.S)
    meeting.minutes, meeting.minutes_marking = "We met. HARRIER discussed.", Marking.S
    meeting.save(update_fields=["minutes", "minutes_marking"])

    as_user(client, roles.MEMBER, clearance=Marking.C)
    response = detail(client, meeting)
    body = response.json()
    text = response.content.decode()
    for secret in ("CROWBAR", "NIGHTJAR", "OSPREY", "KESTREL", "HARRIER"):
        assert secret not in text
    assert [i["title"] for i in body["agenda"]] == ["Sudan: high risk"]
    item = body["agenda"][0]
    assert item["section"] == 1 and item["position"] == 1
    assert (item["presenter_agency"], item["minutes_allocated"]) == ("state", 20)
    assert item["country"] == "SDN"
    assert [e["text"] for e in item["entries"]] == ["Open-source reporting of displacement"]
    assert [a["agency"] for a in body["attendance"]] == ["state"]
    assert [d["text"] for d in body["decisions"]] == ["Keep watching"]
    assert [a["text"] for a in body["action_items"]] == ["Brief the donors"]
    assert body["minutes"] is None and body["minutes_marking"] is None
    assert response[HEADER] == "UNCLASSIFIED"

    as_user(client, roles.MEMBER, clearance=Marking.S)
    response = detail(client, meeting)
    body = response.json()
    assert len(body["agenda"]) == 2 and len(body["agenda"][0]["entries"]) == 2
    assert body["minutes"] == "We met. HARRIER discussed." and body["minutes_marking"] == "S"
    assert response[HEADER] == "SECRET"


def test_members_see_the_agenda_once_it_is_locked_the_secretariat_before(client):
    meeting = meeting_in(7)
    _agenda_item(meeting, title="Draft item")
    as_user(client, roles.MEMBER)
    assert detail(client, meeting).json()["agenda"] == []
    as_user(client, roles.DIRECTORATE)
    assert [i["title"] for i in detail(client, meeting).json()["agenda"]] == ["Draft item"]
    meeting.status = "agenda_locked"
    meeting.save(update_fields=["status"])
    as_user(client, roles.MEMBER)
    assert [i["title"] for i in detail(client, meeting).json()["agenda"]] == ["Draft item"]


def test_no_filer_identity_anywhere_in_the_meeting_payload(client):
    filer = UserFactory(
        role=roles.ANALYST,
        username="zebulon.filer",
        first_name="Zebulon",
        last_name="Quixotic",
        email="zq@odni.example",
        agency=agency("odni"),
    )
    warning = file_warning(filer, protected=True)
    meeting = meeting_in(7)
    services.agenda_regenerate(actor=UserFactory(role=roles.DIRECTORATE), meeting=meeting)
    services.meeting_transition(
        actor=UserFactory(role=roles.CO_CHAIR), meeting=meeting, action="lock_agenda"
    )
    as_user(client, roles.MEMBER)
    response = detail(client, meeting)
    text = response.content.decode()
    assert f"warning #{warning.pk}" in text  # the warning is on the agenda...
    for identity in ("zebulon", "Zebulon", "Quixotic", "zq@odni", "odni", "ODNI"):
        assert identity not in text, identity  # ...its filer is not


def test_the_detail_read_is_audited_with_the_highest_marking_shown(client):
    meeting = meeting_in(-1, status="held")
    _agenda_item(meeting, title="Secret item", marking=Marking.C)
    user = as_user(client, roles.CO_CHAIR)
    assert detail(client, meeting)[HEADER] == "CONFIDENTIAL"
    event = AuditEvent.objects.get(action="meeting.view", actor=user)
    assert (event.object_type, event.object_id) == ("apc.meeting", str(meeting.pk))
    assert event.marking == Marking.C


def test_the_detail_is_refused_for_hidden_meetings_and_the_attempt_audited(client):
    meeting = MeetingFactory()
    user = as_user(client, roles.ANALYST)
    assert client.get(f"{MEETINGS}{meeting.pk}/").status_code == 404
    assert AuditEvent.objects.filter(actor=user, outcome="denied").exists()


# --- action items ---------------------------------------------------------------------------

ACTION_KEYS = [
    "id",
    "meeting",
    "text",
    "country",
    "owner_agency",
    "assignee",
    "assignee_name",
    "due",
    "status",
    "overdue",
    "implementation_notes",
    "impact",
    "marking",
    "updated_at",
    "url",
]


def test_the_action_item_list_shows_its_fields_and_filters(client):
    today = committee_today()
    late = action_item(due=today - dt.timedelta(days=3))
    done = action_item(status="done", owner_agency=agency("state"), due=today)
    future = action_item(status="in_progress", due=today + dt.timedelta(days=40))
    as_user(client, roles.MEMBER)
    rows = {r["id"]: r for r in client.get(ACTIONS).json()["results"]}
    assert list(rows[late.pk]) == ACTION_KEYS
    assert rows[late.pk]["owner_agency"] == "treasury"
    assert rows[late.pk]["overdue"] is True and rows[future.pk]["overdue"] is False
    assert rows[late.pk]["url"] == f"http://testserver/meetings/actions/{late.pk}/"
    assert ids(client.get(ACTIONS, {"agency": "state"})) == [done.pk]
    assert ids(client.get(ACTIONS, {"status": ["open", "in_progress"]})) == sorted(
        [late.pk, future.pk]
    )
    assert ids(client.get(ACTIONS, {"overdue": "true"})) == [late.pk]
    assert ids(client.get(ACTIONS, {"overdue": "false"})) == sorted([done.pk, future.pk])


def test_the_header_counts_the_country_an_action_item_names(client):
    Country.objects.filter(pk="SDN").update(marking=Marking.C)
    item = action_item(country=country("SDN"))
    as_user(client, roles.MEMBER)
    assert client.get(ACTIONS)[HEADER] == "CONFIDENTIAL"
    assert client.get(f"{ACTIONS}{item.pk}/")[HEADER] == "CONFIDENTIAL"
    as_user(client, roles.MEMBER, clearance=Marking.CUI)
    assert ids(client.get(ACTIONS)) == []


def test_the_owner_agency_reports_on_its_action_item_and_the_history_is_kept(client):
    item = action_item()
    member = as_user(client, roles.MEMBER, agency=agency("treasury"))
    response = patch(
        client,
        item,
        {
            "status": "in_progress",
            "implementation_notes": "Sanctions team briefed.",
            "impact": "Two designations prepared.",
            "note": "First report.",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["implementation_notes"]) == (
        "in_progress",
        "Sanctions team briefed.",
    )
    assert [h["note"] for h in body["history"]] == ["First report."]
    assert body["history"][0]["changes"]["status"] == {"before": "open", "after": "in_progress"}
    item.refresh_from_db()
    assert (item.status, item.impact) == ("in_progress", "Two designations prepared.")
    assert ActionItemUpdate.objects.get(item=item).author == member
    assert AuditEvent.objects.filter(action="action_item.update", actor=member).exists()


def test_another_agencys_member_may_not_update_an_action_item(client):
    item = action_item()
    as_user(client, roles.MEMBER, agency=agency("state"))
    assert patch(client, item, {"status": "done"}).status_code == 403
    item.refresh_from_db()
    assert item.status == "open" and not ActionItemUpdate.objects.exists()


def test_a_co_chair_reassigns_but_does_not_report_for_another_agency(client):
    item = action_item()
    chair = as_user(client, roles.CO_CHAIR, agency=agency("nsc"))
    assert patch(client, item, {"status": "done"}).status_code == 403
    new_due = committee_today() + dt.timedelta(days=60)
    response = patch(client, item, {"owner_agency": "usaid", "due": new_due.isoformat()})
    assert response.status_code == 200, response.content
    assert (response.json()["owner_agency"], response.json()["due"]) == (
        "usaid",
        new_due.isoformat(),
    )
    item.refresh_from_db()
    assert (item.owner_agency.code, item.due, item.status) == ("usaid", new_due, "open")
    assert ActionItemUpdate.objects.get(item=item).author == chair
    assert AuditEvent.objects.filter(action="action_item.reassign", actor=chair).exists()


def test_a_member_may_not_reassign_even_their_own_agencys_item(client):
    item = action_item()
    as_user(client, roles.MEMBER, agency=agency("treasury"))
    assert patch(client, item, {"owner_agency": "state"}).status_code == 403
    item.refresh_from_db()
    assert item.owner_agency.code == "treasury"


def test_the_assignee_must_belong_to_the_owner_agency(client):
    item = action_item()
    stranger = UserFactory(role=roles.MEMBER, agency=agency("state"))
    colleague = UserFactory(role=roles.MEMBER, agency=agency("treasury"))
    as_user(client, roles.CO_CHAIR)
    response = patch(client, item, {"assignee": stranger.pk})
    assert response.status_code == 400 and "assignee" in response.json()["errors"]
    assert patch(client, item, {"assignee": colleague.pk}).json()["assignee"] == colleague.pk


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"status": "done", "text": "Rewritten"}, "text"),
        ({"marking": "U"}, "marking"),
        ({"owner_agency": "nowhere"}, "owner_agency"),
        ({}, "__all__"),
    ],
)
def test_invalid_or_unknown_fields_answer_400_and_change_nothing(client, data, field):
    item = action_item()
    as_user(client, roles.CO_CHAIR, agency=agency("treasury"))
    response = patch(client, item, data)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    fresh = ActionItem.objects.get(pk=item.pk)
    assert (fresh.status, fresh.text, fresh.owner_agency_id) == (
        "open",
        item.text,
        item.owner_agency_id,
    )
    assert not ActionItemUpdate.objects.exists()


def test_api_clients_are_read_only(client):
    item = action_item()
    as_user(client, roles.API_CLIENT, agency=agency("treasury"))
    assert patch(client, item, {"status": "done"}).status_code == 403
    assert ActionItem.objects.get(pk=item.pk).status == "open"


def test_the_action_item_detail_has_its_history_and_is_audited(client):
    item = action_item()
    services.action_item_update(
        actor=UserFactory(role=roles.MEMBER, agency=agency("treasury")),
        item=item,
        status="in_progress",
        note="Started.",
    )
    user = as_user(client, roles.DIRECTORATE)
    body = client.get(f"{ACTIONS}{item.pk}/").json()
    assert body["status"] == "in_progress"
    assert [h["note"] for h in body["history"]] == ["Started."]
    assert AuditEvent.objects.filter(
        action="actionitem.view", actor=user, object_id=str(item.pk)
    ).exists()


def test_the_deputies_secretariat_sees_no_action_items(client):
    action_item(MeetingFactory(level="deputies", status="held"))
    as_user(client, roles.DEPUTIES)
    assert ids(client.get(ACTIONS)) == []


def test_the_schema_describes_the_meetings_api(client):
    as_user(client, roles.MEMBER)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "get" in paths["/api/v1/meetings/"]
    assert "get" in paths["/api/v1/meetings/{id}/"]
    assert {"get", "patch"} <= set(paths["/api/v1/action-items/{id}/"])
    assert "put" not in paths["/api/v1/action-items/{id}/"]
    params = {p["name"] for p in paths["/api/v1/meetings/"]["get"]["parameters"]}
    assert {"upcoming", "kind", "level"} <= params
    params = {p["name"] for p in paths["/api/v1/action-items/"]["get"]["parameters"]}
    assert {"agency", "status", "overdue"} <= params
    body = json.dumps(schema["components"]["schemas"]["MeetingDetail"])
    assert "agenda" in body and "minutes_marking" in body
