"""A report as plain, JSON-able data: the archive's record of one report and the context of its
PDF (issue 7, "Permanence and handover": "every published report, revision and lesson as JSON
with a schema version"; seeds/000, "Crisis Response Structure and Process": a repository "made
available to succeeding administrations").

The document names everything by what travels between installations: reports and lessons by
`uid`, countries by ISO 3166 alpha-3 code, catalogue tools by (source, name), strategies,
target groups and escalation stages by key, agencies by code; people by the names written when
they acted (`commissioned_by_name`, `authors_display`, `published_by_name`, each event's
`actor_name`). Records of the source installation (the plan, exercise or meeting that a report is
about or cites) travel as their labels.

The document holds exactly the lessons, links and events it is given, so a caller that passes
what a reader may see gets that reader's document. Its ordering is fixed (lessons by position,
links by date and position, events by time, tags by key) and independent of the database, so
the same report gives the same document on PostgreSQL and SQLite: the archive's checksums and
the import's comparison of a report already present rely on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from afteraction.models import Lesson, NarrativeLink, Report, ReportEvent
from apc.core import markings

SCHEMA_VERSION = 1

# The report's own fields, in the order the document lists them (lessons, links and events
# follow).
REPORT_FIELDS = (
    "uid",
    "series",
    "revision",
    "supersedes",
    "title",
    "marking",
    "status",
    "subject",
    "subject_label",
    "country",
    "country_name",
    "year",
    "period_start",
    "period_end",
    "scope_questions",
    "due_on",
    "commissioned_by",
    "commissioned_at",
    "summary",
    "narrative",
    "findings",
    "authors",
    "published_at",
    "published_by",
    "imported_from",
)
LESSON_FIELDS = (
    "uid",
    "previous",
    "position",
    "statement",
    "recommendation",
    "evidence",
    "outcome",
    "marking",
    "countries",
    "tools",
    "strategies",
    "target_groups",
    "stages",
    "agencies",
)
# What says where a report came from rather than what it says.
PROVENANCE = ("imported_from",)
TAGS = ("countries", "tools", "strategies", "target_groups", "stages", "agencies")


def instant(value: datetime | None) -> str | None:
    """A moment as ISO 8601 in UTC (microseconds kept): the same text on every backend."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat()


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def parse_instant(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def _tags(lesson: Lesson) -> dict[str, list]:
    """The lesson's tags by natural key, sorted (reads the prefetch cache when there is one)."""
    return {
        "countries": sorted(c.iso3 for c in lesson.countries.all()),
        "tools": [
            {"source": source, "name": name}
            for source, name in sorted((t.source, t.name) for t in lesson.tools.all())
        ],
        "strategies": sorted(s.key for s in lesson.strategies.all()),
        "target_groups": sorted(g.key for g in lesson.target_groups.all()),
        "stages": sorted(s.key for s in lesson.stages.all()),
        "agencies": sorted(a.code for a in lesson.agencies.all()),
    }


def lesson_document(lesson: Lesson) -> dict[str, Any]:
    return {
        "uid": str(lesson.uid),
        "previous": str(lesson.previous.uid) if lesson.previous_id else None,
        "position": lesson.position,
        "statement": lesson.statement,
        "recommendation": lesson.recommendation,
        "evidence": lesson.evidence,
        "outcome": lesson.outcome,
        "marking": lesson.marking,
        **_tags(lesson),
    }


def link_document(link: NarrativeLink) -> dict[str, Any]:
    return {
        "kind": link.kind,
        "label": link.label,
        "occurred_on": day(link.occurred_on),
        "position": link.position,
        "marking": link.marking,
    }


def event_document(event: ReportEvent) -> dict[str, Any]:
    return {
        "action": event.action,
        "from": event.from_status,
        "to": event.to_status,
        "actor": event.actor_name,
        "comment": event.comment,
        "at": instant(event.at),
    }


def report_document(
    report: Report,
    lessons: Iterable[Lesson],
    links: Iterable[NarrativeLink],
    events: Iterable[ReportEvent],
) -> dict[str, Any]:
    """The report with the lessons, links and events given, as JSON-able data in a fixed order.
    Tags should be prefetched on the lessons and `previous` on each (one query per lesson
    otherwise), `country` and `supersedes` on the report."""
    lessons = sorted(lessons, key=lambda x: (x.position, x.pk or 0))
    # dates before undated links, on every backend (PostgreSQL and SQLite sort NULL apart)
    links = sorted(
        links, key=lambda x: (x.occurred_on is None, x.occurred_on or date.min, x.position, x.pk)
    )
    events = sorted(events, key=lambda x: (x.at, x.pk))
    country = report.country if report.country_id else None
    return {
        "uid": str(report.uid),
        "series": str(report.series),
        "revision": report.revision,
        "supersedes": str(report.supersedes.uid) if report.supersedes_id else None,
        "title": report.title,
        "marking": report.marking,
        "status": report.status,
        "subject": report.subject,
        "subject_label": report.subject_label,
        "country": country.iso3 if country else None,
        "country_name": country.name if country else None,
        "year": report.year,
        "period_start": day(report.period_start),
        "period_end": day(report.period_end),
        "scope_questions": report.scope_questions,
        "due_on": day(report.due_on),
        "commissioned_by": report.commissioned_by_name,
        "commissioned_at": instant(report.commissioned_at),
        "summary": report.summary,
        "narrative": report.narrative,
        "findings": report.findings,
        "authors": report.authors_display,
        "published_at": instant(report.published_at),
        "published_by": report.published_by_name,
        "imported_from": report.imported_from,
        "links": [link_document(x) for x in links],
        "lessons": [lesson_document(x) for x in lessons],
        "events": [event_document(x) for x in events],
    }


def highest_marking(doc: dict[str, Any]) -> str:
    """The highest marking the document holds: the report's, its lessons' and its links'."""
    return markings.highest(
        [
            doc["marking"],
            *(x["marking"] for x in doc.get("lessons", [])),
            *(x["marking"] for x in doc.get("links", [])),
        ]
    )
