"""Demo content of the APC meetings for the embedded default (seed_demo; DEBUG only).

The committee of recommendation 4-1 (seeds/000, "Crisis Response Structure and Process"): the
two co-chairs and a principal for each member agency; a year of the bimonthly cycle (the six
previous slots, closed, with attendance, agendas, Markdown minutes, decisions and action items
in every status, some overdue); the next regular meeting with its draft agenda (the scheduler's
own work); and one emergency meeting a member sought at the level of the Deputies Committee.

The past is written with the ORM, dated when it happened (the services date everything now and
refuse past meetings); what happens today goes through the services. The tier-change decisions
are the watchlist demo's own tier changes (watchlist/demo.py HISTORY): the tier history is
append-only, so a decision points at its change (`Decision.tier_change`) but the change cannot
be re-dated to name the meeting. Invented names and events, on the watchlist demo's countries
only. Idempotent: each part is skipped once it exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apc import services as apc_services
from apc.core import markings
from apc.core.markings import Marking
from apc.meetings import services
from apc.meetings.models import (
    ActionItem,
    ActionItemUpdate,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Membership,
    MinutesAddendum,
)
from apc.models import Agency, EmergencyRequest, User

CO_CHAIRS = ("cochair.nsc", "cochair.state")
# member agency -> its principal's demo account (apc/demo.py)
PRINCIPALS = {
    "state": "member.state",
    "defense": "member.defense",
    "jcs": "member.jcs",
    "odni": "member.ic",
    "justice": "member.justice",
    "treasury": "member.treasury",
    "usaid": "member.usaid",
}
AGENCY_ORDER = tuple(PRINCIPALS)


@dataclass(frozen=True)
class Action:
    owner: str  # Agency.code
    text: str
    country: str | None
    due_days: int  # after the meeting
    # (days after the meeting, status, implementation notes, impact); later ones than today
    # have not happened yet and are skipped
    updates: tuple[tuple[int, str, str, str], ...] = ()
    marking: str = Marking.U


@dataclass(frozen=True)
class Past:
    attendance: str  # per AGENCY_ORDER: P principal, A alternate, - absent
    co_chairs: tuple[str, ...]
    note: str  # what the minutes record beyond the decisions and actions
    decision: tuple[str, str, str | None]  # (kind, text, country)
    actions: tuple[Action, ...] = field(default_factory=tuple)
    minutes_marking: str = Marking.U
    addendum: str = ""


# The six previous meetings, oldest first.
PAST = (
    Past(
        attendance="PPAPPPA",
        co_chairs=CO_CHAIRS,
        note="The directorate presented the latest risk assessment and warning analysis. "
        "Members stressed the displacement in Darfur and the election tensions in South Sudan.",
        decision=(
            "tasking",
            "Member agencies report on humanitarian access in Darfur and on early warning in "
            "South Sudan at the next meeting.",
            None,
        ),
        actions=(
            Action(
                "state",
                "Demarche to the government of Sudan on access for humanitarian convoys to Darfur.",
                "SDN",
                30,
                (
                    (10, "in_progress", "Demarche delivered in Port Sudan.", ""),
                    (
                        40,
                        "done",
                        "Demarche delivered; followed up with partner envoys.",
                        "Convoys admitted to two localities; access elsewhere still denied.",
                    ),
                ),
            ),
            Action(
                "usaid",
                "Fund community early-warning networks in South Sudan's border counties.",
                "SSD",
                60,
                (
                    (20, "in_progress", "Two implementing partners selected.", ""),
                    (
                        90,
                        "done",
                        "Networks active in four counties.",
                        "Local alerts preceded two evacuations of villages.",
                    ),
                ),
            ),
        ),
    ),
    Past(
        attendance="P--A--P",
        co_chairs=("cochair.nsc",),
        note="Members discussed militia mobilisation in Darfur and how the militias are "
        "financed; the intelligence community will brief on the indicators.",
        decision=(
            "escalation",
            "Refer the situation in Darfur to the Deputies Committee for a decision on "
            "targeted sanctions.",
            "SDN",
        ),
        actions=(
            Action(
                "odni",
                "Brief the committee on militia mobilisation in Darfur (case-specific "
                "indicators and warnings).",
                "SDN",
                21,
                ((14, "done", "Briefing given.", "Three indicators added to monitoring."),),
            ),
            Action(
                "treasury",
                "Prepare options for targeted sanctions on the financiers of militias.",
                "SDN",
                45,
                ((30, "in_progress", "Designation packages drafted for two networks.", ""),),
            ),
        ),
    ),
    Past(
        attendance="PPPPA-P",
        co_chairs=CO_CHAIRS,
        note="The committee reviewed the campaign against the Rohingya in Burma and the "
        "rehearsal of crisis management procedures.",
        decision=(
            "other",
            "Endorse the directorate's proposal to rehearse the crisis response procedures "
            "with the Joint Staff before the end of the year.",
            None,
        ),
        actions=(
            Action(
                "defense",
                "Review military-to-military contacts with the armed forces of Burma.",
                "MMR",
                30,
                ((25, "dropped", "Contacts already suspended; nothing further to review.", ""),),
            ),
            Action(
                "justice",
                "Assess options to support accountability for atrocities against the Rohingya.",
                "MMR",
                60,
            ),
        ),
    ),
    Past(
        attendance="PAPP-PP",
        co_chairs=("cochair.state",),
        note="Ethnic killings in Ituri and militia recruitment in the east of the DRC "
        "dominated the review of countries of moderate concern.",
        decision=(
            "tasking",
            "Task the directorate to coordinate a statement with partners on the reprisal "
            "killings in Ituri.",
            "COD",
        ),
        actions=(
            Action(
                "state",
                "Coordinate a joint statement with partners on the reprisal killings in Ituri.",
                "COD",
                14,
                (
                    (
                        10,
                        "done",
                        "Joint statement issued with three partners.",
                        "Cited by the UN mission; no measurable change on the ground yet.",
                    ),
                ),
            ),
            Action(
                "jcs",
                "Assess logistics support options for the UN mission in the eastern DRC.",
                "COD",
                45,
                ((20, "in_progress", "Joint Staff assessment under way.", ""),),
            ),
        ),
        addendum="Correction: the joint statement on Ituri was issued with four partners, "
        "not three.",
    ),
    Past(
        attendance="PPAPPAP",
        co_chairs=CO_CHAIRS,
        note="The committee discussed the air strikes on villages in Burma and the mass "
        "displacement across the border, and reports of mass killings in Ethiopia.",
        decision=(
            "tasking",
            "Request a crisis prevention plan for Ethiopia, covering the pre-crisis prevention "
            "initiatives of each member agency.",
            "ETH",
        ),
        actions=(
            Action(
                "usaid",
                "Expand humanitarian assistance to people displaced from Burma across the border.",
                "MMR",
                60,
                ((7, "in_progress", "Additional funding notified to partners.", ""),),
                marking=Marking.C,
            ),
            Action(
                "state",
                "Contribute prevention initiatives to the crisis prevention plan for Ethiopia.",
                "ETH",
                120,
            ),
        ),
        minutes_marking=Marking.C,
    ),
    Past(
        attendance="PPPPPPP",
        co_chairs=CO_CHAIRS,
        note="With Sudan high and rising, the committee initiated a crisis response plan "
        "beginning with the three assessments, and reviewed the agreed actions.",
        decision=(
            "tasking",
            "Initiate the crisis response plan for Sudan, beginning with a target country "
            "assessment by the intelligence community.",
            "SDN",
        ),
        actions=(
            Action(
                "odni",
                "Target country assessment of Sudan: leadership, sources of support and "
                "points of leverage.",
                "SDN",
                75,
            ),
            Action(
                "state",
                "Engage regional partners on a ceasefire around El Fasher.",
                "SDN",
                90,
            ),
            Action(
                "treasury",
                "Review remittance channels used to finance militias in Sudan.",
                "SDN",
                100,
            ),
        ),
    ),
)


def seed(stdout) -> None:
    """Create the meetings demo (after every app's demo data: it reads the watchlist)."""
    if not settings.DEBUG:
        raise RuntimeError("The meetings demo data is for DEBUG only.")
    names = (*CO_CHAIRS, *PRINCIPALS.values(), "directorate")
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if len(users) != len(names):
        stdout.write("Meetings demo data skipped: the demo accounts are missing.")
        return
    now = timezone.now()
    days = _previous_slots(now, len(PAST))
    _seat_committee(users, days[0] - timedelta(days=30))
    made_past = False
    if not Meeting.objects.filter(kind=Meeting.Kind.REGULAR, status=Meeting.Status.CLOSED).exists():
        with transaction.atomic():
            _past_meetings(users, days, now)
        made_past = True
    # the next regular meeting and its draft agenda: the scheduler's work (a meeting it made
    # before the past was written gets its agenda redrafted)
    made = services.meetings_schedule()
    upcoming = services.next_regular_meeting()
    if made_past and upcoming not in made and upcoming.agenda_editable:
        services.agenda_regenerate(actor=users["directorate"], meeting=upcoming)
    _emergency_meeting(users)
    past = Meeting.objects.filter(kind=Meeting.Kind.REGULAR, status=Meeting.Status.CLOSED)
    stdout.write(
        f"Meetings demo data: {past.count()} past meetings, "
        f"{ActionItem.objects.count()} action items, next meeting "
        f"{upcoming.starts_at:%Y-%m-%d}, "
        f"{Meeting.objects.filter(kind=Meeting.Kind.EMERGENCY).count()} emergency meeting(s)."
    )


def _previous_slots(now: datetime, count: int) -> list[date]:
    """The last `count` slots of the cycle that started before `now`, oldest first."""
    slots = services.slots_from(
        now - timedelta(days=31 * settings.MEETING_CADENCE_MONTHS * (count + 1))
    )
    days = []
    for day in slots:
        if services.slot_start(day) >= now:
            break
        days.append(day)
    return days[-count:]


def _seat_committee(users: dict[str, User], since: date) -> None:
    if Membership.objects.exists():
        return
    chair = users[CO_CHAIRS[0]]
    for name in CO_CHAIRS:
        services.membership_add(actor=chair, user=users[name], seat="co_chair", starts_on=since)
    for name in PRINCIPALS.values():
        services.membership_add(actor=chair, user=users[name], seat="principal", starts_on=since)


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.MEETING_TIMEZONE)


def _status_at(action: Action, agreed: datetime, when: datetime) -> tuple[str, str, str, datetime]:
    """An action's status, notes, impact and last change as they stood at `when`."""
    status, notes, impact, changed = "open", "", "", agreed
    for after, new_status, new_notes, new_impact in action.updates:
        at = agreed + timedelta(days=after)
        if at > when:
            break
        status, notes, impact, changed = new_status, new_notes, new_impact or impact, at
    return status, notes, impact, changed


def _past_meetings(users: dict[str, User], days: list[date], now: datetime) -> None:
    TierChange = apps.get_model("watchlist", "TierChange")  # noqa: N806
    Country = apps.get_model("watchlist", "Country")  # noqa: N806
    agencies = {a.code: a for a in Agency.objects.all()}
    countries = {c.pk: c for c in Country.objects.all()}
    changes = list(TierChange.objects.select_related("country").order_by("effective", "id"))
    staff = users["directorate"]
    starts = [services.slot_start(d) for d in days]
    agreed: list[tuple[ActionItem, Action, datetime]] = []  # every action so far
    for k, (day, start, plan) in enumerate(zip(days, starts, PAST, strict=True)):
        prev = starts[k - 1] if k else start - timedelta(days=61)
        nxt = starts[k + 1] if k + 1 < len(starts) else now
        chair = users[plan.co_chairs[0]]  # who ran it, locked its agenda and decided
        meeting = _meeting(day, start, chair, now)
        # attendance and quorum
        rows = []
        for code, mark in zip(AGENCY_ORDER, plan.attendance, strict=True):
            status = {"P": "principal", "A": "alternate", "-": "absent"}[mark]
            who = users[PRINCIPALS[code]] if mark == "P" else None
            rows.append(
                Attendance(
                    meeting=meeting,
                    agency=agencies[code],
                    status=status,
                    attendee=who,
                    recorded_at=start,
                )
            )
        Attendance.objects.bulk_create(rows)
        meeting.co_chairs_present.set([users[n] for n in plan.co_chairs])
        quorum = services.quorum_rule(
            co_chairs_present=len(plan.co_chairs),
            represented=sum(1 for r in rows if r.represented),
            member_count=len(rows),
        )
        # the agenda as it stood, then what the meeting decided and agreed
        _agenda(meeting, prev, start, changes, countries, agreed, agencies)
        # the watchlist's changes that took effect from this meeting until the next one were
        # decided here
        decisions = [
            _tier_decision(meeting, change, chair, quorum.met, start)
            for change in changes
            if start <= _at(change.effective) < nxt
        ]
        kind, text, iso3 = plan.decision
        tasking = Decision.objects.create(
            meeting=meeting,
            kind=kind,
            text=text,
            country=countries.get(iso3),
            without_quorum=not quorum.met,
            recorded_by=chair,
            recorded_at=start + timedelta(minutes=90),
            marking=countries[iso3].marking if iso3 else Marking.U,
        )
        decisions.append(tasking)
        new = []
        for i, action in enumerate(plan.actions):
            item = _action_item(
                meeting, action, agencies, users, tasking if i == 0 else None, start, now
            )
            new.append((item, action, start))
        agreed += new
        meeting.minutes, meeting.minutes_marking = _minutes(
            plan, quorum, decisions, new, agreed, prev, start, users
        )
        meeting.save(update_fields=["minutes", "minutes_marking"])
        if plan.addendum:
            MinutesAddendum.objects.create(
                meeting=meeting,
                text=plan.addendum,
                author=staff,
                created_at=min(now, start + timedelta(days=12)),
            )


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=_tz())


def _meeting(day: date, start: datetime, chair: User, now: datetime) -> Meeting:
    fields = {
        "starts_at": start,
        "ends_at": start + timedelta(minutes=settings.MEETING_DURATION_MINUTES),
        "location": settings.MEETING_LOCATION,
        "status": Meeting.Status.CLOSED,
        "agenda_generated_at": start - timedelta(days=14),
        "agenda_locked_at": start - timedelta(days=7),
        "agenda_locked_by": chair,
        "held_at": start,
        "minutes_approved_at": min(now, start + timedelta(days=7)),
        "minutes_approved_by": chair,
        "closed_at": min(now, start + timedelta(days=8)),
        "created_at": start - timedelta(days=60),
        "updated_at": min(now, start + timedelta(days=8)),
    }
    # the scheduler may have made this slot's meeting while it was upcoming: complete it
    meeting = Meeting.objects.filter(kind=Meeting.Kind.REGULAR, slot=day).first()
    if meeting is None:
        return Meeting.objects.create(kind=Meeting.Kind.REGULAR, slot=day, **fields)
    meeting.agenda_items.all().delete()
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.save()
    return meeting


def _tier_decision(meeting, change, chair, quorate: bool, start: datetime) -> Decision:
    label = dict(change._meta.get_field("to_tier").choices)
    text = (
        f"{change.country.name}: {label.get(change.from_tier, 'not listed')} → "
        f"{label.get(change.to_tier, 'not listed')}, effective {change.effective}. "
        f"{change.rationale}"
    )
    return Decision.objects.create(
        meeting=meeting,
        kind=Decision.Kind.TIER_CHANGE,
        text=text,
        country=change.country,
        tier_change=change,
        without_quorum=not quorate,
        recorded_by=chair,
        recorded_at=start + timedelta(minutes=30),
        marking=change.country.marking,
    )


def _action_item(meeting, action, agencies, users, decision, start, now) -> ActionItem:
    owner = agencies[action.owner]
    author = users[PRINCIPALS[action.owner]]
    status, notes, impact, changed = _status_at(action, start, now)
    item = ActionItem.objects.create(
        meeting=meeting,
        decision=decision,
        text=action.text,
        country_id=action.country,
        owner_agency=owner,
        assignee=author,
        due=(start + timedelta(days=action.due_days)).date(),
        status=status,
        implementation_notes=notes,
        impact=impact,
        marking=action.marking,
        created_at=start + timedelta(minutes=100),
        updated_at=changed,
        closed_at=changed if status in ActionItem.CLOSED else None,
    )
    history = []
    before = {"status": "open", "implementation_notes": "", "impact": ""}
    for after, new_status, new_notes, new_impact in action.updates:
        at = start + timedelta(days=after)
        if at > now:
            break
        now_values = {
            "status": new_status,
            "implementation_notes": new_notes,
            "impact": new_impact or before["impact"],
        }
        diff = {
            k: {"before": before[k], "after": v} for k, v in now_values.items() if before[k] != v
        }
        history.append(ActionItemUpdate(item=item, author=author, at=at, changes=diff))
        before = now_values
    ActionItemUpdate.objects.bulk_create(history)
    return item


def _agenda(meeting, prev, start, changes, countries, agreed, agencies) -> None:
    """The agenda as the selector would have drafted it then (tiers as they stood)."""
    label = dict(AgendaItem._meta.get_field("section").choices)
    tier_label = dict(changes[0]._meta.get_field("to_tier").choices) if changes else {}
    tiers: dict[str, str | None] = {}
    recent: dict[str, list] = {}
    for change in changes:
        if _at(change.effective) <= start:
            tiers[change.country_id] = change.to_tier
            if _at(change.effective) > prev:
                recent.setdefault(change.country_id, []).append(change)
    rank = {"high_rising": 2, "moderate": 1}
    concern = sorted(
        (iso3 for iso3, tier in tiers.items() if tier in rank),
        key=lambda iso3: (
            -rank[tiers[iso3]],
            -(countries[iso3].us_influence or 3) * 10 - (countries[iso3].us_interests_impact or 3),
            countries[iso3].name,
        ),
    )
    items = []
    for pos, iso3 in enumerate(concern, start=1):
        c = countries[iso3]
        items.append(
            AgendaItem(
                meeting=meeting,
                section=AgendaItem.Section.RISK,
                position=pos,
                key=f"risk:{iso3}",
                title=f"{c.name}: {tier_label[tiers[iso3]]}",
                country=c,
                marking=c.marking,
                presenter_agency=agencies["odni"] if pos == 1 else None,
                minutes_allocated=20 if pos == 1 else 10,
                entries=[
                    {
                        "type": "tier_change",
                        "marking": c.marking,
                        "date": ch.effective.isoformat(),
                        "text": f"{tier_label.get(ch.from_tier, 'Not listed')} → "
                        f"{tier_label.get(ch.to_tier, 'Not listed')}: {ch.rationale}",
                    }
                    for ch in recent.get(iso3, [])
                ],
            )
        )
    reviewed = []
    for item, action, agreed_at in agreed:
        status, notes, impact, changed = _status_at(action, agreed_at, start)
        closed = status in ActionItem.CLOSED
        if closed and changed <= prev:
            continue
        reviewed.append(
            {
                "type": "action_item",
                "marking": item.marking,
                "action_item": item.pk,
                "status": status,
                "status_label": ActionItem.Status(status).label,
                "owner_agency": agencies[action.owner].short_name,
                "due": item.due.isoformat(),
                "overdue": not closed and item.due < start.date(),
                "origin": item.meeting_id,
                "text": item.text,
                "implementation_notes": notes,
                "impact": impact,
            }
        )
    sections = [
        ("warnings", AgendaItem.Section.WARNINGS, []),
        ("actions", AgendaItem.Section.ACTIONS, reviewed),
        ("plans", AgendaItem.Section.PLANS, []),
        ("other", AgendaItem.Section.OTHER, []),
    ]
    for key, section, entries in sections:
        items.append(
            AgendaItem(
                meeting=meeting,
                section=section,
                position=1,
                key=key,
                title=label[section],
                entries=entries,
                # entries carry their own markings (filtered per reader), as the selector's do
                marking=Marking.U,
                presenter_agency=agencies["nsc"] if key == "actions" else None,
                minutes_allocated=30 if key == "actions" else None,
            )
        )
    AgendaItem.objects.bulk_create(items)


def _minutes(plan, quorum, decisions, new, agreed, prev, start, users) -> tuple[str, str]:
    """The minutes in Markdown, and their marking: at least that of everything they mention."""
    levels = [plan.minutes_marking] + [d.marking for d in decisions]
    levels += [item.marking for item, _a, _t in new]
    chairs = " and ".join(users[n].get_full_name() for n in plan.co_chairs)
    state = (
        "quorum present"
        if quorum.met
        else "no quorum: the decisions below are flagged for confirmation"
    )
    lines = [
        f"# Minutes of the APC regular meeting of {start:%d %B %Y}",
        "",
        "## Attendance",
        "",
        f"Co-chairs: {chairs}. {quorum.agencies_represented} of {quorum.member_agencies} member "
        f"agencies represented ({state}).",
        "",
        "## Latest risk assessment and warning analysis",
        "",
        plan.note,
        "",
        "## Review of previously agreed actions",
        "",
    ]
    reviewed = 0
    for item, action, agreed_at in agreed:
        status, notes, _impact, changed = _status_at(action, agreed_at, start)
        # as on the agenda: every open item, and those closed since the last meeting
        if agreed_at >= start or (status in ActionItem.CLOSED and changed <= prev):
            continue
        reviewed += 1
        levels.append(item.marking)
        label = ActionItem.Status(status).label.lower()
        lines.append(
            f"- **{item.owner_agency.short_name}**: {item.text} *({label})*"
            + (f" {notes}" if notes else "")
        )
    if not reviewed:
        lines.append("No actions were outstanding.")
    lines += ["", "## Decisions", ""]
    for d in decisions:
        flag = " *(taken without quorum)*" if d.without_quorum else ""
        lines.append(f"1. {d.get_kind_display()}: {d.text}{flag}")
    lines += ["", "## Action items", ""]
    for item, _action, _t in new:
        lines.append(f"- **{item.owner_agency.short_name}**, due {item.due:%d %B %Y}: {item.text}")
    return "\n".join(lines) + "\n", markings.highest(levels)


def _emergency_meeting(users: dict[str, User]) -> None:
    """A member seeks an emergency meeting at the level of the Deputies Committee (rec. 4-1);
    a co-chair convenes it, and it gets its meeting and draft agenda."""
    if Meeting.objects.filter(kind=Meeting.Kind.EMERGENCY).exists():
        return
    request = apc_services.emergency_request_create(
        actor=users["member.state"],
        countries=["MMR"],
        reasons="Air strikes on villages and mass displacement across the border: State seeks "
        "an emergency meeting at the level of the Deputies Committee.",
        level=EmergencyRequest.Level.DEPUTIES,
    )
    day = timezone.localdate() + timedelta(days=2)
    apc_services.emergency_request_answer(
        actor=users["cochair.state"],
        request=request,
        action="convene",
        meeting_at=datetime.combine(day, time(14), tzinfo=_tz()),
        note="Convened at Deputies level as requested.",
    )
