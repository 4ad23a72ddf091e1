"""Reads of the watchlist, already restricted to what the user may see."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Case, F, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.utils import timezone

from apc.core.permissions import visible
from watchlist.models import (
    Country,
    Indicator,
    MonitoredIndicator,
    Observation,
    PlanTask,
    PolicyReview,
    RiskScore,
    RiskVintage,
    SurveillanceRequest,
    Tier,
    TierChange,
    TierProposal,
    Warning,
)


def latest_vintage() -> RiskVintage | None:
    return RiskVintage.objects.order_by("-vintage", "-imported_at").first()


def countries_for(user: Any) -> QuerySet[Country]:
    """Every country the user may see, with the latest risk score annotated
    (risk_score, risk_rank, risk_vintage) and the owner joined."""
    vintage = latest_vintage()
    qs = visible(user, Country.objects.all()).select_related("owner")
    if vintage is None:
        return qs.annotate(
            risk_score=Subquery(RiskScore.objects.none().values("value")[:1]),
            risk_rank=Subquery(RiskScore.objects.none().values("rank")[:1]),
            risk_vintage=Subquery(RiskScore.objects.none().values("vintage__vintage")[:1]),
        )
    scores = RiskScore.objects.filter(vintage=vintage, country=OuterRef("pk"))
    return qs.annotate(
        risk_score=Subquery(scores.values("value")[:1]),
        risk_rank=Subquery(scores.values("rank")[:1]),
        risk_vintage=Subquery(scores.values("vintage__vintage")[:1]),
    )


def watchlist_for(user: Any) -> QuerySet[Country]:
    """The listed countries the user may see, highest priority first."""
    return countries_for(user).filter(tier__isnull=False).order_by("-priority", "name")


def watchlist_sync_for(user: Any) -> QuerySet[Country]:
    """Listed countries and those that ever were (delisted ones have tier null), for clients
    that sync with `updated_since`."""
    ever = TierChange.objects.values("country_id")
    return (
        countries_for(user)
        .filter(Q(tier__isnull=False) | Q(pk__in=ever))
        .order_by("-priority", "name")
    )


def tier_counts(user: Any) -> dict[str, int]:
    counts = Counter(watchlist_for(user).values_list("tier", flat=True))
    return {t.value: counts.get(t.value, 0) for t in Tier}


def history_for(user: Any, country: Country) -> QuerySet[TierChange]:
    return visible(user, TierChange.objects.filter(country=country)).select_related(
        "decided_by", "decided_by_agency", "meeting"
    )


def scores_for(user: Any, country: Country) -> QuerySet[RiskScore]:
    """Every vintage's score of the country, oldest first (the trend)."""
    return (
        visible(user, RiskScore.objects.filter(country=country))
        .select_related("vintage")
        .order_by("vintage__vintage")
    )


def plan_tasks_for(user: Any, country: Country) -> QuerySet[PlanTask]:
    return visible(user, PlanTask.objects.filter(country=country)).select_related(
        "assigned_agency", "opened_by_change", "plan"
    )


def surveillance_for(user: Any, country: Country | None = None) -> QuerySet[SurveillanceRequest]:
    qs = SurveillanceRequest.objects.all()
    if country is not None:
        qs = qs.filter(country=country)
    return visible(user, qs).select_related("country", "addressed_to")


def indicators_for(user: Any, country: Country) -> QuerySet[MonitoredIndicator]:
    """Monitored indicators with the observations the user is cleared for, newest first."""
    observations = visible(user, Observation.objects.all()).select_related("recorded_by")
    return (
        visible(user, MonitoredIndicator.objects.filter(country=country))
        .select_related("indicator")
        .prefetch_related(
            Prefetch("observations", queryset=observations, to_attr="visible_observations")
        )
    )


def indicator_catalogue_for(user: Any) -> QuerySet[Indicator]:
    return visible(user, Indicator.objects.all())


def proposals_for(
    user: Any, status: str | None = TierProposal.Status.PENDING
) -> QuerySet[TierProposal]:
    qs = TierProposal.objects.all()
    if status:
        qs = qs.filter(status=status)
    return visible(user, qs).select_related("country", "proposed_by", "decided_by")


def tier_counts_over_time(user: Any, months: int = 24) -> list[dict[str, Any]]:
    """How many countries were in each tier at the end of each of the last `months` months
    (the current month: today), replayed from the tier history in one query."""
    today = timezone.localdate()
    starts = []
    year, month = today.year, today.month
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    starts.reverse()
    changes = list(
        visible(user, TierChange.objects.all())
        .order_by("effective", "created_at", "id")
        .values_list("country_id", "to_tier", "effective")
    )
    state: dict[str, str | None] = {}
    out, i = [], 0
    for idx, start in enumerate(starts):
        boundary = starts[idx + 1] if idx + 1 < len(starts) else None
        while i < len(changes) and (boundary is None or changes[i][2] < boundary):
            state[changes[i][0]] = changes[i][1]
            i += 1
        counts = Counter(t for t in state.values() if t)
        out.append(
            {"month": start.strftime("%Y-%m"), **{t.value: counts.get(t.value, 0) for t in Tier}}
        )
    return out


def flags_for(user: Any) -> dict[str, list[Country]]:
    """For the next agenda: countries high in the latest vintage that are not listed, and listed
    countries the latest vintage did not score. Tiers are decisions, not scores."""
    vintage = latest_vintage()
    if vintage is None:
        return {"scored_unlisted": [], "listed_unscored": []}
    countries = countries_for(user)
    top = settings.WATCHLIST_FLAG_TOP_N
    return {
        "scored_unlisted": list(
            countries.filter(tier__isnull=True, risk_rank__lte=top).order_by("risk_rank")
        ),
        "listed_unscored": list(countries.filter(tier__isnull=False, risk_score__isnull=True)),
    }


# --- The alert channel ----------------------------------------------------------------------


def warnings_for(user: Any) -> QuerySet[Warning]:
    """Warnings the user may see (distribution of the alert channel), newest first."""
    return visible(user, Warning.objects.all()).select_related(
        "country", "filed_by", "filer_agency", "acknowledged_by", "review"
    )


def my_warnings(user: Any) -> QuerySet[Warning]:
    """The filer's own warnings, to follow their status."""
    return warnings_for(user).filter(filed_by=user)


def triage_queue(user: Any) -> QuerySet[Warning]:
    """Open warnings ordered by their next deadline: the acknowledgement until acknowledged,
    then the policy review (directorate and co-chairs)."""
    next_due = Case(
        When(acknowledged_at__isnull=True, then=F("acknowledge_due")),
        default=F("review__due"),
    )
    return (
        warnings_for(user)
        .exclude(status=Warning.Status.CLOSED)
        .annotate(next_due=next_due)
        .order_by("next_due", "id")
    )


def filer_shown_ids(user: Any, warnings: Iterable[Warning]) -> set[int]:
    """Ids of the given warnings whose filer the user may see (one query)."""
    ids = [w.pk for w in warnings]
    if not ids:
        return set()
    return set(
        visible(user, Warning.objects.filter(pk__in=ids), "see_filer").values_list("pk", flat=True)
    )


def reviews_for(user: Any) -> QuerySet[PolicyReview]:
    return visible(user, PolicyReview.objects.all()).select_related(
        "warning", "warning__country", "tier_change", "closed_by"
    )
