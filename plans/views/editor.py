"""The plan editor (issue 6, "Pages"): one page per section, the options matrix of target group
× escalation stage, an option's form, applying a playbook, the operations plan's partners and
its single messaging lead.

Source: seeds/000, "Decision Support and Planning" (recommendation 4-2: the three assessments,
the four target groups, playbooks, the operations plan); "Policy and Strategy Design" (4-4,
4-5); seeds/003 (strategies, the three considerations: strategic interaction, collective
action, net assessment).

Views are thin: reads through plans.selectors (a plan the user may not see answers 404; so does
a section above their clearance, which stays hidden while the rest of the plan is shown),
writes through plans.services (policy, validation, the plan's state, audit). A policy refusal
goes to DomainErrorMiddleware (403, or 404 when hidden); a service's `Invalid` becomes form
errors on the page (400, nothing changed); a step the plan's state no longer allows answers 409
with the page and a message; a stale section save answers 409 with both texts side by side and
the form filled with the newer text, so nothing is lost. Reads of a section (its page, the
matrix) are audited with the section's marking.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from apc.core import markings, roles
from apc.core.audit import record_event
from apc.core.exceptions import Conflict, Invalid, InvalidTransition, NotPermitted
from apc.core.permissions import can, require, visible
from apc.core.views import get_visible_or_404
from apc.models import User
from plans import sections as section_specs
from plans import selectors, services
from plans.forms_editor import (
    MessagingLeadForm,
    OptionForm,
    PartnerForm,
    PlaybookApplyForm,
    SectionAssignForm,
    SectionForm,
    person,
)
from plans.models import (
    EscalationStage,
    Option,
    Partner,
    Plan,
    PlanSection,
    TargetGroup,
    Tool,
)
from plans.workflow import EDITABLE

NOT_DRAFT = "The plan is {status}: it is edited only as a draft."


# --- Helpers --------------------------------------------------------------------------------


def _plans(user: Any):
    return visible(user, Plan.objects.select_related("country", "messaging_lead"))


def _plan_or_404(user: Any, pk: int) -> Plan:
    return get_visible_or_404(user, _plans, Plan, pk)


def options_key(plan: Plan) -> str:
    """The section a plan's options matrix belongs to."""
    return "policy_options" if plan.kind == Plan.Kind.RESPONSE else "prevention_plan"


def partners_key(plan: Plan) -> str:
    """The section a plan's partners and messaging lead belong to."""
    return "operations_plan" if plan.kind == Plan.Kind.RESPONSE else "prevention_plan"


def _section_or_404(user: Any, plan: Plan, key: str) -> PlanSection:
    """The plan's section `key` if the user's clearance admits it. A section above it answers
    404 (audited), as if it did not exist; the rest of the plan stays visible."""
    if key not in {spec.key for spec in section_specs.BY_KIND[plan.kind]}:
        raise Http404
    section = next((s for s in selectors.sections_for(user, plan) if s.key == key), None)
    if section is None:
        hidden = plan.sections.filter(key=key).first()
        if hidden is None:
            raise Http404
        raise NotPermitted(action="view", obj=hidden, actor=user, hidden=True)
    section.plan = plan  # the same object: no query for the policy's marked_via
    return section


def _not_draft(plan: Plan) -> str | None:
    """Why the plan's content cannot be changed now (None: it is a draft)."""
    if plan.status in EDITABLE:
        return None
    return NOT_DRAFT.format(status=plan.get_status_display().lower())


def _error_text(exc: Invalid) -> str:
    parts = [m for msgs in exc.errors.values() for m in msgs]
    return " ".join(parts) or exc.detail


def _audit_view(request: HttpRequest, section: PlanSection) -> None:
    record_event(
        actor=request.user,
        action="plan.section_view",
        obj=section,
        marking=section.marking,
        request=request,
        summary=section.key,
    )


def _tools() -> list[Tool]:
    return list(Tool.objects.order_by("source", "position"))


# --- Section pages --------------------------------------------------------------------------


def _assignable(section: PlanSection) -> list[User]:
    """Active people of the agency the section is assigned to (service accounts excluded)."""
    if section.assigned_agency_id is None:
        return []
    return list(
        User.objects.filter(agency_id=section.assigned_agency_id, is_active=True)
        .exclude(groups__name=roles.API_CLIENT)
        .order_by("last_name", "first_name", "username")
    )


def _conflict_rows(
    section: PlanSection, theirs: dict[str, str], yours: dict[str, str]
) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "label": label,
            "theirs": theirs.get(name, ""),
            "yours": yours.get(name, ""),
            "differs": (theirs.get(name, "") or "") != (yours.get(name, "") or ""),
        }
        for name, label in section_specs.BY_KEY[section.key].fields
    ]


def _section_page(
    request: HttpRequest,
    plan: Plan,
    section: PlanSection,
    *,
    status: int = 200,
    form: SectionForm | None = None,
    conflict: dict[str, Any] | None = None,
    assign_form: SectionAssignForm | None = None,
    partner_form: PartnerForm | None = None,
    lead_form: MessagingLeadForm | None = None,
) -> HttpResponse:
    """A section's page (an audited read): its form for who may write it while the plan is a
    draft, its text read-only for everyone else; its red-team findings; for the operations plan
    its partners and messaging lead; for the policy options a link to the matrix."""
    user = request.user
    spec = section_specs.BY_KEY[section.key]
    may_write = plan.status in EDITABLE and can(user, "edit", section)
    if may_write and form is None:
        form = SectionForm(
            initial=SectionForm.initial_for(section), key=section.key, clearance=user.clearance
        )
    elif not may_write:
        form = None
    may_manage = can(user, "manage", plan)
    if may_manage and assign_form is None:
        assign_form = SectionAssignForm(
            initial={"assignee": section.assignee_id}, users=_assignable(section)
        )
    elif not may_manage:
        assign_form = None
    findings = [f for f in selectors.findings_for(user, plan) if f.section_key == section.key]
    has_partners = section.key == partners_key(plan)
    may_draft = services.may_edit(user, plan)
    partners: list[Partner] = []
    if has_partners:
        partners = selectors.partners_for(user, plan)
        if may_draft:
            partner_form = partner_form or PartnerForm()
            lead_form = lead_form or MessagingLeadForm(
                initial={"messaging_lead": plan.messaging_lead_id}
            )
    if not (has_partners and may_draft):
        partner_form = lead_form = None
    ctx = {
        "plan": plan,
        "section": section,
        "spec": spec,
        "fields": [
            {"name": name, "label": label, "text": section.content.get(name, "")}
            for name, label in spec.fields
        ],
        "form": form,
        "conflict": conflict,
        "not_draft": _not_draft(plan),
        "assign_form": assign_form,
        "findings": findings,
        "has_partners": has_partners,
        "partners": partners,
        "partner_form": partner_form,
        "lead_form": lead_form,
        "has_matrix": section.key == options_key(plan),
        "page_marking": markings.highest([plan.marking, section.marking]),
    }
    _audit_view(request, section)
    return TemplateResponse(request, "plans/section_edit.html", ctx, status=status)


def _refused_section(
    request: HttpRequest, plan: Plan, section: PlanSection, detail: str, status: int, **forms: Any
) -> HttpResponse:
    messages.error(request, detail)
    return _section_page(request, plan, section, status=status, **forms)


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """A section's page; POST saves it (`version`: the one the writer started from)."""
    user = request.user
    plan = _plan_or_404(user, pk)
    section = _section_or_404(user, plan, key)
    if request.method == "GET":
        return _section_page(request, plan, section)
    require(user, "edit", section)
    why = _not_draft(plan)
    if why:
        return _refused_section(request, plan, section, why, 409)
    form = SectionForm(request.POST, key=key, clearance=user.clearance)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.section_save(
                actor=user,
                section=section,
                content=form.content(),
                status=data["status"],
                marking=data["marking"],
                version=data["version"],
            )
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        except InvalidTransition as exc:
            plan.refresh_from_db()
            return _refused_section(request, plan, section, exc.detail, exc.status_code)
        except Conflict as exc:
            return _conflict(request, plan, section, exc, data)
        else:
            messages.success(request, f"{section.title} saved.")
            return redirect("plans:section-edit", plan.pk, key)
    return _refused_section(request, plan, section, "The section was not saved.", 400, form=form)


def _conflict(
    request: HttpRequest, plan: Plan, section: PlanSection, exc: Conflict, data: dict[str, Any]
) -> HttpResponse:
    """Someone saved the section since the writer opened it: show their text ("Saved by ...")
    and the writer's side by side, field by field, and fill the form with the newer text and
    version so the writer can merge and save again. Nothing is lost."""
    user = request.user
    latest = PlanSection.objects.select_related("assignee", "assigned_agency", "updated_by").get(
        pk=section.pk
    )
    latest.plan = plan
    yours = exc.details.get("yours", {})
    if not markings.dominates(user.clearance, latest.marking):
        # the newer save raised the marking above the writer's clearance: their text only
        messages.error(
            request,
            "This section was saved by someone else since you opened it, and is now marked "
            "above your clearance. Your text is below: keep a copy.",
        )
        ctx = {
            "plan": plan,
            "rows": [
                {"label": label, "yours": yours.get(name, "")}
                for name, label in section_specs.BY_KEY[section.key].fields
            ],
            "title": section.title,
            "page_marking": plan.marking,
        }
        return TemplateResponse(request, "plans/_editor_conflict_hidden.html", ctx, status=409)
    theirs = exc.details.get("theirs", latest.content)
    initial = SectionForm.initial_for(latest, theirs)
    initial.update(
        version=exc.details.get("version", latest.version),
        status=data["status"],
        marking=markings.highest([data["marking"], latest.marking]),
    )
    form = SectionForm(initial=initial, key=section.key, clearance=user.clearance)
    conflict = {
        "detail": exc.detail,
        "who": person(latest.updated_by) or "someone else",
        "when": latest.updated_at,
        "version": initial["version"],
        "rows": _conflict_rows(latest, theirs, yours),
    }
    messages.error(request, exc.detail)
    return _section_page(request, plan, latest, status=409, form=form, conflict=conflict)


@login_required
@require_POST
def section_assign(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """The directorate gives a section its assignee (someone of the section's agency)."""
    user = request.user
    plan = _plan_or_404(user, pk)
    section = _section_or_404(user, plan, key)
    require(user, "manage", plan)
    form = SectionAssignForm(request.POST, users=_assignable(section))
    if form.is_valid():
        assignee = form.cleaned_data["assignee"]
        try:
            services.section_assign(actor=user, section=section, assignee=assignee)
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        else:
            who = person(assignee) if assignee else "nobody"
            messages.success(request, f"{section.title} is assigned to {who}.")
            return redirect("plans:section-edit", plan.pk, key)
    return _refused_section(
        request, plan, section, "The assignee was not changed.", 400, assign_form=form
    )


# --- The options matrix ---------------------------------------------------------------------


def _options_section(user: Any, plan: Plan) -> PlanSection | None:
    key = options_key(plan)
    section = next((s for s in selectors.sections_for(user, plan) if s.key == key), None)
    if section is not None:
        section.plan = plan
    return section


def _options_section_or_404(user: Any, plan: Plan) -> PlanSection:
    return _section_or_404(user, plan, options_key(plan))


def _grid(options: list[Option], plan: Plan) -> dict[str, Any]:
    """Target groups (rows, with their purpose and Table 2's measures) × stages (columns)."""
    groups = list(TargetGroup.objects.prefetch_related("measures").order_by("position"))
    stages = list(EscalationStage.objects.order_by("position"))
    cells: dict[tuple[int, int], list[Option]] = defaultdict(list)
    for option in options:
        cells[(option.target_group_id, option.stage_id)].append(option)
    add = reverse("plans:option-add", args=[plan.pk])
    rows = [
        {
            "group": g,
            "measures": list(g.measures.all()),
            "cells": [
                {
                    "stage": s,
                    "options": cells[(g.pk, s.pk)],
                    "add_url": f"{add}?target_group={g.key}&stage={s.key}",
                }
                for s in stages
            ],
        }
        for g in groups
    ]
    return {"stages": stages, "rows": rows}


def _matrix(
    request: HttpRequest,
    plan: Plan,
    *,
    status: int = 200,
    apply_form: PlaybookApplyForm | None = None,
) -> HttpResponse:
    """The options matrix (an audited read of the policy options section), or a note that
    the section is above the user's clearance."""
    user = request.user
    section = _options_section(user, plan)
    ctx: dict[str, Any] = {"plan": plan, "section": section, "not_draft": _not_draft(plan)}
    if section is None:
        ctx["page_marking"] = plan.marking
        return TemplateResponse(request, "plans/options_matrix.html", ctx, status=status)
    options = selectors.options_for(user, plan)
    may_draft = services.may_edit(user, plan)
    playbooks = list(selectors.playbooks_for(user)) if may_draft else []
    if may_draft and apply_form is None:
        apply_form = PlaybookApplyForm(playbooks=playbooks)
    elif not may_draft:
        apply_form = None
    ctx.update(
        _grid(options, plan),
        options_count=len(options),
        may_draft=may_draft,
        apply_form=apply_form,
        has_playbooks=bool(playbooks),
        page_marking=markings.highest([plan.marking, section.marking]),
    )
    _audit_view(request, section)
    return TemplateResponse(request, "plans/options_matrix.html", ctx, status=status)


def _refused_matrix(
    request: HttpRequest, plan: Plan, detail: str, status: int, **forms: Any
) -> HttpResponse:
    messages.error(request, detail)
    return _matrix(request, plan, status=status, **forms)


@login_required
@require_http_methods(["GET"])
def options_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    return _matrix(request, _plan_or_404(request.user, pk))


def _option_page(
    request: HttpRequest,
    plan: Plan,
    section: PlanSection,
    *,
    form: OptionForm | None,
    option: Option | None = None,
    status: int = 200,
) -> HttpResponse:
    ctx = {
        "plan": plan,
        "section": section,
        "form": form,
        "option": option,
        "not_draft": _not_draft(plan),
        "page_marking": markings.highest([plan.marking, section.marking]),
    }
    if option is not None:
        _audit_view(request, section)  # an option is part of the policy options section
    return TemplateResponse(request, "plans/option_form.html", ctx, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def option_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an option to a cell of the matrix (`?target_group=<key>&stage=<key>` preselects it)."""
    user = request.user
    plan = _plan_or_404(user, pk)
    section = _options_section_or_404(user, plan)
    require(user, "draft", plan)
    why = _not_draft(plan)
    if why:
        return _refused_matrix(request, plan, why, 409)
    if request.method == "GET":
        initial = {k: request.GET[k] for k in ("target_group", "stage") if request.GET.get(k)}
        form = OptionForm(initial=initial, tools=_tools())
        return _option_page(request, plan, section, form=form)
    form = OptionForm(request.POST, tools=_tools())
    if form.is_valid():
        try:
            option = services.option_add(actor=user, plan=plan, data=form.cleaned_data)
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        except InvalidTransition as exc:
            plan.refresh_from_db()
            return _refused_matrix(request, plan, exc.detail, exc.status_code)
        else:
            messages.success(
                request,
                f"“{option.label}” added for {option.target_group} ({option.stage}).",
            )
            return redirect(f"{reverse('plans:plan-options', args=[plan.pk])}#matrix")
    return _option_page(request, plan, section, form=form, status=400)


def _options(user: Any):
    return visible(
        user,
        Option.objects.select_related(
            "plan__country", "plan__messaging_lead", "target_group", "stage", "tool",
            "strategy", "lead_agency", "from_playbook",
        ),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def option_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An option: its form for the drafting team while the plan is a draft, read-only for
    everyone else who may see the matrix."""
    user = request.user
    option = get_visible_or_404(user, _options, Option, pk)
    plan = option.plan
    section = _options_section_or_404(user, plan)
    may_draft = services.may_edit(user, plan)
    if request.method == "GET":
        form = None
        if may_draft:
            form = OptionForm(initial=OptionForm.initial_for(option), tools=_tools())
        return _option_page(request, plan, section, form=form, option=option)
    require(user, "draft", plan)
    why = _not_draft(plan)
    if why:
        return _refused_matrix(request, plan, why, 409)
    form = OptionForm(request.POST, tools=_tools())
    if form.is_valid():
        try:
            services.option_update(actor=user, option=option, data=form.cleaned_data)
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        except InvalidTransition as exc:
            plan.refresh_from_db()
            return _refused_matrix(request, plan, exc.detail, exc.status_code)
        else:
            messages.success(request, f"“{option.label}” saved.")
            return redirect(f"{reverse('plans:plan-options', args=[plan.pk])}#matrix")
    option.refresh_from_db()
    return _option_page(request, plan, section, form=form, option=option, status=400)


@login_required
@require_POST
def option_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    option = get_visible_or_404(user, _options, Option, pk)
    plan = option.plan
    _options_section_or_404(user, plan)
    try:
        services.option_remove(actor=user, option=option)
    except InvalidTransition as exc:
        return _refused_matrix(request, plan, exc.detail, exc.status_code)
    messages.success(request, f"“{option.label}” removed from the matrix.")
    return redirect(f"{reverse('plans:plan-options', args=[plan.pk])}#matrix")


@login_required
@require_POST
def playbook_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy a playbook's options into the matrix, to be adapted there."""
    user = request.user
    plan = _plan_or_404(user, pk)
    _options_section_or_404(user, plan)
    require(user, "draft", plan)
    why = _not_draft(plan)
    if why:
        return _refused_matrix(request, plan, why, 409)
    form = PlaybookApplyForm(request.POST, playbooks=selectors.playbooks_for(user))
    if form.is_valid():
        playbook = form.cleaned_data["playbook"]
        try:
            made = services.playbook_apply(actor=user, plan=plan, playbook=playbook)
        except InvalidTransition as exc:
            plan.refresh_from_db()
            return _refused_matrix(request, plan, exc.detail, exc.status_code)
        messages.success(
            request,
            f"{len(made)} option(s) added from the playbook “{playbook.name}”: adapt them here.",
        )
        return redirect(f"{reverse('plans:plan-options', args=[plan.pk])}#matrix")
    return _refused_matrix(request, plan, "No playbook was applied.", 400, apply_form=form)


# --- Partners and the messaging lead --------------------------------------------------------


def _partners_anchor(plan: Plan) -> str:
    return f"{reverse('plans:section-edit', args=[plan.pk, partners_key(plan)])}#partners"


@login_required
@require_POST
def partner_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an international partner (flagging its influence over the perpetrators)."""
    user = request.user
    plan = _plan_or_404(user, pk)
    section = _section_or_404(user, plan, partners_key(plan))
    require(user, "draft", plan)
    why = _not_draft(plan)
    if why:
        return _refused_section(request, plan, section, why, 409)
    form = PartnerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            partner = services.partner_save(
                actor=user,
                plan=plan,
                name=data["name"],
                influence=data["influence"],
                engaged=data["engaged"],
                role=data["role"],
            )
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        except InvalidTransition as exc:
            plan.refresh_from_db()
            return _refused_section(request, plan, section, exc.detail, exc.status_code)
        else:
            messages.success(request, f"{partner.name} added to the partners.")
            return redirect(_partners_anchor(plan))
    return _refused_section(
        request, plan, section, "The partner was not added.", 400, partner_form=form
    )


@login_required
@require_POST
def partner_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    partner = get_visible_or_404(
        user,
        lambda u: visible(u, Partner.objects.select_related("plan__country")),
        Partner,
        pk,
    )
    plan = partner.plan
    section = _section_or_404(user, plan, partners_key(plan))
    try:
        services.partner_remove(actor=user, partner=partner)
    except InvalidTransition as exc:
        return _refused_section(request, plan, section, exc.detail, exc.status_code)
    messages.success(request, f"{partner.name} removed from the partners.")
    return redirect(_partners_anchor(plan))


@login_required
@require_POST
def messaging_lead(request: HttpRequest, pk: int) -> HttpResponse:
    """Name the single messaging lead of the operations plan (or nobody yet)."""
    user = request.user
    plan = _plan_or_404(user, pk)
    section = _section_or_404(user, plan, partners_key(plan))
    require(user, "draft", plan)
    why = _not_draft(plan)
    if why:
        return _refused_section(request, plan, section, why, 409)
    form = MessagingLeadForm(request.POST)
    if form.is_valid():
        agency = form.cleaned_data["messaging_lead"]
        try:
            services.messaging_lead_set(actor=user, plan=plan, agency=agency)
        except InvalidTransition as exc:
            plan.refresh_from_db()
            return _refused_section(request, plan, section, exc.detail, exc.status_code)
        messages.success(
            request,
            f"{agency.name} is the messaging lead." if agency else "No messaging lead is named.",
        )
        return redirect(_partners_anchor(plan))
    return _refused_section(
        request, plan, section, "The messaging lead was not changed.", 400, lead_form=form
    )
