"""Lessons (add, edit, remove, the lesson's page) and the narrative links of a report."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from afteraction import services
from afteraction.forms import LessonForm, LinkForm
from afteraction.models import Lesson, LessonConsideration, NarrativeLink, Report
from afteraction.views.common import (
    LINK_CANDIDATES,
    detail_url,
    error_text,
    lesson_or_404,
    report_or_404,
    visible_countries,
)
from afteraction.views.reports import refused
from afteraction.views.writing import not_editable
from apc.core import markings
from apc.core.audit import record_event
from apc.core.exceptions import Conflict, Invalid, InvalidTransition
from apc.core.permissions import can, require, visible
from apc.core.views import get_visible_or_404
from apc.meetings.dates import committee_today
from apc.models import Agency
from plans.models import EscalationStage, Plan, Strategy, TargetGroup, Tool

# --- Lessons --------------------------------------------------------------------------------


def _lesson_form(user: Any, data: Any = None, initial: dict | None = None) -> LessonForm:
    return LessonForm(
        data,
        initial=initial,
        clearance=user.clearance,
        countries=visible_countries(user),
        tools=Tool.objects.order_by("source", "position"),
        strategies=Strategy.objects.order_by("position"),
        target_groups=TargetGroup.objects.order_by("position"),
        stages=EscalationStage.objects.order_by("position"),
        agencies=Agency.objects.order_by("name"),
    )


def _lesson_page(
    request: HttpRequest,
    report: Report,
    form: LessonForm | None,
    *,
    lesson: Lesson | None = None,
    status: int = 200,
    not_editable: str = "",
) -> HttpResponse:
    ctx = {
        "report": report,
        "lesson": lesson,
        "form": form,
        "not_editable": not_editable,
        "page_marking": markings.highest(
            [report.marking, lesson.marking if lesson else markings.LOWEST]
        ),
    }
    return TemplateResponse(request, "afteraction/lesson_form.html", ctx, status=status)


def _save_lesson(request: HttpRequest, report: Report, lesson: Lesson | None) -> HttpResponse:
    """GET: the form; POST: add or update the lesson through the service."""
    user = request.user
    why = not_editable(report)
    if request.method == "GET":
        initial = None
        if lesson is not None:
            initial = LessonForm.initial_for(lesson)
        elif not why:
            initial = {"countries": [report.country_id] if report.country_id else []}
        form = None if why else _lesson_form(user, initial=initial)
        return _lesson_page(request, report, form, lesson=lesson, not_editable=why)
    if why:
        messages.error(request, why)
        return _lesson_page(request, report, None, lesson=lesson, status=409, not_editable=why)
    form = _lesson_form(user, request.POST)
    if form.is_valid():
        try:
            if lesson is None:
                services.lesson_add(actor=user, report=report, data=form.data_for_service())
            else:
                services.lesson_update(actor=user, lesson=lesson, data=form.data_for_service())
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        except InvalidTransition as exc:
            messages.error(request, exc.detail)
            return _lesson_page(
                request, report, None, lesson=lesson, status=409, not_editable=exc.detail
            )
        else:
            messages.success(request, "The lesson is saved.")
            return redirect(detail_url(report, "lessons"))
    return _lesson_page(request, report, form, lesson=lesson, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_add(request: HttpRequest, pk: int) -> HttpResponse:
    """An author adds a lesson: statement, recommendation, evidence, outcome, marking, tags."""
    user = request.user
    report = report_or_404(user, pk)
    require(user, "author", report)
    return _save_lesson(request, report, None)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    lesson = lesson_or_404(user, pk, tags=True)
    require(user, "author", lesson.report)
    return _save_lesson(request, lesson.report, lesson)


@login_required
@require_POST
def lesson_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    lesson = lesson_or_404(user, pk)
    report = lesson.report
    require(user, "author", report)
    try:
        services.lesson_remove(actor=user, lesson=lesson)
    except (InvalidTransition, Conflict) as exc:
        return refused(request, report, exc.detail, exc.status_code)
    messages.success(request, "The lesson is removed.")
    return redirect(detail_url(report, "lessons"))


@login_required
@require_GET
def lesson_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One lesson with its tags, its report and the plans that considered it (audited read)."""
    user = request.user
    lesson = lesson_or_404(user, pk, tags=True)
    report = lesson.report
    previous = None
    if lesson.previous_id and can(user, "view", lesson.previous):
        previous = lesson.previous
    considered = list(
        visible(user, LessonConsideration.objects.filter(lesson=lesson)).select_related(
            "plan", "plan__country", "considered_by"
        )
    )
    shown = markings.highest(
        [lesson.marking, report.marking, *(c.plan.marking for c in considered)]
        + [c.plan.country.marking for c in considered]
    )
    record_event(
        actor=user, action="afteraction.lesson_view", obj=lesson, marking=shown, request=request
    )
    ctx = {
        "lesson": lesson,
        "report": report,
        "previous": previous,
        "considered": considered,
        "can_write": services.may_write(user, report),
        "page_marking": shown,
    }
    return TemplateResponse(request, "afteraction/lesson_detail.html", ctx)


# --- Narrative links ------------------------------------------------------------------------


def link_candidates(user: Any, report: Report, limit: int = LINK_CANDIDATES) -> dict[str, list]:
    """The records the narrative may cite, by kind: those of the report's country and period
    that the user may see (plans through plans.selectors, meetings through the meetings'
    selectors, tier changes and warnings through the watchlist's), most recent first, leaving
    out the records already cited."""
    from apc.meetings.selectors import meetings_for
    from plans.selectors import plans_for
    from watchlist.models import TierChange
    from watchlist.selectors import warnings_for

    tz = timezone.get_current_timezone()
    start = report.period_start
    end = report.period_end or (committee_today() if start else None)
    since = datetime.combine(start, time.min, tzinfo=tz) if start else None
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz) if end else None
    cited: dict[str, set[int]] = defaultdict(set)
    for kind, *ids in NarrativeLink.objects.filter(report=report).values_list(
        "kind", "plan_id", "meeting_id", "tier_change_id", "warning_id"
    ):
        cited[kind].update(i for i in ids if i)

    plans = plans_for(user, order="updated").exclude(pk__in=cited["plan"])
    if report.country_id:
        plans = plans.filter(country_id=report.country_id)
    if until:
        plans = plans.filter(created_at__lt=until)

    meetings = meetings_for(user).exclude(pk__in=cited["meeting"])
    if since:
        meetings = meetings.filter(starts_at__gte=since)
    if until:
        meetings = meetings.filter(starts_at__lt=until)
    meetings = meetings.order_by("-starts_at")

    changes = (
        visible(user, TierChange.objects.all())
        .select_related("country")
        .exclude(pk__in=cited["tier_change"])
    )
    warnings = warnings_for(user).exclude(pk__in=cited["warning"])
    if report.country_id:
        changes = changes.filter(country_id=report.country_id)
        warnings = warnings.filter(country_id=report.country_id)
    if start:
        changes = changes.filter(effective__gte=start)
        warnings = warnings.filter(filed_at__gte=since)
    if end:
        changes = changes.filter(effective__lte=end)
        warnings = warnings.filter(filed_at__lt=until)
    changes = changes.order_by("-effective", "-pk")
    warnings = warnings.order_by("-filed_at")
    return {
        NarrativeLink.Kind.PLAN: list(plans[:limit]),
        NarrativeLink.Kind.MEETING: list(meetings[:limit]),
        NarrativeLink.Kind.TIER_CHANGE: list(changes[:limit]),
        NarrativeLink.Kind.WARNING: list(warnings[:limit]),
    }


def _candidate_rows(candidates: dict[str, list]) -> list[dict[str, Any]]:
    """The picker's tables: per kind, each record with the label the link would carry."""
    labels = dict(NarrativeLink.Kind.choices)
    return [
        {
            "kind": kind,
            "label": labels[kind],
            "rows": [
                dict(
                    zip(
                        ("label", "on", "marking"),
                        services.link_label(kind, record),
                        strict=True,
                    ),
                    pk=record.pk,
                )
                for record in records
            ],
        }
        for kind, records in candidates.items()
    ]


def _record_for(user: Any, kind: str, pk: int) -> Any:
    """The record a link would cite, if the user may see it (else None)."""
    from apc.meetings.models import Meeting
    from watchlist.models import TierChange, Warning

    model = {
        NarrativeLink.Kind.PLAN: Plan,
        NarrativeLink.Kind.MEETING: Meeting,
        NarrativeLink.Kind.TIER_CHANGE: TierChange,
        NarrativeLink.Kind.WARNING: Warning,
    }[kind]
    return visible(user, model.objects.filter(pk=pk)).first()


@login_required
@require_http_methods(["GET", "POST"])
def link_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The author team cites in the narrative a plan, meeting, tier change or warning of the
    report's period, picked from the records they may see."""
    user = request.user
    report = report_or_404(user, pk)
    require(user, "author", report)
    why = not_editable(report)
    status = 200
    if request.method == "POST":
        if why:
            messages.error(request, why)
            status = 409
        else:
            form = LinkForm(request.POST)
            record = None
            if form.is_valid():
                d = form.cleaned_data
                record = _record_for(user, d["kind"], d["record"])
            if record is None:
                messages.error(request, "Choose a record you may see from the lists below.")
                status = 400
            else:
                try:
                    link = services.link_add(
                        actor=user, report=report, kind=form.cleaned_data["kind"], record=record
                    )
                except Invalid as exc:
                    messages.error(request, error_text(exc))
                    status = 400
                except (InvalidTransition, Conflict) as exc:
                    messages.error(request, exc.detail)
                    status = exc.status_code
                else:
                    messages.success(request, f"The narrative now cites “{link.label}”.")
                    return redirect(detail_url(report, "links"))
    tables = [] if why else _candidate_rows(link_candidates(user, report))
    shown = markings.highest(
        [report.marking, *(row["marking"] for t in tables for row in t["rows"])]
    )
    ctx = {
        "report": report,
        "tables": tables,
        "not_editable": why,
        "page_marking": shown,
    }
    return TemplateResponse(request, "afteraction/link_add.html", ctx, status=status)


@login_required
@require_POST
def link_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    link = get_visible_or_404(
        user,
        lambda u: visible(u, NarrativeLink.objects.select_related("report")),
        NarrativeLink,
        pk,
    )
    report = link.report
    require(user, "author", report)
    try:
        services.link_remove(actor=user, link=link)
    except (InvalidTransition, Conflict) as exc:
        return refused(request, report, exc.detail, exc.status_code)
    messages.success(request, "The link is removed from the narrative.")
    return redirect(detail_url(report, "links"))
