"""Reads of the after-action repository, already filtered to what the user may see (policy and
clearance, afteraction/policy.py), with the joins their pages need."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from afteraction.models import (
    Exercise,
    Lesson,
    LessonConsideration,
    NarrativeLink,
    Report,
    ReportEvent,
)
from apc.core.permissions import visible

TAG_PREFETCH = ("countries", "tools", "strategies", "target_groups", "stages", "agencies")


def _superseded() -> Exists:
    """True for a report that a later revision of its series, published, corrects (by series
    and revision number: an archive limited by marking may have left the direct `supersedes`
    link of an imported revision empty)."""
    return Exists(
        Report.objects.filter(
            series=OuterRef("series"),
            revision__gt=OuterRef("revision"),
            status=Report.Status.PUBLISHED,
        )
    )


def reports_for(user: Any) -> QuerySet[Report]:
    """Every report the user may see, with `is_superseded` annotated."""
    return (
        visible(user, Report.objects.all())
        .select_related("country", "plan", "exercise")
        .annotate(is_superseded=_superseded())
    )


def published_for(user: Any, *, current_only: bool = True) -> QuerySet[Report]:
    qs = reports_for(user).filter(status=Report.Status.PUBLISHED)
    return qs.filter(is_superseded=False) if current_only else qs


def lessons_for(user: Any, *, current_only: bool = True) -> QuerySet[Lesson]:
    """The lessons of published reports the user may see, and only those cleared for them;
    `current_only` leaves out the lessons of superseded revisions."""
    reports = published_for(user, current_only=current_only)
    return (
        visible(user, Lesson.objects.all())
        .filter(report__in=reports.values("pk"))
        .select_related("report", "report__country")
    )


def lessons_of(user: Any, report: Report) -> list[Lesson]:
    """The lessons of one report the user is cleared for, with their tags."""
    return list(
        visible(user, Lesson.objects.filter(report=report))
        .prefetch_related(*TAG_PREFETCH)
        .order_by("position", "id")
    )


def links_of(user: Any, report: Report) -> list[NarrativeLink]:
    return list(
        visible(user, NarrativeLink.objects.filter(report=report)).order_by(
            "occurred_on", "position", "id"
        )
    )


def events_of(user: Any, report: Report) -> list[ReportEvent]:
    return list(visible(user, ReportEvent.objects.filter(report=report)).order_by("at", "id"))


def series_of(user: Any, report: Report) -> list[Report]:
    """Every revision of the report's series the user may see, oldest first."""
    return list(reports_for(user).filter(series=report.series).order_by("revision"))


def reports_of_country(user: Any, country) -> QuerySet[Report]:
    """Published reports about the country, or with a lesson tagged with it."""
    tagged = visible(user, Lesson.objects.filter(countries=country)).values("report_id")
    return (
        published_for(user, current_only=False)
        .filter(Q(country=country) | Q(pk__in=tagged))
        .order_by("-year", "-published_at", "-pk")
    )


def lessons_of_country(user: Any, country) -> QuerySet[Lesson]:
    """Current lessons about the country: tagged with it, or from a report about it."""
    return (
        lessons_for(user)
        .filter(
            Q(pk__in=Lesson.objects.filter(countries=country).values("pk"))
            | Q(report__country=country)
        )
        .prefetch_related("tools", "strategies", "target_groups")
        .order_by("-report__year", "report_id", "position")
    )


def exercises_for(user: Any) -> QuerySet[Exercise]:
    return visible(user, Exercise.objects.all()).select_related("plan", "plan__country")


def considerations_for(user: Any, plan) -> dict[int, LessonConsideration]:
    """The plan's considered lessons the user may see, by lesson id."""
    rows = visible(user, LessonConsideration.objects.filter(plan=plan)).select_related(
        "considered_by"
    )
    return {c.lesson_id: c for c in rows}


def with_tags(qs: QuerySet[Lesson]) -> QuerySet[Lesson]:
    return qs.prefetch_related(*TAG_PREFETCH)
