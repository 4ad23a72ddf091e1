"""Guideline checks: advice computed from a plan and shown beside it, each with the passages of
the documents it comes from (plans/reference.py, GUIDELINE_CHECKS; seeds/000, recommendations
4-1, 4-2, 4-4, 4-5 and "Guidelines for Imposing Sanctions"; seeds/003, the dissuasion strategy
and the three considerations).

`checks(plan)` answers for the whole plan in a constant number of queries; `checks_for(user,
plan)` answers what the user may read: a check that reads a section above their clearance says
so instead of its result, so nothing of that section leaks. A check is `ok=True` (met),
`ok=False` (not met) or `ok=None` (not applicable yet, e.g. no options; or hidden).

Prevention plans run the same checks: their options matrix and partners belong to their one
section, and the operations-plan checks read the same fields (messaging lead, partners).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apc.core import markings
from plans.models import EscalationStage, Option, Partner, Plan, TargetGroup, Tool
from plans.reference import GUIDELINE_CHECKS, GUIDELINE_PASSAGES, Passage

# Set by the after-action app once it exists: (plan, its options) -> (ok, detail).
LESSONS_CHECK: Callable[[Plan, list[Option]], tuple[bool | None, str]] | None = None

HIDDEN = "Hidden: above your clearance"
NO_OPTIONS = "No options in the matrix yet."
# Options that make up a net assessment (expected benefit, costs, risks) and the strategic
# interaction (counter-moves and how the option adapts to them).
NET_ASSESSMENT_FIELDS = (
    ("expected_effect", "expected effect"),
    ("costs", "costs"),
    ("risks", "risks"),
    ("counter_moves", "counter-moves"),
    ("adaptation", "adaptation"),
)
# Checks that read the options matrix, and checks that read the operations plan (partners,
# messaging lead); each is hidden when its section is above the reader's clearance.
OPTION_CHECKS = frozenset(
    {
        "all_target_groups",
        "cooperative_coercive_mix",
        "sanctions_coupled",
        "no_rigid_ladder",
        "credible_threats",
        "net_assessment_and_counter_moves",
        # the lessons bearing on a plan are found from its options' tools and strategies
        "lessons_considered",
    }
)
OPERATIONS_CHECKS = frozenset({"influential_partners", "single_messaging_lead"})
_TITLES = {c.key: c.check[:1].upper() + c.check[1:] for c in GUIDELINE_CHECKS}


@dataclass(frozen=True)
class Check:
    key: str
    title: str
    ok: bool | None
    detail: str
    passages: tuple[Passage, ...]


@dataclass
class _Facts:
    """What the checks read, loaded once."""

    plan: Plan
    options: list[Option]
    partners: list[Partner]
    groups: list[TargetGroup]
    last_stage_id: int | None


def _names(items: list[str], limit: int = 4) -> str:
    shown = ", ".join(items[:limit])
    more = len(items) - limit
    return f"{shown} and {more} more" if more > 0 else shown


def _option_name(o: Option) -> str:
    return f"{o.label} ({o.target_group.name}, {o.stage.name})"


def _coercive(options: list[Option]) -> list[Option]:
    return [o for o in options if o.stance == Tool.Stance.COERCIVE]


# --- One function per check -----------------------------------------------------------------


def all_target_groups(f: _Facts) -> tuple[bool | None, str]:
    if not f.options:
        return None, NO_OPTIONS
    reached = {o.target_group_id for o in f.options}
    missing = [g.name for g in f.groups if g.pk not in reached]
    if missing:
        return False, f"No option aimed at: {_names(missing)}."
    return True, f"Options reach all {len(f.groups)} target groups."


def cooperative_coercive_mix(f: _Facts) -> tuple[bool | None, str]:
    if not f.options:
        return None, NO_OPTIONS
    coercive = len(_coercive(f.options))
    cooperative = len(f.options) - coercive
    if coercive and cooperative:
        return True, f"{cooperative} cooperative and {coercive} coercive option(s)."
    if coercive:
        return False, "Every option is coercive: add conditional inducements."
    return False, "Every option is cooperative: add coercive measures."


def sanctions_coupled(f: _Facts) -> tuple[bool | None, str]:
    sanctions = [o for o in f.options if o.is_sanctions]
    if not sanctions:
        return None, "No sanctions option in the matrix."
    other_groups = {o.target_group_id for o in f.options if not o.is_sanctions}
    alone = [_option_name(o) for o in sanctions if o.target_group_id not in other_groups]
    if alone:
        return False, f"Sanctions without another tool aimed at the same group: {_names(alone)}."
    return True, "Every sanctions option is coupled with another tool aimed at the same group."


def no_rigid_ladder(f: _Facts) -> tuple[bool | None, str]:
    coercive = _coercive(f.options)
    if not coercive:
        return None, "No coercive option in the matrix."
    if all(o.stage_id == f.last_stage_id for o in coercive):
        return False, "Every coercive option is held back to the last stage."
    earlier = sum(1 for o in coercive if o.stage_id != f.last_stage_id)
    return True, f"{earlier} coercive option(s) before the last stage."


def credible_threats(f: _Facts) -> tuple[bool | None, str]:
    coercive = _coercive(f.options)
    if not coercive:
        return None, "No coercive option in the matrix."
    unnamed = [_option_name(o) for o in coercive if not o.enforcer.strip()]
    if unnamed:
        return False, f"Nobody named to carry out: {_names(unnamed)}."
    return True, "Every coercive option names who would carry it out."


def influential_partners(f: _Facts) -> tuple[bool | None, str]:
    influential = [p for p in f.partners if p.has_influence]
    if not influential:
        return False, "No partner with influence over the perpetrators is listed."
    idle = [p.name for p in influential if not p.engaged]
    if idle:
        return False, f"Not yet engaged: {_names(idle)}."
    return True, f"{len(influential)} partner(s) with influence, all engaged."


def single_messaging_lead(f: _Facts) -> tuple[bool | None, str]:
    lead = f.plan.messaging_lead
    if lead is None:
        return False, "No messaging lead is named."
    return True, f"Messaging lead: {lead.short_name or lead.name}."


def net_assessment_and_counter_moves(f: _Facts) -> tuple[bool | None, str]:
    if not f.options:
        return None, NO_OPTIONS
    gaps = []
    for o in f.options:
        empty = [label for name, label in NET_ASSESSMENT_FIELDS if not getattr(o, name).strip()]
        if empty:
            gaps.append(f"{_option_name(o)}: {', '.join(empty)}")
    if gaps:
        return False, f"Still to fill: {'; '.join(gaps[:3])}" + (
            f"; and {len(gaps) - 3} more option(s)." if len(gaps) > 3 else "."
        )
    return True, "Every option has its net assessment and counter-moves."


def lessons_considered(f: _Facts) -> tuple[bool | None, str]:
    if LESSONS_CHECK is None:
        return None, "The after-action repository is not available yet"
    return LESSONS_CHECK(f.plan, f.options)


CHECKS: dict[str, Callable[[_Facts], tuple[bool | None, str]]] = {
    "all_target_groups": all_target_groups,
    "cooperative_coercive_mix": cooperative_coercive_mix,
    "sanctions_coupled": sanctions_coupled,
    "no_rigid_ladder": no_rigid_ladder,
    "credible_threats": credible_threats,
    "influential_partners": influential_partners,
    "single_messaging_lead": single_messaging_lead,
    "net_assessment_and_counter_moves": net_assessment_and_counter_moves,
    "lessons_considered": lessons_considered,
}


def _facts(plan: Plan) -> _Facts:
    options = list(
        Option.objects.filter(plan_id=plan.pk)
        .select_related("tool", "target_group", "stage")
        .order_by("target_group__position", "stage__position", "position", "id")
    )
    if plan.messaging_lead_id:
        plan.messaging_lead  # noqa: B018 (load it once, cached on the plan)
    return _Facts(
        plan=plan,
        options=options,
        partners=list(Partner.objects.filter(plan_id=plan.pk)),
        groups=list(TargetGroup.objects.order_by("position")),
        last_stage_id=EscalationStage.objects.order_by("-position")
        .values_list("pk", flat=True)
        .first(),
    )


def _make(key: str, ok: bool | None, detail: str) -> Check:
    return Check(key, _TITLES[key], ok, detail, GUIDELINE_PASSAGES[key])


def checks(plan: Plan) -> list[Check]:
    """Every guideline check on the whole plan, in the order of reference.GUIDELINE_CHECKS."""
    facts = _facts(plan)
    return [_make(c.key, *CHECKS[c.key](facts)) for c in GUIDELINE_CHECKS]


def checks_for(user: Any, plan: Plan) -> list[Check]:
    """The checks as `user` may read them (the caller has established that they see the plan):
    the checks on the options matrix (on the operations plan) say only "hidden" when that
    section is above the user's clearance."""
    options_key = "policy_options" if plan.kind == Plan.Kind.RESPONSE else "prevention_plan"
    partners_key = "operations_plan" if plan.kind == Plan.Kind.RESPONSE else "prevention_plan"
    readable = set(
        plan.sections.filter(marking__in=markings.up_to(user.clearance)).values_list(
            "key", flat=True
        )
    )
    hidden = set()
    if options_key not in readable:
        hidden |= OPTION_CHECKS
    if partners_key not in readable:
        hidden |= OPERATIONS_CHECKS
    if not hidden:
        return checks(plan)
    # When every section-based check is hidden, read nothing that would be thrown away.
    everything = hidden >= OPTION_CHECKS | OPERATIONS_CHECKS
    facts = _Facts(plan, [], [], [], None) if everything else _facts(plan)
    out = []
    for c in GUIDELINE_CHECKS:
        if c.key in hidden:
            out.append(_make(c.key, None, HIDDEN))
        else:
            out.append(_make(c.key, *CHECKS[c.key](facts)))
    return out


def summary(results: list[Check]) -> dict[str, int]:
    """How many checks are met, not met, not applicable (for a badge)."""
    return {
        "ok": sum(1 for c in results if c.ok is True),
        "failed": sum(1 for c in results if c.ok is False),
        "na": sum(1 for c in results if c.ok is None),
    }
