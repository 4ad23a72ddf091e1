"""Plans services, part 2: the options matrix (a catalogue tool or a described measure; the
stance from the tool), playbooks applied and then adapted, partners, the messaging lead, the red
team (assigned by the directorate lead; findings only during review; the team answers),
rehearsals, and the prioritisation orders of the plans list.

Source: seeds/000, "Decision Support and Planning" (recommendation 4-2: playbooks, red team,
rehearsal; prioritisation), "Policy and Strategy Design" (4-4, 4-5); seeds/003 (strategies,
net assessment, strategic interaction, collective action).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from apc.core import roles
from apc.core.exceptions import Invalid, InvalidTransition, NotPermitted
from apc.core.permissions import can
from apc.models import Agency
from plans import selectors, services
from plans.models import Option, Partner, Plan, Playbook, PlaybookOption, RedTeamFinding, Strategy
from tests.factories import RiskVintageFactory, UserFactory, country
from tests.plans.support import directorate, ensure_plans_reference, group, make_plan, stage, tool
from watchlist.models import Country, RiskScore

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference():
    ensure_plans_reference()


@pytest.fixture
def plan():
    return make_plan()


def option_data(**over):
    return {
        "target_group": group("decision_makers").pk,
        "stage": stage("latent").pk,
        "tool": tool("Travel bans").pk,
        "strategy": Strategy.objects.get(key="dissuade").pk,
        "lead_agency": Agency.objects.get(code="state").pk,
        "expected_effect": "Isolates the leaders.",
        "enforcer": "Department of State",
        **over,
    }


# --- options --------------------------------------------------------------------------------


def test_an_option_from_the_catalogue_takes_its_stance_from_the_tool(plan):
    option = services.option_add(actor=plan.owner, plan=plan, data=option_data())
    assert option.tool.name == "Travel bans" and option.stance == "coercive"
    assert option.label == "Travel bans" and option.position == 1
    assert option.strategy.key == "dissuade" and option.lead_agency.code == "state"
    second = services.option_add(
        actor=plan.owner, plan=plan, data=option_data(tool=tool("Debt relief").pk)
    )
    assert second.stance == "cooperative" and second.position == 2


def test_a_described_measure_needs_its_stance(plan):
    data = option_data(tool="", custom_measure="Quiet assurances to the army")
    with pytest.raises(Invalid) as refused:
        services.option_add(actor=plan.owner, plan=plan, data=data)
    assert "stance" in refused.value.errors
    option = services.option_add(
        actor=plan.owner, plan=plan, data={**data, "stance": "cooperative"}
    )
    assert option.tool is None and option.label == "Quiet assurances to the army"


def test_an_annex_c_tool_has_no_stance_in_the_source_so_the_author_gives_it(plan):
    mediation = tool("Mediation", source_prefix="USHMM")
    assert mediation.stance == ""
    with pytest.raises(Invalid):
        services.option_add(actor=plan.owner, plan=plan, data=option_data(tool=mediation.pk))
    option = services.option_add(
        actor=plan.owner, plan=plan, data=option_data(tool=mediation.pk, stance="cooperative")
    )
    assert option.stance == "cooperative"


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"tool": "", "custom_measure": ""}, "tool"),
        ({"tool": 999999}, "tool"),
        ({"target_group": ""}, "target_group"),
        ({"stage": ""}, "stage"),
        ({"stage": 999999}, "stage"),
        ({"strategy": 999999}, "strategy"),
        ({"stance": "friendly"}, "stance"),
    ],
)
def test_option_validation(plan, over, field):
    with pytest.raises(Invalid) as refused:
        services.option_add(actor=plan.owner, plan=plan, data=option_data(**over))
    assert field in refused.value.errors
    assert not Option.objects.exists()


def test_options_are_edited_by_the_team_and_only_in_draft(plan):
    option = services.option_add(actor=plan.owner, plan=plan, data=option_data())
    outsider = UserFactory(role=roles.CO_CHAIR)
    with pytest.raises(NotPermitted):
        services.option_add(actor=outsider, plan=plan, data=option_data())
    with pytest.raises(NotPermitted):
        services.option_remove(actor=outsider, option=option)
    updated = services.option_update(
        actor=plan.owner,
        option=option,
        data=option_data(counter_moves="Denial.", stage=stage("emerging").pk),  # fmt: skip
    )
    assert updated.stage.key == "emerging" and updated.counter_moves == "Denial."
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.RED_TEAM)
    with pytest.raises(InvalidTransition):
        services.option_add(actor=plan.owner, plan=plan, data=option_data())
    with pytest.raises(InvalidTransition):
        services.option_remove(actor=plan.owner, option=option)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.DRAFT)
    services.option_remove(actor=plan.owner, option=option)
    assert not plan.options.exists()


# --- playbooks ------------------------------------------------------------------------------


def test_a_playbook_is_applied_then_adapted_in_the_plan(plan):
    staff = directorate()
    playbook = services.playbook_save(
        actor=staff, playbook=None, name="Dissuade: early diplomatic pressure",
        strategy=Strategy.objects.get(key="dissuade"), stage=stage("latent"),
    )  # fmt: skip
    for name in ("Dialogue facilitation/mediation", "Travel bans"):
        services.playbook_option_add(
            actor=staff, playbook=playbook, data=option_data(tool=tool(name).pk)
        )
    assert list(playbook.options.values_list("position", flat=True)) == [1, 2]
    made = services.playbook_apply(actor=plan.owner, plan=plan, playbook=playbook)
    assert [o.label for o in made] == ["Dialogue facilitation/mediation", "Travel bans"]
    assert all(o.from_playbook == playbook and o.plan == plan for o in made)
    assert [o.stance for o in made] == ["cooperative", "coercive"]
    # adapt the plan's copy: the playbook keeps its own
    copy = plan.options.get(tool__name="Travel bans")
    services.option_update(
        actor=plan.owner, option=copy,
        data=option_data(enforcer="State with EU partners", target_group=group("perpetrators").pk),
    )  # fmt: skip
    original = playbook.options.get(tool__name="Travel bans")
    assert original.enforcer == "Department of State"
    assert original.target_group.key == "decision_makers"
    # applying twice adds again after what is there
    again = services.playbook_apply(actor=plan.owner, plan=plan, playbook=playbook)
    assert [o.position for o in again] == [3, 4]


def test_playbooks_are_maintained_by_the_directorate(plan):
    member = UserFactory(role=roles.MEMBER)
    with pytest.raises(NotPermitted):
        services.playbook_save(actor=member, playbook=None, name="Mine")
    with pytest.raises(Invalid):
        services.playbook_save(actor=directorate(), playbook=None, name="  ")
    playbook = services.playbook_save(actor=directorate(), playbook=None, name="Protect")
    with pytest.raises(NotPermitted):
        services.playbook_option_add(actor=member, playbook=playbook, data=option_data())
    option = services.playbook_option_add(
        actor=directorate(), playbook=playbook, data=option_data()
    )
    assert isinstance(option, PlaybookOption)
    services.playbook_option_remove(actor=directorate(), option=option)
    assert not playbook.options.exists()
    renamed = services.playbook_save(actor=directorate(), playbook=playbook, name="Protect v2")
    assert Playbook.objects.get(pk=playbook.pk).name == renamed.name == "Protect v2"
    # a contributor on the team may apply a playbook (draft), not maintain one
    services.team_add(actor=plan.owner, plan=plan, user=member)
    assert services.playbook_apply(actor=member, plan=plan, playbook=playbook) == []


# --- partners and the messaging lead --------------------------------------------------------


def test_partners(plan):
    with pytest.raises(Invalid) as refused:
        services.partner_save(
            actor=plan.owner, plan=plan, name=" ", influence="ally", engaged=False
        )
    assert set(refused.value.errors) == {"name", "influence"}
    p = services.partner_save(
        actor=plan.owner, plan=plan, name=" The patron ", influence="patron", engaged=False
    )
    assert p.name == "The patron" and p.has_influence and not p.engaged
    services.partner_save(
        actor=plan.owner, plan=plan, partner=p, name="The patron", influence="patron",
        engaged=True, role="Presses the army to stand down.",
    )  # fmt: skip
    p.refresh_from_db()
    assert p.engaged and p.role.startswith("Presses")
    with pytest.raises(NotPermitted):
        services.partner_save(
            actor=UserFactory(role=roles.MEMBER), plan=plan, name="X", influence="none",
            engaged=False,
        )  # fmt: skip
    services.partner_remove(actor=plan.owner, partner=p)
    assert not Partner.objects.exists()


def test_the_messaging_lead(plan):
    state = Agency.objects.get(code="state")
    services.messaging_lead_set(actor=plan.owner, plan=plan, agency=state)
    plan.refresh_from_db()
    assert plan.messaging_lead == state
    services.messaging_lead_set(actor=plan.owner, plan=plan, agency=None)
    plan.refresh_from_db()
    assert plan.messaging_lead is None
    with pytest.raises(NotPermitted):
        services.messaging_lead_set(actor=UserFactory(role=roles.CO_CHAIR), plan=plan, agency=state)


# --- red team -------------------------------------------------------------------------------


def test_only_the_directorate_lead_assigns_red_team_reviewers():
    lead = directorate(is_directorate_lead=True)
    plan = make_plan()  # owned and led by other directorate staff
    reviewer = UserFactory(role=roles.RED_TEAM)
    with pytest.raises(NotPermitted):  # directorate staff who do not lead
        services.reviewer_assign(actor=directorate(), plan=plan, reviewer=reviewer)
    with pytest.raises(NotPermitted):
        services.reviewer_assign(
            actor=UserFactory(role=roles.CO_CHAIR), plan=plan, reviewer=reviewer
        )
    services.reviewer_assign(actor=lead, plan=plan, reviewer=reviewer)  # the directorate lead
    services.reviewer_assign(actor=plan.lead, plan=plan, reviewer=UserFactory(role=roles.RED_TEAM))
    assert can(reviewer, "view", plan) and can(reviewer, "review", plan)
    assert not can(reviewer, "draft", plan)


def test_only_red_team_reviewers_outside_the_drafting_team_review(plan):
    with pytest.raises(Invalid):
        services.reviewer_assign(
            actor=plan.lead, plan=plan, reviewer=UserFactory(role=roles.MEMBER)
        )
    both = UserFactory(role=[roles.RED_TEAM, roles.MEMBER])
    services.team_add(actor=plan.owner, plan=plan, user=both)
    with pytest.raises(Invalid):
        services.reviewer_assign(actor=plan.lead, plan=plan, reviewer=both)


def test_findings_only_during_red_team_review_and_the_team_answers(plan):
    reviewer = UserFactory(role=roles.RED_TEAM)
    unassigned = UserFactory(role=roles.RED_TEAM)
    services.reviewer_assign(actor=plan.lead, plan=plan, reviewer=reviewer)
    with pytest.raises(InvalidTransition):  # still a draft
        services.finding_add(actor=reviewer, plan=plan, section_key="policy_options", text="x")
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.RED_TEAM)
    with pytest.raises(NotPermitted):
        services.finding_add(actor=unassigned, plan=plan, section_key="policy_options", text="x")
    with pytest.raises(Invalid) as refused:
        services.finding_add(actor=reviewer, plan=plan, section_key="prevention_plan", text=" ")
    assert set(refused.value.errors) == {"section_key", "text"}
    finding = services.finding_add(
        actor=reviewer, plan=plan, section_key="policy_options",
        text="No counter-moves are anticipated for the travel bans.",
    )  # fmt: skip
    assert finding.reviewer == reviewer and finding.response == ""
    with pytest.raises(NotPermitted):  # the reviewer does not answer their own finding
        services.finding_respond(actor=reviewer, finding=finding, response="Fine.")
    with pytest.raises(Invalid):
        services.finding_respond(actor=plan.owner, finding=finding, response="  ")
    answered = services.finding_respond(
        actor=plan.owner, finding=finding, response="Counter-moves added."
    )
    assert answered.responded_by == plan.owner and answered.responded_at is not None
    assert RedTeamFinding.objects.get(pk=finding.pk).response == "Counter-moves added."


# --- rehearsals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"kind": "drill"}, "kind"),
        ({"held_on": None}, "held_on"),
        ({"held_on": timezone.localdate() + timedelta(days=1)}, "held_on"),
        ({"participants": " "}, "participants"),
        ({"results": ""}, "results"),
    ],
)
def test_rehearsal_validation(plan, over, field):
    data = {"kind": "tabletop", "held_on": date(2026, 1, 10), "participants": "NSC; State",
            "results": "Gaps in the evacuation plan.", **over}  # fmt: skip
    with pytest.raises(Invalid) as refused:
        services.rehearsal_add(actor=plan.owner, plan=plan, **data)
    assert field in refused.value.errors
    assert not plan.rehearsals.exists()


def test_a_rehearsal_is_recorded(plan):
    r = services.rehearsal_add(
        actor=plan.owner, plan=plan, kind="rehearsal", held_on=date(2026, 1, 10),
        participants=" NSC; State ", results="The sequence held.",
    )  # fmt: skip
    assert (r.participants, r.recorded_by) == ("NSC; State", plan.owner)
    with pytest.raises(NotPermitted):
        services.rehearsal_add(
            actor=UserFactory(role=roles.CO_CHAIR), plan=plan, kind="rehearsal",
            held_on=date(2026, 1, 10), participants="x", results="y",
        )  # fmt: skip
    assert list(selectors.rehearsals_for(plan.owner, plan)) == [r]


# --- prioritisation -------------------------------------------------------------------------


def test_the_plans_list_orders_for_prioritisation():
    staff = directorate()
    # (iso3, tier, U.S. influence, U.S. interests, risk rank)
    rows = [
        ("SDN", "moderate", 5, 5, 1),
        ("MMR", "high_rising", 1, 1, 3),
        ("COD", "high_rising", 4, 4, 2),
        ("ETH", "moderate", 1, 1, None),
    ]
    vintage = RiskVintageFactory()
    for iso3, tier, influence, interests, rank in rows:
        c = country(iso3)
        Country.objects.filter(pk=c.pk).update(
            us_influence=influence, us_interests_impact=interests
        )
        c.refresh_from_db()
        plan = make_plan("response" if tier == "high_rising" else "prevention", owner=staff,
                         iso3=iso3)  # fmt: skip
        c.refresh_from_db()
        assert c.priority == c.compute_priority()
        if rank is not None:
            RiskScore.objects.create(vintage=vintage, country=c, value="0.1", rank=rank)
        assert plan.pk

    def order(name):
        return [p.country.iso3 for p in selectors.plans_for(staff, name)]

    assert order("priority") == ["COD", "MMR", "SDN", "ETH"]  # tier, then influence/interests
    assert order("tier") == ["COD", "MMR", "SDN", "ETH"]
    assert order("risk") == ["SDN", "COD", "MMR", "ETH"]  # unranked last
    assert order("country") == sorted(order("country"), key=lambda i: country(i).name)
    Plan.objects.filter(country__iso3="ETH").update(updated_at=timezone.now() + timedelta(1))
    assert order("updated")[0] == "ETH"
    assert order("unknown") == order("priority")
    ranks = {p.country.iso3: p.risk_rank for p in selectors.plans_for(staff, "risk")}
    assert ranks == {"SDN": 1, "COD": 2, "MMR": 3, "ETH": None}
