"""The pages of the APC's meetings (issue 5, "Pages"): the meetings list (upcoming, past); the
meeting page (status and time, the agenda with its editor for the secretariat while the agenda
is a draft, attendance and quorum, minutes and addenda, decisions, action items); the
action-item tracker; one action item with its history, its owner agency's update and a
co-chair's reassignment; the committee's membership.

Source: seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and Process"
(recommendation 4-1): the APC meets every other month and as needed, is co-chaired, comprises
the member agencies at assistant-secretary level, discusses the latest risk assessment and
warning analysis, and reviews implementation of previously agreed actions and their impacts.

Views are thin: reads through apc.meetings.selectors (a meeting the user may not see answers
404, and the attempt is audited), writes through apc.meetings.services (policy, validation,
audit). A policy refusal goes to DomainErrorMiddleware (403, or 404 when hidden); a service's
`Invalid` becomes form errors on the page (400, nothing changed); a step the meeting's state no
longer allows answers 409 with the meeting page and a message. Reads of the meeting page and of
an action item are audited, marked with the highest marking they showed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apc.core import markings, roles
from apc.core.audit import record_event
from apc.core.exceptions import Invalid, InvalidTransition
from apc.core.forms import style_form
from apc.core.permissions import can, require, visible
from apc.core.views import PolicyListView
from apc.core.views import get_visible_or_404 as _visible_or_404
from apc.meetings import selectors, services
from apc.meetings.dates import committee_today
from apc.meetings.filters import ActionItemFilter, MeetingFilter
from apc.meetings.forms import (
    ActionItemForm,
    ActionItemUpdateForm,
    AddendumForm,
    AgendaItemEditForm,
    AgendaItemForm,
    AttendanceForm,
    DecisionForm,
    MembershipEndForm,
    MembershipForm,
    MinutesForm,
    ReassignForm,
    person,
)
from apc.meetings.markdown import render
from apc.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Meeting,
    Membership,
)
from apc.meetings.workflow import MEETING_WORKFLOW
from apc.models import Agency, User

S = Meeting.Status
DETAIL_TEMPLATE = "apc/meetings/meeting_detail.html"
COMMITTEE_ROLES = (roles.MEMBER, roles.CO_CHAIR, roles.DIRECTORATE)
TRANSITIONS = {t.action: t for t in MEETING_WORKFLOW.transitions}
DONE = {
    "lock_agenda": "The agenda is locked and published; the members are told.",
    "reopen_agenda": "The agenda is reopened as a draft.",
    "hold": "The meeting is open: record attendance, minutes, decisions and action items.",
    "approve_minutes": "The minutes are approved and frozen; corrections are addenda.",
    "close": "The meeting is closed.",
    "cancel": "The meeting is cancelled; the members are told.",
}
# Why a form of the meeting page is not available in the meeting's current state (409).
NOT_HELD = "This is possible only while the meeting is held."
AGENDA_LOCKED = "The agenda is locked: a co-chair must reopen it to change it."


# --- Helpers --------------------------------------------------------------------------------


def _meeting_or_404(user: Any, pk: int) -> Meeting:
    return _visible_or_404(user, selectors.meetings_for, Meeting, pk)


def _agenda_items_for(user: Any):
    return visible(user, AgendaItem.objects.select_related("meeting", "presenter_agency"))


def _countries(user: Any) -> list[tuple[str, str]]:
    """(iso3, name) of every country the user may see (apc does not import the watchlist)."""
    country = apps.get_model("watchlist", "Country")
    return list(visible(user, country.objects.order_by("name")).values_list("iso3", "name"))


def _committee_users() -> list[User]:
    """Active people of the committee's roles, by agency: who may be assigned an action."""
    return list(
        User.objects.filter(is_active=True, groups__name__in=COMMITTEE_ROLES)
        .distinct()
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name", "username")
    )


def _anchor(meeting: Meeting, section: str) -> str:
    return f"{reverse('meeting-detail', args=[meeting.pk])}#{section}"


def _error_text(exc: Invalid) -> str:
    parts = [m for msgs in exc.errors.values() for m in msgs]
    return " ".join(parts) or exc.detail


# --- The meetings list ----------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Upcoming meetings (soonest first) and past ones (newest first, paginated), filtered by
    kind and level."""
    user = request.user
    require(user, "meetings.view")
    qs = selectors.meetings_for(user)
    flt = MeetingFilter(request.GET or None, queryset=qs, request=request)
    fields = flt.form.fields
    fields["kind"].choices = [("", "Any kind"), *Meeting.Kind.choices]
    fields["level"].choices = [("", "Any level"), *Meeting.Level.choices]
    style_form(flt.form)
    if flt.is_bound:
        qs = flt.qs if flt.is_valid() else qs.none()
    page = Paginator(selectors.past(qs), settings.APC_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "filter": flt,
        "upcoming": list(selectors.upcoming(qs)),
        "past": list(page),
        "page_obj": page,
        "querystring": query.urlencode(),
        "meeting_tz": settings.MEETING_TIMEZONE,
        "can_track": can(user, "view", ActionItem),
        "can_membership": can(user, "view", Membership),
        "can_calendar": can(user, "meetings.calendar"),
    }
    return TemplateResponse(request, "apc/meetings/meeting_list.html", ctx)


# --- The meeting page -----------------------------------------------------------------------


def _sections(agenda: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_section: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in agenda:
        by_section[row["item"].section].append(row)
    return [
        {
            "number": value,
            "label": label,
            "rows": by_section[value],
            "minutes": sum(r["item"].minutes_allocated or 0 for r in by_section[value]),
        }
        for value, label in AgendaItem.Section.choices
        if by_section[value]
    ]


def _attendance_form(
    meeting: Meeting, rows: list[Attendance], present: list[User], data: Any = None
) -> AttendanceForm:
    agency_ids = [r.agency_id for r in rows]
    people: dict[int, list[User]] = defaultdict(list)
    for u in (
        User.objects.filter(agency_id__in=agency_ids, is_active=True, groups__name=roles.MEMBER)
        .distinct()
        .order_by("last_name", "first_name", "username")
    ):
        people[u.agency_id].append(u)
    chairs = list(
        User.objects.filter(groups__name=roles.CO_CHAIR, is_active=True)
        .distinct()
        .select_related("agency")
        .order_by("last_name", "first_name", "username")
    )
    return AttendanceForm(
        data,
        rows=rows,
        people=people,
        co_chairs=chairs,
        present=[u.pk for u in present],
        prefix="attendance",
    )


def _detail_context(
    request: HttpRequest,
    meeting: Meeting,
    *,
    agenda_form: AgendaItemForm | None = None,
    attendance_form: AttendanceForm | None = None,
    minutes_form: MinutesForm | None = None,
    addendum_form: AddendumForm | None = None,
    decision_form: DecisionForm | None = None,
    action_form: ActionItemForm | None = None,
) -> dict[str, Any]:
    """Everything the meeting page shows to this user, and the forms they may use now."""
    user = request.user
    meeting = selectors.meeting_with_parts(user, meeting)
    held = meeting.status == S.HELD
    met = meeting.status in (S.HELD, S.MINUTES_APPROVED, S.CLOSED)
    shown: set[str] = {meeting.marking}

    # the agenda: items and entries within the user's clearance
    agenda = selectors.agenda_for(user, meeting)
    shown |= selectors.agenda_markings(agenda)
    can_edit_agenda = meeting.agenda_editable and can(user, "edit_agenda", meeting)
    if can_edit_agenda and agenda_form is None:
        agenda_form = AgendaItemForm(clearance=user.clearance, prefix="agenda")

    # attendance and quorum
    attendance = list(selectors.attendance_for(user, meeting))
    present = list(meeting.co_chairs_present.all())
    quorum = services.quorum_of(meeting) if met else None
    if held and can(user, "record_attendance", meeting) and attendance_form is None:
        attendance_form = _attendance_form(meeting, attendance, present)
    elif not held:
        attendance_form = None

    # minutes and addenda
    minutes_shown = selectors.minutes_visible(user, meeting)
    minutes_html = render(meeting.minutes) if minutes_shown and meeting.minutes else ""
    if minutes_html:
        shown.add(meeting.minutes_marking)
    if held and minutes_shown and can(user, "write_minutes", meeting):
        minutes_form = minutes_form or MinutesForm(
            clearance=user.clearance,
            prefix="minutes",
            initial={"minutes": meeting.minutes, "minutes_marking": meeting.minutes_marking},
        )
    else:
        minutes_form = None
    addenda = [
        {"addendum": a, "html": render(a.text)} for a in selectors.addenda_for(user, meeting)
    ]
    if meeting.minutes_frozen and can(user, "add_addendum", meeting):
        addendum_form = addendum_form or AddendumForm(clearance=user.clearance, prefix="addendum")
    else:
        addendum_form = None

    # decisions and action items
    decisions = list(selectors.decisions_for(user, meeting))
    warning_ids = {d.warning_id for d in decisions if d.warning_id}
    readable_warnings: set[int] = set()
    if warning_ids:
        warning = apps.get_model("watchlist", "Warning")
        readable_warnings = set(
            visible(user, warning.objects.filter(pk__in=warning_ids)).values_list("pk", flat=True)
        )
    action_items = list(selectors.action_items_for(user).filter(meeting=meeting))
    may_decide = held and can(user, "record_decision", meeting)
    may_add_action = held and can(user, "add_action_item", meeting)
    countries = _countries(user) if (may_decide or may_add_action) else []
    if may_decide:
        decision_form = decision_form or DecisionForm(
            clearance=user.clearance, countries=countries, prefix="decision"
        )
    else:
        decision_form = None
    if may_add_action:
        action_form = action_form or ActionItemForm(
            clearance=user.clearance,
            users=_committee_users(),
            decisions=decisions,
            countries=countries,
            prefix="action",
        )
    else:
        action_form = None

    # an emergency meeting: its countries and the request it answers
    emergency_url = None
    emergency_countries: list[tuple[str, str]] = []
    if meeting.kind == Meeting.Kind.EMERGENCY:
        req = meeting.emergency_request
        if req is not None and can(user, "view", req):
            emergency_url = reverse("emergency-detail", args=[req.pk])
        if meeting.countries:
            country = apps.get_model("watchlist", "Country")
            names = dict(
                visible(user, country.objects.filter(pk__in=meeting.countries)).values_list(
                    "iso3", "name"
                )
            )
            emergency_countries = [(c, names[c]) for c in meeting.countries if c in names]

    shown |= {d.marking for d in decisions}
    shown |= {a.marking for a in action_items}
    shown |= {row["addendum"].marking for row in addenda}
    today = committee_today()
    return {
        "meeting": meeting,
        "meeting_tz": settings.MEETING_TIMEZONE,
        "transitions": MEETING_WORKFLOW.available(meeting, user),
        "emergency_url": emergency_url,
        "emergency_countries": emergency_countries,
        "sections": _sections(agenda),
        "agenda_minutes": sum(r["item"].minutes_allocated or 0 for r in agenda),
        "agenda_unpublished": not agenda and meeting.status in (S.SCHEDULED, S.CANCELLED),
        "can_edit_agenda": can_edit_agenda,
        "agenda_form": agenda_form if can_edit_agenda else None,
        "attendance": attendance,
        "co_chairs_present": present,
        "quorum": quorum,
        "attendance_form": attendance_form,
        "minutes_shown": minutes_shown,
        "minutes_html": minutes_html,
        "minutes_form": minutes_form,
        "addenda": addenda,
        "addendum_form": addendum_form,
        "decisions": [
            {"decision": d, "warning_readable": d.warning_id in readable_warnings}
            for d in decisions
        ],
        "decision_form": decision_form,
        "action_items": [{"item": a, "overdue": a.is_open and a.due < today} for a in action_items],
        "action_form": action_form,
        "page_marking": markings.highest(shown),
    }


def _detail(request: HttpRequest, meeting: Meeting, status: int = 200, **forms: Any):
    """The meeting page (an audited read), as a page or as the answer to a refused POST."""
    ctx = _detail_context(request, meeting, **forms)
    record_event(
        actor=request.user,
        action="meeting.view",
        obj=meeting,
        marking=ctx["page_marking"],
        request=request,
    )
    return TemplateResponse(request, DETAIL_TEMPLATE, ctx, status=status)


def _refused(request: HttpRequest, meeting: Meeting, detail: str, status: int, **forms: Any):
    messages.error(request, detail)
    meeting.refresh_from_db()
    return _detail(request, meeting, status, **forms)


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _meeting_or_404(request.user, pk))


@login_required
@require_POST
def meeting_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """A co-chair moves the meeting along its life cycle (`action`: a workflow action)."""
    user = request.user
    meeting = _meeting_or_404(user, pk)
    action = request.POST.get("action", "")
    t = TRANSITIONS.get(action)
    require(user, t.permission if t else "hold", meeting)
    if t is None:
        return _refused(request, meeting, "Choose an action.", 400)
    try:
        services.meeting_transition(actor=user, meeting=meeting, action=action)
    except InvalidTransition as exc:
        return _refused(request, meeting, exc.detail, exc.status_code)
    except Invalid as exc:
        return _refused(request, meeting, _error_text(exc), exc.status_code)
    messages.success(request, DONE.get(action, "Done."))
    return redirect("meeting-detail", meeting.pk)


# --- The agenda editor ----------------------------------------------------------------------


@login_required
@require_POST
def agenda_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting_or_404(user, pk)
    require(user, "edit_agenda", meeting)
    try:
        services.agenda_regenerate(actor=user, meeting=meeting)
    except InvalidTransition as exc:
        return _refused(request, meeting, exc.detail, exc.status_code)
    messages.success(
        request, "Agenda regenerated from the watchlist, the warnings and the action items."
    )
    return redirect(_anchor(meeting, "agenda"))


@login_required
@require_POST
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting_or_404(user, pk)
    require(user, "edit_agenda", meeting)
    if not meeting.agenda_editable:
        return _refused(request, meeting, AGENDA_LOCKED, 409)
    form = AgendaItemForm(request.POST, clearance=user.clearance, prefix="agenda")
    if form.is_valid():
        try:
            item = services.agenda_item_add(actor=user, meeting=meeting, **form.cleaned_data)
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        except InvalidTransition as exc:
            return _refused(request, meeting, exc.detail, exc.status_code)
        else:
            messages.success(request, f"“{item.title}” added to the agenda.")
            return redirect(_anchor(meeting, "agenda"))
    return _refused(request, meeting, "The item was not added.", 400, agenda_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Give an item a presenter agency and a time (a hand-added one: its title and notes)."""
    user = request.user
    item = _visible_or_404(user, _agenda_items_for, AgendaItem, pk)
    meeting = item.meeting
    require(user, "edit_agenda", meeting)
    if not meeting.agenda_editable:
        return _refused(request, meeting, AGENDA_LOCKED, 409)
    form = AgendaItemEditForm(request.POST if request.method == "POST" else None, item=item)
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.agenda_item_update(
                    actor=user,
                    item=item,
                    presenter_agency=data["presenter_agency"],
                    minutes_allocated=data["minutes_allocated"],
                    title=data.get("title"),
                    notes=data.get("notes"),
                )
            except Invalid as exc:
                form.add_domain_errors(exc.errors, exc.detail)
            except InvalidTransition as exc:
                return _refused(request, meeting, exc.detail, exc.status_code)
            else:
                messages.success(request, f"“{item.title}” updated.")
                return redirect(_anchor(meeting, "agenda"))
        status = 400
    ctx = {"item": item, "meeting": meeting, "form": form, "meeting_tz": settings.MEETING_TIMEZONE}
    return TemplateResponse(request, "apc/meetings/agenda_item_form.html", ctx, status=status)


@login_required
@require_POST
def agenda_item_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an item up or down within its section (`direction`)."""
    user = request.user
    item = _visible_or_404(user, _agenda_items_for, AgendaItem, pk)
    direction = request.POST.get("direction", "")
    try:
        services.agenda_item_move(actor=user, item=item, direction=direction)
    except Invalid as exc:
        return _refused(request, item.meeting, _error_text(exc), exc.status_code)
    except InvalidTransition as exc:
        return _refused(request, item.meeting, exc.detail, exc.status_code)
    messages.success(request, f"“{item.title}” moved {direction}.")
    return redirect(_anchor(item.meeting, "agenda"))


@login_required
@require_POST
def agenda_item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = _visible_or_404(user, _agenda_items_for, AgendaItem, pk)
    try:
        services.agenda_item_remove(actor=user, item=item)
    except InvalidTransition as exc:
        return _refused(request, item.meeting, exc.detail, exc.status_code)
    messages.success(request, f"“{item.title}” removed from the agenda.")
    return redirect(_anchor(item.meeting, "agenda"))


# --- Holding the meeting --------------------------------------------------------------------


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Record per member agency principal, alternate or absent, and the co-chairs present."""
    user = request.user
    meeting = _meeting_or_404(user, pk)
    require(user, "record_attendance", meeting)
    if meeting.status != S.HELD:
        return _refused(request, meeting, "Attendance is recorded while the meeting is held.", 409)
    meeting = selectors.meeting_with_parts(user, meeting)
    rows = list(selectors.attendance_for(user, meeting))
    form = _attendance_form(meeting, rows, list(meeting.co_chairs_present.all()), request.POST)
    if form.is_valid():
        try:
            quorum = services.attendance_record(
                actor=user, meeting=meeting, **form.service_fields()
            )
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        except InvalidTransition as exc:
            return _refused(request, meeting, exc.detail, exc.status_code)
        else:
            messages.success(request, f"Attendance recorded. {quorum}.")
            return redirect(_anchor(meeting, "attendance"))
    return _refused(request, meeting, "Attendance was not recorded.", 400, attendance_form=form)


@login_required
@require_POST
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the draft minutes and their marking (while held; frozen once approved)."""
    user = request.user
    meeting = _meeting_or_404(user, pk)
    require(user, "write_minutes", meeting)
    if meeting.minutes_frozen:
        return _refused(
            request,
            meeting,
            "The minutes are approved and frozen: add an addendum to correct them.",
            409,
        )
    if meeting.status != S.HELD:
        return _refused(request, meeting, "Minutes are written once the meeting is held.", 409)
    form = MinutesForm(request.POST, clearance=user.clearance, prefix="minutes")
    if form.is_valid():
        try:
            services.minutes_save(
                actor=user,
                meeting=meeting,
                text=form.cleaned_data["minutes"],
                marking=form.cleaned_data["minutes_marking"],
            )
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        except InvalidTransition as exc:
            return _refused(request, meeting, exc.detail, exc.status_code)
        else:
            messages.success(request, "Minutes saved.")
            return redirect(_anchor(meeting, "minutes"))
    return _refused(request, meeting, "The minutes were not saved.", 400, minutes_form=form)


@login_required
@require_POST
def addendum_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct approved minutes by an addendum."""
    user = request.user
    meeting = _meeting_or_404(user, pk)
    require(user, "add_addendum", meeting)
    if not meeting.minutes_frozen:
        return _refused(
            request, meeting, "Addenda correct approved minutes; edit the draft instead.", 409
        )
    form = AddendumForm(request.POST, clearance=user.clearance, prefix="addendum")
    if form.is_valid():
        try:
            services.addendum_add(actor=user, meeting=meeting, **form.cleaned_data)
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        except InvalidTransition as exc:
            return _refused(request, meeting, exc.detail, exc.status_code)
        else:
            messages.success(request, "Addendum added to the minutes.")
            return redirect(_anchor(meeting, "minutes"))
    return _refused(request, meeting, "The addendum was not added.", 400, addendum_form=form)


@login_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A co-chair records a decision of the held meeting (a tier change moves the country)."""
    user = request.user
    meeting = _meeting_or_404(user, pk)
    require(user, "record_decision", meeting)
    if meeting.status != S.HELD:
        return _refused(
            request, meeting, "Decisions are recorded only while the meeting is held.", 409
        )
    form = DecisionForm(
        request.POST, clearance=user.clearance, countries=_countries(user), prefix="decision"
    )
    if form.is_valid():
        data = form.cleaned_data
        country = warning = None
        if data["country"]:
            country = apps.get_model("watchlist", "Country").objects.get(pk=data["country"])
        if data["warning"]:
            model = apps.get_model("watchlist", "Warning")
            warning = visible(user, model.objects.filter(pk=data["warning"])).first()
            if warning is None:
                form.add_error("warning", "No warning with this number that you may see.")
        plan = None
        if data.get("plan"):
            model = apps.get_model("plans", "Plan")
            plan = visible(user, model.objects.filter(pk=data["plan"])).first()
            if plan is None:
                form.add_error("plan", "No plan with this number that you may see.")
        if not form.errors:
            try:
                decision = services.decision_record(
                    actor=user,
                    meeting=meeting,
                    kind=data["kind"],
                    text=data["text"],
                    country=country,
                    warning=warning,
                    to_tier=form.to_tier_value(),
                    marking=data["marking"],
                    plan=plan,
                )
            except Invalid as exc:
                form.add_domain_errors(exc.errors, exc.detail)
            except InvalidTransition as exc:
                return _refused(request, meeting, exc.detail, exc.status_code)
            else:
                flag = " (without quorum: flagged)" if decision.without_quorum else ""
                messages.success(
                    request, f"Decision recorded: {decision.get_kind_display()}{flag}."
                )
                return redirect(_anchor(meeting, "decisions"))
    return _refused(request, meeting, "The decision was not recorded.", 400, decision_form=form)


@login_required
@require_POST
def action_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an action the held meeting agreed."""
    user = request.user
    meeting = _meeting_or_404(user, pk)
    require(user, "add_action_item", meeting)
    if meeting.status != S.HELD:
        return _refused(request, meeting, "Action items are agreed while the meeting is held.", 409)
    countries = _countries(user)
    form = ActionItemForm(
        request.POST,
        clearance=user.clearance,
        users=_committee_users(),
        decisions=list(selectors.decisions_for(user, meeting)),
        countries=countries,
        prefix="action",
    )
    if form.is_valid():
        data = form.cleaned_data
        country = None
        if data["country"]:
            country = apps.get_model("watchlist", "Country").objects.get(pk=data["country"])
        try:
            item = services.action_item_create(
                actor=user,
                meeting=meeting,
                text=data["text"],
                owner_agency=data["owner_agency"],
                due=data["due"],
                assignee=data["assignee"],
                decision=data["decision"],
                country=country,
                marking=data["marking"],
            )
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        except InvalidTransition as exc:
            return _refused(request, meeting, exc.detail, exc.status_code)
        else:
            messages.success(
                request, f"Action item #{item.pk} added for {item.owner_agency}; they are told."
            )
            return redirect(_anchor(meeting, "action-items"))
    return _refused(request, meeting, "The action item was not added.", 400, action_form=form)


# --- The action-item tracker ----------------------------------------------------------------


class ActionItemListView(PolicyListView):
    """Every action item the user may see, soonest due first, filterable by owner agency,
    status, overdue and due range; overdue items are marked."""

    template_name = "apc/meetings/action_item_list.html"
    selector = staticmethod(selectors.action_items_for)
    filterset_class = ActionItemFilter
    context_object_name = "items"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require(request.user, "view", ActionItem)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        qs = super().get_queryset()
        fields = self.filterset.form.fields
        fields["status"].widget.attrs["class"] = "usa-checkbox__input"
        fields["overdue"].widget = _either_select("Overdue only", "Not overdue")
        fields["agency"].empty_label = "Any agency"
        fields["agency"].label_from_instance = lambda agency: agency.name
        return qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        today = committee_today()
        ctx["rows"] = [{"item": a, "overdue": a.is_open and a.due < today} for a in ctx["page_obj"]]
        ctx["meeting_tz"] = settings.MEETING_TIMEZONE
        return ctx


def _either_select(yes: str, no: str):
    from django import forms

    return forms.Select(
        choices=[("", "Either"), ("true", yes), ("false", no)], attrs={"class": "usa-select"}
    )


action_item_list = require_GET(ActionItemListView.as_view())


def _history(item_updates: list, agencies: dict[int, str], users: dict[int, str]) -> list:
    """Each update's changes in words: field, before, after."""
    names = {
        "status": "Status",
        "implementation_notes": "Implementation notes",
        "impact": "Impact",
        "owner_agency_id": "Owner agency",
        "assignee_id": "Assignee",
        "due": "Due date",
    }
    labels = dict(ActionItem.Status.choices)

    def word(field: str, value: Any) -> str:
        if value in (None, "", "None"):
            return "—"
        if field == "status":
            return labels.get(value, value)
        if field == "owner_agency_id":
            return agencies.get(int(value), str(value))
        if field == "assignee_id":
            return users.get(int(value), str(value))
        return str(value)

    rows = []
    for u in item_updates:
        changes = [
            {
                "field": names.get(field, field),
                "before": word(field, change.get("before")),
                "after": word(field, change.get("after")),
            }
            for field, change in u.changes.items()
            if isinstance(change, dict)
        ]
        rows.append({"update": u, "changes": changes})
    return rows


def _action_item_page(
    request: HttpRequest,
    item: ActionItem,
    form: ActionItemUpdateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    updates = list(selectors.action_item_history(user, item))
    agency_ids, user_ids = set(), set()
    for u in updates:
        for field, ids in (("owner_agency_id", agency_ids), ("assignee_id", user_ids)):
            change = u.changes.get(field)
            if isinstance(change, dict):
                ids |= {
                    int(v)
                    for v in (change.get("before"), change.get("after"))
                    if v not in (None, "", "None")
                }
    agencies = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "short_name"))
    people = {u.pk: person(u) for u in User.objects.filter(pk__in=user_ids)}
    may_update = can(user, "update", item)
    if may_update and form is None:
        form = ActionItemUpdateForm(item=item)
    today = committee_today()
    ctx = {
        "item": item,
        "overdue": item.is_open and item.due < today,
        "history": _history(updates, agencies, people),
        "form": form if may_update else None,
        "can_reassign": can(user, "reassign", item),
        "meeting_tz": settings.MEETING_TIMEZONE,
    }
    record_event(actor=user, action="action_item.view", obj=item, request=request)
    return TemplateResponse(request, "apc/meetings/action_item_detail.html", ctx, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def action_item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One action item and its history; its owner agency updates it here (POST)."""
    user = request.user
    item = _visible_or_404(user, selectors.action_items_for, ActionItem, pk)
    if request.method == "GET":
        return _action_item_page(request, item)
    require(user, "update", item)
    form = ActionItemUpdateForm(request.POST, item=item)
    if form.is_valid():
        try:
            services.action_item_update(actor=user, item=item, **form.cleaned_data)
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        else:
            messages.success(request, "Update saved.")
            return redirect("action-item-detail", item.pk)
    return _action_item_page(request, item, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def action_item_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """A co-chair gives the action to another agency or person, or a new due date."""
    user = request.user
    item = _visible_or_404(user, selectors.action_items_for, ActionItem, pk)
    require(user, "reassign", item)
    users = _committee_users()
    form = ReassignForm(request.POST if request.method == "POST" else None, item=item, users=users)
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.action_item_reassign(actor=user, item=item, **data)
            except Invalid as exc:
                form.add_domain_errors(exc.errors, exc.detail)
            else:
                messages.success(request, f"Action item #{item.pk} reassigned.")
                return redirect("action-item-detail", item.pk)
        status = 400
    ctx = {"item": item, "form": form}
    return TemplateResponse(request, "apc/meetings/action_item_reassign.html", ctx, status=status)


# --- Membership -----------------------------------------------------------------------------


def _seatable_users() -> list[User]:
    return list(
        User.objects.filter(is_active=True, groups__name__in=[roles.MEMBER, roles.CO_CHAIR])
        .distinct()
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name", "username")
    )


def _membership_page(
    request: HttpRequest, form: MembershipForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    seats = list(selectors.memberships_for(user))
    current_ids = set(
        selectors.memberships_for(user, current_only=True).values_list("pk", flat=True)
    )
    current = [m for m in seats if m.pk in current_ids]
    others = [m for m in seats if m.pk not in current_ids]
    today = committee_today()
    by_agency: dict[int, dict[str, Any]] = {}
    for m in current:
        if m.seat == Membership.Seat.CO_CHAIR:
            continue
        row = by_agency.setdefault(
            m.agency_id, {"agency": m.agency, "principal": None, "alternates": []}
        )
        if m.seat == Membership.Seat.PRINCIPAL:
            row["principal"] = m
        else:
            row["alternates"].append(m)
    may_manage = can(user, "membership.manage")
    if may_manage and form is None:
        form = MembershipForm(users=_seatable_users())
    ctx = {
        "co_chairs": [m for m in current if m.seat == Membership.Seat.CO_CHAIR],
        "agencies": sorted(by_agency.values(), key=lambda r: r["agency"].name),
        "past": [m for m in others if m.ends_on is not None],
        "future": [m for m in others if m.ends_on is None and m.starts_on > today],
        "form": form if may_manage else None,
        "can_manage": may_manage,
        "today": today,
    }
    return TemplateResponse(request, "apc/meetings/membership_list.html", ctx, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def membership(request: HttpRequest) -> HttpResponse:
    """The committee's seats; a co-chair seats a user here (POST)."""
    user = request.user
    require(user, "view", Membership)
    if request.method == "GET":
        return _membership_page(request)
    require(user, "membership.manage")
    form = MembershipForm(request.POST, users=_seatable_users())
    if form.is_valid():
        data = form.cleaned_data
        try:
            seat = services.membership_add(
                actor=user,
                user=data["user"],
                seat=data["seat"],
                starts_on=data["starts_on"],
                note=data["note"],
            )
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        else:
            messages.success(
                request,
                f"{person(seat.user)} seated as {seat.get_seat_display().lower()} for "
                f"{seat.agency} from {seat.starts_on:%Y-%m-%d}.",
            )
            return redirect("membership-list")
    return _membership_page(request, form, status=400)


@login_required
@require_POST
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    """A co-chair ends a seat on `ends_on` (today if empty)."""
    user = request.user
    seat = _visible_or_404(user, selectors.memberships_for, Membership, pk)
    require(user, "end", seat)
    form = MembershipEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the end date as YYYY-MM-DD, or leave it empty for today.")
        return _membership_page(request, status=400)
    try:
        services.membership_end(actor=user, membership=seat, ends_on=form.cleaned_data["ends_on"])
    except Invalid as exc:
        messages.error(request, _error_text(exc))
        return _membership_page(request, status=exc.status_code)
    except InvalidTransition as exc:
        messages.error(request, exc.detail)
        return _membership_page(request, status=exc.status_code)
    messages.success(request, f"The seat of {person(seat.user)} ended.")
    return redirect("membership-list")
