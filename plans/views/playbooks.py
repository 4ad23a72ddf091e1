"""Playbooks and the reference catalogue (issue 6, "Pages").

Playbooks are reusable packages of options by strategy and stage, maintained by the
directorate and applied to a plan, then adapted there (seeds/000, recommendation 4-2). The
catalogue is the read-only reference data, each item citing the table it comes from: the Task
Force's Table 1 (tools by type, cooperative or coercive) and Table 2 (target groups and their
illustrative measures in escalation order), the USHMM framework's Table 1 (strategies with
their assumptions, mechanisms and tools) and Annex C (tools with short definitions).

Views are thin: reads through plans.selectors and the policy, writes through plans.services.
Everyone but service accounts reads playbooks; only the directorate (`playbooks.manage`) writes
them; every signed-in user reads the catalogue (`reference.view`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apc.core.exceptions import Invalid
from apc.core.permissions import can, require, visible
from apc.core.views import get_visible_or_404
from plans import reference as ref
from plans import selectors, services
from plans.forms_editor import OptionForm, PlaybookForm
from plans.models import (
    EscalationStage,
    Measure,
    Playbook,
    PlaybookOption,
    Strategy,
    TargetGroup,
    Tool,
)

# --- Playbooks ------------------------------------------------------------------------------


@login_required
@require_GET
def playbook_list(request: HttpRequest) -> HttpResponse:
    """Every playbook, with its strategy, stage and number of options."""
    user = request.user
    require(user, "view", Playbook)
    playbooks = list(selectors.playbooks_for(user).annotate(option_count=Count("options")))
    ctx = {"playbooks": playbooks, "can_manage": can(user, "playbooks.manage")}
    return TemplateResponse(request, "plans/playbook_list.html", ctx)


def _playbook_form(request: HttpRequest, form: PlaybookForm, playbook: Playbook | None):
    """Save the playbook form through the service; None when it was refused (errors on the
    form)."""
    data = form.cleaned_data
    try:
        return services.playbook_save(
            actor=request.user,
            playbook=playbook,
            name=data["name"],
            description=data["description"],
            strategy=data["strategy"],
            stage=data["stage"],
        )
    except Invalid as exc:
        form.add_domain_errors(exc.errors, exc.detail)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def playbook_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "playbooks.manage")
    form = PlaybookForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            playbook = _playbook_form(request, form, None)
            if playbook is not None:
                messages.success(request, f"Playbook “{playbook.name}” created: add its options.")
                return redirect("plans:playbook-detail", playbook.pk)
        status = 400
    return TemplateResponse(request, "plans/playbook_form.html", {"form": form}, status=status)


def _playbooks(user: Any):
    return selectors.playbooks_for(user).select_related("created_by")


def _grouped(options: list[PlaybookOption]) -> list[dict[str, Any]]:
    """The playbook's options by target group, then stage (both in their reference order)."""
    by_group: dict[int, dict[str, Any]] = {}
    for option in options:
        group = by_group.setdefault(
            option.target_group_id, {"group": option.target_group, "stages": defaultdict(list)}
        )
        group["stages"][option.stage].append(option)
    rows = sorted(by_group.values(), key=lambda g: g["group"].position)
    return [
        {
            "group": g["group"],
            "stages": [
                {"stage": stage, "options": opts}
                for stage, opts in sorted(g["stages"].items(), key=lambda kv: kv[0].position)
            ],
        }
        for g in rows
    ]


@login_required
@require_http_methods(["GET", "POST"])
def playbook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A playbook's options by group × stage; for the directorate, the playbook's form and a
    form to add an option (`form`: "playbook" or "option" says which was posted)."""
    user = request.user
    require(user, "view", Playbook)
    playbook = get_visible_or_404(user, _playbooks, Playbook, pk)
    may_manage = can(user, "playbooks.manage")
    tools = list(Tool.objects.order_by("source", "position")) if may_manage else []
    edit_form = option_form = None
    status = 200
    if may_manage:
        edit_form = PlaybookForm(
            initial={
                "name": playbook.name,
                "description": playbook.description,
                "strategy": playbook.strategy.key if playbook.strategy_id else "",
                "stage": playbook.stage.key if playbook.stage_id else "",
            },
            prefix="playbook",
        )
        option_form = OptionForm(tools=tools, prefix="option")
    if request.method == "POST":
        require(user, "playbooks.manage")
        which = request.POST.get("form")
        status = 400
        if which == "playbook":
            edit_form = PlaybookForm(request.POST, prefix="playbook")
            if edit_form.is_valid() and _playbook_form(request, edit_form, playbook):
                messages.success(request, "Playbook saved.")
                return redirect("plans:playbook-detail", playbook.pk)
            messages.error(request, "The playbook was not saved.")
        elif which == "option":
            option_form = OptionForm(request.POST, tools=tools, prefix="option")
            if option_form.is_valid():
                try:
                    option = services.playbook_option_add(
                        actor=user, playbook=playbook, data=option_form.cleaned_data
                    )
                except Invalid as exc:
                    option_form.add_domain_errors(exc.errors, exc.detail)
                else:
                    messages.success(request, f"“{option.label}” added to the playbook.")
                    url = reverse("plans:playbook-detail", args=[playbook.pk])
                    return redirect(f"{url}#options")
            messages.error(request, "The option was not added.")
        else:
            messages.error(request, "Choose what to save.")
    options = list(
        PlaybookOption.objects.filter(playbook=playbook).select_related(
            "target_group", "stage", "tool", "strategy", "lead_agency"
        )
    )
    ctx = {
        "playbook": playbook,
        "groups": _grouped(options),
        "options_count": len(options),
        "may_manage": may_manage,
        "edit_form": edit_form,
        "option_form": option_form,
    }
    return TemplateResponse(request, "plans/playbook_detail.html", ctx, status=status)


@login_required
@require_POST
def playbook_option_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "view", PlaybookOption)
    option = get_visible_or_404(
        user,
        lambda u: visible(u, PlaybookOption.objects.select_related("playbook", "tool")),
        PlaybookOption,
        pk,
    )
    services.playbook_option_remove(actor=user, option=option)
    messages.success(request, f"“{option.label}” removed from the playbook.")
    return redirect("plans:playbook-detail", option.playbook_id)


# --- The reference catalogue ----------------------------------------------------------------


def _task_force_table(tools: list[Tool]) -> list[dict[str, Any]]:
    """Task Force Table 1 as printed: one row per type, cooperative and coercive columns."""
    cells: dict[tuple[str, str], list[Tool]] = defaultdict(list)
    for tool in tools:
        cells[(tool.type, tool.stance)].append(tool)
    return [
        {
            "type": kind,
            "label": ref.TASK_FORCE_TYPE_LABELS[kind],
            "cooperative": cells[(kind, ref.COOPERATIVE)],
            "coercive": cells[(kind, ref.COERCIVE)],
        }
        for kind in ref.TOOL_TYPES
    ]


@login_required
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """The reference data, read-only, each item citing its source table."""
    user = request.user
    require(user, "reference.view")
    tools = list(
        visible(user, Tool.objects.order_by("source", "position")).prefetch_related(
            Prefetch("strategies", queryset=Strategy.objects.order_by("position"))
        )
    )
    task_force = [t for t in tools if t.source == ref.TASK_FORCE_SOURCE]
    ushmm = [t for t in tools if t.source == ref.USHMM_SOURCE]
    ctx = {
        "tools_count": len(tools),
        "task_force_title": ref.TASK_FORCE_TABLE_TITLE,
        "task_force_source": ref.TASK_FORCE_SOURCE,
        "task_force_rows": _task_force_table(task_force),
        "task_force_count": len(task_force),
        "task_force_note": ref.TASK_FORCE_TABLE_NOTE,
        "ushmm_title": ref.USHMM_TABLE_TITLE,
        "ushmm_source": ref.USHMM_SOURCE,
        "ushmm_tools": ushmm,
        "strategies_title": ref.STRATEGIES_TABLE_TITLE,
        "strategies_source": ref.STRATEGIES_SOURCE,
        "groups_title": ref.TARGET_GROUPS_TABLE_TITLE,
        "groups_source": ref.TARGET_GROUPS_SOURCE,
        "strategies": list(visible(user, Strategy.objects.order_by("position"))),
        "groups": list(
            visible(user, TargetGroup.objects.order_by("position")).prefetch_related(
                Prefetch("measures", queryset=Measure.objects.order_by("position"))
            )
        ),
        "stages": list(visible(user, EscalationStage.objects.order_by("position"))),
    }
    return TemplateResponse(request, "plans/catalogue.html", ctx)
