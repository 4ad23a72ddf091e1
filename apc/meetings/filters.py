"""FilterSets shared by the meeting pages and the API (CONVENTIONS: one FilterSet per model)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from apc.meetings.dates import committee_today
from apc.meetings.models import ActionItem, Meeting
from apc.models import Agency


class MeetingFilter(django_filters.FilterSet):
    """upcoming=true: not over, not closed or cancelled; false: the others. kind, level."""

    upcoming = django_filters.BooleanFilter(method="by_upcoming", label="Upcoming")
    kind = django_filters.ChoiceFilter(choices=Meeting.Kind.choices)
    level = django_filters.ChoiceFilter(choices=Meeting.Level.choices)

    class Meta:
        model = Meeting
        fields = ["upcoming", "kind", "level"]

    def by_upcoming(self, queryset, name, value):
        live = Q(ends_at__gte=timezone.now()) & ~Q(
            status__in=[Meeting.Status.CLOSED, Meeting.Status.CANCELLED]
        )
        return queryset.filter(live) if value else queryset.exclude(live)


class ActionItemFilter(django_filters.FilterSet):
    """The action-item tracker: by owner agency (code), status, overdue, due date range."""

    agency = django_filters.ModelChoiceFilter(
        field_name="owner_agency",
        queryset=Agency.objects.all(),
        to_field_name="code",
        label="Owner agency",
    )
    status = django_filters.MultipleChoiceFilter(
        choices=ActionItem.Status.choices, widget=forms.CheckboxSelectMultiple
    )
    overdue = django_filters.BooleanFilter(method="by_overdue", label="Overdue")
    due_after = django_filters.DateFilter(
        field_name="due",
        lookup_expr="gte",
        label="Due on or after",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    due_before = django_filters.DateFilter(
        field_name="due",
        lookup_expr="lte",
        label="Due on or before",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = ActionItem
        fields = ["agency", "status", "overdue", "due_after", "due_before"]

    def by_overdue(self, queryset, name, value):
        late = Q(
            status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS],
            due__lt=committee_today(),
        )
        return queryset.filter(late) if value else queryset.exclude(late)
