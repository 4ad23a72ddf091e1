"""FilterSets shared by the HTML lists and the API."""

import django_filters
from django import forms

from apc.models import Agency, AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    """Filter the audit trail by actor, agency, action, object, outcome and date range."""

    # Events whose actor is a protected filer never match a filter on who or which agency:
    # otherwise filtering by a name would reveal the identity the page masks.
    actor = django_filters.CharFilter(method="by_actor", label="Actor (username)")
    agency = django_filters.ModelChoiceFilter(
        method="by_agency", queryset=Agency.objects.all(), label="Agency"
    )
    action = django_filters.CharFilter(lookup_expr="istartswith", label="Action starts with")
    object_type = django_filters.CharFilter(lookup_expr="iexact", label="Object type")
    object_id = django_filters.CharFilter(lookup_expr="exact", label="Object id")
    outcome = django_filters.ChoiceFilter(choices=AuditEvent.Outcome.choices, label="Outcome")
    since = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label="From (date, UTC)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label="To (date, UTC)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEvent
        fields = [
            "actor",
            "agency",
            "action",
            "object_type",
            "object_id",
            "outcome",
            "since",
            "until",
        ]

    def by_actor(self, queryset, name, value):
        return queryset.filter(actor_username__iexact=value, actor_protected=False)

    def by_agency(self, queryset, name, value):
        return queryset.filter(actor_agency=value, actor_protected=False)
