"""An after-action report as PDF: the download of the report page and the copy of each report in
the archive for successor administrations (issue 7, "Permanence and handover": "each report
rendered as PDF"; seeds/000, "Crisis Response Structure and Process").

The PDF is rendered from the report's document (afteraction/document.py), so a download and the
archive's copy are the same rendering of the same data. `pdf_for` builds the document from what
the reader may see (afteraction/selectors.py: lessons and narrative links above their clearance
are left out); the archive builds it from what the export releases. The highest marking held is
printed at the top and bottom of every page (CSS page-margin boxes, as the meeting packet:
apc/meetings/packet.py) and on the title page; each lesson and link carries its own portion
marking. The renderer fetches nothing from the network or the disk (data: URLs only).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from afteraction import selectors
from afteraction.document import highest_marking, parse_day, parse_instant, report_document
from afteraction.models import Lesson, NarrativeLink, Report
from apc.core import markings
from apc.core.permissions import require
from apc.meetings.packet import _stylesheet, page_css
from apc.models import Agency
from plans.models import EscalationStage, Strategy, TargetGroup
from watchlist.models import Country

TEMPLATE = "afteraction/report_pdf.html"
# Tags the document names by key and the PDF shows by name (tools travel with their name).
NAMED = ("countries", "strategies", "target_groups", "stages", "agencies")


class ReportPDF(bytes):
    """The PDF's bytes (usable wherever bytes are), with the highest marking it holds (printed
    on every page; the banner and audit marking of a download) and a file name."""

    marking: str
    filename: str

    def __new__(cls, pdf: bytes, *, marking: str, filename: str) -> ReportPDF:
        obj = super().__new__(cls, pdf)
        obj.marking, obj.filename = marking, filename
        return obj

    @property
    def pdf(self) -> bytes:
        return bytes(self)


def _names(doc: dict[str, Any]) -> dict[str, dict]:
    """Display names of the tags the document uses, by natural key (one query per kind of tag;
    a key this installation does not hold is shown as the key)."""
    used: dict[str, set] = {k: set() for k in NAMED}
    for lesson in doc["lessons"]:
        for kind in NAMED:
            used[kind].update(lesson[kind])

    def lookup(model, field: str, keys: set, label: str) -> dict:
        if not keys:
            return {}
        return dict(model.objects.filter(**{f"{field}__in": keys}).values_list(field, label))

    return {
        "countries": lookup(Country, "iso3", used["countries"], "name"),
        "strategies": lookup(Strategy, "key", used["strategies"], "name"),
        "target_groups": lookup(TargetGroup, "key", used["target_groups"], "name"),
        "stages": lookup(EscalationStage, "key", used["stages"], "name"),
        "agencies": lookup(Agency, "code", used["agencies"], "short_name"),
    }


def _lesson_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    names = _names(doc)
    outcomes = dict(Lesson.Outcome.choices)
    rows = []
    for lesson in doc["lessons"]:
        tags = [
            ("Countries", [names["countries"].get(k, k) for k in lesson["countries"]]),
            ("Tools", [t["name"] for t in lesson["tools"]]),
            ("Strategies", [names["strategies"].get(k, k) for k in lesson["strategies"]]),
            ("Target groups", [names["target_groups"].get(k, k) for k in lesson["target_groups"]]),
            ("Escalation stages", [names["stages"].get(k, k) for k in lesson["stages"]]),
            ("Agencies", [names["agencies"].get(k, k) for k in lesson["agencies"]]),
        ]
        rows.append(
            {
                **lesson,
                "outcome_label": outcomes.get(lesson["outcome"], lesson["outcome"]),
                "tags": [(label, ", ".join(values)) for label, values in tags if values],
            }
        )
    return rows


def report_pdf_context(
    doc: dict[str, Any], *, reader_label: str = "", now: datetime | None = None
) -> dict[str, Any]:
    """What the PDF shows: the document, with labels and dates for the template, and its
    highest marking (`marking`)."""
    level = highest_marking(doc)
    statuses = dict(Report.Status.choices)
    kinds = dict(NarrativeLink.Kind.choices)
    return {
        "doc": doc,
        "subject": dict(Report.Subject.choices).get(doc["subject"], doc["subject"]),
        "status": statuses.get(doc["status"], doc["status"]),
        "period_start": parse_day(doc["period_start"]),
        "period_end": parse_day(doc["period_end"]),
        "due_on": parse_day(doc["due_on"]),
        "commissioned_at": timezone.localtime(parse_instant(doc["commissioned_at"])),
        "published_at": (
            timezone.localtime(parse_instant(doc["published_at"])) if doc["published_at"] else None
        ),
        "scope_questions": [q for q in doc["scope_questions"].splitlines() if q.strip()],
        "lessons": _lesson_rows(doc),
        "links": [
            {**x, "kind_label": kinds.get(x["kind"], x["kind"]), "on": parse_day(x["occurred_on"])}
            for x in doc["links"]
        ],
        "events": [
            {
                **e,
                "at": timezone.localtime(parse_instant(e["at"])),
                "from_label": statuses.get(e["from"], e["from"]),
                "to_label": statuses.get(e["to"], e["to"]),
            }
            for e in doc["events"]
        ],
        "reader_label": reader_label,
        "generated_at": timezone.localtime(now or timezone.now()),
        "marking": level,
        "marking_label": markings.label(level),
    }


def filename(doc: dict[str, Any]) -> str:
    slug = slugify(doc["title"])[:60].strip("-") or "report"
    return f"apc-afteraction-{slug}-r{doc['revision']}.pdf"


def render_report_pdf(
    doc: dict[str, Any], *, reader_label: str = "", now: datetime | None = None
) -> ReportPDF:
    """The report's document as PDF bytes, with the highest marking it holds and a file name."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    context = report_pdf_context(doc, reader_label=reader_label, now=now)
    html = render_to_string(TEMPLATE, context)
    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"}))
    pdf = document.write_pdf(
        stylesheets=[CSS(string=_stylesheet()), CSS(string=page_css(context["marking"]))]
    )
    return ReportPDF(pdf=pdf, marking=context["marking"], filename=filename(doc))


def reader_document(user: Any, report: Report) -> dict[str, Any]:
    """The report's document as `user` may read it: only the lessons and links they are cleared
    for, through the selectors (refuses a report they may not see)."""
    require(user, "view", report)
    lessons = selectors.lessons_of(user, report)
    prefetch_related_objects(lessons, "previous")
    prefetch_related_objects([report], "country", "supersedes")
    return report_document(
        report, lessons, selectors.links_of(user, report), selectors.events_of(user, report)
    )


def pdf_for(user: Any, report: Report, *, now: datetime | None = None) -> ReportPDF:
    """The report as `user` may read it, as PDF (the report page's download calls this and
    audits the read with the result's `.marking`)."""
    name = user.get_full_name() or user.username
    agency = getattr(getattr(user, "agency", None), "short_name", "")
    label = f"{name} ({agency})" if agency else name
    return render_report_pdf(reader_document(user, report), reader_label=label, now=now)
