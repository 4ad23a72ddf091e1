"""Lessons and narrative links on the pages (issue 7: "A report holds a summary, a narrative of
what happened and what was done (linked to the plans, meetings, tier changes and warnings of
the period, picked from those records), findings, and lessons. Each lesson: statement,
recommendation, evidence, outcome ..., and tags: country, tools (from the catalogue), strategy,
target group, escalation stage, agencies. Markings per report and per lesson.").

Source: seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and Process" (after-action
reports "to generate lessons learned").
"""

from __future__ import annotations

import pytest

from afteraction import services
from afteraction.models import Lesson, NarrativeLink, Report
from apc.core import roles
from apc.models import Agency
from tests.afteraction import support as s
from tests.afteraction.page_support import (
    audited,
    banner,
    flash,
    has_testid,
    login,
    section,
    text,
    url,
)
from tests.factories import UserFactory
from tests.plans.support import make_plan

pytestmark = pytest.mark.django_db

A = roles


@pytest.fixture
def writer():
    return s.author()


@pytest.fixture
def report(writer):
    return s.commission(authors=[writer], iso3="KEN")


def lesson_data(**overrides) -> dict:
    data = {
        "statement": "Regional mediation ended the post-election violence.",
        "recommendation": "Back a respected regional mediator early.",
        "evidence": "The Annan-led panel; the power-sharing accord of 28 February 2008.",
        "outcome": "worked",
        "marking": "U",
        "countries": ["KEN"],
        "tools": [str(s.tool("Dialogue facilitation/mediation").pk)],
        "strategies": [str(s.strategy("dissuade").pk)],
        "target_groups": [str(s.group("decision_makers").pk)],
        "stages": [str(s.stage("escalating").pk)],
        "agencies": [str(Agency.objects.get(code="state").pk)],
    }
    data.update(overrides)
    return data


def test_an_author_adds_a_tagged_lesson(client, writer, report):
    login(client, writer)
    page = client.get(url("lesson-add", report.pk))
    assert page.status_code == 200
    assert '<option value="KEN" selected>' in page.content.decode()  # the report's country
    response = client.post(url("lesson-add", report.pk), lesson_data())
    assert response.status_code == 302
    assert response["Location"].endswith("#lessons")
    lesson = Lesson.objects.get(report=report)
    assert lesson.outcome == "worked"
    assert [c.pk for c in lesson.countries.all()] == ["KEN"]
    assert lesson.tools.get().name == "Dialogue facilitation/mediation"
    assert lesson.strategies.get().key == "dissuade"
    assert lesson.target_groups.get().key == "decision_makers"
    assert lesson.stages.get().key == "escalating"
    assert lesson.agencies.get().code == "state"
    detail = client.get(url("report-detail", report.pk))
    tags = section(detail, f"lesson-tags-{lesson.pk}")
    assert "Kenya" in tags and "Dialogue facilitation/mediation" in tags and "Worked" in tags


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"statement": ""}, "This field is required."),
        ({"outcome": "perhaps"}, "Select a valid choice."),
        ({"tools": ["999999"]}, "Select a valid choice."),
        ({"marking": "TS"}, "Select a valid choice."),
    ],
)
def test_bad_lesson_input_answers_400_and_adds_nothing(client, writer, report, overrides, message):
    response = login(client, writer).post(url("lesson-add", report.pk), lesson_data(**overrides))
    assert response.status_code == 400
    assert message in text(response)
    assert has_testid(response, "form-errors")
    assert not Lesson.objects.exists()


def test_a_lesson_naming_a_country_is_marked_at_least_as_the_country(client, writer, report):
    """Markings per lesson (issue 7): the service refuses a lesson marked below a country it
    names; the page shows the reason on the marking field."""
    from watchlist.models import Country

    Country.objects.filter(pk="KEN").update(marking="C")
    response = login(client, writer).post(url("lesson-add", report.pk), lesson_data(marking="U"))
    assert response.status_code == 400
    assert "mark the lesson at least as high" in text(response)
    assert not Lesson.objects.exists()


def test_an_author_edits_and_removes_a_lesson(client, writer, report):
    lesson = s.lesson(report, writer, "First wording.", countries=["KEN"])
    login(client, writer)
    page = client.get(url("lesson-edit", lesson.pk))
    assert page.status_code == 200
    assert "First wording." in text(page)
    response = client.post(
        url("lesson-edit", lesson.pk),
        lesson_data(statement="Second wording.", outcome="mixed", tools=[]),
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.statement, lesson.outcome) == ("Second wording.", "mixed")
    assert not lesson.tools.exists() and lesson.agencies.get().code == "state"
    response = client.post(url("lesson-remove", lesson.pk))
    assert response.status_code == 302
    assert not Lesson.objects.filter(pk=lesson.pk).exists()


def test_the_lessons_of_a_published_report_never_change(client):
    report = s.published_report()
    lesson = report.lessons.get()
    writer = services.authors(report)[0]
    login(client, writer)
    page = client.get(url("lesson-edit", lesson.pk))
    assert page.status_code == 200 and has_testid(page, "not-editable")
    response = client.post(url("lesson-edit", lesson.pk), lesson_data(statement="Rewritten."))
    assert response.status_code == 409
    assert client.post(url("lesson-remove", lesson.pk)).status_code == 409
    assert client.post(url("lesson-add", report.pk), lesson_data()).status_code == 409
    lesson.refresh_from_db()
    assert lesson.statement == "Early diplomacy worked."
    assert Lesson.objects.filter(report=report).count() == 1


def test_the_lesson_page_is_an_audited_read_and_hidden_above_clearance(client):
    report = s.published_report(
        lessons=[
            {"statement": "Open lesson.", "countries": ["KEN"]},
            {"statement": "Confidential lesson.", "marking": "C"},
        ]
    )
    open_lesson, closed = report.lessons.order_by("position")
    user = UserFactory(role=A.DEPUTIES, clearance="CUI")
    login(client, user)
    response = client.get(url("lesson-detail", open_lesson.pk))
    assert response.status_code == 200
    assert "Open lesson." in section(response, "statement")
    assert "Kenya" in section(response, f"lesson-tags-{open_lesson.pk}")
    event = audited("afteraction.lesson_view", open_lesson)
    assert event.actor == user and event.marking == "U"
    assert client.get(url("lesson-detail", closed.pk)).status_code == 404
    cleared = login(client, UserFactory(role=A.MEMBER, clearance="C"))
    response = cleared.get(url("lesson-detail", closed.pk))
    assert response.status_code == 200 and banner(response) == "CONFIDENTIAL"


def test_the_lesson_page_lists_the_plans_that_considered_it(client):
    report = s.published_report(iso3="SDN", lessons=[{"statement": "Sanctions alone failed."}])
    lesson = report.lessons.get()
    plan = make_plan(iso3="SDN")
    services.lesson_consider(actor=plan.owner, plan=plan, lesson=lesson, note="Paired with aid.")
    staff = login(client, s.directorate()).get(url("lesson-detail", lesson.pk))
    assert "Paired with aid." in section(staff, "considered")
    member = login(client, UserFactory(role=A.MEMBER)).get(url("lesson-detail", lesson.pk))
    assert "Paired with aid." not in text(member)  # a member does not see the draft plan


# --- Narrative links ------------------------------------------------------------------------


def test_the_picker_offers_the_records_of_the_country_and_the_link_is_cited(client):
    writer = s.directorate()  # the directorate sees the draft plans of the country
    report = s.commission(authors=[writer], iso3="SDN", period_end=None)
    plan = make_plan(iso3="SDN")
    elsewhere = make_plan(iso3="MMR")
    login(client, writer)
    page = client.get(url("link-add", report.pk))
    assert page.status_code == 200
    assert has_testid(page, f"candidate-plan-{plan.pk}")
    assert not has_testid(page, f"candidate-plan-{elsewhere.pk}")
    response = client.post(url("link-add", report.pk), {"kind": "plan", "record": plan.pk})
    assert response.status_code == 302
    link = NarrativeLink.objects.get(report=report)
    assert link.plan == plan and link.label == f"{plan.get_kind_display()} for Sudan"
    # cited once: no longer offered
    assert not has_testid(client.get(url("link-add", report.pk)), f"candidate-plan-{plan.pk}")
    response = client.post(url("link-remove", link.pk))
    assert response.status_code == 302
    assert not NarrativeLink.objects.exists()


def test_a_record_the_author_may_not_see_is_not_cited(client, writer, report):
    plan = make_plan(iso3="KEN")  # a draft plan: a member author does not see it
    login(client, writer)
    page = client.get(url("link-add", report.pk))
    assert not has_testid(page, f"candidate-plan-{plan.pk}")
    response = client.post(url("link-add", report.pk), {"kind": "plan", "record": plan.pk})
    assert response.status_code == 400
    assert "Choose a record you may see" in " ".join(flash(response))
    response = client.post(url("link-add", report.pk), {"kind": "rumour", "record": "1"})
    assert response.status_code == 400
    assert not NarrativeLink.objects.exists()


def test_citing_the_same_record_twice_answers_409(client):
    writer = s.directorate()
    report = s.commission(authors=[writer], iso3="SDN")
    plan = make_plan(iso3="SDN")
    login(client, writer)
    client.post(url("link-add", report.pk), {"kind": "plan", "record": plan.pk})
    response = client.post(url("link-add", report.pk), {"kind": "plan", "record": plan.pk})
    assert response.status_code == 409
    assert NarrativeLink.objects.count() == 1


def test_a_link_above_the_readers_clearance_is_not_shown(client):
    writer = s.directorate()
    report = s.commission(authors=[writer], iso3="SDN")
    s.write(report, writer)
    s.lesson(report, writer)
    secret_plan = make_plan(iso3="SDN", marking="S")
    link = services.link_add(actor=writer, report=report, kind="plan", record=secret_plan)
    report = s.publish(report, writer)
    assert Report.objects.get(pk=report.pk).status == "published"
    low = login(client, UserFactory(role=A.MEMBER, clearance="C")).get(
        url("report-detail", report.pk)
    )
    assert link.label not in text(low) and not has_testid(low, f"link-{link.pk}")
    assert banner(low) == "UNCLASSIFIED"
    high = login(client, UserFactory(role=A.MEMBER, clearance="S")).get(
        url("report-detail", report.pk)
    )
    assert has_testid(high, f"link-{link.pk}") and banner(high) == "SECRET"


def test_the_picker_offers_meetings_tier_changes_and_warnings_of_the_period(client):
    """The narrative is "linked to the plans, meetings, tier changes and warnings of the period,
    picked from those records" (issue 7): only those of the report's country and period."""
    import datetime as dt

    from tests.factories import MeetingFactory
    from watchlist.models import TierChange, Warning

    writer = s.directorate(is_directorate_lead=True)  # sees every warning of the channel
    report = s.commission(authors=[writer], iso3="KEN")  # 27 Dec 2007 - 28 Feb 2008
    kenya, other = country_of("KEN"), country_of("UGA")

    def change(c, day):
        return TierChange.objects.create(
            country=c, from_tier=None, to_tier="high_rising", effective=day,
            rationale="Post-election violence.", decided_by=writer,
            decided_by_agency=writer.agency,
        )  # fmt: skip

    def warning(c, day):
        filed = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
        return Warning.objects.create(
            country=c, severity="acute", title=f"Killings reported {day}", narrative="...",
            filed_by=writer, filer_agency=writer.agency, filed_at=filed,
            acknowledge_due=filed + dt.timedelta(hours=4),
        )  # fmt: skip

    def meeting(day):
        at = dt.datetime.combine(day, dt.time(15), tzinfo=dt.UTC)
        return MeetingFactory(slot=day, starts_at=at, ends_at=at + dt.timedelta(hours=2))

    inside = [
        ("tier_change", change(kenya, dt.date(2008, 1, 10))),
        ("warning", warning(kenya, dt.date(2008, 1, 2))),
        ("meeting", meeting(dt.date(2008, 2, 1))),
    ]
    outside = [
        ("tier_change", change(kenya, dt.date(2010, 5, 1))),
        ("tier_change", change(other, dt.date(2008, 1, 10))),
        ("warning", warning(kenya, dt.date(2009, 1, 2))),
        ("meeting", meeting(dt.date(2008, 6, 1))),
    ]
    login(client, writer)
    page = client.get(url("link-add", report.pk))
    for kind, record in inside:
        assert has_testid(page, f"candidate-{kind}-{record.pk}"), kind
    for kind, record in outside:
        assert not has_testid(page, f"candidate-{kind}-{record.pk}"), (kind, record.pk)
    response = client.post(url("link-add", report.pk), {"kind": "tier_change",
                                                        "record": inside[0][1].pk})  # fmt: skip
    assert response.status_code == 302
    link = NarrativeLink.objects.get(report=report)
    assert link.label == "Kenya: not listed → High and rising"
    assert link.occurred_on == dt.date(2008, 1, 10)


def country_of(iso3: str):
    from tests.factories import country

    return country(iso3)
