"""The meeting packet: one PDF a member takes into the room (issue 5, "Outputs").

A cover, the agenda as the reader may see it, a summary of every country on it (tier, since
when, priority, latest risk rank, last tier changes), and the open action items the reader may
see. Everything is read through the selectors with the reader, so the packet holds nothing
above their clearance; the highest marking it holds is printed at the top and bottom of every
page (CSS page-margin boxes) and on the cover.

Rendered by WeasyPrint (Debian's pango and harfbuzz: scripts/system-deps.sh). The template is
never served to a browser; the stylesheet is static/css/packet.css plus the margin rules built
here. The renderer fetches nothing from the network or the disk (data: URLs only).
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from apc.core import markings
from apc.core.permissions import visible
from apc.meetings import selectors
from apc.meetings.models import ActionItem, Meeting

# WeasyPrint reports every layout step at INFO: keep its warnings, not its progress
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

TEMPLATE = "apc/meetings/packet.html"
STYLESHEET = "css/packet.css"
TIER_CHANGES_SHOWN = 3
# banner colours of the marking scale (as the pages' classification banner)
COLOURS = {
    markings.Marking.U: "#007a33",
    markings.Marking.CUI: "#502b85",
    markings.Marking.C: "#0033a0",
    markings.Marking.S: "#c8102e",
}


@dataclass
class Packet:
    pdf: bytes
    marking: str
    filename: str


@functools.lru_cache(maxsize=1)
def _stylesheet() -> str:
    path = finders.find(STYLESHEET)
    if not path:
        raise FileNotFoundError(STYLESHEET)
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def page_css(marking: str) -> str:
    """The margin boxes of every page: the marking at top and bottom, the page number."""
    text = markings.label(marking)
    colour = COLOURS[marking]
    box = f'content: "{text}"; color: {colour}; font-weight: bold; letter-spacing: 0.08em;'
    return (
        "@page {"
        f" @top-center {{ {box} }}"
        f" @bottom-center {{ {box} }}"
        ' @bottom-right { content: "Page " counter(page) " of " counter(pages);'
        " font-size: 8pt; color: #555; }"
        " }"
    )


def _country_summaries(user: Any, codes: list[str]) -> list[dict[str, Any]]:
    """Tier, since when, priority, latest risk rank and the last tier changes of the countries
    the reader may see, in the order given (two queries)."""
    if not codes:
        return []
    # apc does not import the watchlist at module level (it is the other way round)
    from watchlist import selectors as watchlist
    from watchlist.models import Tier, TierChange

    countries = {c.pk: c for c in watchlist.countries_for(user).filter(pk__in=codes)}
    changes: dict[str, list] = defaultdict(list)
    history = visible(user, TierChange.objects.filter(country_id__in=list(countries)))
    for change in history.select_related("meeting").order_by("-effective", "-created_at", "-id"):
        if len(changes[change.country_id]) < TIER_CHANGES_SHOWN:
            changes[change.country_id].append(change)
    labels = dict(Tier.choices)
    shown_meetings = selectors.visible_meeting_ids(
        user, [c.meeting_id for rows in changes.values() for c in rows]
    )
    rows = []
    for code in codes:
        country = countries.get(code)
        if country is None:
            continue
        rows.append(
            {
                "country": country,
                "tier": labels.get(country.tier, "Not listed"),
                "changes": [
                    {
                        "effective": c.effective,
                        "from": labels.get(c.from_tier, "Not listed"),
                        "to": labels.get(c.to_tier, "Not listed"),
                        "rationale": c.rationale,
                        "meeting": c.meeting if c.meeting_id in shown_meetings else None,
                    }
                    for c in changes[code]
                ],
            }
        )
    return rows


def packet_context(user: Any, meeting: Meeting, *, now: datetime | None = None) -> dict[str, Any]:
    """What the packet shows to `user`, and its highest marking (`marking`)."""
    agenda = selectors.agenda_for(user, meeting)
    sections: list[dict[str, Any]] = []
    for row in agenda:
        item = row["item"]
        if not sections or sections[-1]["number"] != item.section:
            sections.append(
                {"number": item.section, "label": item.get_section_display(), "rows": []}
            )
        sections[-1]["rows"].append(row)
    codes: list[str] = []
    for code in [*(row["item"].country_id for row in agenda), *meeting.countries]:
        if code and code not in codes:
            codes.append(code)
    countries = _country_summaries(user, codes)
    actions = list(
        selectors.action_items_for(user).filter(
            status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS]
        )
    )
    shown = {meeting.marking} | selectors.agenda_markings(agenda)
    shown |= {row["country"].marking for row in countries}
    shown |= {a.marking for a in actions} | {a.country.marking for a in actions if a.country_id}
    level = markings.highest(shown)
    now = now or timezone.now()
    tz = ZoneInfo(settings.MEETING_TIMEZONE)
    return {
        "meeting": meeting,
        "starts_local": timezone.localtime(meeting.starts_at, tz),
        "ends_local": timezone.localtime(meeting.ends_at, tz),
        "sections": sections,
        "agenda_published": bool(agenda),
        "countries": countries,
        "actions": actions,
        "generated_at": timezone.localtime(now, tz),
        "reader": user,
        "marking": level,
        "marking_label": markings.label(level),
    }


def render_packet(user: Any, meeting: Meeting, *, now: datetime | None = None) -> Packet:
    """The packet of `meeting` as `user` may read it, as PDF bytes."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    context = packet_context(user, meeting, now=now)
    html = render_to_string(TEMPLATE, context)
    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"}))
    pdf = document.write_pdf(
        stylesheets=[CSS(string=_stylesheet()), CSS(string=page_css(context["marking"]))]
    )
    day = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d")
    return Packet(
        pdf=pdf, marking=context["marking"], filename=f"apc-meeting-{meeting.pk}-{day}.pdf"
    )
