"""A published report never changes and is never deleted, by anyone, through any path: the
services refuse it, the admin refuses it, and PostgreSQL's triggers refuse raw UPDATE, DELETE
and INSERT on the report, its lessons, links and lesson tags (afteraction/permanence.py,
migration 0002). A correction is a revision that supersedes the report and keeps it.

Source: issue 7, "A published report never changes and is never deleted, by anyone, through any
path (UI, API, admin; on PostgreSQL a trigger refuses UPDATE/DELETE of published rows)";
seeds/000, "Crisis Response Structure and Process": "a permanent and accessible repository ...
made available to succeeding administrations".
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction

from afteraction import selectors, services
from afteraction.models import Lesson, NarrativeLink, Report, ReportEvent
from afteraction.permanence import TAGS
from apc.core import roles
from apc.core.exceptions import InvalidTransition
from apc.meetings.dates import committee_today
from apc.models import Agency
from tests.afteraction import support as s
from tests.factories import UserFactory
from tests.plans.support import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    """A published report with one lesson carrying every kind of tag, and one narrative link."""
    writer = s.author(role=roles.DIRECTORATE)
    report = s.commission(authors=[writer], iso3="SDN", title="Darfur")
    s.write(report, writer)
    lesson = s.lesson(
        report, writer, "Mediation worked.", countries=["SDN"],
        tools=[s.tool("Mediation").pk], strategies=[s.strategy("dissuade")],
        target_groups=[s.group("decision_makers")], stages=[s.stage("latent")],
        agencies=[Agency.objects.get(code="state")],
    )  # fmt: skip
    plan = make_plan(iso3="SDN")
    link = services.link_add(actor=writer, report=report, kind="plan", record=plan)
    report = s.publish(report, writer)
    return {"report": report, "lesson": lesson, "link": link, "writer": writer, "plan": plan}


def snapshot(report: Report) -> dict:
    report.refresh_from_db()
    lessons = list(report.lessons.values("pk", "statement", "recommendation", "outcome"))
    tags = {name: sorted(getattr(report.lessons.get(), name).values_list("pk", flat=True))
            for name in ("countries", "tools", "strategies", "target_groups", "stages",
                         "agencies")}  # fmt: skip
    return {
        "report": (report.title, report.summary, report.status, report.version, report.marking),
        "lessons": lessons,
        "links": list(report.links.values("pk", "label")),
        "tags": tags,
    }


# --- Services --------------------------------------------------------------------------------


def test_every_service_refuses_a_published_report(published):
    report, lesson, link, writer = (published[k] for k in ("report", "lesson", "link", "writer"))
    staff = s.directorate()
    before = snapshot(report)
    attempts = {
        "report_save": lambda: services.report_save(
            actor=writer, report=report, summary="x", narrative="x", findings="x",
            marking="U", version=report.version,
        ),
        "commission_update": lambda: services.commission_update(
            actor=staff, report=report, title="x", scope_questions="x",
            due_on=committee_today() + timedelta(days=9),
        ),
        "author_add": lambda: services.author_add(actor=staff, report=report, user=s.author()),
        "author_remove": lambda: services.author_remove(actor=staff, report=report, user=writer),
        "lesson_add": lambda: s.lesson(report, writer, "Another."),
        "lesson_update": lambda: services.lesson_update(
            actor=writer, lesson=lesson, data={"statement": "x", "recommendation": "x"}
        ),
        "lesson_remove": lambda: services.lesson_remove(actor=writer, lesson=lesson),
        "link_add": lambda: services.link_add(
            actor=writer, report=report, kind="plan", record=make_plan(iso3="MMR")
        ),
        "link_remove": lambda: services.link_remove(actor=writer, link=link),
        **{
            f"transition {action}": (
                lambda action=action: services.report_transition(
                    actor=staff, report=report, action=action, comment="Because."
                )
            )
            for action in ("start", "submit", "return", "publish", "withdraw")
        },
    }  # fmt: skip
    accepted = []
    for name, attempt in attempts.items():
        try:
            attempt()
        except InvalidTransition:
            continue
        accepted.append(name)
    assert accepted == []
    assert snapshot(report) == before


# --- The ORM and raw SQL (PostgreSQL triggers) ---------------------------------------------------


def refused(sql: str, params: list) -> bool:
    """True when the database refuses the statement (inside a savepoint, so the test goes on)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:
        assert "published after-action report" in str(exc)
        return True
    return False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL triggers")
def test_raw_sql_cannot_change_or_delete_anything_published(published):
    report, lesson, link = published["report"], published["lesson"], published["link"]
    before = snapshot(report)
    rid, lid = report.pk, lesson.pk
    statements = [
        ("UPDATE afteraction_report SET title = 'x' WHERE id = %s", [rid]),
        ("UPDATE afteraction_report SET status = 'withdrawn' WHERE id = %s", [rid]),
        ("UPDATE afteraction_report SET search_vector = NULL WHERE id = %s", [rid]),
        ("DELETE FROM afteraction_report WHERE id = %s", [rid]),
        ("UPDATE afteraction_lesson SET statement = 'x' WHERE id = %s", [lid]),
        ("UPDATE afteraction_lesson SET marking = 'S' WHERE id = %s", [lid]),
        ("DELETE FROM afteraction_lesson WHERE id = %s", [lid]),
        ("UPDATE afteraction_narrativelink SET label = 'x' WHERE id = %s", [link.pk]),
        ("DELETE FROM afteraction_narrativelink WHERE id = %s", [link.pk]),
        (
            "INSERT INTO afteraction_lesson (uid, report_id, position, statement, recommendation,"
            " evidence, outcome, marking) VALUES (gen_random_uuid(), %s, 9, 's', 'r', '',"
            " 'unknown', 'U')",
            [rid],
        ),
        (
            "INSERT INTO afteraction_narrativelink (report_id, kind, plan_id, label, position,"
            " marking) VALUES (%s, 'plan', %s, 'x', 9, 'U')",
            [rid, published["plan"].pk],
        ),
    ]
    for table in TAGS:
        statements += [
            (f"UPDATE {table} SET lesson_id = lesson_id WHERE lesson_id = %s", [lid]),  # noqa: S608
            (f"DELETE FROM {table} WHERE lesson_id = %s", [lid]),  # noqa: S608
        ]
    statements.append(
        ("INSERT INTO afteraction_lesson_tools (lesson_id, tool_id) VALUES (%s, %s)",
         [lid, s.tool("Targeted Sanctions").pk])
    )  # fmt: skip
    allowed = [sql for sql, params in statements if not refused(sql, params)]
    assert allowed == []
    assert snapshot(report) == before


def test_the_orm_cannot_change_or_delete_anything_published(published):
    report, lesson, link = published["report"], published["lesson"], published["link"]
    before = snapshot(report)
    attempts = [
        lambda: Report.objects.filter(pk=report.pk).update(title="x"),
        lambda: report.save(),
        lambda: Report.objects.filter(pk=report.pk).delete(),
        lambda: Lesson.objects.filter(pk=lesson.pk).update(statement="x"),
        lambda: Lesson.objects.filter(pk=lesson.pk).delete(),
        lambda: Lesson.objects.create(report=report, statement="s", recommendation="r"),
        lambda: NarrativeLink.objects.filter(pk=link.pk).update(label="x"),
        lambda: NarrativeLink.objects.filter(pk=link.pk).delete(),
        lambda: lesson.tools.add(s.tool("Targeted Sanctions")),
        lambda: lesson.countries.clear(),
        lambda: lesson.strategies.set([]),
        lambda: ReportEvent.objects.filter(report=report).update(comment="x"),
        lambda: ReportEvent.objects.filter(report=report).delete(),
    ]
    allowed = []
    for i, attempt in enumerate(attempts):
        try:
            with transaction.atomic():
                attempt()
        except DatabaseError:
            continue
        allowed.append(i)
    assert allowed == []
    assert snapshot(report) == before
    assert report.events.count() == 4  # commission, start, submit, publish


def test_a_report_not_yet_published_may_still_change(published):
    """The triggers refuse only what belongs to a published report: drafts are written."""
    writer = s.author()
    draft = s.commission(authors=[writer])
    lesson = s.lesson(draft, writer)
    with transaction.atomic():
        Lesson.objects.filter(pk=lesson.pk).update(statement="Reworded.")
        lesson.tools.add(s.tool("Mediation"))
    assert Lesson.objects.get(pk=lesson.pk).statement == "Reworded."


# --- The admin -----------------------------------------------------------------------------------


def test_the_admin_neither_changes_nor_deletes_a_published_report(client, published):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    report, lesson, link = published["report"], published["lesson"], published["link"]
    before = snapshot(report)
    for model, obj in (("report", report), ("lesson", lesson), ("narrativelink", link),
                       ("reportevent", report.events.first())):  # fmt: skip
        base = f"/admin/afteraction/{model}/{obj.pk}"
        assert client.get(f"{base}/change/").status_code == 200  # read-only view
        assert client.post(f"{base}/change/", {"title": "x", "statement": "x"}).status_code == 403
        assert client.get(f"{base}/delete/").status_code == 403
        assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
        listing = client.post(
            f"/admin/afteraction/{model}/",
            {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        )
        assert listing.status_code in (200, 302, 403)
    page = client.get(f"/admin/afteraction/report/{report.pk}/change/")
    assert page.status_code == 200 and b"deletelink" not in page.content
    assert b'name="_save"' not in page.content
    assert snapshot(report) == before


# --- Corrections -------------------------------------------------------------------------------


def test_a_correction_supersedes_and_keeps_the_original(published):
    report, writer = published["report"], published["writer"]
    before = snapshot(report)
    staff = s.directorate()
    revision = services.report_revise(actor=staff, report=report, reason="A figure was wrong.")
    s.write(revision, writer, summary="Corrected.")
    revision = s.publish(revision, writer, staff)
    assert snapshot(report) == before  # the original, word for word
    reader = UserFactory(role=roles.MEMBER)
    readable = selectors.published_for(reader, current_only=False)
    assert {r.pk: r.is_superseded for r in readable} == {report.pk: True, revision.pk: False}
    assert revision.supersedes_id == report.pk and revision.series == report.series
