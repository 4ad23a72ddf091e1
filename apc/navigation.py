"""The main navigation. Each section appears once its pages exist (a URL name resolves) and the
user may open it; a section may point different roles at different pages (the first target
the user may open wins). Apps add their sections here as they land."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from apc.core.permissions import can


@dataclass(frozen=True)
class Section:
    label: str
    # (url name, record-less action the user must hold, or None), in order of preference
    targets: tuple[tuple[str, str | None], ...]


SECTIONS = (
    Section("Watchlist", (("watchlist:country-list", "watchlist.view"),)),
    Section(
        "Alerts",
        (("watchlist:warning-list", "alerts.triage"), ("watchlist:warning-mine", "alerts.file")),
    ),
    Section("Meetings", (("meeting-list", "meetings.view"),)),
    Section("Plans", (("plans:plan-list", "plans.view"),)),
    Section("After-action", (("afteraction:report-list", "afteraction.view"),)),
    Section("Audit", (("audit-list", "audit.view"),)),
)


def sections_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    items = []
    for section in SECTIONS:
        for url_name, action in section.targets:
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
            if action and not can(user, action):
                continue
            items.append({"label": section.label, "url": url, "current": False})
            break
    # the section whose URL is the longest prefix of the current path is the current one
    matches = [i for i in items if current_path.startswith(i["url"])]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["current"] = True
    return items
