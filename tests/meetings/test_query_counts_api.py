"""The meetings' list endpoints and the calendar feed run the same number of queries for 1 row
and for 25 (CONVENTIONS, "Query counts")."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apc.core import roles
from apc.meetings.models import Meeting
from tests.factories import MeetingFactory, UserFactory, ensure_reference_data
from tests.meetings.matrix_api import action_item, agency
from tests.meetings.matrix_outputs import feed_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference():
    ensure_reference_data()


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


def _meetings(n: int) -> None:
    for i in range(n):
        emergency = {"kind": "emergency", "slot": None} if i % 3 == 0 else {}
        MeetingFactory(
            level="deputies" if i % 2 else "apc",
            status="cancelled" if i % 5 == 0 else "scheduled",
            **emergency,
        )


def _actions(n: int) -> None:
    meeting = MeetingFactory(status="held")
    codes = ["treasury", "state", "usaid", "justice", "defense"]
    for i in range(n):
        action_item(
            meeting,
            owner_agency=agency(codes[i % 5]),
            assignee=UserFactory(agency=agency(codes[i % 5])) if i % 2 else None,
            status=["open", "in_progress", "done", "dropped"][i % 4],
        )


@pytest.mark.parametrize(
    ("url_name", "make"),
    [("api:meeting-list", _meetings), ("api:action-item-list", _actions)],
)
def test_the_lists_run_a_constant_number_of_queries(client, url_name, make):
    client.force_login(UserFactory(role=roles.MEMBER))
    make(1)
    one = count_queries(client, reverse(url_name))
    make(24)
    many = count_queries(client, reverse(url_name))
    assert one == many
    assert one <= 10


def test_the_calendar_feed_runs_a_constant_number_of_queries(client):
    token = feed_token(UserFactory(role=roles.CO_CHAIR))
    url = reverse("calendar-feed", args=[token])
    _meetings(1)
    one = count_queries(client, url)
    _meetings(24)
    assert Meeting.objects.count() == 25
    many = count_queries(client, url)
    assert one == many
    assert one <= 8
