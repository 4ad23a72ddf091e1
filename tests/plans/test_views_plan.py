"""The plan pages (issue 6, "Pages, exports"): the plans list ordered for prioritisation, a new
plan, the overview (status, sections, guideline checks, actions, drafting team, red team,
rehearsals, history, the briefing to Congress), the versions (one, two side by side) and the
PDF downloads.

Source: seeds/000_588810f2139c9d78.txt, "Decision Support and Planning" (recommendation 4-2):
plans are red-teamed and rehearsed, approved by the Deputies Committee "and if necessary the
Principals Committee", briefed to Congress, and prioritised when they are too many.

Each page renders for the roles allowed; each form's happy path changes state through the
services, bad input answers 400 with the message and changes nothing, a role that may not act
answers 403 (404 when it may not see the plan); a section above the reader's clearance is absent
from the overview and the version pages, and the banner never shows its marking; reads and
downloads are audited.
"""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from apc.core import roles
from apc.core.permissions import can
from apc.models import AuditEvent
from plans import services
from plans.models import Plan, PlanSection, PlanVersion, RedTeamFinding, Rehearsal
from tests.factories import RiskVintageFactory, UserFactory, country
from tests.plans.support import directorate, ensure_plans_reference, make_plan, set_tier
from watchlist.models import Country, RiskScore

pytestmark = pytest.mark.django_db

A = roles
S = Plan.Status
LIST_URL = reverse("plans:plan-list")
NEW_URL = reverse("plans:plan-new")
HIDDEN_TITLE = "Atrocities estimate and impact assessment"
BRIEFING = {
    "action": "brief_congress",
    "date": "2026-01-15",
    "committees": "Senate Foreign Relations",
    "members": "Sen. A; Rep. B",
}


@pytest.fixture(autouse=True)
def _reference_data():
    ensure_plans_reference()


@pytest.fixture
def lead():
    return directorate(is_directorate_lead=True, first_name="Lena", last_name="Lead")


@pytest.fixture
def plan(lead):
    return make_plan(owner=lead)


def url(name: str, *args) -> str:
    return reverse(f"plans:{name}", args=args)


def text(response) -> str:
    return unescape(response.content.decode())


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def login(client, user):
    client.force_login(user)
    return client


def banner(response) -> str:
    body = text(response)
    start = body.index('data-testid="banner-top">') + len('data-testid="banner-top">')
    return body[start : body.index("<", start)]


def complete_sections(plan: Plan) -> None:
    PlanSection.objects.filter(plan=plan).update(status=PlanSection.Status.COMPLETE)


def submitted(plan: Plan, actor) -> Plan:
    """The plan taken through the red team to the Deputies Committee (version 1 frozen)."""
    complete_sections(plan)
    for action in ("complete_assessments", "start_red_team", "submit_deputies"):
        plan = services.plan_transition(actor=actor, plan=plan, action=action)
    return plan


def hide_section(plan: Plan, key: str = "atrocities_estimate") -> None:
    PlanSection.objects.filter(plan=plan, key=key).update(marking="S")


def audited(action: str, plan: Plan) -> AuditEvent:
    return AuditEvent.objects.filter(action=action, object_id=str(plan.pk)).latest("id")


# --- The plans list -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [A.CO_CHAIR, A.DIRECTORATE, A.MEMBER, A.ANALYST, A.RED_TEAM, A.DEPUTIES, A.PRINCIPALS]
)
def test_list_renders_for_roles_that_see_plans(client, plan, role):
    response = login(client, UserFactory(role=role)).get(LIST_URL)
    assert response.status_code == 200
    shown = plan.title in text(response)
    assert shown is (role in (A.CO_CHAIR, A.DIRECTORATE))  # others see plans by grant only
    assert ('data-testid="new-plan"' in text(response)) is (role == A.DIRECTORATE)


@pytest.mark.parametrize("role", [A.AUDITOR, A.API_CLIENT])
def test_list_is_refused_to_roles_without_plans(client, role):
    assert login(client, UserFactory(role=role)).get(LIST_URL).status_code == 403


def test_a_granted_member_sees_only_the_plan_shared_with_them(client, lead):
    shared, other = make_plan(owner=lead), make_plan(owner=lead)
    member = UserFactory(role=A.MEMBER)
    assign_perm("view_plan", member, shared)
    body = text(login(client, member).get(LIST_URL))
    assert shared.title in body
    assert other.title not in body


def _order(client, order: str) -> list[int]:
    response = client.get(LIST_URL, {"order": order})
    assert response.status_code == 200
    return [p.pk for p in response.context["plans"]]


def test_prioritisation_orders_the_list(client, lead):
    """Recommendation 4-2: when plans are too many, order them by the country's priority
    factors, risk score and tier."""
    a = make_plan(owner=lead, iso3="SDN")  # high and rising
    b = make_plan(Plan.Kind.PREVENTION, owner=lead, iso3="ETH")  # moderate
    c = make_plan(owner=lead, iso3="MMR")  # high and rising
    Country.objects.filter(pk="SDN").update(priority=50)
    Country.objects.filter(pk="ETH").update(priority=90)
    Country.objects.filter(pk="MMR").update(priority=70)
    vintage = RiskVintageFactory()
    for iso3, rank in (("SDN", 1), ("ETH", 3), ("MMR", 2)):
        RiskScore.objects.create(vintage=vintage, country_id=iso3, value="0.1", rank=rank)
    login(client, lead)
    assert _order(client, "priority") == [b.pk, c.pk, a.pk]
    assert _order(client, "risk") == [a.pk, c.pk, b.pk]
    assert _order(client, "tier") == [c.pk, a.pk, b.pk]  # high and rising first, then priority
    assert _order(client, "country") == [b.pk, c.pk, a.pk]  # Ethiopia, Myanmar, Sudan
    Plan.objects.filter(pk=a.pk).update(updated_at=timezone.now() + timedelta(days=1))
    assert _order(client, "updated")[0] == a.pk
    body = text(client.get(LIST_URL, {"order": "risk"}))
    assert body.index("Sudan") < body.index("Myanmar") < body.index("Ethiopia")


def test_the_list_filters_by_kind_and_status(client, lead):
    response_plan = make_plan(owner=lead)
    prevention = make_plan(Plan.Kind.PREVENTION, owner=lead)
    Plan.objects.filter(pk=prevention.pk).update(status=S.APC_REVIEW)
    login(client, lead)
    by_kind = client.get(LIST_URL, {"kind": "prevention"}).context["plans"]
    assert [p.pk for p in by_kind] == [prevention.pk]
    by_status = client.get(LIST_URL, {"status": ["draft"]}).context["plans"]
    assert [p.pk for p in by_status] == [response_plan.pk]
    assert client.get(LIST_URL, {"order": "nonsense"}).context["plans"] == []


# --- A new plan -----------------------------------------------------------------------------


def test_new_plan_offers_only_countries_that_take_a_plan(client, lead):
    set_tier(country("SDN"), "high_rising")
    set_tier(country("ETH"), "moderate")
    set_tier(country("FRA"), "monitored")
    response = login(client, lead).get(NEW_URL)
    assert response.status_code == 200
    offered = {value for value, _ in response.context["form"].fields["country"].choices}
    assert {"SDN", "ETH"} <= offered
    assert "FRA" not in offered


def test_new_plan_opens_a_draft(client, lead):
    set_tier(country("SDN"), "high_rising")
    response = login(client, lead).post(
        NEW_URL, {"country": "SDN", "kind": "response", "title": "", "marking": "CUI"}
    )
    plan = Plan.objects.get(country_id="SDN", kind="response")
    assert response.status_code == 302
    assert response.url == url("plan-detail", plan.pk)
    assert (plan.status, plan.marking, plan.owner) == (S.DRAFT, "CUI", lead)
    assert plan.sections.count() == 4


def test_new_plan_of_the_wrong_kind_is_400(client, lead):
    set_tier(country("SDN"), "high_rising")
    response = login(client, lead).post(
        NEW_URL, {"country": "SDN", "kind": "prevention", "marking": "U"}
    )
    assert response.status_code == 400
    assert "is for a country moderate concern" in text(response)
    assert not Plan.objects.filter(country_id="SDN").exists()
    empty = client.post(NEW_URL, {})
    assert empty.status_code == 400
    assert not Plan.objects.exists()


def test_a_second_open_plan_of_a_kind_is_409(client, lead, plan):
    response = login(client, lead).post(
        NEW_URL, {"country": plan.country_id, "kind": "response", "marking": "U"}
    )
    assert response.status_code == 409
    assert "already has an open" in text(response)
    assert Plan.objects.count() == 1


@pytest.mark.parametrize("role", [A.CO_CHAIR, A.MEMBER, A.DEPUTIES])
def test_only_the_directorate_opens_plans(client, role):
    set_tier(country("SDN"), "high_rising")
    client = login(client, UserFactory(role=role))
    assert client.get(NEW_URL).status_code == 403
    response = client.post(NEW_URL, {"country": "SDN", "kind": "response", "marking": "U"})
    assert response.status_code == 403
    assert not Plan.objects.exists()


# --- The overview ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [A.CO_CHAIR, A.DIRECTORATE])
def test_overview_renders_and_is_audited(client, plan, role):
    user = UserFactory(role=role)
    response = login(client, user).get(url("plan-detail", plan.pk))
    assert response.status_code == 200
    body = text(response)
    for title in ("Target country assessment", HIDDEN_TITLE, "Operations plan"):
        assert title in body
    assert 'data-testid="checks"' in body
    assert 'data-testid="check-all_target_groups"' in body
    assert "Decision Support and Planning" in body  # the passages the checks come from
    assert ('data-testid="action-complete_assessments"' in body) is (role == A.DIRECTORATE)
    assert ('data-testid="team-form"' in body) is (role == A.DIRECTORATE)
    assert ('data-testid="plan-pdf"' in body) is True  # both may export
    event = audited("plan.view", plan)
    assert (event.actor, event.marking) == (user, "U")


@pytest.mark.parametrize("role", [A.MEMBER, A.ANALYST, A.RED_TEAM, A.DEPUTIES, A.PRINCIPALS])
def test_overview_is_hidden_without_a_grant(client, plan, role):
    user = UserFactory(role=role)
    assert login(client, user).get(url("plan-detail", plan.pk)).status_code == 404
    assign_perm("view_plan", user, plan)
    user.__dict__.pop("_apc_perm_checker", None)
    response = client.get(url("plan-detail", plan.pk))
    assert response.status_code == 200
    assert 'data-testid="plan-pdf"' not in text(response)  # export is the directorate's


def test_a_section_above_clearance_is_absent_from_the_overview(client, lead, plan):
    hide_section(plan)
    reader = directorate(clearance="C")
    response = login(client, reader).get(url("plan-detail", plan.pk))
    assert response.status_code == 200
    body = text(response)
    assert HIDDEN_TITLE not in body
    assert "Target country assessment" in body
    assert "1 section above your clearance is hidden" in body
    assert banner(response) == "UNCLASSIFIED"
    assert audited("plan.view", plan).marking == "U"
    # the cleared lead sees it, and the banner says so
    full = login(client, lead).get(url("plan-detail", plan.pk))
    assert HIDDEN_TITLE in text(full)
    assert banner(full) == "SECRET"


def test_overview_shows_the_country_link_task_and_history(client, lead, plan):
    login(client, lead)
    complete_sections(plan)
    client.post(
        url("plan-transition", plan.pk), {"action": "complete_assessments", "comment": "Ready."}
    )
    body = text(client.get(url("plan-detail", plan.pk)))
    assert reverse("watchlist:country-detail", args=[plan.country_id]) in body
    assert "Ready." in body
    assert "Mark the assessments complete" in body
    assert "Assessments complete" in body


# --- Transitions ----------------------------------------------------------------------------


def test_transition_happy_path(client, lead, plan):
    complete_sections(plan)
    response = login(client, lead).post(
        url("plan-transition", plan.pk), {"action": "complete_assessments", "comment": "Done."}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == S.ASSESSMENTS_COMPLETE
    assert plan.events.get().comment == "Done."


def test_transition_with_a_failed_precondition_is_400(client, lead, plan):
    response = login(client, lead).post(
        url("plan-transition", plan.pk), {"action": "complete_assessments"}
    )
    assert response.status_code == 400
    assert "Not yet complete" in text(response)
    plan.refresh_from_db()
    assert plan.status == S.DRAFT


def test_transition_with_no_or_an_unknown_action_is_400(client, lead, plan):
    login(client, lead)
    assert client.post(url("plan-transition", plan.pk), {}).status_code == 400
    assert client.post(url("plan-transition", plan.pk), {"action": "fly"}).status_code == 400


def test_transition_not_open_in_this_state_is_409(client, lead, plan):
    response = login(client, lead).post(
        url("plan-transition", plan.pk), {"action": "start_red_team"}
    )
    assert response.status_code == 409
    assert "not possible" in " ".join(flash(response))
    plan.refresh_from_db()
    assert plan.status == S.DRAFT


def test_returning_a_plan_needs_a_comment(client, lead, plan):
    plan = submitted(plan, lead)
    deputies = UserFactory(role=A.DEPUTIES)
    login(client, deputies)
    response = client.post(url("plan-transition", plan.pk), {"action": "return_deputies"})
    assert response.status_code == 400
    assert "Say why the plan is returned." in text(response)
    response = client.post(
        url("plan-transition", plan.pk), {"action": "return_deputies", "comment": "Rework."}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == S.DRAFT


def test_approval_is_for_the_deputies_and_never_the_authors(client, lead, plan):
    plan = submitted(plan, lead)
    login(client, lead)
    assert (
        client.post(url("plan-transition", plan.pk), {"action": "approve_deputies"}).status_code
        == 403
    )
    author = UserFactory(role=[A.DEPUTIES, A.DIRECTORATE])
    services.team_add(actor=lead, plan=plan, user=author)
    login(client, author)
    assert (
        client.post(url("plan-transition", plan.pk), {"action": "approve_deputies"}).status_code
        == 403
    )
    deputies = UserFactory(role=A.DEPUTIES)
    response = login(client, deputies).get(url("plan-detail", plan.pk))
    assert 'data-testid="action-approve_deputies"' in text(response)
    response = client.post(url("plan-transition", plan.pk), {"action": "approve_deputies"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == S.APPROVED_DEPUTIES


@pytest.mark.parametrize(
    ("role", "status"), [(A.CO_CHAIR, 403), (A.MEMBER, 404), (A.DEPUTIES, 404)]
)
def test_transition_by_a_role_that_may_not_is_refused(client, plan, role, status):
    complete_sections(plan)
    client = login(client, UserFactory(role=role))
    response = client.post(url("plan-transition", plan.pk), {"action": "complete_assessments"})
    assert response.status_code == status
    assert client.post(url("plan-transition", plan.pk), {}).status_code == status
    plan.refresh_from_db()
    assert plan.status == S.DRAFT


def test_briefing_to_congress_records_who_and_when(client, lead, plan):
    Plan.objects.filter(pk=plan.pk).update(status=S.APPROVED_DEPUTIES)
    login(client, lead)
    body = text(client.get(url("plan-detail", plan.pk)))
    assert 'data-testid="action-brief_congress"' in body
    assert "Date of the briefing" in body
    bad = client.post(url("plan-transition", plan.pk), {**BRIEFING, "members": ""})
    assert bad.status_code == 400
    assert "Name the members briefed." in text(bad)
    plan.refresh_from_db()
    assert plan.status == S.APPROVED_DEPUTIES
    response = client.post(url("plan-transition", plan.pk), BRIEFING)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == S.BRIEFED
    assert plan.congress_committees == "Senate Foreign Relations"
    body = text(client.get(url("plan-detail", plan.pk)))
    assert 'data-testid="congress"' in body
    assert "Sen. A; Rep. B" in body


def test_briefing_with_a_malformed_date_is_400(client, lead, plan):
    Plan.objects.filter(pk=plan.pk).update(status=S.APPROVED_DEPUTIES)
    response = login(client, lead).post(
        url("plan-transition", plan.pk), {**BRIEFING, "date": "yesterday"}
    )
    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.status == S.APPROVED_DEPUTIES


# --- The drafting team ----------------------------------------------------------------------


def test_team_add_and_remove(client, lead, plan):
    contributor = UserFactory(role=A.MEMBER, first_name="Cora", last_name="Contributor")
    login(client, lead)
    response = client.post(url("team-add", plan.pk), {"user": contributor.pk})
    assert response.status_code == 302
    assert contributor.pk in services.drafting_team(plan)
    assert "Cora Contributor" in text(client.get(url("plan-detail", plan.pk)))
    response = client.post(url("team-remove", plan.pk, contributor.pk))
    assert response.status_code == 302
    contributor.__dict__.pop("_apc_perm_checker", None)
    assert not can(contributor, "draft", plan)  # off the team ...
    assert contributor.pk in services.drafting_team(plan)  # ... but never its approver


def test_team_add_bad_input_is_400(client, lead, plan):
    login(client, lead)
    assert client.post(url("team-add", plan.pk), {}).status_code == 400
    service = UserFactory(role=A.API_CLIENT)  # not offered: an invalid choice
    response = client.post(url("team-add", plan.pk), {"user": service.pk})
    assert response.status_code == 400
    assert service.pk not in services.drafting_team(plan)


def test_the_lead_stays_on_the_team(client, lead, plan):
    response = login(client, lead).post(url("team-remove", plan.pk, lead.pk))
    assert response.status_code == 400
    assert "The directorate lead stays on the team." in text(response)


@pytest.mark.parametrize(("role", "status"), [(A.CO_CHAIR, 403), (A.MEMBER, 404)])
def test_team_changes_are_the_directorates(client, lead, plan, role, status):
    other = UserFactory(role=A.MEMBER)
    client = login(client, UserFactory(role=role))
    assert client.post(url("team-add", plan.pk), {"user": other.pk}).status_code == status
    assert client.post(url("team-remove", plan.pk, lead.pk)).status_code == status
    assert other.pk not in services.drafting_team(plan)


# --- The red team ---------------------------------------------------------------------------


def test_the_lead_assigns_a_reviewer(client, lead, plan):
    login(client, lead)
    assert 'data-testid="no-reviewer"' in text(client.get(url("plan-detail", plan.pk)))
    reviewer = UserFactory(role=A.RED_TEAM, first_name="Rita", last_name="Reviewer")
    body = text(client.get(url("plan-detail", plan.pk)))
    assert 'data-testid="reviewer-form"' in body
    response = client.post(url("reviewer-assign", plan.pk), {"reviewer": reviewer.pk})
    assert response.status_code == 302
    response = client.get(url("plan-detail", plan.pk))
    assert "Rita Reviewer" in text(response)
    # a reviewer is offered neither again as a reviewer nor for the drafting team
    team_choices = dict(response.context["team_form"].fields["user"].choices[1:])
    assert all(reviewer.pk not in dict(group) for group in team_choices.values())
    assert 'data-testid="no-reviewer"' in text(response)
    reviewer.__dict__.pop("_apc_perm_checker", None)
    assert login(client, reviewer).get(url("plan-detail", plan.pk)).status_code == 200


def test_reviewer_assign_bad_input_is_400(client, lead, plan):
    not_red_team = UserFactory(role=A.MEMBER)
    login(client, lead)
    assert client.post(url("reviewer-assign", plan.pk), {}).status_code == 400
    response = client.post(url("reviewer-assign", plan.pk), {"reviewer": not_red_team.pk})
    assert response.status_code == 400


def test_reviewer_assign_is_the_leads(client, plan):
    reviewer = UserFactory(role=A.RED_TEAM)
    staff = directorate()  # directorate, but neither the lead nor this plan's lead
    response = login(client, staff).post(url("reviewer-assign", plan.pk), {"reviewer": reviewer.pk})
    assert response.status_code == 403
    assert 'data-testid="reviewer-form"' not in text(client.get(url("plan-detail", plan.pk)))
    member = UserFactory(role=A.MEMBER)
    response = login(client, member).post(
        url("reviewer-assign", plan.pk), {"reviewer": reviewer.pk}
    )
    assert response.status_code == 404


@pytest.fixture
def in_red_team(lead, plan):
    complete_sections(plan)
    for action in ("complete_assessments", "start_red_team"):
        plan = services.plan_transition(actor=lead, plan=plan, action=action)
    reviewer = UserFactory(role=A.RED_TEAM)
    services.reviewer_assign(actor=lead, plan=plan, reviewer=reviewer)
    reviewer.__dict__.pop("_apc_perm_checker", None)
    return plan, reviewer


def test_a_reviewer_records_a_finding(client, in_red_team):
    plan, reviewer = in_red_team
    login(client, reviewer)
    assert 'data-testid="finding-form"' in text(client.get(url("plan-detail", plan.pk)))
    response = client.post(
        url("finding-add", plan.pk),
        {"section_key": "target_assessment", "text": "Leadership section ignores patrons."},
    )
    assert response.status_code == 302
    finding = RedTeamFinding.objects.get(plan=plan)
    assert (finding.reviewer, finding.section_key) == (reviewer, "target_assessment")
    assert "Leadership section ignores patrons." in text(client.get(url("plan-detail", plan.pk)))


def test_finding_bad_input_is_400(client, in_red_team):
    plan, reviewer = in_red_team
    login(client, reviewer)
    response = client.post(url("finding-add", plan.pk), {"section_key": "target_assessment"})
    assert response.status_code == 400
    response = client.post(url("finding-add", plan.pk), {"section_key": "nope", "text": "x"})
    assert response.status_code == 400
    assert not RedTeamFinding.objects.exists()


def test_finding_outside_red_team_review_is_409(client, lead, plan):
    reviewer = UserFactory(role=A.RED_TEAM)
    services.reviewer_assign(actor=lead, plan=plan, reviewer=reviewer)
    reviewer.__dict__.pop("_apc_perm_checker", None)
    response = login(client, reviewer).post(
        url("finding-add", plan.pk), {"section_key": "target_assessment", "text": "Too early."}
    )
    assert response.status_code == 409
    assert not RedTeamFinding.objects.exists()


@pytest.mark.parametrize(("role", "status"), [(A.DIRECTORATE, 403), (A.RED_TEAM, 404)])
def test_findings_are_the_assigned_reviewers(client, in_red_team, role, status):
    plan, _ = in_red_team
    response = login(client, UserFactory(role=role)).post(
        url("finding-add", plan.pk), {"section_key": "target_assessment", "text": "x"}
    )
    assert response.status_code == status
    assert not RedTeamFinding.objects.exists()


@pytest.fixture
def finding(in_red_team):
    plan, reviewer = in_red_team
    return services.finding_add(
        actor=reviewer, plan=plan, section_key="atrocities_estimate", text="Scale understated."
    )


def test_the_team_answers_a_finding(client, lead, finding):
    login(client, lead)
    body = text(client.get(url("plan-detail", finding.plan_id)))
    assert "Awaits an answer" in body
    response = client.post(url("finding-respond", finding.pk), {"response": "Revised upward."})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.response, finding.responded_by) == ("Revised upward.", lead)


def test_an_empty_answer_is_400(client, lead, finding):
    response = login(client, lead).post(url("finding-respond", finding.pk), {"response": " "})
    assert response.status_code == 400
    assert "Write the answer." in text(response) or "This field is required." in text(response)
    finding.refresh_from_db()
    assert finding.response == ""


def test_answers_are_the_drafting_teams(client, finding):
    reviewer = finding.reviewer
    reviewer.__dict__.pop("_apc_perm_checker", None)
    response = login(client, reviewer).post(url("finding-respond", finding.pk), {"response": "x"})
    assert response.status_code == 403
    member = UserFactory(role=A.MEMBER)
    response = login(client, member).post(url("finding-respond", finding.pk), {"response": "x"})
    assert response.status_code == 404


def test_a_finding_on_a_hidden_section_is_absent(client, finding):
    hide_section(finding.plan, finding.section_key)
    reader = directorate(clearance="C")
    login(client, reader)
    body = text(client.get(url("plan-detail", finding.plan_id)))
    assert "Scale understated." not in body
    response = client.post(url("finding-respond", finding.pk), {"response": "x"})
    assert response.status_code == 404


# --- Rehearsals -----------------------------------------------------------------------------


def test_rehearsal_add(client, lead, plan):
    login(client, lead)
    response = client.post(
        url("rehearsal-add", plan.pk),
        {
            "kind": "tabletop",
            "held_on": timezone.localdate().isoformat(),
            "participants": "State, Defense, USAID",
            "results": "Gaps in the evacuation plan.",
        },
    )
    assert response.status_code == 302
    assert Rehearsal.objects.get(plan=plan).kind == "tabletop"
    assert "Gaps in the evacuation plan." in text(client.get(url("plan-detail", plan.pk)))


def test_rehearsal_bad_input_is_400(client, lead, plan):
    login(client, lead)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        url("rehearsal-add", plan.pk),
        {"kind": "rehearsal", "held_on": future, "participants": "A", "results": "B"},
    )
    assert response.status_code == 400
    assert "Record a rehearsal once it has taken place." in text(response)
    assert client.post(url("rehearsal-add", plan.pk), {}).status_code == 400
    assert not Rehearsal.objects.exists()


@pytest.mark.parametrize(("role", "status"), [(A.CO_CHAIR, 403), (A.DEPUTIES, 404)])
def test_rehearsals_are_the_directorates(client, plan, role, status):
    response = login(client, UserFactory(role=role)).post(
        url("rehearsal-add", plan.pk),
        {"kind": "rehearsal", "held_on": "2025-01-01", "participants": "A", "results": "B"},
    )
    assert response.status_code == status
    assert not Rehearsal.objects.exists()


# --- Versions -------------------------------------------------------------------------------


@pytest.fixture
def versioned(lead, plan):
    """Two versions: submitted, returned, edited, submitted again."""
    PlanSection.objects.filter(plan=plan, key="target_assessment").update(
        content={"basics": "A landlocked state of 40 million."}
    )
    plan = submitted(plan, lead)
    services.plan_transition(
        actor=UserFactory(role=A.DEPUTIES), plan=plan, action="return_deputies", comment="More."
    )
    PlanSection.objects.filter(plan=plan, key="target_assessment").update(
        content={"basics": "A landlocked state of 45 million."}
    )
    return submitted(Plan.objects.get(pk=plan.pk), lead)


def test_version_pages_render(client, lead, versioned):
    plan = versioned
    login(client, lead)
    response = client.get(url("version-list", plan.pk))
    assert response.status_code == 200
    assert 'data-testid="version-2"' in text(response)
    assert 'data-testid="compare-form"' in text(response)
    detail = client.get(url("version-detail", plan.pk, 1))
    assert detail.status_code == 200
    assert "A landlocked state of 40 million." in text(detail)
    assert audited("plan.version_view", plan).summary == "version 1"
    compare = client.get(url("version-compare", plan.pk), {"a": 1, "b": 2})
    assert compare.status_code == 200
    body = compare.content.decode()
    assert "<del>40</del>" in body
    assert "<ins>45</ins>" in body
    assert 'data-changed="true"' in body
    only = client.get(url("version-compare", plan.pk), {"a": 1, "b": 2, "only_changed": "on"})
    assert only.context["rows"]
    assert all(r["changed"] for r in only.context["rows"])
    assert len(only.context["rows"]) < len(compare.context["rows"])
    history = text(client.get(url("plan-detail", plan.pk)))
    assert url("version-detail", plan.pk, 2) in history


def test_version_pages_bad_input(client, lead, versioned):
    plan = versioned
    login(client, lead)
    assert client.get(url("version-detail", plan.pk, 9)).status_code == 404
    assert client.get(url("version-compare", plan.pk), {"a": 1, "b": 9}).status_code == 400
    assert client.get(url("version-compare", plan.pk), {"a": "x"}).status_code == 400
    empty = client.get(url("version-compare", plan.pk))
    assert empty.status_code == 200
    assert empty.context["rows"] is None


def test_versions_are_hidden_with_their_plan(client, versioned):
    member = UserFactory(role=A.MEMBER)
    login(client, member)
    assert client.get(url("version-list", versioned.pk)).status_code == 404
    assert client.get(url("version-detail", versioned.pk, 1)).status_code == 404
    assert client.get(url("version-compare", versioned.pk), {"a": 1, "b": 2}).status_code == 404
    # the Deputies secretariat sees what was submitted to it
    deputies = UserFactory(role=A.DEPUTIES)
    assert login(client, deputies).get(url("version-detail", versioned.pk, 1)).status_code == 200


def test_a_section_above_clearance_is_absent_from_the_version_pages(client, lead, plan):
    hide_section(plan)
    PlanSection.objects.filter(plan=plan, key="atrocities_estimate").update(
        content={"scale": "Tens of thousands at risk."}
    )
    plan = submitted(plan, lead)
    assert PlanVersion.objects.get(plan=plan).marking == "S"
    reader = directorate(clearance="C")
    login(client, reader)
    listing = client.get(url("version-list", plan.pk))
    assert listing.status_code == 200
    assert banner(listing) == "UNCLASSIFIED"
    assert "1 section hidden" in text(listing)
    detail = client.get(url("version-detail", plan.pk, 1))
    assert detail.status_code == 200
    body = text(detail)
    assert HIDDEN_TITLE not in body
    assert "Tens of thousands at risk." not in body
    assert "1 section above your clearance is left out" in body
    assert banner(detail) == "UNCLASSIFIED"
    assert audited("plan.version_view", plan).marking == "U"
    compare = client.get(url("version-compare", plan.pk), {"a": 1, "b": 1})
    assert compare.status_code == 200
    assert HIDDEN_TITLE not in text(compare)
    assert banner(compare) == "UNCLASSIFIED"
    # the cleared lead sees it all
    full = login(client, lead).get(url("version-detail", plan.pk, 1))
    assert "Tens of thousands at risk." in text(full)
    assert banner(full) == "SECRET"


# --- PDF ------------------------------------------------------------------------------------


class FakePDF(bytes):
    marking = ""
    filename = ""


@pytest.fixture
def fake_pdf(monkeypatch):
    """The rendering is plans/pdf.py's (its own tests); here: what the views do with it."""
    calls = []

    def render(user, plan, version=None):
        calls.append((user, plan.pk, getattr(version, "number", None)))
        return b"%PDF-1.7 fake"

    monkeypatch.setattr("plans.views.plan.render_plan_pdf", render)
    return calls


def test_plan_pdf_downloads_marked_and_audited(client, lead, plan, fake_pdf):
    hide_section(plan)
    reader = directorate(clearance="C")
    response = login(client, reader).get(url("plan-pdf", plan.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-APC-Classification"] == "UNCLASSIFIED"  # the hidden section is not in it
    assert "attachment" in response["Content-Disposition"]
    assert response.content == b"%PDF-1.7 fake"
    assert fake_pdf == [(reader, plan.pk, None)]
    event = audited("plan.export", plan)
    assert (event.actor, event.marking) == (reader, "U")
    full = login(client, lead).get(url("plan-pdf", plan.pk))
    assert full["X-APC-Classification"] == "SECRET"


def test_version_pdf_downloads(client, lead, versioned, fake_pdf):
    response = login(client, lead).get(url("version-pdf", versioned.pk, 2))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert fake_pdf == [(lead, versioned.pk, 2)]
    assert client.get(url("version-pdf", versioned.pk, 7)).status_code == 404


def test_pdf_is_refused_to_readers_without_export(client, versioned, fake_pdf):
    from guardian.shortcuts import assign_perm

    member = UserFactory(role=A.MEMBER)  # the plan is shared with them: read, not export
    assign_perm("view_plan", member, versioned)
    login(client, member)
    assert client.get(url("plan-detail", versioned.pk)).status_code == 200
    assert client.get(url("plan-pdf", versioned.pk)).status_code == 403
    assert client.get(url("version-pdf", versioned.pk, 1)).status_code == 403
    assert fake_pdf == []
    # the committee it was submitted to takes it into the room
    login(client, UserFactory(role=A.DEPUTIES))
    assert client.get(url("plan-pdf", versioned.pk)).status_code == 200


def test_pdf_uses_the_marking_the_renderer_printed(client, lead, plan, monkeypatch):
    pdf = FakePDF(b"%PDF")
    pdf.marking, pdf.filename = "CUI", "apc-plan.pdf"
    monkeypatch.setattr("plans.views.plan.render_plan_pdf", lambda *a, **k: pdf)
    response = login(client, lead).get(url("plan-pdf", plan.pk))
    assert response["X-APC-Classification"] == "CUI"
    assert 'filename="apc-plan.pdf"' in response["Content-Disposition"]
