"""The report pages (issue 7, "Reports and lessons"): the list, commissioning, a report's page,
writing it (with the 409 of a stale save), the commission and its author team, the life cycle,
revisions and the PDF.

Source: seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and Process": the directorate
"oversees exercising and rehearsal" and commissions "after action" reports "to generate lessons
learned"; "a permanent and accessible repository" is kept "and made available to succeeding
administrations" (so a published report never changes: a correction is a new revision, and
both stay readable).

Each page renders for the roles allowed; each form's happy path changes state through the
services; bad input answers 400 with the message and changes nothing; what a reader may not see
(a report not yet published, a lesson above their clearance) is absent; reads are audited.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from guardian.shortcuts import get_users_with_perms

from afteraction import services
from afteraction.models import Lesson, Report
from apc.core import roles
from apc.meetings.dates import committee_today
from tests.afteraction import support as s
from tests.afteraction.page_support import (
    audited,
    banner,
    flash,
    has_testid,
    hrefs,
    login,
    section,
    text,
    url,
)
from tests.factories import UserFactory, country
from tests.plans.support import make_plan

pytestmark = pytest.mark.django_db

A = roles
S = Report.Status


@pytest.fixture
def boss():
    return s.directorate(first_name="Dana", last_name="Director")


@pytest.fixture
def writer():
    return s.author(first_name="Ada", last_name="Author")


def reader(clearance: str = "S", role: str = A.MEMBER):
    return UserFactory(role=role, clearance=clearance)


def in_review(writer, boss, **kwargs) -> Report:
    report = s.commission(by=boss, authors=[writer], **kwargs)
    s.write(report, writer)
    s.lesson(report, writer)
    report = services.report_transition(actor=writer, report=report, action="start")
    return services.report_transition(actor=writer, report=report, action="submit")


# --- The list -------------------------------------------------------------------------------


def test_list_shows_published_reports_to_readers_and_hides_commissions(client, boss, writer):
    published = s.published_report(title="Kenya 2007-08")
    pending = s.commission(by=boss, authors=[writer], title="Still being written")
    response = login(client, reader(role=A.ANALYST)).get(url("report-list"))
    assert response.status_code == 200
    body = text(response)
    assert "Kenya 2007-08" in body and has_testid(response, f"report-{published.pk}")
    assert "Still being written" not in body
    assert not has_testid(response, "commissions")
    assert not has_testid(response, "commission")  # no "Commission a report" button
    assert f"report-{pending.pk}" not in body


def test_list_shows_the_directorate_the_commissions_with_due_dates_and_overdue_flag(
    client, boss, writer
):
    late = s.commission(by=boss, authors=[writer], title="Late one")
    Report.objects.filter(pk=late.pk).update(due_on=committee_today() - timedelta(days=3))
    on_time = s.commission(by=boss, authors=[writer], title="On time")
    response = login(client, boss).get(url("report-list"))
    assert response.status_code == 200
    assert has_testid(response, "commission")  # the button
    rows = section(response, "commission-table")
    assert "Late one" in rows and "On time" in rows
    assert has_testid(response, f"overdue-{late.pk}")
    assert not has_testid(response, f"overdue-{on_time.pk}")
    assert "Commissioned" in section(response, f"status-{late.pk}")


def test_an_author_sees_their_own_commission_and_no_other(client, boss, writer):
    mine = s.commission(by=boss, authors=[writer], title="Mine to write")
    s.commission(by=boss, title="Someone else's")
    response = login(client, writer).get(url("report-list"))
    body = text(response)
    assert has_testid(response, f"commission-{mine.pk}")
    assert "Someone else's" not in body


def test_superseded_revisions_are_shown_on_demand(client, boss):
    original = s.published_report(title="Corrected later")
    revision = services.report_revise(actor=boss, report=original, reason="A date was wrong.")
    writer = services.authors(revision)[0]
    s.publish(revision, writer, boss)
    user = reader()
    response = login(client, user).get(url("report-list"))
    assert has_testid(response, f"report-{revision.pk}")
    assert not has_testid(response, f"report-{original.pk}")
    response = client.get(url("report-list"), {"superseded": "on"})
    assert has_testid(response, f"report-{original.pk}")
    assert has_testid(response, f"superseded-{original.pk}")
    assert not has_testid(response, f"superseded-{revision.pk}")


def test_list_filters_by_country_and_year(client):
    kenya = s.published_report(title="Kenya report", iso3="KEN")
    syria = s.published_report(
        title="Syria report", iso3="SYR", period_start=date(2011, 3, 15), period_end=None
    )
    login(client, reader())
    response = client.get(url("report-list"), {"country": "SYR"})
    assert has_testid(response, f"report-{syria.pk}")
    assert not has_testid(response, f"report-{kenya.pk}")
    response = client.get(url("report-list"), {"year": "2007"})
    assert has_testid(response, f"report-{kenya.pk}")
    assert not has_testid(response, f"report-{syria.pk}")


def test_the_status_filter_picks_commissions_or_published_reports(client, boss, writer):
    published = s.published_report(title="Done")
    fresh = s.commission(by=boss, authors=[writer], title="Fresh")
    started = services.report_transition(
        actor=writer, report=s.commission(by=boss, authors=[writer]), action="start"
    )
    login(client, boss)
    drafting = client.get(url("report-list"), {"status": "drafting"})
    assert has_testid(drafting, f"commission-{started.pk}")
    assert not has_testid(drafting, f"commission-{fresh.pk}")
    assert not has_testid(drafting, f"report-{published.pk}")
    done = client.get(url("report-list"), {"status": "published"})
    assert has_testid(done, f"report-{published.pk}")
    assert not has_testid(done, f"commission-{started.pk}")


def test_a_bad_filter_answers_400_with_the_message(client):
    s.published_report(title="Kenya report")
    response = login(client, reader()).get(url("report-list"), {"year": "next", "country": "XX"})
    assert response.status_code == 400
    assert has_testid(response, "filter-errors")
    assert "Kenya report" not in text(response)


# --- Commissioning --------------------------------------------------------------------------


def commission_data(writer, **overrides):
    data = {
        "title": "Central African Republic 2013-14",
        "subject": "crisis",
        "country": "CAF",
        "period_start": "2013-03-24",
        "period_end": "2014-12-31",
        "scope_questions": "What warning was there?\nWhat worked?",
        "due_on": (committee_today() + timedelta(days=45)).isoformat(),
        "marking": "U",
        "authors": [str(writer.pk)],
    }
    data.update(overrides)
    return data


def test_the_directorate_commissions_a_report(client, boss, writer):
    country("CAF")
    login(client, boss)
    form = client.get(url("report-commission"))
    assert form.status_code == 200
    assert f'value="{writer.pk}"' in form.content.decode()  # offered as an author
    response = client.post(url("report-commission"), commission_data(writer))
    report = Report.objects.get(title="Central African Republic 2013-14")
    assert response.status_code == 302
    assert response["Location"] == url("report-detail", report.pk)
    assert report.status == S.COMMISSIONED and report.country_id == "CAF"
    assert report.year == 2013
    assert writer in get_users_with_perms(report, only_with_perms_in=["author_report"])
    assert any("commissioned" in m for m in flash(response))


def test_a_report_about_a_plan_takes_the_plans_country(client, boss, writer):
    plan = make_plan(iso3="SDN")
    data = commission_data(writer, subject="plan", country="", plan=str(plan.pk))
    data.update(period_start="", period_end="")
    response = login(client, boss).post(url("report-commission"), data)
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.plan, report.country_id) == (plan, "SDN")
    assert plan.title in report.subject_label


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"due_on": "2001-01-01"}, "due_on", "The due date is in the past."),
        ({"country": ""}, "country", "Name the country of the crisis."),
        ({"authors": []}, "authors", "This field is required."),
        ({"period_end": "2012-01-01"}, "period_end", "The period ends before it starts."),
    ],
)
def test_bad_commission_input_answers_400_and_changes_nothing(
    client, boss, writer, overrides, field, message
):
    response = login(client, boss).post(
        url("report-commission"), commission_data(writer, **overrides)
    )
    assert response.status_code == 400
    assert message in text(response)
    assert has_testid(response, "form-errors")
    assert not Report.objects.exists()


def test_a_marking_above_the_commissioners_clearance_is_not_offered(client, writer):
    boss = UserFactory(role=A.DIRECTORATE, clearance="C")
    response = login(client, boss).post(
        url("report-commission"), commission_data(writer, marking="S")
    )
    assert response.status_code == 400
    assert not Report.objects.exists()


# --- A report's page ------------------------------------------------------------------------


def test_a_reader_sees_the_published_report_with_its_lessons_audited(client):
    report = s.published_report(
        title="Kenya 2007-08",
        lessons=[
            {"statement": "Mediation by regional leaders ended the violence.",
             "countries": ["KEN"], "tools": [s.tool("Dialogue facilitation/mediation").pk]},
        ],
    )  # fmt: skip
    user = reader(role=A.RED_TEAM)
    response = login(client, user).get(url("report-detail", report.pk))
    assert response.status_code == 200
    body = text(response)
    assert "Mediation by regional leaders ended the violence." in body
    assert "Dialogue facilitation/mediation" in section(
        response, f"lesson-tags-{report.lessons.get().pk}"
    )
    assert "What happened?" in section(response, "scope-questions")
    assert not has_testid(response, "edit-text")  # a reader does not write
    assert has_testid(response, "report-pdf")  # readers export published reports
    event = audited("afteraction.report_view", report)
    assert event.actor == user and event.marking == "U"


def test_a_lesson_above_the_readers_clearance_is_absent_and_not_in_the_banner(client):
    report = s.published_report(
        lessons=[
            {"statement": "Public lesson on mediation."},
            {"statement": "Secret lesson on intercepts.", "marking": "S"},
        ]
    )
    response = login(client, reader(clearance="C")).get(url("report-detail", report.pk))
    body = text(response)
    assert "Public lesson on mediation." in body
    assert "intercepts" not in body
    assert banner(response) == "UNCLASSIFIED"
    assert audited("afteraction.report_view", report).marking == "U"
    cleared = login(client, reader(clearance="S")).get(url("report-detail", report.pk))
    assert "Secret lesson on intercepts." in text(cleared)
    assert banner(cleared) == "SECRET"
    assert audited("afteraction.report_view", report).marking == "S"


def test_a_report_not_yet_published_is_hidden_from_readers(client, boss, writer):
    report = s.commission(by=boss, authors=[writer])
    assert login(client, reader()).get(url("report-detail", report.pk)).status_code == 404
    assert login(client, writer).get(url("report-detail", report.pk)).status_code == 200
    assert login(client, boss).get(url("report-detail", report.pk)).status_code == 200


def test_a_narrative_link_points_to_the_record_only_for_who_may_see_it(client, boss):
    writer = s.directorate()
    report = s.commission(by=boss, authors=[writer], iso3="SDN")
    s.write(report, writer)
    s.lesson(report, writer)
    plan = make_plan(iso3="SDN")
    link = services.link_add(actor=writer, report=report, kind="plan", record=plan)
    s.publish(report, writer, boss)
    plan_url = f"/plans/{plan.pk}/"
    member = login(client, reader()).get(url("report-detail", report.pk))
    assert link.label in section(member, f"link-{link.pk}")
    assert plan_url not in hrefs(member)  # a member does not see a draft plan
    staff = login(client, boss).get(url("report-detail", report.pk))
    assert plan_url in hrefs(staff)


def test_the_author_team_is_managed_by_the_directorate(client, boss, writer):
    report = s.commission(by=boss, authors=[writer])
    second = s.author(role=A.ANALYST, first_name="Bo", last_name="Second")
    login(client, boss)
    page = client.get(url("report-detail", report.pk))
    assert has_testid(page, "author-form")
    response = client.post(url("author-add", report.pk), {"user": second.pk})
    assert response.status_code == 302
    assert second in services.authors(report)
    response = client.post(url("author-remove", report.pk, second.pk))
    assert response.status_code == 302
    assert second not in services.authors(report)
    # the last author stays: the refusal is shown and nothing changes
    response = client.post(url("author-remove", report.pk, writer.pk))
    assert response.status_code == 400
    assert "A report keeps at least one author." in text(response)
    assert services.authors(report) == [writer]


def test_adding_nobody_to_the_team_answers_400(client, boss, writer):
    report = s.commission(by=boss, authors=[writer])
    response = login(client, boss).post(url("author-add", report.pk), {"user": ""})
    assert response.status_code == 400
    assert "Nobody was added to the team." in flash(response)
    assert services.authors(report) == [writer]


# --- Writing --------------------------------------------------------------------------------


def edit_data(report: Report, **overrides) -> dict:
    data = {
        "summary": "What happened, in short.",
        "narrative": "The narrative.",
        "findings": "The findings.",
        "marking": report.marking,
        "version": report.version,
    }
    data.update(overrides)
    return data


def test_an_author_writes_the_report(client, boss, writer):
    report = s.commission(by=boss, authors=[writer])
    login(client, writer)
    page = client.get(url("report-edit", report.pk))
    assert page.status_code == 200
    assert f'name="version" value="{report.version}"' in page.content.decode()
    response = client.post(url("report-edit", report.pk), edit_data(report))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.summary == "What happened, in short." and report.version == 1


def test_a_stale_save_answers_409_with_both_texts_and_loses_nothing(client, boss, writer):
    """Two authors write at once: the second save is refused with their text beside the
    newer one (CONVENTIONS: services raise Conflict on a stale version)."""
    colleague = s.author()
    report = s.commission(by=boss, authors=[writer, colleague])
    opened = report.version
    s.write(report, colleague, summary="Their summary.", narrative="Their narrative.")
    response = login(client, writer).post(
        url("report-edit", report.pk),
        edit_data(report, version=opened, summary="My summary.", narrative="Their narrative."),
    )
    assert response.status_code == 409
    assert "Their summary." in section(response, "theirs-summary")
    assert "My summary." in section(response, "yours-summary")
    assert "differs" in section(response, "conflict-summary")
    assert "differs" not in section(response, "conflict-narrative")
    latest = Report.objects.get(pk=report.pk)
    assert latest.summary == "Their summary."  # nothing of theirs overwritten
    # the form now holds their text and version, so the next save goes through
    assert f'name="version" value="{latest.version}"' in response.content.decode()
    again = client.post(
        url("report-edit", report.pk),
        edit_data(latest, summary="Their summary. My summary."),
    )
    assert again.status_code == 302
    assert Report.objects.get(pk=report.pk).summary == "Their summary. My summary."


def test_a_published_report_is_never_written(client, boss):
    report = s.published_report()
    writer = services.authors(report)[0]
    login(client, writer)
    page = client.get(url("report-edit", report.pk))
    assert page.status_code == 200
    assert has_testid(page, "not-editable") and not has_testid(page, "report-form")
    response = client.post(url("report-edit", report.pk), edit_data(report, summary="Changed."))
    assert response.status_code == 409
    assert Report.objects.get(pk=report.pk).summary == "Summary."


def test_bad_report_input_answers_400_and_changes_nothing(client, boss, writer):
    report = s.commission(by=boss, authors=[writer])
    response = login(client, writer).post(
        url("report-edit", report.pk), edit_data(report, marking="TOP", summary="Changed.")
    )
    assert response.status_code == 400
    assert Report.objects.get(pk=report.pk).summary == ""


def test_the_directorate_changes_the_commission(client, boss, writer):
    report = s.commission(by=boss, authors=[writer])
    due = committee_today() + timedelta(days=90)
    login(client, boss)
    response = client.post(
        url("commission-edit", report.pk),
        {"title": "Renamed", "scope_questions": "One question?", "due_on": due.isoformat()},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.title, report.due_on) == ("Renamed", due)
    bad = client.post(url("commission-edit", report.pk), {"title": "", "due_on": "soon"})
    assert bad.status_code == 400
    assert Report.objects.get(pk=report.pk).title == "Renamed"


# --- The life cycle -------------------------------------------------------------------------


def test_the_author_cannot_submit_an_incomplete_report(client, boss, writer):
    report = s.commission(by=boss, authors=[writer])
    report = services.report_transition(actor=writer, report=report, action="start")
    login(client, writer)
    page = client.get(url("report-detail", report.pk))
    assert has_testid(page, "action-submit")
    response = client.post(url("report-transition", report.pk), {"action": "submit"})
    assert response.status_code == 400
    assert "needs a summary" in text(response)
    assert Report.objects.get(pk=report.pk).status == S.DRAFTING


def test_the_directorate_returns_with_a_reason_and_publishes(client, boss, writer):
    report = in_review(writer, boss)
    login(client, boss)
    page = client.get(url("report-detail", report.pk))
    assert has_testid(page, "action-publish") and has_testid(page, "action-return")
    response = client.post(url("report-transition", report.pk), {"action": "return"})
    assert response.status_code == 400
    assert "Say why." in text(response)
    assert Report.objects.get(pk=report.pk).status == S.IN_REVIEW
    response = client.post(url("report-transition", report.pk), {"action": "publish"})
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).status == S.PUBLISHED
    assert "Published" in text(client.get(url("report-detail", report.pk)))


def test_a_step_the_state_no_longer_allows_answers_409(client, boss):
    report = s.published_report()
    response = login(client, boss).post(
        url("report-transition", report.pk), {"action": "withdraw", "comment": "Why not."}
    )
    assert response.status_code == 409
    assert Report.objects.get(pk=report.pk).status == S.PUBLISHED


def test_a_revision_corrects_the_published_report_and_both_stay_readable(client, boss):
    original = s.published_report(title="The crisis")
    login(client, boss)
    page = client.get(url("report-detail", original.pk))
    assert has_testid(page, "revise-form")
    missing = client.post(url("report-revise", original.pk), {"reason": ""})
    assert missing.status_code == 400
    assert not Report.objects.filter(supersedes=original).exists()
    response = client.post(url("report-revise", original.pk), {"reason": "A date was wrong."})
    revision = Report.objects.get(supersedes=original)
    assert response.status_code == 302
    assert response["Location"] == url("report-detail", revision.pk)
    assert revision.revision == 2 and revision.status == S.DRAFTING
    # while drafted: the original says a correction is on its way, no second revision offered
    page = client.get(url("report-detail", original.pk))
    assert has_testid(page, "revision-in-progress") and not has_testid(page, "revise-form")
    s.publish(revision, services.authors(revision)[0], boss)
    user = reader()
    old = login(client, user).get(url("report-detail", original.pk))
    new = client.get(url("report-detail", revision.pk))
    assert old.status_code == new.status_code == 200
    assert "superseded by revision 2" in section(old, "superseded-by")
    assert "corrects revision 1" in section(new, "corrects")
    assert Report.objects.get(pk=original.pk).status == S.PUBLISHED  # kept as it was


def test_the_pdf_is_an_audited_marked_attachment(client):
    report = s.published_report(
        lessons=[{"statement": "Open lesson."}, {"statement": "Closed lesson.", "marking": "C"}]
    )
    user = reader(clearance="C")
    response = login(client, user).get(url("report-pdf", report.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-APC-Classification"] == "CONFIDENTIAL"
    assert response.content.startswith(b"%PDF")
    event = audited("afteraction.report_export", report)
    assert event.actor == user and event.marking == "C"
    # a reader below the lesson's marking gets a PDF without it, marked lower
    low = login(client, reader(clearance="U")).get(url("report-pdf", report.pk))
    assert low["X-APC-Classification"] == "UNCLASSIFIED"


def test_lessons_keep_their_order_and_count_on_the_page(client):
    report = s.published_report(lessons=[{"statement": f"Lesson number {i}."} for i in range(1, 4)])
    body = text(login(client, reader()).get(url("report-detail", report.pk)))
    positions = [body.index(f"Lesson number {i}.") for i in range(1, 4)]
    assert positions == sorted(positions)
    assert Lesson.objects.filter(report=report).count() == 3
