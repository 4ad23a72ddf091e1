"""The regular cycle: the scheduled task keeps the next regular meeting in existence ahead of
time, one meeting per slot, however often it runs and after any downtime.

Source: seeds/000, "Crisis Response Structure and Process", recommendation 4-1: the APC "should
meet every other month (and as needed at other times)"; "it would convene every other month to
discuss the latest risk assessment and warning analysis".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.test import override_settings

from apc.meetings import services
from apc.meetings.models import AgendaItem, Meeting
from apc.models import AuditEvent
from tests.factories import ensure_reference_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference():
    ensure_reference_data()


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """Written independently of the service: the n-th `weekday` (0 = Monday) of a month."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def cycle_starts(first_year: int, last_year: int) -> list[datetime]:
    """Every slot of the cycle as the settings describe it, as aware datetimes."""
    tz = ZoneInfo(settings.MEETING_TIMEZONE)
    hour, minute = (int(p) for p in settings.MEETING_TIME.split(":"))
    out = []
    for year in range(first_year, last_year + 1):
        for month in range(1, 13):
            if (month - settings.MEETING_FIRST_MONTH) % settings.MEETING_CADENCE_MONTHS:
                continue
            day = nth_weekday(year, month, settings.MEETING_WEEKDAY, settings.MEETING_WEEK_OF_MONTH)
            out.append(datetime.combine(day, time(hour, minute), tzinfo=tz))
    return out


def regular() -> QuerySet[Meeting]:
    return Meeting.objects.filter(kind=Meeting.Kind.REGULAR)


def assert_cycle_kept(now: datetime, created: list[Meeting]) -> None:
    """The scheduler's invariants after a run at `now`."""
    lead = timedelta(days=settings.MEETING_LEAD_DAYS)
    starts = cycle_starts(now.year - 1, now.year + 2)
    have = {m.slot: m for m in regular()}
    # exactly one meeting per slot
    assert not regular().values("slot").annotate(n=Count("id")).filter(n__gt=1).exists()
    # the next slot always exists, and every slot within the lead time
    upcoming = [s for s in starts if s >= now]
    assert upcoming[0].date() in have
    for start in upcoming:
        if start <= now + lead:
            assert start.date() in have, f"slot {start} within the lead time is missing"
    # nothing in the past was created, and everything created is a slot of the cycle
    for meeting in created:
        assert meeting.starts_at >= now
        assert meeting.starts_at in starts


def test_repeated_runs_create_one_meeting_per_slot():
    """Run any number of times at the same moment: one meeting, then nothing more."""
    now = datetime(2030, 1, 20, 12, tzinfo=UTC)  # after January's slot, before March's
    first = services.meetings_schedule(now=now)
    assert [m.slot for m in first] == [date(2030, 3, 13)]  # second Wednesday of March
    for _ in range(3):
        assert services.meetings_schedule(now=now) == []
        assert services.meetings_schedule(now=now + timedelta(days=1)) == []
    assert list(regular().values_list("slot", flat=True)) == [date(2030, 3, 13)]
    meeting = regular().get()
    ny = ZoneInfo("America/New_York")
    assert meeting.starts_at == datetime(2030, 3, 13, 10, tzinfo=ny)
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=120)
    assert meeting.status == Meeting.Status.SCHEDULED and meeting.level == Meeting.Level.APC
    assert AuditEvent.objects.filter(action="meeting.schedule").count() == 1


def test_after_a_gap_of_months_it_catches_up_without_creating_past_slots():
    """Downtime from January to August: the March, May and July slots passed while nothing
    ran; they are not created after the fact; September's is, and only once."""
    services.meetings_schedule(now=datetime(2030, 1, 20, 12, tzinfo=UTC))
    later = datetime(2030, 8, 1, 9, tzinfo=UTC)
    created = services.meetings_schedule(now=later)
    assert [m.slot for m in created] == [date(2030, 9, 11)]
    assert_cycle_kept(later, created)
    assert sorted(regular().values_list("slot", flat=True)) == [
        date(2030, 3, 13),
        date(2030, 9, 11),
    ]
    assert services.meetings_schedule(now=later) == []


def test_invariants_hold_over_three_years_of_irregular_runs():
    """Runs at irregular moments (minutes to half a year apart, some exactly at a meeting's
    start): after each one the next slot and every slot within the lead time exist, each once,
    and no run created a meeting in the past."""
    now = datetime(2030, 1, 1, 0, tzinfo=UTC)
    gaps = [0, 0.01, 3, 9, 40, 1, 200, 0.5, 17, 61, 61, 5, 150, 28, 27.9, 2, 90, 120]
    for gap in gaps:
        now += timedelta(days=gap)
        created = services.meetings_schedule(now=now)
        assert_cycle_kept(now, created)
        # a run at the exact start of the next meeting: that one is no longer ahead
        nxt = regular().filter(starts_at__gt=now).order_by("starts_at").first()
        at_start = nxt.starts_at
        assert_cycle_kept(at_start, services.meetings_schedule(now=at_start))
        now = max(now, at_start)


@override_settings(MEETING_LEAD_DAYS=100)
def test_every_slot_within_the_lead_time_exists():
    now = datetime(2030, 8, 20, 12, tzinfo=UTC)
    created = services.meetings_schedule(now=now)
    # 11 September and 13 November are both within 100 days; January 2031 is not
    assert [m.slot for m in created] == [date(2030, 9, 11), date(2030, 11, 13)]
    assert_cycle_kept(now, created)


@override_settings(
    MEETING_CADENCE_MONTHS=3,
    MEETING_FIRST_MONTH=2,
    MEETING_WEEKDAY=0,
    MEETING_WEEK_OF_MONTH=1,
    MEETING_TIME="14:30",
    MEETING_TIMEZONE="Europe/Paris",
    MEETING_DURATION_MINUTES=90,
    MEETING_LOCATION="Situation Room",
    MEETING_LEAD_DAYS=330,
)
def test_slot_dates_follow_the_settings():
    """Cadence, first month, weekday, week of the month, time, time zone, duration, place."""
    now = datetime(2031, 1, 1, tzinfo=UTC)
    created = services.meetings_schedule(now=now)
    # the first Monday of February, May, August and November 2031
    assert [m.slot for m in created] == [
        date(2031, 2, 3),
        date(2031, 5, 5),
        date(2031, 8, 4),
        date(2031, 11, 3),
    ]
    paris = ZoneInfo("Europe/Paris")
    for m in created:
        assert m.starts_at == datetime.combine(m.slot, time(14, 30), tzinfo=paris)
        assert m.ends_at - m.starts_at == timedelta(minutes=90)
        assert m.location == "Situation Room"
    # winter and summer time: 13:30 UTC in February, 12:30 UTC in August
    assert created[0].starts_at.astimezone(UTC).hour == 13
    assert created[2].starts_at.astimezone(UTC).hour == 12
    assert_cycle_kept(now, created)


@override_settings(MEETING_CADENCE_MONTHS=1, MEETING_WEEKDAY=4, MEETING_WEEK_OF_MONTH=3)
def test_a_monthly_cadence_on_the_third_friday():
    now = datetime(2030, 1, 1, tzinfo=UTC)
    created = services.meetings_schedule(now=now)
    assert [m.slot for m in created] == [date(2030, 1, 18)]
    created = services.meetings_schedule(now=datetime(2030, 1, 19, tzinfo=UTC))
    assert [m.slot for m in created] == [date(2030, 2, 15)]


def test_the_database_refuses_a_second_meeting_for_a_slot(monkeypatch):
    """Two runs at once both pass the existence check; the unique slot constraint stops the
    second insert, and the service's get_or_create then returns the existing meeting."""
    (meeting,) = services.meetings_schedule(now=datetime(2030, 1, 20, tzinfo=UTC))
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            kind=Meeting.Kind.REGULAR,
            slot=meeting.slot,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
        )
    # emergency meetings have no slot and are not limited
    for _ in range(2):
        Meeting.objects.create(
            kind=Meeting.Kind.EMERGENCY,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
        )
    # a run that lost the race (its existence check saw nothing) creates nothing either
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    assert services._regular_meeting(meeting.slot) is None
    monkeypatch.undo()
    assert regular().count() == 1


def test_each_new_regular_meeting_has_a_draft_agenda():
    created = services.meetings_schedule(now=datetime(2030, 1, 20, tzinfo=UTC))
    meeting = created[0]
    assert meeting.agenda_generated_at is not None
    keys = list(meeting.agenda_items.order_by("section", "position").values_list("key", flat=True))
    assert keys == ["warnings", "actions", "plans", "other"]  # nothing on the watchlist yet
    sections = set(meeting.agenda_items.values_list("section", flat=True))
    assert sections == {
        AgendaItem.Section.WARNINGS,
        AgendaItem.Section.ACTIONS,
        AgendaItem.Section.PLANS,
        AgendaItem.Section.OTHER,
    }


def test_the_beat_schedule_runs_the_task():
    from apc import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["meetings-schedule"]
    assert entry["task"] == "apc.tasks.meetings_schedule" == tasks.meetings_schedule.name
    assert entry["schedule"] == timedelta(seconds=settings.MEETING_CHECK_SECONDS)
    assert entry["schedule"] <= timedelta(days=1)
    reminders = settings.CELERY_BEAT_SCHEDULE["meetings-reminders"]
    assert reminders["task"] == "apc.tasks.meetings_reminders" == tasks.meetings_reminders.name
    # the task itself (run in-process) keeps the cycle from the real clock
    assert tasks.meetings_schedule.apply().get() == 1
    assert tasks.meetings_schedule.apply().get() == 0
    assert services.next_regular_meeting() is not None
