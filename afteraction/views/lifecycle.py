"""A report's life cycle: the steps of the workflow, revisions, and the PDF download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from afteraction import selectors, services
from afteraction.forms import MarkingForm, ReviseForm
from afteraction.views.common import error_text, private, report_or_404
from afteraction.views.reports import refused, transition_form_for
from afteraction.workflow import REPORT
from apc.core import markings
from apc.core.api import CLASSIFICATION_HEADER
from apc.core.audit import record_event
from apc.core.exceptions import Conflict, Invalid, InvalidTransition, NotPermitted
from apc.core.permissions import can, require

# --- The life cycle -------------------------------------------------------------------------


@login_required
@require_POST
def report_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """A step of the report's life cycle (`action`), with a comment (required to return or
    withdraw)."""
    user = request.user
    report = report_or_404(user, pk)
    permissions = {t.action: t.permission for t in REPORT.transitions}
    action = request.POST.get("action", "")
    if action not in permissions:
        # someone who may take no step at all is refused before being told the input is wrong
        if not any(can(user, p, report) for p in set(permissions.values())):
            raise NotPermitted(action="transition", obj=report, actor=user)
        return refused(request, report, "Choose an action.", 400)
    require(user, permissions[action], report)
    form = transition_form_for(action, request.POST)
    if not form.is_valid():
        return refused(request, report, "The step was not taken.", 400, transition_form=form)
    try:
        report = services.report_transition(
            actor=user, report=report, action=action, comment=form.cleaned_data["comment"]
        )
    except Invalid as exc:
        form.add_domain_errors(exc.errors, exc.detail)
        return refused(request, report, error_text(exc), 400, transition_form=form)
    except (InvalidTransition, Conflict) as exc:
        return refused(request, report, exc.detail, exc.status_code)
    messages.success(request, f"The report is now: {report.get_status_display()}.")
    return redirect("afteraction:report-detail", report.pk)


@login_required
@require_POST
def report_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """The directorate starts a correction of a published report: a new revision, drafted by the
    same author team; the published report stays as it is."""
    user = request.user
    report = report_or_404(user, pk)
    require(user, "revise", report)
    form = ReviseForm(request.POST)
    if form.is_valid():
        try:
            revision = services.report_revise(
                actor=user,
                report=report,
                reason=form.cleaned_data["reason"],
                due_on=form.cleaned_data["due_on"],
            )
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        except (InvalidTransition, Conflict) as exc:
            return refused(request, report, exc.detail, exc.status_code)
        else:
            messages.success(
                request,
                f"Revision {revision.revision} is open for drafting; the published report "
                "stays as it is until the revision is published.",
            )
            return redirect("afteraction:report-detail", revision.pk)
    return refused(request, report, "No revision was started.", 400, revise_form=form)


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as PDF, as the user may read it, marked on every page (audited download)."""
    from afteraction.pdf import pdf_for

    user = request.user
    report = report_or_404(user, pk)
    require(user, "export", report)
    pdf = pdf_for(user, report)
    shown = markings.highest([report.marking, getattr(pdf, "marking", None) or report.marking])
    filename = getattr(pdf, "filename", None) or f"afteraction-report-{report.pk}.pdf"
    record_event(
        actor=user,
        action="afteraction.report_export",
        obj=report,
        marking=shown,
        request=request,
        summary=f"PDF of {report} downloaded",
    )
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response[CLASSIFICATION_HEADER] = markings.label(shown)
    return private(response)


@login_required
@require_POST
def report_marking(request: HttpRequest, pk: int) -> HttpResponse:
    """The directorate re-marks the report's text or one of its lessons before publication,
    saying why (authors may only raise a marking)."""
    user = request.user
    report = report_or_404(user, pk)
    require(user, "manage", report)
    lessons = selectors.lessons_of(user, report)
    form = MarkingForm(request.POST, lessons=lessons)
    if form.is_valid():
        target = form.cleaned_data["target"]
        lesson = None if target == "report" else next(x for x in lessons if str(x.pk) == target)
        try:
            services.marking_change(
                actor=user,
                report=report,
                lesson=lesson,
                marking=form.cleaned_data["marking"],
                reason=form.cleaned_data["reason"],
            )
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        except InvalidTransition as exc:
            return refused(request, report, exc.detail, exc.status_code)
        else:
            messages.success(request, "The marking is changed.")
            return redirect("afteraction:report-detail", report.pk)
    return refused(request, report, "The marking was not changed.", 400, marking_form=form)
