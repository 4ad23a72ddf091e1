"""The after-action services that write a report (afteraction/services.py): commissioning, the
author team, saving the text (optimistic lock), lessons with their tags and markings, narrative
links, exercises, and lessons considered on a plan. Every write is audited.

Source: seeds/000, "Crisis Response Structure and Process": the directorate "oversees exercising
and rehearsal" and commissions "after action" reports "to generate lessons learned", whose
results "must be taken into account in future crises and policy planning"; issue 7, "Reports
and lessons".
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from guardian.shortcuts import get_perms

from afteraction import services
from afteraction.models import Exercise, Lesson, LessonConsideration, NarrativeLink, Report
from apc.core import roles
from apc.core.exceptions import Conflict, Invalid, InvalidTransition, NotPermitted
from apc.meetings.dates import committee_today
from apc.models import Agency, AuditEvent, Notification
from plans.models import Plan
from tests.afteraction import support as s
from tests.factories import MeetingFactory, UserFactory, country
from tests.plans.support import make_plan
from watchlist import alerts
from watchlist.models import Country, TierChange

pytestmark = pytest.mark.django_db


def audited(action: str, obj) -> int:
    return AuditEvent.objects.filter(
        action=f"afteraction.{action}",
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
    ).count()


def errors_of(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.errors


# --- Commissioning -------------------------------------------------------------------------


def commission_kwargs(**over):
    s.ensure_plans_reference()
    kwargs = {
        "title": "Kenya 2007–08",
        "subject": Report.Subject.CRISIS,
        "scope_questions": "What worked?",
        "due_on": committee_today() + timedelta(days=30),
        "authors": [s.author()],
        "country": country("KEN"),
        "period_start": date(2007, 12, 27),
        "period_end": date(2008, 2, 28),
    }
    kwargs.update(over)
    return kwargs


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"title": "  "}, "title", "Give the report a title."),
        ({"scope_questions": ""}, "scope_questions", "Say what the report must answer."),
        ({"due_on": None}, "due_on", "Give the due date."),
        ({"due_on": date(2020, 1, 1)}, "due_on", "The due date is in the past."),
        ({"authors": []}, "authors", "Name at least one author."),
        ({"country": None}, "country", "Name the country of the crisis."),
        ({"period_start": None}, "period_start", "Give the start of the period."),
        (
            {"period_start": date(2008, 3, 1), "period_end": date(2008, 1, 1)},
            "period_end",
            "The period ends before it starts.",
        ),
        ({"subject": "war"}, "subject", "Choose what the report is about."),
        ({"subject": Report.Subject.PLAN}, "plan", "Choose the plan."),
        ({"subject": Report.Subject.EXERCISE}, "exercise", "Choose the exercise."),
        ({"marking": "TS"}, "marking", "Choose a marking."),
    ],
)
def test_a_commission_names_what_is_missing_and_stores_nothing(over, field, message):
    """Issue 7: the directorate commissions a report with a subject, scope questions, an author
    team and a due date."""
    with pytest.raises(Invalid) as exc:
        services.report_commission(actor=s.directorate(), **commission_kwargs(**over))
    assert message in errors_of(exc)[field]
    assert not Report.objects.exists()


def test_only_the_directorate_commissions():
    """seeds/000: the directorate commissions "after action" reports."""
    for role in (roles.CO_CHAIR, roles.MEMBER, roles.ANALYST, roles.AUDITOR, roles.DEPUTIES):
        with pytest.raises(NotPermitted):
            services.report_commission(actor=UserFactory(role=role), **commission_kwargs())
    assert not Report.objects.exists()


def test_a_commission_grants_the_team_notifies_it_and_is_audited():
    writer, other = s.author(), s.author(role=roles.ANALYST)
    staff = s.directorate()
    report = services.report_commission(actor=staff, **commission_kwargs(authors=[writer, other]))
    assert report.status == Report.Status.COMMISSIONED
    assert report.year == 2007
    assert report.subject_label == "Kenya, Dec 2007 – Feb 2008"
    assert report.commissioned_by == staff
    assert report.commissioned_by_name.startswith(staff.get_full_name())
    assert set(services.authors(report)) == {writer, other}
    assert set(get_perms(writer, report)) >= {"view_report", "author_report"}
    assert list(report.events.values_list("action", "to_status")) == [
        ("commission", "commissioned")
    ]
    assert audited("commission", report) == 1
    assert Notification.objects.filter(recipient__in=[writer, other]).count() == 2


def test_the_report_is_marked_at_least_as_high_as_its_subject():
    """Markings per report (issue 7): a report about a country marked CONFIDENTIAL is marked at
    least CONFIDENTIAL."""
    s.ensure_plans_reference()
    Country.objects.filter(pk="KEN").update(marking="C")
    with pytest.raises(Invalid) as exc:
        services.report_commission(actor=s.directorate(), **commission_kwargs(marking="U"))
    assert "mark the report at least as high" in errors_of(exc)["marking"][0]
    report = services.report_commission(actor=s.directorate(), **commission_kwargs(marking="C"))
    assert report.marking == "C"


def test_a_plan_reports_marking_is_at_least_the_plans():
    plan = make_plan(iso3="SDN", marking="C")
    staff = plan.owner
    staff.clearance = "S"
    staff.save(update_fields=["clearance"])
    kwargs = commission_kwargs(subject=Report.Subject.PLAN, plan=plan, country=None,
                               period_start=None, period_end=None)  # fmt: skip
    with pytest.raises(Invalid) as exc:
        services.report_commission(actor=staff, **kwargs, marking="U")
    assert "mark the report at least as high" in errors_of(exc)["marking"][0]
    report = services.report_commission(actor=staff, **kwargs, marking="S")
    assert report.country_id == "SDN" and report.plan == plan


def test_nobody_marks_above_their_own_clearance():
    staff = UserFactory(role=roles.DIRECTORATE, clearance="C")
    with pytest.raises(Invalid) as exc:
        services.report_commission(actor=staff, **commission_kwargs(marking="S"))
    assert "your own clearance" in errors_of(exc)["marking"][0]


def test_authors_must_be_cleared_for_the_report_and_work_on_crises():
    low = s.author(clearance="CUI")
    with pytest.raises(Invalid) as exc:
        services.report_commission(
            actor=s.directorate(), **commission_kwargs(authors=[low], marking="C")
        )
    assert "not cleared for CONFIDENTIAL" in errors_of(exc)["authors"][0]
    for role in (roles.AUDITOR, roles.API_CLIENT, roles.DEPUTIES):
        with pytest.raises(Invalid) as exc:
            services.report_commission(
                actor=s.directorate(), **commission_kwargs(authors=[UserFactory(role=role)])
            )
        assert "cannot write after-action reports" in errors_of(exc)["authors"][0]
    inactive = s.author(is_active=False)
    with pytest.raises(Invalid):
        services.report_commission(actor=s.directorate(), **commission_kwargs(authors=[inactive]))
    assert not Report.objects.exists()
    assert low not in services.author_candidates("C")
    assert low in services.author_candidates("U")


def test_the_commission_changes_until_publication_and_is_audited():
    report = s.commission()
    staff = s.directorate()
    new_due = committee_today() + timedelta(days=60)
    with pytest.raises(Invalid) as exc:
        services.commission_update(
            actor=staff, report=report, title="", scope_questions="", due_on=None
        )
    assert set(errors_of(exc)) == {"title", "scope_questions", "due_on"}
    updated = services.commission_update(
        actor=staff, report=report, title="Renamed", scope_questions="Why?", due_on=new_due
    )
    assert (updated.title, updated.due_on, updated.version) == ("Renamed", new_due, 1)
    event = AuditEvent.objects.get(action="afteraction.commission_update")
    assert event.changes["title"] == {"before": "The crisis", "after": "Renamed"}
    with pytest.raises(NotPermitted):
        services.commission_update(
            actor=s.author(), report=report, title="x", scope_questions="y", due_on=new_due
        )


# --- The author team -------------------------------------------------------------------------


def test_authors_are_added_and_removed_by_the_directorate():
    writer = s.author()
    report = s.commission(authors=[writer])
    staff = s.directorate()
    second = s.author(role=roles.ANALYST)
    services.author_add(actor=staff, report=report, user=second)
    assert set(services.authors(report)) == {writer, second}
    assert audited("author_add", report) == 1
    with pytest.raises(Conflict):
        services.author_add(actor=staff, report=report, user=second)
    with pytest.raises(Invalid):
        services.author_add(actor=staff, report=report, user=UserFactory(role=roles.AUDITOR))
    with pytest.raises(NotPermitted):
        services.author_add(actor=writer, report=report, user=s.author())
    services.author_remove(actor=staff, report=report, user=writer)
    assert services.authors(report) == [second]
    assert not get_perms(writer, report)
    assert audited("author_remove", report) == 1
    with pytest.raises(Invalid) as exc:
        services.author_remove(actor=staff, report=report, user=second)
    assert "at least one author" in errors_of(exc)["user"][0]
    with pytest.raises(Invalid):
        services.author_remove(actor=staff, report=report, user=writer)


def test_no_author_changes_after_publication():
    writer = s.author()
    report = s.published_report(writer=writer)
    staff = s.directorate()
    with pytest.raises(InvalidTransition):
        services.author_add(actor=staff, report=report, user=s.author())
    with pytest.raises(InvalidTransition):
        services.author_remove(actor=staff, report=report, user=writer)


# --- Saving the text ---------------------------------------------------------------------------


def test_the_authors_save_and_the_version_moves():
    writer = s.author()
    report = s.commission(authors=[writer])
    saved = s.write(report, writer, summary="  What happened.  ")
    assert (saved.summary, saved.version) == ("What happened.", 1)
    assert audited("report_save", report) == 1
    with pytest.raises(NotPermitted):
        s.write(report, s.author())  # not on the team
    with pytest.raises(NotPermitted):
        s.write(report, s.directorate())  # the directorate reviews; it does not write


def test_a_stale_save_is_refused_with_both_texts():
    """Two authors at once: the second save, made from an older version, is refused (409) and
    carries their text and ours, so nothing typed is lost."""
    first, second = s.author(), s.author()
    report = s.commission(authors=[first, second])
    opened = Report.objects.get(pk=report.pk)  # both open version 0
    s.write(report, first, summary="Theirs.")
    with pytest.raises(Conflict) as exc:
        services.report_save(
            actor=second, report=opened, summary="Mine.", narrative="N.", findings="F.",
            marking="U", version=opened.version,
        )  # fmt: skip
    assert exc.value.status_code == 409
    details = exc.value.details
    assert details["theirs"]["summary"] == "Theirs."
    assert details["yours"] == {"summary": "Mine.", "narrative": "N.", "findings": "F."}
    assert details["version"] == 1
    report.refresh_from_db()
    assert (report.summary, report.version) == ("Theirs.", 1)
    assert audited("report_save", report) == 1


def test_the_saved_marking_stays_at_or_above_the_subject():
    s.ensure_plans_reference()
    writer = s.author()
    Country.objects.filter(pk="KEN").update(marking="CUI")
    report = s.commission(authors=[writer], marking="CUI")
    with pytest.raises(Invalid):
        s.write(report, writer, marking="U")
    assert s.write(report, writer, marking="C").marking == "C"


def test_nothing_is_written_once_submitted():
    writer = s.author()
    report = s.commission(authors=[writer])
    s.write(report, writer)
    s.lesson(report, writer)
    services.report_transition(actor=writer, report=report, action="start")
    services.report_transition(actor=writer, report=report, action="submit")
    with pytest.raises(InvalidTransition):
        s.write(report, writer)
    with pytest.raises(InvalidTransition):
        s.lesson(report, writer)


# --- Lessons -----------------------------------------------------------------------------------


def test_a_lesson_carries_its_outcome_marking_and_tags():
    """Issue 7: each lesson has a statement, recommendation, evidence, outcome and tags
    (country, tools from the catalogue, strategy, target group, escalation stage, agencies)."""
    writer = s.author()
    report = s.commission(authors=[writer])
    added = s.lesson(
        report, writer, "Mediation backed in public and private worked.",
        evidence="Annex A, case 1.", outcome=Lesson.Outcome.WORKED, marking="CUI",
        countries=["KEN"], tools=[s.tool("Mediation").pk], strategies=[s.strategy("dissuade")],
        target_groups=[s.group("decision_makers")], stages=[s.stage("escalating")],
        agencies=[Agency.objects.get(code="state")],
    )  # fmt: skip
    assert (added.outcome, added.marking, added.position) == ("worked", "CUI", 1)
    assert [c.pk for c in added.countries.all()] == ["KEN"]
    assert [t.name for t in added.tools.all()] == ["Mediation"]
    assert [x.key for x in added.strategies.all()] == ["dissuade"]
    assert [x.key for x in added.target_groups.all()] == ["decision_makers"]
    assert [x.key for x in added.stages.all()] == ["escalating"]
    assert [a.code for a in added.agencies.all()] == ["state"]
    assert audited("lesson_add", added) == 1
    report.refresh_from_db()
    assert report.version == 1  # any change to the report's content moves its version

    updated = services.lesson_update(
        actor=writer, lesson=added,
        data={"statement": "Reworded.", "recommendation": "R.", "outcome": "mixed",
              "marking": "C", "countries": ["KEN", "SDN"]},
    )  # fmt: skip
    assert (updated.statement, updated.outcome, updated.marking) == ("Reworded.", "mixed", "C")
    assert sorted(c.pk for c in updated.countries.all()) == ["KEN", "SDN"]
    assert not updated.tools.exists()
    event = AuditEvent.objects.get(action="afteraction.lesson_update")
    assert event.changes == {"marking": {"before": "CUI", "after": "C"}}

    second = s.lesson(report, writer, "Second.")
    assert second.position == 2
    services.lesson_remove(actor=writer, lesson=second)
    assert not Lesson.objects.filter(pk=second.pk).exists()
    assert AuditEvent.objects.filter(action="afteraction.lesson_remove").count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"statement": ""}, "statement"),
        ({"recommendation": ""}, "recommendation"),
        ({"outcome": "great"}, "outcome"),
        ({"countries": ["XXX"]}, "countries"),
        ({"tools": [999999]}, "tools"),
        ({"strategies": [999999]}, "strategies"),
        ({"target_groups": [999999]}, "target_groups"),
        ({"stages": [999999]}, "stages"),
        ({"agencies": [999999]}, "agencies"),
        ({"marking": "X"}, "marking"),
    ],
)
def test_a_lesson_is_checked_against_its_catalogues(data, field):
    writer = s.author()
    report = s.commission(authors=[writer])
    with pytest.raises(Invalid) as exc:
        services.lesson_add(
            actor=writer,
            report=report,
            data={"statement": "S.", "recommendation": "R.", **data},
        )
    assert field in errors_of(exc)
    assert not Lesson.objects.exists()


def test_a_lesson_is_marked_at_least_as_high_as_the_countries_it_names():
    """Markings per lesson: a lesson tagged with a country marked CONFIDENTIAL is no lower."""
    s.ensure_plans_reference()
    Country.objects.filter(pk="SDN").update(marking="C")
    writer = s.author()
    report = s.commission(authors=[writer])
    with pytest.raises(Invalid) as exc:
        s.lesson(report, writer, countries=["SDN"], marking="CUI")
    assert "Sudan" in errors_of(exc)["marking"][0]
    assert s.lesson(report, writer, countries=["SDN"], marking="C").marking == "C"
    low = s.author(clearance="C")
    services.author_add(actor=s.directorate(), report=report, user=low)
    with pytest.raises(Invalid) as exc:
        s.lesson(report, low, marking="S")  # above the writer's own clearance
    assert "your own clearance" in errors_of(exc)["marking"][0]


def test_only_the_team_writes_lessons():
    writer = s.author()
    report = s.commission(authors=[writer])
    first = s.lesson(report, writer)
    outsider = s.author()
    with pytest.raises(NotPermitted):
        s.lesson(report, outsider)
    with pytest.raises(NotPermitted):
        services.lesson_update(actor=outsider, lesson=first, data={"statement": "x"})
    with pytest.raises(NotPermitted):
        services.lesson_remove(actor=outsider, lesson=first)


# --- Narrative links -----------------------------------------------------------------------------


def test_a_link_to_a_warning_never_names_a_protected_filer_and_is_marked_like_it():
    """Issue 7: the narrative links the warnings of the period, "picked from those records";
    the alert channel's filer may ask that their identity be shown to co-chairs only (DESIGN.md,
    the alert channel)."""
    s.ensure_plans_reference()
    filer = UserFactory(role=roles.ANALYST, first_name="Zebulon", last_name="Quartermain")
    warning = alerts.warning_file(
        actor=filer, country=country("KEN"), severity="elevated", title="Militia mobilisation",
        narrative="Seen in the Rift Valley.", marking="C", identity_protected=True,
    )  # fmt: skip
    writer = s.author(role=roles.DIRECTORATE, is_directorate_lead=True)
    report = s.commission(authors=[writer])
    link = services.link_add(actor=writer, report=report, kind="warning", record=warning)
    # neither the filer nor the title: a reader cleared for C may be outside the distribution
    assert link.label.startswith("Kenya: alert-channel warning (elevated), filed ")
    for secret in (filer.username, filer.first_name, filer.last_name, filer.agency.short_name,
                   "Militia"):  # fmt: skip
        assert secret not in link.label
    assert link.marking == "C"
    assert link.warning == warning and link.target == warning
    assert audited("link_add", link) == 1
    with pytest.raises(Conflict):
        services.link_add(actor=writer, report=report, kind="warning", record=warning)


def test_links_to_plans_meetings_and_tier_changes_take_their_labels_and_markings():
    s.ensure_plans_reference()
    writer = s.author(role=roles.DIRECTORATE)
    report = s.commission(authors=[writer])
    plan = make_plan(iso3="SDN", marking="CUI")
    meeting = MeetingFactory(marking="C")
    change = TierChange.objects.create(
        country_id="KEN", from_tier=None, to_tier="moderate", effective=date(2008, 1, 2),
        rationale="Violence after the election.", decided_by=writer,
        decided_by_agency_id=writer.agency_id,
    )  # fmt: skip
    by_kind = {
        kind: services.link_add(actor=writer, report=report, kind=kind, record=record)
        for kind, record in (("plan", plan), ("meeting", meeting), ("tier_change", change))
    }
    assert by_kind["plan"].label == "Crisis response plan for Sudan"
    assert by_kind["plan"].marking == "CUI"
    assert by_kind["meeting"].marking == "C"
    assert by_kind["tier_change"].label == "Kenya: not listed → Moderate concern"
    assert by_kind["tier_change"].occurred_on == date(2008, 1, 2)
    assert report.links.count() == 3
    services.link_remove(actor=writer, link=by_kind["meeting"])
    assert not NarrativeLink.objects.filter(pk=by_kind["meeting"].pk).exists()
    assert AuditEvent.objects.filter(action="afteraction.link_remove").count() == 1


def test_the_author_must_see_the_record_linked():
    s.ensure_plans_reference()
    filer = UserFactory(role=roles.ANALYST)
    warning = alerts.warning_file(
        actor=filer, country=country("KEN"), severity="routine", title="T", narrative="N."
    )
    member = s.author()  # a member: a warning not on an agenda is not theirs to see
    report = s.commission(authors=[member])
    with pytest.raises(NotPermitted):
        services.link_add(actor=member, report=report, kind="warning", record=warning)
    secret_plan = make_plan(iso3="SDN", marking="S")
    low = s.author(role=roles.DIRECTORATE, clearance="C")
    report2 = s.commission(authors=[low])
    with pytest.raises(NotPermitted):
        services.link_add(actor=low, report=report2, kind="plan", record=secret_plan)
    with pytest.raises(Invalid):
        services.link_add(actor=low, report=report2, kind="rumour", record=secret_plan)
    assert not NarrativeLink.objects.exists()


# --- Exercises -----------------------------------------------------------------------------------


def exercise_kwargs(**over):
    kwargs = {
        "kind": Exercise.Kind.PROCEDURES,
        "title": "Tabletop",
        "held_on": committee_today() - timedelta(days=3),
        "scenario": "An acute warning.",
        "participants": "NSC, State",
        "results": "Met the deadlines.",
    }
    kwargs.update(over)
    return kwargs


def test_the_directorate_records_exercises_and_rehearsals():
    """seeds/000: the directorate "oversees exercising and rehearsal"; issue 7: date, scenario,
    participants, results."""
    s.ensure_plans_reference()
    staff = s.directorate()
    exercise = services.exercise_record(actor=staff, **exercise_kwargs())
    assert exercise.plan is None and exercise.recorded_by == staff
    assert audited("exercise_record", exercise) == 1
    plan = make_plan(iso3="SDN", marking="C")
    rehearsal = services.exercise_record(
        actor=staff, **exercise_kwargs(kind=Exercise.Kind.PLAN_REHEARSAL, plan=plan, marking="C")
    )
    assert rehearsal.plan == plan
    with pytest.raises(Invalid) as exc:
        services.exercise_record(
            actor=staff, **exercise_kwargs(kind=Exercise.Kind.PLAN_REHEARSAL, plan=plan)
        )
    assert "mark the exercise at least as high" in errors_of(exc)["marking"][0]
    # an exercise is the subject of a report
    report = s.commission(
        by=staff, subject=Report.Subject.EXERCISE, exercise=rehearsal, marking="C",
        period_start=None, period_end=None,
    )  # fmt: skip
    assert report.exercise == rehearsal and report.country_id == "SDN"
    assert report.year == rehearsal.held_on.year


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"kind": "drill"}, "kind"),
        ({"kind": Exercise.Kind.PLAN_REHEARSAL}, "plan"),
        ({"title": ""}, "title"),
        ({"held_on": None}, "held_on"),
        ({"held_on": date(2999, 1, 1)}, "held_on"),
        ({"scenario": ""}, "scenario"),
        ({"participants": " "}, "participants"),
        ({"results": ""}, "results"),
    ],
)
def test_an_exercise_record_names_what_is_missing(over, field):
    s.ensure_plans_reference()
    with pytest.raises(Invalid) as exc:
        services.exercise_record(actor=s.directorate(), **exercise_kwargs(**over))
    assert field in errors_of(exc)
    assert not Exercise.objects.exists()


def test_only_the_directorate_records_exercises():
    s.ensure_plans_reference()
    for role in (roles.CO_CHAIR, roles.MEMBER, roles.ANALYST):
        with pytest.raises(NotPermitted):
            services.exercise_record(actor=UserFactory(role=role), **exercise_kwargs())


# --- Lessons considered on a plan ---------------------------------------------------------------


def test_the_drafting_team_considers_a_lesson_with_a_note_while_the_plan_is_drafted():
    """seeds/000: the results of after-action reports "must be taken into account in future
    crises and policy planning"; issue 7: the drafting team marks each lesson considered, with a
    note."""
    lesson = s.published_report(iso3="SDN").lessons.get()
    plan = make_plan(iso3="SDN")
    with pytest.raises(Invalid):
        services.lesson_consider(actor=plan.owner, plan=plan, lesson=lesson, note=" ")
    row = services.lesson_consider(actor=plan.owner, plan=plan, lesson=lesson, note="Taken in.")
    assert (row.note, row.considered_by) == ("Taken in.", plan.owner)
    again = services.lesson_consider(actor=plan.owner, plan=plan, lesson=lesson, note="Revised.")
    assert again.pk == row.pk and LessonConsideration.objects.get().note == "Revised."
    assert audited("lesson_consider", plan) == 2
    # someone outside the drafting team may not
    for outsider in (UserFactory(role=roles.MEMBER), UserFactory(role=roles.CO_CHAIR)):
        with pytest.raises(NotPermitted):
            services.lesson_consider(actor=outsider, plan=plan, lesson=lesson, note="x")
        with pytest.raises(NotPermitted):
            services.lesson_unconsider(actor=outsider, plan=plan, lesson=lesson)
    services.lesson_unconsider(actor=plan.owner, plan=plan, lesson=lesson)
    assert not LessonConsideration.objects.exists()
    assert audited("lesson_unconsider", plan) == 1
    with pytest.raises(Invalid):
        services.lesson_unconsider(actor=plan.owner, plan=plan, lesson=lesson)


def test_lessons_are_considered_only_while_the_plan_is_a_draft():
    lesson = s.published_report(iso3="SDN").lessons.get()
    plan = make_plan(iso3="SDN")
    services.lesson_consider(actor=plan.owner, plan=plan, lesson=lesson, note="Taken in.")
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.SUBMITTED_DEPUTIES)
    plan.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services.lesson_consider(actor=plan.owner, plan=plan, lesson=lesson, note="Later.")
    with pytest.raises(InvalidTransition):
        services.lesson_unconsider(actor=plan.owner, plan=plan, lesson=lesson)
    assert LessonConsideration.objects.get().note == "Taken in."


def test_only_published_lessons_the_drafter_may_see_are_considered():
    writer = s.author()
    draft = s.commission(authors=[writer], iso3="SDN")
    unpublished = s.lesson(draft, writer)
    plan = make_plan(iso3="SDN")
    plan.owner.clearance = "C"
    plan.owner.save(update_fields=["clearance"])
    with pytest.raises((NotPermitted, Invalid)):
        services.lesson_consider(actor=plan.owner, plan=plan, lesson=unpublished, note="x")
    secret = s.published_report(
        iso3="SDN", lessons=[{"statement": "Secret.", "marking": "S"}]
    ).lessons.get()
    with pytest.raises(NotPermitted):
        services.lesson_consider(actor=plan.owner, plan=plan, lesson=secret, note="x")
    assert not LessonConsideration.objects.exists()


def test_only_the_directorate_lowers_a_marking_and_says_why():
    """Lowering a marking releases text to readers of lower clearance (DESIGN.md, "Users":
    clearance ≥ marking): an author may raise a marking when saving, never lower one; the
    directorate re-marks the report or a lesson before publication, with a reason, audited."""
    s.ensure_plans_reference()
    writer = s.author()
    report = s.commission(authors=[writer], marking="C")
    lesson = s.lesson(report, writer, marking="S")
    with pytest.raises(Invalid) as exc:
        s.write(report, writer, marking="U")
    assert exc.value.errors == {"marking": ["Only the directorate lowers a marking."]}
    with pytest.raises(Invalid):
        services.lesson_update(
            actor=writer,
            lesson=lesson,
            data={"statement": "x", "recommendation": "y", "marking": "U"},
        )
    report.refresh_from_db()
    lesson.refresh_from_db()
    assert (report.marking, lesson.marking) == ("C", "S")
    staff = s.directorate()
    with pytest.raises(Invalid) as exc:
        services.marking_change(actor=staff, report=report, marking="U", reason=" ")
    assert "reason" in exc.value.errors
    services.marking_change(actor=staff, report=report, marking="U", reason="Declassified.")
    services.marking_change(
        actor=staff, report=report, lesson=lesson, marking="CUI", reason="Sources removed."
    )
    report.refresh_from_db()
    lesson.refresh_from_db()
    assert (report.marking, lesson.marking) == ("U", "CUI")
    assert AuditEvent.objects.filter(action="afteraction.marking_change").count() == 2
    with pytest.raises(NotPermitted):
        services.marking_change(actor=writer, report=report, marking="C", reason="Mine.")
    s.write(report, writer)
    s.publish(report, writer)
    with pytest.raises(InvalidTransition):
        services.marking_change(actor=staff, report=report, marking="C", reason="Too late.")
