"""Every write about meetings: one function per use case, transactional, permission-checked and
audited (DESIGN.md). Source of the rules: seeds/000, "Crisis Response Structure and Process"
(recommendation 4-1); see apc/meetings/models.py."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apc.core import markings, roles
from apc.core.audit import record_event
from apc.core.exceptions import Invalid, InvalidTransition, full_clean
from apc.core.permissions import require
from apc.meetings.agenda import agenda_draft
from apc.meetings.dates import committee_today
from apc.meetings.models import (
    ActionItem,
    ActionItemUpdate,
    AgendaItem,
    Attendance,
    CalendarFeed,
    Decision,
    Meeting,
    Membership,
    MinutesAddendum,
)
from apc.meetings.workflow import MEETING_WORKFLOW
from apc.models import Agency, EmergencyRequest, Notification, User
from apc.services import notify, users_with_role

# --- Membership -----------------------------------------------------------------------------


def seats_on(day: date | None = None):
    """The seats held on `day` (default today)."""
    day = day or committee_today()
    return Membership.objects.filter(starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=day)
    )


def member_agencies(day: date | None = None) -> list[Agency]:
    """Agencies with a principal or alternate seated on `day`: those counted for quorum."""
    ids = (
        seats_on(day)
        .filter(seat__in=[Membership.Seat.PRINCIPAL, Membership.Seat.ALTERNATE])
        .values("agency_id")
    )
    return list(Agency.objects.filter(pk__in=ids).order_by("name"))


def membership_add(
    *,
    actor: User,
    user: User,
    seat: str,
    starts_on: date | None = None,
    note: str = "",
) -> Membership:
    """Seat `user` from `starts_on`: a co-chair (at most two at once; the user holds the co-chair
    role), or their agency's principal or alternate (the user holds the member role). A new
    principal ends the agency's current principal's seat that day, and a person changing seat
    leaves the old one that day: changes are dated and the history stays."""
    require(actor, "membership.manage")
    starts_on = starts_on or committee_today()
    errors: dict[str, list[str]] = {}
    if seat not in Membership.Seat.values:
        errors["seat"] = ["Choose co-chair, principal or alternate."]
    elif seat == Membership.Seat.CO_CHAIR and roles.CO_CHAIR not in user.roles:
        errors["user"] = ["Only a user with the co-chair role can hold a co-chair's seat."]
    elif seat != Membership.Seat.CO_CHAIR and roles.MEMBER not in user.roles:
        errors["user"] = ["Only a user with the member role can sit for an agency."]
    if not user.is_active:
        errors["user"] = ["This account is deactivated."]
    if errors:
        raise Invalid(errors=errors)
    with transaction.atomic(durable=True):
        # every open seat, started or not: a seat set to start later counts too
        current = list(Membership.objects.select_for_update().filter(ends_on__isnull=True))
        own = [m for m in current if m.user_id == user.pk]
        if own and own[0].seat == seat:
            raise Invalid(errors={"seat": [f"{user} already holds this seat."]})
        if seat == Membership.Seat.CO_CHAIR:
            chairs = [m for m in current if m.seat == seat and m.user_id != user.pk]
            if len(chairs) >= 2:
                raise Invalid(
                    errors={"seat": ["The committee has two co-chairs; end one seat first."]}
                )
        ending = own[:]
        if seat == Membership.Seat.PRINCIPAL:
            ending += [
                m
                for m in current
                if m.seat == seat and m.agency_id == user.agency_id and m.user_id != user.pk
            ]
        for m in ending:
            _end(actor, m, starts_on, f"replaced by {user}")
        m = Membership(
            user=user,
            agency_id=user.agency_id,
            seat=seat,
            starts_on=starts_on,
            note=note.strip()[:200],
            created_by=actor,
        )
        full_clean(m)
        m.save()
        record_event(
            actor=actor,
            action="membership.add",
            obj=m,
            summary=f"{user} {m.get_seat_display().lower()} for {m.agency} from {starts_on}",
        )
    return m


def _end(actor: User, m: Membership, on: date, why: str) -> None:
    if m.starts_on > on:
        if m.starts_on <= committee_today():
            raise Invalid(errors={"ends_on": ["A seat cannot end before it starts."]})
        on = m.starts_on  # a seat that has not started yet is withdrawn: it is never held
        why = f"{why} (withdrawn before it started)"
    m.ends_on, m.ended_by = on, actor
    m.save(update_fields=["ends_on", "ended_by"])
    record_event(
        actor=actor,
        action="membership.end",
        obj=m,
        changes={"ends_on": {"before": None, "after": on.isoformat()}},
        summary=why,
    )


def membership_end(*, actor: User, membership: Membership, ends_on: date | None = None) -> None:
    """End a seat on `ends_on` (default today)."""
    require(actor, "end", membership)
    with transaction.atomic(durable=True):
        m = Membership.objects.select_for_update().get(pk=membership.pk)
        if m.ends_on is not None:
            raise InvalidTransition("This seat has already ended.")
        _end(actor, m, ends_on or committee_today(), "ended")


def committee_recipients(meeting: Meeting | None = None) -> list[User]:
    """Who hears about a meeting: the seated members and co-chairs, every co-chair and the
    directorate (its secretariat), and the Deputies secretariat for a meeting at its level."""
    seated = User.objects.filter(pk__in=seats_on().values("user_id"), is_active=True)
    people = {u.pk: u for u in seated}
    for role in (roles.CO_CHAIR, roles.DIRECTORATE):
        people.update({u.pk: u for u in users_with_role(role)})
    if not seated:
        people.update({u.pk: u for u in users_with_role(roles.MEMBER)})
    if meeting is not None and meeting.level == Meeting.Level.DEPUTIES:
        people.update({u.pk: u for u in users_with_role(roles.DEPUTIES)})
    return list(people.values())


# --- The regular cycle ----------------------------------------------------------------------


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.MEETING_TIMEZONE)


def slot_date(year: int, month: int) -> date:
    """The cycle's day in a month: its MEETING_WEEK_OF_MONTH-th MEETING_WEEKDAY."""
    first = date(year, month, 1)
    offset = (settings.MEETING_WEEKDAY - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (settings.MEETING_WEEK_OF_MONTH - 1))


def slot_start(day: date) -> datetime:
    hour, minute = (int(p) for p in settings.MEETING_TIME.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=_tz())


def is_cycle_month(month: int) -> bool:
    return (month - settings.MEETING_FIRST_MONTH) % settings.MEETING_CADENCE_MONTHS == 0


def slots_from(start: datetime):
    """Slots of the cycle starting at or after `start`, in order (an endless generator)."""
    local = start.astimezone(_tz())
    month = date(local.year, local.month, 1)
    while True:
        if is_cycle_month(month.month):
            day = slot_date(month.year, month.month)
            if slot_start(day) >= start:
                yield day
        month += relativedelta(months=1)


def meetings_schedule(*, now: datetime | None = None) -> list[Meeting]:
    """Keep the regular cycle in existence ahead: every slot starting between now and
    MEETING_LEAD_DAYS ahead exists, and always the next one. Driven by the database alone, so it
    is safe to run any number of times and catches up after downtime (slots that passed while it
    did not run are not created after the fact); the unique slot constraint means two runs at
    once still create one meeting per slot. Returns the meetings it created."""
    now = now or timezone.now()
    horizon = now + timedelta(days=settings.MEETING_LEAD_DAYS)
    created = []
    for i, day in enumerate(slots_from(now)):
        if i > 0 and slot_start(day) > horizon:
            break
        meeting = _regular_meeting(day)
        if meeting is not None:
            created.append(meeting)
    agendas_refresh(now=now)
    return created


def agendas_refresh(*, now: datetime | None = None) -> int:
    """Rebuild the draft agendas of the meetings still being prepared, so a draft always shows
    the current state (new warnings, action items reported on since); hand edits are kept and
    items removed by hand stay out. Locked agendas are never touched."""
    now = now or timezone.now()
    ids = list(
        Meeting.objects.filter(status=Meeting.Status.SCHEDULED, starts_at__gt=now).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        with transaction.atomic():
            meeting = Meeting.objects.select_for_update().get(pk=pk)
            if meeting.status == Meeting.Status.SCHEDULED:
                _write_agenda(meeting)
    return len(ids)


def _regular_meeting(day: date) -> Meeting | None:
    # one regular meeting per cycle month, even if the cycle's weekday setting changed since
    if Meeting.objects.filter(
        kind=Meeting.Kind.REGULAR, slot__year=day.year, slot__month=day.month
    ).exists():
        return None
    start = slot_start(day)
    with transaction.atomic():
        meeting, made = Meeting.objects.get_or_create(
            kind=Meeting.Kind.REGULAR,
            slot=day,
            defaults={
                "starts_at": start,
                "ends_at": start + timedelta(minutes=settings.MEETING_DURATION_MINUTES),
                "location": settings.MEETING_LOCATION,
            },
        )
        if not made:
            return None
        record_event(actor=None, action="meeting.schedule", obj=meeting, summary=str(meeting))
        _write_agenda(meeting)
    return meeting


def next_regular_meeting(after: datetime | None = None) -> Meeting | None:
    """The first regular meeting (not cancelled) starting after `after` (default now): used by the
    watchlist for routine review deadlines and next review dates."""
    after = after or timezone.now()
    return (
        Meeting.objects.filter(kind=Meeting.Kind.REGULAR, starts_at__gt=after)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("starts_at")
        .first()
    )


# --- Emergency meetings ---------------------------------------------------------------------


def meeting_for_emergency_request(req: EmergencyRequest) -> Meeting:
    """The meeting a convened request becomes (called in the answering transaction): at the
    level recorded on the request, on its countries, with their agenda drafted."""
    Country = apps.get_model("watchlist", "Country")  # noqa: N806
    country_markings = Country.objects.filter(pk__in=req.countries).values_list(
        "marking", flat=True
    )
    meeting = Meeting.objects.create(
        kind=Meeting.Kind.EMERGENCY,
        level=req.meeting_level or Meeting.Level.APC,
        starts_at=req.meeting_at,
        ends_at=req.meeting_at + timedelta(minutes=settings.MEETING_DURATION_MINUTES),
        location=settings.MEETING_LOCATION,
        emergency_request=req,
        countries=list(req.countries),
        # the meeting record names its countries: it is protected as the most protected of them
        marking=markings.highest([req.marking, *country_markings]),
    )
    record_event(
        actor=req.decided_by,
        action="meeting.convene",
        obj=meeting,
        summary=f"{meeting} on request #{req.pk}",
    )
    _write_agenda(meeting)
    return meeting


# --- The agenda -----------------------------------------------------------------------------


def _write_agenda(meeting: Meeting) -> None:
    """Write the generated items: existing ones keep their place, presenter and time; new ones
    go to the end of their section; stale generated items go; hand-added items stay."""
    dismissed = set(meeting.agenda_dismissed or [])
    specs = [s for s in agenda_draft(meeting) if s.key not in dismissed]
    existing = {i.key: i for i in meeting.agenda_items.all()}
    keys = {s.key for s in specs}
    stale = [i.pk for k, i in existing.items() if k and k not in keys]
    if stale:
        AgendaItem.objects.filter(pk__in=stale).delete()
    last: dict[int, int] = {}
    for item in existing.values():
        if item.pk not in stale:
            last[item.section] = max(last.get(item.section, 0), item.position)
    new, changed = [], []
    for spec in specs:
        item = existing.get(spec.key)
        fields = {
            "section": spec.section,
            "title": spec.title[:200],
            "marking": spec.marking,
            "country_id": spec.country_id,
            "entries": spec.entries,
            "flags": spec.flags,
        }
        if item is None:
            last[spec.section] = last.get(spec.section, 0) + 1
            new.append(
                AgendaItem(meeting=meeting, key=spec.key, position=last[spec.section], **fields)
            )
        else:
            for k, v in fields.items():
                setattr(item, k, v)
            changed.append(item)
    AgendaItem.objects.bulk_create(new)
    if changed:
        AgendaItem.objects.bulk_update(
            changed, ["section", "title", "marking", "country_id", "entries", "flags"]
        )
    meeting.agenda_generated_at = timezone.now()
    meeting.save(update_fields=["agenda_generated_at"])


def _agenda_open(meeting: Meeting) -> None:
    if not meeting.agenda_editable:
        raise InvalidTransition("The agenda is locked: a co-chair must reopen it to change it.")


def _locked_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def agenda_regenerate(*, actor: User, meeting: Meeting) -> Meeting:
    """Rebuild the generated items from the current state (until the agenda is locked)."""
    require(actor, "edit_agenda", meeting)
    with transaction.atomic(durable=True):
        locked = _locked_meeting(meeting)
        _agenda_open(locked)
        _write_agenda(locked)
        record_event(actor=actor, action="meeting.agenda.regenerate", obj=locked)
    return locked


def _clean_item_fields(
    presenter_agency: Agency | None, minutes_allocated: int | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if minutes_allocated is not None and not 0 < minutes_allocated <= 600:
        errors["minutes_allocated"] = ["Give a time between 1 and 600 minutes."]
    return errors


def agenda_item_add(
    *,
    actor: User,
    meeting: Meeting,
    title: str,
    notes: str = "",
    section: int = AgendaItem.Section.OTHER,
    presenter_agency: Agency | None = None,
    minutes_allocated: int | None = None,
    marking: str = markings.Marking.U,
) -> AgendaItem:
    """Add an item by hand (at the end of its section); regeneration keeps it."""
    require(actor, "edit_agenda", meeting)
    errors = _clean_item_fields(presenter_agency, minutes_allocated)
    if not (title or "").strip():
        errors["title"] = ["Give the item a title."]
    if section not in AgendaItem.Section.values:
        errors["section"] = ["Choose a section of the agenda."]
    if marking not in markings.ORDER:
        errors["marking"] = ["Choose a marking."]
    elif not markings.dominates(actor.clearance, marking):
        errors["marking"] = ["You cannot mark an item above your own clearance."]
    if errors:
        raise Invalid(errors=errors)
    with transaction.atomic(durable=True):
        locked = _locked_meeting(meeting)
        _agenda_open(locked)
        last = locked.agenda_items.filter(section=section).order_by("-position").first()
        item = AgendaItem.objects.create(
            meeting=locked,
            section=section,
            position=(last.position + 1) if last else 1,
            title=title.strip()[:200],
            notes=notes.strip(),
            presenter_agency=presenter_agency,
            minutes_allocated=minutes_allocated,
            marking=marking,
        )
        record_event(
            actor=actor,
            action="meeting.agenda.add",
            obj=locked,
            summary=item.title,
            marking=marking,
        )
    return item


def agenda_item_update(
    *,
    actor: User,
    item: AgendaItem,
    presenter_agency: Agency | None,
    minutes_allocated: int | None,
    title: str | None = None,
    notes: str | None = None,
) -> AgendaItem:
    """Give an item a presenter agency and a time (and, for a hand-added item, edit its text)."""
    require(actor, "edit_agenda", item.meeting)
    errors = _clean_item_fields(presenter_agency, minutes_allocated)
    if title is not None and not title.strip():
        errors["title"] = ["Give the item a title."]
    if errors:
        raise Invalid(errors=errors)
    with transaction.atomic(durable=True):
        _agenda_open(_locked_meeting(item.meeting))
        item.presenter_agency, item.minutes_allocated = presenter_agency, minutes_allocated
        fields = ["presenter_agency", "minutes_allocated"]
        if not item.key and title is not None:
            item.title = title.strip()[:200]
            fields.append("title")
        if not item.key and notes is not None:
            item.notes = notes.strip()
            fields.append("notes")
        item.save(update_fields=fields)
        record_event(
            actor=actor,
            action="meeting.agenda.update",
            obj=item.meeting,
            summary=item.title,
            marking=item.marking,
            changes={
                "presenter_agency": getattr(presenter_agency, "short_name", None),
                "minutes_allocated": minutes_allocated,
            },
        )
    return item


def agenda_item_remove(*, actor: User, item: AgendaItem) -> None:
    """Remove an item (a generated one comes back if the agenda is regenerated)."""
    require(actor, "edit_agenda", item.meeting)
    with transaction.atomic(durable=True):
        meeting = _locked_meeting(item.meeting)
        _agenda_open(meeting)
        AgendaItem.objects.filter(pk=item.pk).delete()
        if item.key and item.key not in meeting.agenda_dismissed:
            meeting.agenda_dismissed = [*meeting.agenda_dismissed, item.key]
            meeting.save(update_fields=["agenda_dismissed"])
        record_event(
            actor=actor,
            action="meeting.agenda.remove",
            obj=meeting,
            summary=item.title,
            marking=item.marking,
        )


def agenda_item_move(*, actor: User, item: AgendaItem, direction: str) -> None:
    """Move an item up or down within its section (swaps places with its neighbour)."""
    require(actor, "edit_agenda", item.meeting)
    if direction not in ("up", "down"):
        raise Invalid(errors={"direction": ["Move an item up or down."]})
    with transaction.atomic(durable=True):
        meeting = _locked_meeting(item.meeting)
        _agenda_open(meeting)
        siblings = list(
            meeting.agenda_items.filter(section=item.section).order_by("position", "id")
        )
        idx = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
        other = idx - 1 if direction == "up" else idx + 1
        if not 0 <= other < len(siblings):
            return
        siblings[idx], siblings[other] = siblings[other], siblings[idx]
        for pos, s in enumerate(siblings, start=1):
            s.position = pos
        AgendaItem.objects.bulk_update(siblings, ["position"])
        record_event(
            actor=actor,
            action="meeting.agenda.move",
            obj=meeting,
            summary=f"{item.title} {direction}",
            marking=item.marking,
        )


# --- The meeting's life cycle ---------------------------------------------------------------


def meeting_transition(*, actor: User, meeting: Meeting, action: str) -> Meeting:
    """Move the meeting along its life cycle (apc/meetings/workflow.py), with what each step
    implies: locking publishes the agenda to the members (and the warnings it lists) and tells
    them; opening the meeting sets up attendance; approving needs minutes; cancelling tells."""
    with transaction.atomic(durable=True):
        locked = _locked_meeting(meeting)
        t = MEETING_WORKFLOW.transition(locked.status, action)
        require(actor, t.permission, locked)
        before = locked.status
        now = timezone.now()
        fields = ["status", "updated_at"]
        if action == "lock_agenda":
            _write_agenda(locked)  # what is locked is the state of things now
            locked.agenda_locked_at, locked.agenda_locked_by = now, actor
            fields += ["agenda_locked_at", "agenda_locked_by"]
        elif action == "reopen_agenda":
            locked.agenda_locked_at, locked.agenda_locked_by = None, None
            fields += ["agenda_locked_at", "agenda_locked_by"]
        elif action == "hold":
            locked.held_at = now
            fields.append("held_at")
        elif action == "approve_minutes":
            if not locked.minutes.strip():
                raise Invalid(errors={"minutes": ["Write the minutes before approving them."]})
            locked.minutes_approved_at, locked.minutes_approved_by = now, actor
            fields += ["minutes_approved_at", "minutes_approved_by"]
        elif action == "close":
            locked.closed_at = now
            fields.append("closed_at")
        locked.status, locked.updated_at = t.target, now
        locked.save(update_fields=fields)
        record_event(
            actor=actor,
            action=f"meeting.{action}",
            obj=locked,
            changes={"status": {"before": before, "after": locked.status}},
        )
        if action == "lock_agenda":
            _publish_agenda(locked)
        elif action in ("reopen_agenda", "cancel"):
            _withdraw_agenda(locked)
        if action == "hold":
            _open_attendance(locked)
        elif action == "cancel":
            _tell(locked, f"{locked.title} cancelled", f"{locked} is cancelled.", "cancelled")
    return locked


def _tell(meeting: Meeting, subject: str, body: str, key: str) -> None:
    notify(
        committee_recipients(meeting),
        subject,
        body,
        link=reverse("meeting-detail", args=[meeting.pk]),
        marking=meeting.marking,
        event_key=f"meeting:{meeting.pk}:{key}",
    )


def _publish_agenda(meeting: Meeting) -> None:
    """The agenda goes to the members: the warnings it lists become visible to them (the alert
    channel's rule: members see a warning once it is on a meeting agenda)."""
    Warning = apps.get_model("watchlist", "Warning")  # noqa: N806
    ids = {
        e["warning"]
        for item in meeting.agenda_items.all()
        for e in item.entries
        if e.get("warning")
    }
    if ids:
        Warning.objects.filter(pk__in=ids, agenda_meeting__isnull=True).update(
            agenda_meeting=meeting
        )
    when = timezone.localtime(meeting.starts_at, _tz()).strftime("%Y-%m-%d %H:%M %Z")
    _tell(
        meeting,
        f"Agenda locked: {meeting.title}",
        f"The agenda of the {meeting.title} of {when} is locked and ready to read.",
        f"agenda_locked:{meeting.agenda_locked_at.isoformat()}",
    )


def _withdraw_agenda(meeting: Meeting) -> None:
    """A reopened or cancelled agenda is no longer before the members: the warnings it made
    visible to them go back to the alert channel's distribution (until an agenda is locked
    again). Warnings an earlier meeting's agenda carried stay with that meeting."""
    Warning = apps.get_model("watchlist", "Warning")  # noqa: N806
    Warning.objects.filter(agenda_meeting=meeting).update(agenda_meeting=None)


def _open_attendance(meeting: Meeting) -> None:
    have = set(meeting.attendance.values_list("agency_id", flat=True))
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, agency=a)
            for a in member_agencies(committee_today())
            if a.pk not in have
        ]
    )


# --- Attendance and quorum ------------------------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    met: bool
    co_chairs_present: int
    co_chairs_needed: int
    agencies_represented: int
    member_agencies: int
    agencies_needed: int

    def __str__(self) -> str:
        state = "Quorum" if self.met else "No quorum"
        chairs = "co-chair" if self.co_chairs_present == 1 else "co-chairs"
        return (
            f"{state}: {self.co_chairs_present} {chairs}"
            f" present ({self.co_chairs_needed} needed); {self.agencies_represented} of "
            f"{self.member_agencies} member agencies represented ({self.agencies_needed} needed)"
        )


def quorum_rule(*, co_chairs_present: int, represented: int, member_count: int) -> Quorum:
    """THE quorum rule (settings.MEETING_QUORUM): at least `co_chairs` co-chairs present and more
    than `agency_share` of the member agencies represented (default: one co-chair and a
    majority). With no member agencies seated there is no quorum."""
    rule = settings.MEETING_QUORUM
    chairs = int(rule.get("co_chairs", 1))
    needed = int(member_count * float(rule.get("agency_share", 0.5))) + 1
    return Quorum(
        met=co_chairs_present >= chairs and member_count > 0 and represented >= needed,
        co_chairs_present=co_chairs_present,
        co_chairs_needed=chairs,
        agencies_represented=represented,
        member_agencies=member_count,
        agencies_needed=needed,
    )


def quorum_of(meeting: Meeting) -> Quorum:
    rows = list(meeting.attendance.all())
    return quorum_rule(
        co_chairs_present=meeting.co_chairs_present.count(),
        represented=sum(1 for r in rows if r.represented),
        member_count=len(rows),
    )


def attendance_record(
    *,
    actor: User,
    meeting: Meeting,
    statuses: dict[int, tuple[str, User | None]],
    co_chairs_present: Iterable[User],
) -> Quorum:
    """Record who attended while the meeting is held: per member agency its principal, an
    alternate, or absent (with who came), and which co-chairs were present."""
    require(actor, "record_attendance", meeting)
    co_chairs = list(co_chairs_present)
    errors: dict[str, list[str]] = {}
    for agency_id, (status, attendee) in statuses.items():
        if status not in Attendance.Status.values:
            errors[f"agency_{agency_id}"] = ["Choose principal, alternate or absent."]
        elif attendee is not None and attendee.agency_id != agency_id:
            errors[f"agency_{agency_id}"] = ["The attendee must belong to that agency."]
    for u in co_chairs:
        if roles.CO_CHAIR not in u.roles:
            errors["co_chairs_present"] = [f"{u} is not a co-chair."]
    if errors:
        raise Invalid(errors=errors)
    with transaction.atomic(durable=True):
        locked = _locked_meeting(meeting)
        if locked.status != Meeting.Status.HELD:
            raise InvalidTransition("Attendance is recorded while the meeting is held.")
        rows = {r.agency_id: r for r in locked.attendance.all()}
        unknown = [a for a in statuses if a not in rows]
        if unknown:
            raise Invalid(errors={"attendance": ["Only member agencies are recorded."]})
        now = timezone.now()
        for agency_id, (status, attendee) in statuses.items():
            row = rows[agency_id]
            row.status, row.attendee, row.recorded_at = (
                status,
                attendee if status != Attendance.Status.ABSENT else None,
                now,
            )
        Attendance.objects.bulk_update(list(rows.values()), ["status", "attendee", "recorded_at"])
        locked.co_chairs_present.set(co_chairs)
        q = quorum_of(locked)
        # decisions taken so far are flagged by the quorum as now recorded (attendance may be
        # entered or corrected after the first decision)
        locked.decisions.exclude(without_quorum=not q.met).update(without_quorum=not q.met)
        record_event(
            actor=actor,
            action="meeting.attendance",
            obj=locked,
            summary=str(q),
            changes={
                "attendance": {str(rows[a].agency_id): s for a, (s, _) in statuses.items()},
                "co_chairs_present": [u.pk for u in co_chairs],
            },
        )
    return q


# --- Minutes --------------------------------------------------------------------------------


def minutes_save(*, actor: User, meeting: Meeting, text: str, marking: str) -> Meeting:
    """Write the minutes (Markdown, marked) while the meeting is held; frozen once approved."""
    require(actor, "write_minutes", meeting)
    if marking not in markings.ORDER:
        raise Invalid(errors={"minutes_marking": ["Choose a marking."]})
    if not markings.dominates(actor.clearance, marking):
        raise Invalid(
            errors={"minutes_marking": ["You cannot mark minutes above your own clearance."]}
        )
    with transaction.atomic(durable=True):
        locked = _locked_meeting(meeting)
        if locked.minutes_frozen:
            raise InvalidTransition(
                "The minutes are approved and frozen: add an addendum to correct them."
            )
        if locked.status != Meeting.Status.HELD:
            raise InvalidTransition("Minutes are written once the meeting is held.")
        if not markings.dominates(actor.clearance, locked.minutes_marking):
            raise Invalid(errors={"minutes": ["The minutes are marked above your clearance."]})
        before = locked.minutes_marking
        locked.minutes, locked.minutes_marking = text.strip(), marking
        locked.updated_at = timezone.now()
        locked.save(update_fields=["minutes", "minutes_marking", "updated_at"])
        record_event(
            actor=actor,
            action="meeting.minutes",
            obj=locked,
            marking=markings.highest([marking, before]),
            changes={"minutes_marking": {"before": before, "after": marking}},
        )
    return locked


def addendum_add(*, actor: User, meeting: Meeting, text: str, marking: str) -> MinutesAddendum:
    """Correct approved minutes by an addendum (the minutes themselves never change)."""
    require(actor, "add_addendum", meeting)
    errors = {}
    if not (text or "").strip():
        errors["text"] = ["Write the correction."]
    if marking not in markings.ORDER or not markings.dominates(actor.clearance, marking):
        errors["marking"] = ["Choose a marking within your clearance."]
    if errors:
        raise Invalid(errors=errors)
    with transaction.atomic(durable=True):
        locked = _locked_meeting(meeting)
        if not locked.minutes_frozen:
            raise InvalidTransition("Addenda correct approved minutes; edit the draft instead.")
        add = MinutesAddendum.objects.create(
            meeting=locked, text=text.strip(), marking=marking, author=actor
        )
        record_event(actor=actor, action="meeting.addendum", obj=add, summary=str(locked))
    return add


# --- Decisions ------------------------------------------------------------------------------


def decision_record(
    *,
    actor: User,
    meeting: Meeting,
    kind: str,
    text: str,
    country: Any = None,
    warning: Any = None,
    to_tier: str | None = None,
    marking: str = markings.Marking.U,
    plan: Any = None,
) -> Decision:
    """Record a decision while the meeting is held. A tier-change decision moves the country
    through the watchlist's tier_change (its consequences included) with this meeting linked;
    a decision taken without quorum is flagged."""
    from watchlist.services import tier_change_in_transaction

    require(actor, "record_decision", meeting)
    errors: dict[str, list[str]] = {}
    if kind not in Decision.Kind.values:
        errors["kind"] = ["Choose the kind of decision."]
    if not (text or "").strip():
        errors["text"] = ["Write the decision."]
    if marking not in markings.ORDER or not markings.dominates(actor.clearance, marking):
        errors["marking"] = ["Choose a marking within your clearance."]
    if kind == Decision.Kind.TIER_CHANGE and country is None:
        errors["country"] = ["A tier-change decision names its country."]
    if warning is not None and country is not None and warning.country_id != country.pk:
        errors["warning"] = ["The warning concerns another country."]
    if kind == Decision.Kind.PLAN_DECISION and plan is None:
        errors["plan"] = ["A plan decision names its plan."]
    if plan is not None and country is not None and plan.country_id != country.pk:
        errors["plan"] = ["The plan concerns another country."]
    if errors:
        raise Invalid(errors=errors)
    if warning is not None:
        require(actor, "view", warning)
        country = country or warning.country
    if plan is not None:
        require(actor, "view", plan)
        country = country or plan.country
    if country is not None:
        require(actor, "view", country)
    with transaction.atomic(durable=True):
        locked = _locked_meeting(meeting)
        if locked.status != Meeting.Status.HELD:
            raise InvalidTransition("Decisions are recorded only while the meeting is held.")
        change = None
        if kind == Decision.Kind.TIER_CHANGE:
            change = tier_change_in_transaction(
                country=country,
                to_tier=to_tier or None,
                rationale=text,
                actor=actor,
                meeting=locked,
            )
            if change is None:
                raise Invalid(errors={"to_tier": ["The country already has this tier."]})
        levels = [marking]
        levels += [o.marking for o in (country, warning, plan) if o is not None]
        decision = Decision.objects.create(
            meeting=locked,
            kind=kind,
            text=text.strip(),
            country=country,
            warning=warning,
            plan=plan,
            tier_change=change,
            without_quorum=not quorum_of(locked).met,
            recorded_by=actor,
            marking=markings.highest(levels),
        )
        record_event(
            actor=actor,
            action="meeting.decision",
            obj=decision,
            summary=f"{decision.get_kind_display()} at {locked}"
            + (" (without quorum)" if decision.without_quorum else ""),
        )
    return decision


# --- Action items ---------------------------------------------------------------------------


def _clean_assignee(owner_agency: Agency, assignee: User | None) -> dict[str, list[str]]:
    if assignee is not None and assignee.agency_id != owner_agency.pk:
        return {"assignee": [f"The assignee must belong to {owner_agency}."]}
    return {}


def action_item_create(
    *,
    actor: User,
    meeting: Meeting,
    text: str,
    owner_agency: Agency,
    due: date,
    assignee: User | None = None,
    decision: Decision | None = None,
    country: Any = None,
    marking: str = markings.Marking.U,
) -> ActionItem:
    """Record an action the held meeting agreed, owned by an agency, due on a date."""
    require(actor, "add_action_item", meeting)
    errors: dict[str, list[str]] = {}
    if not (text or "").strip():
        errors["text"] = ["Describe the action."]
    if due is None:
        errors["due"] = ["Give a due date."]
    if marking not in markings.ORDER or not markings.dominates(actor.clearance, marking):
        errors["marking"] = ["Choose a marking within your clearance."]
    if decision is not None and decision.meeting_id != meeting.pk:
        errors["decision"] = ["The decision belongs to another meeting."]
    errors.update(_clean_assignee(owner_agency, assignee))
    if errors:
        raise Invalid(errors=errors)
    if country is not None:
        require(actor, "view", country)
    with transaction.atomic(durable=True):
        locked = _locked_meeting(meeting)
        if locked.status != Meeting.Status.HELD:
            raise InvalidTransition("Action items are agreed while the meeting is held.")
        levels = [marking] + [o.marking for o in (country, decision) if o is not None]
        item = ActionItem.objects.create(
            meeting=locked,
            decision=decision,
            text=text.strip(),
            country=country,
            owner_agency=owner_agency,
            assignee=assignee,
            due=due,
            marking=markings.highest(levels),
        )
        record_event(
            actor=actor,
            action="action_item.create",
            obj=item,
            summary=f"{owner_agency}, due {due}",
        )
        notify(
            _agency_people(owner_agency, item),
            "New action item for your agency",
            f"{locked} agreed an action for {owner_agency}, due {due}:\n\n{item.text}",
            link=reverse("action-item-detail", args=[item.pk]),
            marking=item.marking,
            event_key=f"action:{item.pk}:created",
        )
    return item


def _agency_people(agency: Agency, item: ActionItem | None = None) -> list[User]:
    """Who acts for an agency's action items: its seated principal and alternates (else its
    members) and the assignee."""
    seated = list(
        User.objects.filter(
            pk__in=seats_on()
            .filter(agency=agency, seat__in=[Membership.Seat.PRINCIPAL, Membership.Seat.ALTERNATE])
            .values("user_id"),
            is_active=True,
        )
    )
    people = {u.pk: u for u in seated}
    if not people:
        people = {
            u.pk: u
            for u in User.objects.filter(
                agency=agency, groups__name=roles.MEMBER, is_active=True
            ).distinct()
        }
    if item is not None and item.assignee_id and item.assignee.is_active:
        people[item.assignee_id] = item.assignee
    return list(people.values())


def action_item_update(
    *,
    actor: User,
    item: ActionItem,
    status: str | None = None,
    implementation_notes: str | None = None,
    impact: str | None = None,
    note: str = "",
) -> ActionItem:
    """The owner agency reports on its action: status, implementation notes, impact. Each update
    is kept (the next meeting reviews the history)."""
    require(actor, "update", item)
    if status is not None and status not in ActionItem.Status.values:
        raise Invalid(errors={"status": ["Choose open, in progress, done or dropped."]})
    with transaction.atomic(durable=True):
        locked = ActionItem.objects.select_for_update().get(pk=item.pk)
        changes: dict[str, Any] = {}
        for name, value in (
            ("status", status),
            ("implementation_notes", implementation_notes),
            ("impact", impact),
        ):
            if value is None:
                continue
            value = value.strip()
            if getattr(locked, name) != value:
                changes[name] = {"before": getattr(locked, name), "after": value}
                setattr(locked, name, value)
        if not changes and not note.strip():
            return locked
        now = timezone.now()
        if "status" in changes:
            locked.closed_at = now if locked.status in ActionItem.CLOSED else None
        locked.updated_at = now
        locked.save(
            update_fields=[
                "status",
                "implementation_notes",
                "impact",
                "closed_at",
                "updated_at",
            ]
        )
        ActionItemUpdate.objects.create(item=locked, author=actor, changes=changes, note=note)
        record_event(actor=actor, action="action_item.update", obj=locked, changes=changes)
    return locked


def action_item_reassign(
    *,
    actor: User,
    item: ActionItem,
    owner_agency: Agency,
    assignee: User | None,
    due: date,
    note: str = "",
) -> ActionItem:
    """A co-chair gives an action to another agency or person, or a new due date."""
    require(actor, "reassign", item)
    errors = _clean_assignee(owner_agency, assignee)
    if due is None:
        errors["due"] = ["Give a due date."]
    if errors:
        raise Invalid(errors=errors)
    with transaction.atomic(durable=True):
        locked = ActionItem.objects.select_for_update().get(pk=item.pk)
        changes = {}
        for name, value in (
            ("owner_agency_id", owner_agency.pk),
            ("assignee_id", getattr(assignee, "pk", None)),
            ("due", due),
        ):
            before = getattr(locked, name)
            if before != value:
                changes[name] = {"before": str(before), "after": str(value)}
                setattr(locked, name, value)
        if not changes:
            return locked
        locked.updated_at = timezone.now()
        locked.save(update_fields=["owner_agency", "assignee", "due", "updated_at"])
        ActionItemUpdate.objects.create(item=locked, author=actor, changes=changes, note=note)
        record_event(actor=actor, action="action_item.reassign", obj=locked, changes=changes)
        notify(
            _agency_people(owner_agency, locked),
            "Action item assigned to your agency",
            f"A co-chair assigned an action to {owner_agency}, due {due}:\n\n{locked.text}",
            link=reverse("action-item-detail", args=[locked.pk]),
            marking=locked.marking,
            event_key=f"action:{locked.pk}:assigned:{owner_agency.pk}:{due}",
        )
    return locked


# --- Reminders ------------------------------------------------------------------------------


def meetings_reminders(*, now: datetime | None = None) -> int:
    """Tell members of a meeting a day before it, and an agency of its action items falling due
    and overdue. Driven by database state; each reminder is sent once (notification event keys),
    so running it any number of times sends nothing twice. Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    soon = Meeting.objects.filter(
        starts_at__gt=now,
        starts_at__lte=now + timedelta(hours=settings.MEETING_REMINDER_HOURS),
        status__in=[Meeting.Status.SCHEDULED, Meeting.Status.AGENDA_LOCKED],
    )
    for meeting in soon:
        when = timezone.localtime(meeting.starts_at, _tz()).strftime("%Y-%m-%d %H:%M %Z")
        with transaction.atomic():
            sent += len(
                notify(
                    committee_recipients(meeting),
                    f"Tomorrow: {meeting.title}",
                    f"The {meeting.title} meets at {when}, {meeting.location}.",
                    link=reverse("meeting-detail", args=[meeting.pk]),
                    marking=meeting.marking,
                    event_key=f"meeting:{meeting.pk}:reminder:{meeting.starts_at.isoformat()}",
                )
            )
    today = committee_today(now)
    due = ActionItem.objects.filter(
        status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS],
        due__lte=today + timedelta(days=settings.ACTION_ITEM_DUE_NOTICE_DAYS),
    ).select_related("owner_agency", "assignee")

    def key(item: ActionItem) -> str:
        kind = "overdue" if item.due < today else "due"
        return f"action:{item.pk}:{kind}:{item.due.isoformat()}"

    pending = {key(item): item for item in due}
    # the reminders already sent are skipped in one query (overdue items stay in `due` for good)
    already = set(
        Notification.objects.filter(event_key__in=list(pending)).values_list("event_key", flat=True)
    )
    for event_key, item in pending.items():
        if event_key in already:
            continue
        overdue = item.due < today
        subject = "Action item overdue" if overdue else "Action item falling due"
        with transaction.atomic():
            sent += len(
                notify(
                    _agency_people(item.owner_agency, item),
                    subject,
                    f"Action #{item.pk} of {item.owner_agency} is due {item.due}:\n\n{item.text}",
                    link=reverse("action-item-detail", args=[item.pk]),
                    marking=item.marking,
                    event_key=event_key,
                )
            )
    return sent


# --- Calendar feeds -------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_issue(*, actor: User) -> str:
    """Issue (or replace) the user's secret feed token; returns the token, shown once. The old
    URL stops working at once."""
    require(actor, "meetings.calendar")
    token = secrets.token_urlsafe(32)
    with transaction.atomic(durable=True):
        CalendarFeed.objects.update_or_create(
            user=actor, defaults={"token_hash": _hash(token), "created_at": timezone.now()}
        )
        record_event(actor=actor, action="calendar.issue", summary="calendar feed URL issued")
    return token


def calendar_feed_revoke(*, actor: User) -> bool:
    with transaction.atomic(durable=True):
        deleted, _ = CalendarFeed.objects.filter(user=actor).delete()
        if deleted:
            record_event(actor=actor, action="calendar.revoke", summary="calendar feed revoked")
    return bool(deleted)


def calendar_feed_user(token: str) -> User | None:
    """The active user whose feed `token` opens, or None (unknown, revoked, deactivated)."""
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=_hash(token or "")).first()
    if feed is None or not feed.user.is_active:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed.user
