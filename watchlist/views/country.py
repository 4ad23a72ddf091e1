"""The watchlist's main pages: the dashboard (counts, filters, table, map, tiers over time), its
CSV export, the country page, and the forms that change a tier (or propose it), edit the
country's profile and mark it reviewed.

Source: issue 3, "Pages"; seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and
Process" (the APC reviews the countries on the Atrocities Watchlist and the Instability
Watchlist) and "Decision Support and Planning" (tiers, plans, heightened surveillance).
Reads go through watchlist.selectors, writes through watchlist.services; both apply the policy.
"""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, re_path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apc.core import markings, panels
from apc.core.audit import record_event
from apc.core.csvutil import Echo, safe_text
from apc.core.exceptions import Conflict, Invalid
from apc.core.permissions import can, require, visible
from apc.core.views import PolicyListView, get_visible_or_404
from watchlist import alerts, selectors, services
from watchlist.filters import CountryFilter
from watchlist.forms import CountryProfileForm, TierChangeForm
from watchlist.models import (
    TIER_RANK,
    Country,
    Indicator,
    PlanTask,
    SurveillanceRequest,
    Tier,
    TierProposal,
)

TIER_LABELS = dict(Tier.choices)

# Labels of the dashboard's sort options; the values are those CountryFilter accepts.
SORT_CHOICES = [
    ("", "Priority, highest first"),
    ("priority", "Priority, lowest first"),
    ("-risk_score", "Risk score, highest first"),
    ("risk_score", "Risk score, lowest first"),
    ("name", "Name, A to Z"),
    ("-name", "Name, Z to A"),
    ("-last_change", "Last tier change, newest first"),
    ("last_change", "Last tier change, oldest first"),
]
# Which table column each sort sorts (for aria-sort on the column header).
SORT_COLUMNS = {
    "": ("priority", "descending"),
    "priority": ("priority", "ascending"),
    "-priority": ("priority", "descending"),
    "-risk_score": ("risk", "descending"),
    "risk_score": ("risk", "ascending"),
    "name": ("name", "ascending"),
    "-name": ("name", "descending"),
    "-last_change": ("since", "descending"),
    "last_change": ("since", "ascending"),
}


def url_or_none(name: str, *args: Any) -> str | None:
    """The URL of `name`, or None while the page it names does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _country_or_404(user: Any, iso3: str) -> Country:
    return get_visible_or_404(user, selectors.countries_for, Country, iso3.upper())


# --- Dashboard ---------------------------------------------------------------------------------


class WatchlistView(PolicyListView):
    """Countries by tier with counts, filters, sorting, search, a map and the tiers over time."""

    template_name = "watchlist/dashboard.html"
    required_action = "watchlist.view"
    selector = staticmethod(selectors.watchlist_for)
    filterset_class = CountryFilter
    context_object_name = "countries"

    def get_queryset(self):
        qs = super().get_queryset()
        self._dress_filter_form(self.filterset.form)
        return qs

    def _dress_filter_form(self, form: forms.Form) -> None:
        """Menus instead of free text where the values are known; the FilterSet (shared with the
        API) still parses and validates them."""
        user = self.request.user
        regions = (
            Country.objects.exclude(region="")
            .order_by("region")
            .values_list("region", flat=True)
            .distinct()
        )
        owners = sorted(
            set(
                selectors.watchlist_for(user)
                .exclude(owner=None)
                .order_by()
                .values_list("owner__username", "owner__first_name", "owner__last_name")
            ),
            key=lambda o: (o[2], o[1], o[0]),
        )
        fields = form.fields
        fields["region"].widget = forms.Select(
            choices=[("", "Any region"), *((r, r) for r in regions)],
            attrs={"class": "usa-select"},
        )
        fields["owner"].widget = forms.Select(
            choices=[
                ("", "Anyone"),
                *((u, f"{f} {la}".strip() or u) for u, f, la in owners),
            ],
            attrs={"class": "usa-select"},
        )
        fields["instability_watchlist"].widget = forms.Select(
            choices=[("", "Either"), ("true", "Yes"), ("false", "No")],
            attrs={"class": "usa-select"},
        )
        fields["tier"].widget = forms.CheckboxSelectMultiple(
            choices=Tier.choices, attrs={"class": "usa-checkbox__input"}
        )
        # The field parses a comma-separated list; keep its widget, relabel the options.
        fields["ordering"].widget.choices = SORT_CHOICES
        fields["ordering"].label = "Sort by"
        fields["q"].label = "Search by name"
        fields["q"].widget.attrs["type"] = "search"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        counts = selectors.tier_counts(user)
        filtered = self.object_list
        ordering = self.request.GET.get("ordering", "")
        sort_column, sort_direction = SORT_COLUMNS.get(ordering, ("", ""))
        listed = [
            {
                "iso3": iso3,
                "numeric": numeric,
                "name": name,
                "tier": tier,
                "tier_label": TIER_LABELS.get(tier, ""),
                "url": reverse("watchlist:country-detail", args=[iso3]),
            }
            for iso3, numeric, name, tier in filtered.order_by("name").values_list(
                "iso3", "numeric", "name", "tier"
            )
        ]
        by_tier = [
            {
                "tier": value,
                "label": label,
                "count": counts[value],
                "countries": [c for c in listed if c["tier"] == value],
            }
            for value, label in reversed(Tier.choices)
        ]
        over_time = selectors.tier_counts_over_time(user)
        ctx.update(
            {
                # the map, the lists and the chart name every filtered country, not only this
                # page's rows: the banner must cover the highest of them
                "page_marking": markings.highest(
                    filtered.order_by().values_list("marking", flat=True).distinct()
                ),
                "tier_summary": by_tier,
                "total_listed": sum(counts.values()),
                "map_data": listed,
                "chart_data": {
                    "labels": [row["month"] for row in over_time],
                    "series": [
                        {"tier": value, "label": label, "data": [row[value] for row in over_time]}
                        for value, label in Tier.choices
                    ],
                },
                "over_time": over_time,
                "tier_choices": Tier.choices,
                "flags": selectors.flags_for(user),
                "latest_vintage": selectors.latest_vintage(),
                "sort_column": sort_column,
                "sort_label": dict(SORT_CHOICES).get(ordering, SORT_CHOICES[0][1]),
                "sort_direction": sort_direction,
                "export_url": reverse("watchlist:export"),
                "risk_import_url": (
                    url_or_none("watchlist:risk-import")
                    if can(user, "watchlist.import_scores")
                    else None
                ),
                "proposals_url": (
                    url_or_none("watchlist:proposal-list")
                    if can(user, "view", TierProposal)
                    else None
                ),
                "surveillance_url": url_or_none("watchlist:surveillance-list"),
                "indicators_url": (
                    url_or_none("watchlist:indicator-list")
                    if can(user, "view", Indicator)
                    else None
                ),
            }
        )
        return ctx


# --- CSV export --------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "iso3",
    "name",
    "region",
    "tier",
    "tier_since",
    "previous_tier",
    "instability_watchlist",
    "priority",
    "us_influence",
    "us_interests_impact",
    "risk_score",
    "risk_rank",
    "risk_vintage",
    "owner",
    "last_reviewed",
    "next_review_due",
    "marking",
    "url",
]


def _cell(value: Any) -> str:
    """Text of a CSV cell, neutralising spreadsheet formulas (OWASP CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return safe_text(text)


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """CSV of the watchlist with the dashboard's filters and sort (the export is audited)."""
    require(request.user, "watchlist.export")
    flt = CountryFilter(request.GET or None, queryset=selectors.watchlist_for(request.user))
    if flt.is_bound and not flt.is_valid():
        return HttpResponse(
            "Invalid filter: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in flt.errors.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    rows = list(flt.qs)
    record_event(
        actor=request.user,
        action="watchlist.export",
        summary=f"{len(rows)} countries; filters: {request.GET.urlencode()}"[:300],
        request=request,
    )
    base = request.build_absolute_uri("/").rstrip("/")
    writer = csv.writer(Echo())

    def lines():
        yield writer.writerow(EXPORT_COLUMNS)
        for c in rows:
            yield writer.writerow(
                [
                    _cell(v)
                    for v in (
                        c.iso3,
                        c.name,
                        c.region,
                        c.tier,
                        c.tier_since,
                        c.previous_tier,
                        c.instability_watchlist,
                        c.priority,
                        c.us_influence,
                        c.us_interests_impact,
                        c.risk_score,
                        c.risk_rank,
                        c.risk_vintage,
                        c.owner.username if c.owner else None,
                        c.last_reviewed,
                        c.next_review_due,
                        c.marking,
                        base + reverse("watchlist:country-detail", args=[c.iso3]),
                    )
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="apc-watchlist.csv"'
    return response


# --- Country page ------------------------------------------------------------------------------


def _kept_open_after_downgrade(task: PlanTask, country: Country) -> bool:
    """An open task whose opening tier is above the country's current one: the downgrade kept
    it open (issue 3: "downgrades keep open plans and say so on the country page")."""
    return (
        task.status == PlanTask.Status.OPEN
        and TIER_RANK[country.tier or None] < TIER_RANK[task.opened_by_change.to_tier or None]
    )


def _shown_meetings(user: Any, history: list) -> set[int]:
    from apc.meetings.selectors import visible_meeting_ids

    return visible_meeting_ids(user, [c.meeting_id for c in history])


@login_required
@require_GET
def country_detail(request: HttpRequest, iso3: str) -> HttpResponse:
    user = request.user
    country = _country_or_404(user, iso3)
    history = list(selectors.history_for(user, country))
    scores = list(selectors.scores_for(user, country))
    indicators = list(selectors.indicators_for(user, country))
    surveillance = list(selectors.surveillance_for(user, country))
    tasks = list(selectors.plan_tasks_for(user, country))
    can_observe = can(user, "record_observation", country)
    for mi in indicators:
        mi.observation_add_url = (
            url_or_none("watchlist:observation-add", country.iso3, mi.pk) if can_observe else None
        )
    updatable = (
        set(
            visible(
                user,
                SurveillanceRequest.objects.filter(pk__in=[r.pk for r in surveillance]),
                "update_status",
            ).values_list("pk", flat=True)
        )
        if surveillance
        else set()
    )
    for request_ in surveillance:
        request_.update_url = (
            url_or_none("watchlist:surveillance-update", request_.pk)
            if request_.pk in updatable
            else None
        )
    for task in tasks:
        task.kept_after_downgrade = _kept_open_after_downgrade(task, country)
    pending = (
        selectors.proposals_for(user).filter(country=country).first()
        if can(user, "view", TierProposal)
        else None
    )
    can_change = can(user, "change_tier", country)
    can_propose = can(user, "propose_tier", country)
    warnings = list(selectors.warnings_for(user).filter(country=country)[:20])
    if warnings:  # reading warnings is audited, even as a list on the country page
        alerts.warnings_list_read(
            actor=user, warnings=warnings, where=f"country page {country.iso3}", request=request
        )
    context = {
        "country": country,
        # alert-channel warnings on this country that the user may see (titles and status only)
        "warnings": warnings,
        "history": history,
        # the deciding meeting is named only to those who may see it
        "shown_meetings": _shown_meetings(user, history),
        "scores": scores,
        "risk_chart": {
            "labels": [s.vintage.vintage.isoformat() for s in scores],
            "values": [float(s.value) for s in scores],
            "ranks": [s.rank for s in scores],
        },
        "indicators": indicators,
        # Listed on their own so the page's banner counts their markings.
        "observations": [o for mi in indicators for o in mi.visible_observations],
        "surveillance": surveillance,
        "tasks": tasks,
        "kept_open": any(t.kept_after_downgrade for t in tasks),
        "pending_proposal": pending,
        "proposals_url": url_or_none("watchlist:proposal-list") if pending else None,
        "tier_change_url": (
            reverse("watchlist:tier-change", args=[country.iso3])
            if can_change or can_propose
            else None
        ),
        "can_change_tier": can_change,
        "profile_url": (
            reverse("watchlist:profile", args=[country.iso3])
            if can(user, "update_profile", country)
            else None
        ),
        "review_url": (
            reverse("watchlist:review", args=[country.iso3])
            if can(user, "review", country)
            else None
        ),
        "monitor_url": (
            url_or_none("watchlist:monitor", country.iso3)
            if can(user, "monitor_indicator", country)
            else None
        ),
        # Sections for the roles that may see such records (or that see some, by scope).
        "show_surveillance": bool(surveillance) or can(user, "view", SurveillanceRequest),
        "show_plans": bool(tasks) or can(user, "view", PlanTask),
        # panels other apps add (the after-action repository's reports and lessons)
        "panels": panels.collect("country_detail", request, country),
    }
    return render(request, "watchlist/country_detail.html", context)


# --- Tier change or proposal -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def tier_change(request: HttpRequest, iso3: str) -> HttpResponse:
    """A co-chair's submit changes the tier; a directorate member's proposes the change."""
    user = request.user
    country = _country_or_404(user, iso3)
    can_change = can(user, "change_tier", country)
    if not can_change:
        require(user, "propose_tier", country)
    form = TierChangeForm(request.POST if request.method == "POST" else None, country=country)
    if request.method == "POST" and form.is_valid():
        try:
            if can_change:
                change = services.tier_change(
                    country=country,
                    to_tier=form.to_tier,
                    rationale=form.cleaned_data["rationale"],
                    actor=user,
                )
                if change is not None:
                    messages.success(
                        request,
                        f"{country.name} is now {TIER_LABELS.get(change.to_tier, 'not listed')}.",
                    )
                    return redirect("watchlist:country-detail", country.iso3)
                form.add_error("tier", "The country already has that tier; nothing was changed.")
            else:
                proposal = services.tier_propose(
                    country=country,
                    to_tier=form.to_tier,
                    rationale=form.cleaned_data["rationale"],
                    actor=user,
                )
                messages.success(
                    request,
                    f"Your proposal to move {country.name} to "
                    f"{TIER_LABELS.get(proposal.to_tier, 'not listed')} went to the co-chairs.",
                )
                return redirect("watchlist:country-detail", country.iso3)
        except Invalid as exc:
            form.apply_errors(exc.errors or {"__all__": [exc.detail]})
        except Conflict as exc:
            form.add_error(None, exc.detail)
    return render(
        request,
        "watchlist/tier_change.html",
        {"country": country, "form": form, "can_change_tier": can_change},
        status=400 if form.errors else 200,
    )


# --- Profile and review ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, iso3: str) -> HttpResponse:
    """Instability Watchlist flag, the priority factors beyond risk, the owner of the file."""
    user = request.user
    country = _country_or_404(user, iso3)
    require(user, "update_profile", country)
    form = CountryProfileForm(request.POST if request.method == "POST" else None, country=country)
    if request.method == "POST" and form.is_valid():
        try:
            services.country_update_profile(country=country, actor=user, **form.cleaned_data)
        except Invalid as exc:
            form.apply_errors(exc.errors or {"__all__": [exc.detail]})
        else:
            messages.success(request, f"The profile of {country.name} was saved.")
            return redirect("watchlist:country-detail", country.iso3)
    return render(
        request,
        "watchlist/profile.html",
        {"country": country, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def review(request: HttpRequest, iso3: str) -> HttpResponse:
    """Record that the country's file was reviewed today (sets the next review due)."""
    user = request.user
    country = _country_or_404(user, iso3)
    updated = services.country_mark_reviewed(country=country, actor=user)
    messages.success(
        request,
        f"{country.name} marked reviewed; next review due {updated.next_review_due:%d %B %Y}.",
    )
    return redirect("watchlist:country-detail", country.iso3)


# A country is three letters (ISO 3166-1 alpha-3, any case), so these never shadow the other
# watchlist pages ("proposals/", "indicators/"...).
ISO3 = r"(?P<iso3>[A-Za-z]{3})"

urlpatterns = [
    path("", WatchlistView.as_view(), name="country-list"),
    path("export.csv", export, name="export"),
    re_path(rf"^{ISO3}/$", country_detail, name="country-detail"),
    re_path(rf"^{ISO3}/tier/$", tier_change, name="tier-change"),
    re_path(rf"^{ISO3}/profile/$", profile, name="profile"),
    re_path(rf"^{ISO3}/review/$", review, name="review"),
]
