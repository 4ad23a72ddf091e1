"""REST API of the watchlist (/api/v1/watchlist/): the list (JSON or CSV) with an ETag per
caller, a country's detail with its history and risk scores, and the co-chairs' tier change.

REST clients of other agencies pull watchlist status with a token (DESIGN.md, "Users":
`api_client` accounts "read watchlist status over REST with a token"); they never write.
"""

from __future__ import annotations

import csv
import hashlib
import io
from typing import Any

from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from apc.core import markings
from apc.core.api import CLASSIFICATION_HEADER, PolicyViewSet
from apc.core.csvutil import safe_text
from apc.core.permissions import require
from apc.core.views import get_visible_or_404
from watchlist import selectors, services
from watchlist.filters import CountryFilter
from watchlist.models import Country, Tier
from watchlist.serializers import (
    COLUMNS,
    CountryDetailSerializer,
    CountrySerializer,
    TierChangeInputSerializer,
    TierChangeSerializer,
)

NO_CHANGE = inline_serializer(
    "NoChange",
    {"detail": serializers.CharField(), "errors": serializers.DictField()},
)


def _csv_cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula (CSV injection)."""
    if isinstance(value, str):
        return safe_text(value)
    return "" if value is None else value


class CSVRenderer(BaseRenderer):
    """A list of flat rows as CSV with a header row; the columns come from the view
    (`csv_header` in the renderer context)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None):
        if data is None:
            return b""
        header = (renderer_context or {}).get("csv_header") or list(data[0] if data else [])
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for row in data:
            writer.writerow([_csv_cell(row.get(column)) for column in header])
        return out.getvalue().encode(self.charset)


def _matches(etag: str, header: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110, 13.1.2)."""
    wanted = parse_etags(header)
    return "*" in wanted or any(e.removeprefix("W/") == etag for e in wanted)


@extend_schema(tags=["watchlist"])
class WatchlistViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PolicyViewSet):
    """The Atrocities Watchlist: listed countries (list), any country (detail)."""

    selector = staticmethod(selectors.countries_for)
    serializer_class = CountrySerializer
    filterset_class = CountryFilter
    lookup_field = "iso3"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, no query
            return Country.objects.none()
        if self.action == "list":
            if self.request.query_params.get("updated_since"):
                # A client syncing by date must also learn of countries taken off the list:
                # they come back with tier null.
                return selectors.watchlist_sync_for(self.request.user)
            return selectors.watchlist_for(self.request.user)
        return selectors.countries_for(self.request.user)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CountryDetailSerializer
        if self.action == "tier":
            return TierChangeInputSerializer
        return CountrySerializer

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action in ("list", None):  # None: an unmapped method, answered 405
            renderers.append(CSVRenderer())
        return renderers

    def get_renderer_context(self) -> dict[str, Any]:
        return {**super().get_renderer_context(), "csv_header": COLUMNS}

    def check_permissions(self, request: Request) -> None:
        super().check_permissions(request)
        if self.action == "list":
            require(request.user, "watchlist.export" if self._csv else "watchlist.view")

    def handle_exception(self, exc: Exception) -> Response:
        # Errors are JSON, even where the caller asked for CSV.
        if self._csv:
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == status.HTTP_304_NOT_MODIFIED:
            # No body to read the marking from: the highest marking of the set the ETag covers.
            response[CLASSIFICATION_HEADER] = markings.label(self._etag_marking)
        return response

    @property
    def _csv(self) -> bool:
        renderer = getattr(getattr(self, "request", None), "accepted_renderer", None)
        return isinstance(renderer, CSVRenderer)

    def get_object(self) -> Country:
        """Any country the caller may see, listed or not; ISO codes in any case."""
        country = get_visible_or_404(
            self.request.user, selectors.countries_for, Country, self.kwargs["iso3"].upper()
        )
        self.check_object_permissions(self.request, country)
        return country

    def _etag(self, queryset) -> str:
        """What this caller sees, in one query: each row's key, last change, marking and latest
        score, plus what shapes the representation (path, query string, format, host)."""
        rows = list(
            queryset.order_by("iso3").values_list(
                "iso3", "updated_at", "marking", "risk_vintage", "risk_score", "risk_rank"
            )
        )
        self._etag_marking = markings.highest(row[2] for row in rows)
        request = self.request
        digest = hashlib.sha256()
        for part in (
            request.build_absolute_uri(request.path),
            request.META.get("QUERY_STRING", ""),
            request.accepted_renderer.format,
            repr(rows),
        ):
            digest.update(part.encode())
            digest.update(b"\x00")
        return f'"{digest.hexdigest()[:40]}"'

    @extend_schema(
        summary="The watchlist",
        description=(
            "Every listed country the caller may see. Responses carry an ETag computed from "
            "what this caller sees; send it back in If-None-Match to get 304 when nothing "
            "changed. `format=csv` (or /api/v1/watchlist.csv) returns the whole filtered "
            "list as CSV, unpaginated."
        ),
        responses={
            200: CountrySerializer(many=True),
            304: OpenApiResponse(description="Not modified (If-None-Match matched the ETag)"),
        },
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        ordering = queryset.query.order_by
        if "iso3" not in ordering and "pk" not in ordering:
            queryset = queryset.order_by(*ordering, "iso3")  # stable pages
        etag = self._etag(queryset)
        if _matches(etag, request.headers.get("If-None-Match", "")):
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        elif self._csv:
            response = Response(
                self.get_serializer(queryset, many=True).data,
                headers={"Content-Disposition": 'attachment; filename="watchlist.csv"'},
            )
        else:
            page = self.paginate_queryset(queryset)
            response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        response["ETag"] = etag
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response

    @extend_schema(summary="A country, listed or not, with its tier history and risk scores")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        country = self.get_object()
        country.visible_history = list(selectors.history_for(request.user, country))
        country.visible_scores = list(selectors.scores_for(request.user, country))
        return Response(self.get_serializer(country).data)

    @extend_schema(
        summary="Change a country's tier (co-chairs)",
        request=TierChangeInputSerializer,
        responses={
            201: TierChangeSerializer,
            200: OpenApiResponse(NO_CHANGE, description="The country already has that tier"),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors"),
            403: OpenApiResponse(OpenApiTypes.OBJECT, description="Not permitted"),
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such country"),
        },
    )
    @action(detail=True, methods=["post"])
    def tier(self, request: Request, iso3: str | None = None) -> Response:
        country = self.get_object()
        # The policy answers before the input is judged: 403 for those who may not decide.
        require(request.user, "change_tier", country)
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.tier_change(
            country=country,
            to_tier=data.validated_data["tier"],
            rationale=data.validated_data["rationale"],
            meeting=data.validated_data.get("meeting"),
            actor=request.user,
        )
        if change is None:
            current = Tier(country.tier).label if country.tier else "not listed"
            return Response(
                {"detail": f"No change: {country.name} is already {current}.", "errors": {}},
                status=status.HTTP_200_OK,
            )
        return Response(
            TierChangeSerializer(change, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )
