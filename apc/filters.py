"""FilterSets shared by the HTML lists and the API."""

import django_filters
from django import forms

from apc.models import Agency, AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    """Filter the audit trail by actor, agency, action, object, outcome and date range."""

    actor = django_filters.CharFilter(
        field_name="actor_username", lookup_expr="iexact", label="Actor (username)"
    )
    agency = django_filters.ModelChoiceFilter(
        field_name="actor_agency", queryset=Agency.objects.all(), label="Agency"
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
