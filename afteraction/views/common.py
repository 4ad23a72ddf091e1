"""Helpers shared by the after-action pages (afteraction/views/)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict
from django.urls import reverse

from afteraction import selectors
from afteraction.models import Lesson, Report
from afteraction.workflow import REPORT
from apc.core import markings
from apc.core.exceptions import Invalid
from apc.core.permissions import visible
from apc.core.views import get_visible_or_404
from watchlist.models import Country

STATUS_LABELS = dict(Report.Status.choices)
ACTION_LABELS = {t.action: t.label for t in REPORT.transitions} | {
    "commission": "Commissioned",
    "revise": "Revision started",
}
LINK_CANDIDATES = 50  # records of each kind offered by the link picker


# --- Helpers --------------------------------------------------------------------------------


def report_or_404(user: Any, pk: int) -> Report:
    return get_visible_or_404(user, selectors.reports_for, Report, pk)


def visible_lessons(user: Any) -> QuerySet[Lesson]:
    """Every lesson the user may see (of published reports, and of the reports they write or
    steer), with its report."""
    return visible(user, Lesson.objects.all()).select_related(
        "report", "report__country", "previous"
    )


def lesson_or_404(user: Any, pk: int, *, tags: bool = False) -> Lesson:
    def selector(u: Any) -> QuerySet[Lesson]:
        return selectors.with_tags(visible_lessons(u)) if tags else visible_lessons(u)

    return get_visible_or_404(user, selector, Lesson, pk)


def detail_url(report: Report, part: str = "") -> str:
    url = reverse("afteraction:report-detail", args=[report.pk])
    return f"{url}#{part}" if part else url


def error_text(exc: Invalid) -> str:
    parts = [m for msgs in exc.errors.values() for m in msgs]
    return " ".join(parts) or exc.detail


def private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def querystring(params: QueryDict, *, keep_page: bool = False, **changes: str | None) -> str:
    """The query string with `changes` applied (None removes a key) and the page dropped."""
    query = params.copy()
    if not keep_page:
        query.pop("page", None)
    for key, value in changes.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = value
    return query.urlencode()


def visible_countries(user: Any) -> QuerySet[Country]:
    return visible(user, Country.objects.all()).order_by("name")


def offered_marking(form: Any) -> str:
    """The highest marking of the records a form offers by name (plans, exercises, countries):
    the page shows their names, so its banner counts them."""
    found: list[str] = []
    for objs in getattr(form, "picks", {}).values():
        for obj in objs.values():
            found += [m for m in (getattr(obj, "marking", None),) if m]
            country = getattr(obj, "country", None) if hasattr(obj, "country_id") else None
            if country is not None:
                found.append(country.marking)
    return markings.highest(found)
