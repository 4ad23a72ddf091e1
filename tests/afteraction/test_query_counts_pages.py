"""The after-action pages run the same number of queries with 1 row and with 25 (CONVENTIONS,
"Query counts"): the report list (published reports; the directorate's commissions), the search
(lessons and reports, with and without words), the exercise list, a report's page (its lessons
and links), and the repository's panels on the plan page (relevant lessons with their
"considered" marks) and on the country page (reports and lessons)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from afteraction import services
from apc.core import roles
from apc.meetings.dates import committee_today
from tests.afteraction import support as s
from tests.afteraction.page_support import url
from tests.factories import UserFactory
from tests.plans.support import ensure_plans_reference, make_plan

pytestmark = pytest.mark.django_db

MEDIATION = "Dialogue facilitation/mediation"


@pytest.fixture(autouse=True)
def _reference_data():
    ensure_plans_reference()


def count_queries(client, target: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(target, params or {})
        assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


def same_for_one_and_many(
    client, target: str, grow: Callable[[], None], assert_max, params: dict | None = None
) -> int:
    client.get(target, params or {})  # warm per-process caches (content types, sessions)
    one = count_queries(client, target, params)
    grow()
    with assert_max(one):
        many = count_queries(client, target, params)
    assert one == many
    return one


def tagged_lessons(i: int, iso3: str) -> list[dict]:
    """Two lessons per report, tagged in every way the pages show."""
    return [
        {
            "statement": f"Mediation lesson {i}: regional envoys calmed the crisis.",
            "countries": [iso3],
            "tools": [s.tool(MEDIATION).pk],
            "strategies": [s.strategy("dissuade").pk],
            "target_groups": [s.group("decision_makers").pk],
            "stages": [s.stage("escalating").pk],
            "outcome": "worked" if i % 2 else "mixed",
        },
        {
            "statement": f"Sanctions lesson {i}: travel bans needed partners.",
            "evidence": "Mediation alone did not hold.",
            "countries": [iso3],
            "outcome": "unknown",
        },
    ]


def publish_reports(n: int, iso3: str = "SDN", start: int = 0, writer=None) -> list:
    writer = writer or s.author()
    return [
        s.published_report(
            title=f"Report {start + i}",
            iso3=iso3,
            writer=writer,
            period_start=date(2000 + (start + i) % 20, 1, 1),
            period_end=None,
            lessons=tagged_lessons(start + i, iso3),
        )
        for i in range(n)
    ]


# --- The list pages -------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{}, {"country": "SDN"}, {"superseded": "on", "year": "2000"}])
def test_report_list_for_a_reader(client, params, django_assert_max_num_queries):
    client.force_login(UserFactory(role=roles.ANALYST))
    writer = s.author()
    publish_reports(1, writer=writer)
    same_for_one_and_many(
        client,
        url("report-list"),
        lambda: publish_reports(24, start=20, writer=writer),  # year 2000 again at 20
        django_assert_max_num_queries,
        params,
    )


def test_report_list_for_the_directorate_with_commissions(client, django_assert_max_num_queries):
    boss = s.directorate()
    client.force_login(boss)
    writer = s.author()

    def commission(n: int) -> None:
        for i in range(n):
            report = s.commission(by=boss, authors=[writer, s.author()], title=f"Owed {i}")
            if i % 2:
                services.report_transition(actor=writer, report=report, action="start")

    publish_reports(1, writer=writer)
    commission(1)
    same_for_one_and_many(
        client,
        url("report-list"),
        lambda: (publish_reports(24, start=1, writer=writer), commission(24)),
        django_assert_max_num_queries,
    )
    response = client.get(url("report-list"))
    assert len(response.context["reports"]) == 25
    assert len(response.context["commissions"]) == 25


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "mediation"},
        {"q": "mediation", "country": "SDN", "tool": "TOOL"},
        {"kind": "reports"},
        {"kind": "reports", "q": "report"},
    ],
)
def test_search(client, params, django_assert_max_num_queries):
    params = {k: (str(s.tool(MEDIATION).pk) if v == "TOOL" else v) for k, v in params.items()}
    user = UserFactory(role=roles.MEMBER)
    client.force_login(user)
    writer = s.author()
    publish_reports(1, writer=writer)
    same_for_one_and_many(
        client,
        url("search"),
        lambda: publish_reports(24, start=1, writer=writer),
        django_assert_max_num_queries,
        params,
    )
    response = client.get(url("search"), params)
    assert len(response.context["hits"]) == 25


def test_exercise_list(client, django_assert_max_num_queries):
    boss = s.directorate()
    client.force_login(boss)

    def record(n: int) -> None:
        for i in range(n):
            plan = make_plan(kind="prevention") if i % 2 else None
            services.exercise_record(
                actor=boss,
                kind="plan_rehearsal" if plan else "procedures",
                plan=plan,
                title=f"Exercise {i}",
                held_on=committee_today() - timedelta(days=i + 1),
                scenario="A scenario.",
                participants="Participants.",
                results="Results.",
            )

    record(1)
    same_for_one_and_many(
        client, url("exercise-list"), lambda: record(11), django_assert_max_num_queries
    )


def test_report_page_with_many_lessons_and_links(client, django_assert_max_num_queries):
    boss = s.directorate()
    writer = s.directorate()
    report = s.commission(by=boss, authors=[writer], iso3="SDN")
    client.force_login(boss)

    def add(n: int, start: int) -> None:
        for i in range(n):
            lesson = tagged_lessons(start + i, "SDN")[0]
            s.lesson(report, writer, lesson.pop("statement"), **lesson)
            services.link_add(
                actor=writer, report=report, kind="plan", record=make_plan(kind="prevention")
            )

    add(1, 0)
    target = url("report-detail", report.pk)
    same_for_one_and_many(client, target, lambda: add(9, 1), django_assert_max_num_queries)


# --- The panels -----------------------------------------------------------------------------


def test_plan_page_lessons_panel(client, django_assert_max_num_queries):
    plan = make_plan(iso3="SDN")
    client.force_login(plan.owner)
    writer = s.author()

    def grow(n: int, start: int) -> None:
        for report in publish_reports(n, start=start, writer=writer):
            for lesson in report.lessons.all():
                services.lesson_consider(
                    actor=plan.owner, plan=plan, lesson=lesson, note="Taken into account."
                )

    grow(1, 0)
    target = reverse("plans:plan-detail", args=[plan.pk])
    same_for_one_and_many(client, target, lambda: grow(12, 1), django_assert_max_num_queries)
    response = client.get(target)
    panel = next(p for p in response.context["panels"] if "lessons" in p.template)
    assert len(panel.context["rows"]) > 2
    assert all(r.consideration for r in panel.context["rows"])


def test_country_page_panel(client, django_assert_max_num_queries):
    client.force_login(UserFactory(role=roles.MEMBER))
    writer = s.author()
    publish_reports(1, writer=writer)
    target = reverse("watchlist:country-detail", args=["SDN"])
    same_for_one_and_many(
        client,
        target,
        lambda: publish_reports(12, start=1, writer=writer),
        django_assert_max_num_queries,
    )
    response = client.get(target)
    panel = next(p for p in response.context["panels"] if "country" in p.template)
    assert len(panel.context["reports"]) == 10 and len(panel.context["lessons"]) == 10
