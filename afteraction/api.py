"""REST API of the after-action repository: reports (/api/v1/afteraction/reports/) and lessons
(/api/v1/lessons/), read-only.

Source: issue 7, "API": `GET /api/v1/afteraction/reports/` and `/<id>/`, `GET
/api/v1/lessons/?q=...&country=&tool=&strategy=&outcome=` with highlights, "the same policy and
clearance rules as the pages"; seeds/000, "Crisis Response Structure and Process": "a permanent
and accessible repository". Who sees what is the policy's (afteraction/policy.py): published
reports for every crisis role cleared for them, unpublished ones for the directorate and the
author team; the auditor and service accounts see nothing of the repository (403 on the lists,
404 on records). A lesson or link above the caller's clearance is absent everywhere: in
results, totals, facets and highlights (afteraction/search.py starts from the selectors).

Nothing is written here: a report changes only through the services, while it is not yet
published, and a published one never changes (the database refuses it); every write method on
these routes answers 405 (403 for service accounts, refused before any lookup). Reads are
audited: the lists ("afteraction.report_list", "afteraction.lesson_search") and the records
("afteraction.report_view", "afteraction.lesson_view"), each with the highest marking shown,
which the X-APC-Classification header also names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from afteraction import search, selectors, services
from afteraction.models import Lesson, Report
from afteraction.serializers import (
    LessonDetailSerializer,
    LessonHitSerializer,
    LessonSearchPageSerializer,
    ReportDetailSerializer,
    ReportSerializer,
)
from apc.core import markings
from apc.core.api import CLASSIFICATION_HEADER, PolicyViewSet
from apc.core.audit import record_event
from apc.core.exceptions import Invalid
from apc.core.permissions import visible

ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="`{detail, errors}`")
_BY_LABEL = {markings.label(m): m for m in markings.ORDER}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


class _MarkedByView:
    """The classification header also counts markings the view names itself (`shown_marking`)
    that are no `marking` key of the payload: the countries the reports and lessons concern."""

    shown_marking: str | None = None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.shown_marking is not None and CLASSIFICATION_HEADER in response:
            found = _BY_LABEL.get(response[CLASSIFICATION_HEADER], markings.LOWEST)
            level = markings.highest([found, self.shown_marking])
            response[CLASSIFICATION_HEADER] = markings.label(level)
        return response


class _Checked:
    """Collects every bad parameter of a request, so one 400 names them all."""

    def __init__(self, params: Mapping[str, Any]):
        self.params = params
        self.errors: dict[str, list[str]] = {}

    def flag(self, name: str) -> bool:
        value = str(self.params.get(name) or "").strip().lower()
        if value in _TRUE:
            return True
        if value not in _FALSE:
            self.errors[name] = [f"Give 1 or 0 for {name}, not {value!r}."]
        return False

    def status(self) -> str | None:
        value = str(self.params.get("status") or "").strip()
        if value and value not in Report.Status.values:
            choices = ", ".join(Report.Status.values)
            self.errors["status"] = [f"Unknown status: {value!r} (one of {choices})."]
            return None
        return value or None

    def run(self, call: Callable[[], Any]) -> Any:
        """`call()` (a search, or search.clean_filters: each checks its own filters once),
        with its Invalid added to the other errors."""
        try:
            return call()
        except Invalid as exc:
            self.errors.update(exc.errors)
            return None

    def done(self) -> None:
        if self.errors:
            raise Invalid(errors=self.errors)


def _countries_marking(rows: list[Any]) -> str:
    """The highest marking of the countries the rows name (a report's subject, a lesson's
    tags), already loaded with the rows."""
    found: list[str] = []
    for row in rows:
        report = row if isinstance(row, Report) else row.report
        if report.country_id is not None:
            found.append(report.country.marking)
        if isinstance(row, Lesson):
            found.extend(c.marking for c in row.countries.all())
    return markings.highest(found)


class SearchPagination(PageNumberPagination):
    """Pages of search results as the other lists page (`page`, the default page size, `count`,
    `next`, `previous`), with the search's `total` and `facets`. The search fetches one page
    itself (offset and limit), so there is no queryset to slice."""

    def paginate_results(
        self, request: Request, fetch: Callable[[int, int], search.Results]
    ) -> search.Results:
        raw = request.query_params.get(self.page_query_param) or "1"
        number = int(raw) if raw.isdigit() else 0
        if number < 1:
            raise NotFound(f"Invalid page: {raw!r}.")
        size = self.get_page_size(request) or 50
        results = fetch((number - 1) * size, size)
        if number > 1 and (number - 1) * size >= results.total:
            raise NotFound("Invalid page: that page contains no results.")
        self.request, self._number, self._size, self._total = request, number, size, results.total
        return results

    def _link(self, number: int | None) -> str | None:
        if number is None:
            return None
        url = self.request.build_absolute_uri()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def response(self, results: search.Results, rows: list[Any]) -> Response:
        more = self._number * self._size < self._total
        body: dict[str, Any] = {
            "count": results.total,
            "total": results.total,
            "next": self._link(self._number + 1 if more else None),
            "previous": self._link(self._number - 1 if self._number > 1 else None),
            "query": results.query,
            "results": rows,
        }
        if results.facets:  # a search asked for them (the lessons')
            body["facets"] = {
                name: [
                    {"key": v.key, "label": v.label, "count": v.count, "selected": v.selected}
                    for v in values
                ]
                for name, values in results.facets.items()
            }
        return Response(body)


def _hits(results: search.Results) -> list[Any]:
    """The hits' objects, each carrying its rank and highlights for the serializer."""
    rows = []
    for hit in results.hits:
        hit.obj.hit_rank = hit.rank
        hit.obj.hit_highlights = {k: str(v) for k, v in hit.highlights.items()}
        rows.append(hit.obj)
    return rows


def _summary(params: Mapping[str, Any]) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(params.items()) if v)[:300]


# --- Reports --------------------------------------------------------------------------------


def report_parts(user: Any, report: Report) -> dict[str, Any]:
    """Every part of `report` as `user` may see it, and the highest marking among them."""
    lessons = selectors.lessons_of(user, report)
    links = selectors.links_of(user, report)
    revisions = selectors.series_of(user, report)
    seen = {r.pk for r in revisions}
    parts: dict[str, Any] = {
        "lessons": lessons,
        "links": links,
        "events": selectors.events_of(user, report),
        "revisions": revisions,
        "supersedes": report.supersedes_id if report.supersedes_id in seen else None,
        "superseded_by": [
            r.pk
            for r in revisions
            if r.supersedes_id == report.pk and r.status == Report.Status.PUBLISHED
        ],
        "authors_display": (
            report.authors_display
            if report.is_published
            else "; ".join(services.display_name(u) for u in services.authors(report))
        ),
    }
    parts["marking"] = markings.highest(
        [
            report.marking,
            *(x.marking for x in lessons),
            *(x.marking for x in links),
            *(c.marking for x in lessons for c in x.countries.all()),
            *([report.country.marking] if report.country_id else []),
        ]
    )
    return parts


REPORT_PARAMS = [
    OpenApiParameter("q", str, description="Full-text search (published reports only)"),
    OpenApiParameter("status", str, enum=Report.Status.values),
    OpenApiParameter("subject", str, enum=Report.Subject.values),
    OpenApiParameter("country", str, description="ISO 3166-1 alpha-3 code"),
    OpenApiParameter("region", str, description="UN M49 sub-region"),
    OpenApiParameter("year", int),
    OpenApiParameter("include_superseded", bool, description="Also revisions since corrected"),
]


class ReportViewSet(_MarkedByView, mixins.ListModelMixin, mixins.RetrieveModelMixin, PolicyViewSet):
    """After-action reports the caller may see."""

    selector = staticmethod(selectors.reports_for)
    serializer_class = ReportSerializer
    filter_backends: list = []
    pagination_class = SearchPagination
    list_action = "afteraction.view"

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Report.objects.none()
        return super().get_queryset()

    def get_serializer_class(self):
        return ReportDetailSerializer if self.action == "retrieve" else ReportSerializer

    def _listed(self, f: dict[str, str], superseded: bool) -> QuerySet[Report]:
        """Without a query: the reports the caller may see (published ones current unless
        `include_superseded`; unpublished ones for the directorate and the authors)."""
        qs = self.get_queryset()
        if not superseded:
            qs = qs.filter(~Q(status=Report.Status.PUBLISHED) | Q(is_superseded=False))
        for name, lookup in (
            ("status", "status"),
            ("subject", "subject"),
            ("country", "country_id"),
            ("region", "country__region"),
            ("year", "year"),
        ):
            if name in f:
                qs = qs.filter(**{lookup: f[name]})
        return qs.order_by("-year", "-published_at", "-pk")

    @extend_schema(
        summary="Reports the caller may see: published ones (current revisions unless "
        "include_superseded), and for the directorate and the authors the unpublished ones",
        description=(
            "With `q`, a full-text search over published reports, best match first, each with "
            "`rank` and `highlights` (the page then also carries `total` and `query`); `status` "
            "may then only be `published`. A bad filter value answers 400 naming it. The "
            "auditor and service accounts get 403."
        ),
        parameters=REPORT_PARAMS,
        responses={200: ReportSerializer(many=True), 400: ERRORS, 403: ERRORS},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = request.query_params
        check = _Checked(params)
        superseded = check.flag("include_superseded")
        status = check.status()
        q = str(params.get("q") or "").strip()
        if q:
            if status not in (None, Report.Status.PUBLISHED):
                check.errors["status"] = [
                    "Full-text search (q) covers published reports only: leave out status or "
                    "give status=published."
                ]
            results = check.run(
                lambda: self.paginator.paginate_results(  # type: ignore[union-attr]
                    request,
                    lambda offset, limit: search.search_reports(
                        request.user,
                        q,
                        params,
                        offset=offset,
                        limit=limit,
                        current_only=not superseded,
                        facets=False,
                    ),
                )
            )
            check.done()
            page = _hits(results)
        else:
            f = check.run(lambda: search.clean_filters(params, search.REPORT_FACETS))
            check.done()
            if status:
                f["status"] = status
            page = self.paginate_queryset(self._listed(f, superseded))
        self.shown_marking = markings.highest(
            [*(r.marking for r in page), _countries_marking(page)]
        )
        record_event(
            actor=request.user,
            action="afteraction.report_list",
            marking=self.shown_marking,
            request=request,
            summary=_summary(params),
        )
        data = ReportSerializer(page, many=True, context=self.get_serializer_context()).data
        if q:
            return self.paginator.response(results, data)  # type: ignore[union-attr]
        return self.get_paginated_response(data)

    @extend_schema(
        summary="A report with the lessons and links the caller is cleared for, its life cycle "
        "and its revision chain (audited read)",
        responses={200: ReportDetailSerializer, 404: ERRORS},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = self.get_object()
        parts = report_parts(request.user, report)
        record_event(
            actor=request.user,
            action="afteraction.report_view",
            obj=report,
            marking=parts["marking"],
            request=request,
        )
        self.shown_marking = parts["marking"]
        context = {**self.get_serializer_context(), "parts": parts}
        return Response(ReportDetailSerializer(report, context=context).data)


# --- Lessons --------------------------------------------------------------------------------


def lessons_visible(user: Any) -> QuerySet[Lesson]:
    """Every lesson the user may see (the policy: where its report is, and only if cleared for
    the lesson's own marking), with its report; unpublished ones for the directorate and the
    author team, as in the report's own detail."""
    return visible(user, Lesson.objects.all()).select_related("report", "report__country")


LESSON_PARAMS = [
    OpenApiParameter("q", str, description="Full-text search (websearch syntax)"),
    OpenApiParameter("country", str, description="ISO 3166-1 alpha-3 code"),
    OpenApiParameter("region", str, description="UN M49 sub-region"),
    OpenApiParameter("tool", int, description="Catalogue tool id"),
    OpenApiParameter("strategy", str, description="Strategy key"),
    OpenApiParameter("target_group", str, description="Target group key"),
    OpenApiParameter("stage", str, description="Escalation stage key"),
    OpenApiParameter("outcome", str, enum=Lesson.Outcome.values),
    OpenApiParameter("year", int, description="The year of the report's subject"),
    OpenApiParameter("include_superseded", bool, description="Also lessons of corrected revisions"),
]


class LessonViewSet(_MarkedByView, mixins.ListModelMixin, mixins.RetrieveModelMixin, PolicyViewSet):
    """Lessons learned, searched and faceted (afteraction/search.py)."""

    selector = staticmethod(lessons_visible)
    serializer_class = LessonDetailSerializer
    filter_backends: list = []
    pagination_class = SearchPagination
    list_action = "afteraction.view"

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Lesson.objects.none()
        return super().get_queryset()

    def get_serializer_class(self):
        return LessonHitSerializer if self.action == "list" else LessonDetailSerializer

    @extend_schema(
        summary="Lessons of published reports the caller may see, best match first, with "
        "highlights, the total and facet counts",
        description=(
            "Every hit has `rank` and `highlights` (field -> HTML with <mark>). `facets` counts "
            "the matches by country, region, tool, strategy, target group, outcome and year. A "
            "lesson above the caller's clearance is in none of them. A bad filter value answers "
            "400 naming it; the auditor and service accounts get 403."
        ),
        parameters=LESSON_PARAMS,
        responses={200: LessonSearchPageSerializer, 400: ERRORS, 403: ERRORS},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = request.query_params
        check = _Checked(params)
        current_only = not check.flag("include_superseded")
        results = check.run(
            lambda: self.paginator.paginate_results(  # type: ignore[union-attr]
                request,
                lambda offset, limit: search.search_lessons(
                    request.user,
                    str(params.get("q") or ""),
                    params,
                    offset=offset,
                    limit=limit,
                    current_only=current_only,
                ),
            )
        )
        check.done()
        page = _hits(results)
        self.shown_marking = markings.highest(
            [*(x.report.marking for x in page), _countries_marking(page)]
        )
        record_event(
            actor=request.user,
            action="afteraction.lesson_search",
            marking=markings.highest([*(x.marking for x in page), self.shown_marking]),
            request=request,
            summary=_summary(params),
        )
        data = LessonHitSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.paginator.response(results, data)  # type: ignore[union-attr]

    @extend_schema(
        summary="A lesson with its tags and its report (audited read)",
        responses={200: LessonDetailSerializer, 404: ERRORS},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        lesson = self.get_object()
        lesson = selectors.with_tags(self.get_queryset()).get(pk=lesson.pk)
        shown = markings.highest(
            [lesson.marking, lesson.report.marking, _countries_marking([lesson])]
        )
        record_event(
            actor=request.user,
            action="afteraction.lesson_view",
            obj=lesson,
            marking=shown,
            request=request,
        )
        self.shown_marking = shown
        return Response(LessonDetailSerializer(lesson, context=self.get_serializer_context()).data)
