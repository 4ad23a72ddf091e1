"""Every write about plans: one function per use case, transactional, permission-checked and
audited (DESIGN.md). Sources: seeds/000, "Decision Support and Planning" (recommendation 4-2),
"Policy and Strategy Design" (4-4, 4-5); seeds/003 (strategies, considerations, Annex C)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm

from apc.core import markings, roles
from apc.core.audit import record_event
from apc.core.exceptions import Conflict, Invalid, InvalidTransition, NotPermitted, full_clean
from apc.core.permissions import can, require
from apc.models import Agency, User
from apc.services import notify, users_with_role
from plans import sections as section_specs
from plans.models import (
    EscalationStage,
    Option,
    Partner,
    Plan,
    PlanContributor,
    PlanEvent,
    PlanSection,
    PlanVersion,
    Playbook,
    PlaybookOption,
    RedTeamFinding,
    Rehearsal,
    Strategy,
    TargetGroup,
    Tool,
)
from plans.workflow import APPROVALS, EDITABLE, FREEZES, workflow_for
from watchlist.models import Country, PlanTask, Tier

KIND_FOR_TIER = {Tier.MODERATE: Plan.Kind.PREVENTION, Tier.HIGH_RISING: Plan.Kind.RESPONSE}
TASK_KIND = {
    Plan.Kind.PREVENTION: PlanTask.Kind.PREVENTION_PLAN,
    Plan.Kind.RESPONSE: PlanTask.Kind.RESPONSE_PLAN,
}
TEAM_PERMS = ("view_plan", "draft_plan")
REVIEW_PERMS = ("view_plan", "review_plan")


def _lock(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _editable(plan: Plan) -> None:
    if plan.status not in EDITABLE:
        raise InvalidTransition(
            f"The plan is {plan.get_status_display().lower()}: it is edited only as a draft."
        )


def _touch(plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(updated_at=timezone.now())


def _contributed(plan: Plan, *users: User | None) -> None:
    """Remember for good who had a hand in the plan (no self-approval, ever)."""
    for user in users:
        if user is not None:
            PlanContributor.objects.get_or_create(plan=plan, user=user)


def _part_key(plan: Plan, part: str) -> str:
    """The section a part of the plan belongs to: the options matrix to the policy options
    section, partners and the messaging lead to the operations plan (a prevention plan's one
    section holds both)."""
    if plan.kind == Plan.Kind.PREVENTION:
        return "prevention_plan"
    return {"options": "policy_options", "partners": "operations_plan"}[part]


def _part_marking(plan: Plan, part: str) -> str:
    """The marking of the section a part belongs to: audit events that quote an option or a
    partner are marked like it, so no reader of the trail sees more than the plan shows."""
    section = plan.sections.filter(key=_part_key(plan, part)).first()
    return markings.highest([plan.marking, getattr(section, "marking", plan.marking)])


# --- Creating plans and their team -----------------------------------------------------------


def _open_sections(plan: Plan, task: PlanTask | None) -> None:
    agencies = {a.code: a for a in Agency.objects.all()}
    by_kind = {}
    if task is not None:
        by_kind = {t.kind: t.assigned_agency for t in task.subtasks.all()}
    PlanSection.objects.bulk_create(
        [
            PlanSection(
                plan=plan,
                key=spec.key,
                position=i,
                assigned_agency=by_kind.get(spec.key) or agencies.get(spec.agency),
                marking=plan.marking,
            )
            for i, spec in enumerate(section_specs.BY_KIND[plan.kind], start=1)
        ]
    )


def _grant(user: User, plan: Plan, perms: tuple[str, ...]) -> None:
    for perm in perms:
        assign_perm(perm, user, plan)
    user.__dict__.pop("_apc_perm_checker", None)


def _create(
    *, actor: User | None, owner: User, country: Country, kind: str, title: str,
    task: PlanTask | None, marking: str,
) -> Plan:  # fmt: skip
    plan = Plan(
        country=country,
        kind=kind,
        title=title,
        owner=owner,
        lead=owner,
        task=task,
        marking=markings.highest([marking, country.marking]),
    )
    full_clean(plan)
    plan.save()
    _open_sections(plan, task)
    _grant(owner, plan, TEAM_PERMS)
    _contributed(plan, owner)
    record_event(actor=actor, action="plan.create", obj=plan, summary=title)
    return plan


def plan_create(
    *, actor: User, country: Country, kind: str, title: str = "", marking: str = "U"
) -> Plan:
    """The directorate opens a plan: a prevention plan for a `moderate` country, a response plan
    for a `high_rising` one (recommendation 4-2). It adopts the country's open plan task of that
    kind. One plan of a kind per country is open at a time."""
    require(actor, "plans.create")
    require(actor, "view", country)
    errors: dict[str, list[str]] = {}
    if kind not in Plan.Kind.values:
        errors["kind"] = ["Choose a prevention or a response plan."]
    elif KIND_FOR_TIER.get(country.tier) != kind:
        wanted = "moderate concern" if kind == Plan.Kind.PREVENTION else "high and rising"
        errors["kind"] = [f"A {Plan.Kind(kind).label.lower()} is for a country {wanted}."]
    if errors:
        raise Invalid(errors=errors)
    markings.clean(actor, marking)
    with transaction.atomic(durable=True):
        Country.objects.select_for_update().get(pk=country.pk)
        if Plan.objects.filter(country=country, kind=kind).exclude(status="closed").exists():
            raise Conflict(f"{country.name} already has an open {Plan.Kind(kind).label.lower()}.")
        task = (
            PlanTask.objects.filter(
                country=country, kind=TASK_KIND[kind], status=PlanTask.Status.OPEN, plan=None
            )
            .order_by("created_at")
            .first()
        )
        return _create(
            actor=actor,
            owner=actor,
            country=country,
            kind=kind,
            title=(title or "").strip() or f"{Plan.Kind(kind).label}: {country.name}",
            task=task,
            marking=marking,
        )


def plan_for_task(task: PlanTask) -> Plan | None:
    """A tier change opened a plan task (watchlist.services.PLAN_TASK_HOOKS): open its draft
    plan in the same transaction, owned by the directorate lead (who builds the drafting team),
    its sections assigned to the agencies of the assessment tasks. A task already adopted, or a
    country with an open plan of that kind, opens nothing; without directorate staff the task
    waits for `plan_create`."""
    from apc.services import directorate_leads

    if task.kind not in TASK_KIND.values() or Plan.objects.filter(task=task).exists():
        return None
    kind = next(k for k, v in TASK_KIND.items() if v == task.kind)
    if Plan.objects.filter(country_id=task.country_id, kind=kind).exclude(status="closed").exists():
        return None
    leads = directorate_leads()
    if not leads:
        return None
    country = Country.objects.get(pk=task.country_id)
    return _create(
        actor=None,
        owner=leads[0],
        country=country,
        kind=kind,
        title=f"{Plan.Kind(kind).label}: {country.name}",
        task=task,
        marking=country.marking,
    )


def team_add(*, actor: User, plan: Plan, user: User) -> None:
    """Add an agency contributor to the drafting team (object-level access to this plan)."""
    require(actor, "manage", plan)
    if not user.is_active:
        raise Invalid(errors={"user": ["This account is deactivated."]})
    if roles.API_CLIENT in user.roles:
        raise Invalid(errors={"user": ["A service account cannot draft plans."]})
    with transaction.atomic(durable=True):
        if user.pk in _reviewers(plan):
            raise Invalid(errors={"user": ["A red-team reviewer of this plan cannot draft it."]})
        _grant(user, plan, TEAM_PERMS)
        _contributed(plan, user)
        record_event(actor=actor, action="plan.team_add", obj=plan, summary=user.username)
        notify(
            [user],
            "You are on a plan's drafting team",
            f"You were added to the drafting team of {plan.title}.",
            link=reverse("plans:plan-detail", args=[plan.pk]),
            marking=plan.marking,
            event_key=f"plan:{plan.pk}:team:{user.pk}",
        )


def team_remove(*, actor: User, plan: Plan, user: User) -> None:
    require(actor, "manage", plan)
    if user.pk == plan.lead_id:
        raise Invalid(errors={"user": ["The directorate lead stays on the team."]})
    with transaction.atomic(durable=True):
        for perm in TEAM_PERMS:
            remove_perm(perm, user, plan)
        record_event(actor=actor, action="plan.team_remove", obj=plan, summary=user.username)


def _reviewers(plan: Plan) -> set[int]:
    return {
        u.pk
        for u in get_users_with_perms(
            plan, only_with_perms_in=["review_plan"], with_superusers=False
        )
    }


def drafting_team(plan: Plan) -> set[int]:
    """Ids of everyone who ever had a hand in the plan: owner, lead, the team (grants), section
    assignees and every contributor on record (PlanContributor keeps those who left). None of
    them may approve it."""
    ids = {plan.owner_id, plan.lead_id}
    ids |= set(PlanContributor.objects.filter(plan=plan).values_list("user_id", flat=True))
    ids |= {
        u.pk
        for u in get_users_with_perms(
            plan, only_with_perms_in=["draft_plan"], with_superusers=False
        )
    }
    for assignee, editor in plan.sections.values_list("assignee_id", "updated_by_id"):
        ids |= {assignee, editor}
    ids.discard(None)
    return ids


# --- Sections -------------------------------------------------------------------------------


def section_assign(*, actor: User, section: PlanSection, assignee: User | None) -> PlanSection:
    """Give a section its assignee (who may then read the plan and write the section)."""
    require(actor, "manage", section.plan)
    if assignee is not None:
        errors = []
        if not assignee.is_active:
            errors.append("This account is deactivated.")
        elif roles.API_CLIENT in assignee.roles:
            errors.append("A service account cannot write a plan.")
        elif assignee.pk in _reviewers(section.plan):
            errors.append("A red-team reviewer of this plan cannot write it.")
        elif not markings.dominates(assignee.clearance, section.marking):
            errors.append("The section is marked above this person's clearance.")
        if errors:
            raise Invalid(errors={"assignee": errors})
    with transaction.atomic(durable=True):
        locked = PlanSection.objects.select_for_update().get(pk=section.pk)
        before = locked.assignee_id
        previous = locked.assignee
        locked.assignee = assignee
        locked.save(update_fields=["assignee"])
        plan = locked.plan
        if previous is not None and previous != assignee:
            # the former assignee keeps the plan only if still on it another way
            still = (
                plan.sections.filter(assignee=previous).exists()
                or previous.has_perm("plans.draft_plan", plan)
                or previous.has_perm("plans.review_plan", plan)
            )
            if not still:
                remove_perm("view_plan", previous, plan)
        if assignee is not None:
            _contributed(plan, assignee)
            assign_perm("view_plan", assignee, locked.plan)
            notify(
                [assignee],
                "A plan section is assigned to you",
                f"{locked.title} of {locked.plan.title} is assigned to you.",
                link=reverse("plans:section-edit", args=[locked.plan_id, locked.key]),
                marking=locked.marking,
                event_key=f"plan-section:{locked.pk}:assigned:{assignee.pk}",
            )
        record_event(
            actor=actor,
            action="plan.section_assign",
            obj=locked.plan,
            changes={"assignee": {"before": before, "after": getattr(assignee, "pk", None)}},
            summary=locked.key,
        )
    return locked


def section_save(
    *,
    actor: User,
    section: PlanSection,
    content: dict[str, str],
    status: str,
    marking: str,
    version: int,
) -> PlanSection:
    """Save a section. `version` is the one the writer started from: if someone saved since,
    the save is refused with 409 and both texts (nothing is lost: the writer keeps theirs)."""
    require(actor, "edit", section)
    if status not in PlanSection.Status.values:
        raise Invalid(errors={"status": ["Choose not started, drafting or complete."]})
    markings.clean(actor, marking)
    names = section_specs.field_names(section.key)
    unknown = sorted(set(content) - set(names))
    if unknown:
        raise Invalid(errors={"content": [f"Unknown field(s): {', '.join(unknown)}."]})
    clean = {name: str(content.get(name) or "").strip() for name in names}
    with transaction.atomic(durable=True):
        locked = PlanSection.objects.select_for_update().select_related("plan").get(pk=section.pk)
        _editable(locked.plan)
        if locked.version != version:
            raise Conflict(
                f"{locked.title} was saved by someone else since you opened it "
                f"(version {locked.version}, yours {version}). Your text is below theirs: "
                "merge and save again.",
                details={"theirs": locked.content, "yours": clean, "version": locked.version},
            )
        before = {"status": locked.status, "marking": locked.marking}
        locked.content, locked.status = clean, status
        locked.marking = markings.highest([marking, locked.plan.marking])
        locked.version += 1
        locked.updated_at, locked.updated_by = timezone.now(), actor
        locked.save(
            update_fields=["content", "status", "marking", "version", "updated_at", "updated_by"]
        )
        _touch(locked.plan)
        _contributed(locked.plan, actor)
        record_event(
            actor=actor,
            action="plan.section_save",
            obj=locked,
            changes={
                k: {"before": before[k], "after": getattr(locked, k)}
                for k in before
                if before[k] != getattr(locked, k)
            },
            summary=f"{locked.key} v{locked.version}",
        )
    return locked


# --- Options, playbooks, partners -----------------------------------------------------------

OPTION_TEXT = (
    "custom_measure",
    "mechanism",
    "expected_effect",
    "costs",
    "risks",
    "counter_moves",
    "adaptation",
    "partners",
    "enforcer",
)


def _option_values(data: dict[str, Any]) -> dict[str, Any]:
    """Validate an option (plan or playbook): a tool or a described measure; the stance comes
    from the tool where the catalogue gives one."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {k: str(data.get(k) or "").strip() for k in OPTION_TEXT}
    lookups = (
        ("target_group", TargetGroup),
        ("stage", EscalationStage),
        ("tool", Tool),
        ("strategy", Strategy),
        ("lead_agency", Agency),
    )
    for name, model in lookups:
        value = data.get(name)
        if isinstance(value, model) or value in (None, ""):
            values[name] = value or None
            continue
        found = model.objects.filter(pk=value).first()
        if found is None:
            errors[name] = [f"Unknown {name.replace('_', ' ')}."]
        values[name] = found
    if not errors:
        if values["target_group"] is None:
            errors["target_group"] = ["Choose the target group."]
        if values["stage"] is None:
            errors["stage"] = ["Choose the escalation stage."]
        if values["tool"] is None and not values["custom_measure"]:
            errors["tool"] = ["Choose a tool of the catalogue or describe a measure."]
    stance = str(data.get("stance") or "").strip()
    if not stance and values.get("tool") is not None:
        stance = values["tool"].stance
    if stance not in Tool.Stance.values:
        errors["stance"] = ["Say whether the option is cooperative or coercive."]
    values["stance"] = stance
    if errors:
        raise Invalid(errors=errors)
    return values


def option_add(*, actor: User, plan: Plan, data: dict[str, Any]) -> Option:
    """Add an option to the plan's matrix (target group × stage)."""
    require(actor, "draft", plan)
    values = _option_values(data)
    with transaction.atomic(durable=True):
        locked = _lock(plan)
        _editable(locked)
        last = locked.options.aggregate(m=Max("position"))["m"] or 0
        option = Option.objects.create(plan=locked, position=last + 1, **values)
        _touch(locked)
        _contributed(locked, actor)
        record_event(
            actor=actor,
            action="plan.option_add",
            obj=locked,
            summary=option.label,
            marking=_part_marking(locked, "options"),
        )
    return option


def option_update(*, actor: User, option: Option, data: dict[str, Any]) -> Option:
    require(actor, "draft", option.plan)
    values = _option_values(data)
    with transaction.atomic(durable=True):
        locked = _lock(option.plan)
        _editable(locked)
        # re-read under the plan's lock: an option removed meanwhile is not brought back
        current = Option.objects.select_for_update().filter(pk=option.pk).first()
        if current is None:
            raise Conflict("This option was removed meanwhile.")
        for k, v in values.items():
            setattr(current, k, v)
        current.save(update_fields=list(values))
        _touch(locked)
        _contributed(locked, actor)
        record_event(
            actor=actor,
            action="plan.option_update",
            obj=locked,
            summary=current.label,
            marking=_part_marking(locked, "options"),
        )
    return current


def option_remove(*, actor: User, option: Option) -> None:
    require(actor, "draft", option.plan)
    with transaction.atomic(durable=True):
        locked = _lock(option.plan)
        _editable(locked)
        Option.objects.filter(pk=option.pk).delete()
        _touch(locked)
        _contributed(locked, actor)
        record_event(
            actor=actor,
            action="plan.option_remove",
            obj=locked,
            summary=option.label,
            marking=_part_marking(locked, "options"),
        )


def playbook_save(
    *,
    actor: User,
    playbook: Playbook | None,
    name: str,
    description: str = "",
    strategy: Strategy | None = None,
    stage: EscalationStage | None = None,
) -> Playbook:
    """Create or edit a playbook (directorate)."""
    require(actor, "playbooks.manage")
    if not (name or "").strip():
        raise Invalid(errors={"name": ["Name the playbook."]})
    with transaction.atomic(durable=True):
        pb = playbook or Playbook(created_by=actor)
        pb.name, pb.description = name.strip(), description.strip()
        pb.strategy, pb.stage, pb.updated_at = strategy, stage, timezone.now()
        full_clean(pb)
        pb.save()
        record_event(actor=actor, action="playbook.save", obj=pb, summary=pb.name)
    return pb


def playbook_option_add(*, actor: User, playbook: Playbook, data: dict[str, Any]) -> PlaybookOption:
    require(actor, "playbooks.manage")
    values = _option_values(data)
    with transaction.atomic(durable=True):
        last = playbook.options.aggregate(m=Max("position"))["m"] or 0
        option = PlaybookOption.objects.create(playbook=playbook, position=last + 1, **values)
        Playbook.objects.filter(pk=playbook.pk).update(updated_at=timezone.now())
        record_event(actor=actor, action="playbook.option_add", obj=playbook, summary=option.label)
    return option


def playbook_option_remove(*, actor: User, option: PlaybookOption) -> None:
    require(actor, "playbooks.manage")
    with transaction.atomic(durable=True):
        PlaybookOption.objects.filter(pk=option.pk).delete()
        record_event(
            actor=actor, action="playbook.option_remove", obj=option.playbook, summary=option.label
        )


def playbook_apply(*, actor: User, plan: Plan, playbook: Playbook) -> list[Option]:
    """Copy a playbook's options into the plan's matrix, to be adapted there."""
    require(actor, "draft", plan)
    fields = [
        f.name
        for f in PlaybookOption._meta.concrete_fields
        if f.name not in ("id", "playbook", "position")
    ]
    with transaction.atomic(durable=True):
        locked = _lock(plan)
        _editable(locked)
        last = locked.options.aggregate(m=Max("position"))["m"] or 0
        made = Option.objects.bulk_create(
            [
                Option(
                    plan=locked,
                    from_playbook=playbook,
                    position=last + i,
                    **{f: getattr(o, f) for f in fields},
                )
                for i, o in enumerate(playbook.options.all(), start=1)
            ]
        )
        _touch(locked)
        _contributed(locked, actor)
        record_event(
            actor=actor,
            action="plan.playbook_apply",
            obj=locked,
            summary=f"{playbook.name}: {len(made)} option(s)",
            marking=_part_marking(locked, "options"),
        )
    return made


def partner_save(
    *,
    actor: User,
    plan: Plan,
    partner: Partner | None = None,
    name: str,
    influence: str,
    engaged: bool,
    role: str = "",
) -> Partner:
    """Add or edit an international partner of the operations plan."""
    require(actor, "draft", plan)
    errors = {}
    if not (name or "").strip():
        errors["name"] = ["Name the partner."]
    if influence not in Partner.Influence.values:
        errors["influence"] = ["Choose the partner's influence over the perpetrators."]
    if errors:
        raise Invalid(errors=errors)
    with transaction.atomic(durable=True):
        locked = _lock(plan)
        _editable(locked)
        p = partner or Partner(plan=locked)
        p.name, p.influence, p.engaged, p.role = name.strip(), influence, engaged, role.strip()
        p.save()
        _touch(locked)
        _contributed(locked, actor)
        record_event(
            actor=actor,
            action="plan.partner_save",
            obj=locked,
            summary=p.name,
            marking=_part_marking(locked, "partners"),
        )
    return p


def partner_remove(*, actor: User, partner: Partner) -> None:
    require(actor, "draft", partner.plan)
    with transaction.atomic(durable=True):
        locked = _lock(partner.plan)
        _editable(locked)
        Partner.objects.filter(pk=partner.pk).delete()
        _contributed(locked, actor)
        record_event(
            actor=actor,
            action="plan.partner_remove",
            obj=locked,
            summary=partner.name,
            marking=_part_marking(locked, "partners"),
        )


def messaging_lead_set(*, actor: User, plan: Plan, agency: Agency | None) -> Plan:
    """Name the single messaging lead of the operations plan."""
    require(actor, "draft", plan)
    with transaction.atomic(durable=True):
        locked = _lock(plan)
        _editable(locked)
        locked.messaging_lead = agency
        locked.updated_at = timezone.now()
        locked.save(update_fields=["messaging_lead", "updated_at"])
        _contributed(locked, actor)
        record_event(
            actor=actor,
            action="plan.messaging_lead",
            obj=locked,
            summary=getattr(agency, "short_name", "none"),
            marking=_part_marking(locked, "partners"),
        )
    return locked


# --- Red team -------------------------------------------------------------------------------


def reviewer_assign(*, actor: User, plan: Plan, reviewer: User) -> None:
    """The directorate lead assigns a red-team reviewer to the plan (recommendation 4-2)."""
    require(actor, "manage", plan)
    if not actor.is_directorate_lead and actor.pk != plan.lead_id:
        raise NotPermitted(action="assign_reviewer", obj=plan, actor=actor, hidden=False)
    if roles.RED_TEAM not in reviewer.roles:
        raise Invalid(errors={"reviewer": ["Only a red-team reviewer can review a plan."]})
    if reviewer.pk in drafting_team(plan):
        raise Invalid(errors={"reviewer": ["A member of the drafting team cannot red-team it."]})
    with transaction.atomic(durable=True):
        _grant(reviewer, plan, REVIEW_PERMS)
        record_event(
            actor=actor, action="plan.reviewer_assign", obj=plan, summary=reviewer.username
        )
        notify(
            [reviewer],
            "A plan awaits your red-team review",
            f"You are assigned to red-team {plan.title}.",
            link=reverse("plans:plan-detail", args=[plan.pk]),
            marking=plan.marking,
            event_key=f"plan:{plan.pk}:reviewer:{reviewer.pk}",
        )


def finding_add(*, actor: User, plan: Plan, section_key: str, text: str) -> RedTeamFinding:
    """A reviewer records a finding on a section while the plan is in red-team review."""
    require(actor, "review", plan)
    errors = {}
    if section_key not in {s.key for s in section_specs.BY_KIND[plan.kind]}:
        errors["section_key"] = ["Choose a section of this plan."]
    if not (text or "").strip():
        errors["text"] = ["Write the finding."]
    if errors:
        raise Invalid(errors=errors)
    with transaction.atomic(durable=True):
        locked = _lock(plan)
        if locked.status != Plan.Status.RED_TEAM:
            raise InvalidTransition("Findings are recorded while the plan is in red-team review.")
        finding = RedTeamFinding.objects.create(
            plan=locked, section_key=section_key, reviewer=actor, text=text.strip()
        )
        record_event(actor=actor, action="plan.finding", obj=locked, summary=section_key)
    return finding


def finding_respond(*, actor: User, finding: RedTeamFinding, response: str) -> RedTeamFinding:
    """The drafting team answers a finding."""
    require(actor, "respond", finding)
    if not (response or "").strip():
        raise Invalid(errors={"response": ["Write the answer."]})
    with transaction.atomic(durable=True):
        locked = RedTeamFinding.objects.select_for_update().get(pk=finding.pk)
        locked.response = response.strip()
        locked.responded_by, locked.responded_at = actor, timezone.now()
        locked.save(update_fields=["response", "responded_by", "responded_at"])
        _contributed(locked.plan, actor)
        record_event(
            actor=actor, action="plan.finding_respond", obj=locked.plan, summary=locked.section_key
        )
    return locked


def rehearsal_add(
    *, actor: User, plan: Plan, kind: str, held_on: date, participants: str, results: str
) -> Rehearsal:
    """Record a rehearsal or tabletop exercise of the plan."""
    require(actor, "manage", plan)
    errors = {}
    if kind not in Rehearsal.Kind.values:
        errors["kind"] = ["Choose rehearsal or tabletop exercise."]
    if held_on is None:
        errors["held_on"] = ["Give the date."]
    elif held_on > timezone.localdate():
        errors["held_on"] = ["Record a rehearsal once it has taken place."]
    if not (participants or "").strip():
        errors["participants"] = ["Name the participants."]
    if not (results or "").strip():
        errors["results"] = ["Describe the results."]
    if errors:
        raise Invalid(errors=errors)
    with transaction.atomic(durable=True):
        r = Rehearsal.objects.create(
            plan=plan,
            kind=kind,
            held_on=held_on,
            participants=participants.strip(),
            results=results.strip(),
            recorded_by=actor,
        )
        record_event(actor=actor, action="plan.rehearsal", obj=plan, summary=str(held_on))
    return r


# --- Versions and the life cycle ------------------------------------------------------------


def snapshot(plan: Plan) -> dict[str, Any]:
    """The whole plan as data (what a version freezes): sections with their markings, options,
    partners, messaging lead."""
    return {
        "title": plan.title,
        "kind": plan.kind,
        "country": plan.country_id,
        "marking": plan.marking,
        "messaging_lead": getattr(plan.messaging_lead, "short_name", None),
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "status": s.status,
                "marking": s.marking,
                "content": s.content,
            }
            for s in plan.sections.order_by("position")
        ],
        "options": [
            {
                "target_group": o.target_group.name,
                "stage": o.stage.name,
                "measure": o.label,
                "strategy": getattr(o.strategy, "name", ""),
                "stance": o.stance,
                "lead_agency": getattr(o.lead_agency, "short_name", ""),
                **{k: getattr(o, k) for k in OPTION_TEXT if k != "custom_measure"},
            }
            for o in plan.options.select_related(
                "target_group", "stage", "tool", "strategy", "lead_agency"
            )
        ],
        "partners": [
            {"name": p.name, "influence": p.influence, "engaged": p.engaged, "role": p.role}
            for p in plan.partners.all()
        ],
    }


def _freeze(plan: Plan, actor: User) -> PlanVersion:
    data = snapshot(plan)
    number = (plan.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    marking = markings.highest([plan.marking, *(s["marking"] for s in data["sections"])])
    return PlanVersion.objects.create(
        plan=plan, number=number, status=plan.status, snapshot=data, created_by=actor,
        marking=marking,
    )  # fmt: skip


def _check_preconditions(plan: Plan, action: str, briefing: dict[str, Any] | None) -> None:
    if action == "complete_assessments":
        pending = [
            s.title
            for s in plan.sections.all()
            if section_specs.BY_KEY[s.key].assessment and s.status != PlanSection.Status.COMPLETE
        ]
        if pending:
            raise Invalid(
                errors={"sections": [f"Not yet complete: {', '.join(pending)}."]},
            )
    if action == "submit_deputies":
        if not _reviewers(plan):
            raise Invalid(
                errors={"red_team": ["Assign a red-team reviewer: the plan is red-teamed first."]}
            )
        open_findings = plan.findings.filter(response="").count()
        if open_findings:
            raise Invalid(
                errors={"findings": [f"{open_findings} red-team finding(s) await an answer."]}
            )
    if action == "brief_congress":
        b = briefing or {}
        errors = {}
        if not b.get("date"):
            errors["date"] = ["Give the date of the briefing."]
        elif b["date"] > timezone.localdate():
            errors["date"] = ["Record a briefing once it has taken place."]
        if not str(b.get("committees") or "").strip():
            errors["committees"] = ["Name the committees briefed."]
        if not str(b.get("members") or "").strip():
            errors["members"] = ["Name the members briefed."]
        if errors:
            raise Invalid(errors=errors)


def plan_transition(
    *,
    actor: User,
    plan: Plan,
    action: str,
    comment: str = "",
    briefing: dict[str, Any] | None = None,
) -> Plan:
    """Move the plan along its life cycle (plans/workflow.py). The plan row is locked, so two
    people approving at once produce one approval (the second finds the new state and fails).
    Nobody on the drafting team approves their own plan. Submitting freezes a version."""
    with transaction.atomic(durable=True):
        locked = _lock(plan)
        t = workflow_for(locked).transition(locked.status, action)
        require(actor, t.permission, locked)
        if action in APPROVALS and actor.pk in drafting_team(locked):
            raise NotPermitted(action=action, obj=locked, actor=actor, hidden=False)
        if action.startswith("return") and not comment.strip():
            raise Invalid(errors={"comment": ["Say why the plan is returned."]})
        _check_preconditions(locked, action, briefing)
        before = locked.status
        locked.status, locked.updated_at = t.target, timezone.now()
        fields = ["status", "updated_at"]
        if action == "brief_congress":
            locked.congress_briefed_on = briefing["date"]
            locked.congress_committees = briefing["committees"].strip()
            locked.congress_members = briefing["members"].strip()
            fields += ["congress_briefed_on", "congress_committees", "congress_members"]
        locked.save(update_fields=fields)
        version = _freeze(locked, actor) if action in FREEZES else None
        PlanEvent.objects.create(
            plan=locked,
            action=action,
            from_status=before,
            to_status=locked.status,
            actor=actor,
            comment=comment.strip(),
            version=version,
        )
        if action in APPROVALS and locked.task_id:
            # the plan task and its assessment tasks are done once the plan is approved
            PlanTask.objects.filter(
                Q(pk=locked.task_id) | Q(parent_id=locked.task_id), status=PlanTask.Status.OPEN
            ).update(status=PlanTask.Status.DONE)
        record_event(
            actor=actor,
            action=f"plan.{action}",
            obj=locked,
            changes={"status": {"before": before, "after": locked.status}},
            summary=comment.strip()[:300],
        )
        _announce(locked, action, version)
    return locked


def _announce(plan: Plan, action: str, version: PlanVersion | None) -> None:
    """Who hears of a step: the body that must decide, and the drafting team of the outcome."""
    recipients: list[User] = []
    if action == "submit_deputies":
        recipients = users_with_role(roles.DEPUTIES)
    elif action == "refer_principals":
        recipients = users_with_role(roles.PRINCIPALS)
    elif action == "submit_apc":
        recipients = users_with_role(roles.CO_CHAIR)
    elif action in APPROVALS or action.startswith("return"):
        recipients = list(User.objects.filter(pk__in=drafting_team(plan), is_active=True))
    if not recipients:
        return
    status = plan.get_status_display()
    notify(
        recipients,
        f"Plan {status.lower()}",
        f"{plan.title} is now: {status}." + (f" Version {version.number}." if version else ""),
        link=reverse("plans:plan-detail", args=[plan.pk]),
        marking=plan.marking,
        event_key=f"plan:{plan.pk}:{action}:{plan.events.count()}",
    )


def available_actions(user: User, plan: Plan) -> list:
    """The transitions `user` may take on `plan` now (for buttons and the API): the workflow's,
    without the approvals the drafting team may never give (no self-approval)."""
    actions = workflow_for(plan).available(plan, user)
    if any(t.action in APPROVALS for t in actions) and user.pk in drafting_team(plan):
        actions = [t for t in actions if t.action not in APPROVALS]
    return actions


def may_edit(user: User, plan: Plan) -> bool:
    return plan.status in EDITABLE and can(user, "draft", plan)
