"""The draft agenda: what the selector puts on it and in which order, what it never shows, its
cost, and how the secretariat edits it until the co-chairs lock it.

Source: seeds/000, "Crisis Response Structure and Process", recommendation 4-1: the APC would
convene "to discuss the latest risk assessment and warning analysis"; it "would review the
status of countries of concern on the Atrocities Watchlist"; and "every other month, the APC
would review implementation of previously agreed actions, their resulting impacts, and the
current status of relevant situations".
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apc.core import roles
from apc.core.exceptions import InvalidTransition, NotPermitted
from apc.core.markings import Marking
from apc.meetings import services
from apc.meetings.agenda import agenda_draft, entries_for
from apc.meetings.dates import committee_today
from apc.meetings.models import ActionItem, AgendaItem, Meeting
from apc.models import Agency
from tests.factories import (
    AgencyFactory,
    MeetingFactory,
    RiskVintageFactory,
    UserFactory,
    country,
    ensure_reference_data,
)
from watchlist import alerts
from watchlist.models import Country, PolicyReview, RiskScore, TierChange, Warning, priority_of

pytestmark = pytest.mark.django_db

S = AgendaItem.Section
SECRETS = ["Zebulon", "Quillfeather", "zq.whistle", "Bureau of Quiet Reports", "BQR"]


def place(iso3: str, tier: str | None, influence: int = 3, interests: int = 3, **extra) -> Country:
    """Put a country on the list (state set directly: the agenda reads it, whoever wrote it)."""
    Country.objects.filter(pk=iso3).update(
        tier=tier,
        us_influence=influence,
        us_interests_impact=interests,
        priority=priority_of(tier, influence, interests),
        **extra,
    )
    return Country.objects.get(pk=iso3)


def tier_change(iso3: str, from_tier, to_tier, at, rationale: str, actor) -> TierChange:
    return TierChange.objects.create(
        country_id=iso3,
        from_tier=from_tier,
        to_tier=to_tier,
        effective=at.date(),
        rationale=rationale,
        decided_by=actor,
        decided_by_agency_id=actor.agency_id,
        created_at=at,
    )


def file_warning(filer, iso3: str, severity: str, title: str, filed_at, **kw) -> Warning:
    warning = alerts.warning_file(
        actor=filer,
        country=Country.objects.get(pk=iso3),
        severity=severity,
        title=title,
        narrative="Reported by several sources.",
        **kw,
    )
    Warning.objects.filter(pk=warning.pk).update(filed_at=filed_at)
    warning.refresh_from_db()
    return warning


def action(meeting, text: str, status: str, due: date, closed_at=None, **kw) -> ActionItem:
    return ActionItem.objects.create(
        meeting=meeting,
        text=text,
        status=status,
        due=due,
        closed_at=closed_at,
        owner_agency=kw.pop("owner_agency", None) or Agency.objects.get(code="state"),
        **kw,
    )


def keys(specs) -> list[str]:
    return [s.key for s in specs]


def by_key(specs) -> dict:
    return {s.key: s for s in specs}


@pytest.fixture
def people():
    ensure_reference_data()
    bqr = AgencyFactory(code="bqr", name="Bureau of Quiet Reports", short_name="BQR")
    return SimpleNamespace(
        chair=UserFactory(role=roles.CO_CHAIR, agency=Agency.objects.get(code="nsc")),
        staff=UserFactory(role=roles.DIRECTORATE, agency=Agency.objects.get(code="nsc")),
        member=UserFactory(role=roles.MEMBER, agency=Agency.objects.get(code="state")),
        analyst=UserFactory(role=roles.ANALYST, agency=Agency.objects.get(code="odni")),
        whistle=UserFactory(
            role=roles.ANALYST,
            username="zq.whistle",
            first_name="Zebulon",
            last_name="Quillfeather",
            email="zq@quiet.example",
            agency=bqr,
        ),
    )


@pytest.fixture
def situation(people):
    """Two countries high and rising and two of moderate concern (different priorities), one
    monitored; tier changes and warnings before and after the previous meeting; two risk
    vintages; action items in every state; a protected filer."""
    now = timezone.now()
    prev = MeetingFactory(
        slot=(now - timedelta(days=30)).date(),
        starts_at=now - timedelta(days=30),
        status=Meeting.Status.CLOSED,
    )
    meeting = MeetingFactory(
        slot=(now + timedelta(days=30)).date(), starts_at=now + timedelta(days=30)
    )
    sdn = place("SDN", "high_rising", 3, 4)  # priority 334
    mmr = place("MMR", "high_rising", 2, 3, marking=Marking.C)  # 323
    eth = place("ETH", "moderate", 4, 4)  # 244
    cod = place("COD", "moderate", 3, 3)  # 233
    place("NGA", "monitored", 5, 5)
    chair = people.chair
    tier_change("SDN", "monitored", "moderate", now - timedelta(days=60), "Old militias.", chair)
    recent = tier_change(
        "SDN", "moderate", "high_rising", now - timedelta(days=10), "Sieges of towns.", chair
    )
    # warnings: filed before the last meeting (review closed since / still open), and since
    old_closed = file_warning(
        people.analyst, "SDN", "elevated", "Hate speech on radio", now - timedelta(days=45)
    )
    alerts.review_close(
        actor=people.staff,
        review=old_closed.review,
        outcome=PolicyReview.Outcome.NO_CHANGE,
        rationale="Covered by the prevention plan.",
    )
    PolicyReview.objects.filter(pk=old_closed.review.pk).update(closed_at=now - timedelta(days=5))
    old_open = file_warning(
        people.analyst, "COD", "elevated", "Checkpoints in Ituri", now - timedelta(days=45)
    )
    protected = file_warning(
        people.whistle,
        "MMR",
        "routine",
        "Villages emptied near the border",
        now - timedelta(days=3),
        identity_protected=True,
        marking=Marking.C,
    )
    new_sdn = file_warning(
        people.analyst, "SDN", "elevated", "Militia massing", now - timedelta(days=2)
    )
    monitored = file_warning(
        people.analyst, "NGA", "routine", "Cattle raids", now - timedelta(days=1)
    )
    # risk vintages: COD scored in the older one only; SOM scored high but not listed
    older = RiskVintageFactory(vintage=date(2024, 12, 1), imported_by=people.staff)
    latest = RiskVintageFactory(vintage=date(2025, 12, 1), imported_by=people.staff)
    for iso3, rank in [("SDN", 1), ("MMR", 2), ("ETH", 3), ("COD", 4)]:
        RiskScore.objects.create(vintage=older, country_id=iso3, value=Decimal("0.2"), rank=rank)
    for iso3, rank in [("SOM", 1), ("SDN", 2), ("MMR", 3), ("ETH", 5), ("FRA", 31)]:
        RiskScore.objects.create(vintage=latest, country_id=iso3, value=Decimal("0.1"), rank=rank)
    # action items agreed at the previous meeting
    today = committee_today()
    done = action(
        prev,
        "Brief the Security Council partners",
        ActionItem.Status.DONE,
        today - timedelta(days=20),
        closed_at=now - timedelta(days=2),
        implementation_notes="Briefed on 3 May.",
        impact="Two partners co-sponsor a statement.",
    )
    late = action(prev, "Review the sanctions list", "open", today - timedelta(days=5))
    going = action(
        prev,
        "Send an envoy",
        ActionItem.Status.IN_PROGRESS,
        today + timedelta(days=40),  # after the meeting: not overdue by then
        implementation_notes="Envoy named.",
        owner_agency=Agency.objects.get(code="usaid"),
        country=sdn,
    )
    dropped = action(
        prev,
        "Fund the radio programme",
        ActionItem.Status.DROPPED,
        today - timedelta(days=50),
        closed_at=now - timedelta(days=40),
    )
    return SimpleNamespace(**locals())


def test_contents_and_order_of_the_five_sections(situation):
    s = situation
    specs = agenda_draft(s.meeting)
    assert keys(specs) == [
        "risk:SDN",
        "risk:MMR",
        "risk:ETH",
        "risk:COD",
        "risk:scored-unlisted",
        "risk:listed-unscored",
        "warnings",
        "actions",
        "plans",
        "other",
    ]
    assert [x.section for x in specs] == [S.RISK] * 6 + [S.WARNINGS, S.ACTIONS, S.PLANS, S.OTHER]
    item = by_key(specs)

    # 1. risk assessment: the tier, the rank, what happened since the last meeting
    sdn = item["risk:SDN"]
    assert sdn.title == f"{s.sdn.name}: High and rising; risk rank 2"
    assert sdn.country_id == "SDN" and sdn.flags == []
    assert [(e["type"], e["text"]) for e in sdn.entries] == [
        ("tier_change", "Moderate concern → High and rising: Sieges of towns."),
        (
            "warning",
            f"Elevated warning #{s.new_sdn.pk}: Militia massing (received)",
        ),
    ]
    assert sdn.entries[1]["warning"] == s.new_sdn.pk
    mmr = item["risk:MMR"]
    assert mmr.marking == Marking.C
    assert [e.get("warning") for e in mmr.entries] == [s.protected.pk]
    assert all(e["marking"] == Marking.C for e in mmr.entries)
    assert item["risk:ETH"].entries == [] and item["risk:ETH"].flags == []
    cod = item["risk:COD"]
    assert cod.title == f"{s.cod.name}: Moderate concern"  # no rank in the latest vintage
    assert cod.flags == ["Listed but not scored in the latest risk vintage (2025-12-01)."]
    assert cod.entries == []  # its warning was filed before the last meeting
    unlisted = item["risk:scored-unlisted"]
    assert unlisted.title == "Scored high in the 2025-12-01 risk assessment but not listed"
    assert [e["country"] for e in unlisted.entries] == ["SOM"]  # FRA ranks below the top 30
    unscored = item["risk:listed-unscored"]  # monitored countries the vintage left out
    assert unscored.title == "Monitored but not scored in the 2025-12-01 risk assessment"
    assert [e["country"] for e in unscored.entries] == ["NGA"]

    # 2. warnings and reviews opened or closed since the last meeting, oldest first
    warnings = item["warnings"].entries
    assert [e["warning"] for e in warnings] == [
        s.old_closed.pk,
        s.protected.pk,
        s.new_sdn.pk,
        s.monitored.pk,
    ]
    closed_on = (timezone.now() - timedelta(days=5)).date().isoformat()
    assert warnings[0]["text"] == (
        f"{s.sdn.name}: elevated warning #{s.old_closed.pk}, Hate speech on radio "
        f"(review closed {closed_on}: No change)"
    )
    assert "filed " in warnings[3]["text"] and "review open, due" in warnings[3]["text"]
    assert s.old_open.pk not in {e["warning"] for e in warnings}

    # 3. previously agreed actions: open ones and those closed since, by due date
    actions = item["actions"].entries
    assert [e["action_item"] for e in actions] == [s.done.pk, s.late.pk, s.going.pk]
    assert [(e["status"], e["overdue"]) for e in actions] == [
        ("done", False),
        ("open", True),
        ("in_progress", False),
    ]
    assert actions[0]["implementation_notes"] == "Briefed on 3 May."
    assert actions[0]["impact"] == "Two partners co-sponsor a statement."
    assert actions[2]["owner_agency"] == "USAID" and actions[2]["status_label"] == "In progress"
    assert all(e["origin"] == s.prev.pk for e in actions)

    # 4. nothing awaits a decision yet; 5. other business is empty until someone adds to it
    assert item["plans"].entries == [] and item["other"].entries == []


def test_protected_identities_never_appear(situation, people):
    """The filer of a protected warning: not their name, username or agency, anywhere in the
    agenda (the selector's output, and the items written from it)."""
    specs = agenda_draft(situation.meeting)
    text = json.dumps([s.__dict__ for s in specs], default=str)
    assert str(situation.protected.pk) in text  # the warning itself is there
    for secret in SECRETS:
        assert secret not in text
    services.agenda_regenerate(actor=people.staff, meeting=situation.meeting)
    stored = json.dumps(
        list(situation.meeting.agenda_items.values("title", "notes", "entries", "flags")),
        default=str,
    )
    for secret in SECRETS:
        assert secret not in stored


def test_entries_are_filtered_by_clearance(situation, people):
    services.agenda_regenerate(actor=people.staff, meeting=situation.meeting)
    warnings = situation.meeting.agenda_items.get(key="warnings")
    low = UserFactory(role=roles.MEMBER, clearance=Marking.U)
    seen = {e["warning"] for e in entries_for(low, warnings)}
    assert situation.protected.pk not in seen  # marked C (its country is)
    assert situation.new_sdn.pk in seen
    assert len(entries_for(people.staff, warnings)) == 4


def _prepare(n: int, staff, analyst, meeting):
    now = timezone.now()
    codes = list(
        Country.objects.filter(tier__isnull=True).order_by("pk").values_list("pk", flat=True)[:n]
    )
    vintage = RiskVintageFactory(vintage=date(2020 + n, 1, 1), imported_by=staff)
    for i, iso3 in enumerate(codes):
        place(iso3, "moderate" if i % 2 else "high_rising", 1 + i % 5, 1 + (i * 3) % 5)
        tier_change(iso3, None, "moderate", now - timedelta(days=1), "Rising.", staff)
        RiskScore.objects.create(vintage=vintage, country_id=iso3, value=Decimal("0.1"), rank=i + 1)
        warning = Warning.objects.create(
            country_id=iso3,
            severity="elevated",
            title=f"Warning on {iso3}",
            narrative="n",
            filed_by=analyst,
            filer_agency_id=analyst.agency_id,
            acknowledge_due=now,
        )
        PolicyReview.objects.create(
            warning=warning, assigned_agency=Agency.objects.get(code="nsc"), due=now
        )
        action(meeting, f"Act on {iso3}", "open", now.date(), country_id=iso3)


def test_query_count_does_not_depend_on_the_number_of_countries(people):
    now = timezone.now()
    prev = MeetingFactory(status=Meeting.Status.CLOSED, starts_at=now - timedelta(days=20))
    meeting = MeetingFactory(starts_at=now + timedelta(days=20))
    _prepare(2, people.staff, people.analyst, prev)
    with CaptureQueriesContext(connection) as two:
        specs = agenda_draft(meeting)
    assert len([s for s in specs if s.section == S.RISK]) == 2
    _prepare(23, people.staff, people.analyst, prev)
    with CaptureQueriesContext(connection) as many:
        specs = agenda_draft(meeting)
    assert len([s for s in specs if s.section == S.RISK]) == 25
    assert len(by_key(specs)["warnings"].entries) == 25
    assert len(by_key(specs)["actions"].entries) == 25
    assert len(two.captured_queries) == len(many.captured_queries) <= 10


def _risk_items(meeting):
    return list(meeting.agenda_items.filter(section=S.RISK).order_by("position", "id"))


def test_regeneration_keeps_edits_and_hand_added_items_and_drops_stale_ones(situation, people):
    s, staff = situation, people.staff
    state = Agency.objects.get(code="state")
    services.agenda_regenerate(actor=staff, meeting=s.meeting)
    sdn = s.meeting.agenda_items.get(key="risk:SDN")
    services.agenda_item_update(actor=staff, item=sdn, presenter_agency=state, minutes_allocated=15)
    services.agenda_item_move(actor=staff, item=sdn, direction="down")  # below Burma
    hand = services.agenda_item_add(
        actor=staff,
        meeting=s.meeting,
        title="Regional overview",
        section=S.RISK,
        presenter_agency=Agency.objects.get(code="odni"),
        minutes_allocated=10,
    )
    other = services.agenda_item_add(actor=staff, meeting=s.meeting, title="Date of next retreat")
    before = {i.key: (i.pk, i.position) for i in _risk_items(s.meeting)}

    # the situation moves on: Burma leaves the list, the CAR joins it
    place("MMR", None)
    place("CAF", "moderate", 1, 1)
    services.agenda_regenerate(actor=staff, meeting=s.meeting)

    risk = _risk_items(s.meeting)
    assert [i.key for i in risk] == [
        "risk:SDN",
        "risk:ETH",
        "risk:COD",
        "risk:scored-unlisted",
        "risk:listed-unscored",
        "",
        "risk:CAF",
    ]
    sdn.refresh_from_db()
    assert (sdn.pk, sdn.position) == before["risk:SDN"]
    assert sdn.presenter_agency == state and sdn.minutes_allocated == 15
    assert not s.meeting.agenda_items.filter(key="risk:MMR").exists()
    hand.refresh_from_db()
    assert (hand.title, hand.minutes_allocated) == ("Regional overview", 10)
    assert s.meeting.agenda_items.filter(pk=other.pk, section=S.OTHER).exists()
    assert risk[-1].position > hand.position  # a new item goes to the end of its section
    # generated content is refreshed, never duplicated
    assert s.meeting.agenda_items.filter(key="warnings").count() == 1


def test_reorder_within_a_section(situation, people):
    staff = people.staff
    services.agenda_regenerate(actor=staff, meeting=situation.meeting)
    first, second, third = _risk_items(situation.meeting)[:3]
    services.agenda_item_move(actor=staff, item=third, direction="up")
    assert [i.pk for i in _risk_items(situation.meeting)[:3]] == [first.pk, third.pk, second.pk]
    services.agenda_item_move(actor=staff, item=first, direction="up")  # already first
    assert _risk_items(situation.meeting)[0].pk == first.pk
    last = _risk_items(situation.meeting)[-1]
    services.agenda_item_move(actor=staff, item=last, direction="down")  # stays in its section
    assert _risk_items(situation.meeting)[-1].pk == last.pk
    positions = [i.position for i in _risk_items(situation.meeting)]
    assert positions == list(range(1, len(positions) + 1))
    other = situation.meeting.agenda_items.get(key="other")
    assert other.position == 1  # sections are ordered independently


def test_editing_is_refused_once_the_agenda_is_locked(situation, people):
    s, staff = situation, people.staff
    services.agenda_regenerate(actor=staff, meeting=s.meeting)
    item = s.meeting.agenda_items.get(key="risk:SDN")
    with pytest.raises(NotPermitted):
        services.agenda_regenerate(actor=people.member, meeting=s.meeting)
    services.meeting_transition(actor=people.chair, meeting=s.meeting, action="lock_agenda")
    edits = [
        lambda: services.agenda_regenerate(actor=staff, meeting=s.meeting),
        lambda: services.agenda_item_add(actor=staff, meeting=s.meeting, title="Late item"),
        lambda: services.agenda_item_update(
            actor=staff, item=item, presenter_agency=None, minutes_allocated=5
        ),
        lambda: services.agenda_item_move(actor=staff, item=item, direction="down"),
        lambda: services.agenda_item_remove(actor=staff, item=item),
    ]
    for edit in edits:
        with pytest.raises(InvalidTransition):
            edit()
    assert s.meeting.agenda_items.filter(pk=item.pk, minutes_allocated=None).exists()
    # a co-chair reopens it: editable again
    services.meeting_transition(actor=people.chair, meeting=s.meeting, action="reopen_agenda")
    services.agenda_item_remove(actor=staff, item=item)
    assert not s.meeting.agenda_items.filter(pk=item.pk).exists()


def test_an_emergency_meetings_agenda_covers_only_its_countries(situation, people):
    s = situation
    emergency = MeetingFactory(
        kind=Meeting.Kind.EMERGENCY,
        slot=None,
        starts_at=timezone.now() + timedelta(days=2),
        countries=["NGA"],
    )
    action(
        s.prev,
        "Open a dialogue in the Middle Belt",
        "open",
        committee_today(),
        country=country("NGA"),
    )
    specs = agenda_draft(emergency)
    assert keys(specs) == ["risk:NGA", "warnings", "actions", "plans", "other"]
    item = by_key(specs)
    assert [e["warning"] for e in item["risk:NGA"].entries] == [s.monitored.pk]
    assert [e["warning"] for e in item["warnings"].entries] == [s.monitored.pk]
    assert [e["text"] for e in item["actions"].entries] == ["Open a dialogue in the Middle Belt"]
