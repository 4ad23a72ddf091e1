"""Reads about plans, already restricted to what the user may see: the plan by role, grant and
clearance (and its country's marking); each section by its own marking, so a section above the
reader's clearance is hidden while the rest stays; options, partners and findings follow the
section they belong to."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from apc.core import markings
from apc.core.permissions import visible
from plans.models import (
    Option,
    Partner,
    Plan,
    PlanEvent,
    PlanSection,
    PlanVersion,
    Playbook,
    RedTeamFinding,
    Rehearsal,
)
from watchlist.models import TIER_RANK

# the tier as its rank (high and rising first), not its text, which sorts "moderate" above it
_TIER_RANK = Case(
    *(When(country__tier=tier, then=Value(rank)) for tier, rank in TIER_RANK.items() if tier),
    default=Value(0),
    output_field=IntegerField(),
)

ORDERINGS = {
    # prioritisation (recommendation 4-2: when plans are too many): the country's priority
    # (tier first, then U.S. influence and interests), its latest risk rank, its tier
    "priority": [F("country__priority").desc(), "country__name", "id"],
    "risk": [F("risk_rank").asc(nulls_last=True), "country__name"],
    "tier": [_TIER_RANK.desc(), F("country__priority").desc()],
    "updated": ["-updated_at", "-id"],
    "country": ["country__name", "kind"],
}


def plans_for(user: Any, order: str = "priority") -> QuerySet[Plan]:
    """Plans the user may see, ordered for prioritisation, with the country's latest risk rank
    annotated."""
    from watchlist.models import RiskScore
    from watchlist.selectors import latest_vintage

    vintage = latest_vintage()
    rank = RiskScore.objects.filter(vintage=vintage, country=OuterRef("country_id")).values("rank")[
        :1
    ]
    qs = (
        visible(user, Plan.objects.all())
        .select_related("country", "owner", "lead")
        .annotate(risk_rank=Subquery(rank))
    )
    return qs.order_by(*ORDERINGS.get(order, ORDERINGS["priority"]))


def sections_for(user: Any, plan: Plan) -> list[PlanSection]:
    """The sections of the plan the user's clearance admits, in order."""
    return list(
        plan.sections.filter(marking__in=markings.up_to(user.clearance))
        .select_related("assignee", "assigned_agency", "updated_by")
        .order_by("position")
    )


def hidden_sections(user: Any, plan: Plan) -> int:
    return plan.sections.exclude(marking__in=markings.up_to(user.clearance)).count()


def _section_visible(user: Any, plan: Plan, key: str) -> bool:
    return plan.sections.filter(key=key, marking__in=markings.up_to(user.clearance)).exists()


def options_for(user: Any, plan: Plan) -> list[Option]:
    """The matrix's options, if the user may read the policy options section (response plans;
    a prevention plan's options belong to its one section)."""
    key = "policy_options" if plan.kind == Plan.Kind.RESPONSE else "prevention_plan"
    if not _section_visible(user, plan, key):
        return []
    return list(
        visible(user, Option.objects.filter(plan=plan)).select_related(
            "target_group", "stage", "tool", "strategy", "lead_agency"
        )
    )


def partners_for(user: Any, plan: Plan) -> list[Partner]:
    key = "operations_plan" if plan.kind == Plan.Kind.RESPONSE else "prevention_plan"
    if not _section_visible(user, plan, key):
        return []
    return list(visible(user, Partner.objects.filter(plan=plan)))


def findings_for(user: Any, plan: Plan) -> list[RedTeamFinding]:
    keys = {s.key for s in sections_for(user, plan)}
    return [
        f
        for f in visible(user, RedTeamFinding.objects.filter(plan=plan)).select_related(
            "reviewer", "responded_by"
        )
        if f.section_key in keys
    ]


def events_for(user: Any, plan: Plan) -> QuerySet[PlanEvent]:
    return visible(user, PlanEvent.objects.filter(plan=plan)).select_related("actor", "version")


def versions_for(user: Any, plan: Plan) -> QuerySet[PlanVersion]:
    """Versions the user may read: the plan is visible; sections above their clearance are left
    out when a version is shown (plans/diff.py, version_view). The version's own marking counts
    every section it froze, so it does not decide (filtering on it would hide the whole version
    from a reader cleared for all but one section)."""
    plans = visible(user, Plan.objects.filter(pk=plan.pk)).values("pk")
    return PlanVersion.objects.filter(plan__in=plans).select_related("created_by")


def version_view(user: Any, version: PlanVersion) -> dict[str, Any]:
    """A version's snapshot as the user may read it: sections above their clearance removed
    (and the options/partners that belong to them)."""
    data = dict(version.snapshot)
    allowed = set(markings.up_to(user.clearance))
    shown = [s for s in data.get("sections", []) if s["marking"] in allowed]
    keys = {s["key"] for s in shown}
    data["sections"] = shown
    data["hidden_sections"] = len(version.snapshot.get("sections", [])) - len(shown)
    options_key = "policy_options" if data.get("kind") == "response" else "prevention_plan"
    partners_key = "operations_plan" if data.get("kind") == "response" else "prevention_plan"
    if options_key not in keys:
        data["options"] = []
    if partners_key not in keys:
        data["partners"] = []
        data["messaging_lead"] = None
    return data


def rehearsals_for(user: Any, plan: Plan) -> QuerySet[Rehearsal]:
    return visible(user, Rehearsal.objects.filter(plan=plan)).select_related("recorded_by")


def playbooks_for(user: Any) -> QuerySet[Playbook]:
    return visible(user, Playbook.objects.all()).select_related("strategy", "stage")
