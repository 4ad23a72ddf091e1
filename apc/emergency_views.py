"""Emergency meeting requests (issue 4): the requests a user may see, a member's request, one
request with the co-chairs' answer (convene with a date, time and level, or decline with
reasons). Included under /emergency/ by apc/urls.py.

Source: seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and Process" (any member may
request an emergency meeting, optionally at the level of the Deputies Committee); an acute
warning of the alert channel requests one on its own behalf (seeds/004, recommendation 2-4).

Views are thin: reads through apc.selectors (404 for what a user may not see), writes through
apc.services (policy, validation, audit). A policy refusal goes to DomainErrorMiddleware (403,
or 404 when the request is not even visible); a service's `Invalid` becomes form errors (400);
an answer to a request already answered answers 409 with the page and a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_POST

from apc import selectors, services
from apc.core.exceptions import Invalid, InvalidTransition
from apc.core.permissions import can, require, visible
from apc.core.views import ActionRequiredMixin, PolicyDetailView, PolicyListView
from apc.core.views import get_visible_or_404 as _visible_or_404
from apc.forms_emergency import ConveneForm, DeclineForm, EmergencyRequestForm, duration_text
from apc.models import EmergencyRequest

WARNING_REF = "watchlist.warning:"


# --- Deadlines shown with a countdown (static/js/countdown.js keeps it live) -----------------


def _span(minutes: int) -> str:
    if minutes < 1:
        return "less than 1 min"
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins} min"
    return f"{mins} min"


def countdown_text(due: datetime, now: datetime | None = None) -> str:
    """ "in 1 h 12 min" or "overdue by 5 min": the same text countdown.js writes."""
    seconds = int((due - (now or timezone.now())).total_seconds())
    text = _span(abs(seconds) // 60)
    return f"overdue by {text}" if seconds < 0 else f"in {text}"


@dataclass(frozen=True)
class Deadline:
    """A due moment as the templates show it (templates/apc/emergency/_countdown.html)."""

    iso: str
    display: str
    text: str
    overdue: bool


def deadline(due: datetime, now: datetime | None = None) -> Deadline:
    now = now or timezone.now()
    at = due.astimezone(UTC)
    return Deadline(
        iso=at.isoformat(timespec="seconds"),
        display=at.strftime("%Y-%m-%d %H:%M UTC"),
        text=countdown_text(due, now),
        overdue=due < now,
    )


# --- Helpers --------------------------------------------------------------------------------


def _country_names(user: Any, codes: set[str]) -> dict[str, str]:
    """Names of the countries (ISO3) the user may see, in one query (apc does not import the
    watchlist app: the model is looked up at run time)."""
    if not codes:
        return {}
    country = apps.get_model("watchlist", "Country")
    return dict(visible(user, country.objects.filter(pk__in=codes)).values_list("iso3", "name"))


def _countries_label(req: EmergencyRequest, names: dict[str, str]) -> str:
    return ", ".join(names.get(code, code) for code in req.countries)


def _warning_id(req: EmergencyRequest) -> int | None:
    if req.source_ref.startswith(WARNING_REF):
        try:
            return int(req.source_ref[len(WARNING_REF) :])
        except ValueError:
            return None
    return None


def _warning_url(user: Any, req: EmergencyRequest) -> str | None:
    """The link to the warning that prompted the request, for those who may read it."""
    pk = _warning_id(req)
    if pk is None:
        return None
    warning = apps.get_model("watchlist", "Warning").objects.filter(pk=pk).first()
    if warning is None or not can(user, "view", warning):
        return None
    try:
        return reverse("watchlist:warning-detail", args=[pk])
    except NoReverseMatch:
        return None


def _all_countries(user: Any) -> list[tuple[str, str]]:
    country = apps.get_model("watchlist", "Country")
    return list(visible(user, country.objects.order_by("name")).values_list("iso3", "name"))


# --- Pages ----------------------------------------------------------------------------------


class EmergencyListView(PolicyListView):
    """The requests the user may see (co-chairs and the directorate all; a member their own; the
    Deputies secretariat those raised to its level), pending first by deadline."""

    template_name = "apc/emergency/request_list.html"
    selector = staticmethod(selectors.emergency_requests_for)
    context_object_name = "requests"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        page = list(ctx["page_obj"])
        names = _country_names(user, {c for r in page for c in r.countries})
        now = timezone.now()
        ctx["rows"] = [
            {
                "request": r,
                "countries": _countries_label(r, names),
                "due": deadline(r.due, now)
                if r.status == EmergencyRequest.Status.PENDING
                else None,
                "from_channel": r.requested_by_id is None,
            }
            for r in page
        ]
        ctx["can_request"] = can(user, "emergency.request")
        return ctx


class EmergencyCreateView(ActionRequiredMixin, View):
    """A member (or co-chair) asks for an emergency meeting."""

    required_action = "emergency.request"
    template_name = "apc/emergency/request_form.html"

    def _form(self, data: Any = None) -> EmergencyRequestForm:
        return EmergencyRequestForm(data, countries=_all_countries(self.request.user))

    def _render(self, form: EmergencyRequestForm, status: int = 200) -> HttpResponse:
        return TemplateResponse(
            self.request,
            self.template_name,
            {
                "form": form,
                "answer_within": duration_text(settings.EMERGENCY_REQUEST_ANSWER_SECONDS),
            },
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(self._form())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                req = services.emergency_request_create(
                    actor=request.user,
                    countries=data["countries"],
                    reasons=data["reasons"],
                    level=data["level"],
                )
            except Invalid as exc:
                form.add_domain_errors(exc.errors, exc.detail)
            else:
                messages.success(
                    request,
                    f"Emergency meeting request #{req.pk} sent to the co-chairs. They answer by "
                    f"{deadline(req.due).display}.",
                )
                return redirect("emergency-detail", req.pk)
        return self._render(form, status=400)


def _detail_context(
    request: HttpRequest,
    req: EmergencyRequest,
    *,
    convene: ConveneForm | None = None,
    decline: DeclineForm | None = None,
) -> dict[str, Any]:
    user = request.user
    pending = req.status == EmergencyRequest.Status.PENDING
    may_convene = pending and can(user, "convene", req)
    may_decline = pending and can(user, "decline", req)
    names = _country_names(user, set(req.countries))
    from apc.meetings.models import Meeting

    meeting = Meeting.objects.filter(emergency_request=req).first()
    return {
        "emergency": req,
        "meeting": meeting if meeting is not None and can(user, "view", meeting) else None,
        "countries": [(code, names.get(code, code)) for code in req.countries],
        "due": deadline(req.due) if pending else None,
        "warning_id": _warning_id(req),
        "warning_url": _warning_url(user, req),
        "convene_form": (convene or ConveneForm(request_level=req.level)) if may_convene else None,
        "decline_form": (decline or DeclineForm()) if may_decline else None,
    }


class EmergencyDetailView(PolicyDetailView):
    """One request; a co-chair convenes it or declines it while it is pending."""

    template_name = "apc/emergency/request_detail.html"
    selector = staticmethod(selectors.emergency_requests_for)
    context_object_name = "emergency"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx.update(_detail_context(self.request, self.object))
        return ctx


def _render_detail(
    request: HttpRequest, req: EmergencyRequest, status: int, **forms: Any
) -> HttpResponse:
    ctx = _detail_context(request, req, **forms)
    return TemplateResponse(request, EmergencyDetailView.template_name, ctx, status=status)


@login_required
@require_POST
def emergency_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """A co-chair convenes (`action=convene`, `meeting_at`, `level`) or declines
    (`action=decline`, `note`) a pending request."""
    user = request.user
    req = _visible_or_404(user, selectors.emergency_requests_for, EmergencyRequest, pk)
    if not (can(user, "convene", req) or can(user, "decline", req)):
        require(user, "convene", req)  # refused: 403, audited
    if req.status != EmergencyRequest.Status.PENDING:
        messages.error(request, f"This request was already {req.get_status_display().lower()}.")
        return _render_detail(request, req, 409)
    action = request.POST.get("action", "")
    convene = ConveneForm(request.POST if action == "convene" else None, request_level=req.level)
    decline = DeclineForm(request.POST if action == "decline" else None)
    form = {"convene": convene, "decline": decline}.get(action)
    if form is None:
        messages.error(request, "Choose to convene or to decline the request.")
        return _render_detail(request, req, 400)
    if form.is_valid():
        data = form.cleaned_data
        try:
            answered = services.emergency_request_answer(
                actor=user,
                request=req,
                action=action,
                note=data.get("note", ""),
                meeting_at=data.get("meeting_at"),
                level=data.get("level", ""),
            )
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        except InvalidTransition as exc:
            messages.error(request, exc.detail)
            req.refresh_from_db()
            return _render_detail(request, req, exc.status_code)
        else:
            if action == "convene":
                messages.success(
                    request,
                    f"Emergency {answered.get_meeting_level_display()} meeting convened for "
                    f"{deadline(answered.meeting_at).display}; the members are told.",
                )
            else:
                messages.success(request, "Request declined; the requester and members are told.")
            return redirect("emergency-detail", answered.pk)
    messages.error(request, "The request was not answered; correct the marked fields.")
    return _render_detail(request, req, 400, convene=convene, decline=decline)


urlpatterns = [
    path("", EmergencyListView.as_view(), name="emergency-list"),
    path("new/", EmergencyCreateView.as_view(), name="emergency-new"),
    path("<int:pk>/", EmergencyDetailView.as_view(), name="emergency-detail"),
    path("<int:pk>/answer/", emergency_answer, name="emergency-answer"),
]
