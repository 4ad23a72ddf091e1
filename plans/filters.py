"""One FilterSet for plans, shared by the plans list page and the REST API (CONVENTIONS: one
FilterSet per model)."""

import django_filters

from plans.models import Plan
from plans.selectors import ORDERINGS

ORDER_LABELS = {
    "priority": "Country priority",
    "risk": "Risk rank",
    "tier": "Tier",
    "updated": "Last updated",
    "country": "Country",
}
ORDER_CHOICES = [(key, ORDER_LABELS[key]) for key in ORDERINGS]


class PlanFilter(django_filters.FilterSet):
    """By country (ISO 3166-1 alpha-3, any case), kind and status; `order` sorts for
    prioritisation (recommendation 4-2: when plans are too many). The queryset must come from
    selectors.plans_for, which annotates the risk rank the `risk` order uses."""

    country = django_filters.CharFilter(method="by_country", label="Country (ISO3)")
    kind = django_filters.ChoiceFilter(choices=Plan.Kind.choices, label="Kind")
    status = django_filters.MultipleChoiceFilter(choices=Plan.Status.choices, label="Status")
    order = django_filters.ChoiceFilter(
        choices=ORDER_CHOICES, method="by_order", label="Order by", empty_label=None
    )

    class Meta:
        model = Plan
        fields = ["country", "kind", "status", "order"]

    def by_country(self, queryset, name, value):
        value = (value or "").strip().upper()
        return queryset.filter(country_id=value) if value else queryset

    def by_order(self, queryset, name, value):
        # the id last: a stable order for pagination when two plans tie
        return queryset.order_by(*ORDERINGS[value], "id") if value else queryset
