"""Admin of the watchlist. Tiers change only through tier_change (the pages and the API), so
the admin shows them read-only; history, scores and requests are read-only records."""

from django.contrib import admin

from apc.admin import AuditedAdmin, ReadOnlyAdmin
from watchlist.models import (
    Country,
    Indicator,
    MonitoredIndicator,
    Observation,
    PlanTask,
    PolicyReview,
    RiskScore,
    RiskVintage,
    SurveillanceRequest,
    TierChange,
    TierProposal,
    Warning,
)


@admin.register(Country)
class CountryAdmin(AuditedAdmin):
    list_display = ["iso3", "name", "region", "tier", "instability_watchlist", "priority", "owner"]
    list_filter = ["tier", "instability_watchlist", "continent", "region"]
    search_fields = ["iso3", "name", "official_name"]
    list_select_related = ["owner"]
    # Everything but the marking changes through the services (tier_change, profile, review),
    # which keep the priority, the ETag's updated_at and the audit trail right.
    readonly_fields = [f.name for f in Country._meta.concrete_fields if f.name != "marking"]

    def save_model(self, request, obj, form, change) -> None:
        from django.utils import timezone

        obj.updated_at = timezone.now()  # a new marking changes who sees it: new ETags
        super().save_model(request, obj, form, change)

    def has_add_permission(self, request) -> bool:
        return False  # countries come from the reference data (load_countries)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ["name", "category", "active"]
    list_filter = ["category", "active"]
    search_fields = ["name"]


@admin.register(MonitoredIndicator)
class MonitoredIndicatorAdmin(AuditedAdmin):
    list_display = ["country", "indicator", "since", "active"]
    list_select_related = ["country", "indicator"]


for model, columns in [
    (TierChange, ["created_at", "country", "from_tier", "to_tier", "decided_by"]),
    (TierProposal, ["created_at", "country", "to_tier", "status", "proposed_by"]),
    (PlanTask, ["created_at", "country", "kind", "status", "assigned_agency"]),
    (SurveillanceRequest, ["created_at", "country", "status", "due", "addressed_to"]),
    (RiskVintage, ["vintage", "source", "imported_at", "imported_by"]),
    (RiskScore, ["vintage", "country", "value", "rank"]),
    (Observation, ["observed_on", "monitored", "level", "marking"]),
    (Warning, ["filed_at", "country", "severity", "status", "marking"]),
    (PolicyReview, ["due", "warning", "status", "outcome"]),
]:
    admin.site.register(
        model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": columns})
    )
