"""Lessons brought to the next plan (afteraction/relevance.py): a plan being drafted gets the
lessons that bear on it, ranked, with the reasons; clearance applies; marking lessons considered
flips the plans' guideline check "relevant lessons considered".

Source: seeds/000, "Crisis Response Structure and Process": the results of after-action reports
"must be taken into account in future crises and policy planning"; issue 7: "On a plan being
drafted, a panel shows the lessons most relevant to it (same country or region, same tools,
strategies or target groups, ranked), and the drafting team can mark each as considered, with a
note; the plans' guideline check 'relevant lessons considered' reads this."
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from afteraction import relevance, services
from afteraction.models import Lesson
from plans import guidelines
from tests.afteraction import support as s
from tests.factories import UserFactory
from tests.plans.support import add_option, make_plan, tool

pytestmark = pytest.mark.django_db


def lesson_of(statement: str) -> Lesson:
    return Lesson.objects.get(statement=statement)


def report(iso3: str, year: int, *lessons: dict) -> None:
    s.published_report(
        iso3=iso3, period_start=date(year, 1, 1), period_end=None, lessons=list(lessons)
    )


@pytest.fixture
def plan():
    """A Sudan response plan whose options use two catalogue tools (Travel bans, Increased aid)
    and two strategies (dissuade, protect), aimed at decision makers and victims."""
    plan = make_plan(iso3="SDN")
    add_option(plan, target="decision_makers", at="latent", tool_name="Travel bans",
               strategy=s.strategy("dissuade"))  # fmt: skip
    add_option(plan, target="victims", at="escalating", tool_name="Increased aid",
               strategy=s.strategy("protect"))  # fmt: skip
    return plan


@pytest.fixture
def repository():
    """Lessons sharing more or less with the plan (Sudan is in Northern Africa)."""
    travel, aid = tool("Travel bans").pk, tool("Increased aid").pk
    report("SDN", 2010, {"statement": "A: same country."})
    report("SYR", 2012, {"statement": "C: both tools and the victims.", "tools": [travel, aid],
                         "target_groups": [s.group("victims")]})  # fmt: skip
    report("LBY", 2011, {"statement": "B: same region and a tool.", "tools": [travel]})
    report("LBY", 2016, {"statement": "I: same region, recent.", "outcome": "worked"})
    report("EGY", 2005, {"statement": "H: same region, old.", "outcome": "worked"})
    report("EGY", 2015, {"statement": "F: same region, outcome unknown.", "outcome": "unknown"})
    report("SYR", 2013, {"statement": "D: a strategy.", "strategies": [s.strategy("dissuade")]})
    report("SYR", 2014, {"statement": "E: only a target group.",
                         "strategies": [s.strategy("degrade")],
                         "target_groups": [s.group("victims")]})  # fmt: skip


EXPECTED = [
    ("A: same country.", 8),
    ("C: both tools and the victims.", 7),
    ("B: same region and a tool.", 6),
    ("I: same region, recent.", 3),
    ("H: same region, old.", 3),
    ("F: same region, outcome unknown.", 3),
    ("D: a strategy.", 2),
    ("E: only a target group.", 1),
]


def test_a_plan_gets_the_expected_lessons_in_order(plan, repository):
    """Same country 8, same region 3, each shared tool 3, strategy 2, target group 1; ties go
    to a known outcome, then to the most recent year."""
    rows = relevance.relevant_for(plan.owner, plan)
    assert [(r.lesson.statement, r.score) for r in rows] == EXPECTED


def test_each_lesson_says_why_it_is_relevant(plan, repository):
    reasons = {r.lesson.statement[0]: r.reasons for r in relevance.relevant_for(plan.owner, plan)}
    assert reasons["A"] == ["same country (Sudan)"]
    assert reasons["B"] == ["same region (Northern Africa)", "tool: Travel bans"]
    assert reasons["C"] == ["tools: Travel bans, Increased aid", "target group: Victims"]
    assert reasons["D"] == [f"strategy: {s.strategy('dissuade').name}"]


def test_the_panel_is_limited(plan, repository):
    with override_settings(AFTERACTION_PLAN_PANEL_SIZE=2):
        assert len(relevance.relevant_for(plan.owner, plan)) == 2
    assert [r.lesson.statement for r in relevance.relevant_for(plan.owner, plan, limit=3)] == [
        e[0] for e in EXPECTED[:3]
    ]


def test_a_lesson_above_the_users_clearance_is_not_shown(plan):
    report("SDN", 2010, {"statement": "Open.", "marking": "U"},
           {"statement": "Secret.", "marking": "S"})  # fmt: skip
    low = UserFactory(role="directorate", clearance="C")
    assert [r.lesson.statement for r in relevance.relevant_for(low, plan)] == ["Open."]
    assert {r.lesson.statement for r in relevance.relevant_for(plan.owner, plan)} == {
        "Open.",
        "Secret.",
    }


def test_the_check_asks_only_about_lessons_every_reader_of_the_plan_may_see(plan):
    """The guideline check reads lessons marked no higher than the plan, so it never reports on
    a lesson some reader of the plan may not see."""
    report("SDN", 2010, {"statement": "Open.", "marking": "U"},
           {"statement": "Secret.", "marking": "S"})  # fmt: skip
    assert [r.lesson.statement for r in relevance.to_consider(plan)] == ["Open."]
    services.lesson_consider(actor=plan.owner, plan=plan, lesson=lesson_of("Open."), note="Yes.")
    assert relevance.lessons_check(plan)[0] is True


def lessons_check_of(plan) -> bool | None:
    return {c.key: c.ok for c in guidelines.checks(plan)}["lessons_considered"]


def test_considering_the_relevant_lessons_flips_the_guideline_check(plan, repository):
    assert lessons_check_of(plan) is False
    ok, detail = relevance.lessons_check(plan)
    assert (ok, detail) == (
        False,
        "3 of the 3 most relevant lessons not yet considered (see the lessons panel).",
    )
    top = [lesson_of(statement) for statement, _ in EXPECTED[:3]]
    for lesson in top[:2]:
        services.lesson_consider(actor=plan.owner, plan=plan, lesson=lesson, note="Considered.")
    assert lessons_check_of(plan) is False
    assert relevance.lessons_check(plan)[1].startswith("1 of the 3")
    # a lesson outside the three most relevant does not count
    services.lesson_consider(
        actor=plan.owner, plan=plan, lesson=lesson_of("D: a strategy."), note="Also."
    )
    assert lessons_check_of(plan) is False
    services.lesson_consider(actor=plan.owner, plan=plan, lesson=top[2], note="Considered.")
    assert lessons_check_of(plan) is True
    assert relevance.lessons_check(plan) == (
        True,
        "The 3 most relevant lessons have been considered.",
    )
    services.lesson_unconsider(actor=plan.owner, plan=plan, lesson=top[0])
    assert lessons_check_of(plan) is False


def test_with_no_relevant_lesson_the_check_has_nothing_to_say(plan):
    assert relevance.relevant_for(plan.owner, plan) == []
    assert lessons_check_of(plan) is None
    report("SYR", 2014, {"statement": "Unrelated.", "strategies": [s.strategy("degrade")]})
    assert relevance.relevant_for(plan.owner, plan) == []
    assert relevance.lessons_check(plan) == (
        None,
        "No lesson in the repository bears on this plan yet.",
    )


def test_only_current_published_lessons_count(plan):
    writer = s.author()
    draft = s.commission(authors=[writer], iso3="SDN")
    s.lesson(draft, writer, "Draft lesson.")
    assert relevance.relevant_for(plan.owner, plan) == []
    original = s.published_report(writer=writer, iso3="SDN", lessons=[{"statement": "Old."}])
    staff = s.directorate()
    revision = services.report_revise(actor=staff, report=original, reason="Fix.")
    s.publish(revision, writer, staff)
    (row,) = relevance.relevant_for(plan.owner, plan)
    assert row.lesson.report_id == revision.pk
    assert [r.lesson.report_id for r in relevance.to_consider(plan)] == [revision.pk]
