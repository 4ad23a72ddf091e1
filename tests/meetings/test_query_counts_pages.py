"""The meeting pages run the same number of queries with 1 row and with 25 (CONVENTIONS, "Query
counts"): the meetings list, the action-item tracker, the membership, and the meeting page with
an agenda of 1 or 25 countries, and 1 or 25 decisions, action items and member agencies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apc.core import roles
from apc.meetings import services
from apc.meetings.dates import committee_today
from apc.meetings.models import ActionItem, Attendance, Decision, Meeting, MinutesAddendum
from apc.models import Agency
from tests.factories import MeetingFactory, UserFactory, country, ensure_reference_data
from watchlist import alerts
from watchlist.models import Country

pytestmark = pytest.mark.django_db

AGENCIES = ["state", "defense", "jcs", "odni", "justice", "treasury", "usaid", "nsc"]


@pytest.fixture(autouse=True)
def _reference_data():
    ensure_reference_data()


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
    return len(ctx.captured_queries)


def same_for_one_and_many(client, one_url: str, many_url: str, assert_max) -> int:
    client.get(one_url)  # warm per-process caches (content types, sessions)
    one = count_queries(client, one_url)
    with assert_max(one):
        many = count_queries(client, many_url)
    assert one == many
    return one


def agency(i: int) -> Agency:
    return Agency.objects.get(code=AGENCIES[i % len(AGENCIES)])


def codes(n: int, skip: int = 0) -> list[str]:
    return list(Country.objects.order_by("iso3").values_list("iso3", flat=True)[skip : skip + n])


def meeting_with(n: int, chair, skip: int) -> Meeting:
    """A held meeting whose agenda covers `n` high-and-rising countries (with a warning each),
    with `n` member agencies' attendance, decisions, action items and addenda."""
    listed = codes(n, skip)
    Country.objects.filter(pk__in=listed).update(tier="high_rising")
    analyst = UserFactory(role=roles.ANALYST)
    for iso3 in listed:
        alerts.warning_file(
            actor=analyst,
            country=Country.objects.get(pk=iso3),
            severity="elevated",
            title=f"Warning on {iso3}",
            narrative="Armed groups recruit along ethnic lines.",
            identity_protected=True,
        )
    start = timezone.now() + timedelta(days=20 + skip)
    meeting = MeetingFactory(starts_at=start, ends_at=start + timedelta(hours=2))
    services.agenda_regenerate(actor=chair, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(status="held", minutes="Agreed.")
    Country.objects.filter(pk__in=listed).update(tier=None)
    warning = alerts.warning_file(
        actor=analyst,
        country=country("SDN"),
        severity="routine",
        title="Decided warning",
        narrative="Text.",
    )
    for i in range(n):
        who = UserFactory(role=roles.MEMBER, agency=agency(i))
        Attendance.objects.get_or_create(
            meeting=meeting, agency=agency(i), defaults={"status": "principal", "attendee": who}
        )
        decision = Decision.objects.create(
            meeting=meeting,
            kind="other" if i else "tier_change",
            text=f"Decision {i}",
            country_id=listed[i],
            warning=warning if i == 0 else None,
            recorded_by=chair,
        )
        ActionItem.objects.create(
            meeting=meeting,
            decision=decision,
            text=f"Action {i}",
            owner_agency=agency(i),
            assignee=who,
            country_id=listed[i],
            due=committee_today() - timedelta(days=i % 3),
        )
        MinutesAddendum.objects.create(meeting=meeting, text=f"Addendum {i}", author=chair)
    meeting.co_chairs_present.add(chair)
    return meeting


@pytest.mark.parametrize("role", [roles.CO_CHAIR, roles.DIRECTORATE, roles.MEMBER])
def test_meeting_page(client, role, django_assert_max_num_queries):
    chair = UserFactory(role=roles.CO_CHAIR)
    one = meeting_with(1, chair, skip=0)
    many = meeting_with(25, chair, skip=1)
    assert many.agenda_items.count() >= 25 + one.agenda_items.count() - 1
    user = chair if role == roles.CO_CHAIR else UserFactory(role=role)
    client.force_login(user)
    queries = same_for_one_and_many(
        client,
        reverse("meeting-detail", args=[one.pk]),
        reverse("meeting-detail", args=[many.pk]),
        django_assert_max_num_queries,
    )
    assert queries <= 30


def test_meeting_page_while_the_agenda_is_a_draft(client, django_assert_max_num_queries):
    chair = UserFactory(role=roles.CO_CHAIR)
    one, many = meeting_with(1, chair, skip=0), meeting_with(25, chair, skip=1)
    Meeting.objects.filter(pk__in=[one.pk, many.pk]).update(status="scheduled")
    client.force_login(chair)
    same_for_one_and_many(
        client,
        reverse("meeting-detail", args=[one.pk]),
        reverse("meeting-detail", args=[many.pk]),
        django_assert_max_num_queries,
    )


def make_meetings(n: int, level: str) -> None:
    for i in range(n):
        MeetingFactory(level=level)
        start = datetime(2020, 1, 1, 15, tzinfo=UTC) + timedelta(days=i)
        MeetingFactory(level=level, starts_at=start, ends_at=start + timedelta(hours=2))


def test_meeting_list(client, django_assert_max_num_queries):
    client.force_login(UserFactory(role=roles.MEMBER))
    make_meetings(1, "apc")
    make_meetings(25, "deputies")
    same_for_one_and_many(
        client,
        reverse("meeting-list") + "?level=apc",
        reverse("meeting-list") + "?level=deputies",
        django_assert_max_num_queries,
    )


def test_action_item_tracker(client, django_assert_max_num_queries):
    client.force_login(UserFactory(role=roles.MEMBER))
    url = reverse("action-item-list")
    listed = codes(26)

    def add(i: int) -> None:
        owner = agency(i % 7)
        ActionItem.objects.create(
            meeting=MeetingFactory(status="closed"),
            text=f"Action {i}",
            owner_agency=owner,
            assignee=UserFactory(role=roles.MEMBER, agency=owner),
            country_id=listed[i],
            due=committee_today() - timedelta(days=i % 3),
        )

    add(0)
    client.get(url)
    one = count_queries(client, url)
    for i in range(1, 25):
        add(i)
    with django_assert_max_num_queries(one):
        many = count_queries(client, url)
    assert one == many
    filtered = url + "?agency=defense&status=open&status=in_progress&overdue=true"
    client.get(filtered)
    with django_assert_max_num_queries(one + 1):  # +1: the agency code is looked up
        count_queries(client, filtered)


def test_action_item_page(client, django_assert_max_num_queries):
    """One action item with 1 or 25 updates in its history (reassignments name agencies and
    people: looked up in one query each)."""
    chair = UserFactory(role=roles.CO_CHAIR)
    client.force_login(chair)
    items = []
    for n in (1, 25):
        item = ActionItem.objects.create(
            meeting=MeetingFactory(status="closed"),
            text="Action",
            owner_agency=agency(0),
            due=committee_today(),
        )
        for i in range(n):
            who = UserFactory(role=roles.MEMBER, agency=agency(i + 1))
            services.action_item_reassign(
                actor=chair,
                item=item,
                owner_agency=agency(i + 1),
                assignee=who,
                due=committee_today() + timedelta(days=i + 1),
            )
        items.append(item)
    same_for_one_and_many(
        client,
        reverse("action-item-detail", args=[items[0].pk]),
        reverse("action-item-detail", args=[items[1].pk]),
        django_assert_max_num_queries,
    )


def test_membership(client, django_assert_max_num_queries):
    chair = UserFactory(role=roles.CO_CHAIR)
    client.force_login(chair)
    url = reverse("membership-list")
    services.membership_add(
        actor=chair, user=UserFactory(role=roles.MEMBER, agency=agency(0)), seat="principal"
    )
    client.get(url)
    one = count_queries(client, url)
    for i in range(24):
        seat = services.membership_add(
            actor=chair,
            user=UserFactory(role=roles.MEMBER, agency=agency(i)),
            seat="principal" if i < len(AGENCIES) else "alternate",
        )
        if i % 3 == 0:
            services.membership_end(actor=chair, membership=seat)
    with django_assert_max_num_queries(one):
        many = count_queries(client, url)
    assert one == many
