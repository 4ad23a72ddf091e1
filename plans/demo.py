"""Demo content of the plans for the embedded default (seed_demo; DEBUG only; runs after the
watchlist demo and before the meetings).

Two playbooks built from catalogue tools with the documents' wording (the strategies'
mechanisms, the target groups' purposes); the watchlist demo's tier changes have opened draft
plans (watchlist.services.PLAN_TASK_HOOKS), and three of them are taken further:

- Sudan (high and rising): a crisis response plan written by its assignees, red-teamed (one
  finding, answered), rehearsed at a tabletop exercise, returned once by the Deputies Committee
  and resubmitted (two versions), approved by the Deputies and briefed to Congress;
- Burma (high and rising): a crisis response plan in draft, its target country assessment
  complete and its atrocities estimate being drafted, one playbook applied;
- DRC (moderate concern): a crisis prevention plan submitted for APC review.

Everything goes through the services, so it is audited and versioned like real work. The
section texts are illustrative, not reporting: they describe no real events. Idempotent: each
part is skipped once it exists.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from apc.core.exceptions import DomainError
from apc.models import Agency, User
from plans import services
from plans.models import EscalationStage, Plan, Playbook, Strategy, TargetGroup, Tool
from watchlist.models import Country

DEMO = "Illustrative demo text. "

# Net assessment and strategic interaction of every demo option (seeds/003, "Three important
# considerations"): filled, so the guideline checks have something to read.
ASSESSED = {
    "costs": DEMO + "Staff time and diplomatic capital; little budget.",
    "risks": DEMO + "The leadership may read restraint as weakness; watch for unintended "
    "consequences for civilians.",
    "counter_moves": DEMO + "Denial, delay, and appeals to sovereignty.",
    "adaptation": DEMO + "Escalate to targeted penalties if there is no change within weeks.",
}

# name, description, strategy key, stage key, options:
# (target group, stage, tool name, stance if the source gives none, mechanism, lead agency,
#  enforcer of a coercive option, expected effect, partners)
PLAYBOOKS: list[dict[str, Any]] = [
    {
        "name": "Dissuade: early diplomatic pressure",
        "description": (
            "Early pressure on the decision makers, mixing coercive threats and conditional "
            "inducements: “Research has found that strategies that include a mix of coercive "
            "threats and conditional inducements tend to be more effective than those that use "
            "just one or the other.” (USHMM 2023, “Dissuade potential perpetrators”)"
        ),
        "strategy": "dissuade",
        "stage": "latent",
        "options": [
            (
                "decision_makers", "latent", "Dialogue facilitation/mediation", "",
                "Facilitating potential perpetrators' identification of a way to satisfy their "
                "core interests without committing atrocities",
                "state", "", "To affect their decision calculus.", "",
            ),
            (
                "decision_makers", "latent", "Condemnation (unilateral, multilateral)", "",
                "Increasing expected costs of committing atrocities",
                "state", "Department of State, with like-minded governments",
                "To affect their decision calculus.", "Like-minded governments",
            ),
            (
                "decision_makers", "emerging", "Trade or Investment Incentives", "cooperative",
                "Increasing expected benefits of alternative courses of action",
                "treasury", "", "To affect their decision calculus.", "",
            ),
            (
                "decision_makers", "emerging", "Travel bans", "",
                "Increasing expected costs of committing atrocities",
                "state", "Department of State (visa restrictions)",
                "To affect their decision calculus.", "",
            ),
            (
                "third_parties", "latent", "Multilateral Diplomacy", "cooperative",
                "Increasing expected costs of committing atrocities",
                "state", "", "To persuade and mobilize them to play a positive role.",
                "Regional organisation",
            ),
        ],
    },
    {
        "name": "Protect: humanitarian access",
        "description": (
            "Protection of the potential victims and the humanitarian access it needs: "
            "“Perpetrators' ability to access civilian populations and the capacity of civilian "
            "populations to protect themselves or get out of harm's way affect the occurrence "
            "and severity of atrocities.” (USHMM 2023, Table 1, “Protect vulnerable "
            "populations”)"
        ),
        "strategy": "protect",
        "stage": "escalating",
        "options": [
            (
                "victims", "escalating", "Increased aid", "",
                "Mitigating harm to civilian populations",
                "usaid", "", "To improve their chances of survival.", "UN humanitarian agencies",
            ),
            (
                "victims", "escalating", "Support to Civilian Self-Protection Efforts",
                "cooperative",
                "Increasing civilian populations' capacity to defend themselves",
                "usaid", "", "To improve their chances of survival.", "",
            ),
            (
                "victims", "acute", "Safe havens/evacuation", "",
                "Direct physical protection",
                "defense", "", "To improve their chances of survival.", "Neighbouring states",
            ),
            (
                "perpetrators", "escalating", "Withdrawal of military assistance, arms embargoes",
                "", "Reducing resources available to potential perpetrators",
                "state", "Department of State, through the UN Security Council",
                "To reduce their operational effectiveness.", "UN Security Council members",
            ),
            (
                "perpetrators", "escalating", "Fact finding/observer missions", "",
                "Increasing the cost or reducing the operational efficiency of attacking civilian "
                "populations",
                "state", "", "To reduce their operational effectiveness.",
                "Regional organisation",
            ),
        ],
    },
]  # fmt: skip

RESPONSE_CONTENT = {
    "target_assessment": {
        "basics": DEMO + "Political-military, economic and demographic basics in brief.",
        "leadership": DEMO + "The ruling council and the commanders around it.",
        "support": DEMO + "Domestic support from the security services; foreign patrons.",
        "opposition": DEMO + "Fragmented civilian opposition and armed movements.",
        "motivations": DEMO + "Holding power and control of revenues.",
        "perpetrators": DEMO + "Paramilitary units and allied militias.",
        "command": DEMO + "Loose command and control over the militias.",
        "methods": DEMO + "Sieges, attacks on displacement camps, targeted killings.",
        "victims": DEMO + "Communities identified by ethnicity in two regions.",
        "leverage": DEMO + "Foreign patrons, frozen assets, access to markets.",
    },
    "atrocities_estimate": {
        "scale": DEMO + "Large-scale killing is possible within months.",
        "us_citizens": DEMO + "Low: few U.S. citizens remain in the affected regions.",
        "stability": DEMO + "Further fragmentation of the state.",
        "migration": DEMO + "Large internal displacement and flight to neighbouring states.",
        "intervention": DEMO + "Neighbours may back rival forces.",
        "inaction": DEMO + "Regional instability and humanitarian costs.",
    },
    "policy_options": {
        "summary": DEMO + "Early diplomatic pressure on the decision makers, protection of the "
        "potential victims, degrading the perpetrators' supplies; see the matrix.",
    },
    "operations_plan": {
        "interests": DEMO + "Preventing mass atrocities; regional stability.",
        "objectives": DEMO + "Halt attacks on civilians; secure humanitarian access.",
        "end_state": DEMO + "A negotiated ceasefire monitored by observers.",
        "responsibilities": DEMO + "State leads diplomacy; USAID relief; Treasury penalties.",
        "authority": DEMO + "The APC coordinates; the Deputies Committee decides.",
        "sequencing": DEMO + "Pressure and incentives first; penalties if there is no change.",
        "congressional_liaison": DEMO + "Brief the committees of jurisdiction.",
        "diplomatic_coordination": DEMO + "Coordinate with the regional organisation.",
        "legal_consultation": DEMO + "Legal review of the sanctions authorities.",
        "funding": DEMO + "Reprogram humanitarian funds.",
        "media_coordination": DEMO + "One spokesperson; agreed lines.",
        "core_messages": DEMO + "Those who plan or commit atrocities will be held to account.",
    },
}
PREVENTION_CONTENT = {
    "initiatives": DEMO + "Support local peace committees; early diplomatic engagement.",
    "objectives": DEMO + "Reduce the risk of identity-based violence before elections.",
    "lead_agencies": DEMO + "State (diplomacy), USAID (programmes).",
    "partners": DEMO + "The regional organisation and neighbouring states.",
    "timeline": DEMO + "Twelve months, reviewed at each APC meeting.",
}
PARTNERS = [
    ("Neighbouring state (demo)", "neighbour", True, "Border access for relief; pressure on "
     "militias crossing the border."),
    ("Patron state (demo)", "patron", True, "Presses the leadership to accept observers."),
    ("Regional organisation (demo)", "other", True, "Hosts the mediation."),
]  # fmt: skip


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _tool(name: str) -> Tool:
    return Tool.objects.filter(name=name).order_by("source", "position").first()


def seed_playbooks(staff: User) -> list[Playbook]:
    out = []
    agencies = {a.code: a for a in Agency.objects.all()}
    for spec in PLAYBOOKS:
        playbook = Playbook.objects.filter(name=spec["name"]).first()
        if playbook is None:
            playbook = services.playbook_save(
                actor=staff,
                playbook=None,
                name=spec["name"],
                description=spec["description"],
                strategy=Strategy.objects.get(key=spec["strategy"]),
                stage=EscalationStage.objects.get(key=spec["stage"]),
            )
            for group, stage, tool, stance, mechanism, lead, enforcer, effect, partners in spec[
                "options"
            ]:
                services.playbook_option_add(
                    actor=staff,
                    playbook=playbook,
                    data={
                        "target_group": TargetGroup.objects.get(key=group),
                        "stage": EscalationStage.objects.get(key=stage),
                        "tool": _tool(tool),
                        "stance": stance,
                        "strategy": Strategy.objects.get(key=spec["strategy"]),
                        "mechanism": mechanism,
                        "lead_agency": agencies[lead],
                        "enforcer": enforcer,
                        "expected_effect": DEMO + effect,
                        "partners": partners,
                        **ASSESSED,
                    },
                )
        out.append(playbook)
    return out


def _open_plan(staff: User, iso3: str, kind: str, stdout) -> Plan | None:
    """The plan the tier change opened, else one opened now (the country must be on the tier)."""
    country = Country.objects.get(iso3=iso3)
    plan = Plan.objects.filter(country=country, kind=kind).exclude(status="closed").first()
    if plan is not None:
        return plan
    try:
        return services.plan_create(actor=staff, country=country, kind=kind)
    except DomainError as exc:
        stdout.write(f"Plans demo: no {kind} plan for {iso3} ({exc.detail} {exc.errors}).")
        return None


def _save(actor: User, plan: Plan, key: str, content: dict, status: str, marking: str = "") -> None:
    section = plan.sections.get(key=key)
    services.section_save(
        actor=actor,
        section=section,
        content=content,
        status=status,
        marking=marking or section.marking,
        version=section.version,
    )


def _partners_and_lead(staff: User, plan: Plan) -> None:
    for name, influence, engaged, role in PARTNERS:
        services.partner_save(
            actor=staff, plan=plan, name=name, influence=influence, engaged=engaged, role=role
        )
    services.messaging_lead_set(actor=staff, plan=plan, agency=Agency.objects.get(code="state"))


def seed_approved(staff: User, playbooks: list[Playbook], stdout) -> str:
    """Sudan: written, red-teamed, rehearsed, returned once, approved by the Deputies, briefed."""
    plan = _open_plan(staff, "SDN", Plan.Kind.RESPONSE, stdout)
    if plan is None or plan.events.exists() or plan.status != Plan.Status.DRAFT:
        return "approved plan already present" if plan else "approved plan skipped"
    analyst, member = _user("analyst.ic"), _user("member.ic")
    sections = {s.key: s for s in plan.sections.all()}
    services.section_assign(actor=staff, section=sections["target_assessment"], assignee=analyst)
    services.section_assign(actor=staff, section=sections["atrocities_estimate"], assignee=member)
    services.team_add(actor=staff, plan=plan, user=_user("member.state"))
    # the target country assessment is held at CONFIDENTIAL: hidden from lower clearances
    _save(analyst, plan, "target_assessment", RESPONSE_CONTENT["target_assessment"], "complete",
          marking="C")  # fmt: skip
    _save(member, plan, "atrocities_estimate", RESPONSE_CONTENT["atrocities_estimate"], "complete")
    _save(staff, plan, "policy_options", RESPONSE_CONTENT["policy_options"], "complete")
    ops = dict(RESPONSE_CONTENT["operations_plan"])
    ops["sequencing"] = DEMO + "Penalties and incentives together from the start."
    _save(staff, plan, "operations_plan", ops, "complete")
    for playbook in playbooks:
        services.playbook_apply(actor=staff, plan=plan, playbook=playbook)
    _partners_and_lead(staff, plan)

    reviewer = _user("redteam")
    services.reviewer_assign(actor=staff, plan=plan, reviewer=reviewer)
    services.plan_transition(actor=staff, plan=plan, action="complete_assessments")
    services.plan_transition(actor=staff, plan=plan, action="start_red_team")
    finding = services.finding_add(
        actor=reviewer,
        plan=plan,
        section_key="policy_options",
        text=DEMO + "The travel bans name no counter-moves beyond denial; what if the "
        "leadership moves its assets first?",
    )
    services.finding_respond(
        actor=staff,
        finding=finding,
        response=DEMO + "Asset freezes are prepared in parallel and announced together.",
    )
    services.rehearsal_add(
        actor=staff,
        plan=plan,
        kind="tabletop",
        held_on=timezone.localdate() - timedelta(days=7),
        participants="NSC, State, Defense, Treasury, USAID, IC (demo)",
        results=DEMO + "The evacuation option needs a lead for logistics; added to the plan.",
    )
    services.plan_transition(actor=staff, plan=plan, action="submit_deputies")
    deputies = _user("deputies")
    services.plan_transition(
        actor=deputies,
        plan=plan,
        action="return_deputies",
        comment=DEMO + "Say in what order the measures come.",
    )
    _save(staff, plan, "operations_plan", RESPONSE_CONTENT["operations_plan"], "complete")
    for action in ("complete_assessments", "start_red_team", "submit_deputies"):
        services.plan_transition(actor=staff, plan=plan, action=action)
    services.plan_transition(
        actor=deputies, plan=plan, action="approve_deputies", comment="Approved (demo)."
    )
    services.plan_transition(
        actor=staff,
        plan=plan,
        action="brief_congress",
        briefing={
            "date": timezone.localdate(),
            "committees": "Senate Foreign Relations Committee; House Foreign Affairs Committee",
            "members": "Chairs and ranking members of both committees (demo)",
        },
    )
    return "Sudan response plan approved by the Deputies and briefed"


def seed_draft(staff: User, playbooks: list[Playbook], stdout) -> str:
    """Burma: a draft with its target country assessment complete, the estimate in progress."""
    plan = _open_plan(staff, "MMR", Plan.Kind.RESPONSE, stdout)
    if plan is None or plan.status != Plan.Status.DRAFT:
        return "draft plan skipped"
    if plan.options.exists() or plan.sections.filter(version__gt=0).exists():
        return "draft plan already present"
    analyst = _user("analyst.ic")
    target = plan.sections.get(key="target_assessment")
    services.section_assign(actor=staff, section=target, assignee=analyst)
    _save(analyst, plan, "target_assessment", RESPONSE_CONTENT["target_assessment"], "complete")
    estimate = dict.fromkeys(RESPONSE_CONTENT["atrocities_estimate"], "")
    estimate["scale"] = RESPONSE_CONTENT["atrocities_estimate"]["scale"]
    _save(staff, plan, "atrocities_estimate", estimate, "drafting")
    services.playbook_apply(actor=staff, plan=plan, playbook=playbooks[0])
    return "Burma response plan in draft"


def seed_prevention(staff: User, playbooks: list[Playbook], stdout) -> str:
    """DRC: a prevention plan submitted for APC review."""
    plan = _open_plan(staff, "COD", Plan.Kind.PREVENTION, stdout)
    if plan is None or plan.status != Plan.Status.DRAFT:
        return "prevention plan already present" if plan else "prevention plan skipped"
    if plan.events.exists() or plan.sections.filter(version__gt=0).exists():
        return "prevention plan already present"
    _save(staff, plan, "prevention_plan", PREVENTION_CONTENT, "complete")
    services.playbook_apply(actor=staff, plan=plan, playbook=playbooks[0])
    _partners_and_lead(staff, plan)
    services.plan_transition(actor=staff, plan=plan, action="submit_apc")
    return "DRC prevention plan in APC review"


def seed(stdout) -> None:
    if not Tool.objects.exists():
        # a flushed test database (the migration loaded them once): the demo needs the catalogue
        from django.apps import apps

        from plans.reference_load import load

        load(apps)
    staff = _user("directorate")
    playbooks = seed_playbooks(staff)
    done = [
        seed_approved(staff, playbooks, stdout),
        seed_draft(staff, playbooks, stdout),
        seed_prevention(staff, playbooks, stdout),
    ]
    stdout.write(f"Plans demo data: {len(playbooks)} playbooks; " + "; ".join(done) + ".")
