"""The after-action repository over REST: reports and lessons, read-only.

Source: issue 7, "API": "`GET /api/v1/afteraction/reports/` and `/<id>/`, `GET
/api/v1/lessons/?q=...&country=&tool=&strategy=&outcome=` with highlights; the same policy and
clearance rules as the pages"; "Search: ranking puts the better match first on a prepared set;
facets count correctly; a lesson above the user's clearance never appears in results, counts or
highlights"; "Permanence: no path edits or deletes a published report (service, API, ...)";
"a correction is a new revision that supersedes it, and both stay readable". Seeds/000, "Crisis
Response Structure and Process": the directorate commissions "after action" reports; "a
permanent and accessible repository" is kept.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from afteraction import services
from afteraction.models import Lesson, Report
from apc.core import roles
from apc.models import Agency, AuditEvent
from tests.afteraction import support as s
from tests.factories import UserFactory
from tests.plans.support import make_plan
from watchlist.models import Country

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/afteraction/reports/"
LESSONS = "/api/v1/lessons/"
HEADER = "X-APC-Classification"


def as_user(client, role=roles.MEMBER, **kwargs):
    user = UserFactory(role=role, **kwargs)
    client.force_login(user)
    return user


def ok(response):
    assert response.status_code == 200, response.content[:500]
    return response.json()


def ids(response) -> list[int]:
    return [row["id"] for row in ok(response)["results"]]


def bad(response) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    assert body["detail"]
    return body["errors"]


def revised(report: Report, *, summary: str = "Corrected summary.") -> Report:
    """Publish a correction of `report` (a new revision by the same author team)."""
    boss = s.directorate()
    revision = services.report_revise(actor=boss, report=report, reason="A date was wrong.")
    writer = services.authors(revision)[0]
    s.write(revision, writer, summary=summary)
    return s.publish(revision, writer, boss)


# --- the reports list -----------------------------------------------------------------------


def test_the_reports_list_shows_published_reports_with_the_contract_fields(client):
    report = s.published_report(title="Kenya 2007-08: the post-election violence")
    as_user(client)
    response = client.get(REPORTS)
    body = ok(response)
    assert body["count"] == 1
    row = body["results"][0]
    assert list(row) == [
        "id",
        "uid",
        "series",
        "revision",
        "title",
        "status",
        "subject",
        "subject_label",
        "country",
        "period_start",
        "period_end",
        "year",
        "marking",
        "authors_display",
        "published_at",
        "is_superseded",
        "url",
        "pdf_url",
        "rank",
        "highlights",
    ]
    assert (row["id"], row["status"], row["subject"], row["country"], row["year"]) == (
        report.pk,
        "published",
        "crisis",
        "KEN",
        2007,
    )
    assert row["authors_display"] == report.authors_display != ""
    assert row["url"] == f"http://testserver/afteraction/reports/{report.pk}/"
    assert row["pdf_url"] == f"http://testserver/afteraction/reports/{report.pk}/export.pdf"
    assert (row["rank"], row["highlights"], row["is_superseded"]) == (None, {}, False)
    assert response[HEADER] == "UNCLASSIFIED"
    assert AuditEvent.objects.filter(action="afteraction.report_list").count() == 1


def test_unpublished_reports_are_listed_for_the_directorate_and_their_authors_only(client):
    """Seeds/000: the directorate commissions the reports; the author team writes one."""
    published = s.published_report()
    writer = s.author()
    draft = s.commission(authors=[writer], title="Still being written")
    as_user(client, roles.MEMBER)
    assert ids(client.get(REPORTS)) == [published.pk]
    assert client.get(f"{REPORTS}{draft.pk}/").status_code == 404
    client.force_login(writer)
    assert sorted(ids(client.get(REPORTS))) == sorted([published.pk, draft.pk])
    assert ok(client.get(f"{REPORTS}{draft.pk}/"))["status"] == "commissioned"
    as_user(client, roles.DIRECTORATE)
    assert ids(client.get(REPORTS, {"status": "commissioned"})) == [draft.pk]
    assert ids(client.get(REPORTS, {"status": "published"})) == [published.pk]


def test_a_superseded_revision_is_listed_on_request_and_both_stay_readable(client):
    """Issue 7: "a correction is a new revision that supersedes it, and both stay readable"."""
    original = s.published_report(title="CAR 2013-14")
    revision = revised(original)
    as_user(client, roles.ANALYST)
    assert ids(client.get(REPORTS)) == [revision.pk]
    listed = ok(client.get(REPORTS, {"include_superseded": "1"}))["results"]
    assert {r["id"]: r["is_superseded"] for r in listed} == {
        original.pk: True,
        revision.pk: False,
    }
    old = ok(client.get(f"{REPORTS}{original.pk}/"))
    assert (old["supersedes"], old["superseded_by"], old["is_superseded"]) == (
        None,
        [revision.pk],
        True,
    )
    new = ok(client.get(f"{REPORTS}{revision.pk}/"))
    assert (new["supersedes"], new["superseded_by"], new["revision"]) == (original.pk, [], 2)
    assert [(r["id"], r["revision"]) for r in new["revisions"]] == [
        (original.pk, 1),
        (revision.pk, 2),
    ]
    assert new["summary"] == "Corrected summary."
    assert old["summary"] == "Summary."


def test_an_unpublished_revision_does_not_supersede_yet(client):
    original = s.published_report()
    boss = s.directorate()
    draft = services.report_revise(actor=boss, report=original, reason="A date was wrong.")
    as_user(client, roles.MEMBER)
    old = ok(client.get(f"{REPORTS}{original.pk}/"))
    assert (old["superseded_by"], [r["id"] for r in old["revisions"]]) == ([], [original.pk])
    client.force_login(boss)
    old = ok(client.get(f"{REPORTS}{original.pk}/"))
    assert old["superseded_by"] == []
    assert [r["id"] for r in old["revisions"]] == [original.pk, draft.pk]
    assert ok(client.get(f"{REPORTS}{draft.pk}/"))["supersedes"] == original.pk


def test_the_reports_list_filters_by_status_subject_country_region_and_year(client):
    kenya = s.published_report(iso3="KEN", title="Kenya")
    syria = s.published_report(
        iso3="SYR", title="Syria", period_start=date(2011, 3, 15), period_end=None
    )
    as_user(client, roles.CO_CHAIR)
    assert ids(client.get(REPORTS, {"country": "syr"})) == [syria.pk]
    assert ids(client.get(REPORTS, {"year": "2007"})) == [kenya.pk]
    assert ids(client.get(REPORTS, {"subject": "crisis", "country": "KEN"})) == [kenya.pk]
    region = Country.objects.get(pk="KEN").region
    assert ids(client.get(REPORTS, {"region": region})) == [kenya.pk]
    assert ids(client.get(REPORTS, {"subject": "exercise"})) == []
    assert ids(client.get(REPORTS, {"status": "drafting"})) == []
    # newest subject first
    assert ids(client.get(REPORTS)) == [syria.pk, kenya.pk]


def test_bad_filter_values_answer_400_naming_each(client):
    as_user(client, roles.DIRECTORATE)
    errors = bad(
        client.get(
            REPORTS,
            {"country": "XXX", "year": "last", "status": "lost", "subject": "war"},
        )
    )
    assert errors == {
        "country": ["Unknown country: 'XXX'."],
        "year": ["Unknown year: 'last'."],
        "subject": ["Unknown subject: 'war'."],
        "status": [
            "Unknown status: 'lost' (one of commissioned, drafting, in_review, published, "
            "withdrawn)."
        ],
    }
    assert bad(client.get(REPORTS, {"include_superseded": "maybe"})) == {
        "include_superseded": ["Give 1 or 0 for include_superseded, not 'maybe'."]
    }
    assert (
        "published reports only"
        in bad(client.get(REPORTS, {"q": "x", "status": "drafting"}))["status"][0]
    )
    errors = bad(
        client.get(
            LESSONS,
            {"tool": "hammer", "outcome": "great", "strategy": "x", "target_group": "y"},
        )
    )
    assert errors == {
        "tool": ["Unknown tool: 'hammer'."],
        "strategy": ["Unknown strategy: 'x'."],
        "target_group": ["Unknown target group: 'y'."],
        "outcome": ["Unknown outcome: 'great'."],
    }
    assert "q" in bad(client.get(LESSONS, {"q": "x" * 201}))
    # every bad value is named at once
    assert set(bad(client.get(LESSONS, {"include_superseded": "2", "country": "XXX"}))) == {
        "include_superseded",
        "country",
    }
    assert set(bad(client.get(REPORTS, {"q": "x", "year": "x", "status": "drafting"}))) == {
        "year",
        "status",
    }


def test_searching_reports_ranks_the_better_match_first_with_highlights(client):
    """Issue 7: "ranking puts the better match first on a prepared set"."""
    in_title = s.published_report(title="Mediation in Kenya", iso3="KEN")
    writer = s.author()
    in_narrative = s.commission(authors=[writer], title="The Syrian crisis", iso3="SYR")
    s.write(in_narrative, writer, narrative="Arab League mediation was tried and failed.")
    s.lesson(in_narrative, writer)
    in_narrative = s.publish(in_narrative, writer)
    s.published_report(title="Unrelated", iso3="COD")
    as_user(client, roles.PRINCIPALS)
    body = ok(client.get(REPORTS, {"q": "mediation"}))
    assert [r["id"] for r in body["results"]] == [in_title.pk, in_narrative.pk]
    assert body["count"] == body["total"] == 2
    assert body["query"] == "mediation"
    first, second = body["results"]
    assert first["rank"] > second["rank"] > 0
    assert "<mark>" in first["highlights"]["title"]
    assert "<mark>" in second["highlights"]["narrative"]
    assert "title" not in second["highlights"]
    assert ids(client.get(REPORTS, {"q": "mediation", "country": "SYR"})) == [in_narrative.pk]
    assert ids(client.get(REPORTS, {"q": "mediation", "status": "published"})) == [
        in_title.pk,
        in_narrative.pk,
    ]


# --- the report detail ----------------------------------------------------------------------


def test_the_report_detail_holds_lessons_links_events_and_the_pdf_route(client):
    writer = s.author(roles.DIRECTORATE)
    report = s.commission(authors=[writer], title="Kenya 2007-08")
    s.write(report, writer)
    lesson = s.lesson(
        report,
        writer,
        "Mediation by regional leaders ended the violence.",
        countries=["KEN"],
        tools=[s.tool("Mediation").pk],
        strategies=[s.strategy("dissuade").pk],
        target_groups=[s.group("decision_makers").pk],
        stages=[s.stage("acute").pk],
        agencies=[Agency.objects.get(code="state").pk],
    )
    plan = make_plan(iso3="KEN")
    services.link_add(actor=writer, report=report, kind="plan", record=plan)
    report = s.publish(report, writer)
    as_user(client, roles.RED_TEAM)
    response = client.get(f"{REPORTS}{report.pk}/")
    body = ok(response)
    assert body["title"] == "Kenya 2007-08"
    assert body["country_name"] == "Kenya"
    assert body["authors_display"] == services.display_name(writer)
    assert body["pdf_url"] == f"http://testserver/afteraction/reports/{report.pk}/export.pdf"
    assert [e["action"] for e in body["events"]] == ["commission", "start", "submit", "publish"]
    # the red team is not on the plan: the link's label, but not the plan's id
    assert [(link["kind"], link["target"]) for link in body["links"]] == [("plan", None)]
    (row,) = body["lessons"]
    assert row["id"] == lesson.pk
    assert row["statement"] == "Mediation by regional leaders ended the violence."
    assert row["countries"] == ["KEN"]
    assert row["tools"] == [{"id": s.tool("Mediation").pk, "name": s.tool("Mediation").name}]
    assert (row["strategies"], row["target_groups"], row["stages"], row["agencies"]) == (
        ["dissuade"],
        ["decision_makers"],
        ["acute"],
        ["state"],
    )
    assert row["url"] == f"http://testserver/afteraction/lessons/{lesson.pk}/"
    event = AuditEvent.objects.get(action="afteraction.report_view")
    assert (event.object_id, event.marking, event.outcome) == (str(report.pk), "U", "allowed")


def test_an_invisible_or_unknown_report_answers_404(client):
    secret = s.published_report(marking="C", title="A confidential report")
    as_user(client, roles.MEMBER, clearance="CUI")
    assert client.get(f"{REPORTS}{secret.pk}/").status_code == 404
    assert client.get(f"{REPORTS}987654321/").status_code == 404
    assert client.get(f"{REPORTS}abc/").status_code == 404
    assert ids(client.get(REPORTS)) == []
    assert ids(client.get(REPORTS, {"q": "confidential"})) == []
    # the refusal of an existing report is in the audit trail
    assert AuditEvent.objects.filter(outcome="denied", object_id=str(secret.pk)).exists()


def test_the_auditor_and_service_accounts_see_nothing_of_the_repository(client):
    report = s.published_report()
    lesson = Lesson.objects.get(report=report)
    for role in (roles.AUDITOR, roles.API_CLIENT):
        as_user(client, role)
        assert client.get(REPORTS).status_code == 403
        assert client.get(LESSONS).status_code == 403
        assert client.get(f"{REPORTS}{report.pk}/").status_code == 404
        assert client.get(f"{LESSONS}{lesson.pk}/").status_code == 404


# --- clearance ------------------------------------------------------------------------------


@pytest.fixture
def mixed_report():
    """An UNCLASSIFIED report on Kenya with an UNCLASSIFIED and a CONFIDENTIAL lesson, both
    about mediation, tagged apart (tool, strategy, outcome, country)."""
    writer = s.author()
    report = s.commission(authors=[writer], title="Kenya 2007-08")
    s.write(report, writer)
    public = s.lesson(
        report,
        writer,
        "Mediation by regional leaders ended the violence.",
        tools=[s.tool("Arms Embargoes").pk],
        strategies=[s.strategy("dissuade").pk],
        outcome=Lesson.Outcome.WORKED,
    )
    secret = s.lesson(
        report,
        writer,
        "Covert mediation through an intelligence liaison kept a channel open.",
        recommendation="Keep the liaison.",
        tools=[s.tool("Naming and Shaming").pk],
        strategies=[s.strategy("degrade").pk],
        countries=["SDN"],
        outcome=Lesson.Outcome.MIXED,
        marking="C",
    )
    return s.publish(report, writer), public, secret


def test_a_lesson_above_the_callers_clearance_is_in_no_result_count_facet_or_highlight(
    client, mixed_report
):
    """Issue 7: "a lesson above the user's clearance never appears in results, counts or
    highlights"."""
    report, public, secret = mixed_report
    as_user(client, roles.MEMBER, clearance="CUI")
    response = client.get(LESSONS, {"q": "mediation"})
    body = ok(response)
    assert [r["id"] for r in body["results"]] == [public.pk]
    assert body["total"] == body["count"] == 1
    facets = body["facets"]
    assert [(v["key"], v["count"]) for v in facets["tool"]] == [
        (str(s.tool("Arms Embargoes").pk), 1)
    ]
    assert [(v["key"], v["count"]) for v in facets["strategy"]] == [("dissuade", 1)]
    assert [(v["key"], v["count"]) for v in facets["outcome"]] == [("worked", 1)]
    assert [(v["key"], v["count"]) for v in facets["country"]] == [("KEN", 1)]
    text = response.content.decode()
    for word in ("Covert", "liaison", "Naming and Shaming", "SDN", "degrade"):
        assert word not in text
    assert response[HEADER] == "UNCLASSIFIED"
    assert ok(client.get(LESSONS))["total"] == 1
    assert ok(client.get(LESSONS, {"q": "liaison"}))["total"] == 0
    assert ok(client.get(LESSONS, {"strategy": "degrade"}))["total"] == 0
    assert client.get(f"{LESSONS}{secret.pk}/").status_code == 404
    detail = client.get(f"{REPORTS}{report.pk}/")
    assert [row["id"] for row in ok(detail)["lessons"]] == [public.pk]
    assert "liaison" not in detail.content.decode()
    assert detail[HEADER] == "UNCLASSIFIED"


def test_a_cleared_reader_sees_both_lessons_and_the_header_says_so(client, mixed_report):
    report, public, secret = mixed_report
    as_user(client, roles.MEMBER, clearance="S")
    response = client.get(LESSONS, {"q": "mediation"})
    assert sorted(ids(response)) == sorted([public.pk, secret.pk])
    assert response[HEADER] == "CONFIDENTIAL"
    facets = ok(response)["facets"]
    assert {v["key"]: v["count"] for v in facets["strategy"]} == {"dissuade": 1, "degrade": 1}
    # a lesson counts under its tags and its report's country (Kenya), as the filter reads it
    assert {v["key"]: v["count"] for v in facets["country"]} == {"KEN": 2, "SDN": 1}
    detail = client.get(f"{REPORTS}{report.pk}/")
    assert [row["id"] for row in ok(detail)["lessons"]] == [public.pk, secret.pk]
    assert detail[HEADER] == "CONFIDENTIAL"
    one = client.get(f"{LESSONS}{secret.pk}/")
    assert ok(one)["marking"] == "C"
    assert one[HEADER] == "CONFIDENTIAL"
    event = AuditEvent.objects.get(action="afteraction.lesson_view")
    assert (event.object_id, event.marking) == (str(secret.pk), "C")
    assert AuditEvent.objects.get(action="afteraction.report_view").marking == "C"
    assert AuditEvent.objects.get(action="afteraction.lesson_search").marking == "C"


# --- the lessons search ---------------------------------------------------------------------


def test_lesson_search_ranks_the_better_match_first(client):
    """Issue 7: "ranking puts the better match first on a prepared set" (a match in the
    statement weighs more than one in the evidence)."""
    writer = s.author()
    report = s.commission(authors=[writer])
    s.write(report, writer)
    weak = s.lesson(
        report,
        writer,
        "Sanctions came too late.",
        recommendation="Prepare them earlier.",
        evidence="An embargo was discussed during the mediation.",
    )
    strong = s.lesson(
        report,
        writer,
        "Mediation by regional leaders ended the violence.",
        recommendation="Back African Union mediation early.",
    )
    s.lesson(report, writer, "Unrelated.", recommendation="Nothing.")
    s.publish(report, writer)
    as_user(client, roles.DEPUTIES)
    body = ok(client.get(LESSONS, {"q": "mediation"}))
    assert [r["id"] for r in body["results"]] == [strong.pk, weak.pk]
    assert body["results"][0]["rank"] > body["results"][1]["rank"] > 0
    assert set(body["results"][0]["highlights"]) == {"statement", "recommendation"}
    assert "<mark>" in body["results"][0]["highlights"]["statement"]
    assert set(body["results"][1]["highlights"]) == {"evidence"}
    assert body["query"] == "mediation"


def test_lesson_hits_carry_tags_report_and_highlights_and_filter_by_each_facet(client):
    writer = s.author()
    report = s.commission(authors=[writer], title="Kenya 2007-08")
    s.write(report, writer)
    mediation = s.lesson(
        report,
        writer,
        "Mediation by regional leaders ended the violence.",
        countries=["KEN"],
        tools=[s.tool("Mediation").pk],
        strategies=[s.strategy("dissuade").pk],
        target_groups=[s.group("decision_makers").pk],
        stages=[s.stage("acute").pk],
        agencies=[Agency.objects.get(code="state").pk],
    )
    embargo = s.lesson(
        report,
        writer,
        "The arms embargo came too late.",
        countries=["SDN"],
        tools=[s.tool("Arms Embargoes").pk],
        strategies=[s.strategy("degrade").pk],
        target_groups=[s.group("perpetrators").pk],
        outcome=Lesson.Outcome.DID_NOT_WORK,
    )
    report = s.publish(report, writer)
    as_user(client, roles.MEMBER)
    body = ok(client.get(LESSONS, {"q": "violence"}))
    (hit,) = body["results"]
    assert hit["id"] == mediation.pk
    assert hit["report"]["id"] == report.pk
    assert (hit["report"]["title"], hit["report"]["year"]) == ("Kenya 2007-08", 2007)
    assert hit["countries"] == ["KEN"]
    assert hit["tools"] == [{"id": s.tool("Mediation").pk, "name": s.tool("Mediation").name}]
    assert (hit["strategies"], hit["target_groups"], hit["stages"], hit["agencies"]) == (
        ["dissuade"],
        ["decision_makers"],
        ["acute"],
        ["state"],
    )
    assert hit["highlights"]["statement"].startswith(
        "Mediation by regional leaders ended the <mark>violence</mark>"
    )
    assert set(body["facets"]) == {
        "country",
        "region",
        "tool",
        "strategy",
        "target_group",
        "outcome",
        "year",
    }
    assert body["facets"]["year"] == [
        {"key": "2007", "label": "2007", "count": 1, "selected": False}
    ]
    assert ids(client.get(LESSONS, {"country": "sdn"})) == [embargo.pk]
    assert ids(client.get(LESSONS, {"tool": s.tool("Mediation").pk})) == [mediation.pk]
    assert ids(client.get(LESSONS, {"strategy": "degrade"})) == [embargo.pk]
    assert ids(client.get(LESSONS, {"target_group": "decision_makers"})) == [mediation.pk]
    assert ids(client.get(LESSONS, {"outcome": "did_not_work"})) == [embargo.pk]
    assert ids(client.get(LESSONS, {"stage": "acute"})) == [mediation.pk]
    region = Country.objects.get(pk="SDN").region
    assert embargo.pk in ids(client.get(LESSONS, {"region": region}))
    assert ids(client.get(LESSONS, {"year": "2007"})) == [mediation.pk, embargo.pk]
    assert ids(client.get(LESSONS, {"year": "2011"})) == []
    selected = ok(client.get(LESSONS, {"strategy": "degrade"}))["facets"]["strategy"]
    assert selected == [
        {"key": "degrade", "label": s.strategy("degrade").name, "count": 1, "selected": True}
    ]


def test_lesson_search_leaves_out_corrected_revisions_unless_asked(client):
    original = s.published_report(lessons=[{"statement": "Mediation ended the violence."}])
    revision = revised(original)
    as_user(client, roles.MEMBER)
    (current,) = ok(client.get(LESSONS, {"q": "mediation"}))["results"]
    assert current["report"]["id"] == revision.pk
    everything = ok(client.get(LESSONS, {"q": "mediation", "include_superseded": "1"}))
    assert sorted(r["report"]["id"] for r in everything["results"]) == sorted(
        [original.pk, revision.pk]
    )
    # the lesson of the corrected revision stays readable on its own
    old = Lesson.objects.get(report=original)
    assert ok(client.get(f"{LESSONS}{old.pk}/"))["report"]["id"] == original.pk
    assert ok(client.get(f"{LESSONS}{current['id']}/"))["previous"] == old.pk


def test_lesson_search_pages_like_the_other_lists(client):
    writer = s.author()
    report = s.commission(authors=[writer])
    s.write(report, writer)
    s.lesson(report, writer, "Mediation lesson 0.")
    # the rest straight to the table: a test of paging, not of how lessons are added
    Lesson.objects.bulk_create(
        Lesson(
            report=report,
            position=i,
            statement=f"Mediation lesson {i}.",
            recommendation="Engage early.",
        )
        for i in range(1, 52)
    )
    s.publish(report, writer)
    as_user(client, roles.MEMBER)
    first = ok(client.get(LESSONS, {"q": "mediation"}))
    assert (first["count"], len(first["results"]), first["previous"]) == (52, 50, None)
    assert first["next"] == "http://testserver/api/v1/lessons/?page=2&q=mediation"
    second = ok(client.get(first["next"]))
    assert len(second["results"]) == 2
    assert second["next"] is None
    assert second["previous"] == "http://testserver/api/v1/lessons/?q=mediation"
    seen = {r["id"] for r in first["results"]} | {r["id"] for r in second["results"]}
    assert len(seen) == 52
    assert client.get(LESSONS, {"q": "mediation", "page": "3"}).status_code == 404
    assert client.get(LESSONS, {"page": "zero"}).status_code == 404
    assert ok(client.get(REPORTS, {"q": "crisis"}))["next"] is None


def test_a_lesson_of_an_unpublished_report_is_for_its_authors_and_the_directorate(client):
    writer = s.author()
    report = s.commission(authors=[writer])
    lesson = s.lesson(report, writer)
    as_user(client, roles.MEMBER)
    assert client.get(f"{LESSONS}{lesson.pk}/").status_code == 404
    client.force_login(writer)
    assert ok(client.get(f"{LESSONS}{lesson.pk}/"))["report"]["status"] == "commissioned"
    # the search covers published reports only
    assert ok(client.get(LESSONS))["total"] == 0


# --- nothing is written ---------------------------------------------------------------------


def test_no_write_through_the_api_changes_or_deletes_a_published_report(client):
    """Issue 7: "A published report never changes and is never deleted, by anyone, through any
    path (UI, API, admin ...)"; "no path edits or deletes a published report (service, API,
    ...)"."""
    report = s.published_report(title="Kenya 2007-08")
    lesson = Lesson.objects.get(report=report)
    before = Report.objects.filter(pk=report.pk).values().get()
    body = json.dumps({"title": "Rewritten", "status": "drafting", "statement": "Rewritten."})
    for role in (roles.DIRECTORATE, roles.CO_CHAIR, roles.MEMBER):
        as_user(client, role)
        for url in (f"{REPORTS}{report.pk}/", f"{LESSONS}{lesson.pk}/"):
            for method in ("put", "patch", "delete"):
                response = getattr(client, method)(url, body, content_type="application/json")
                assert response.status_code == 405, (role, url, method)
        for url in (REPORTS, LESSONS):
            assert client.post(url, body, content_type="application/json").status_code == 405
    as_user(client, roles.API_CLIENT)
    assert client.delete(f"{REPORTS}{report.pk}/").status_code == 403
    assert Report.objects.filter(pk=report.pk).values().get() == before
    lesson.refresh_from_db()
    assert lesson.statement == "Early diplomacy worked."


def test_the_schema_describes_the_after_action_api(client):
    as_user(client, roles.MEMBER)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/afteraction/reports/",
        "/api/v1/afteraction/reports/{id}/",
        "/api/v1/lessons/",
        "/api/v1/lessons/{id}/",
    ):
        assert set(paths[path]) == {"get"}, path
    params = {p["name"] for p in paths["/api/v1/lessons/"]["get"]["parameters"]}
    assert {"q", "country", "tool", "strategy", "outcome", "page"} <= params
    assert "facets" in json.dumps(schema["components"]["schemas"]["LessonSearchPage"])
