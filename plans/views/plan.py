"""The plan pages (issue 6, "Pages, exports"): the plans list ordered for prioritisation, a new
plan, the plan's overview (status, sections, guideline checks, the actions open to the user,
the drafting team, the red-team panel, rehearsals, history, the briefing to Congress), its
versions (one version, two side by side) and the PDF of the plan or of a version.

Source: seeds/000_588810f2139c9d78.txt, "Decision Support and Planning" (recommendation 4-2):
the three assessments, the operations plan, rehearsal and red-team review, approval by the
Deputies Committee "and if necessary the Principals Committee", the briefing to Congress, and
prioritisation when plans are too many.

Views are thin: reads through plans.selectors (a plan the user may not see answers 404 and the
attempt is audited; sections above the reader's clearance are left out, with a note), writes
through plans.services. A policy refusal goes to DomainErrorMiddleware (403, or 404 when
hidden); a service's `Invalid` answers 400 with the overview and the message; a step the plan's
state no longer allows answers 409. Every read of a plan or a version is audited with the
highest marking it showed, and the banner shows that marking, never a hidden section's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import CheckboxSelectMultiple
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)
from guardian.shortcuts import get_users_with_perms

from apc.core import markings, panels, roles
from apc.core.api import CLASSIFICATION_HEADER
from apc.core.audit import record_event
from apc.core.exceptions import Conflict, Invalid, InvalidTransition, NotPermitted
from apc.core.forms import style_form
from apc.core.permissions import can, require, visible
from apc.core.views import get_visible_or_404
from apc.models import User
from plans import diff, guidelines, selectors, services
from plans import sections as section_specs
from plans.filters import PlanFilter
from plans.forms import (
    CompareForm,
    FindingForm,
    FindingResponseForm,
    NewPlanForm,
    RehearsalForm,
    ReviewerForm,
    TeamAddForm,
    TransitionForm,
)
from plans.models import Partner, Plan, PlanSection, PlanVersion, RedTeamFinding, Tool
from plans.pdf import render_plan_pdf
from plans.workflow import workflow_for
from watchlist.models import Country, Tier

DETAIL_TEMPLATE = "plans/plan_detail.html"
STATUS_LABELS = dict(Plan.Status.choices)
TIER_LABELS = dict(Tier.choices)
PLANNED_TIERS = (Tier.MODERATE, Tier.HIGH_RISING)


# --- Helpers --------------------------------------------------------------------------------


def _plans(user: Any) -> QuerySet[Plan]:
    return visible(user, Plan.objects.all()).select_related(
        "country", "owner", "lead", "messaging_lead", "task"
    )


def _plan_or_404(user: Any, pk: int) -> Plan:
    return get_visible_or_404(user, _plans, Plan, pk)


def _anchor(plan: Plan, part: str) -> str:
    return f"{reverse('plans:plan-detail', args=[plan.pk])}#{part}"


def _error_text(exc: Invalid) -> str:
    parts = [m for msgs in exc.errors.values() for m in msgs]
    return " ".join(parts) or exc.detail


def _shown(plan: Plan, sections: list[PlanSection]) -> str:
    """The highest marking of what the user is shown of the plan."""
    return markings.highest([plan.marking, plan.country.marking, *(s.marking for s in sections)])


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


# --- The plans list -------------------------------------------------------------------------


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    """The plans the user may see, ordered for prioritisation (the country's priority factors,
    risk rank or tier; recommendation 4-2: when plans are too many), filtered by kind and
    status."""
    user = request.user
    require(user, "plans.view")
    qs = selectors.plans_for(user)
    flt = PlanFilter(request.GET or None, queryset=qs, request=request)
    fields = flt.form.fields
    fields["kind"].choices = [("", "Any kind"), *Plan.Kind.choices]
    fields["status"].widget = CheckboxSelectMultiple(choices=Plan.Status.choices)
    style_form(flt.form)
    fields["status"].widget.attrs["class"] = "usa-checkbox__input"
    if flt.is_bound:
        qs = flt.qs if flt.is_valid() else qs.none()
    page = Paginator(qs, settings.APC_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "filter": flt,
        "plans": list(page),
        "page_obj": page,
        "querystring": query.urlencode(),
        "tier_labels": TIER_LABELS,
        "can_create": can(user, "plans.create"),
    }
    return TemplateResponse(request, "plans/plan_list.html", ctx)


# --- A new plan -----------------------------------------------------------------------------


def _plannable(user: Any) -> list[tuple[str, str, str]]:
    """(iso3, name, tier label) of the countries the user may see that take a plan."""
    rows = (
        visible(user, Country.objects.filter(tier__in=PLANNED_TIERS))
        .order_by("name")
        .values_list("iso3", "name", "tier")
    )
    return [(iso3, name, TIER_LABELS[tier]) for iso3, name, tier in rows]


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    """The directorate opens a prevention plan (a country of moderate concern) or a response
    plan (a high-and-rising country)."""
    user = request.user
    require(user, "plans.create")
    data = request.POST if request.method == "POST" else None
    form = NewPlanForm(data, countries=_plannable(user), clearance=user.clearance)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                plan = services.plan_create(
                    actor=user,
                    country=Country.objects.get(pk=d["country"]),
                    kind=d["kind"],
                    title=d["title"],
                    marking=d["marking"],
                )
            except Invalid as exc:
                form.add_domain_errors(exc.errors, exc.detail)
            except Conflict as exc:
                form.add_error(None, exc.detail)
                status = exc.status_code
            else:
                messages.success(request, f"{plan.title} is open as a draft.")
                return redirect("plans:plan-detail", plan.pk)
    return TemplateResponse(request, "plans/plan_new.html", {"form": form}, status=status)


# --- The overview ---------------------------------------------------------------------------


def _team(plan: Plan, perm: str) -> list[User]:
    users = get_users_with_perms(plan, only_with_perms_in=[perm], with_superusers=False)
    return list(
        users.select_related("agency").order_by("agency__name", "last_name", "first_name", "pk")
    )


def _team_candidates(team: list[User], reviewers: list[User]) -> list[User]:
    """Who may join the drafting team: active people (no service accounts) neither on it nor
    red-teaming the plan."""
    return list(
        User.objects.filter(is_active=True)
        .exclude(groups__name=roles.API_CLIENT)
        .exclude(pk__in=[u.pk for u in [*team, *reviewers]])
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name", "username")
    )


def _reviewer_candidates(plan: Plan, reviewers: list[User]) -> list[User]:
    """Red-team reviewers not on the drafting team and not yet assigned."""
    taken = services.drafting_team(plan) | {u.pk for u in reviewers}
    return list(
        User.objects.filter(is_active=True, groups__name=roles.RED_TEAM)
        .exclude(pk__in=taken)
        .distinct()
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name", "username")
    )


def _transition_form(action: str, data: Any = None) -> TransitionForm:
    return TransitionForm(data, initial={"action": action}, auto_id=f"id_{action}_%s")


def _detail_context(
    request: HttpRequest,
    plan: Plan,
    *,
    transition_form: TransitionForm | None = None,
    team_form: TeamAddForm | None = None,
    reviewer_form: ReviewerForm | None = None,
    finding_form: FindingForm | None = None,
    response_form: tuple[int, FindingResponseForm] | None = None,
    rehearsal_form: RehearsalForm | None = None,
) -> dict[str, Any]:
    """Everything the overview shows to this user, and the forms they may use now."""
    user = request.user
    sections = selectors.sections_for(user, plan)
    wf = workflow_for(plan)
    may_manage = can(user, "manage", plan)
    may_draft = can(user, "draft", plan)
    may_review = can(user, "review", plan)

    # the actions open to the user now (the transition table filtered by the policy)
    failed = transition_form.data.get("action") if transition_form is not None else None
    actions = [
        {
            "transition": t,
            "form": transition_form if t.action == failed else _transition_form(t.action),
            "briefing": t.action == "brief_congress",
            "needs_comment": t.action.startswith("return"),
        }
        for t in services.available_actions(user, plan)
    ]

    # the drafting team
    team = _team(plan, "draft_plan")
    reviewers = _team(plan, "review_plan")
    if may_manage and team_form is None:
        team_form = TeamAddForm(users=_team_candidates(team, reviewers))

    # the red team: reviewers, findings per section, rehearsals
    may_assign = may_manage and (user.is_directorate_lead or user.pk == plan.lead_id)
    if may_assign and reviewer_form is None:
        reviewer_form = ReviewerForm(users=_reviewer_candidates(plan, reviewers))
    findings = selectors.findings_for(user, plan)
    may_find = may_review and plan.status == Plan.Status.RED_TEAM
    if may_find and finding_form is None:
        finding_form = FindingForm(sections=sections)
    failed_pk, failed_form = response_form or (None, None)
    by_section = []
    for s in sections:
        rows = [
            {
                "finding": f,
                "form": (
                    (
                        failed_form
                        if f.pk == failed_pk
                        else FindingResponseForm(
                            initial={"response": f.response}, auto_id=f"id_finding{f.pk}_%s"
                        )
                    )
                    if may_draft
                    else None
                ),
            }
            for f in findings
            if f.section_key == s.key
        ]
        if rows:
            by_section.append({"section": s, "findings": rows})
    rehearsals = list(selectors.rehearsals_for(user, plan))
    if may_manage and rehearsal_form is None:
        rehearsal_form = RehearsalForm()

    # history
    labels = {t.action: t.label for t in wf.transitions}
    history = [
        {
            "event": e,
            "action": labels.get(e.action, e.action),
            "from": STATUS_LABELS.get(e.from_status, e.from_status),
            "to": STATUS_LABELS.get(e.to_status, e.to_status),
            "version_number": e.version.number if e.version_id else None,
        }
        for e in selectors.events_for(user, plan)
    ]

    checks = guidelines.checks_for(user, plan)
    # the messaging lead belongs to the operations plan: named only to those who may read it
    lead_key = "operations_plan" if plan.kind == Plan.Kind.RESPONSE else "prevention_plan"
    return {
        "plan": plan,
        "messaging_lead": (
            plan.messaging_lead if any(s.key == lead_key for s in sections) else None
        ),
        "messaging_lead_hidden": not any(s.key == lead_key for s in sections),
        "sections": sections,
        "hidden_sections": selectors.hidden_sections(user, plan),
        "country_url": (
            reverse("watchlist:country-detail", args=[plan.country_id])
            if can(user, "watchlist.view")
            else None
        ),
        "checks": checks,
        "checks_summary": guidelines.summary(checks),
        "actions": actions,
        "transition_errors": transition_form.errors if transition_form is not None else None,
        "team": team,
        "team_form": team_form if may_manage else None,
        "can_manage": may_manage,
        "can_export": can(user, "export", plan),
        "reviewers": reviewers,
        "reviewer_form": reviewer_form if may_assign else None,
        "findings_by_section": by_section,
        "findings_count": len(findings),
        "finding_form": finding_form if may_find else None,
        "can_respond": may_draft,
        "rehearsals": rehearsals,
        "rehearsal_form": rehearsal_form if may_manage else None,
        "history": history,
        # panels other apps add to the plan (the after-action repository's relevant lessons)
        "panels": (plan_panels := panels.collect("plan_detail", request, plan)),
        "page_marking": markings.highest([_shown(plan, sections), panels.marking_of(plan_panels)]),
    }


def _detail(request: HttpRequest, plan: Plan, status: int = 200, **forms: Any) -> HttpResponse:
    """The overview (an audited read), as a page or as the answer to a refused POST."""
    ctx = _detail_context(request, plan, **forms)
    record_event(
        actor=request.user,
        action="plan.view",
        obj=plan,
        marking=ctx["page_marking"],
        request=request,
    )
    return TemplateResponse(request, DETAIL_TEMPLATE, ctx, status=status)


def _refused(request: HttpRequest, plan: Plan, detail: str, status: int, **forms: Any):
    messages.error(request, detail)
    plan.refresh_from_db()
    return _detail(request, plan, status, **forms)


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _plan_or_404(request.user, pk))


@login_required
@require_POST
def plan_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """A step of the plan's life cycle (`action`: a workflow action) with a comment; the
    briefing to Congress takes its date, committees and members."""
    user = request.user
    plan = _plan_or_404(user, pk)
    permissions = {t.action: t.permission for t in workflow_for(plan).transitions}
    action = request.POST.get("action", "")
    if action not in permissions:
        # someone who may take no step at all is refused before being told the input is wrong
        if not any(can(user, p, plan) for p in set(permissions.values())):
            raise NotPermitted(action="transition", obj=plan, actor=user)
        return _refused(request, plan, "Choose an action.", 400)
    require(user, permissions[action], plan)
    form = _transition_form(action, request.POST)
    if not form.is_valid():
        return _refused(request, plan, "The step was not taken.", 400, transition_form=form)
    try:
        plan = services.plan_transition(
            actor=user,
            plan=plan,
            action=action,
            comment=form.cleaned_data["comment"],
            briefing=form.briefing(),
        )
    except Invalid as exc:
        form.add_domain_errors(exc.errors, exc.detail)
        return _refused(request, plan, _error_text(exc), 400, transition_form=form)
    except InvalidTransition as exc:
        return _refused(request, plan, exc.detail, exc.status_code)
    messages.success(request, f"The plan is now: {plan.get_status_display()}.")
    return redirect("plans:plan-detail", plan.pk)


# --- The drafting team, the red team, rehearsals ---------------------------------------------


@login_required
@require_POST
def team_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The directorate adds an agency contributor to the drafting team."""
    user = request.user
    plan = _plan_or_404(user, pk)
    require(user, "manage", plan)
    candidates = _team_candidates(_team(plan, "draft_plan"), _team(plan, "review_plan"))
    form = TeamAddForm(request.POST, users=candidates)
    if form.is_valid():
        member = form.cleaned_data["user"]
        try:
            services.team_add(actor=user, plan=plan, user=member)
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        else:
            messages.success(request, f"{member} joined the drafting team; they are told.")
            return redirect(_anchor(plan, "team"))
    return _refused(request, plan, "Nobody was added to the team.", 400, team_form=form)


@login_required
@require_POST
def team_remove(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    user = request.user
    plan = _plan_or_404(user, pk)
    require(user, "manage", plan)
    member = User.objects.filter(pk=user_id).first()
    if member is None:
        return _refused(request, plan, "No such person.", 400)
    try:
        services.team_remove(actor=user, plan=plan, user=member)
    except Invalid as exc:
        return _refused(request, plan, _error_text(exc), 400)
    messages.success(request, f"{member} left the drafting team.")
    return redirect(_anchor(plan, "team"))


@login_required
@require_POST
def reviewer_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """The directorate lead assigns a red-team reviewer."""
    user = request.user
    plan = _plan_or_404(user, pk)
    require(user, "manage", plan)
    reviewers = _team(plan, "review_plan")
    form = ReviewerForm(request.POST, users=_reviewer_candidates(plan, reviewers))
    if form.is_valid():
        reviewer = form.cleaned_data["reviewer"]
        try:
            services.reviewer_assign(actor=user, plan=plan, reviewer=reviewer)
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        else:
            messages.success(request, f"{reviewer} will red-team the plan; they are told.")
            return redirect(_anchor(plan, "red-team"))
    return _refused(request, plan, "No reviewer was assigned.", 400, reviewer_form=form)


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A red-team reviewer records a finding on a section (while in red-team review)."""
    user = request.user
    plan = _plan_or_404(user, pk)
    require(user, "review", plan)
    form = FindingForm(request.POST, sections=selectors.sections_for(user, plan))
    if form.is_valid():
        try:
            services.finding_add(actor=user, plan=plan, **form.cleaned_data)
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        except InvalidTransition as exc:
            return _refused(request, plan, exc.detail, exc.status_code)
        else:
            messages.success(request, "Finding recorded; the drafting team will answer it.")
            return redirect(_anchor(plan, "red-team"))
    return _refused(request, plan, "The finding was not recorded.", 400, finding_form=form)


def _findings(user: Any) -> QuerySet[RedTeamFinding]:
    return visible(user, RedTeamFinding.objects.select_related("plan", "plan__country"))


@login_required
@require_POST
def finding_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """The drafting team answers a finding."""
    user = request.user
    finding = get_visible_or_404(user, _findings, RedTeamFinding, pk)
    plan = finding.plan
    if finding.section_key not in {s.key for s in selectors.sections_for(user, plan)}:
        raise NotPermitted(action="view", obj=finding, actor=user, hidden=True)
    require(user, "respond", finding)
    form = FindingResponseForm(request.POST, auto_id=f"id_finding{finding.pk}_%s")
    if form.is_valid():
        try:
            services.finding_respond(actor=user, finding=finding, **form.cleaned_data)
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        else:
            messages.success(request, "Answer recorded.")
            return redirect(_anchor(plan, f"finding-{finding.pk}"))
    plan = _plan_or_404(user, plan.pk)
    return _refused(
        request, plan, "The answer was not recorded.", 400, response_form=(finding.pk, form)
    )


@login_required
@require_POST
def rehearsal_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a rehearsal or tabletop exercise of the plan."""
    user = request.user
    plan = _plan_or_404(user, pk)
    require(user, "manage", plan)
    form = RehearsalForm(request.POST)
    if form.is_valid():
        try:
            services.rehearsal_add(actor=user, plan=plan, **form.cleaned_data)
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        else:
            messages.success(request, "Exercise recorded.")
            return redirect(_anchor(plan, "rehearsals"))
    return _refused(request, plan, "The exercise was not recorded.", 400, rehearsal_form=form)


# --- Versions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionInfo:
    """What the pages say of a version (not the record itself, whose marking counts sections
    the reader may not see and so must not reach the banner)."""

    number: int
    status: str
    created_by: User
    created_at: datetime
    marking: str  # the highest marking the reader is shown of it
    hidden: int  # sections above the reader's clearance, left out


def _info(version: PlanVersion, view: dict[str, Any]) -> VersionInfo:
    return VersionInfo(
        number=version.number,
        status=STATUS_LABELS.get(version.status, version.status),
        created_by=version.created_by,
        created_at=version.created_at,
        marking=markings.highest(
            [view.get("marking", markings.LOWEST), *(s["marking"] for s in view["sections"])]
        ),
        hidden=view["hidden_sections"],
    )


def _version_or_404(user: Any, plan: Plan, number: Any) -> PlanVersion:
    version = selectors.versions_for(user, plan).filter(number=number).first()
    if version is None:
        raise NotPermitted(action="view", obj=plan, actor=user, hidden=True)
    return version


@login_required
@require_GET
def version_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's numbered versions (frozen at each submission), and a form to compare two."""
    user = request.user
    plan = _plan_or_404(user, pk)
    versions = [
        _info(v, selectors.version_view(user, v)) for v in selectors.versions_for(user, plan)
    ]
    numbers = [v.number for v in versions]
    form = None
    if len(numbers) > 1:
        form = CompareForm(initial={"a": numbers[-2], "b": numbers[-1]}, numbers=numbers)
    shown = markings.highest([plan.marking, *(v.marking for v in versions)])
    record_event(actor=user, action="plan.version_list", obj=plan, marking=shown, request=request)
    ctx = {"plan": plan, "versions": versions, "compare_form": form, "page_marking": shown}
    return TemplateResponse(request, "plans/version_list.html", ctx)


def _section_rows(view: dict[str, Any]) -> list[dict[str, Any]]:
    """Each shown section of a version with its fields labelled (fields a later spec no longer
    has are kept, under their name)."""
    rows = []
    for s in view["sections"]:
        spec = section_specs.BY_KEY.get(s["key"])
        labels = dict(spec.fields) if spec else {}
        content = s.get("content") or {}
        names = [n for n in labels if n in content] + [n for n in content if n not in labels]
        rows.append(
            {
                "key": s["key"],
                "title": s.get("title") or section_specs.title_of(s["key"]),
                "status": dict(PlanSection.Status.choices).get(s["status"], s["status"]),
                "marking": s["marking"],
                "fields": [(labels.get(n, n), content.get(n) or "") for n in names],
            }
        )
    return rows


def _options(view: dict[str, Any]) -> list[dict[str, Any]]:
    stances = dict(Tool.Stance.choices)
    return [{**o, "stance_label": stances.get(o.get("stance"), "")} for o in view["options"]]


def _partners(view: dict[str, Any]) -> list[dict[str, Any]]:
    influence = dict(Partner.Influence.choices)
    return [
        {**p, "influence_label": influence.get(p.get("influence"), "")} for p in view["partners"]
    ]


@login_required
@require_GET
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One frozen version as the reader may see it (sections above their clearance left out)."""
    user = request.user
    plan = _plan_or_404(user, pk)
    version = _version_or_404(user, plan, number)
    view = selectors.version_view(user, version)
    info = _info(version, view)
    record_event(
        actor=user,
        action="plan.version_view",
        obj=plan,
        marking=info.marking,
        request=request,
        summary=f"version {version.number}",
    )
    ctx = {
        "plan": plan,
        "version": info,
        "crumb": f"Version {info.number}",
        "view": {
            "title": view.get("title", ""),
            "messaging_lead": view.get("messaging_lead"),
        },
        "sections": _section_rows(view),
        "options": _options(view),
        "partners": _partners(view),
        "can_export": can(user, "export", plan),
        "page_marking": info.marking,
    }
    return TemplateResponse(request, "plans/version_detail.html", ctx)


@login_required
@require_GET
def version_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two versions side by side (?a=<n>&b=<n>), changed words highlighted."""
    user = request.user
    plan = _plan_or_404(user, pk)
    versions = {v.number: v for v in selectors.versions_for(user, plan)}
    numbers = sorted(versions)
    bound = "a" in request.GET or "b" in request.GET
    form = CompareForm(request.GET if bound else None, numbers=numbers)
    ctx: dict[str, Any] = {"plan": plan, "form": form, "rows": None, "page_marking": plan.marking}
    status = 200
    if bound and not form.is_valid():
        status = 400
    elif bound:
        a, b = versions[form.cleaned_data["a"]], versions[form.cleaned_data["b"]]
        view_a, view_b = selectors.version_view(user, a), selectors.version_view(user, b)
        left, right = _info(a, view_a), _info(b, view_b)
        rows = diff.compare(view_a, view_b)
        only_changed = form.cleaned_data["only_changed"]
        shown = markings.highest([plan.marking, left.marking, right.marking])
        ctx.update(
            left=left,
            right=right,
            rows=[r for r in rows if r["changed"]] if only_changed else rows,
            only_changed=only_changed,
            changed=diff.changed_count(rows),
            page_marking=shown,
        )
        record_event(
            actor=user,
            action="plan.version_view",
            obj=plan,
            marking=shown,
            request=request,
            summary=f"versions {a.number} and {b.number} compared",
        )
    return TemplateResponse(request, "plans/version_compare.html", ctx, status=status)


# --- PDF ------------------------------------------------------------------------------------


def _pdf(request: HttpRequest, plan: Plan, version: PlanVersion | None) -> HttpResponse:
    user = request.user
    require(user, "export", plan)
    if version is None:
        shown = _shown(plan, selectors.sections_for(user, plan))
        filename, summary = f"plan-{plan.pk}.pdf", f"PDF of {plan} downloaded"
    else:
        shown = _info(version, selectors.version_view(user, version)).marking
        filename = f"plan-{plan.pk}-v{version.number}.pdf"
        summary = f"PDF of {plan}, version {version.number}, downloaded"
    pdf = render_plan_pdf(user, plan, version=version)
    # the PDF says which marking it printed on its pages (it may count the country's too)
    shown = markings.highest([shown, getattr(pdf, "marking", None) or shown])
    filename = getattr(pdf, "filename", None) or filename
    record_event(
        actor=user, action="plan.export", obj=plan, marking=shown, request=request, summary=summary
    )
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response[CLASSIFICATION_HEADER] = markings.label(shown)
    return _private(response)


@login_required
@require_safe
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan as PDF, as the user may read it, marked on every page (audited download)."""
    return _pdf(request, _plan_or_404(request.user, pk), None)


@login_required
@require_safe
def version_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """A frozen version as PDF, as the user may read it (audited download)."""
    plan = _plan_or_404(request.user, pk)
    return _pdf(request, plan, _version_or_404(request.user, plan, number))
