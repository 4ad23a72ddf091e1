"""Finding and using lessons: the search, the exercises, and the "considered" marks the plan
page's lessons panel posts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from afteraction import search as repo_search
from afteraction import selectors, services
from afteraction.forms import ConsiderForm, ExerciseForm, SearchForm
from afteraction.models import Exercise, Lesson
from afteraction.views.common import error_text, offered_marking, querystring
from apc.core import markings
from apc.core.audit import record_event
from apc.core.exceptions import Conflict, Invalid, InvalidTransition
from apc.core.permissions import can, require, visible
from apc.core.views import get_visible_or_404
from plans.models import Plan

# --- Search ---------------------------------------------------------------------------------


def _facet_groups(
    results: repo_search.Results, names: tuple[str, ...], params: QueryDict
) -> list[dict[str, Any]]:
    """Each facet with its values, counts and the link that adds (or removes) the value."""
    groups = []
    for name in names:
        values = results.facets.get(name) or []
        if not values:
            continue
        groups.append(
            {
                "name": name,
                "label": repo_search.FACET_LABELS[name],
                "values": [
                    {
                        "value": v,
                        "url": "?" + querystring(params, **{name: None if v.selected else v.key}),
                    }
                    for v in values
                ],
            }
        )
    return groups


def _active_filters(
    filters: dict[str, str], results: repo_search.Results | None, params: QueryDict
) -> list[dict[str, str]]:
    labels = {
        (name, v.key): v.label
        for name, values in (results.facets if results else {}).items()
        for v in values
    }
    return [
        {
            "name": repo_search.FACET_LABELS.get(name, name),
            "label": labels.get((name, value), value),
            "url": "?" + querystring(params, **{name: None}),
        }
        for name, value in filters.items()
    ]


def _hit_rows(kind: str, hits: list[repo_search.Hit]) -> list[dict[str, Any]]:
    fields = repo_search.LESSON_FIELDS if kind == "lessons" else repo_search.REPORT_FIELDS
    return [
        {"obj": h.obj, "rank": h.rank, **{f: h.highlights.get(f) for f in fields}} for h in hits
    ]


def _run(
    user: Any, kind: str, q: str, raw: dict[str, str], number: int, per_page: int
) -> tuple[repo_search.Results, dict[str, str], int]:
    """The page `number` of the search (the last page when `number` is past it), the filters as
    cleaned; Invalid names a bad filter value."""
    find = repo_search.search_lessons if kind == "lessons" else repo_search.search_reports
    names = repo_search.LESSON_FACETS if kind == "lessons" else repo_search.REPORT_FACETS
    filters = repo_search.clean_filters(raw, names)
    results = find(user, q, filters, offset=(number - 1) * per_page, limit=per_page)
    last = max(1, -(-results.total // per_page))
    if number > last:
        number = last
        results = find(user, q, filters, offset=(number - 1) * per_page, limit=per_page)
    return results, filters, number


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Full-text search over lessons (or reports), best match first, with highlighted matches
    and facets; bad filter values answer 400 with the message (audited search)."""
    user = request.user
    require(user, "afteraction.view")
    params = request.GET
    form = SearchForm(params or None)
    status = 200
    error = ""
    kind, q = "lessons", ""
    if form.is_bound and not form.is_valid():
        status, error = 400, "The search is not valid; fix the marked fields."
    elif form.is_bound:
        kind = form.cleaned_data["kind"] or "lessons"
        q = form.cleaned_data["q"]
    facet_names = repo_search.LESSON_FACETS if kind == "lessons" else repo_search.REPORT_FACETS
    raw_filters = {n: params.get(n, "") for n in (*facet_names, "stage") if params.get(n)}
    per_page = settings.APC_PAGE_SIZE
    try:
        number = max(1, int(params.get("page") or 1))
    except ValueError:
        number = 1
    results, filters = None, {}
    if not error:
        try:
            results, filters, number = _run(user, kind, q, raw_filters, number, per_page)
        except Invalid as exc:
            status, error = 400, error_text(exc)
    page = None
    hits: list[dict[str, Any]] = []
    shown = markings.LOWEST
    if results is not None:
        page = Paginator(range(results.total), per_page).get_page(number)
        hits = _hit_rows(kind, results.hits)
        objs = [h.obj for h in results.hits]
        shown = markings.highest(
            [o.marking for o in objs]
            + ([o.report.marking for o in objs] if kind == "lessons" else [])
        )
        record_event(
            actor=user,
            action="afteraction.search",
            marking=shown,
            request=request,
            summary=f"{kind}: {q!r} {filters or ''} ({results.total} found)"[:300],
        )
    ctx = {
        "form": form,
        "kind": kind,
        "q": q,
        "error": error,
        "results": results,
        "hits": hits,
        "facets": _facet_groups(results, facet_names, params) if results else [],
        "active_filters": _active_filters(filters or raw_filters, results, params),
        "page_obj": page,
        "querystring": querystring(params),
        "other_kind_url": "?"
        + querystring(
            QueryDict(mutable=True), q=q, kind="reports" if kind == "lessons" else "lessons"
        ),
        "page_marking": shown,
    }
    return TemplateResponse(request, "afteraction/search.html", ctx, status=status)


# --- Exercises ------------------------------------------------------------------------------


@login_required
@require_GET
def exercise_list(request: HttpRequest) -> HttpResponse:
    """The exercises of the crisis-management procedures and the rehearsals of plans."""
    user = request.user
    require(user, "exercises.view")
    page = Paginator(selectors.exercises_for(user), settings.APC_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    ctx = {
        "exercises": list(page),
        "page_obj": page,
        "querystring": "",
        "can_record": can(user, "exercises.manage"),
    }
    return TemplateResponse(request, "afteraction/exercise_list.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def exercise_new(request: HttpRequest) -> HttpResponse:
    """The directorate records an exercise or a rehearsal of a plan once it has taken place."""
    from plans.selectors import plans_for

    user = request.user
    require(user, "exercises.manage")
    plans = plans_for(user, order="country")
    data = request.POST if request.method == "POST" else None
    form = ExerciseForm(data, plans=plans, clearance=user.clearance)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            try:
                exercise = services.exercise_record(actor=user, **form.cleaned_data)
            except Invalid as exc:
                form.add_domain_errors(exc.errors, exc.detail)
            else:
                messages.success(request, f"{exercise.title} is recorded.")
                return redirect("afteraction:exercise-detail", exercise.pk)
    ctx = {"form": form, "page_marking": offered_marking(form)}
    return TemplateResponse(request, "afteraction/exercise_new.html", ctx, status=status)


@login_required
@require_GET
def exercise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An exercise with the reports about it."""
    user = request.user
    exercise = get_visible_or_404(user, selectors.exercises_for, Exercise, pk)
    reports = list(
        selectors.reports_for(user).filter(exercise=exercise).order_by("series", "revision")
    )
    ctx = {
        "exercise": exercise,
        "reports": reports,
        "plan_url": (
            reverse("plans:plan-detail", args=[exercise.plan_id])
            if exercise.plan_id and can(user, "view", exercise.plan)
            else None
        ),
        "can_commission": can(user, "afteraction.commission"),
    }
    return TemplateResponse(request, "afteraction/exercise_detail.html", ctx)


# --- Lessons brought to a plan --------------------------------------------------------------


def _plans(user: Any) -> QuerySet[Plan]:
    return visible(user, Plan.objects.all()).select_related("country")


def _plan_and_lesson(request: HttpRequest, plan_id: int, lesson_id: int) -> tuple[Plan, Lesson]:
    user = request.user
    plan = get_visible_or_404(user, _plans, Plan, plan_id)
    lesson = get_visible_or_404(
        user, lambda u: selectors.lessons_for(u, current_only=False), Lesson, lesson_id
    )
    require(user, "draft", plan)
    return plan, lesson


def _back_to_plan(plan: Plan) -> HttpResponse:
    return redirect(f"{reverse('plans:plan-detail', args=[plan.pk])}#lessons")


@login_required
@require_POST
def lesson_consider(request: HttpRequest, plan_id: int, lesson_id: int) -> HttpResponse:
    """The drafting team marks a lesson considered for its plan, with a note saying how (the
    plan's guideline check "relevant lessons considered" reads it)."""
    user = request.user
    plan, lesson = _plan_and_lesson(request, plan_id, lesson_id)
    form = ConsiderForm(request.POST, auto_id=f"id_lesson{lesson.pk}_%s")
    if not form.is_valid():
        errors = [m for msgs in form.errors.values() for m in msgs]
        messages.error(request, "The lesson was not marked considered: " + " ".join(errors))
        return _back_to_plan(plan)
    try:
        services.lesson_consider(
            actor=user, plan=plan, lesson=lesson, note=form.cleaned_data["note"]
        )
    except Invalid as exc:
        messages.error(request, "The lesson was not marked considered: " + error_text(exc))
    except (InvalidTransition, Conflict) as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "The lesson is marked considered.")
    return _back_to_plan(plan)


@login_required
@require_POST
def lesson_unconsider(request: HttpRequest, plan_id: int, lesson_id: int) -> HttpResponse:
    user = request.user
    plan, lesson = _plan_and_lesson(request, plan_id, lesson_id)
    try:
        services.lesson_unconsider(actor=user, plan=plan, lesson=lesson)
    except Invalid as exc:
        messages.error(request, error_text(exc))
    except (InvalidTransition, Conflict) as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "The lesson is no longer marked considered.")
    return _back_to_plan(plan)
