"""Builders for the after-action tests: reports commissioned, written and published through the
services (so every test starts from states the product itself produces)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from afteraction import services
from afteraction.models import Lesson, Report
from apc.core import roles
from apc.meetings.dates import committee_today
from plans.models import EscalationStage, Strategy, TargetGroup, Tool
from tests.factories import UserFactory, country
from tests.plans.support import ensure_plans_reference


def directorate(**kwargs):
    return UserFactory(role=roles.DIRECTORATE, clearance="S", **kwargs)


def author(role: str = roles.MEMBER, **kwargs):
    kwargs.setdefault("clearance", "S")
    return UserFactory(role=role, **kwargs)


def tool(name: str) -> Tool:
    return Tool.objects.filter(name__iexact=name).order_by("source").first() or Tool.objects.get(
        name__icontains=name
    )


def strategy(key: str) -> Strategy:
    return Strategy.objects.get(key=key)


def group(key: str) -> TargetGroup:
    return TargetGroup.objects.get(key=key)


def stage(key: str) -> EscalationStage:
    return EscalationStage.objects.get(key=key)


def commission(
    *,
    by=None,
    authors=None,
    iso3: str = "KEN",
    title: str = "The crisis",
    marking: str = "U",
    subject: str = Report.Subject.CRISIS,
    period_start: date | None = date(2007, 12, 27),
    period_end: date | None = date(2008, 2, 28),
    due_on: date | None = None,
    **kwargs: Any,
) -> Report:
    ensure_plans_reference()
    by = by or directorate()
    authors = authors if authors is not None else [author()]
    return services.report_commission(
        actor=by,
        title=title,
        subject=subject,
        scope_questions="What happened?\nWhat worked?",
        due_on=due_on or committee_today() + timedelta(days=30),
        authors=authors,
        country=country(iso3) if subject == Report.Subject.CRISIS else kwargs.pop("country", None),
        period_start=period_start,
        period_end=period_end,
        marking=marking,
        **kwargs,
    )


def write(
    report: Report,
    writer,
    *,
    summary: str = "Summary.",
    narrative: str = "Narrative.",
    findings: str = "Findings.",
    marking: str | None = None,
) -> Report:
    report.refresh_from_db()
    return services.report_save(
        actor=writer,
        report=report,
        summary=summary,
        narrative=narrative,
        findings=findings,
        marking=marking or report.marking,
        version=report.version,
    )


def lesson(
    report: Report, writer, statement: str = "Early diplomacy worked.", **data: Any
) -> Lesson:
    data.setdefault("recommendation", "Engage early.")
    data.setdefault("outcome", Lesson.Outcome.WORKED)
    return services.lesson_add(actor=writer, report=report, data={"statement": statement, **data})


def publish(report: Report, writer, publisher=None) -> Report:
    """Take a written report through drafting and review to publication."""
    report.refresh_from_db()
    if report.status == Report.Status.COMMISSIONED:
        report = services.report_transition(actor=writer, report=report, action="start")
    if report.status == Report.Status.DRAFTING:
        report = services.report_transition(actor=writer, report=report, action="submit")
    publisher = publisher or directorate()
    return services.report_transition(actor=publisher, report=report, action="publish")


def published_report(*, lessons: list[dict[str, Any]] | None = None, **kwargs: Any) -> Report:
    """A published report with the given lessons (each a lesson_add data dict)."""
    writer = kwargs.pop("writer", None) or author()
    report = commission(authors=[writer], **kwargs)
    write(report, writer)
    for data in lessons or [{"statement": "Early diplomacy worked."}]:
        data = dict(data)
        lesson(report, writer, data.pop("statement"), **data)
    return publish(report, writer)
