"""Serializers of the alert channel's API (/api/v1/alerts/, /api/v1/reviews/).

Reads: one serializer per model. What a caller sees of a warning is decided by the policy, not
here: the view passes in the context which warnings' filer the caller may see
(`selectors.filer_shown_ids`, one query for a page) and whether the caller may see the policy
review (the deliberation, never shown to the filer). Writes: input serializers check the shape
of what `watchlist.alerts.warning_file` and `review_close` take; the services judge the values.

Source: issue 4, "Distribution is restricted by the policy module ... APC members see a warning
only once it is placed on a meeting agenda, and then without a protected filer's identity";
"The filer ... can follow the status of their warning ..., never the deliberation".
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from apc.core.markings import Marking
from watchlist.models import Country, Indicator, PolicyReview, Warning

FILER = inline_serializer(
    "WarningFiler",
    {
        "name": serializers.CharField(),
        "username": serializers.CharField(),
        "agency": serializers.CharField(),
    },
)
REVIEW_SUMMARY = inline_serializer(
    "WarningReviewSummary",
    {
        "id": serializers.IntegerField(),
        "status": serializers.CharField(),
        "due": serializers.DateTimeField(),
        "outcome": serializers.CharField(),
    },
)


def _absolute(serializer: serializers.Serializer, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class CountryRefSerializer(serializers.ModelSerializer):
    """The country a record concerns (its marking counts towards the response's banner)."""

    class Meta:
        model = Country
        fields = ["iso3", "name", "marking"]
        read_only_fields = fields


class IndicatorRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "name", "category"]
        read_only_fields = fields


class WarningSerializer(serializers.ModelSerializer):
    """A warning as its reader may see it.

    `filer` is the filer's name, username and agency when the caller may see them (co-chairs,
    the filer, and directorate or members when the identity is not protected); otherwise null,
    with `identity_protected` true. `review` and `emergency_request` belong to the deliberation:
    null for callers who may not see the policy review (the filer follows status and outcome).
    Context: `filer_shown` (set of warning ids), `deliberation` (bool)."""

    country = CountryRefSerializer(read_only=True)
    indicators = IndicatorRefSerializer(many=True, read_only=True)
    severity_display = serializers.CharField(source="get_severity_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    outcome_display = serializers.SerializerMethodField()
    filer = serializers.SerializerMethodField()
    identity_protected = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField()
    emergency_request = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Warning
        fields = [
            "id",
            "url",
            "country",
            "severity",
            "severity_display",
            "title",
            "narrative",
            "sources",
            "indicators",
            "marking",
            "status",
            "status_display",
            "outcome",
            "outcome_display",
            "filed_at",
            "acknowledge_due",
            "acknowledged_at",
            "identity_protected",
            "filer",
            "review",
            "emergency_request",
        ]
        read_only_fields = fields

    def _filer_shown(self, warning: Warning) -> bool:
        return warning.pk in self.context.get("filer_shown", ())

    def get_url(self, warning: Warning) -> str:
        return _absolute(self, reverse("api:alerts-detail", args=[warning.pk]))

    def get_outcome_display(self, warning: Warning) -> str:
        return PolicyReview.Outcome(warning.outcome).label if warning.outcome else ""

    @extend_schema_field(FILER)
    def get_filer(self, warning: Warning) -> dict[str, str] | None:
        if not self._filer_shown(warning):
            return None
        user = warning.filed_by
        return {
            "name": user.get_full_name() or user.username,
            "username": user.username,
            "agency": warning.filer_agency.short_name,
        }

    def get_identity_protected(self, warning: Warning) -> bool:
        return bool(warning.identity_protected or not self._filer_shown(warning))

    @extend_schema_field(REVIEW_SUMMARY)
    def get_review(self, warning: Warning) -> dict[str, Any] | None:
        if not self.context.get("deliberation"):
            return None
        review = getattr(warning, "review", None)
        if review is None:
            return None
        return {
            "id": review.pk,
            "status": review.status,
            "due": serializers.DateTimeField().to_representation(review.due),
            "outcome": review.outcome,
        }

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_emergency_request(self, warning: Warning) -> int | None:
        if not self.context.get("deliberation"):
            return None
        return getattr(warning, "emergency_request_pk", None)


class WarningReceiptSerializer(serializers.ModelSerializer):
    """The receipt the filer gets at once (201): the warning's id and status, its review and
    acknowledgement deadlines, and the emergency request an acute warning opened (or null).
    The view puts the review and the request's id on the warning."""

    review = serializers.SerializerMethodField()
    emergency_request = serializers.IntegerField(
        source="emergency_request_pk", read_only=True, allow_null=True
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Warning
        fields = [
            "id",
            "url",
            "status",
            "severity",
            "marking",
            "filed_at",
            "review",
            "acknowledge_due",
            "emergency_request",
        ]
        read_only_fields = fields

    def get_url(self, warning: Warning) -> str:
        return _absolute(self, reverse("api:alerts-detail", args=[warning.pk]))

    @extend_schema_field(
        inline_serializer(
            "WarningReceiptReview",
            {"id": serializers.IntegerField(), "due": serializers.DateTimeField()},
        )
    )
    def get_review(self, warning: Warning) -> dict[str, Any]:
        review = warning.review
        return {
            "id": review.pk,
            "due": serializers.DateTimeField().to_representation(review.due),
        }


class WarningFileInputSerializer(serializers.Serializer):
    """What `alerts.warning_file` takes. References are resolved here against what the caller
    may see (an unknown country or indicator: 400 on that field); the service judges the rest
    (severity, an empty title or narrative, a marking above the filer's clearance)."""

    country = serializers.CharField(max_length=3, help_text="ISO 3166-1 alpha-3 code")
    severity = serializers.CharField(
        help_text=f"One of {', '.join(Warning.Severity.values)}",
    )
    title = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    narrative = serializers.CharField(allow_blank=True, required=False, default="")
    indicators = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        help_text="Ids of indicators of the watchlist catalogue",
    )
    sources = serializers.CharField(allow_blank=True, required=False, default="")
    marking = serializers.ChoiceField(
        choices=Marking.choices,
        required=False,
        default=Marking.U,
        help_text="Not above your clearance",
    )
    identity_protected = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Show the filer's identity to the co-chairs only",
    )

    def validate_country(self, value: str) -> Country:
        countries = self.context["countries"]
        found = countries.filter(pk=value.strip().upper()).first()
        if found is None:
            raise serializers.ValidationError(f"Unknown country code {value!r}.")
        return found

    def validate_indicators(self, value: list[int]) -> list[Indicator]:
        wanted = sorted(set(value))
        found = list(self.context["indicators"].filter(pk__in=wanted))
        unknown = sorted(set(wanted) - {i.pk for i in found})
        if unknown:
            raise serializers.ValidationError(
                f"Unknown indicator(s): {', '.join(str(i) for i in unknown)}."
            )
        return found


class PolicyReviewSerializer(serializers.ModelSerializer):
    """A policy review (co-chairs and directorate only). Never names the warning's filer: the
    directorate may not see a protected identity, and the review is not the place for it."""

    warning = serializers.SerializerMethodField()
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    assigned_agency = serializers.CharField(source="assigned_agency.short_name", read_only=True)
    closed_by = serializers.SerializerMethodField()
    tier_change = serializers.IntegerField(source="tier_change_id", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = PolicyReview
        fields = [
            "id",
            "url",
            "warning",
            "status",
            "due",
            "assigned_agency",
            "outcome",
            "outcome_display",
            "rationale",
            "tier_change",
            "emergency_request_id",
            "closed_by",
            "closed_at",
        ]
        read_only_fields = fields

    def get_url(self, review: PolicyReview) -> str:
        return _absolute(self, reverse("api:reviews-detail", args=[review.pk]))

    @extend_schema_field(
        inline_serializer(
            "ReviewWarning",
            {
                "id": serializers.IntegerField(),
                "title": serializers.CharField(),
                "severity": serializers.CharField(),
                "status": serializers.CharField(),
                "marking": serializers.CharField(),
                "country": CountryRefSerializer(),
            },
        )
    )
    def get_warning(self, review: PolicyReview) -> dict[str, Any]:
        w = review.warning
        return {
            "id": w.pk,
            "title": w.title,
            "severity": w.severity,
            "status": w.status,
            "marking": w.marking,
            "country": CountryRefSerializer(w.country).data,
        }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_closed_by(self, review: PolicyReview) -> str | None:
        user = review.closed_by
        return None if user is None else (user.get_full_name() or user.username)


class ReviewCloseInputSerializer(serializers.Serializer):
    """What `alerts.review_close` takes; the service judges the values (an unknown outcome, an
    empty rationale, a tier change without a tier: 400 with field errors)."""

    outcome = serializers.CharField(
        allow_blank=True,
        required=False,
        default="",
        help_text=f"One of {', '.join(PolicyReview.Outcome.values)}",
    )
    rationale = serializers.CharField(allow_blank=True, required=False, default="")
    tier = serializers.CharField(
        allow_null=True,
        allow_blank=True,
        required=False,
        default=None,
        help_text="For a tier_change outcome: the new tier (empty string takes it off the list)",
    )
