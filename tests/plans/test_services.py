"""Plans services, part 1: opening plans (the kind follows the tier; one open plan per country
and kind; the plan task is adopted; a tier change opens the draft by itself), the drafting team's
grants, section assignment, concurrent section saves (409, nothing lost), and section-level
clearance in every selector.

Source: seeds/000, "Decision Support and Planning", recommendation 4-2; the issue's "Plans" and
"Concurrent editing".
"""

from __future__ import annotations

import pytest

from apc.core import roles
from apc.core.exceptions import Conflict, Invalid, InvalidTransition, NotPermitted
from apc.core.permissions import can
from apc.models import Agency, Notification
from plans import sections as specs
from plans import selectors, services
from plans.models import Plan, PlanSection, PlanVersion, RedTeamFinding
from tests.factories import UserFactory, country
from tests.plans.support import (
    add_option,
    add_partner,
    directorate,
    ensure_plans_reference,
    make_plan,
    set_tier,
)
from watchlist.models import PlanTask
from watchlist.services import tier_change

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference():
    ensure_plans_reference()


# --- plan_create ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "kind", "ok"),
    [
        ("high_rising", "response", True),
        ("moderate", "prevention", True),
        ("moderate", "response", False),
        ("high_rising", "prevention", False),
        ("monitored", "prevention", False),
        (None, "response", False),
    ],
)
def test_the_kind_of_plan_follows_the_tier(tier, kind, ok):
    actor = directorate()
    c = set_tier(country("SDN"), tier)
    if ok:
        plan = services.plan_create(actor=actor, country=c, kind=kind)
        assert (plan.kind, plan.status, plan.owner, plan.lead) == (kind, "draft", actor, actor)
        assert plan.title == f"{Plan.Kind(kind).label}: {c.name}"
        assert [s.key for s in plan.sections.order_by("position")] == [
            s.key for s in specs.BY_KIND[kind]
        ]
    else:
        with pytest.raises(Invalid) as refused:
            services.plan_create(actor=actor, country=c, kind=kind)
        assert "kind" in refused.value.errors
        assert not Plan.objects.exists()


def test_an_unknown_kind_is_refused():
    with pytest.raises(Invalid):
        services.plan_create(
            actor=directorate(), country=set_tier(country(), "moderate"), kind="other"
        )


@pytest.mark.parametrize("role", [r for r in roles.ALL if r != roles.DIRECTORATE])
def test_only_the_directorate_opens_plans(role):
    c = set_tier(country(), "high_rising")
    with pytest.raises(NotPermitted):
        services.plan_create(actor=UserFactory(role=role), country=c, kind="response")


def test_one_open_plan_per_country_and_kind():
    actor = directorate()
    first = make_plan(owner=actor, iso3="SDN")
    with pytest.raises(Conflict):
        services.plan_create(actor=actor, country=first.country, kind="response")
    # another kind is another plan (the country moved down to moderate meanwhile)
    set_tier(first.country, "moderate")
    services.plan_create(actor=actor, country=first.country, kind="prevention")
    # once closed, a new response plan may open
    Plan.objects.filter(pk=first.pk).update(status=Plan.Status.CLOSED)
    set_tier(first.country, "high_rising")
    again = services.plan_create(actor=actor, country=first.country, kind="response", title="Two")
    assert again.title == "Two" and again.pk != first.pk


def test_the_plan_is_marked_at_least_like_its_country_and_never_above_the_author():
    actor = directorate(clearance="C")
    c = set_tier(country("SDN"), "high_rising")
    type(c).objects.filter(pk=c.pk).update(marking="CUI")
    c.refresh_from_db()
    with pytest.raises(Invalid) as refused:
        services.plan_create(actor=actor, country=c, kind="response", marking="S")
    assert "marking" in refused.value.errors
    plan = services.plan_create(actor=actor, country=c, kind="response", marking="U")
    assert plan.marking == "CUI"
    assert set(plan.sections.values_list("marking", flat=True)) == {"CUI"}


def test_plan_create_adopts_the_open_plan_task():
    """Without directorate staff when the tier changed, the task waits; the plan opened later
    adopts it."""
    chair = UserFactory(role=roles.CO_CHAIR)
    c = set_tier(country("MMR"), None)
    tier_change(country=c, to_tier="high_rising", rationale="Air strikes.", actor=chair)
    assert not Plan.objects.exists()
    task = PlanTask.objects.get(country=c, kind=PlanTask.Kind.RESPONSE_PLAN)
    c.refresh_from_db()
    plan = services.plan_create(actor=directorate(), country=c, kind="response")
    assert plan.task == task
    sections = {s.key: s.assigned_agency.code for s in plan.sections.all()}
    # the assessment tasks' agencies: the target country assessment to the IC
    assert sections["target_assessment"] == "odni"
    assert sections["policy_options"] == "nsc"


# --- the plan a tier change opens (watchlist.services.PLAN_TASK_HOOKS) ---------------------


@pytest.mark.parametrize(
    ("tier", "kind"), [("high_rising", "response"), ("moderate", "prevention")]
)
def test_a_tier_change_opens_the_draft_plan_for_the_directorate_lead(tier, kind):
    directorate()  # staff, not the lead
    lead = directorate(is_directorate_lead=True)
    chair = UserFactory(role=roles.CO_CHAIR)
    c = set_tier(country("COD"), None)
    tier_change(country=c, to_tier=tier, rationale="Ethnic killings.", actor=chair)
    (plan,) = Plan.objects.filter(country=c)
    assert (plan.kind, plan.status, plan.owner, plan.lead) == (kind, "draft", lead, lead)
    assert plan.task.kind == services.TASK_KIND[kind] and plan.task.plan == plan
    assert can(lead, "draft", plan)
    # nothing new when the tier moves again while the plan is open
    tier_change(country=c, to_tier="monitored", rationale="Calmer.", actor=chair)
    tier_change(country=c, to_tier=tier, rationale="Worse again.", actor=chair)
    assert Plan.objects.filter(country=c).count() == 1


def test_without_directorate_staff_no_plan_opens():
    chair = UserFactory(role=roles.CO_CHAIR)
    c = set_tier(country("CAF"), None)
    tier_change(country=c, to_tier="moderate", rationale="Militias.", actor=chair)
    assert not Plan.objects.exists()
    assert PlanTask.objects.filter(country=c, status="open").count() == 1


# --- the drafting team -----------------------------------------------------------------------


def test_team_grants_view_and_draft_on_that_plan_only():
    plan, other = make_plan(), make_plan()
    contributor = UserFactory(role=roles.MEMBER)
    assert not can(contributor, "view", plan)
    services.team_add(actor=plan.owner, plan=plan, user=contributor)
    assert can(contributor, "view", plan) and can(contributor, "draft", plan)
    assert not can(contributor, "manage", plan)
    assert not can(contributor, "view", other) and not can(contributor, "draft", other)
    assert list(selectors.plans_for(contributor)) == [plan]
    assert contributor.pk in services.drafting_team(plan)
    assert Notification.objects.filter(recipient=contributor).exists()
    services.team_remove(actor=plan.owner, plan=plan, user=contributor)
    fresh = type(contributor).objects.get(pk=contributor.pk)
    assert not can(fresh, "view", plan)


def test_team_rules():
    plan = make_plan()
    with pytest.raises(Invalid):
        services.team_remove(actor=plan.owner, plan=plan, user=plan.lead)
    with pytest.raises(Invalid):
        services.team_add(actor=plan.owner, plan=plan, user=UserFactory(role=roles.API_CLIENT))
    with pytest.raises(Invalid):
        services.team_add(actor=plan.owner, plan=plan, user=UserFactory(is_active=False))
    member = UserFactory(role=roles.MEMBER)
    services.team_add(actor=plan.owner, plan=plan, user=member)
    with pytest.raises(NotPermitted):  # team members draft; they do not manage the team
        services.team_add(actor=member, plan=plan, user=UserFactory())


# --- section assignment and saving ----------------------------------------------------------


def test_a_section_assignee_reads_the_plan_and_writes_that_section_only():
    plan = make_plan()
    analyst = UserFactory(role=roles.ANALYST, agency=Agency.objects.get(code="odni"))
    target = plan.sections.get(key="target_assessment")
    estimate = plan.sections.get(key="atrocities_estimate")
    services.section_assign(actor=plan.owner, section=target, assignee=analyst)
    target.refresh_from_db()
    assert target.assignee == analyst
    assert can(analyst, "view", plan) and not can(analyst, "draft", plan)
    assert can(analyst, "edit", target) and not can(analyst, "edit", estimate)
    assert Notification.objects.filter(recipient=analyst).count() == 1
    saved = services.section_save(
        actor=analyst, section=target, content={"basics": "Forty million people."},
        status="drafting", marking="U", version=0,
    )  # fmt: skip
    assert saved.version == 1 and saved.updated_by == analyst
    assert saved.content["basics"] == "Forty million people."
    assert set(saved.content) == set(specs.field_names("target_assessment"))
    with pytest.raises(NotPermitted):
        services.section_save(
            actor=analyst, section=estimate, content={}, status="drafting", marking="U", version=0
        )
    with pytest.raises(NotPermitted):  # only the directorate assigns
        services.section_assign(actor=analyst, section=estimate, assignee=analyst)


def test_section_save_validates():
    plan = make_plan()
    s = plan.sections.get(key="operations_plan")
    save = dict(actor=plan.owner, section=s, content={}, status="drafting", marking="U", version=0)
    with pytest.raises(Invalid) as e:
        services.section_save(**{**save, "content": {"nonsense": "x"}})
    assert "content" in e.value.errors
    with pytest.raises(Invalid):
        services.section_save(**{**save, "status": "finished"})
    with pytest.raises(Invalid):
        services.section_save(**{**save, "marking": "TS"})
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.RED_TEAM)
    with pytest.raises(InvalidTransition):  # edited only as a draft
        services.section_save(**save)
    s.refresh_from_db()
    assert s.version == 0


def test_a_stale_save_is_refused_with_both_texts_and_nothing_is_lost():
    plan = make_plan()
    s = plan.sections.get(key="atrocities_estimate")
    other = directorate()
    # both open version 0; the other saves first
    services.section_save(
        actor=other, section=s, content={"scale": "Theirs: thousands."}, status="drafting",
        marking="U", version=0,
    )  # fmt: skip
    with pytest.raises(Conflict) as conflict:
        services.section_save(
            actor=plan.owner, section=s, content={"scale": "Mine: tens of thousands."},
            status="complete", marking="U", version=0,
        )  # fmt: skip
    details = conflict.value.details
    assert conflict.value.status_code == 409
    assert details["theirs"]["scale"] == "Theirs: thousands."
    assert details["yours"]["scale"] == "Mine: tens of thousands."
    assert details["version"] == 1
    s.refresh_from_db()
    assert (s.version, s.content["scale"], s.status, s.updated_by) == (
        1, "Theirs: thousands.", "drafting", other,
    )  # fmt: skip
    # the writer merges and saves over the version they now hold
    merged = services.section_save(
        actor=plan.owner, section=s, content={"scale": "Thousands to tens of thousands."},
        status="complete", marking="U", version=details["version"],
    )  # fmt: skip
    assert merged.version == 2 and merged.content["scale"].startswith("Thousands to")


def test_a_section_is_never_marked_below_its_plan():
    plan = make_plan(marking="C")
    s = plan.sections.get(key="operations_plan")
    saved = services.section_save(
        actor=plan.owner, section=s, content={}, status="drafting", marking="U", version=0
    )
    assert saved.marking == "C"
    saved = services.section_save(
        actor=plan.owner, section=s, content={}, status="drafting", marking="S", version=1
    )
    assert saved.marking == "S"


# --- section-level clearance ----------------------------------------------------------------


def test_a_section_above_the_readers_clearance_is_hidden_and_the_rest_stays():
    plan = make_plan()
    lead = plan.owner
    reviewer = UserFactory(role=roles.RED_TEAM)
    add_option(plan, tool_name="Travel bans", enforcer="State")
    add_partner(plan, "Covert patron", influence="patron")
    Plan.objects.filter(pk=plan.pk).update(messaging_lead=Agency.objects.get(code="state"))
    for key in ("policy_options", "operations_plan"):
        s = plan.sections.get(key=key)
        services.section_save(
            actor=lead, section=s, content={}, status="complete", marking="S", version=0
        )
    RedTeamFinding.objects.create(plan=plan, section_key="policy_options", reviewer=reviewer,
                                  text="Secret finding", response="Noted.")  # fmt: skip
    RedTeamFinding.objects.create(plan=plan, section_key="target_assessment", reviewer=reviewer,
                                  text="Open finding", response="Noted.")  # fmt: skip
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.RED_TEAM)
    plan.refresh_from_db()
    services.plan_transition(actor=lead, plan=plan, action="submit_deputies")
    version = PlanVersion.objects.get(plan=plan)
    assert version.marking == "S"

    low = UserFactory(role=roles.CO_CHAIR, clearance="C")
    high = UserFactory(role=roles.CO_CHAIR, clearance="S")
    assert [s.key for s in selectors.sections_for(low, plan)] == [
        "target_assessment", "atrocities_estimate",
    ]  # fmt: skip
    assert selectors.hidden_sections(low, plan) == 2 and selectors.hidden_sections(high, plan) == 0
    assert len(selectors.sections_for(high, plan)) == 4
    assert selectors.options_for(low, plan) == [] and len(selectors.options_for(high, plan)) == 1
    assert selectors.partners_for(low, plan) == [] and len(selectors.partners_for(high, plan)) == 1
    assert [f.text for f in selectors.findings_for(low, plan)] == ["Open finding"]
    assert len(selectors.findings_for(high, plan)) == 2

    # the version: the same sections, options, partners and messaging lead left out
    # listed (the plan is visible), shown without what is above the reader
    assert list(selectors.versions_for(low, plan)) == [version]
    low_view = selectors.version_view(low, version)
    assert [s["key"] for s in low_view["sections"]] == ["target_assessment", "atrocities_estimate"]
    assert low_view["hidden_sections"] == 2
    assert low_view["options"] == [] and low_view["partners"] == []
    assert low_view["messaging_lead"] is None
    high_view = selectors.version_view(high, version)
    assert high_view["hidden_sections"] == 0 and len(high_view["options"]) == 1
    assert high_view["messaging_lead"] == "State"


def test_only_the_operations_plan_hidden_keeps_the_options():
    plan = make_plan()
    add_option(plan, tool_name="Debt relief")
    add_partner(plan, "Neighbour", influence="neighbour")
    plan.sections.filter(key="operations_plan").update(marking="S")
    low = UserFactory(role=roles.CO_CHAIR, clearance="C")
    assert len(selectors.options_for(low, plan)) == 1
    assert selectors.partners_for(low, plan) == []


def test_a_prevention_plans_one_section_holds_its_options_and_partners():
    plan = make_plan("prevention")
    add_option(plan, tool_name="Debt relief")
    add_partner(plan, "Neighbour", influence="neighbour")
    low = UserFactory(role=roles.CO_CHAIR, clearance="C")
    assert len(selectors.options_for(low, plan)) == 1
    plan.sections.update(marking="S")
    assert selectors.options_for(low, plan) == [] and selectors.partners_for(low, plan) == []


def test_the_plan_itself_above_clearance_is_not_visible():
    plan = make_plan(marking="S")
    low = UserFactory(role=roles.CO_CHAIR, clearance="C")
    assert list(selectors.plans_for(low)) == []
    assert not can(low, "view", plan)
    assert PlanSection.objects.filter(plan=plan).count() == 4
