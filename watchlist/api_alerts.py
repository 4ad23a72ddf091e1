"""REST API of the mass-atrocities alert channel: warnings (/api/v1/alerts/) and their policy
reviews (/api/v1/reviews/).

Sources: seeds/004_69ba87841026b054.txt, recommendation 2-4 (an alert channel for acute warning,
akin to the dissent channel) and 2-5 (warning as an automatic trigger of policy review); issue 4,
"Pages and API".

Distribution is the policy's (watchlist/policy.py): the selectors return only what the caller may
see, anything else answers 404 (audited). Every read of warnings or reviews is audited: a detail
as "<model>.view", a list page as one "<model>.list" event naming the ids shown. The filer's
identity appears only where the caller may "see_filer"; the review (the deliberation) only to
co-chairs and directorate, never to the filer.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import CharField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apc.core.api import PolicyViewSet
from apc.core.permissions import can, require
from apc.models import EmergencyRequest
from watchlist import alerts, selectors
from watchlist.models import PolicyReview, Warning
from watchlist.serializers_alerts import (
    PolicyReviewSerializer,
    ReviewCloseInputSerializer,
    WarningFileInputSerializer,
    WarningReceiptSerializer,
    WarningSerializer,
)

ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="`{detail, errors}`")


class WarningFilter(django_filters.FilterSet):
    """Filter warnings by status, severity, country, the caller's own, acknowledgement and
    filing date; order by filing date or acknowledgement deadline."""

    status = django_filters.MultipleChoiceFilter(choices=Warning.Status.choices, label="Status")
    severity = django_filters.MultipleChoiceFilter(
        choices=Warning.Severity.choices, label="Severity"
    )
    country = django_filters.CharFilter(
        field_name="country__iso3", lookup_expr="iexact", label="Country (ISO3)"
    )
    mine = django_filters.BooleanFilter(method="filter_mine", label="Filed by me")
    acknowledged = django_filters.BooleanFilter(
        field_name="acknowledged_at", lookup_expr="isnull", exclude=True, label="Acknowledged"
    )
    filed_since = django_filters.IsoDateTimeFilter(
        field_name="filed_at", lookup_expr="gte", label="Filed since (ISO 8601)"
    )
    ordering = django_filters.OrderingFilter(
        fields=(("filed_at", "filed_at"), ("acknowledge_due", "acknowledge_due")),
        label="Sort by",
    )

    class Meta:
        model = Warning
        fields = ["status", "severity", "country", "mine", "acknowledged", "filed_since"]

    def filter_mine(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        user = getattr(self.request, "user", None)
        if value is None or user is None:
            return queryset
        return queryset.filter(filed_by=user) if value else queryset.exclude(filed_by=user)


class PolicyReviewFilter(django_filters.FilterSet):
    """Filter reviews by status, outcome, the warning's severity and country, and overdue."""

    status = django_filters.ChoiceFilter(choices=PolicyReview.Status.choices, label="Status")
    outcome = django_filters.MultipleChoiceFilter(
        choices=PolicyReview.Outcome.choices, label="Outcome"
    )
    severity = django_filters.MultipleChoiceFilter(
        field_name="warning__severity", choices=Warning.Severity.choices, label="Severity"
    )
    country = django_filters.CharFilter(
        field_name="warning__country__iso3", lookup_expr="iexact", label="Country (ISO3)"
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Open and past due")

    class Meta:
        model = PolicyReview
        fields = ["status", "outcome", "severity", "country", "overdue"]

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if value is None:
            return queryset
        late = {"status": PolicyReview.Status.OPEN, "due__lt": timezone.now()}
        return queryset.filter(**late) if value else queryset.exclude(**late)


def _emergency_request_pk() -> Subquery:
    """The id of the emergency request an acute warning opened (one per warning, by source)."""
    ref = Concat(Value("watchlist.warning:"), Cast(OuterRef("pk"), CharField()))
    return Subquery(EmergencyRequest.objects.filter(source_ref=ref).values("pk")[:1])


def _warnings_for(user: Any) -> QuerySet[Warning]:
    """`selectors.warnings_for` with what the representation needs, for lists and details."""
    return (
        selectors.warnings_for(user)
        .prefetch_related("indicators")
        .annotate(emergency_request_pk=_emergency_request_pk())
    )


def _reviews_for(user: Any) -> QuerySet[PolicyReview]:
    return selectors.reviews_for(user).select_related("assigned_agency")


def _audit_list(request: Request, label: str, model: type, rows: list, marked: list) -> None:
    """One audit event per list read (see alerts.warnings_list_read)."""
    alerts.warnings_list_read(
        actor=request.user, warnings=rows, where=f"api {label} list", request=request, marked=marked
    )


@extend_schema(tags=["alerts"])
class WarningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PolicyViewSet):
    """Warnings of the alert channel the caller may see; filing; acknowledgement."""

    selector = staticmethod(_warnings_for)
    serializer_class = WarningSerializer
    filterset_class = WarningFilter

    @property
    def sensitive(self) -> bool:  # audit reads, not the lookups of the acknowledge action
        return self.action == "retrieve"

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Warning.objects.none()
        return super().get_queryset()

    def get_serializer_class(self):
        return {"create": WarningFileInputSerializer}.get(self.action, WarningSerializer)

    def _read_context(self, warnings: list[Warning]) -> dict[str, Any]:
        user = self.request.user
        return {
            **self.get_serializer_context(),
            "filer_shown": selectors.filer_shown_ids(user, warnings),
            "deliberation": can(user, "view", PolicyReview),
        }

    @extend_schema(summary="Warnings the caller may see (audited)")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = list(page)
        _audit_list(request, "warning", Warning, rows, rows)
        data = WarningSerializer(rows, many=True, context=self._read_context(rows)).data
        return self.get_paginated_response(data)

    @extend_schema(summary="A warning (audited read)")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        warning = self.get_object()
        return Response(WarningSerializer(warning, context=self._read_context([warning])).data)

    @extend_schema(
        summary="File a warning",
        description=(
            "Files a warning through the alert channel: its policy review and acknowledgement "
            "deadline open at once and, for an acute warning, an emergency meeting request. "
            "Analysts, members, directorate and co-chairs may file."
        ),
        request=WarningFileInputSerializer,
        responses={201: WarningReceiptSerializer, 400: ERRORS, 403: ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        # The policy answers before the input is judged: 403 for those who may not file.
        require(user, "alerts.file")
        data = WarningFileInputSerializer(
            data=request.data,
            context={
                "countries": selectors.countries_for(user),
                "indicators": selectors.indicator_catalogue_for(user),
            },
        )
        data.is_valid(raise_exception=True)
        warning = alerts.warning_file(actor=user, **data.validated_data)
        # The receipt names what filing created (the filer may not see the request itself).
        warning.emergency_request_pk = (
            EmergencyRequest.objects.filter(source_ref=f"watchlist.warning:{warning.pk}")
            .values_list("pk", flat=True)
            .first()
        )
        receipt = WarningReceiptSerializer(warning, context=self.get_serializer_context())
        return Response(receipt.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Acknowledge a warning (directorate)",
        request=None,
        responses={200: WarningSerializer, 403: ERRORS, 404: ERRORS, 409: ERRORS},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        alerts.warning_acknowledge(actor=request.user, warning=self.get_object())
        warning = self.get_queryset().get(pk=pk)
        return Response(WarningSerializer(warning, context=self._read_context([warning])).data)


@extend_schema(tags=["alerts"])
class PolicyReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PolicyViewSet):
    """The policy reviews warnings opened (co-chairs and directorate); closing one."""

    selector = staticmethod(_reviews_for)
    serializer_class = PolicyReviewSerializer
    filterset_class = PolicyReviewFilter

    @property
    def sensitive(self) -> bool:
        return self.action == "retrieve"

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return PolicyReview.objects.none()
        return super().get_queryset()

    def get_serializer_class(self):
        return {"close": ReviewCloseInputSerializer}.get(self.action, PolicyReviewSerializer)

    list_action = "alerts.triage"

    @extend_schema(summary="Policy reviews (co-chairs and directorate; audited)")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = list(page)
        _audit_list(request, "policyreview", PolicyReview, rows, [r.warning for r in rows])
        data = PolicyReviewSerializer(rows, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(data.data)

    @extend_schema(summary="A policy review (audited read)")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        review = self.get_object()
        return Response(PolicyReviewSerializer(review, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Close a review with its outcome and rationale",
        request=ReviewCloseInputSerializer,
        responses={200: PolicyReviewSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS, 409: ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        review = self.get_object()
        data = ReviewCloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alerts.review_close(actor=request.user, review=review, **data.validated_data)
        closed = self.get_queryset().get(pk=pk)
        return Response(PolicyReviewSerializer(closed, context=self.get_serializer_context()).data)
