"""Plans, their versions, playbooks and the reference catalogue over REST.

Source: issue 6, "Pages, exports, API": `GET /api/v1/plans/` (filters: country, kind, status),
`GET /api/v1/plans/<id>/` (sections the caller may see), `POST /api/v1/plans/<id>/transition/`
`{action, comment}`, `GET /api/v1/plans/<id>/versions/`, `GET /api/v1/tools/`, `/strategies/`,
`/target-groups/` (measures in escalation order), `/playbooks/`; "a section above a user's
clearance is hidden from them while the rest of the plan stays visible, and the banner reflects
what is shown"; "Section-level clearance: the hidden section is absent from HTML, API and PDF
for the lower-cleared user"; "The author (and any member of the drafting team) can never approve
their own plan; approvals need the deputies / principals role; approving a plan that is not in
the right state fails"; "Prioritisation: the plans list can be ordered by the country's priority
factors, risk score and tier".
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apc.core import roles
from apc.core.markings import Marking
from apc.models import Agency, AuditEvent
from plans import reference as ref
from plans import services
from plans.models import Plan, PlanEvent, PlanSection, Playbook, PlaybookOption, Tool
from tests.factories import RiskVintageFactory, UserFactory
from tests.plans.matrix_api import playbook, submitted_plan, to_deputies
from tests.plans.support import (
    add_option,
    add_partner,
    ensure_plans_reference,
    group,
    make_plan,
    stage,
)
from watchlist.models import Country, RiskScore

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/plans/"
HEADER = "X-APC-Classification"


@pytest.fixture(autouse=True)
def _reference():
    ensure_plans_reference()


def as_user(client, role, **kwargs):
    user = UserFactory(role=role, **kwargs)
    client.force_login(user)
    return user


def ok(response):
    assert response.status_code == 200, response.content[:400]
    return response.json()


def ids(response) -> list[int]:
    return [row["id"] for row in ok(response)["results"]]


def transition(client, plan, **data):
    return client.post(f"{PLANS}{plan.pk}/transition/", data, content_type="application/json")


def mark_section(plan: Plan, key: str, marking: str) -> None:
    PlanSection.objects.filter(plan=plan, key=key).update(marking=marking)


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_the_contract_fields_with_the_page_url(client):
    plan = make_plan(iso3="SDN")
    as_user(client, roles.CO_CHAIR)
    response = client.get(PLANS)
    row = ok(response)["results"][0]
    assert list(row) == [
        "id",
        "country",
        "kind",
        "title",
        "status",
        "marking",
        "owner",
        "lead",
        "updated_at",
        "url",
    ]
    assert (row["id"], row["country"], row["kind"], row["status"]) == (
        plan.pk,
        "SDN",
        "response",
        "draft",
    )
    assert row["owner"] == row["lead"] == plan.owner.get_full_name()
    assert row["url"] == f"http://testserver/plans/{plan.pk}/"
    assert response[HEADER] == "UNCLASSIFIED"


def test_the_list_filters_by_country_kind_and_status(client):
    sudan = make_plan(iso3="SDN")
    myanmar = make_plan(iso3="MMR")
    prevention = make_plan(Plan.Kind.PREVENTION, iso3="ETH")
    Plan.objects.filter(pk=myanmar.pk).update(status=Plan.Status.RED_TEAM)
    as_user(client, roles.DIRECTORATE)
    assert ids(client.get(PLANS, {"country": "sdn"})) == [sudan.pk]
    assert ids(client.get(PLANS, {"kind": "prevention"})) == [prevention.pk]
    assert ids(client.get(PLANS, {"status": "red_team_review"})) == [myanmar.pk]
    assert sorted(ids(client.get(PLANS, {"kind": "response", "status": "draft"}))) == [sudan.pk]
    assert client.get(PLANS, {"status": "nonsense"}).status_code == 400
    assert client.get(PLANS, {"order": "nonsense"}).status_code == 400


def test_the_list_orders_by_priority_risk_tier_update_and_country(client):
    sudan = make_plan(iso3="SDN")  # high and rising
    ethiopia = make_plan(Plan.Kind.PREVENTION, iso3="ETH")  # moderate
    afghanistan = make_plan(iso3="AFG")  # high and rising
    Country.objects.filter(pk="SDN").update(priority=50)
    Country.objects.filter(pk="ETH").update(priority=90)
    Country.objects.filter(pk="AFG").update(priority=70)
    vintage = RiskVintageFactory()
    for iso3, rank in (("SDN", 1), ("AFG", 7)):  # Ethiopia is not scored: last
        RiskScore.objects.create(vintage=vintage, country_id=iso3, value="0.2", rank=rank)
    now = timezone.now()
    for i, plan in enumerate((afghanistan, sudan, ethiopia)):
        Plan.objects.filter(pk=plan.pk).update(updated_at=now - dt.timedelta(days=i))
    as_user(client, roles.CO_CHAIR)
    expected = {
        None: [ethiopia, afghanistan, sudan],  # priority by default
        "priority": [ethiopia, afghanistan, sudan],
        "risk": [sudan, afghanistan, ethiopia],
        "tier": [afghanistan, sudan, ethiopia],  # high and rising first, then by priority
        "updated": [afghanistan, sudan, ethiopia],
        "country": [afghanistan, ethiopia, sudan],
    }
    for order, plans in expected.items():
        query = {"order": order} if order else {}
        assert ids(client.get(PLANS, query)) == [p.pk for p in plans], order


def test_the_list_shows_each_caller_only_the_plans_they_may_see(client):
    draft = make_plan(iso3="SDN")
    submitted = submitted_plan(iso3="MMR")
    hidden = make_plan(iso3="AFG", marking=Marking.S)
    as_user(client, roles.DEPUTIES)
    assert ids(client.get(PLANS)) == [submitted.pk]
    as_user(client, roles.MEMBER)
    assert ids(client.get(PLANS)) == []
    as_user(client, roles.CO_CHAIR, clearance=Marking.C)
    assert sorted(ids(client.get(PLANS))) == sorted([draft.pk, submitted.pk])
    assert hidden.pk not in ids(client.get(PLANS))
    member = as_user(client, roles.MEMBER)
    services.team_add(actor=draft.owner, plan=draft, user=member)
    assert ids(client.get(PLANS)) == [draft.pk]


def test_service_accounts_and_auditors_may_not_list_plans(client):
    make_plan()
    for role in (roles.API_CLIENT, roles.AUDITOR):
        as_user(client, role)
        assert client.get(PLANS).status_code == 403


# --- the detail -----------------------------------------------------------------------------


def test_the_detail_holds_the_plan_as_far_as_the_caller_may_see_it(client):
    plan = make_plan(iso3="SDN")
    add_option(plan, target="perpetrators", at="acute", tool_name="Trade sanctions")
    add_partner(plan, "Chad", influence="neighbour", engaged=True)
    services.messaging_lead_set(
        actor=plan.owner, plan=plan, agency=Agency.objects.get(code="state")
    )
    user = as_user(client, roles.DIRECTORATE)
    response = client.get(f"{PLANS}{plan.pk}/")
    data = ok(response)
    assert [s["key"] for s in data["sections"]] == [
        "target_assessment",
        "atrocities_estimate",
        "policy_options",
        "operations_plan",
    ]
    section = data["sections"][0]
    assert set(section) >= {
        "key", "title", "status", "assignee", "assigned_agency", "marking", "content", "version",
    }  # fmt: skip
    assert (section["title"], section["assigned_agency"]) == ("Target country assessment", "odni")
    assert data["hidden_sections"] == 0
    option = data["options"][0]
    assert (option["target_group"], option["stage"], option["measure"]) == (
        "perpetrators",
        "acute",
        "Trade sanctions",
    )
    assert data["partners"][0]["name"] == "Chad"
    assert data["partners"][0]["influence"] == "neighbour"
    assert data["messaging_lead"] == "state"
    assert data["congress"] is None
    # the directorate manages the plan: it may mark the assessments complete
    assert data["available_actions"] == [
        {"action": "complete_assessments", "label": "Mark the assessments complete"}
    ]
    checks = {c["key"]: c for c in data["checks"]}
    assert checks["all_target_groups"]["ok"] is False
    assert checks["single_messaging_lead"]["ok"] is True
    assert checks["all_target_groups"]["passages"][0]["quote"]
    assert response[HEADER] == "UNCLASSIFIED"
    event = AuditEvent.objects.get(action="plan.view", actor=user)
    assert (event.object_id, event.marking) == (str(plan.pk), Marking.U)


def test_a_section_above_the_callers_clearance_is_absent_and_not_in_the_header(client):
    plan = make_plan(iso3="SDN")
    add_option(plan, target="perpetrators", at="acute", tool_name="Trade sanctions")
    add_partner(plan, "Chad", influence="neighbour")
    PlanSection.objects.filter(plan=plan, key="target_assessment").update(
        content={"leadership": "PELICAN reporting on the junta"}
    )
    mark_section(plan, "target_assessment", Marking.S)
    mark_section(plan, "policy_options", Marking.S)
    mark_section(plan, "atrocities_estimate", Marking.C)
    user = as_user(client, roles.CO_CHAIR, clearance=Marking.C)
    response = client.get(f"{PLANS}{plan.pk}/")
    data = ok(response)
    assert [s["key"] for s in data["sections"]] == ["atrocities_estimate", "operations_plan"]
    assert data["hidden_sections"] == 2
    assert data["options"] == []  # they belong to the hidden policy options section
    assert data["partners"][0]["name"] == "Chad"  # the operations plan is shown
    assert "PELICAN" not in response.content.decode()
    assert "SECRET" not in response.content.decode()
    hidden = {c["key"]: c for c in data["checks"]}["all_target_groups"]
    assert hidden["ok"] is None
    assert response[HEADER] == "CONFIDENTIAL"
    assert AuditEvent.objects.get(action="plan.view", actor=user).marking == Marking.C
    # a SECRET-cleared co-chair sees it all, and the header says so
    as_user(client, roles.CO_CHAIR)
    response = client.get(f"{PLANS}{plan.pk}/")
    assert ok(response)["hidden_sections"] == 0
    assert "PELICAN" in response.content.decode()
    assert response[HEADER] == "SECRET"


def test_a_plan_the_caller_may_not_see_answers_404_and_the_attempt_is_audited(client):
    plan = make_plan(marking=Marking.S)
    user = as_user(client, roles.CO_CHAIR, clearance=Marking.C)
    assert client.get(f"{PLANS}{plan.pk}/").status_code == 404
    assert AuditEvent.objects.filter(actor=user, outcome="denied").exists()


# --- transitions ----------------------------------------------------------------------------


def test_a_deputies_secretary_approves_a_submitted_plan(client):
    plan = to_deputies(make_plan())
    user = as_user(client, roles.DEPUTIES)
    data = ok(transition(client, plan, action="approve_deputies", comment="Agreed."))
    assert data["status"] == "approved_deputies"
    assert {a["action"] for a in data["available_actions"]} == {"refer_principals"}
    event = PlanEvent.objects.filter(plan=plan).latest("id")
    assert (event.action, event.actor, event.comment) == ("approve_deputies", user, "Agreed.")
    assert AuditEvent.objects.filter(action="plan.approve_deputies", actor=user).exists()


def test_the_directorate_moves_a_plan_through_its_life_cycle(client):
    plan = make_plan()
    PlanSection.objects.filter(plan=plan).update(status=PlanSection.Status.COMPLETE)
    client.force_login(plan.owner)
    for action, status in (
        ("complete_assessments", "assessments_complete"),
        ("start_red_team", "red_team_review"),
        ("submit_deputies", "submitted_deputies"),
    ):
        assert ok(transition(client, plan, action=action))["status"] == status
    versions = ok(client.get(f"{PLANS}{plan.pk}/versions/"))
    assert [(v["number"], v["status"]) for v in versions] == [(1, "submitted_deputies")]


def test_the_briefing_to_congress_is_recorded_through_the_api(client):
    plan = to_deputies(make_plan())
    services.plan_transition(
        actor=UserFactory(role=roles.DEPUTIES), plan=plan, action="approve_deputies"
    )
    client.force_login(plan.owner)
    bad = transition(client, plan, action="brief_congress", briefing={"committees": "SFRC"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"date", "members"}
    briefing = {"date": "2024-03-01", "committees": "SFRC, HFAC", "members": "Chairs"}
    data = ok(transition(client, plan, action="brief_congress", briefing=briefing))
    assert data["status"] == "briefed"
    assert data["congress"] == {
        "date": "2024-03-01",
        "committees": "SFRC, HFAC",
        "members": "Chairs",
    }


def test_nobody_on_the_drafting_team_approves_their_own_plan(client):
    author = UserFactory(role=[roles.DIRECTORATE, roles.DEPUTIES])
    plan = to_deputies(make_plan(owner=author))
    client.force_login(author)
    response = transition(client, plan, action="approve_deputies")
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED_DEPUTIES


def test_an_action_the_state_does_not_allow_answers_409(client):
    plan = make_plan()
    client.force_login(plan.owner)
    response = transition(client, plan, action="submit_deputies")
    assert response.status_code == 409
    assert response.json()["detail"]
    as_user(client, roles.DEPUTIES)
    plan = submitted_plan(iso3="MMR")
    services.plan_transition(
        actor=UserFactory(role=roles.DEPUTIES), plan=plan, action="approve_deputies"
    )
    assert transition(client, plan, action="approve_deputies").status_code == 409


def test_returning_a_plan_needs_a_comment(client):
    plan = to_deputies(make_plan())
    as_user(client, roles.DEPUTIES)
    response = transition(client, plan, action="return_deputies", comment="  ")
    assert response.status_code == 400
    assert "comment" in response.json()["errors"]
    data = ok(transition(client, plan, action="return_deputies", comment="Add partners."))
    assert data["status"] == "draft"


def test_a_role_without_the_permission_is_refused(client):
    plan = make_plan()
    as_user(client, roles.CO_CHAIR)  # sees the plan, may not approve for the Deputies
    plan = to_deputies(plan)
    assert transition(client, plan, action="approve_deputies").status_code == 403
    assert transition(client, plan, action="").status_code == 400


def test_service_accounts_may_not_move_a_plan(client):
    plan = to_deputies(make_plan())
    as_user(client, roles.API_CLIENT)
    assert transition(client, plan, action="approve_deputies").status_code == 403
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED_DEPUTIES


# --- versions -------------------------------------------------------------------------------


def test_a_version_is_shown_without_the_sections_above_the_callers_clearance(client):
    plan = make_plan(iso3="SDN")
    PlanSection.objects.filter(plan=plan, key="target_assessment").update(
        content={"leadership": "PELICAN reporting on the junta"}
    )
    PlanSection.objects.filter(plan=plan, key="atrocities_estimate").update(
        content={"scale": "Thousands at risk in El Fasher"}
    )
    mark_section(plan, "target_assessment", Marking.S)
    mark_section(plan, "atrocities_estimate", Marking.C)
    plan = to_deputies(plan)
    user = as_user(client, roles.CO_CHAIR, clearance=Marking.C)
    response = client.get(f"{PLANS}{plan.pk}/versions/")
    rows = ok(response)
    assert [(r["number"], r["status"], r["marking"]) for r in rows] == [
        (1, "submitted_deputies", Marking.C)
    ]
    assert response[HEADER] == "CONFIDENTIAL"
    assert set(rows[0]) == {"number", "status", "created_at", "created_by", "marking", "url"}
    assert rows[0]["url"] == f"http://testserver/api/v1/plans/{plan.pk}/versions/1/"
    response = client.get(rows[0]["url"])
    data = ok(response)
    assert [s["key"] for s in data["sections"]] == [
        "atrocities_estimate",
        "policy_options",
        "operations_plan",
    ]
    assert data["hidden_sections"] == 1
    assert data["sections"][0]["content"]["scale"] == "Thousands at risk in El Fasher"
    assert "PELICAN" not in response.content.decode()
    assert data["marking"] == Marking.C
    assert response[HEADER] == "CONFIDENTIAL"
    event = AuditEvent.objects.get(action="plan.version_view", actor=user)
    assert (event.marking, event.summary) == (Marking.C, "v1")
    as_user(client, roles.CO_CHAIR)
    response = client.get(rows[0]["url"])
    assert ok(response)["hidden_sections"] == 0
    assert response[HEADER] == "SECRET"


def test_an_unknown_version_answers_404(client):
    plan = submitted_plan()
    as_user(client, roles.CO_CHAIR)
    assert client.get(f"{PLANS}{plan.pk}/versions/2/").status_code == 404


# --- reference data and playbooks -----------------------------------------------------------


def _all(client, url) -> list[dict]:
    rows, page = [], ok(client.get(url))
    rows += page["results"]
    while page["next"]:
        page = ok(client.get(page["next"]))
        rows += page["results"]
    return rows


def test_the_tool_catalogue_holds_the_58_tools_with_their_sources(client):
    as_user(client, roles.API_CLIENT)
    response = client.get("/api/v1/tools/")
    assert ok(response)["count"] == 58
    assert response[HEADER] == "UNCLASSIFIED"
    tools = _all(client, "/api/v1/tools/")
    assert len(tools) == 58
    assert set(tools[0]) == {
        "id", "name", "definition", "source", "type", "stance", "strategies",
    }  # fmt: skip
    by_source: dict[str, list] = {}
    for t in tools:
        by_source.setdefault(t["source"], []).append(t)
    assert [t["name"] for t in by_source[ref.TASK_FORCE_SOURCE]] == [
        t.name for t in ref.TASK_FORCE_TOOLS
    ]
    assert [t["name"] for t in by_source[ref.USHMM_SOURCE]] == [t.name for t in ref.USHMM_TOOLS]
    assert all(t["type"] and t["stance"] for t in by_source[ref.TASK_FORCE_SOURCE])
    assert all(t["definition"] for t in by_source[ref.USHMM_SOURCE])
    mapped = {t["name"]: t["strategies"] for t in by_source[ref.USHMM_SOURCE]}
    for name, keys in ref.TOOL_STRATEGIES.items():
        assert mapped[name] == list(keys), name


def test_the_strategies_carry_assumptions_mechanisms_and_tools(client):
    as_user(client, roles.MEMBER)
    data = ok(client.get("/api/v1/strategies/"))
    assert data["count"] == 4
    assert [s["key"] for s in data["results"]] == [s.key for s in ref.STRATEGIES]
    for row, s in zip(data["results"], ref.STRATEGIES, strict=True):
        assert row["name"] == s.name
        assert row["assumptions"] and row["mechanisms"] == list(s.mechanisms)
        assert row["table_tools"] == [t.name for t in s.tools]
        mapped = [name for name, keys in ref.TOOL_STRATEGIES.items() if s.key in keys]
        assert sorted(row["tools"]) == sorted(mapped)


def test_the_target_groups_list_their_measures_in_escalation_order(client):
    as_user(client, roles.API_CLIENT)
    data = ok(client.get("/api/v1/target-groups/"))
    assert data["count"] == 4
    for row, g in zip(data["results"], ref.TARGET_GROUPS, strict=True):
        assert (row["key"], row["name"], row["purpose"]) == (g.key, g.name, g.purpose)
        assert row["measures"] == [m.text for m in g.measures]


def test_playbooks_list_and_detail_with_their_options(client):
    pb = playbook(name="Dissuade the leadership")
    PlaybookOption.objects.create(
        playbook=pb,
        target_group=group("decision_makers"),
        stage=stage("emerging"),
        tool=Tool.objects.get(name="Targeted Sanctions"),
        stance=Tool.Stance.COERCIVE,
        enforcer="Treasury (OFAC)",
    )
    as_user(client, roles.RED_TEAM)
    rows = ok(client.get("/api/v1/playbooks/"))["results"]
    assert [r["name"] for r in rows] == ["Dissuade the leadership"]
    data = ok(client.get(f"/api/v1/playbooks/{pb.pk}/"))
    assert [
        (o["target_group"], o["stage"], o["measure"], o["enforcer"]) for o in data["options"]
    ] == [("decision_makers", "emerging", "Targeted Sanctions", "Treasury (OFAC)")]
    as_user(client, roles.API_CLIENT)
    assert client.get("/api/v1/playbooks/").status_code == 403
    assert client.get(f"/api/v1/playbooks/{pb.pk}/").status_code == 403
    assert Playbook.objects.count() == 1
