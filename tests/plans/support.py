"""Builders for the plans tests (helper G's test files): plans opened through the services, the
reference rows looked up by key, options written straight to the table when a test is about
what a plan holds rather than how it got there."""

from __future__ import annotations

import importlib

from django.apps import apps as global_apps

from apc.core import roles
from plans import services
from plans.models import EscalationStage, Option, Partner, Plan, TargetGroup, Tool
from tests.factories import UserFactory, country, ensure_reference_data
from watchlist.models import Country


def ensure_plans_reference() -> None:
    """Agencies, roles, countries and the plans' reference tables (a transactional test's
    flush empties what the migrations loaded)."""
    ensure_reference_data()
    if not Tool.objects.exists():
        importlib.import_module("plans.reference_load").load(global_apps)


def directorate(**kwargs):
    return UserFactory(role=roles.DIRECTORATE, **kwargs)


def set_tier(c: Country, tier: str | None) -> Country:
    """Put a country on a tier without the tier change's consequences (no auto-opened plan)."""
    from watchlist.models import priority_of

    Country.objects.filter(pk=c.pk).update(
        tier=tier, priority=priority_of(tier, c.us_influence, c.us_interests_impact)
    )
    c.refresh_from_db()
    return c


def make_plan(
    kind: str = Plan.Kind.RESPONSE,
    *,
    owner=None,
    iso3: str | None = None,
    marking: str = "U",
    reviewer: bool = True,
) -> Plan:
    """A draft plan opened by `plan_create` for a country of the right tier; a response plan
    gets a red-team reviewer (granted directly), since it cannot reach the Deputies without
    one (`reviewer=False` for a plan nobody reviews yet)."""
    ensure_plans_reference()
    owner = owner or directorate()
    c = country(iso3) if iso3 else _free_country(kind)
    set_tier(c, "high_rising" if kind == Plan.Kind.RESPONSE else "moderate")
    plan = services.plan_create(actor=owner, country=c, kind=kind, marking=marking)
    if reviewer and kind == Plan.Kind.RESPONSE:
        from guardian.shortcuts import assign_perm

        red = UserFactory(role=roles.RED_TEAM)
        for perm in services.REVIEW_PERMS:
            assign_perm(perm, red, plan)
    return plan


def _free_country(kind: str) -> Country:
    taken = set(Plan.objects.filter(kind=kind).values_list("country__iso3", flat=True))
    for iso3 in ["SDN", "MMR", "COD", "SSD", "CAF", "ETH", "NGA", "AFG", "SYR", "HTI", "YEM"]:
        if iso3 not in taken:
            return country(iso3)
    raise AssertionError("no free country")


def group(key: str) -> TargetGroup:
    return TargetGroup.objects.get(key=key)


def stage(key: str) -> EscalationStage:
    return EscalationStage.objects.get(key=key)


def tool(name: str, *, source_prefix: str = "Genocide") -> Tool:
    return Tool.objects.get(name=name, source__startswith=source_prefix)


FULL = {
    "expected_effect": "Raises the cost of violence for the leadership.",
    "costs": "Staff time; strain on bilateral ties.",
    "risks": "The regime may harden its stance.",
    "counter_moves": "Denial and delay.",
    "adaptation": "Escalate to targeted penalties.",
}


def add_option(
    plan: Plan,
    *,
    target: str = "decision_makers",
    at: str = "latent",
    tool_name: str | None = None,
    measure: str = "",
    stance: str | None = None,
    complete: bool = True,
    **fields,
) -> Option:
    """An option written to the matrix directly (a test about what the plan holds)."""
    t = tool(tool_name) if tool_name else None
    values = {**(FULL if complete else {}), **fields}
    return Option.objects.create(
        plan=plan,
        target_group=group(target),
        stage=stage(at),
        tool=t,
        custom_measure=measure if t is None else "",
        stance=stance or (t.stance if t else Tool.Stance.COOPERATIVE),
        **values,
    )


def add_partner(plan: Plan, name: str, influence: str = "none", engaged: bool = False) -> Partner:
    return Partner.objects.create(plan=plan, name=name, influence=influence, engaged=engaged)
