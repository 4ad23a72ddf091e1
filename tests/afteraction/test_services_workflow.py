"""The report's life cycle (afteraction/workflow.py, performed by services.report_transition):
every (status, action) pair for every role is allowed or refused exactly as declared; publishing
needs a complete report; returning and withdrawing need a reason; a correction is a revision
that supersedes the published report, which stays readable.

Source: issue 7, "Life cycle: commissioned → drafting → in review → published ... a correction
is a new revision that supersedes it, and both stay readable"; seeds/000, "Crisis Response
Structure and Process" (the directorate commissions the reports; "a permanent and accessible
repository").
"""

from __future__ import annotations

import pytest

from afteraction import relevance, selectors, services
from afteraction.models import Lesson, Report, ReportEvent
from afteraction.workflow import EDITABLE, NEEDS_COMMENT, OWED, REPORT
from apc.core import roles
from apc.core.exceptions import Conflict, Invalid, InvalidTransition, NotPermitted
from apc.core.permissions import roles_for
from apc.models import AuditEvent, Notification
from tests.afteraction import support as s
from tests.factories import UserFactory
from tests.plans.support import make_plan

pytestmark = pytest.mark.django_db

S = Report.Status
TABLE = {
    (S.COMMISSIONED, "start"): S.DRAFTING,
    (S.DRAFTING, "submit"): S.IN_REVIEW,
    (S.IN_REVIEW, "return"): S.DRAFTING,
    (S.IN_REVIEW, "publish"): S.PUBLISHED,
    (S.COMMISSIONED, "withdraw"): S.WITHDRAWN,
    (S.DRAFTING, "withdraw"): S.WITHDRAWN,
    (S.IN_REVIEW, "withdraw"): S.WITHDRAWN,
}
# Who takes each step: the author team writes and submits; the directorate reviews, publishes
# and withdraws. "author" is held by nobody's role: only by the grants on one report.
PERMISSION_ROLES = {"author": frozenset(), "publish": {roles.DIRECTORATE},
                    "manage": {roles.DIRECTORATE}}  # fmt: skip
ACTORS = [
    roles.CO_CHAIR,
    roles.MEMBER,
    roles.DIRECTORATE,
    roles.ANALYST,
    roles.RED_TEAM,
    roles.DEPUTIES,
    roles.PRINCIPALS,
    roles.AUDITOR,
    "author",  # a member on the report's author team
]


def test_the_table_is_the_documented_machine():
    assert {(t.source, t.action): t.target for t in REPORT.transitions} == TABLE
    assert {S.COMMISSIONED, S.DRAFTING} == EDITABLE
    assert {S.COMMISSIONED, S.DRAFTING, S.IN_REVIEW} == OWED
    assert {"return", "withdraw"} == NEEDS_COMMENT
    for t in REPORT.transitions:
        assert roles_for(t.permission, Report) == PERMISSION_ROLES[t.permission], t


def audit_count(report: Report, action: str) -> int:
    return AuditEvent.objects.filter(
        action=f"afteraction.{action}", object_type="afteraction.report", object_id=str(report.pk)
    ).count()


def written(writer) -> Report:
    report = s.commission(authors=[writer])
    s.write(report, writer)
    s.lesson(report, writer)
    report.refresh_from_db()
    return report


def put(report: Report, status: str) -> None:
    Report.objects.filter(pk=report.pk).update(status=status)


@pytest.mark.parametrize("who", ACTORS)
def test_every_status_action_pair_for_every_role(who):
    """Each pair in the table moves the report (event row, audit row) for the roles declared and
    is refused with NotPermitted for the others; each pair outside it is InvalidTransition. A
    published report refuses every action."""
    writer = s.author()
    actor = writer if who == "author" else UserFactory(role=who, clearance="S")
    actions = sorted({t.action for t in REPORT.transitions})
    # published last: once published, a report never moves again (a fresh one follows)
    statuses = [S.COMMISSIONED, S.DRAFTING, S.IN_REVIEW, S.WITHDRAWN, S.PUBLISHED]
    report = written(writer)
    wrong = []
    for status in statuses:
        for action in actions:
            if report.status == S.PUBLISHED and status != S.PUBLISHED:
                report = written(writer)
            if report.status != status:
                put(report, status)
            report.refresh_from_db()
            events_before = ReportEvent.objects.filter(report=report).count()
            audits_before = audit_count(report, action)
            declared = (status, action) in TABLE
            permission = REPORT.transition(status, action).permission if declared else None
            allowed = declared and (
                who == "author" if permission == "author" else who in PERMISSION_ROLES[permission]
            )
            try:
                services.report_transition(
                    actor=actor, report=report, action=action, comment="Reasons given."
                )
            except InvalidTransition:
                outcome = "invalid"
            except NotPermitted:
                outcome = "refused"
            else:
                outcome = "moved"
            report.refresh_from_db()
            expected = "moved" if allowed else ("refused" if declared else "invalid")
            if outcome != expected:
                wrong.append((status, action, expected, outcome))
                continue
            events = ReportEvent.objects.filter(report=report)
            if outcome == "moved":
                event = events.latest("id")
                ok = (
                    report.status == TABLE[(status, action)]
                    and events.count() == events_before + 1
                    and (event.action, event.from_status, event.to_status, event.actor_id)
                    == (action, status, report.status, actor.pk)
                    and audit_count(report, action) == audits_before + 1
                )
            else:
                ok = (
                    report.status == status
                    and events.count() == events_before
                    and audit_count(report, action) == audits_before
                )
            if not ok:
                wrong.append((status, action, "side effects", outcome))
    assert wrong == []


def test_available_actions_follow_the_table_and_the_policy():
    writer = s.author()
    report = written(writer)
    staff = s.directorate()
    assert [t.action for t in services.available_actions(writer, report)] == ["start"]
    assert [t.action for t in services.available_actions(staff, report)] == ["withdraw"]
    assert services.may_write(writer, report) and not services.may_write(staff, report)
    report = services.report_transition(actor=writer, report=report, action="start")
    report = services.report_transition(actor=writer, report=report, action="submit")
    assert not services.may_write(writer, report)
    assert sorted(t.action for t in services.available_actions(staff, report)) == [
        "publish",
        "return",
        "withdraw",
    ]
    assert services.available_actions(writer, report) == []


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ({"summary": ""}, "a summary"),
        ({"narrative": ""}, "a narrative"),
        ({"findings": ""}, "findings"),
        ({"lessons": False}, "at least one lesson"),
    ],
)
def test_a_report_goes_to_review_and_publication_only_when_complete(missing, message):
    """A report holds a summary, a narrative, findings and lessons (issue 7)."""
    writer = s.author()
    report = s.commission(authors=[writer])
    text = {k: v for k, v in missing.items() if k != "lessons"}
    s.write(report, writer, **text)
    if missing.get("lessons", True):
        s.lesson(report, writer)
    report = services.report_transition(actor=writer, report=report, action="start")
    with pytest.raises(Invalid) as exc:
        services.report_transition(actor=writer, report=report, action="submit")
    assert message in exc.value.errors["__all__"][0]
    put(report, S.IN_REVIEW)  # even if it got there, it is not published incomplete
    with pytest.raises(Invalid):
        services.report_transition(actor=s.directorate(), report=report, action="publish")
    report.refresh_from_db()
    assert report.status == S.IN_REVIEW and report.published_at is None


@pytest.mark.parametrize("action", ["withdraw", "return"])
def test_withdrawing_and_returning_need_a_reason(action):
    writer = s.author()
    report = written(writer)
    report = services.report_transition(actor=writer, report=report, action="start")
    report = services.report_transition(actor=writer, report=report, action="submit")
    staff = s.directorate()
    with pytest.raises(Invalid) as exc:
        services.report_transition(actor=staff, report=report, action=action, comment="  ")
    assert exc.value.errors == {"comment": ["Say why."]}
    report = services.report_transition(
        actor=staff, report=report, action=action, comment="Out of scope."
    )
    assert report.events.latest("id").comment == "Out of scope."
    assert AuditEvent.objects.get(action=f"afteraction.{action}").summary == "Out of scope."


def test_publishing_freezes_the_team_and_tells_it():
    writer = s.author(first_name="Ada", last_name="Byron")
    report = written(writer)
    staff = s.directorate()
    report = services.report_transition(actor=writer, report=report, action="start")
    Notification.objects.all().delete()
    report = services.report_transition(actor=writer, report=report, action="submit")
    assert Notification.objects.filter(recipient=staff, subject__contains="in review").exists()
    report = services.report_transition(actor=staff, report=report, action="publish")
    assert report.published_at is not None
    assert report.authors_display.startswith("Ada Byron")
    assert report.published_by_name.startswith(staff.get_full_name())
    assert Notification.objects.filter(recipient=writer, subject__contains="published").exists()


# --- Revisions -------------------------------------------------------------------------------


def published_with_tags(writer) -> Report:
    report = s.commission(authors=[writer], iso3="SDN")
    s.write(report, writer, summary="First text.")
    s.lesson(
        report, writer, "Mediation worked.", countries=["SDN"],
        tools=[s.tool("Mediation").pk], strategies=[s.strategy("dissuade")],
    )  # fmt: skip
    s.lesson(report, writer, "Sanctions came late.", outcome=Lesson.Outcome.MIXED)
    return s.publish(report, writer)


def test_a_revision_copies_the_report_and_its_lessons_and_leaves_the_original_alone():
    """Issue 7: "a correction is a new revision that supersedes it, and both stay readable"."""
    writer = s.author()
    original = published_with_tags(writer)
    staff = s.directorate()
    with pytest.raises(Invalid):
        services.report_revise(actor=staff, report=original, reason=" ")
    with pytest.raises(NotPermitted):
        services.report_revise(actor=writer, report=original, reason="Fix.")
    revision = services.report_revise(actor=staff, report=original, reason="A date was wrong.")
    assert (revision.series, revision.revision, revision.supersedes) == (
        original.series, 2, original,
    )  # fmt: skip
    assert revision.status == S.DRAFTING and revision.uid != original.uid
    assert revision.summary == "First text." and revision.subject_label == original.subject_label
    assert services.authors(revision) == [writer]
    copies = list(revision.lessons.order_by("position"))
    olds = list(original.lessons.order_by("position"))
    assert [c.previous for c in copies] == olds
    assert [c.statement for c in copies] == [o.statement for o in olds]
    assert [t.name for t in copies[0].tools.all()] == ["Mediation"]
    assert [c.pk for c in copies[0].countries.all()] == ["SDN"]
    assert revision.events.get().action == "revise"
    assert AuditEvent.objects.filter(
        action="afteraction.revise", object_id=str(revision.pk)
    ).exists()
    # one live revision per report
    with pytest.raises(Conflict):
        services.report_revise(actor=staff, report=original, reason="Again.")
    # the original is untouched and still the current published report
    original.refresh_from_db()
    assert original.status == S.PUBLISHED and original.summary == "First text."
    reader = UserFactory(role=roles.MEMBER)
    assert list(selectors.published_for(reader)) == [original]


def test_only_a_published_report_is_revised_and_a_withdrawn_revision_frees_the_slot():
    writer = s.author()
    staff = s.directorate()
    draft = written(writer)
    with pytest.raises(InvalidTransition):
        services.report_revise(actor=staff, report=draft, reason="Fix.")
    original = published_with_tags(writer)
    first = services.report_revise(actor=staff, report=original, reason="Fix.")
    services.report_transition(actor=staff, report=first, action="withdraw", comment="Wrong.")
    second = services.report_revise(actor=staff, report=original, reason="Fix again.")
    assert second.revision == 3


def test_once_the_revision_is_published_it_supersedes_the_original_and_both_stay_readable():
    writer = s.author()
    original = published_with_tags(writer)
    staff = s.directorate()
    revision = services.report_revise(actor=staff, report=original, reason="A date was wrong.")
    s.write(revision, writer, summary="Corrected text.")
    revision = s.publish(revision, writer, staff)
    original.refresh_from_db()
    assert original.status == S.PUBLISHED and original.summary == "First text."
    reader = UserFactory(role=roles.MEMBER)
    assert list(selectors.published_for(reader)) == [revision]
    both = {r.pk: r.is_superseded for r in selectors.published_for(reader, current_only=False)}
    assert both == {original.pk: True, revision.pk: False}
    assert [r.revision for r in selectors.series_of(reader, original)] == [1, 2]
    assert services.superseded_ids() == {original.pk}
    current = set(selectors.lessons_for(reader).values_list("report_id", flat=True))
    assert current == {revision.pk}
    every = set(selectors.lessons_for(reader, current_only=False).values_list("report", flat=True))
    assert every == {original.pk, revision.pk}


def test_a_considered_lesson_stays_considered_in_the_revision():
    """The drafting team's "considered" mark carries to the lesson's copy in a correction
    (relevance.considered_lesson_ids), so the plans' check does not flip back."""
    writer = s.author()
    original = published_with_tags(writer)
    plan = make_plan(iso3="SDN")
    for lesson in original.lessons.all():
        services.lesson_consider(actor=plan.owner, plan=plan, lesson=lesson, note="Seen.")
    assert relevance.lessons_check(plan)[0] is True
    staff = s.directorate()
    revision = services.report_revise(actor=staff, report=original, reason="Fix.")
    s.publish(revision, writer, staff)
    copies = set(revision.lessons.values_list("pk", flat=True))
    assert copies <= relevance.considered_lesson_ids(plan)
    wanted = {r.lesson.pk for r in relevance.to_consider(plan)}
    assert wanted and wanted <= copies  # the check now asks about the copies...
    assert relevance.lessons_check(plan)[0] is True  # ...which carry the marks
