"""The draft agenda of a meeting, built from the state of the watchlist, the alert channel and
the action items (seeds/000, recommendation 4-1: the APC "discusses the latest risk assessment
and warning analysis" and "every other month ... reviews implementation of previously agreed
actions, their impacts, and the current status of situations").

`agenda_draft(meeting)` only reads: it returns item specifications in agenda order, in a number
of queries that does not depend on how many countries, warnings or actions there are. The
service `agenda_generate` writes them. Entries carry their own marking and never a protected
identity: the agenda names no warning's filer at all.

Sections:
  1. latest risk assessment and warning analysis: every `high_rising`, then `moderate` country
     by priority, with tier changes and warnings since the last meeting; listed countries the
     latest risk vintage did not score are flagged, and high-scoring unlisted ones get an item;
  2. warnings and policy reviews opened or closed since the last meeting;
  3. review of previously agreed actions: every open action item, and every item closed since the
     last meeting, with implementation notes and impact;
  4. plans awaiting an APC decision (from the providers other apps register);
  5. other business.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from apc.core import markings
from apc.meetings.models import ActionItem, AgendaItem, Meeting

Section = AgendaItem.Section


@dataclass
class ItemSpec:
    """One generated agenda item (what `AgendaItem` stores for it)."""

    key: str
    section: int
    title: str
    marking: str = markings.Marking.U
    country_id: str | None = None
    entries: list[dict[str, Any]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


# Other apps add agenda content here (plans: "plans awaiting an APC decision"); each provider is
# (meeting, since) -> list of entries for section 4, read in a constant number of queries.
SECTION_PROVIDERS: dict[int, list[Callable[[Meeting, datetime], list[dict[str, Any]]]]] = (
    defaultdict(list)
)


def register_provider(section: int, provider: Callable) -> None:
    if provider not in SECTION_PROVIDERS[section]:
        SECTION_PROVIDERS[section].append(provider)


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The last meeting held before this one: "since the last meeting" starts there. For a
    regular meeting, the last regular one (an emergency meeting covers only its own countries,
    so it must not narrow the regular review); for an emergency meeting, the last of any kind."""
    qs = Meeting.objects.all()
    if meeting.kind == Meeting.Kind.REGULAR:
        qs = qs.filter(kind=Meeting.Kind.REGULAR)
    return (
        qs.filter(
            starts_at__lt=meeting.starts_at,
            status__in=[
                Meeting.Status.HELD,
                Meeting.Status.MINUTES_APPROVED,
                Meeting.Status.CLOSED,
            ],
        )
        .exclude(pk=meeting.pk)
        .order_by("-starts_at")
        .first()
    )


def since_for(meeting: Meeting) -> datetime:
    prev = previous_meeting(meeting)
    if prev is not None:
        return prev.starts_at
    return meeting.starts_at - relativedelta(months=settings.MEETING_CADENCE_MONTHS)


def _day(value) -> str:
    return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()


def agenda_draft(meeting: Meeting) -> list[ItemSpec]:
    """The generated items of `meeting`'s agenda, in order (see the module docstring)."""
    Country = apps.get_model("watchlist", "Country")  # noqa: N806 - apc does not import watchlist
    TierChange = apps.get_model("watchlist", "TierChange")  # noqa: N806
    Warning = apps.get_model("watchlist", "Warning")  # noqa: N806
    RiskVintage = apps.get_model("watchlist", "RiskVintage")  # noqa: N806

    RiskScore = apps.get_model("watchlist", "RiskScore")  # noqa: N806

    since = since_for(meeting)
    specs: list[ItemSpec] = []
    vintage = RiskVintage.objects.order_by("-vintage", "-imported_at").first()
    latest = RiskScore.objects.filter(vintage=vintage, country=OuterRef("pk"))
    scored = Country.objects.annotate(
        risk_score=Subquery(latest.values("value")[:1]),
        risk_rank=Subquery(latest.values("rank")[:1]),
    )

    # 1. the countries of concern (an emergency meeting: the countries it was convened on)
    if meeting.kind == Meeting.Kind.EMERGENCY:
        countries = list(scored.filter(pk__in=meeting.countries).order_by("-priority", "name"))
    else:
        countries = list(
            scored.filter(tier__in=["high_rising", "moderate"]).order_by("-priority", "name")
        )
    codes = [c.pk for c in countries]
    changes: dict[str, list] = defaultdict(list)
    # a change counts from the day it took effect, not when it was recorded (a decision may be
    # recorded later with an earlier `effective` date)
    for tc in TierChange.objects.filter(
        country_id__in=codes, effective__gte=timezone.localtime(since).date()
    ).order_by("effective", "created_at", "id"):
        changes[tc.country_id].append(tc)
    warned: dict[str, list] = defaultdict(list)
    for w in Warning.objects.filter(country_id__in=codes, filed_at__gte=since).order_by(
        "filed_at", "id"
    ):
        warned[w.country_id].append(w)
    tier_label = dict(apps.get_model("watchlist", "Country")._meta.get_field("tier").choices)
    for c in countries:
        flags = []
        if vintage is not None and c.tier and c.risk_score is None:
            flags.append(f"Listed but not scored in the latest risk vintage ({vintage.vintage}).")
        entries = [
            {
                "type": "tier_change",
                "marking": c.marking,
                "date": tc.effective.isoformat(),
                "text": f"{tier_label.get(tc.from_tier, 'Not listed')} → "
                f"{tier_label.get(tc.to_tier, 'Not listed')}: {tc.rationale}",
            }
            for tc in changes[c.pk]
        ] + [
            {
                "type": "warning",
                "marking": markings.highest([c.marking, w.marking]),
                "date": _day(w.filed_at),
                "warning": w.pk,
                "text": f"{w.get_severity_display()} warning #{w.pk}: {w.title} "
                f"({w.get_status_display().lower()})",
            }
            for w in warned[c.pk]
        ]
        score = f"; risk rank {c.risk_rank}" if c.risk_rank else ""
        specs.append(
            ItemSpec(
                key=f"risk:{c.pk}",
                section=Section.RISK,
                title=f"{c.name}: {tier_label.get(c.tier, 'not listed')}{score}",
                marking=c.marking,
                country_id=c.pk,
                entries=entries,
                flags=flags,
            )
        )
    if meeting.kind == Meeting.Kind.REGULAR and vintage is not None:
        unlisted = list(
            scored.filter(tier__isnull=True, risk_rank__lte=settings.WATCHLIST_FLAG_TOP_N).order_by(
                "risk_rank"
            )
        )
        if unlisted:
            specs.append(
                ItemSpec(
                    key="risk:scored-unlisted",
                    section=Section.RISK,
                    title=f"Scored high in the {vintage.vintage} risk assessment but not listed",
                    entries=[
                        {
                            "type": "country",
                            "marking": c.marking,
                            "country": c.pk,
                            "text": f"{c.name}: risk rank {c.risk_rank}",
                        }
                        for c in unlisted
                    ],
                )
            )

        # listed countries of concern carry their own flag above; the monitored ones the
        # latest vintage did not score are flagged together here (watchlist.selectors.flags_for)
        unscored = list(
            scored.filter(tier="monitored", risk_score__isnull=True).order_by("-priority", "name")
        )
        if unscored:
            specs.append(
                ItemSpec(
                    key="risk:listed-unscored",
                    section=Section.RISK,
                    title=f"Monitored but not scored in the {vintage.vintage} risk assessment",
                    entries=[
                        {
                            "type": "country",
                            "marking": c.marking,
                            "country": c.pk,
                            "text": f"{c.name}: monitored since {c.tier_since or 'unknown'}",
                        }
                        for c in unscored
                    ],
                )
            )

    # 2. warnings and policy reviews opened or closed since the last meeting
    activity = Q(filed_at__gte=since) | Q(review__closed_at__gte=since)
    if meeting.kind == Meeting.Kind.EMERGENCY:
        activity &= Q(country_id__in=codes)
    window = (
        Warning.objects.filter(activity)
        .select_related("country", "review")
        .order_by("filed_at", "id")
    )
    specs.append(
        ItemSpec(
            key="warnings",
            section=Section.WARNINGS,
            title=Section.WARNINGS.label,
            entries=[_warning_entry(w, since) for w in window],
        )
    )

    # 3. previously agreed actions: open ones, and those closed since the last meeting
    actions = (
        ActionItem.objects.filter(
            Q(status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS])
            | Q(closed_at__gte=since)
        )
        .exclude(meeting=meeting)
        .select_related("owner_agency", "meeting", "country")
        .order_by("due", "id")
    )
    if meeting.kind == Meeting.Kind.EMERGENCY:
        actions = actions.filter(country_id__in=codes)
    specs.append(
        ItemSpec(
            key="actions",
            section=Section.ACTIONS,
            title=Section.ACTIONS.label,
            entries=[_action_entry(a, meeting) for a in actions],
        )
    )

    # 4. plans awaiting a decision
    plan_entries: list[dict[str, Any]] = []
    for provider in SECTION_PROVIDERS[Section.PLANS]:
        plan_entries.extend(provider(meeting, since))
    specs.append(
        ItemSpec(
            key="plans", section=Section.PLANS, title=Section.PLANS.label, entries=plan_entries
        )
    )

    # 5. other business
    specs.append(ItemSpec(key="other", section=Section.OTHER, title=Section.OTHER.label))
    return specs


def _warning_entry(w, since: datetime) -> dict[str, Any]:
    review = getattr(w, "review", None)
    events = []
    if w.filed_at >= since:
        events.append(f"filed {_day(w.filed_at)}")
    if review is not None and review.closed_at and review.closed_at >= since:
        events.append(f"review closed {_day(review.closed_at)}: {review.get_outcome_display()}")
    elif review is not None:
        events.append(f"review {review.get_status_display().lower()}, due {_day(review.due)}")
    # never the filer: not their name, not their agency (a protected identity stays protected)
    return {
        "type": "warning",
        "marking": markings.highest([w.marking, w.country.marking]),
        "warning": w.pk,
        "country": w.country_id,
        "date": _day(w.filed_at),
        "text": f"{w.country.name}: {w.get_severity_display().lower()} warning #{w.pk}, "
        f"{w.title} ({'; '.join(events)})",
    }


def _action_entry(a: ActionItem, meeting: Meeting) -> dict[str, Any]:
    return {
        "type": "action_item",
        "marking": markings.highest([a.marking, a.country.marking if a.country else "U"]),
        "action_item": a.pk,
        "status": a.status,
        "status_label": a.get_status_display(),
        "owner_agency": a.owner_agency.short_name,
        "due": a.due.isoformat(),
        # overdue by the meeting's day in the committee's time zone
        "overdue": a.is_open
        and a.due
        < timezone.localtime(meeting.starts_at, ZoneInfo(settings.MEETING_TIMEZONE)).date(),
        "origin": a.meeting_id,
        "text": a.text,
        "implementation_notes": a.implementation_notes,
        "impact": a.impact,
    }


def entries_for(user: Any, item: AgendaItem) -> list[dict[str, Any]]:
    """The entries of `item` the user's clearance admits (the item itself is already visible)."""
    return [e for e in item.entries if markings.dominates(user.clearance, e.get("marking", "U"))]
