"""A plan, or one of its frozen versions, as PDF (issue 6: "PDF export of a plan or a version
with the marking on every page and the section markings inline").

A title page; each section the reader's clearance admits, its marking printed at its heading
(the others are left out, and a note says how many); the options matrix as a table of target
group × escalation stage, then each option's net assessment; the partners and the messaging
lead; the guideline checks (the live plan only: they are computed from it); the history of
transitions. Everything is read through the selectors with the reader, and a version through
selectors.version_view, so the PDF holds nothing above their clearance. The highest marking it
holds is printed at the top and bottom of every page (CSS page-margin boxes, as the meeting
packet: apc/meetings/packet.py) and on the title page.

The views serving it (plans:plan-pdf, plans:version-pdf) call `render_plan_pdf`: its result is
the PDF's bytes, carrying `.marking` (the highest marking shown: the banner and the audit
marking of the download) and `.filename`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from apc.core import markings
from apc.meetings.packet import _stylesheet, page_css
from plans import selectors
from plans.guidelines import checks_for, summary
from plans.models import (
    EscalationStage,
    Option,
    Partner,
    Plan,
    PlanSection,
    PlanVersion,
    TargetGroup,
    Tool,
)
from plans.sections import BY_KEY

TEMPLATE = "plans/plan_pdf.html"
OPTION_DETAILS = (
    ("strategy", "Strategy"),
    ("mechanism", "Mechanism"),
    ("lead_agency", "Lead agency"),
    ("expected_effect", "Expected effect"),
    ("costs", "Costs"),
    ("risks", "Risks and unintended consequences"),
    ("counter_moves", "Counter-moves expected"),
    ("adaptation", "How the option adapts"),
    ("partners", "Partners it needs"),
    ("enforcer", "Who would carry out the threat"),
)


class PlanPDF(bytes):
    """The PDF's bytes (usable wherever bytes are), with the highest marking shown (printed on
    every page; the banner and audit marking of the download) and a file name."""

    marking: str
    filename: str

    def __new__(cls, pdf: bytes, *, marking: str, filename: str) -> PlanPDF:
        obj = super().__new__(cls, pdf)
        obj.marking, obj.filename = marking, filename
        return obj

    @property
    def pdf(self) -> bytes:
        return bytes(self)


def _fields(key: str, content: dict[str, Any]) -> list[tuple[str, str]]:
    """A section's fields as (label, text), in the order of plans/sections.py; fields the spec
    no longer knows come last under their own name."""
    spec = BY_KEY.get(key)
    known = list(spec.fields) if spec else []
    names = {name for name, _ in known}
    rows = [(label, str(content.get(name) or "")) for name, label in known]
    rows += [(name, str(value or "")) for name, value in content.items() if name not in names]
    return rows


def _matrix(options: list[dict[str, Any]], groups: list[str], stages: list[str]) -> dict:
    """Options by target group (rows) × stage (columns), names as given; a name the reference
    data no longer holds (a stage renamed since a version was frozen) gets its own row or
    column at the end."""
    for o in options:
        if o["target_group"] not in groups:
            groups.append(o["target_group"])
        if o["stage"] not in stages:
            stages.append(o["stage"])
    cells = {(g, s): [] for g in groups for s in stages}
    for o in options:
        cells[(o["target_group"], o["stage"])].append(o)
    return {
        "stages": stages,
        "rows": [{"group": g, "cells": [cells[(g, s)] for s in stages]} for g in groups],
    }


def _option_row(o: Option) -> dict[str, Any]:
    return {
        "target_group": o.target_group.name,
        "stage": o.stage.name,
        "measure": o.label,
        "catalogue": o.tool_id is not None,
        "stance": o.stance,
        "strategy": getattr(o.strategy, "name", ""),
        "lead_agency": getattr(o.lead_agency, "short_name", ""),
        **{k: getattr(o, k) for k, _ in OPTION_DETAILS if k not in ("strategy", "lead_agency")},
    }


def _details(o: dict[str, Any]) -> list[tuple[str, str]]:
    return [(label, o.get(key) or "") for key, label in OPTION_DETAILS if o.get(key)]


def _history(user: Any, plan: Plan, version: PlanVersion | None) -> list[dict[str, Any]]:
    events = list(selectors.events_for(user, plan).order_by("at", "id"))
    if version is not None:
        # a version's history ends with the transition that froze it
        ends = [i for i, e in enumerate(events) if e.version_id == version.pk]
        events = (
            events[: ends[0] + 1] if ends else [e for e in events if e.at <= version.created_at]
        )
    labels = dict(Plan.Status.choices)
    return [
        {
            "at": timezone.localtime(e.at),
            "from": labels.get(e.from_status, e.from_status),
            "to": labels.get(e.to_status, e.to_status),
            "actor": e.actor.get_full_name() or e.actor.username,
            "comment": e.comment,
            "version": e.version.number if e.version_id else None,
        }
        for e in events
    ]


def _live(user: Any, plan: Plan) -> dict[str, Any]:
    sections = selectors.sections_for(user, plan)
    shown = {s.key for s in sections}
    operations = "operations_plan" if plan.kind == Plan.Kind.RESPONSE else "prevention_plan"
    lead = plan.messaging_lead if operations in shown and plan.messaging_lead_id else None
    checks = checks_for(user, plan)
    return {
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "marking": s.marking,
                "status": s.get_status_display(),
                "assignee": (s.assignee.get_full_name() or s.assignee.username)
                if s.assignee
                else "",
                "agency": getattr(s.assigned_agency, "short_name", ""),
                "fields": _fields(s.key, s.content),
            }
            for s in sections
        ],
        "hidden": selectors.hidden_sections(user, plan),
        "options": [_option_row(o) for o in selectors.options_for(user, plan)],
        "partners": [
            {
                "name": p.name,
                "influence": p.get_influence_display(),
                "engaged": p.engaged,
                "role": p.role,
            }
            for p in selectors.partners_for(user, plan)
        ],
        "messaging_lead": getattr(lead, "name", None),
        "checks": checks,
        "checks_summary": summary(checks),
        "marking": markings.highest([plan.marking, *(s.marking for s in sections)]),
    }


def _frozen(user: Any, version: PlanVersion) -> dict[str, Any]:
    view = selectors.version_view(user, version)
    statuses = dict(PlanSection.Status.choices)
    influence = dict(Partner.Influence.choices)
    return {
        "sections": [
            {
                "key": s["key"],
                "title": s["title"],
                "marking": s["marking"],
                "status": statuses.get(s["status"], s["status"]),
                "assignee": "",
                "agency": "",
                "fields": _fields(s["key"], s.get("content") or {}),
            }
            for s in view["sections"]
        ],
        "hidden": view["hidden_sections"],
        "options": [{**o, "catalogue": None} for o in view.get("options", [])],
        "partners": [
            {**p, "influence": influence.get(p["influence"], p["influence"])}
            for p in view.get("partners", [])
        ],
        "messaging_lead": view.get("messaging_lead"),
        "checks": None,
        "checks_summary": None,
        "marking": markings.highest(
            [view.get("marking") or version.plan.marking, *(s["marking"] for s in view["sections"])]
        ),
        "title": view.get("title") or version.plan.title,
    }


def plan_pdf_context(
    user: Any, plan: Plan, version: PlanVersion | None = None, *, now: datetime | None = None
) -> dict[str, Any]:
    """What the PDF shows to `user` (the caller has established that they see the plan, and
    the version), and its highest marking (`marking`)."""
    parts = _live(user, plan) if version is None else _frozen(user, version)
    level = markings.highest([parts["marking"], plan.country.marking])
    groups = list(TargetGroup.objects.order_by("position").values_list("name", flat=True))
    stages = list(EscalationStage.objects.order_by("position").values_list("name", flat=True))
    options = parts["options"]
    for o in options:
        o["details"] = _details(o)
    return {
        **parts,
        "plan": plan,
        "title": parts.get("title") or plan.title,
        "version": version,
        "matrix": _matrix(options, groups, stages),
        "stances": dict(Tool.Stance.choices),
        "history": _history(user, plan, version),
        "version_status": Plan.Status(version.status).label if version is not None else "",
        "reader": user,
        "generated_at": timezone.localtime(now or timezone.now()),
        "marking": level,
        "marking_label": markings.label(level),
    }


def render_plan_pdf(
    user: Any, plan: Plan, version: PlanVersion | None = None, *, now: datetime | None = None
) -> PlanPDF:
    """The plan (or `version` of it) as `user` may read it, as PDF bytes, with the highest
    marking shown and a file name."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    context = plan_pdf_context(user, plan, version, now=now)
    html = render_to_string(TEMPLATE, context)
    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"}))
    pdf = document.write_pdf(
        stylesheets=[CSS(string=_stylesheet()), CSS(string=page_css(context["marking"]))]
    )
    suffix = f"-v{version.number}" if version is not None else ""
    name = f"apc-plan-{plan.pk}-{plan.country_id.lower()}{suffix}.pdf"
    return PlanPDF(pdf=pdf, marking=context["marking"], filename=name)
