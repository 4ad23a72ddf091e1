"""Every write about the after-action repository: one function per use case, transactional,
permission-checked and audited (DESIGN.md). Source: seeds/000, "Crisis Response Structure and
Process" (the directorate "oversees exercising and rehearsal" and commissions "after action"
reports "to generate lessons learned"; "a permanent and accessible repository").

A published report is never written again: every function here refuses it (and the database
refuses it too, migration 0002). A correction is `report_revise`: a new revision, drafted and
published like any report, that supersedes the published one; both stay readable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm

from afteraction.models import (
    Exercise,
    Lesson,
    LessonConsideration,
    NarrativeLink,
    Report,
    ReportEvent,
)
from afteraction.workflow import EDITABLE, NEEDS_COMMENT, OWED, REPORT
from apc.core import markings, roles
from apc.core.audit import record_event
from apc.core.exceptions import Conflict, Invalid, InvalidTransition
from apc.core.permissions import can, require
from apc.meetings.dates import committee_today
from apc.models import Agency, User
from apc.services import notify
from plans.models import EscalationStage, Plan, Strategy, TargetGroup, Tool
from watchlist.models import Country

AUTHOR_PERMS = ("view_report", "author_report")
# Roles whose members may be on an author team (they work on crises; the auditor, the
# committees' secretariats and service accounts do not write reports).
AUTHOR_ROLES = frozenset(
    {roles.DIRECTORATE, roles.MEMBER, roles.ANALYST, roles.CO_CHAIR, roles.RED_TEAM}
)
LESSON_TEXT = ("statement", "recommendation", "evidence")
LESSON_TAGS: dict[str, Any] = {
    "countries": Country,
    "tools": Tool,
    "strategies": Strategy,
    "target_groups": TargetGroup,
    "stages": EscalationStage,
    "agencies": Agency,
}


def display_name(user: User | None) -> str:
    if user is None:
        return ""
    name = user.get_full_name() or user.username
    agency = getattr(user.agency, "short_name", "")
    return f"{name} ({agency})" if agency else name


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: Any) -> str:
    """Text as stored: stripped, without control characters (newlines and tabs kept)."""
    return _CONTROL.sub("", str(value or "")).strip()


def _lock(report: Report) -> Report:
    return Report.objects.select_for_update().get(pk=report.pk)


def _editable(report: Report) -> None:
    if report.status not in EDITABLE:
        if report.status == Report.Status.PUBLISHED:
            raise InvalidTransition(
                "The report is published: it never changes. Start a revision to correct it."
            )
        raise InvalidTransition(
            f"The report is {report.get_status_display().lower()}: "
            "it is written only while commissioned or drafting."
        )


def _touch(report: Report) -> None:
    report.version += 1
    report.updated_at = timezone.now()
    report.save(update_fields=["version", "updated_at"])


def authors(report: Report) -> list[User]:
    """The author team: holders of the `author_report` grant on this report."""
    users = get_users_with_perms(
        report, only_with_perms_in=["author_report"], with_group_users=False
    )
    return sorted(users, key=lambda u: (u.last_name, u.first_name, u.username))


def author_candidates(report_marking: str = markings.Marking.U) -> list[User]:
    """Who may join an author team: active people of the crisis roles, cleared for the report."""
    return list(
        User.objects.filter(
            is_active=True,
            groups__name__in=AUTHOR_ROLES,
            clearance__in=[m for m in markings.ORDER if markings.dominates(m, report_marking)],
        )
        .select_related("agency")
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _check_author(user: User, report: Report) -> None:
    if not user.is_active or not (user.roles & AUTHOR_ROLES):
        raise Invalid(errors={"authors": [f"{user} cannot write after-action reports."]})
    if not markings.dominates(user.clearance, report.marking):
        raise Invalid(
            errors={
                "authors": [
                    f"{user} is not cleared for {markings.label(report.marking)}, "
                    "the report's marking."
                ]
            }
        )


def _grant_author(user: User, report: Report) -> None:
    for perm in AUTHOR_PERMS:
        assign_perm(perm, user, report)


def _subject_marking(subject: str, country, plan, exercise) -> str:
    """The least marking a report about this subject may carry: what it is about."""
    found = []
    if country is not None:
        found.append(country.marking)
    if plan is not None:
        found += [plan.marking, plan.country.marking]
    if exercise is not None:
        found.append(exercise.marking)
    return markings.highest(found)


def subject_label(subject: str, country, plan, exercise, period_start, period_end) -> str:
    """The subject in words (kept with the report, and in the archive)."""
    S = Report.Subject
    if period_start and period_end:
        period = f"{period_start:%b %Y} – {period_end:%b %Y}"
    elif period_start:
        period = f"from {period_start:%b %Y}"
    else:
        period = ""
    if subject == S.CRISIS:
        return f"{country.name}, {period}" if period else country.name
    if subject == S.PLAN:
        return f"{plan.title} ({plan.country.name})"
    if subject == S.EXERCISE:
        return f"{exercise.get_kind_display()}: {exercise.title}, {exercise.held_on:%d %b %Y}"
    return f"APC meetings, {period}"


def _year(subject: str, period_start, plan, exercise) -> int:
    if period_start:
        return period_start.year
    if subject == Report.Subject.EXERCISE and exercise is not None:
        return exercise.held_on.year
    if subject == Report.Subject.PLAN and plan is not None:
        return timezone.localtime(plan.created_at).year
    return committee_today().year


def _clean_subject(
    actor: User,
    *,
    subject: str,
    country: Country | None,
    plan: Plan | None,
    exercise: Exercise | None,
    period_start: date | None,
    period_end: date | None,
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if subject not in Report.Subject.values:
        raise Invalid(errors={"subject": ["Choose what the report is about."]})
    S = Report.Subject
    if subject == S.CRISIS:
        if country is None:
            errors["country"] = ["Name the country of the crisis."]
        if period_start is None:
            errors["period_start"] = ["Give the start of the period."]
    if subject == S.MEETING_SERIES and (period_start is None or period_end is None):
        errors.setdefault("period_start", []).append("Give the period of the meetings.")
    if subject == S.PLAN and plan is None:
        errors["plan"] = ["Choose the plan."]
    if subject == S.EXERCISE and exercise is None:
        errors["exercise"] = ["Choose the exercise."]
    if period_start and period_end and period_end < period_start:
        errors["period_end"] = ["The period ends before it starts."]
    if errors:
        raise Invalid(errors=errors)
    # the subject must be something the commissioner may see
    for obj in (country, plan, exercise):
        if obj is not None:
            require(actor, "view", obj)
    if plan is not None and country is None:
        country = plan.country
    if exercise is not None and exercise.plan_id and country is None:
        country = exercise.plan.country
    return {
        "subject": subject,
        "country": country,
        "plan": plan if subject == S.PLAN else None,
        "exercise": exercise if subject == S.EXERCISE else None,
        "period_start": period_start,
        "period_end": period_end,
    }


def _event(report: Report, actor: User | None, action: str, before: str, comment: str = ""):
    return ReportEvent.objects.create(
        report=report,
        action=action,
        from_status=before,
        to_status=report.status,
        actor=actor,
        actor_name=display_name(actor),
        comment=comment,
    )


def _commission_errors(title: str, scope_questions: str, due_on: date | None) -> dict:
    """What a commission must say: a title, its questions, a due date."""
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = ["Give the report a title."]
    if not (scope_questions or "").strip():
        errors["scope_questions"] = ["Say what the report must answer."]
    if due_on is None:
        errors["due_on"] = ["Give the due date."]
    return errors


# --- Commissioning ---------------------------------------------------------------------------


def report_commission(
    *,
    actor: User,
    title: str,
    subject: str,
    scope_questions: str,
    due_on: date | None,
    authors: Iterable[User] = (),
    country: Country | None = None,
    plan: Plan | None = None,
    exercise: Exercise | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    marking: str = markings.Marking.U,
) -> Report:
    """The directorate commissions an after-action report: its subject, the questions it must
    answer, its author team (grants on this one report) and its due date."""
    require(actor, "afteraction.commission")
    errors = _commission_errors(title, scope_questions, due_on)
    if due_on is not None and due_on < committee_today():
        errors["due_on"] = ["The due date is in the past."]
    team = list(authors)
    if not team:
        errors["authors"] = ["Name at least one author."]
    if errors:
        raise Invalid(errors=errors)
    subject_fields = _clean_subject(
        actor,
        subject=subject,
        country=country,
        plan=plan,
        exercise=exercise,
        period_start=period_start,
        period_end=period_end,
    )
    markings.clean(actor, marking)
    least = _subject_marking(
        subject, subject_fields["country"], subject_fields["plan"], subject_fields["exercise"]
    )
    if not markings.dominates(marking, least):
        raise Invalid(
            errors={
                "marking": [
                    f"The subject is marked {markings.label(least)}: "
                    "mark the report at least as high."
                ]
            }
        )
    report = Report(
        title=title.strip(),
        scope_questions=scope_questions.strip(),
        due_on=due_on,
        marking=marking,
        commissioned_by=actor,
        commissioned_by_name=display_name(actor),
        year=_year(subject, period_start, subject_fields["plan"], subject_fields["exercise"]),
        subject_label=subject_label(
            subject,
            subject_fields["country"],
            subject_fields["plan"],
            subject_fields["exercise"],
            period_start,
            period_end,
        )[:300],
        **subject_fields,
    )
    for user in team:
        _check_author(user, report)
    with transaction.atomic(durable=True):
        report.save()
        for user in team:
            _grant_author(user, report)
        _event(report, actor, "commission", "")
        record_event(
            actor=actor,
            action="afteraction.commission",
            obj=report,
            summary=f"{report.title}; authors: {', '.join(u.username for u in team)}",
        )
        _tell_authors(report, team, "You are on the author team of an after-action report")
    return report


def _tell_authors(report: Report, users: Iterable[User], subject: str) -> None:
    notify(
        users,
        subject,
        f"{report.title}: due {report.due_on:%d %B %Y}.",
        link=reverse("afteraction:report-detail", args=[report.pk]),
        marking=report.marking,
        event_key=f"afteraction:{report.pk}:author:{report.version}",
    )


def commission_update(
    *,
    actor: User,
    report: Report,
    title: str,
    scope_questions: str,
    due_on: date | None,
) -> Report:
    """The directorate changes the commission (title, questions, due date) until publication."""
    require(actor, "manage", report)
    errors = _commission_errors(title, scope_questions, due_on)
    if errors:
        raise Invalid(errors=errors)
    with transaction.atomic(durable=True):
        locked = _lock(report)
        if locked.status not in OWED:
            raise InvalidTransition(
                f"The report is {locked.get_status_display().lower()}: its commission is closed."
            )
        before = {k: getattr(locked, k) for k in ("title", "scope_questions", "due_on")}
        locked.title, locked.scope_questions, locked.due_on = (
            title.strip(),
            scope_questions.strip(),
            due_on,
        )
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save(update_fields=["title", "scope_questions", "due_on", "version", "updated_at"])
        record_event(
            actor=actor,
            action="afteraction.commission_update",
            obj=locked,
            changes={
                k: {"before": str(v), "after": str(getattr(locked, k))}
                for k, v in before.items()
                if v != getattr(locked, k)
            },
        )
    return locked


def author_add(*, actor: User, report: Report, user: User) -> None:
    """The directorate adds someone to the author team of a report not yet published."""
    require(actor, "manage", report)
    if report.status not in OWED:
        raise InvalidTransition("Authors are named only until the report is published.")
    _check_author(user, report)
    if user in authors(report):
        raise Conflict(f"{user} is already on the author team.")
    with transaction.atomic(durable=True):
        _grant_author(user, report)
        record_event(
            actor=actor, action="afteraction.author_add", obj=report, summary=user.username
        )
        _tell_authors(report, [user], "You are on the author team of an after-action report")


def author_remove(*, actor: User, report: Report, user: User) -> None:
    require(actor, "manage", report)
    if report.status not in OWED:
        raise InvalidTransition("Authors are named only until the report is published.")
    team = authors(report)
    if user not in team:
        raise Invalid(errors={"user": [f"{user} is not on the author team."]})
    if len(team) == 1:
        raise Invalid(errors={"user": ["A report keeps at least one author."]})
    with transaction.atomic(durable=True):
        for perm in AUTHOR_PERMS:
            remove_perm(perm, user, report)
        record_event(
            actor=actor, action="afteraction.author_remove", obj=report, summary=user.username
        )


# --- Writing --------------------------------------------------------------------------------


def report_save(
    *,
    actor: User,
    report: Report,
    summary: str,
    narrative: str,
    findings: str,
    marking: str,
    version: int,
) -> Report:
    """The author team saves the report's text. `version` is the one the writer started from:
    if someone saved since, 409 with both texts (the writer loses nothing)."""
    require(actor, "author", report)
    markings.clean(actor, marking)
    clean = {
        "summary": clean_text(summary),
        "narrative": clean_text(narrative),
        "findings": clean_text(findings),
    }
    with transaction.atomic(durable=True):
        locked = _lock(report)
        _editable(locked)
        least = markings.highest(
            [
                _subject_marking(locked.subject, locked.country, locked.plan, locked.exercise),
            ]
        )
        if not markings.dominates(marking, least):
            raise Invalid(
                errors={
                    "marking": [
                        f"The subject is marked {markings.label(least)}: "
                        "mark the report at least as high."
                    ]
                }
            )
        if markings.rank(marking) < markings.rank(locked.marking) and not can(
            actor, "manage", locked
        ):
            raise Invalid(errors={"marking": ["Only the directorate lowers a marking."]})
        if locked.version != version:
            raise Conflict(
                f"The report was saved by someone else since you opened it (version "
                f"{locked.version}, yours {version}). Your text is below theirs: merge and save "
                "again.",
                details={
                    "theirs": {k: getattr(locked, k) for k in clean},
                    "yours": clean,
                    "version": locked.version,
                },
            )
        before = locked.marking
        for k, v in clean.items():
            setattr(locked, k, v)
        locked.marking = marking
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save(update_fields=[*clean, "marking", "version", "updated_at"])
        record_event(
            actor=actor,
            action="afteraction.report_save",
            obj=locked,
            changes={"marking": {"before": before, "after": marking}}
            if before != marking
            else None,
            summary=f"v{locked.version}",
        )
    return locked


def _tags(data: dict[str, Any]) -> dict[str, list]:
    """The lesson's tags from ids (or objects), each checked against its catalogue."""
    out: dict[str, list] = {}
    errors: dict[str, list[str]] = {}
    for name, model in LESSON_TAGS.items():
        values = data.get(name) or []
        keys = [getattr(v, "pk", v) for v in values]
        try:
            found = list(model.objects.filter(pk__in=keys))
        except (ValueError, TypeError, ValidationError):  # not an id of this catalogue at all
            found = []
        if len(found) != len(set(map(str, keys))):
            errors[name] = ["Choose from the list."]
        out[name] = found
    if errors:
        raise Invalid(errors=errors)
    return out


def _clean_lesson(actor: User, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list]]:
    errors: dict[str, list[str]] = {}
    values = {k: clean_text(data.get(k)) for k in LESSON_TEXT}
    if not values["statement"]:
        errors["statement"] = ["State the lesson."]
    if not values["recommendation"]:
        errors["recommendation"] = ["Give the recommendation."]
    outcome = data.get("outcome") or Lesson.Outcome.UNKNOWN
    if outcome not in Lesson.Outcome.values:
        errors["outcome"] = ["Choose worked, did not work, mixed or unknown."]
    marking = data.get("marking") or markings.Marking.U
    if errors:
        raise Invalid(errors=errors)
    markings.clean(actor, marking)
    tags = _tags(data)
    least = markings.highest(c.marking for c in tags["countries"])
    if not markings.dominates(marking, least):
        names = ", ".join(c.name for c in tags["countries"] if c.marking == least)
        raise Invalid(
            errors={
                "marking": [
                    f"The lesson names {names}, marked {markings.label(least)}: "
                    "mark the lesson at least as high."
                ]
            }
        )
    values.update(outcome=outcome, marking=marking)
    return values, tags


def _set_tags(lesson: Lesson, tags: dict[str, list]) -> None:
    for name, objs in tags.items():
        getattr(lesson, name).set(objs)


def lesson_add(*, actor: User, report: Report, data: dict[str, Any]) -> Lesson:
    """An author adds a lesson: statement, recommendation, evidence, outcome, marking, tags."""
    require(actor, "author", report)
    values, tags = _clean_lesson(actor, data)
    with transaction.atomic(durable=True):
        locked = _lock(report)
        _editable(locked)
        position = (locked.lessons.aggregate(m=Max("position"))["m"] or 0) + 1
        lesson = Lesson.objects.create(report=locked, position=position, **values)
        _set_tags(lesson, tags)
        _touch(locked)
        record_event(
            actor=actor,
            action="afteraction.lesson_add",
            obj=lesson,
            summary=f"report {locked.pk}",
        )
    return lesson


def lesson_update(*, actor: User, lesson: Lesson, data: dict[str, Any]) -> Lesson:
    require(actor, "author", lesson.report)
    values, tags = _clean_lesson(actor, data)
    with transaction.atomic(durable=True):
        locked = _lock(lesson.report)
        _editable(locked)
        row = Lesson.objects.select_for_update().get(pk=lesson.pk)
        before = row.marking
        if markings.rank(values["marking"]) < markings.rank(before) and not can(
            actor, "manage", locked
        ):
            raise Invalid(errors={"marking": ["Only the directorate lowers a marking."]})
        for k, v in values.items():
            setattr(row, k, v)
        row.save(update_fields=list(values))
        _set_tags(row, tags)
        _touch(locked)
        record_event(
            actor=actor,
            action="afteraction.lesson_update",
            obj=row,
            changes=(
                {"marking": {"before": before, "after": row.marking}}
                if before != row.marking
                else None
            ),
        )
    return row


def lesson_remove(*, actor: User, lesson: Lesson) -> None:
    require(actor, "author", lesson.report)
    with transaction.atomic(durable=True):
        locked = _lock(lesson.report)
        _editable(locked)
        for name in LESSON_TAGS:
            getattr(lesson, name).clear()
        record_event(
            actor=actor,
            action="afteraction.lesson_remove",
            obj=lesson,
            summary=lesson.statement[:200],
        )
        lesson.delete()
        _touch(locked)


# --- Narrative links ------------------------------------------------------------------------


def link_label(kind: str, record: Any) -> tuple[str, date | None, str]:
    """What a link says about its record (label, date, marking), without protected identities
    (a warning's filer is never named)."""
    K = NarrativeLink.Kind
    if kind == K.PLAN:
        # the plan's kind and country, not its title: the label outlives the reader's access
        return (
            f"{record.get_kind_display()} for {record.country.name}",
            timezone.localtime(record.created_at).date(),
            markings.highest([record.marking, record.country.marking]),
        )
    if kind == K.MEETING:
        return (
            str(record),
            timezone.localtime(record.starts_at).date(),
            record.marking,
        )
    if kind == K.TIER_CHANGE:
        before = record.get_from_tier_display() or "not listed"
        after = record.get_to_tier_display() or "not listed"
        return (
            f"{record.country.name}: {before} → {after}",
            record.effective,
            record.country.marking,
        )
    if kind == K.WARNING:
        # never the title: a reader cleared for the marking may still be outside the alert
        # channel's distribution (watchlist/policy.py); the live title is shown to those who
        # may open the warning
        return (
            f"{record.country.name}: alert-channel warning "
            f"({record.get_severity_display().lower()}), filed "
            f"{timezone.localtime(record.filed_at):%d %b %Y}",
            timezone.localtime(record.filed_at).date(),
            markings.highest([record.marking, record.country.marking]),
        )
    raise Invalid(errors={"kind": ["Choose a plan, meeting, tier change or warning."]})


def _protects(record: Any, actor: User) -> bool:
    """Citing a warning one filed under identity protection must not name the filer in the
    audit trail (the warning's own rule: watchlist.models.Warning.audit_protects_actor)."""
    protects = getattr(record, "audit_protects_actor", None)
    return bool(protects and protects(actor))


def link_add(*, actor: User, report: Report, kind: str, record: Any) -> NarrativeLink:
    """An author cites a record of the period in the narrative (picked from those records; the
    author must be able to see it). The link is marked like the record."""
    require(actor, "author", report)
    if kind not in NarrativeLink.Kind.values:
        raise Invalid(errors={"kind": ["Choose a plan, meeting, tier change or warning."]})
    require(actor, "view", record)
    label, occurred_on, marking = link_label(kind, record)
    with transaction.atomic(durable=True):
        locked = _lock(report)
        _editable(locked)
        if locked.links.filter(kind=kind, **{f"{kind}_id": record.pk}).exists():
            raise Conflict("The narrative already cites this record.")
        link = NarrativeLink.objects.create(
            report=locked,
            kind=kind,
            label=label[:300],
            occurred_on=occurred_on,
            marking=marking,
            position=(locked.links.aggregate(m=Max("position"))["m"] or 0) + 1,
            **{kind: record},
        )
        _touch(locked)
        record_event(
            actor=actor,
            action="afteraction.link_add",
            obj=link,
            summary=f"{kind} {record.pk}",
            protect_actor=_protects(record, actor),
        )
    return link


def link_remove(*, actor: User, link: NarrativeLink) -> None:
    require(actor, "author", link.report)
    with transaction.atomic(durable=True):
        locked = _lock(link.report)
        _editable(locked)
        record_event(
            actor=actor,
            action="afteraction.link_remove",
            obj=link,
            summary=f"{link.kind} {link.target.pk if link.target else ''}",
            protect_actor=_protects(link.target, actor),
        )
        link.delete()
        _touch(locked)


def marking_change(
    *, actor: User, report: Report, marking: str, reason: str, lesson: Lesson | None = None
) -> Report | Lesson:
    """The directorate re-marks the report's text, or one of its lessons, before publication,
    saying why (an author may raise a marking when saving, never lower one: lowering releases
    text to readers of lower clearance). Never below what the subject (or a lesson's tagged
    countries) is marked."""
    require(actor, "manage", report)
    markings.clean(actor, marking)
    if not (reason or "").strip():
        raise Invalid(errors={"reason": ["Say why the marking changes."]})
    with transaction.atomic(durable=True):
        locked = _lock(report)
        _editable(locked)
        if lesson is None:
            target: Report | Lesson = locked
            least = _subject_marking(locked.subject, locked.country, locked.plan, locked.exercise)
            what = "The subject"
        else:
            target = Lesson.objects.select_for_update().get(pk=lesson.pk, report=locked)
            least = markings.highest(c.marking for c in target.countries.all())
            what = "A country the lesson names"
        if not markings.dominates(marking, least):
            raise Invalid(
                errors={
                    "marking": [
                        f"{what} is marked {markings.label(least)}: mark it at least as high."
                    ]
                }
            )
        before = target.marking
        if before == marking:
            raise Invalid(errors={"marking": ["That is the marking it has."]})
        target.marking = marking
        target.save(update_fields=["marking"])
        if lesson is not None:
            _touch(locked)
        else:
            locked.version += 1
            locked.updated_at = timezone.now()
            locked.save(update_fields=["version", "updated_at"])
        record_event(
            actor=actor,
            action="afteraction.marking_change",
            obj=target,
            changes={"marking": {"before": before, "after": marking}},
            summary=reason.strip()[:300],
            marking=before,  # the event speaks of text that was marked `before`
        )
    return target


# --- The life cycle -------------------------------------------------------------------------


def _check_preconditions(report: Report, action: str) -> None:
    if action == "submit" or action == "publish":
        missing = [
            label
            for field, label in (
                ("summary", "a summary"),
                ("narrative", "a narrative"),
                ("findings", "findings"),
            )
            if not getattr(report, field).strip()
        ]
        if missing:
            raise Invalid(
                errors={"__all__": [f"The report needs {', '.join(missing)} before review."]}
            )
        if not report.lessons.exists():
            raise Invalid(errors={"__all__": ["The report needs at least one lesson."]})


def report_transition(*, actor: User, report: Report, action: str, comment: str = "") -> Report:
    """Move the report along its life cycle (afteraction/workflow.py). Publishing freezes it
    for good: the author team as published is written into it, and the database refuses any
    later change."""
    with transaction.atomic(durable=True):
        locked = _lock(report)
        t = REPORT.transition(locked.status, action)
        require(actor, t.permission, locked)
        if action in NEEDS_COMMENT and not comment.strip():
            raise Invalid(errors={"comment": ["Say why."]})
        _check_preconditions(locked, action)
        if action == "publish" and locked.supersedes_id:
            previous = Report.objects.select_for_update().get(pk=locked.supersedes_id)
            if previous.status != Report.Status.PUBLISHED:
                raise Conflict("The report this revision corrects is not published.")
        before = locked.status
        locked.status = t.target
        locked.updated_at = timezone.now()
        fields = ["status", "updated_at"]
        if action == "publish":
            locked.published_at = timezone.now()
            locked.published_by_name = display_name(actor)
            locked.authors_display = "; ".join(display_name(u) for u in authors(locked))[:500]
            fields += ["published_at", "published_by_name", "authors_display"]
        locked.save(update_fields=fields)
        _event(locked, actor, action, before, comment.strip())
        record_event(
            actor=actor,
            action=f"afteraction.{action}",
            obj=locked,
            changes={"status": {"before": before, "after": locked.status}},
            summary=comment.strip()[:300],
        )
        _announce(locked, action)
    return locked


def _announce(report: Report, action: str) -> None:
    from apc.services import users_with_role

    if action == "submit":
        recipients = users_with_role(roles.DIRECTORATE)
    elif action in ("return", "publish", "withdraw"):
        recipients = [u for u in authors(report) if u.is_active]
    else:
        return
    if not recipients:
        return
    status = report.get_status_display()
    notify(
        recipients,
        f"After-action report {status.lower()}",
        f"{report.title} is now: {status}.",
        link=reverse("afteraction:report-detail", args=[report.pk]),
        marking=report.marking,
        event_key=f"afteraction:{report.pk}:{action}:{report.events.count()}",
    )


def available_actions(user: User, report: Report) -> list:
    return REPORT.available(report, user)


def may_write(user: User, report: Report) -> bool:
    return report.status in EDITABLE and can(user, "author", report)


def superseded_ids(report_ids: Iterable[int] | None = None) -> set[int]:
    """The published reports a later published revision of their series corrects."""
    from afteraction.selectors import _superseded

    qs = Report.objects.filter(status=Report.Status.PUBLISHED)
    if report_ids is not None:
        qs = qs.filter(pk__in=list(report_ids))
    return set(qs.filter(_superseded()).values_list("pk", flat=True))


def report_revise(
    *, actor: User, report: Report, reason: str, due_on: date | None = None
) -> Report:
    """Correct a published report: a new revision in the same series, drafted by the same
    author team from a copy of the published text, lessons and links. The published report is
    left as it is; once the revision is published it supersedes it, and both stay readable."""
    require(actor, "revise", report)
    if not (reason or "").strip():
        raise Invalid(errors={"reason": ["Say what the correction is for."]})
    with transaction.atomic(durable=True):
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.status != Report.Status.PUBLISHED:
            raise InvalidTransition("Only a published report is corrected by a revision.")
        if locked.revisions.exclude(status=Report.Status.WITHDRAWN).exists():
            raise Conflict("This report already has a revision; correct that one instead.")
        revision = Report.objects.create(
            series=locked.series,
            revision=(
                Report.objects.filter(series=locked.series).aggregate(m=Max("revision"))["m"] or 0
            )
            + 1,
            supersedes=locked,
            title=locked.title,
            status=Report.Status.DRAFTING,
            subject=locked.subject,
            subject_label=locked.subject_label,
            imported_from=locked.imported_from,
            country=locked.country,
            plan=locked.plan,
            exercise=locked.exercise,
            period_start=locked.period_start,
            period_end=locked.period_end,
            year=locked.year,
            scope_questions=locked.scope_questions,
            due_on=due_on or committee_today() + timedelta(days=30),
            commissioned_by=actor,
            commissioned_by_name=display_name(actor),
            summary=locked.summary,
            narrative=locked.narrative,
            findings=locked.findings,
            marking=locked.marking,
        )
        for lesson in locked.lessons.prefetch_related(*LESSON_TAGS):
            copy = Lesson.objects.create(
                report=revision,
                position=lesson.position,
                statement=lesson.statement,
                recommendation=lesson.recommendation,
                evidence=lesson.evidence,
                outcome=lesson.outcome,
                marking=lesson.marking,
                previous=lesson,
            )
            for name in LESSON_TAGS:
                getattr(copy, name).set(getattr(lesson, name).all())
        for link in locked.links.all():
            NarrativeLink.objects.create(
                report=revision,
                kind=link.kind,
                plan_id=link.plan_id,
                meeting_id=link.meeting_id,
                tier_change_id=link.tier_change_id,
                warning_id=link.warning_id,
                label=link.label,
                occurred_on=link.occurred_on,
                marking=link.marking,
                position=link.position,
            )
        team = [u for u in authors(locked) if u.is_active]
        if not team and actor.roles & AUTHOR_ROLES:
            team = [actor]
        for user in team:
            if markings.dominates(user.clearance, revision.marking):
                _grant_author(user, revision)
        _event(revision, actor, "revise", "", reason.strip())
        record_event(
            actor=actor,
            action="afteraction.revise",
            obj=revision,
            summary=f"corrects report {locked.pk}: {reason.strip()[:250]}",
        )
        _tell_authors(revision, team, "A published after-action report is being corrected")
    return revision


# --- Exercises -------------------------------------------------------------------------------


def exercise_record(
    *,
    actor: User,
    kind: str,
    title: str,
    held_on: date | None,
    scenario: str,
    participants: str,
    results: str,
    plan: Plan | None = None,
    marking: str = markings.Marking.U,
) -> Exercise:
    """The directorate records an exercise of the crisis-management procedures, or a rehearsal
    of a specific plan (date, scenario, participants, results)."""
    require(actor, "exercises.manage")
    errors: dict[str, list[str]] = {}
    if kind not in Exercise.Kind.values:
        errors["kind"] = ["Choose an exercise of the procedures or a rehearsal of a plan."]
    elif kind == Exercise.Kind.PLAN_REHEARSAL and plan is None:
        errors["plan"] = ["Choose the plan rehearsed."]
    if not (title or "").strip():
        errors["title"] = ["Give the exercise a title."]
    if held_on is None:
        errors["held_on"] = ["Give the date."]
    elif held_on > committee_today():
        errors["held_on"] = ["Record an exercise once it has taken place."]
    for field, text, message in (
        ("scenario", scenario, "Describe the scenario."),
        ("participants", participants, "Name the participants."),
        ("results", results, "Describe the results."),
    ):
        if not (text or "").strip():
            errors[field] = [message]
    if errors:
        raise Invalid(errors=errors)
    markings.clean(actor, marking)
    if kind == Exercise.Kind.PROCEDURES:
        plan = None
    if plan is not None:
        require(actor, "view", plan)
        least = markings.highest([plan.marking, plan.country.marking])
        if not markings.dominates(marking, least):
            raise Invalid(
                errors={
                    "marking": [
                        f"The plan is marked {markings.label(least)}: "
                        "mark the exercise at least as high."
                    ]
                }
            )
    with transaction.atomic(durable=True):
        exercise = Exercise.objects.create(
            kind=kind,
            title=title.strip(),
            held_on=held_on,
            plan=plan,
            scenario=scenario.strip(),
            participants=participants.strip(),
            results=results.strip(),
            marking=marking,
            recorded_by=actor,
        )
        record_event(actor=actor, action="afteraction.exercise_record", obj=exercise)
    return exercise


# --- Lessons brought to a plan ------------------------------------------------------------------


def _may_consider(actor: User, plan: Plan) -> None:
    from plans.workflow import EDITABLE as PLAN_EDITABLE

    require(actor, "draft", plan)
    if plan.status not in PLAN_EDITABLE:
        raise InvalidTransition(
            f"The plan is {plan.get_status_display().lower()}: lessons are considered while "
            "it is drafted."
        )


def lesson_consider(*, actor: User, plan: Plan, lesson: Lesson, note: str) -> LessonConsideration:
    """The drafting team marks a lesson as considered for its plan, with a note saying how."""
    _may_consider(actor, plan)
    require(actor, "view", lesson)
    if lesson.report.status != Report.Status.PUBLISHED:
        raise Invalid(errors={"lesson": ["Only lessons of published reports are considered."]})
    if not (note or "").strip():
        raise Invalid(errors={"note": ["Say how the lesson was considered."]})
    with transaction.atomic(durable=True):
        Plan.objects.select_for_update().get(pk=plan.pk)
        row, created = LessonConsideration.objects.get_or_create(
            plan=plan,
            lesson=lesson,
            defaults={"note": note.strip(), "considered_by": actor},
        )
        if not created:
            row.note, row.considered_by, row.considered_at = note.strip(), actor, timezone.now()
            row.save(update_fields=["note", "considered_by", "considered_at"])
        record_event(
            actor=actor,
            action="afteraction.lesson_consider",
            obj=plan,
            summary=f"lesson {lesson.pk}: {note.strip()[:200]}",
            marking=lesson.marking,
        )
    return row


def lesson_unconsider(*, actor: User, plan: Plan, lesson: Lesson) -> None:
    _may_consider(actor, plan)
    require(actor, "view", lesson)
    with transaction.atomic(durable=True):
        deleted, _ = LessonConsideration.objects.filter(plan=plan, lesson=lesson).delete()
        if not deleted:
            raise Invalid(errors={"lesson": ["This lesson is not marked considered."]})
        record_event(
            actor=actor,
            action="afteraction.lesson_unconsider",
            obj=plan,
            summary=f"lesson {lesson.pk}",
            marking=lesson.marking,
        )


# --- Reminders -------------------------------------------------------------------------------


def commission_reminders(today: date | None = None) -> int:
    """Remind the author team and the commissioner of a commission falling due (within
    AFTERACTION_DUE_NOTICE_DAYS) and of one overdue, each once (event keys), from database
    state: a run missed while the worker was down is made up by the next."""
    today = today or committee_today()
    notice = timedelta(days=settings.AFTERACTION_DUE_NOTICE_DAYS)
    sent = 0
    owed = (
        Report.objects.filter(status__in=OWED, due_on__lte=today + notice)
        .select_related("commissioned_by")
        .order_by("due_on", "pk")
    )
    for report in owed:
        overdue = report.due_on < today
        key = "overdue" if overdue else "due"
        recipients = [u for u in authors(report) if u.is_active]
        if report.commissioned_by and report.commissioned_by.is_active:
            recipients.append(report.commissioned_by)
        subject = "After-action report overdue" if overdue else "After-action report due soon"
        sent += len(
            notify(
                recipients,
                subject,
                f"{report.title} was due on {report.due_on:%d %B %Y}."
                if overdue
                else f"{report.title} is due on {report.due_on:%d %B %Y}.",
                link=reverse("afteraction:report-detail", args=[report.pk]),
                marking=report.marking,
                event_key=f"afteraction:{report.pk}:{key}:{report.due_on.isoformat()}",
            )
        )
    return sent
