"""The repository's panels on other pages (issue 7): "On a plan being drafted, a panel shows the
lessons most relevant to it (same country or region, same tools, strategies or target groups,
ranked), and the drafting team can mark each as considered, with a note; the plans' guideline
check 'relevant lessons considered' reads this." and "The country page lists that country's
reports and lessons."

Source: seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and Process": the results of
after-action reports "must be taken into account in future crises and policy planning";
"Readiness to Meet the Challenge": knowledge from past operations is not retained.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from afteraction.models import LessonConsideration
from apc.core import roles
from plans.models import Plan
from tests.afteraction import support as s
from tests.afteraction.page_support import (
    banner,
    flash,
    has_testid,
    login,
    section,
    section_html,
    text,
    url,
)
from tests.factories import UserFactory
from tests.plans.support import add_option, make_plan

pytestmark = pytest.mark.django_db

A = roles


def plan_url(plan: Plan) -> str:
    return reverse("plans:plan-detail", args=[plan.pk])


def check_state(response) -> str:
    """The guideline check "relevant lessons considered" as templates/plans/_checks.html shows
    it: ok, failed or na."""
    html = section_html(response, "check-lessons_considered")
    assert html.startswith('<li class="apc-check" data-testid="check-lessons_considered"')
    return html.split('data-ok="')[1].split('"')[0]


@pytest.fixture
def sudan_lesson():
    report = s.published_report(
        title="Sudan 2003-",
        iso3="SDN",
        lessons=[{"statement": "Early targeted sanctions on commanders deterred attacks.",
                  "countries": ["SDN"], "tools": [s.tool("Dialogue facilitation/mediation").pk]}],
    )  # fmt: skip
    return report.lessons.get()


@pytest.fixture
def plan():
    return make_plan(iso3="SDN")


def test_the_plan_panel_shows_the_relevant_lesson_and_why(client, sudan_lesson, plan):
    unrelated = s.published_report(
        iso3="COL", lessons=[{"statement": "Peace talks in Havana.", "countries": ["COL"]}]
    ).lessons.get()
    add_option(plan, tool_name="Dialogue facilitation/mediation")
    response = login(client, plan.owner).get(plan_url(plan))
    assert response.status_code == 200
    panel = section(response, "lessons-panel")
    assert "Early targeted sanctions on commanders deterred attacks." in panel
    assert "Peace talks in Havana." not in panel
    assert not has_testid(response, f"panel-lesson-{unrelated.pk}")
    reasons = section(response, f"reasons-{sudan_lesson.pk}")
    assert "same country (Sudan)" in reasons and "Dialogue facilitation/mediation" in reasons
    assert has_testid(response, f"consider-{sudan_lesson.pk}")  # the drafting team may mark it
    assert not has_testid(response, f"unconsider-{sudan_lesson.pk}")


def test_considering_a_lesson_flips_the_guideline_check_and_back(client, sudan_lesson, plan):
    login(client, plan.owner)
    assert check_state(client.get(plan_url(plan))) == "failed"
    response = client.post(
        url("lesson-consider", plan.pk, sudan_lesson.pk),
        {"note": "Option 3 targets the commanders with travel bans."},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{plan_url(plan)}#lessons"
    assert "The lesson is marked considered." in flash(response)
    page = client.get(plan_url(plan))
    assert check_state(page) == "ok"
    assert has_testid(page, f"considered-{sudan_lesson.pk}")
    assert "Option 3 targets the commanders" in section(page, f"note-{sudan_lesson.pk}")
    assert has_testid(page, f"unconsider-{sudan_lesson.pk}")
    response = client.post(url("lesson-unconsider", plan.pk, sudan_lesson.pk))
    assert response.status_code == 302
    assert not LessonConsideration.objects.exists()
    page = client.get(plan_url(plan))
    assert check_state(page) == "failed"
    assert not has_testid(page, f"considered-{sudan_lesson.pk}")


def test_considering_without_a_note_is_refused_with_a_message(client, sudan_lesson, plan):
    login(client, plan.owner)
    response = client.post(url("lesson-consider", plan.pk, sudan_lesson.pk), {"note": "  "})
    assert response.status_code == 302
    assert any("not marked considered" in m for m in flash(response))
    assert not LessonConsideration.objects.exists()
    response = client.post(url("lesson-unconsider", plan.pk, sudan_lesson.pk))
    assert response.status_code == 302
    assert "This lesson is not marked considered." in flash(response)


def test_a_plan_past_drafting_takes_no_new_marks(client, sudan_lesson, plan):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.RED_TEAM)
    login(client, plan.owner)
    page = client.get(plan_url(plan))
    assert "Early targeted sanctions" in section(page, "lessons-panel")
    assert not has_testid(page, f"consider-{sudan_lesson.pk}")
    response = client.post(url("lesson-consider", plan.pk, sudan_lesson.pk), {"note": "Too late."})
    assert response.status_code == 302
    assert any("while it is drafted" in m for m in flash(response))
    assert not LessonConsideration.objects.exists()


def test_a_co_chair_reads_the_panel_but_marks_nothing(client, sudan_lesson, plan):
    chair = UserFactory(role=A.CO_CHAIR)
    login(client, chair)
    page = client.get(plan_url(plan))
    assert "Early targeted sanctions" in section(page, "lessons-panel")
    assert not has_testid(page, f"consider-{sudan_lesson.pk}")
    response = client.post(url("lesson-consider", plan.pk, sudan_lesson.pk), {"note": "Mine."})
    assert response.status_code == 403
    assert not LessonConsideration.objects.exists()


def test_a_lesson_above_the_readers_clearance_is_not_in_the_panel(client, sudan_lesson, plan):
    secret = s.published_report(
        iso3="SDN",
        lessons=[{"statement": "Intercepts showed the chain of command.", "marking": "S",
                  "countries": ["SDN"]}],
    ).lessons.get()  # fmt: skip
    chair = UserFactory(role=A.CO_CHAIR, clearance="C")
    page = login(client, chair).get(plan_url(plan))
    assert "Intercepts showed" not in text(page)
    assert not has_testid(page, f"panel-lesson-{secret.pk}")
    assert "Early targeted sanctions" in section(page, "lessons-panel")
    assert banner(page) == "UNCLASSIFIED"
    # nor may the co-chair mark it considered by posting to it (it answers 404)
    response = client.post(url("lesson-consider", plan.pk, secret.pk), {"note": "x"})
    assert response.status_code == 404
    staff = login(client, plan.owner).get(plan_url(plan))
    assert has_testid(staff, f"panel-lesson-{secret.pk}") and banner(staff) == "SECRET"


# --- The country page -----------------------------------------------------------------------


def country_url(iso3: str) -> str:
    return reverse("watchlist:country-detail", args=[iso3])


def test_the_country_page_lists_the_countrys_reports_and_lessons(client, sudan_lesson):
    kenya = s.published_report(
        title="Kenya 2007-08",
        iso3="KEN",
        lessons=[{"statement": "Kenyan mediation lesson.", "countries": ["KEN"]}],
    )
    page = login(client, UserFactory(role=A.MEMBER)).get(country_url("SDN"))
    assert page.status_code == 200
    assert "Sudan 2003-" in section(page, "country-reports")
    assert "Early targeted sanctions" in section(page, "country-lessons")
    assert "Kenya 2007-08" not in text(page)
    assert not has_testid(page, f"country-report-{kenya.pk}")
    assert has_testid(page, "country-search")


def test_the_country_panel_leaves_out_what_the_reader_may_not_see(client, sudan_lesson):
    secret = s.published_report(
        title="Closed Sudan report",
        iso3="SDN",
        marking="S",
        lessons=[{"statement": "Closed Sudan lesson.", "marking": "S", "countries": ["SDN"]}],
    )
    low = login(client, UserFactory(role=A.MEMBER, clearance="C")).get(country_url("SDN"))
    assert "Closed Sudan" not in text(low)
    assert not has_testid(low, f"country-report-{secret.pk}")
    assert banner(low) != "SECRET"
    high = login(client, UserFactory(role=A.MEMBER, clearance="S")).get(country_url("SDN"))
    assert has_testid(high, f"country-report-{secret.pk}")
    assert "Closed Sudan lesson." in section(high, "country-lessons")
    assert banner(high) == "SECRET"


def test_service_accounts_get_no_repository_panel(client, sudan_lesson):
    page = login(client, UserFactory(role=A.API_CLIENT)).get(country_url("SDN"))
    assert page.status_code == 200
    assert not has_testid(page, "country-afteraction")


def test_a_plans_rehearsals_in_the_repository_show_on_the_plan_for_those_who_read_exercises(
    client,
):
    """seeds/000, "Crisis Response Structure and Process": the directorate "oversees exercising
    and rehearsal"; a rehearsal of a plan recorded in the repository shows on that plan."""
    from datetime import timedelta

    from afteraction import services as aa
    from apc.meetings.dates import committee_today
    from tests.factories import UserFactory
    from tests.plans.support import make_plan

    plan = make_plan(iso3="SDN")
    staff = plan.owner
    exercise = aa.exercise_record(
        actor=staff,
        kind="plan_rehearsal",
        title="Tabletop of the Sudan plan",
        held_on=committee_today() - timedelta(days=3),
        scenario="Darfur escalation.",
        participants="State, USAID.",
        results="Messaging lead unclear.",
        plan=plan,
    )
    client.force_login(staff)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert 'data-testid="plan-exercises-panel"' in page
    assert f"/afteraction/exercises/{exercise.pk}/" in page
    # a member the plan is shared with reads the plan, not the directorate's exercises
    from guardian.shortcuts import assign_perm

    member = UserFactory(role="member", clearance="S")
    assign_perm("view_plan", member, plan)
    client.force_login(member)
    response = client.get(f"/plans/{plan.pk}/")
    assert response.status_code == 200
    assert 'data-testid="plan-exercises-panel"' not in response.content.decode()
