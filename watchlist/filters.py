"""One FilterSet for the watchlist, shared by the dashboard and the REST API."""

import django_filters
from django.db.models import F, Q

from watchlist.models import Country, Tier


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Countries without a score (or a date) sort last in either direction."""

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field = F(self.param_map[param.lstrip("-")])
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)


class CountryFilter(django_filters.FilterSet):
    """Filter by tier, region, Instability Watchlist, owner, name and last update; order by
    priority, risk score, name or last tier change."""

    tier = django_filters.MultipleChoiceFilter(choices=Tier.choices, label="Tier")
    region = django_filters.CharFilter(field_name="region", lookup_expr="iexact", label="Region")
    continent = django_filters.CharFilter(lookup_expr="iexact", label="Continent")
    instability_watchlist = django_filters.BooleanFilter(label="On the Instability Watchlist")
    owner = django_filters.CharFilter(
        field_name="owner__username", lookup_expr="iexact", label="Owner"
    )
    q = django_filters.CharFilter(method="search", label="Search by name or code")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Updated since (ISO 8601)"
    )
    ordering = NullsLastOrderingFilter(
        fields=(
            ("priority", "priority"),
            ("risk_score", "risk_score"),
            ("name", "name"),
            ("tier_since", "last_change"),
        ),
        label="Sort by",
    )

    class Meta:
        model = Country
        fields = [
            "tier",
            "region",
            "continent",
            "instability_watchlist",
            "owner",
            "q",
            "updated_since",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(official_name__icontains=value) | Q(iso3__iexact=value)
        )
