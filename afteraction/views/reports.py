"""The report pages: the list, commissioning, a report's page, writing it, its commission and
author team, its life cycle, revisions and PDF."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from afteraction import selectors, services
from afteraction.forms import (
    AuthorAddForm,
    CommissionForm,
    MarkingForm,
    ReportFilterForm,
    ReviseForm,
    TransitionForm,
)
from afteraction.models import NarrativeLink, Report
from afteraction.views.common import (
    ACTION_LABELS,
    STATUS_LABELS,
    detail_url,
    error_text,
    offered_marking,
    querystring,
    report_or_404,
    visible_countries,
)
from afteraction.workflow import EDITABLE, NEEDS_COMMENT, OWED
from apc.core import markings
from apc.core.audit import record_event
from apc.core.exceptions import Conflict, Invalid, InvalidTransition
from apc.core.permissions import can, require, visible
from apc.meetings.dates import committee_today
from apc.models import User
from plans.models import Plan
from watchlist.models import Country

# --- The report list ------------------------------------------------------------------------


def _filtered(qs: QuerySet[Report], data: dict[str, Any]) -> QuerySet[Report]:
    if data.get("subject"):
        qs = qs.filter(subject=data["subject"])
    if data.get("country"):
        qs = qs.filter(country_id=data["country"])
    if data.get("year"):
        qs = qs.filter(year=data["year"])
    return qs


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """Published reports (the current revision of each; corrected revisions on demand), and the
    commissions in progress the user may see (the directorate's, and an author team's own),
    with their due dates; filtered by status, subject, country and year."""
    user = request.user
    require(user, "afteraction.view")
    reports = selectors.reports_for(user)
    countries = list(
        Country.objects.filter(pk__in=reports.values("country_id"))
        .order_by("name")
        .values_list("iso3", "name")
    )
    form = ReportFilterForm(request.GET or None, countries=countries)
    status = 200
    data: dict[str, Any] = {}
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
        else:
            status = 400
    chosen = data.get("status") or ""

    published = selectors.published_for(user, current_only=not data.get("superseded"))
    published = _filtered(published, data).order_by("-year", "-published_at", "-pk")
    if status != 200 or chosen not in ("", Report.Status.PUBLISHED):
        published = published.none()
    in_progress = _filtered(reports.exclude(status=Report.Status.PUBLISHED), data)
    if chosen:
        in_progress = in_progress.filter(status=chosen)
    else:
        in_progress = in_progress.filter(status__in=OWED)
    if status != 200 or chosen == Report.Status.PUBLISHED:
        in_progress = in_progress.none()
    in_progress = in_progress.order_by("due_on", "pk")

    page = Paginator(published, settings.APC_PAGE_SIZE).get_page(request.GET.get("page"))
    commissions = Paginator(in_progress, settings.APC_PAGE_SIZE).get_page(request.GET.get("cpage"))
    today = committee_today()
    rows = list(commissions)
    for r in rows:
        r.overdue = r.due_on < today
    may_commission = can(user, "afteraction.commission")
    ctx = {
        "form": form,
        "reports": list(page),
        "page_obj": page,
        "querystring": querystring(request.GET),
        "commissions": rows,
        "commissions_page": commissions,
        "commissions_query": querystring(request.GET, keep_page=True, cpage=None),
        "show_commissions": may_commission or bool(rows) or commissions.number > 1,
        "can_commission": may_commission,
        "can_see_exercises": can(user, "exercises.view"),
        "today": today,
    }
    return TemplateResponse(request, "afteraction/report_list.html", ctx, status=status)


# --- Commissioning --------------------------------------------------------------------------


def _commission_form(user: Any, data: Any = None, initial: dict | None = None) -> CommissionForm:
    from plans.selectors import plans_for

    return CommissionForm(
        data,
        initial=initial,
        countries=visible_countries(user),
        plans=plans_for(user, order="country"),
        exercises=selectors.exercises_for(user),
        candidates=services.author_candidates(),
        clearance=user.clearance,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_commission(request: HttpRequest) -> HttpResponse:
    """The directorate commissions an after-action report (a subject, the questions it must
    answer, an author team, a due date). `?subject=exercise&exercise=<id>` starts a report
    about an exercise."""
    user = request.user
    require(user, "afteraction.commission")
    if request.method == "GET":
        initial = {k: request.GET[k] for k in ("subject", "exercise", "plan") if k in request.GET}
        initial["due_on"] = committee_today() + timedelta(days=60)
        form = _commission_form(user, initial=initial)
        ctx = {"form": form, "page_marking": offered_marking(form)}
        return TemplateResponse(request, "afteraction/report_commission.html", ctx)
    form = _commission_form(user, request.POST)
    status = 400
    if form.is_valid():
        d = form.cleaned_data
        try:
            report = services.report_commission(
                actor=user,
                title=d["title"],
                subject=d["subject"],
                scope_questions=d["scope_questions"],
                due_on=d["due_on"],
                authors=d["authors"],
                country=d["country"],
                plan=d["plan"],
                exercise=d["exercise"],
                period_start=d["period_start"],
                period_end=d["period_end"],
                marking=d["marking"],
            )
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        else:
            messages.success(
                request, f"{report.title} is commissioned; the author team has been told."
            )
            return redirect("afteraction:report-detail", report.pk)
    ctx = {"form": form, "page_marking": offered_marking(form)}
    return TemplateResponse(request, "afteraction/report_commission.html", ctx, status=status)


# --- A report -------------------------------------------------------------------------------


def _link_targets(user: Any, links: list[NarrativeLink]) -> dict[int, str]:
    """The URL of each link's live record, for the links whose record the user may view (one
    query per kind of record)."""
    from apc.meetings.models import Meeting
    from watchlist.models import TierChange, Warning

    wanted: dict[str, set[int]] = defaultdict(set)
    for link in links:
        target_id = getattr(link, f"{link.kind}_id", None)
        if target_id:
            wanted[link.kind].add(target_id)
    urls: dict[tuple[str, int], str] = {}
    if wanted.get("plan"):
        for pk in visible(user, Plan.objects.filter(pk__in=wanted["plan"])).values_list(
            "pk", flat=True
        ):
            urls[("plan", pk)] = reverse("plans:plan-detail", args=[pk])
    if wanted.get("meeting"):
        for pk in visible(user, Meeting.objects.filter(pk__in=wanted["meeting"])).values_list(
            "pk", flat=True
        ):
            urls[("meeting", pk)] = reverse("meeting-detail", args=[pk])
    if wanted.get("tier_change") and can(user, "watchlist.view"):
        rows = visible(user, TierChange.objects.filter(pk__in=wanted["tier_change"]))
        for pk, iso3 in rows.values_list("pk", "country_id"):
            urls[("tier_change", pk)] = reverse("watchlist:country-detail", args=[iso3])
    if wanted.get("warning"):
        for pk in visible(user, Warning.objects.filter(pk__in=wanted["warning"])).values_list(
            "pk", flat=True
        ):
            urls[("warning", pk)] = reverse("watchlist:warning-detail", args=[pk])
    return {
        link.pk: urls[(link.kind, getattr(link, f"{link.kind}_id"))]
        for link in links
        if (link.kind, getattr(link, f"{link.kind}_id", None)) in urls
    }


def transition_form_for(action: str, data: Any = None) -> TransitionForm:
    return TransitionForm(data, initial={"action": action}, auto_id=f"id_{action}_%s")


def _chain(report: Report, series: list[Report]) -> dict[str, Any]:
    """Where the report stands in its series: the revision it corrects, the published one
    that corrects it, a revision in progress."""
    by_pk = {r.pk: r for r in series}
    later = [r for r in series if r.supersedes_id == report.pk]
    return {
        "corrects": by_pk.get(report.supersedes_id) if report.supersedes_id else None,
        "corrects_revision": (
            by_pk[report.supersedes_id].revision if report.supersedes_id in by_pk else None
        ),
        "superseded_by": next((r for r in later if r.status == Report.Status.PUBLISHED), None),
        "in_progress": next((r for r in later if r.status in OWED), None),
        "has_live_revision": any(r.status != Report.Status.WITHDRAWN for r in later),
    }


def _detail_context(
    request: HttpRequest,
    report: Report,
    *,
    transition_form: TransitionForm | None = None,
    revise_form: ReviseForm | None = None,
    author_form: AuthorAddForm | None = None,
    marking_form: MarkingForm | None = None,
) -> dict[str, Any]:
    """Everything the report's page shows to this user, and the forms they may use now."""
    user = request.user
    lessons = selectors.lessons_of(user, report)
    links = selectors.links_of(user, report)
    events = selectors.events_of(user, report)
    series = selectors.series_of(user, report)
    chain = _chain(report, series)
    writable = services.may_write(user, report)
    may_manage = can(user, "manage", report) and report.status in OWED

    failed = transition_form.data.get("action") if transition_form is not None else None
    actions = [
        {
            "transition": t,
            "form": transition_form if t.action == failed else transition_form_for(t.action),
            "needs_comment": t.action in NEEDS_COMMENT,
        }
        for t in services.available_actions(user, report)
    ]
    may_revise = (
        report.status == Report.Status.PUBLISHED
        and not chain["has_live_revision"]
        and can(user, "revise", report)
    )
    team: list[User] = []
    if report.status != Report.Status.PUBLISHED or not report.authors_display:
        team = services.authors(report)
    if may_manage and author_form is None:
        taken = {u.pk for u in team}
        author_form = AuthorAddForm(
            candidates=[u for u in services.author_candidates(report.marking) if u.pk not in taken]
        )
    shown = markings.highest(
        [report.marking, *(x.marking for x in lessons), *(x.marking for x in links)]
    )
    return {
        "report": report,
        "status_labels": STATUS_LABELS,
        "scope_questions": [q for q in report.scope_questions.splitlines() if q.strip()],
        "lessons": lessons,
        "links": [{"link": x, "url": url} for x, url in _with_urls(user, links)],
        "history": [
            {
                "event": e,
                "action": ACTION_LABELS.get(e.action, e.action),
                "from": STATUS_LABELS.get(e.from_status, e.from_status or "—"),
                "to": STATUS_LABELS.get(e.to_status, e.to_status),
            }
            for e in events
        ],
        "series": series,
        "chain": chain,
        "overdue": report.status in OWED and report.due_on < committee_today(),
        "team": team,
        "can_write": writable,
        "can_manage": may_manage,
        "can_edit_commission": may_manage,
        "can_export": can(user, "export", report),
        "actions": actions,
        "transition_errors": transition_form.errors if transition_form is not None else None,
        "revise_form": (revise_form or ReviseForm()) if may_revise else None,
        # the directorate re-marks the text or a lesson before publication (authors only raise)
        "marking_form": (
            (marking_form or MarkingForm(lessons=lessons))
            if may_manage and report.status in EDITABLE
            else None
        ),
        "author_form": author_form if may_manage else None,
        "plan_url": (
            reverse("plans:plan-detail", args=[report.plan_id])
            if report.plan_id and can(user, "view", report.plan)
            else None
        ),
        "exercise_url": (
            reverse("afteraction:exercise-detail", args=[report.exercise_id])
            if report.exercise_id and can(user, "view", report.exercise)
            else None
        ),
        "country_url": (
            reverse("watchlist:country-detail", args=[report.country_id])
            if report.country_id and can(user, "watchlist.view")
            else None
        ),
        "page_marking": shown,
    }


def _with_urls(user: Any, links: list[NarrativeLink]) -> list[tuple[NarrativeLink, str | None]]:
    urls = _link_targets(user, links)
    return [(x, urls.get(x.pk)) for x in links]


def _detail(request: HttpRequest, report: Report, status: int = 200, **forms: Any) -> HttpResponse:
    """The report's page (an audited read), as a page or as the answer to a refused POST."""
    ctx = _detail_context(request, report, **forms)
    record_event(
        actor=request.user,
        action="afteraction.report_view",
        obj=report,
        marking=ctx["page_marking"],
        request=request,
    )
    return TemplateResponse(request, "afteraction/report_detail.html", ctx, status=status)


def refused(request: HttpRequest, report: Report, detail: str, status: int, **forms: Any):
    messages.error(request, detail)
    report = report_or_404(request.user, report.pk)
    return _detail(request, report, status, **forms)


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, report_or_404(request.user, pk))


# --- The author team ----------------------------------------------------------------------


@login_required
@require_POST
def author_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The directorate adds someone to the author team (told by notification)."""
    user = request.user
    report = report_or_404(user, pk)
    require(user, "manage", report)
    taken = {u.pk for u in services.authors(report)}
    form = AuthorAddForm(
        request.POST,
        candidates=[u for u in services.author_candidates(report.marking) if u.pk not in taken],
    )
    if form.is_valid():
        member = form.cleaned_data["user"]
        try:
            services.author_add(actor=user, report=report, user=member)
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        except (InvalidTransition, Conflict) as exc:
            return refused(request, report, exc.detail, exc.status_code)
        else:
            messages.success(request, f"{member} joined the author team; they are told.")
            return redirect(detail_url(report, "commission"))
    return refused(request, report, "Nobody was added to the team.", 400, author_form=form)


@login_required
@require_POST
def author_remove(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    user = request.user
    report = report_or_404(user, pk)
    require(user, "manage", report)
    member = User.objects.filter(pk=user_id).first()
    if member is None:
        return refused(request, report, "No such person.", 400)
    try:
        services.author_remove(actor=user, report=report, user=member)
    except Invalid as exc:
        return refused(request, report, error_text(exc), 400)
    except InvalidTransition as exc:
        return refused(request, report, exc.detail, exc.status_code)
    messages.success(request, f"{member} left the author team.")
    return redirect(detail_url(report, "commission"))
