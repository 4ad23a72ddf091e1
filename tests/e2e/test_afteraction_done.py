"""Issue 7, "Done when", in one browser run: "A report commissioned after a crisis is published with
tagged lessons, is found by search, shows up while the next plan for a similar situation is
drafted, survives any attempt to change it, and travels to a fresh installation through the
archive".

The directorate lead commissions a report on the crisis in the Central African Republic; a USAID
member of the committee writes it with two tagged lessons and submits it; the directorate
publishes it. Search finds it; the DR Congo prevention plan being drafted (same region, Middle
Africa, with an option using a peace operation, as one of the lessons does) shows both lessons
on its panel. Then every path tries to change the published report: its edit URL and forms (the
author's own session: refused), a raw SQL UPDATE and DELETE (the database's triggers refuse
them), the API's PATCH, PUT and DELETE (405), the admin's change and delete (403, for the
administrator too). The correction goes the one way the product allows: the directorate starts a
revision in the browser, the author corrects the findings, the directorate publishes it; both
revisions stay readable. Finally `manage.py export_repository`
writes the archive from this database and `manage.py import_repository` loads it into a freshly
migrated installation on the embedded default (SQLite), where the report, its revision and
lessons (with their tags) are found, and still refuse to change.

The fresh installation is migrated in the background while the browser works (a subprocess,
started first, at a lower priority). Every page visited goes through the `app` harness
(axe-checked, CSP enforced). Source: seeds/000_588810f2139c9d78.txt, "Crisis Response Structure
and Process" (after-action reports, lessons "taken into account in future crises and policy
planning", "a permanent and accessible repository ... made available to succeeding
administrations"); "Readiness to Meet the Challenge" (knowledge of past operations not retained).
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction
from playwright.sync_api import expect

from afteraction.models import Report
from apc.demo import DEMO_PASSWORD
from apc.meetings.dates import committee_today
from apc.models import Agency
from plans import services as plan_services
from plans.models import EscalationStage, Plan, TargetGroup, Tool
from tests.e2e.test_afteraction import (
    PROTECT,
    LessonSpec,
    ReportSpec,
    commission,
    facet,
    flash,
    hit,
    open_plan,
    open_report,
    panel_lesson,
    publish,
    refused_to_edit,
    result_count,
    search,
    seed_without_repository,
    status_of,
    write_and_submit,
    write_text,
)
from tests.e2e.test_plans import check_of
from tests.processes import ROOT, clean_env, manage, worker_env

AUTHOR = "member.usaid"  # Ines Moreau, USAID (a committee member, cleared CUI)
AUTHOR_NAME = "Ines Moreau"
PERMANENCE = "belongs to a published after-action report"
NEVER_CHANGES = "The report is published: it never changes."

PROTECTION = LessonSpec(
    statement="Peacekeepers guarding the displacement sites protected civilians where they "
    "patrolled day and night; sites patrolled only by day were attacked at night.",
    recommendation="Fund continuous patrols of every displacement site before reinforcing "
    "any other task of the peace operation.",
    evidence="Reports of the sites in the capital during the months of reprisals.",
    outcome="Mixed",
    tools=("Peace Operations",),
    strategies=(PROTECT,),
    target_groups=("Victims",),
)
WARNINGS = LessonSpec(
    statement="Naming the militia leaders publicly, with the regional organisation, preceded "
    "the first ceasefire talks.",
    recommendation="Coordinate public condemnation with the regional organisation and follow "
    "it with travel bans.",
    evidence="Joint statements preceded the talks by a month.",
    outcome="Worked",
    tools=("Naming/shaming", "Travel bans"),
    strategies=("Dissuade potential perpetrators from committing atrocities",),
    target_groups=("Decision makers",),
)
CORRECTED_FINDINGS = (
    "Protection held where patrols were continuous. Correction: the ceasefire talks followed "
    "the joint statements by a month, not a week."
)


def car_report() -> ReportSpec:
    today = committee_today()
    return ReportSpec(
        title="Central African Republic: protecting the displacement sites",
        country="Central African Republic",
        period=(today - timedelta(days=700), today - timedelta(days=400)),
        scope="Did the peace operation protect the displacement sites?\nWhat moved the "
        "militia leaders to talk?",
        summary="Reprisal killings drove tens of thousands into displacement sites; the peace "
        "operation and the region's diplomacy answered.",
        narrative="The militias attacked neighbourhoods of the capital; the displaced gathered "
        "in sites guarded by peacekeepers.",
        findings="Protection held where patrols were continuous. The ceasefire talks followed "
        "the joint statements by a week.",
        lessons=(PROTECTION, WARNINGS),
    )


# --- The fresh installation, migrated in the background --------------------------------------


@dataclass
class Installation:
    db: Path
    env: dict[str, str]
    migrate: subprocess.Popen
    log: Path

    def ready(self) -> None:
        """Wait for the migration started with the test."""
        code = self.migrate.wait(timeout=300)
        assert code == 0, self.log.read_text()[-3000:]

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return manage(*args, env=self.env, timeout=300)


@pytest.fixture
def successor(tmp_path) -> Iterator[Installation]:
    """A new installation of the embedded default (SQLite) for a successor administration; its
    `migrate` starts now and runs while the test drives the browser."""
    var = tmp_path / "successor"
    var.mkdir()
    db = var / "apc.sqlite3"
    env = clean_env(
        DATABASE_URL=f"sqlite:///{db}",
        APC_VAR_DIR=str(var),
        AFTERACTION_INSTALLATION_NAME="The successor administration",
    )
    log = var / "migrate.log"
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: os.nice(5),  # the browser comes first
        )
    try:
        yield Installation(db=db, env=env, migrate=proc, log=log)
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)


@pytest.fixture
def committee(seeded, monkeypatch):
    return seed_without_repository(monkeypatch)


def similar_plan(lead) -> Plan:
    """The DR Congo prevention plan being drafted, with an option that sends a peace operation
    to protect the victims (written through the plans' service, as its drafting team would)."""
    plan = Plan.objects.get(country_id="COD", kind=Plan.Kind.PREVENTION)
    assert plan.status == Plan.Status.DRAFT and plan.owner == lead
    assert plan.country.region == "Middle Africa"
    plan_services.option_add(
        actor=lead,
        plan=plan,
        data={
            "target_group": TargetGroup.objects.get(key="victims"),
            "stage": EscalationStage.objects.get(key="escalating"),
            "tool": Tool.objects.get(name="Peace Operations"),
            "stance": Tool.Stance.COOPERATIVE,
            "lead_agency": Agency.objects.get(code="state"),
            "expected_effect": "Civilians in the sites are guarded day and night.",
        },
    )
    return plan


def csrf_token(app) -> str:
    """The page's CSRF token (every signed-in page has the sign-out form)."""
    return app.page.locator("input[name=csrfmiddlewaretoken]").first.input_value()


def post_form(app, path: str, data: dict[str, str]):
    """A form POST with the browser's session, as a stale or forged form would send it."""
    return app.page.request.post(
        app.url(path), form={"csrfmiddlewaretoken": csrf_token(app), **data}
    )


# --- The test -------------------------------------------------------------------------------


def test_a_report_is_published_found_brought_to_a_plan_kept_and_handed_over(
    app, committee, successor, tmp_path
):
    page = app.page
    spec = car_report()
    lead = committee("directorate")
    plan = similar_plan(lead)

    # Commissioned after the crisis, written with tagged lessons, published.
    app.login("directorate", DEMO_PASSWORD)
    report = commission(app, spec, AUTHOR_NAME)
    app.logout()
    app.login(AUTHOR, DEMO_PASSWORD)
    protection, warnings = write_and_submit(app, report, spec)
    app.logout()
    app.login("directorate", DEMO_PASSWORD)
    publish(app, report)
    report.refresh_from_db()
    original = {
        "title": report.title,
        "findings": report.findings,
        "version": report.version,
        "lessons": sorted(report.lessons.values_list("statement", flat=True)),
    }

    # Found by search.
    search(app, "displacement sites")
    expect(result_count(app)).to_contain_text("1 lesson found")
    expect(hit(app, protection).locator("mark").first).to_have_text(re.compile("^displace"))
    expect(facet(app, "region", "Middle Africa")).to_contain_text("(1)")
    expect(facet(app, "tool", str(Tool.objects.get(name="Peace Operations").pk))).to_be_visible()

    # Shown while the next plan for a similar situation is drafted.
    open_plan(app, plan)
    for lesson in (protection, warnings):
        expect(panel_lesson(app, lesson)).to_contain_text(lesson.statement[:40])
    reasons = page.get_by_test_id(f"reasons-{protection.pk}")
    expect(reasons).to_contain_text("same region (Middle Africa)")
    expect(reasons).to_contain_text("tool: Peace Operations")
    # the lesson that shares the tool ranks first
    first = page.get_by_test_id("lessons-panel").locator("[data-considered]").first
    expect(first).to_have_attribute("data-testid", f"panel-lesson-{protection.pk}")
    expect(check_of(page, "lessons_considered")).to_have_attribute("data-ok", "failed")

    # Every attempt to change it fails. The API: no write method (405).
    api = app.url(f"/api/v1/afteraction/reports/{report.pk}/")
    token = {"X-CSRFToken": csrf_token(app)}
    for method, body in (("patch", {"title": "x"}), ("put", {"title": "x"}), ("delete", None)):
        response = getattr(page.request, method)(api, headers=token, data=body)
        assert response.status == 405, (method, response.status, response.text()[:300])
    # The database itself: a raw UPDATE or DELETE of the report or its lessons is refused.
    for sql, params in (
        ("UPDATE afteraction_report SET findings = %s WHERE id = %s", ["Rewritten.", report.pk]),
        ("DELETE FROM afteraction_report WHERE id = %s", [report.pk]),
        ("UPDATE afteraction_lesson SET statement = %s WHERE id = %s", ["x", protection.pk]),
        ("DELETE FROM afteraction_lesson WHERE report_id = %s", [report.pk]),
    ):
        with pytest.raises(DatabaseError, match=PERMANENCE), transaction.atomic():
            connection.cursor().execute(sql, params)
    refused_to_edit(app, report, author=False)

    # The correction: a revision, started in the browser.
    open_report(app, report)
    form = page.get_by_test_id("revise-form")
    form.get_by_label("What the correction is for").fill("The talks followed by a month.")
    app.submit(form.get_by_role("button", name="Start a revision"))
    revision = Report.objects.get(series=report.series, revision=2)
    assert app.path == f"/afteraction/reports/{revision.pk}/"
    expect(flash(app)).to_contain_text("Revision 2 is open for drafting")
    expect(status_of(app, revision)).to_have_text("Drafting")
    app.logout()

    # The author's own session: the published revision's edit URL and forms are refused.
    app.login(AUTHOR, DEMO_PASSWORD)
    refused_to_edit(app, report, author=True)
    text = {"summary": "Rewritten.", "narrative": "", "findings": "", "marking": "U"}
    attempts = {
        f"/afteraction/reports/{report.pk}/edit/": {**text, "version": str(report.version)},
        f"/afteraction/lessons/{protection.pk}/edit/": {
            "statement": "Rewritten.",
            "recommendation": "Rewritten.",
            "outcome": "worked",
            "marking": "U",
        },
        f"/afteraction/lessons/{protection.pk}/remove/": {},
        f"/afteraction/reports/{report.pk}/lessons/add/": {
            "statement": "Added.",
            "recommendation": "Added.",
            "outcome": "worked",
            "marking": "U",
        },
    }
    for path, data in attempts.items():
        response = post_form(app, path, data)
        assert response.status == 409, (path, response.status)
        assert NEVER_CHANGES in response.text(), path

    # The author corrects the findings in the revision and submits it.
    open_report(app, revision)
    expect(page.get_by_test_id("corrects")).to_contain_text("corrects revision 1")
    write_text(app, revision, spec.summary, spec.narrative, CORRECTED_FINDINGS)
    form = page.get_by_test_id("action-submit")
    app.submit(form.get_by_role("button", name="Submit for review"))
    expect(status_of(app, revision)).to_have_text("In review")
    app.logout()

    # The directorate publishes it; both revisions stay readable.
    app.login("directorate", DEMO_PASSWORD)
    open_report(app, revision)
    app.submit(page.get_by_test_id("action-publish").get_by_role("button", name="Publish"))
    expect(status_of(app, revision)).to_have_text("Published")
    expect(page.get_by_test_id("findings")).to_have_text(CORRECTED_FINDINGS)
    expect(page.get_by_test_id("revisions")).to_contain_text("Revision 1")
    app.click_and_wait(page.get_by_test_id("corrects").get_by_role("link", name="revision 1"))
    assert app.path == f"/afteraction/reports/{report.pk}/"
    expect(page.get_by_test_id("superseded-by")).to_contain_text("superseded by revision 2")
    expect(page.get_by_test_id("findings")).to_have_text(spec.findings)
    revision.refresh_from_db()
    assert revision.status == Report.Status.PUBLISHED and revision.supersedes_id == report.pk
    revised = {x.previous_id: x for x in revision.lessons.all()}
    assert set(revised) == {protection.pk, warnings.pk}
    app.logout()

    # Nor does the administrator change or delete it in the admin.
    app.login("admin", DEMO_PASSWORD)
    admin = f"/admin/afteraction/report/{report.pk}"
    assert page.request.get(app.url(f"{admin}/change/")).status == 200  # read, only
    for path, data in (
        (f"{admin}/change/", {"title": "Rewritten.", "findings": "Rewritten."}),
        (f"{admin}/delete/", {"post": "yes"}),
        (f"/admin/afteraction/lesson/{protection.pk}/delete/", {"post": "yes"}),
    ):
        response = post_form(app, path, data)
        assert response.status == 403, (path, response.status)

    # After every attempt, the published revision 1 is as it was published.
    report.refresh_from_db()
    assert {
        "title": report.title,
        "findings": report.findings,
        "version": report.version,
        "lessons": sorted(report.lessons.values_list("statement", flat=True)),
    } == original

    # Through the archive to a fresh installation.
    archive = tmp_path / "repository.zip"
    exported = manage("export_repository", str(archive), env=worker_env(), timeout=300)
    assert exported.returncode == 0, exported.stderr[-3000:]
    assert "2 reports (1 series), 4 lessons" in exported.stdout
    successor.ready()
    imported = successor.manage("import_repository", str(archive))
    assert imported.returncode == 0, imported.stderr[-3000:]
    assert "2 reports added (4 lessons), 0 already here skipped." in imported.stdout

    with sqlite3.connect(successor.db) as conn:
        reports = conn.execute(
            "SELECT uid, revision, status, findings, supersedes_id IS NOT NULL "
            "FROM afteraction_report ORDER BY revision"
        ).fetchall()
        assert reports == [
            (report.uid.hex, 1, "published", spec.findings, 0),
            (revision.uid.hex, 2, "published", CORRECTED_FINDINGS, 1),
        ]
        lessons = conn.execute(
            "SELECT r.revision, l.uid, l.statement, l.outcome, p.uid, "
            "(SELECT group_concat(t.name, '|') FROM afteraction_lesson_tools x JOIN plans_tool t "
            "ON t.id = x.tool_id WHERE x.lesson_id = l.id), "
            "(SELECT group_concat(c.country_id, '|') FROM afteraction_lesson_countries c "
            "WHERE c.lesson_id = l.id) "
            "FROM afteraction_lesson l JOIN afteraction_report r ON r.id = l.report_id "
            "LEFT JOIN afteraction_lesson p ON p.id = l.previous_id "
            "ORDER BY r.revision, l.position"
        ).fetchall()
        expected = []
        corrected = (revised[protection.pk], revised[warnings.pk])
        for number, rows in ((1, (protection, warnings)), (2, corrected)):
            for lesson in rows:
                expected.append(
                    (
                        number,
                        lesson.uid.hex,
                        lesson.statement,
                        lesson.outcome,
                        lesson.previous.uid.hex if lesson.previous_id else None,
                        "|".join(sorted(lesson.tools.values_list("name", flat=True))),
                        "CAF",
                    )
                )
        got = [(*row[:5], "|".join(sorted((row[5] or "").split("|"))), row[6]) for row in lessons]
        assert got == expected
        # there too, nothing changes a published report
        with pytest.raises(sqlite3.DatabaseError, match=PERMANENCE):
            conn.execute("UPDATE afteraction_report SET findings = 'x'")
