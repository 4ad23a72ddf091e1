"""The repository's panels on other apps' pages (apc/core/panels.py): the lessons relevant to a
plan being drafted, with the "considered" marks of its drafting team; a country's reports and
lessons on the country page."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest

from afteraction import relevance, selectors
from afteraction.forms import ConsiderForm
from apc.core import markings
from apc.core.audit import record_event
from apc.core.panels import Panel
from apc.core.permissions import can
from plans.workflow import EDITABLE as PLAN_EDITABLE

COUNTRY_LIMIT = 10


def plan_lessons(request: HttpRequest, plan: Any) -> Panel | None:
    """Lessons bearing on the plan, best first, for readers of the repository; the drafting
    team marks each considered (with a note) while the plan is drafted."""
    user = request.user
    if not can(user, "afteraction.view"):
        return None
    rows = relevance.relevant_for(user, plan)
    considered = selectors.considerations_for(user, plan)
    may_consider = plan.status in PLAN_EDITABLE and can(user, "draft", plan)
    for r in rows:
        r.consideration = considered.get(r.lesson.pk)
        r.form = (
            ConsiderForm(
                initial={"note": r.consideration.note if r.consideration else ""},
                auto_id=f"id_lesson{r.lesson.pk}_%s",
            )
            if may_consider
            else None
        )
    shown = markings.highest(
        [*(r.lesson.marking for r in rows), *(r.lesson.report.marking for r in rows)]
    )
    return Panel(
        template="afteraction/_plan_lessons_panel.html",
        context={"plan": plan, "rows": rows, "may_consider": may_consider},
        marking=shown,
        order=10,
    )


def country_repository(request: HttpRequest, country: Any) -> Panel | None:
    """The country's after-action reports and current lessons."""
    user = request.user
    if not can(user, "afteraction.view"):
        return None
    reports = list(selectors.reports_of_country(user, country)[:COUNTRY_LIMIT])
    lessons = list(selectors.lessons_of_country(user, country)[:COUNTRY_LIMIT])
    shown = markings.highest(
        [*(r.marking for r in reports), *(lesson.marking for lesson in lessons)]
        + [lesson.report.marking for lesson in lessons]
    )
    if reports or lessons:  # lessons are analysis: reading them is audited, even as a list
        record_event(
            actor=user,
            action="afteraction.country_panel",
            obj=country,
            summary=f"{len(reports)} reports, {len(lessons)} lessons",
            marking=shown,
            request=request,
        )
    return Panel(
        template="afteraction/_country_panel.html",
        context={"country": country, "reports": reports, "lessons": lessons},
        marking=shown,
        order=10,
    )


def plan_exercises(request: HttpRequest, plan: Any) -> Panel | None:
    """The rehearsals of this plan recorded in the repository (an exercise can be the subject
    of an after-action report), for those who read exercises; the plan's own rehearsal log
    (plans.Rehearsal) stays on the plan."""
    user = request.user
    if not can(user, "exercises.view"):
        return None
    rows = list(
        selectors.exercises_for(user)
        .filter(plan=plan)
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=selectors.reports_for(user).order_by("-revision"),
                to_attr="visible_reports",
            )
        )
    )
    if not rows:
        return None
    shown = markings.highest(
        [*(e.marking for e in rows), *(r.marking for e in rows for r in e.visible_reports)]
    )
    return Panel(
        template="afteraction/_plan_exercises_panel.html",
        context={"plan": plan, "exercises": rows},
        marking=shown,
        order=20,
    )
