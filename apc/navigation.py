"""The main navigation. Each section appears once its pages exist (its URL name resolves) and
the user may open it; apps add their sections here as they land."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from apc.core.permissions import can


@dataclass(frozen=True)
class Section:
    label: str
    url_name: str
    action: str | None = None  # a record-less action the user must hold, if any


SECTIONS = (
    Section("Watchlist", "watchlist:country-list", action="watchlist.view"),
    Section("Alerts", "watchlist:warning-list"),
    Section("Meetings", "meeting-list"),
    Section("Plans", "plans:plan-list"),
    Section("After-action", "afteraction:report-list"),
    Section("Audit", "audit-list", action="audit.view"),
)


def sections_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    items = []
    for section in SECTIONS:
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:
            continue
        if section.action and not can(user, section.action):
            continue
        items.append({"label": section.label, "url": url, "current": current_path.startswith(url)})
    return items
