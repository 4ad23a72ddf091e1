"""The watchlist's management pages: tier proposals, the indicator catalogue, monitoring and
observations, surveillance requests, and the upload of statistical risk scores.

Views are thin: they find what the user may see through the selectors (404 for the rest),
parse a form, call one service and render. The services check the policy again, validate,
audit and write. A policy refusal goes to DomainErrorMiddleware (403, or 404 when the record
is not even visible); a service's `Invalid` becomes form errors (400); an action the proposal's
state does not allow answers 409 with the list and a message.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views import View
from django.views.decorators.http import require_POST

from apc.core.exceptions import Conflict, Invalid, InvalidTransition, errors_from_validation
from apc.core.permissions import can, require, visible
from apc.core.views import ActionRequiredMixin, PolicyListView, get_visible_or_404
from watchlist import selectors, services
from watchlist.forms_manage import (
    IndicatorForm,
    MonitorForm,
    ObservationForm,
    ProposalDecisionForm,
    RiskImportForm,
    SurveillanceStatusForm,
)
from watchlist.models import (
    Country,
    Indicator,
    MonitoredIndicator,
    SurveillanceRequest,
    TierProposal,
)
from watchlist.risk_import import risk_scores_import
from watchlist.workflow import PROPOSAL

RECENTLY_DECIDED = 10


def _render_list(
    view_class: type[PolicyListView], request: HttpRequest, status: int, **extra: Any
) -> HttpResponse:
    """Render a list page from a POST that failed, with the failed form in place (`extra`)."""
    view = view_class()
    view.setup(request)
    view.object_list = view.get_queryset()
    context = view.get_context_data(**extra)
    return TemplateResponse(request, view.template_name, context, status=status).render()


class ModelActionMixin(LoginRequiredMixin):
    """Refuse (403, audited) unless the user's role may take `model_action` on the model."""

    model_action: tuple[str, type] | None = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.model_action:
            require(request.user, *self.model_action)
        return super().dispatch(request, *args, **kwargs)


# --- Tier proposals -------------------------------------------------------------------------


def _all_proposals(user: Any) -> QuerySet[TierProposal]:
    return selectors.proposals_for(user, status=None)


def _decision_form(proposal: TierProposal, data: Any = None) -> ProposalDecisionForm:
    return ProposalDecisionForm(data, auto_id=f"id_proposal{proposal.pk}_%s")


class ProposalListView(ModelActionMixin, PolicyListView):
    """Pending proposals with the buttons the workflow allows this user; the latest decisions."""

    template_name = "watchlist/manage/proposal_list.html"
    model_action = ("view", TierProposal)
    selector = staticmethod(selectors.proposals_for)
    context_object_name = "proposals"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        failed: tuple[int, ProposalDecisionForm] | None = kwargs.pop("failed", None)
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        pending = []
        for proposal in ctx["page_obj"]:
            form = failed[1] if failed and failed[0] == proposal.pk else _decision_form(proposal)
            actions = [
                {
                    "label": t.label or t.action.title(),
                    "action": t.action,
                    "url": reverse("watchlist:proposal-transition", args=[proposal.pk, t.action]),
                }
                for t in PROPOSAL.available(proposal, user)
            ]
            pending.append({"proposal": proposal, "actions": actions, "form": form})
        decided = list(
            _all_proposals(user)
            .exclude(status=TierProposal.Status.PENDING)
            .order_by("-decided_at", "-id")[:RECENTLY_DECIDED]
        )
        ctx["pending"] = pending
        ctx["decided"] = decided
        # The banner: proposals carry their country's marking.
        ctx["countries_shown"] = [p.country for p in ctx["page_obj"]] + [p.country for p in decided]
        return ctx


@login_required
@require_POST
def proposal_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Accept, reject (a note is required) or withdraw a proposal."""
    proposal = get_visible_or_404(request.user, _all_proposals, TierProposal, pk)
    form = _decision_form(proposal, request.POST)
    if form.is_valid():
        try:
            decided = services.tier_proposal_transition(
                proposal=proposal, action=action, actor=request.user, note=form.cleaned_data["note"]
            )
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        except (InvalidTransition, Conflict) as exc:
            messages.error(request, exc.detail)
            return _render_list(ProposalListView, request, status=exc.status_code)
        else:
            country = decided.country
            if decided.status == TierProposal.Status.ACCEPTED:
                country.refresh_from_db(fields=["tier"])
                tier = country.get_tier_display() or "not listed"
                messages.success(request, f"Proposal accepted: {country.name} is now {tier}.")
            else:
                messages.success(
                    request,
                    f"Proposal for {country.name} {decided.get_status_display().lower()}.",
                )
            return redirect("watchlist:proposal-list")
    messages.error(request, "The decision was not recorded; see the proposal below.")
    return _render_list(ProposalListView, request, status=400, failed=(proposal.pk, form))


# --- Indicator catalogue ----------------------------------------------------------------------


class IndicatorListView(ModelActionMixin, PolicyListView):
    template_name = "watchlist/manage/indicator_list.html"
    model_action = ("view", Indicator)
    selector = staticmethod(selectors.indicator_catalogue_for)
    context_object_name = "indicators"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["can_manage"] = can(self.request.user, "watchlist.manage_indicators")
        return ctx


class IndicatorFormView(ActionRequiredMixin, View):
    """Create (no pk) or edit a catalogue indicator; directorate staff only."""

    required_action = "watchlist.manage_indicators"
    template_name = "watchlist/manage/indicator_form.html"

    def _indicator(self) -> Indicator | None:
        pk = self.kwargs.get("pk")
        if pk is None:
            return None
        return get_visible_or_404(
            self.request.user, selectors.indicator_catalogue_for, Indicator, pk
        )

    def _render(self, form: IndicatorForm, indicator: Indicator | None, status: int = 200):
        ctx = {"form": form, "indicator": indicator}
        return TemplateResponse(self.request, self.template_name, ctx, status=status)

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        indicator = self._indicator()
        initial = (
            {
                "name": indicator.name,
                "description": indicator.description,
                "category": indicator.category,
                "active": indicator.active,
            }
            if indicator
            else None
        )
        return self._render(IndicatorForm(initial=initial), indicator)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        indicator = self._indicator()
        form = IndicatorForm(request.POST)
        if form.is_valid():
            try:
                saved = services.indicator_save(
                    actor=request.user, indicator=indicator, **form.service_fields()
                )
            except Invalid as exc:
                form.add_domain_errors(exc.errors, exc.detail)
            except DjangoValidationError as exc:
                form.add_domain_errors(errors_from_validation(exc))
            else:
                verb = "saved" if indicator else "added to the catalogue"
                messages.success(request, f"Indicator “{saved.name}” {verb}.")
                return redirect("watchlist:indicator-list")
        return self._render(form, indicator, status=400)


# --- Monitoring and observations --------------------------------------------------------------


def _country_or_404(user: Any, iso3: str) -> Country:
    return get_visible_or_404(user, selectors.countries_for, Country, iso3.upper())


class MonitorView(LoginRequiredMixin, View):
    """The indicators monitored for one country; start monitoring another (co-chairs and
    directorate)."""

    template_name = "watchlist/manage/monitor.html"

    def _setup(self, iso3: str) -> Country:
        country = _country_or_404(self.request.user, iso3)
        require(self.request.user, "monitor_indicator", country)
        return country

    def _form(self, country: Country, data: Any = None) -> MonitorForm:
        already = MonitoredIndicator.objects.filter(country=country, active=True)
        catalogue = selectors.indicator_catalogue_for(self.request.user).filter(active=True)
        return MonitorForm(data, catalogue=catalogue.exclude(pk__in=already.values("indicator_id")))

    def _render(self, country: Country, form: MonitorForm, status: int = 200) -> HttpResponse:
        user = self.request.user
        monitored = list(selectors.indicators_for(user, country))
        ctx = {
            "country": country,
            "monitored": monitored,
            "observations_shown": [o for m in monitored for o in m.visible_observations[:1]],
            "form": form,
            "can_record": can(user, "record_observation", country),
        }
        return TemplateResponse(self.request, self.template_name, ctx, status=status)

    def get(self, request: HttpRequest, iso3: str) -> HttpResponse:
        country = self._setup(iso3)
        return self._render(country, self._form(country))

    def post(self, request: HttpRequest, iso3: str) -> HttpResponse:
        country = self._setup(iso3)
        form = self._form(country, request.POST)
        if form.is_valid():
            indicator = form.cleaned_data["indicator"]
            services.indicator_monitor(actor=request.user, country=country, indicator=indicator)
            messages.success(request, f"{country.name}: now monitoring “{indicator.name}”.")
            return redirect("watchlist:monitor", country.iso3)
        return self._render(country, form, status=400)


class ObservationCreateView(LoginRequiredMixin, View):
    """Record a dated observation of an indicator monitored for a country (directorate and
    analysts); the markings offered stop at the recorder's clearance."""

    template_name = "watchlist/manage/observation_form.html"
    RECENT = 5

    def _setup(self, iso3: str, pk: int) -> tuple[Country, MonitoredIndicator]:
        user = self.request.user
        country = _country_or_404(user, iso3)
        require(user, "record_observation", country)
        monitored = get_visible_or_404(
            user, lambda u: selectors.indicators_for(u, country), MonitoredIndicator, pk
        )
        return country, monitored

    def _form(self, data: Any = None) -> ObservationForm:
        return ObservationForm(data, clearance=self.request.user.clearance)

    def _render(self, country, monitored, form, status: int = 200) -> HttpResponse:
        ctx = {
            "country": country,
            "monitored": monitored,
            "recent": monitored.visible_observations[: self.RECENT],
            "form": form,
        }
        return TemplateResponse(self.request, self.template_name, ctx, status=status)

    def get(self, request: HttpRequest, iso3: str, pk: int) -> HttpResponse:
        country, monitored = self._setup(iso3, pk)
        return self._render(country, monitored, self._form())

    def post(self, request: HttpRequest, iso3: str, pk: int) -> HttpResponse:
        country, monitored = self._setup(iso3, pk)
        form = self._form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.observation_record(
                    actor=request.user,
                    monitored=monitored,
                    observed_on=data["observed_on"],
                    level=data["level"],
                    note=data["note"].strip(),
                    source=data["source"].strip(),
                    marking=data["marking"],
                )
            except Invalid as exc:
                form.add_domain_errors(exc.errors, exc.detail)
            except DjangoValidationError as exc:
                form.add_domain_errors(errors_from_validation(exc))
            else:
                messages.success(request, f"Observation of “{monitored.indicator.name}” recorded.")
                return redirect("watchlist:country-detail", country.iso3)
        return self._render(country, monitored, form, status=400)


# --- Surveillance requests --------------------------------------------------------------------


def _status_form(request_: SurveillanceRequest, data: Any = None) -> SurveillanceStatusForm:
    form = SurveillanceStatusForm(
        data, auto_id=f"id_request{request_.pk}_%s", initial={"status": request_.status}
    )
    form.fields["status"].label = f"Status of the request for {request_.country.name}"
    return form


class SurveillanceListView(PolicyListView):
    """Requests for heightened surveillance the user may see, with a status form where the user
    may move the request along."""

    template_name = "watchlist/manage/surveillance_list.html"
    required_action = "watchlist.view"
    selector = staticmethod(selectors.surveillance_for)
    context_object_name = "requests"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        failed: tuple[int, SurveillanceStatusForm] | None = kwargs.pop("failed", None)
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        page = list(ctx["page_obj"])
        # One query for the whole page, not one per row.
        updatable = set(
            visible(
                user,
                SurveillanceRequest.objects.filter(pk__in=[r.pk for r in page]),
                "update_status",
            ).values_list("pk", flat=True)
        )
        rows = []
        for req in page:
            form = None
            if req.pk in updatable:
                form = failed[1] if failed and failed[0] == req.pk else _status_form(req)
            rows.append({"request": req, "form": form})
        ctx["rows"] = rows
        ctx["countries_shown"] = [r.country for r in page]
        return ctx


@login_required
@require_POST
def surveillance_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a surveillance request to a new status (the addressed agency or the directorate)."""
    req = get_visible_or_404(request.user, selectors.surveillance_for, SurveillanceRequest, pk)
    require(request.user, "update_status", req)
    form = _status_form(req, request.POST)
    if form.is_valid():
        try:
            updated = services.surveillance_request_update(
                actor=request.user, request=req, status=form.cleaned_data["status"]
            )
        except Invalid as exc:
            form.add_domain_errors(exc.errors, exc.detail)
        else:
            messages.success(
                request,
                f"Surveillance request for {req.country.name}: "
                f"{updated.get_status_display().lower()}.",
            )
            return redirect("watchlist:surveillance-list")
    messages.error(request, "The status was not changed; see the request below.")
    return _render_list(SurveillanceListView, request, status=400, failed=(req.pk, form))


# --- Risk scores ------------------------------------------------------------------------------

PROBLEM_SOURCES = {
    "file": "Scores file",
    "mapping": "Mapping file",
    "vintage": "Vintage",
    "source": "Source",
    "forecast_window": "Forecast window",
    "__all__": "Import",
}


def _text(upload: Any) -> io.TextIOWrapper:
    """The uploaded bytes as UTF-8 text (a byte-order mark is accepted and dropped)."""
    upload.seek(0)
    return io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")


class RiskImportView(ActionRequiredMixin, View):
    """Upload one vintage of statistical risk scores (directorate). Nothing is stored unless
    every row matches a country and validates; then the count and the top ten are shown."""

    required_action = "watchlist.import_scores"
    template_name = "watchlist/manage/risk_import.html"

    def _render(self, form, status: int = 200, **extra: Any) -> HttpResponse:
        return TemplateResponse(
            self.request, self.template_name, {"form": form, **extra}, status=status
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(RiskImportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = RiskImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(form, status=400)
        data = form.cleaned_data
        streams = [_text(data["file"])]
        if data["mapping"]:
            streams.append(_text(data["mapping"]))
        try:
            report = risk_scores_import(
                actor=request.user,
                file=streams[0],
                source=data["source"],
                vintage=data["vintage"],
                forecast_window=data["forecast_window"],
                risk_column=data["risk_column"].strip() or None,
                rank_column=data["rank_column"].strip() or None,
                mapping=streams[1] if len(streams) > 1 else None,
                file_name=data["file"].name,
            )
        except Invalid as exc:
            problems = [
                (PROBLEM_SOURCES.get(key, key.replace("_", " ").capitalize()), message)
                for key, messages_ in exc.errors.items()
                for message in messages_
            ]
            for key, messages_ in exc.errors.items():
                target = key if key in form.fields else None
                if key in ("file", "mapping"):
                    n = len(messages_)
                    form.add_error(key, f"{n} problem{'s' if n != 1 else ''} in this file.")
                else:
                    for message in messages_:
                        form.add_error(target, message)
            return self._render(
                form, status=400, problems=problems, summary=exc.detail or "Nothing was stored."
            )
        finally:
            for stream in streams:
                stream.detach()  # leave closing the upload to Django
        return self._render(RiskImportForm(), report=report)


urlpatterns = [
    path("proposals/", ProposalListView.as_view(), name="proposal-list"),
    path(
        "proposals/<int:pk>/<str:action>/",
        proposal_transition,
        name="proposal-transition",
    ),
    path("indicators/", IndicatorListView.as_view(), name="indicator-list"),
    path("indicators/new/", IndicatorFormView.as_view(), name="indicator-create"),
    path("indicators/<int:pk>/edit/", IndicatorFormView.as_view(), name="indicator-edit"),
    path("surveillance/", SurveillanceListView.as_view(), name="surveillance-list"),
    path("surveillance/<int:pk>/", surveillance_update, name="surveillance-update"),
    path("risk-scores/import/", RiskImportView.as_view(), name="risk-import"),
    path("<str:iso3>/indicators/", MonitorView.as_view(), name="monitor"),
    path(
        "<str:iso3>/indicators/<int:pk>/observations/new/",
        ObservationCreateView.as_view(),
        name="observation-add",
    ),
]
