"""Serializers of the watchlist API: one column list for the JSON list, the CSV export and the
detail; an input serializer for the tier change that `services.tier_change` takes."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from watchlist.models import Country, RiskScore, Tier, TierChange

# The columns of the watchlist, in order: the JSON list, its CSV export and the head of the
# detail all use this one list.
COLUMNS = [
    "iso3",
    "name",
    "region",
    "tier",
    "tier_since",
    "previous_tier",
    "instability_watchlist",
    "priority",
    "risk_score",
    "risk_rank",
    "risk_vintage",
    "last_reviewed",
    "next_review_due",
    "updated_at",
    "marking",
    "url",
]


class CountrySerializer(serializers.ModelSerializer):
    """A country's place on the watchlist. The risk fields are the latest vintage's, annotated
    by `selectors.countries_for`; `url` is the absolute URL of the API detail."""

    risk_score = serializers.DecimalField(
        max_digits=7,
        decimal_places=6,
        coerce_to_string=False,
        read_only=True,
        allow_null=True,
        help_text="Probability (0-1) in the latest risk vintage",
    )
    risk_rank = serializers.IntegerField(read_only=True, allow_null=True)
    risk_vintage = serializers.DateField(
        read_only=True, allow_null=True, help_text="Date of the latest risk vintage"
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Country
        fields = COLUMNS
        read_only_fields = COLUMNS

    def get_url(self, country: Country) -> str:
        path = reverse("api:watchlist-detail", args=[country.iso3])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


DECIDED_BY = inline_serializer(
    "DecidedBy",
    {
        "name": serializers.CharField(),
        "agency": serializers.CharField(),
        "agency_code": serializers.CharField(),
    },
)


class TierChangeSerializer(serializers.ModelSerializer):
    """One entry of a country's tier history (`from`/`to` null: not listed)."""

    decided_by = serializers.SerializerMethodField()
    meeting = serializers.SerializerMethodField(
        help_text="Id of the APC meeting that decided it, if the caller may see that meeting"
    )

    class Meta:
        model = TierChange
        fields = ["id", "effective", "rationale", "decided_by", "meeting", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_meeting(self, obj: TierChange) -> int | None:
        if obj.meeting_id is None:
            return None
        shown = self.context.get("_shown_meetings")
        if shown is None:  # one query per response, not per row
            from apc.meetings.selectors import meetings_for

            request = self.context.get("request")
            user = getattr(request, "user", None)
            shown = set(meetings_for(user).values_list("pk", flat=True)) if user else set()
            self.context["_shown_meetings"] = shown
        return obj.meeting_id if obj.meeting_id in shown else None

    def get_fields(self) -> dict[str, serializers.Field]:
        # "from" is a Python keyword, so the two tier fields are added here, first.
        fields = super().get_fields()
        tiers = Tier.choices
        return {
            "id": fields.pop("id"),
            "from": serializers.ChoiceField(
                choices=tiers, source="from_tier", read_only=True, allow_null=True
            ),
            "to": serializers.ChoiceField(
                choices=tiers, source="to_tier", read_only=True, allow_null=True
            ),
            **fields,
        }

    @extend_schema_field(DECIDED_BY)
    def get_decided_by(self, change: TierChange) -> dict[str, Any]:
        agency = change.decided_by_agency
        return {
            "name": str(change.decided_by),
            "agency": agency.short_name,
            "agency_code": agency.code,
        }


class RiskScoreSerializer(serializers.ModelSerializer):
    """A country's score in one vintage (the trend: every vintage, oldest first)."""

    vintage = serializers.DateField(source="vintage.vintage", read_only=True)
    source = serializers.CharField(source="vintage.source", read_only=True)
    forecast_window = serializers.CharField(source="vintage.forecast_window", read_only=True)
    value = serializers.DecimalField(
        max_digits=7, decimal_places=6, coerce_to_string=False, read_only=True
    )

    class Meta:
        model = RiskScore
        fields = ["vintage", "source", "forecast_window", "value", "rank"]
        read_only_fields = fields


class CountryDetailSerializer(CountrySerializer):
    """The list's columns plus the tier history (newest first) and every risk vintage. The view
    puts what the caller may see of both on the country (`visible_history`,
    `visible_scores`)."""

    history = TierChangeSerializer(many=True, read_only=True, source="visible_history")
    risk_scores = RiskScoreSerializer(many=True, read_only=True, source="visible_scores")

    class Meta(CountrySerializer.Meta):
        fields = [*COLUMNS, "history", "risk_scores"]
        read_only_fields = fields


class TierChangeInputSerializer(serializers.Serializer):
    """What `services.tier_change` takes. The service judges the values (an unknown tier, an
    empty rationale: 400 with field errors); here only their shape is checked. `tier` must be
    sent: null or "" takes the country off the list."""

    tier = serializers.CharField(
        allow_null=True,
        allow_blank=True,
        help_text=f"One of {', '.join(Tier.values)}; null or empty to take it off the list",
    )
    rationale = serializers.CharField(required=False, allow_blank=True, default="")
    meeting = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="Id of the deciding meeting"
    )
