"""Lessons brought to the next plan (seeds/000, "Crisis Response Structure and Process": the
results of after-action reports "must be taken into account in future crises and policy
planning"; "Readiness to Meet the Challenge": knowledge from past operations is not retained).

A lesson bears on a plan when it concerns the same country or region, or the same catalogue
tools or strategies as the plan's options; it is ranked by how much it shares:

    same country 8 · same region 3 · each shared tool 3 · each shared strategy 2 ·
    each shared target group 1 · each shared escalation stage 1

ties broken by a known outcome first, then the most recent year. Only current lessons count
(those of a published report no published revision has corrected).

`relevant_for(user, plan)` is the panel on the plan: what the user may see, ranked, with the
plan's features read from the options the user may see. `lessons_check(plan)` is the plans'
guideline check "relevant lessons considered" (plans.guidelines.LESSONS_CHECK): it reads the
lessons every reader of the plan is cleared for (marked no higher than the plan), so the check
says nothing about a lesson a reader may not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from afteraction import selectors
from afteraction.models import Lesson, LessonConsideration, Report
from apc.core import markings
from plans.models import Option, Plan

WEIGHTS = {
    "country": 8,
    "region": 3,
    "tool": 3,
    "strategy": 2,
    "target_group": 1,
    "stage": 1,
}


# The least score of a lesson the guideline check asks about (a shared region, tool or more).
CHECK_MIN_SCORE = WEIGHTS["region"]


@dataclass(frozen=True)
class Features:
    country: str
    region: str
    tools: frozenset[int]
    strategies: frozenset[int]
    target_groups: frozenset[int]
    stages: frozenset[int]


@dataclass
class Relevant:
    lesson: Lesson
    score: int
    reasons: list[str] = field(default_factory=list)


def features(plan: Plan, options: list[Option] | None = None) -> Features:
    """What the plan is about: its country and region, and its options' tools, strategies (and
    those of its tools), target groups and stages."""
    if options is None:
        options = list(Option.objects.filter(plan_id=plan.pk).select_related("tool"))
    tools = {o.tool_id for o in options if o.tool_id}
    strategies = {o.strategy_id for o in options if o.strategy_id}
    if tools:
        from plans.models import Tool

        strategies |= set(
            Tool.strategies.through.objects.filter(tool_id__in=tools).values_list(
                "strategy_id", flat=True
            )
        )
    return Features(
        country=plan.country_id,
        region=plan.country.region or "",
        tools=frozenset(tools),
        strategies=frozenset(strategies),
        target_groups=frozenset(o.target_group_id for o in options),
        stages=frozenset(o.stage_id for o in options),
    )


def _candidates(base: QuerySet[Lesson], f: Features) -> QuerySet[Lesson]:
    """Lessons that share the country, the region, a tool, a strategy, a target group or a
    stage with the plan."""
    cond = Q(report__country_id=f.country) | Q(
        pk__in=Lesson.objects.filter(countries=f.country).values("pk")
    )
    if f.region:
        cond |= Q(report__country__region=f.region) | Q(
            pk__in=Lesson.objects.filter(countries__region=f.region).values("pk")
        )
    if f.tools:
        cond |= Q(pk__in=Lesson.objects.filter(tools__in=f.tools).values("pk"))
    if f.strategies:
        cond |= Q(pk__in=Lesson.objects.filter(strategies__in=f.strategies).values("pk"))
    if f.target_groups:
        cond |= Q(pk__in=Lesson.objects.filter(target_groups__in=f.target_groups).values("pk"))
    if f.stages:
        cond |= Q(pk__in=Lesson.objects.filter(stages__in=f.stages).values("pk"))
    return base.filter(cond).select_related("report", "report__country")


def _score(lesson: Lesson, f: Features) -> Relevant:
    countries = {c.pk: c for c in lesson.countries.all()}
    if lesson.report.country_id:
        countries.setdefault(lesson.report.country_id, lesson.report.country)
    score, reasons = 0, []
    if f.country in countries:
        score += WEIGHTS["country"]
        reasons.append(f"same country ({countries[f.country].name})")
    elif f.region and any(c.region == f.region for c in countries.values()):
        score += WEIGHTS["region"]
        reasons.append(f"same region ({f.region})")
    for attr, key, one, many in (
        ("tools", "tool", "tool", "tools"),
        ("strategies", "strategy", "strategy", "strategies"),
        ("target_groups", "target_group", "target group", "target groups"),
        ("stages", "stage", "stage", "stages"),
    ):
        shared = [t for t in getattr(lesson, attr).all() if t.pk in getattr(f, attr)]
        if shared:
            score += WEIGHTS[key] * len(shared)
            names = ", ".join(t.name for t in shared)
            reasons.append(f"{many if len(shared) > 1 else one}: {names}")
    return Relevant(lesson=lesson, score=score, reasons=reasons)


def rank(base: QuerySet[Lesson], f: Features, limit: int | None = None) -> list[Relevant]:
    """The lessons of `base` that bear on a plan with features `f`, best first."""
    rows = _candidates(base, f).prefetch_related(*selectors.TAG_PREFETCH)
    scored = [r for r in (_score(lesson, f) for lesson in rows) if r.score > 0]
    scored.sort(
        key=lambda r: (
            -r.score,
            r.lesson.outcome == Lesson.Outcome.UNKNOWN,
            -r.lesson.report.year,
            r.lesson.report_id,
            r.lesson.position,
            r.lesson.pk,
        )
    )
    return scored[:limit] if limit else scored


def relevant_for(user: Any, plan: Plan, limit: int | None = None) -> list[Relevant]:
    """The panel on a plan: the lessons the user may see that bear on it, ranked. The plan's
    features come only from the options the user may see (plans.selectors.options_for)."""
    from plans import selectors as plan_selectors

    limit = limit or settings.AFTERACTION_PLAN_PANEL_SIZE
    f = features(plan, plan_selectors.options_for(user, plan))
    return rank(selectors.lessons_for(user), f, limit)


def _current_lessons_up_to(marking: str) -> QuerySet[Lesson]:
    """Current lessons of published reports, both marked no higher than `marking`."""
    allowed = markings.up_to(marking)
    superseded = Report.objects.filter(
        series=OuterRef("report__series"),
        revision__gt=OuterRef("report__revision"),
        status=Report.Status.PUBLISHED,
    )
    return Lesson.objects.filter(
        report__status=Report.Status.PUBLISHED,
        report__marking__in=allowed,
        marking__in=allowed,
    ).exclude(Exists(superseded))


def considered_lesson_ids(plan: Plan) -> set[int]:
    """The lessons the plan has considered, and their later copies in corrected revisions (a
    lesson carried into a revision stays considered)."""
    ids = set(LessonConsideration.objects.filter(plan=plan).values_list("lesson_id", flat=True))
    frontier = set(ids)
    while frontier:
        frontier = (
            set(Lesson.objects.filter(previous_id__in=frontier).values_list("pk", flat=True)) - ids
        )
        ids |= frontier
    return ids


def to_consider(plan: Plan, options: list[Option] | None = None) -> list[Relevant]:
    """The lessons the guideline check asks the drafting team to consider: the best ranked,
    among those that share at least a region, a tool or a strategy with the plan (a shared
    target group or stage alone shows a lesson on the panel, but asks nothing)."""
    marking = markings.highest([plan.marking, plan.country.marking])
    ranked = rank(_current_lessons_up_to(marking), features(plan, options))
    strong = [r for r in ranked if r.score >= CHECK_MIN_SCORE]
    return strong[: settings.AFTERACTION_LESSONS_TO_CONSIDER]


def lessons_check(plan: Plan, options: list[Option] | None = None) -> tuple[bool | None, str]:
    """The plans' guideline check "relevant lessons considered" (plans/guidelines.py)."""
    wanted = to_consider(plan, options)
    if not wanted:
        return None, "No lesson in the repository bears on this plan yet."
    done = considered_lesson_ids(plan)
    missing = [r for r in wanted if r.lesson.pk not in done]
    n = len(wanted)
    if not missing:
        return True, (
            f"The {n} most relevant lessons have been considered."
            if n > 1
            else "The most relevant lesson has been considered."
        )
    return False, (
        f"{len(missing)} of the {n} most relevant lessons not yet considered "
        "(see the lessons panel)."
    )
