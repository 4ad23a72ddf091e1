"""Writing a report (its text, with the 409 of a stale save) and changing its commission."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from afteraction import services
from afteraction.forms import CommissionEditForm, ReportForm
from afteraction.models import Report
from afteraction.views.common import report_or_404
from afteraction.workflow import EDITABLE, OWED
from apc.core import markings
from apc.core.exceptions import Conflict, Invalid, InvalidTransition
from apc.core.permissions import require

# --- Writing the report ---------------------------------------------------------------------


def not_editable(report: Report) -> str:
    if report.status in EDITABLE:
        return ""
    if report.status == Report.Status.PUBLISHED:
        return "The report is published: it never changes. A correction is a new revision."
    return (
        f"The report is {report.get_status_display().lower()}: it is written only while "
        "commissioned or drafting."
    )


def _conflict_rows(theirs: dict[str, str], yours: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "label": label,
            "theirs": theirs.get(name, ""),
            "yours": yours.get(name, ""),
            "differs": theirs.get(name, "") != yours.get(name, ""),
        }
        for name, label in ReportForm.TEXT
    ]


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author team writes the summary, narrative and findings (`version`: the one the writer
    started from; a save since answers 409 with their text beside yours, nothing lost)."""
    user = request.user
    report = report_or_404(user, pk)
    require(user, "author", report)
    ctx: dict[str, Any] = {"report": report, "not_editable": not_editable(report)}
    template = "afteraction/report_edit.html"
    if request.method == "GET":
        if not ctx["not_editable"]:
            ctx["form"] = ReportForm(
                initial={
                    "summary": report.summary,
                    "narrative": report.narrative,
                    "findings": report.findings,
                    "marking": report.marking,
                    "version": report.version,
                },
                clearance=user.clearance,
            )
        return TemplateResponse(request, template, ctx)
    if ctx["not_editable"]:
        messages.error(request, ctx["not_editable"])
        return TemplateResponse(request, template, ctx, status=409)
    form = ReportForm(request.POST, clearance=user.clearance)
    ctx["form"] = form
    if not form.is_valid():
        return TemplateResponse(request, template, ctx, status=400)
    d = form.cleaned_data
    try:
        services.report_save(
            actor=user,
            report=report,
            summary=d["summary"],
            narrative=d["narrative"],
            findings=d["findings"],
            marking=d["marking"],
            version=d["version"],
        )
    except Invalid as exc:
        form.add_domain_errors(exc.errors, exc.detail)
        return TemplateResponse(request, template, ctx, status=400)
    except InvalidTransition as exc:
        messages.error(request, exc.detail)
        report.refresh_from_db()
        ctx.update(form=None, not_editable=not_editable(report) or exc.detail)
        return TemplateResponse(request, template, ctx, status=exc.status_code)
    except Conflict as exc:
        return _conflict(request, report, exc, d)
    messages.success(request, "The report is saved.")
    return redirect("afteraction:report-detail", report.pk)


def _conflict(
    request: HttpRequest, report: Report, exc: Conflict, data: dict[str, Any]
) -> HttpResponse:
    """Someone saved the report since the writer opened it: their text and the writer's side
    by side, and the form filled with the newer text and version to merge and save again."""
    user = request.user
    latest = Report.objects.get(pk=report.pk)
    yours = exc.details.get("yours", {k: data.get(k, "") for k, _ in ReportForm.TEXT})
    messages.error(request, exc.detail)
    ctx: dict[str, Any] = {"report": latest, "not_editable": ""}
    if not markings.dominates(user.clearance, latest.marking):
        # the newer save marked the report above the writer's clearance: their text only
        ctx.update(
            report=report,
            hidden_conflict=True,
            rows=_conflict_rows({}, yours),
            page_marking=report.marking,
        )
        return TemplateResponse(request, "afteraction/report_edit.html", ctx, status=409)
    theirs = exc.details.get("theirs") or {k: getattr(latest, k) for k, _ in ReportForm.TEXT}
    version = exc.details.get("version", latest.version)
    ctx["form"] = ReportForm(
        initial={
            **theirs,
            "marking": markings.highest([data.get("marking") or latest.marking, latest.marking]),
            "version": version,
        },
        clearance=user.clearance,
    )
    ctx["conflict"] = {
        "detail": exc.detail,
        "when": latest.updated_at,
        "version": version,
        "rows": _conflict_rows(theirs, yours),
    }
    return TemplateResponse(request, "afteraction/report_edit.html", ctx, status=409)


@login_required
@require_http_methods(["GET", "POST"])
def commission_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The directorate changes the commission (title, questions, due date) until publication."""
    user = request.user
    report = report_or_404(user, pk)
    require(user, "manage", report)
    template = "afteraction/commission_edit.html"
    closed = (
        ""
        if report.status in OWED
        else f"The report is {report.get_status_display().lower()}: its commission is closed."
    )
    ctx: dict[str, Any] = {"report": report, "closed": closed}
    if request.method == "GET":
        if not closed:
            ctx["form"] = CommissionEditForm(
                initial={
                    "title": report.title,
                    "scope_questions": report.scope_questions,
                    "due_on": report.due_on,
                }
            )
        return TemplateResponse(request, template, ctx)
    if closed:
        messages.error(request, closed)
        return TemplateResponse(request, template, ctx, status=409)
    form = CommissionEditForm(request.POST)
    ctx["form"] = form
    if form.is_valid():
        try:
            services.commission_update(actor=user, report=report, **form.cleaned_data)
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        except InvalidTransition as exc:
            messages.error(request, exc.detail)
            ctx.update(form=None, closed=exc.detail)
            return TemplateResponse(request, template, ctx, status=exc.status_code)
        else:
            messages.success(request, "The commission is updated.")
            return redirect("afteraction:report-detail", report.pk)
    return TemplateResponse(request, template, ctx, status=400)
