"""Representations of the after-action repository for the REST API (afteraction/api.py).

Nothing is read here: the view reads a report's lessons, links, events and revisions through
the selectors with the caller (afteraction/selectors.py) and passes them in the serializer
context, and search hits come from afteraction/search.py already filtered by the policy and by
clearance, so a serializer never shows more than the caller may see. Highlights are the search
module's safe HTML: the matched text escaped, with only `<mark>` tags added.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from afteraction.models import Lesson, NarrativeLink, Report, ReportEvent
from apc.core.permissions import can


def _absolute(context: dict[str, Any], path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


HIGHLIGHTS = serializers.DictField(
    child=serializers.CharField(),
    help_text="Field name -> HTML excerpt with the matches in <mark> (the text is escaped)",
)


# --- Lessons --------------------------------------------------------------------------------


class ToolTagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class LessonSerializer(serializers.ModelSerializer):
    """A lesson with its tags: `countries` are ISO 3166-1 alpha-3 codes; `tools` catalogue tools
    (id and name); `strategies`, `target_groups` and `stages` keys of the reference tables;
    `agencies` agency codes; `previous` the same lesson in the revision this one's report
    corrects; `url` the lesson's page."""

    countries = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    tools = ToolTagSerializer(many=True, read_only=True)
    strategies = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)
    target_groups = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)
    stages = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)
    agencies = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Lesson
        fields = [
            "id",
            "uid",
            "position",
            "statement",
            "recommendation",
            "evidence",
            "outcome",
            "marking",
            "previous",
            "countries",
            "tools",
            "strategies",
            "target_groups",
            "stages",
            "agencies",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, lesson: Lesson) -> str:
        return _absolute(self.context, reverse("afteraction:lesson-detail", args=[lesson.pk]))


class LessonReportSerializer(serializers.ModelSerializer):
    """The report a lesson belongs to (its `marking` is the report's own)."""

    country = serializers.CharField(source="country_id", read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "title", "year", "revision", "status", "country", "marking", "url"]
        read_only_fields = fields

    def get_url(self, report: Report) -> str:
        return _absolute(self.context, reverse("api:afteraction-report-detail", args=[report.pk]))


class LessonDetailSerializer(LessonSerializer):
    """A lesson with the report it comes from."""

    report = LessonReportSerializer(read_only=True)

    class Meta(LessonSerializer.Meta):
        fields = [*LessonSerializer.Meta.fields, "report"]
        read_only_fields = fields


class LessonHitSerializer(LessonDetailSerializer):
    """A search result: the lesson, its `rank` (higher is better; 0 without a query) and the
    `highlights` of the fields the query matched."""

    rank = serializers.FloatField(source="hit_rank", read_only=True)
    highlights = serializers.DictField(
        source="hit_highlights", child=serializers.CharField(), read_only=True
    )

    class Meta(LessonDetailSerializer.Meta):
        fields = [*LessonDetailSerializer.Meta.fields, "rank", "highlights"]
        read_only_fields = fields


class FacetValueSerializer(serializers.Serializer):
    """One value of a facet: `count` matching results (only those the caller may see);
    `selected` when the request filters by it."""

    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class _SearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    total = serializers.IntegerField(help_text="Every match (the same as `count`)")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    query = serializers.CharField()


class LessonSearchPageSerializer(_SearchPageSerializer):
    """A page of lesson search results (for the schema)."""

    results = LessonHitSerializer(many=True)
    facets = serializers.DictField(
        child=FacetValueSerializer(many=True),
        help_text="country, region, tool, strategy, target_group, outcome, year",
    )


# --- Reports --------------------------------------------------------------------------------


class ReportSerializer(serializers.ModelSerializer):
    """A report in a list: `country` the ISO3 code of a crisis report; `is_superseded` when a
    published revision corrects it; `url` the report's page, `pdf_url` its PDF; `rank` and
    `highlights` are set when the list was searched (`q`)."""

    country = serializers.CharField(source="country_id", read_only=True, allow_null=True)
    is_superseded = serializers.BooleanField(read_only=True)
    url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    rank = serializers.SerializerMethodField()
    highlights = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "uid",
            "series",
            "revision",
            "title",
            "status",
            "subject",
            "subject_label",
            "country",
            "period_start",
            "period_end",
            "year",
            "marking",
            "authors_display",
            "published_at",
            "is_superseded",
            "url",
            "pdf_url",
            "rank",
            "highlights",
        ]
        read_only_fields = fields

    def get_url(self, report: Report) -> str:
        return _absolute(self.context, reverse("afteraction:report-detail", args=[report.pk]))

    def get_pdf_url(self, report: Report) -> str:
        return _absolute(self.context, reverse("afteraction:report-pdf", args=[report.pk]))

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_rank(self, report: Report) -> float | None:
        return getattr(report, "hit_rank", None)

    @extend_schema_field(HIGHLIGHTS)
    def get_highlights(self, report: Report) -> dict[str, str]:
        return dict(getattr(report, "hit_highlights", None) or {})


def _if_visible(context: dict[str, Any], record: Any) -> int | None:
    """A related record's id, only when the caller may view that record (a warning outside
    their distribution, a plan they are not on, say no more than null)."""
    request = context.get("request")
    if record is None or request is None or not can(request.user, "view", record):
        return None
    return record.pk


class LinkSerializer(serializers.ModelSerializer):
    """A record of the period the narrative cites: `kind` plan, meeting, tier_change or warning;
    `target` the record's id (null in an installation that imported the report without it);
    `label` what it said when it was picked."""

    target = serializers.SerializerMethodField()

    class Meta:
        model = NarrativeLink
        fields = ["id", "kind", "target", "label", "occurred_on", "marking"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_target(self, link: NarrativeLink) -> int | None:
        """The record's id, only for a caller who may open the record itself."""
        return _if_visible(self.context, link.target)


class EventSerializer(serializers.ModelSerializer):
    """One step of the report's life cycle."""

    actor = serializers.CharField(source="actor_name", read_only=True)

    class Meta:
        model = ReportEvent
        fields = ["action", "from_status", "to_status", "actor", "comment", "at"]
        read_only_fields = fields


class RevisionSerializer(serializers.ModelSerializer):
    """A revision of the report's series the caller may see."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "revision", "status", "published_at", "url"]
        read_only_fields = fields

    def get_url(self, report: Report) -> str:
        return _absolute(self.context, reverse("api:afteraction-report-detail", args=[report.pk]))


class ReportDetailSerializer(ReportSerializer):
    """A report as far as the caller may see it (read by the view through the selectors and
    passed in the context): the lessons and narrative links their clearance admits, the life
    cycle's events, and the revision chain: `supersedes` (the report this revision corrects)
    and `superseded_by` (the published revisions correcting it), each only if the caller may
    see it, and `revisions`, every revision of the series they may see, oldest first."""

    country_name = serializers.CharField(
        source="country.name", read_only=True, allow_null=True, default=None
    )
    plan = serializers.SerializerMethodField()
    exercise = serializers.SerializerMethodField()
    supersedes = serializers.SerializerMethodField()
    superseded_by = serializers.SerializerMethodField()
    revisions = serializers.SerializerMethodField()
    authors_display = serializers.SerializerMethodField()
    lessons = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [
            *(f for f in ReportSerializer.Meta.fields if f not in ("rank", "highlights")),
            "country_name",
            "plan",
            "exercise",
            "scope_questions",
            "due_on",
            "commissioned_by_name",
            "commissioned_at",
            "summary",
            "narrative",
            "findings",
            "published_by_name",
            "imported_from",
            "supersedes",
            "superseded_by",
            "revisions",
            "lessons",
            "links",
            "events",
        ]
        read_only_fields = fields

    def _part(self, name: str) -> Any:
        return self.context["parts"][name]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_plan(self, report: Report) -> int | None:
        return _if_visible(self.context, report.plan)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_exercise(self, report: Report) -> int | None:
        return _if_visible(self.context, report.exercise)

    @extend_schema_field(serializers.CharField())
    def get_authors_display(self, report: Report) -> str:
        return self._part("authors_display")

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_supersedes(self, report: Report) -> int | None:
        return self._part("supersedes")

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_superseded_by(self, report: Report) -> list[int]:
        return self._part("superseded_by")

    @extend_schema_field(RevisionSerializer(many=True))
    def get_revisions(self, report: Report) -> list[dict[str, Any]]:
        return RevisionSerializer(self._part("revisions"), many=True, context=self.context).data

    @extend_schema_field(LessonSerializer(many=True))
    def get_lessons(self, report: Report) -> list[dict[str, Any]]:
        return LessonSerializer(self._part("lessons"), many=True, context=self.context).data

    @extend_schema_field(LinkSerializer(many=True))
    def get_links(self, report: Report) -> list[dict[str, Any]]:
        return LinkSerializer(self._part("links"), many=True, context=self.context).data

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, report: Report) -> list[dict[str, Any]]:
        return EventSerializer(self._part("events"), many=True, context=self.context).data
