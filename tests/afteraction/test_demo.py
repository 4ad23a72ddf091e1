"""The after-action demo data (afteraction/demo.py, run by seed_demo after the plans demo and
before the meetings'): the four case illustrations of USHMM 2023 Annex A published with tagged
lessons, a report corrected by a revision, an exercise with its report in drafting, an overdue
commission; the lessons reach search and the demo plans' panels. Seeding twice adds nothing.

Source: seeds/003_f6ce1c28a03a1958.txt, "Annex A: Case illustrations of the four general
strategies to help prevent mass atrocities" (Kenya 2007–2008, Syria 2011–pres., Central African
Republic 2013–14, Democratic Republic of the Congo 2014–18); issue 7, "Demo data".
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import RequestFactory, override_settings

from afteraction import panels, relevance, search, selectors, services
from afteraction.models import Exercise, Lesson, NarrativeLink, Report, ReportEvent
from apc.meetings.dates import committee_today
from apc.models import AuditEvent, User
from plans.models import Plan
from tests.factories import ensure_reference_data

pytestmark = pytest.mark.django_db
TAGS = ("countries", "tools", "strategies", "target_groups", "stages", "agencies")
# Annex A: each case illustrates one of the four strategies
CASES = {"KEN": "dissuade", "SYR": "degrade", "CAF": "protect", "COD": "facilitate_transition"}


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Report, Lesson, NarrativeLink, ReportEvent,
                                                     Exercise)} | {
        "tags": sum(getattr(Lesson, t).through.objects.count() for t in TAGS),
        "audit": AuditEvent.objects.filter(action__startswith="afteraction.").count(),
    }  # fmt: skip


@pytest.fixture
def seeded():
    ensure_reference_data()
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_the_four_annex_a_cases_are_published_with_tagged_lessons(seeded):
    assert "After-action demo data: 5 published reports" in seeded
    staff = User.objects.get(username="directorate")
    for iso3, strategy in CASES.items():
        report = Report.objects.get(country_id=iso3, revision=1)
        assert report.status == Report.Status.PUBLISHED and report.subject == "crisis"
        assert report.commissioned_by == staff
        assert report.summary and report.narrative and report.findings
        assert "USHMM 2023, Annex A" in report.summary
        authors = {u.username for u in services.authors(report)}
        assert authors and all(u.startswith(("member.", "analyst.")) for u in authors)
        assert report.authors_display
        lessons = list(report.lessons.all())
        assert 3 <= len(lessons) <= 5
        for lesson in lessons:
            assert lesson.statement and lesson.recommendation and "Annex A" in lesson.evidence
            assert lesson.outcome != Lesson.Outcome.UNKNOWN
            for tag in TAGS:
                assert getattr(lesson, tag).exists(), (iso3, lesson.statement, tag)
            assert [c.pk for c in lesson.countries.all()] == [iso3]
            assert strategy in set(lesson.strategies.values_list("key", flat=True))
        assert report.events.filter(action="publish", actor=staff).exists()
    outcomes = set(Lesson.objects.values_list("outcome", flat=True))
    assert {"worked", "did_not_work", "mixed"} <= outcomes
    assert Report.objects.get(country_id="KEN", revision=1).year == 2007
    assert Report.objects.get(country_id="COD").period_label == "Jan 2014 – Dec 2018"


def test_a_corrected_report_and_its_revision_are_both_published(seeded):
    original = Report.objects.get(country_id="SYR", revision=1)
    revision = Report.objects.get(country_id="SYR", revision=2)
    assert revision.supersedes == original and revision.series == original.series
    assert original.status == revision.status == Report.Status.PUBLISHED
    assert revision.lessons.count() == original.lessons.count() + 1
    assert {lesson.previous_id for lesson in revision.lessons.all()} - {None} == set(
        original.lessons.values_list("pk", flat=True)
    )
    assert "13606" in revision.narrative and "13606" not in original.narrative
    reader = User.objects.get(username="member.usaid")
    current = {r.pk for r in selectors.published_for(reader)}
    assert revision.pk in current and original.pk not in current
    assert [r.revision for r in selectors.series_of(reader, original)] == [1, 2]


def test_an_exercise_report_in_drafting_and_an_overdue_commission(seeded):
    exercise = Exercise.objects.get()
    assert exercise.kind == Exercise.Kind.PROCEDURES and exercise.recorded_by.username == (
        "directorate"
    )
    drafting = Report.objects.get(exercise=exercise)
    assert drafting.status == Report.Status.DRAFTING
    assert [u.username for u in services.authors(drafting)] == ["member.defense"]
    assert drafting.lessons.exists()
    overdue = Report.objects.get(country_id="CIV")
    assert overdue.status == Report.Status.COMMISSIONED and overdue.due_on < committee_today()


def test_the_demo_lessons_are_found_and_reach_the_demo_plans(seeded):
    reader = User.objects.get(username="member.state")
    found = search.search_lessons(reader, "Kenya")
    assert found.total >= 4
    assert {h.obj.report.country_id for h in found.hits} == {"KEN"}
    assert all("<mark>" in str(v) for h in found.hits for v in h.highlights.values())
    assert search.search_reports(reader, "Kenya").hits[0].obj.country_id == "KEN"
    assert search.search_lessons(reader, "", {"country": "COD"}).total == 3

    staff = User.objects.get(username="directorate")
    burma = Plan.objects.get(country__iso3="MMR", kind="response")
    assert burma.status == Plan.Status.DRAFT
    request = RequestFactory().get("/")
    request.user = staff
    panel = panels.plan_lessons(request, burma)
    assert panel.context["rows"] and panel.context["may_consider"] is True
    assert relevance.lessons_check(burma)[0] is False  # until its team considers them

    drc = Plan.objects.get(country__iso3="COD", kind="prevention")
    rows = relevance.relevant_for(staff, drc)
    assert [r.lesson.report.country_id for r in rows[:3]] == ["COD", "COD", "COD"]
    assert rows[0].reasons[0] == "same country (DR Congo)"


def test_seeding_twice_adds_nothing(seeded):
    first = counts()
    again = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=again)
    assert "After-action demo data: 5 published reports; already present." in again.getvalue()
    assert counts() == first
