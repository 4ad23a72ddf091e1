"""REST API of emergency meeting requests (/api/v1/emergency-requests/).

Source: seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and Process": any member may
request an emergency meeting, optionally at the level of the Deputies Committee; issue 4, "Any
member may request an emergency meeting directly, with reasons and countries, at APC level or at
Deputies level".

Who sees a request is the policy's (apc/policy.py): co-chairs and directorate, the requester,
the Deputies secretariat once it is raised to their level; anything else answers 404. A request
the alert channel made for an acute warning names no person (`requested_by` null): never the
warning's filer.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from apc import selectors, services
from apc.core.api import PolicyViewSet
from apc.core.permissions import require
from apc.models import EmergencyRequest

ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="`{detail, errors}`")
CHANNEL_PREFIX = "watchlist.warning:"


class EmergencyRequestFilter(django_filters.FilterSet):
    """Filter requests by status and level."""

    status = django_filters.MultipleChoiceFilter(
        choices=EmergencyRequest.Status.choices, label="Status"
    )
    level = django_filters.ChoiceFilter(choices=EmergencyRequest.Level.choices, label="Level")

    class Meta:
        model = EmergencyRequest
        fields = ["status", "level"]


class EmergencyRequestSerializer(serializers.ModelSerializer):
    """An emergency meeting request. `warning` is the acute warning that made the alert channel
    request it (null for a member's request)."""

    requested_by = serializers.SerializerMethodField()
    warning = serializers.SerializerMethodField()
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    decided_by = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = EmergencyRequest
        fields = [
            "id",
            "url",
            "level",
            "level_display",
            "countries",
            "reasons",
            "marking",
            "status",
            "status_display",
            "requested_by",
            "warning",
            "created_at",
            "due",
            "raised_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "meeting_at",
            "meeting_level",
        ]
        read_only_fields = fields

    def get_url(self, req: EmergencyRequest) -> str:
        path = reverse("api:emergency-requests-detail", args=[req.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @staticmethod
    def _name(user: Any) -> str | None:
        return None if user is None else (user.get_full_name() or user.username)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_requested_by(self, req: EmergencyRequest) -> str | None:
        return self._name(req.requested_by)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_decided_by(self, req: EmergencyRequest) -> str | None:
        return self._name(req.decided_by)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_warning(self, req: EmergencyRequest) -> int | None:
        ref = req.source_ref or ""
        if ref.startswith(CHANNEL_PREFIX) and ref[len(CHANNEL_PREFIX) :].isdigit():
            return int(ref[len(CHANNEL_PREFIX) :])
        return None


class EmergencyRequestInputSerializer(serializers.Serializer):
    """What `services.emergency_request_create` takes; the service judges the values (unknown
    or no countries, empty reasons, an unknown level: 400 with field errors)."""

    countries = serializers.ListField(
        child=serializers.CharField(max_length=3),
        required=False,
        default=list,
        help_text="ISO 3166-1 alpha-3 codes",
    )
    reasons = serializers.CharField(allow_blank=True, required=False, default="")
    level = serializers.CharField(
        required=False,
        default=EmergencyRequest.Level.APC,
        help_text=f"One of {', '.join(EmergencyRequest.Level.values)}",
    )


@extend_schema(tags=["emergency"])
class EmergencyRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PolicyViewSet):
    """Emergency meeting requests the caller may see; a member's (or co-chair's) request."""

    selector = staticmethod(selectors.emergency_requests_for)
    serializer_class = EmergencyRequestSerializer
    filterset_class = EmergencyRequestFilter

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return EmergencyRequest.objects.none()
        return super().get_queryset()

    def get_serializer_class(self):
        return {"create": EmergencyRequestInputSerializer}.get(
            self.action, EmergencyRequestSerializer
        )

    @extend_schema(summary="Emergency meeting requests the caller may see")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Request an emergency meeting (members and co-chairs)",
        request=EmergencyRequestInputSerializer,
        responses={201: EmergencyRequestSerializer, 400: ERRORS, 403: ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The policy answers before the input is judged: 403 for those who may not request.
        require(request.user, "emergency.request")
        data = EmergencyRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        req = services.emergency_request_create(actor=request.user, **data.validated_data)
        out = EmergencyRequestSerializer(req, context=self.get_serializer_context())
        return Response(out.data, status=status.HTTP_201_CREATED)
