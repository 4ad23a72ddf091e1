"""The emergency-meeting pages: the requests a user may see, a member's request, a co-chair's
answer (convene with a date, time and level, or decline with reasons), and the countdown text
the pages and static/js/countdown.js share.

Source: seeds/000_588810f2139c9d78.txt, "Crisis Response Structure and Process": the APC meets
"at any other time one of its members requested an emergency meeting", and "a member would have
the option to seek the emergency meeting at the level of deputy national security
advisor/deputy secretary, making it in effect a meeting of the NSC Deputies Committee"; issue 4
(an acute warning requests an emergency meeting on the channel's behalf; unanswered, it rises to
Deputies level).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from apc import services
from apc.core import roles
from apc.emergency_views import countdown_text
from apc.models import Agency, AuditEvent, EmergencyRequest, Notification
from tests.factories import UserFactory, ensure_reference_data
from watchlist import alerts
from watchlist.models import Country

pytestmark = pytest.mark.django_db

LIST_URL = reverse("emergency-list")
NEW_URL = reverse("emergency-new")
REQUESTERS = {roles.MEMBER, roles.CO_CHAIR}


@pytest.fixture(autouse=True)
def _reference_data():
    ensure_reference_data()


@pytest.fixture
def member():
    return UserFactory(
        role=roles.MEMBER,
        first_name="Grace",
        last_name="Lindqvist",
        agency=Agency.objects.get(code="defense"),
    )


@pytest.fixture
def chair():
    return UserFactory(role=roles.CO_CHAIR, agency=Agency.objects.get(code="nsc"))


def make_request(actor, countries=("SDN",), level="apc", reasons="Killings in El Geneina."):
    return services.emergency_request_create(
        actor=actor, countries=list(countries), reasons=reasons, level=level
    )


def detail_url(req) -> str:
    return reverse("emergency-detail", args=[req.pk])


def answer_url(req) -> str:
    return reverse("emergency-answer", args=[req.pk])


def html(response) -> str:
    return response.content.decode()


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def future(hours: int = 30) -> str:
    return (timezone.now() + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


# --- The countdown --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(hours=1, minutes=12, seconds=30), "in 1 h 12 min"),
        (timedelta(minutes=59, seconds=59), "in 59 min"),
        (timedelta(seconds=30), "in less than 1 min"),
        (timedelta(days=2, hours=3, minutes=4), "in 2 d 3 h"),
        (-timedelta(minutes=5, seconds=10), "overdue by 5 min"),
        (-timedelta(hours=26), "overdue by 1 d 2 h"),
    ],
)
def test_countdown_text(delta, text):
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert countdown_text(now + delta, now) == text


# --- A member's request ---------------------------------------------------------------------


@override_settings(EMERGENCY_REQUEST_ANSWER_SECONDS=8 * 3600)
def test_the_request_form_offers_every_country_by_name_and_both_levels(client, member):
    client.force_login(member)
    page = html(client.get(NEW_URL))
    select = re.search(r'<select name="countries".*?</select>', page, re.S).group(0)
    assert "multiple" in select
    names = [unescape(n) for n in re.findall(r">([^<]+)</option>", select)]
    assert names == list(Country.objects.order_by("name").values_list("name", flat=True))
    assert 'value="apc"' in page and 'value="deputies"' in page
    assert "in effect a meeting of the NSC Deputies Committee" in page
    assert "answer within 8 hours" in page


def test_a_member_requests_a_meeting_at_deputies_level(client, member, chair):
    client.force_login(member)
    response = client.post(
        NEW_URL,
        {"countries": ["SDN", "ETH"], "reasons": "Mass killings reported.", "level": "deputies"},
    )
    req = EmergencyRequest.objects.get()
    assert response.status_code == 302 and response.url == detail_url(req)
    assert (req.requested_by, req.level, req.countries) == (member, "deputies", ["ETH", "SDN"])
    assert req.status == EmergencyRequest.Status.PENDING
    assert Notification.objects.filter(recipient=chair, link=detail_url(req)).exists()
    page = html(client.get(response.url))
    assert f"Emergency meeting request #{req.pk} sent to the co-chairs." in page
    assert "Ethiopia" in page and "Sudan" in page
    assert "Deputies Committee" in page and "Grace Lindqvist" in page
    assert 'data-testid="answer-due"' in page
    # The requester may not answer their own request.
    assert "Convene the meeting" not in page and "Decline the request" not in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"countries": []}, "countries"),
        ({"countries": ["ZZZ"]}, "countries"),
        ({"reasons": ""}, "reasons"),
        ({"reasons": "   "}, "reasons"),
        ({"level": "principals"}, "level"),
        ({"level": ""}, "level"),
    ],
)
def test_bad_requests_answer_400_and_store_nothing(client, member, data, field):
    client.force_login(member)
    post = {"countries": ["SDN"], "reasons": "Killings.", "level": "apc", **data}
    response = client.post(NEW_URL, post)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "Nothing was changed." in html(response)
    assert not EmergencyRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="emergency.request").exists()


@pytest.mark.parametrize("role", roles.ALL)
def test_who_may_request(client, role):
    client.force_login(UserFactory(role=role))
    response = client.post(NEW_URL, {"countries": ["SDN"], "reasons": "Now.", "level": "apc"})
    assert response.status_code == (302 if role in REQUESTERS else 403)
    assert EmergencyRequest.objects.count() == (1 if role in REQUESTERS else 0)
    assert client.get(NEW_URL).status_code == (200 if role in REQUESTERS else 403)


# --- Who sees what --------------------------------------------------------------------------


@pytest.mark.parametrize("role", roles.ALL)
def test_who_sees_a_request(client, member, role):
    req = make_request(member)
    client.force_login(UserFactory(role=role))
    sees = role in {roles.CO_CHAIR, roles.DIRECTORATE}
    assert client.get(detail_url(req)).status_code == (200 if sees else 404)
    listed = client.get(LIST_URL)
    assert listed.status_code == 200
    assert (detail_url(req) in html(listed)) is sees


def test_the_deputies_secretariat_sees_requests_raised_to_its_level(client, member):
    req = make_request(member)
    deputies = UserFactory(role=roles.DEPUTIES)
    client.force_login(deputies)
    assert client.get(detail_url(req)).status_code == 404
    EmergencyRequest.objects.filter(pk=req.pk).update(due=timezone.now() - timedelta(minutes=1))
    assert services.emergency_requests_check() == 1
    page = client.get(detail_url(req))
    assert page.status_code == 200
    assert "raised to the Deputies Committee" in html(page)
    assert "Convene the meeting" not in html(page)


def test_the_list_puts_pending_requests_first_with_their_countdown(client, member, chair):
    answered = make_request(member, countries=["ETH"])
    services.emergency_request_answer(
        actor=chair, request=answered, action="decline", note="Handled at the regular meeting."
    )
    pending = make_request(member, countries=["SDN", "MMR"])
    client.force_login(chair)
    page = html(client.get(LIST_URL))
    order = [int(pk) for pk in re.findall(r'data-testid="emergency-(\d+)"', page)]
    assert order == [pending.pk, answered.pk]
    row = page.split(f'data-testid="emergency-{pending.pk}"')[1].split("</tr>")[0]
    assert "Myanmar" in row and "Sudan" in row
    assert re.search(r"<time data-countdown[^>]*>in 11 h 59 min</time>", row)
    assert 'src="/static/js/countdown.js"' in page
    assert "Request an emergency meeting" in page


def test_an_acute_warning_request_names_the_channel_and_links_the_warning(client, chair):
    analyst = UserFactory(role=roles.ANALYST, first_name="Tomas", last_name="Novak")
    warning = alerts.warning_file(
        actor=analyst,
        country=Country.objects.get(iso3="SDN"),
        severity="acute",
        title="Massacre feared",
        narrative="Killings reported.",
        identity_protected=True,
    )
    req = EmergencyRequest.objects.get(source_ref=f"watchlist.warning:{warning.pk}")
    client.force_login(chair)
    page = html(client.get(detail_url(req)))
    assert "The alert channel, for acute warning" in page
    assert reverse("watchlist:warning-detail", args=[warning.pk]) in page
    assert "Tomas" not in page and analyst.username not in page


# --- The co-chairs' answer ------------------------------------------------------------------


def test_a_co_chair_convenes_the_meeting(client, member, chair):
    req = make_request(member)
    client.force_login(chair)
    page = html(client.get(detail_url(req)))
    assert "Convene the meeting" in page and "Decline the request" in page
    when = future(30)
    response = client.post(
        answer_url(req), {"action": "convene", "meeting_at": when, "level": "deputies"}
    )
    assert response.status_code == 302 and response.url == detail_url(req)
    req.refresh_from_db()
    assert (req.status, req.decided_by, req.meeting_level) == ("convened", chair, "deputies")
    assert req.meeting_at.strftime("%Y-%m-%dT%H:%M") == when
    assert Notification.objects.filter(recipient=member, subject="Emergency meeting convened")
    page = html(client.get(detail_url(req)))
    assert "Deputies Committee meeting on" in page
    assert "Convene the meeting" not in page

    again = client.post(answer_url(req), {"action": "decline", "note": "Changed my mind."})
    assert again.status_code == 409
    assert "This request was already convened." in html(again)
    req.refresh_from_db()
    assert req.status == "convened"


def test_a_co_chair_declines_with_reasons(client, member, chair):
    req = make_request(member)
    client.force_login(chair)
    refused = client.post(answer_url(req), {"action": "decline", "note": ""})
    assert refused.status_code == 400
    assert "Give the reasons for declining." in html(refused)
    assert EmergencyRequest.objects.get(pk=req.pk).status == "pending"
    response = client.post(answer_url(req), {"action": "decline", "note": "Next week's meeting."})
    assert response.status_code == 302
    assert "Request declined; the requester and members are told." in flash(response)
    req.refresh_from_db()
    assert (req.status, req.decision_note) == ("declined", "Next week's meeting.")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"meeting_at": ""}, "meeting_at", "Give the date and time of the meeting."),
        ({"meeting_at": "tomorrow"}, "meeting_at", "Enter a valid date/time."),
        ({"meeting_at": "2001-01-01T10:00"}, "meeting_at", "The meeting cannot be in the past."),
        ({"level": "cabinet"}, "level", "Select a valid choice."),
    ],
)
def test_bad_convene_input_answers_400_and_changes_nothing(
    client, member, chair, data, field, message
):
    req = make_request(member)
    client.force_login(chair)
    post = {"action": "convene", "meeting_at": future(), "level": "apc", **data}
    response = client.post(answer_url(req), post)
    assert response.status_code == 400
    errors = response.context["convene_form"].errors[field]
    assert any(message in e for e in errors), errors
    req.refresh_from_db()
    assert (req.status, req.meeting_at, req.decided_by) == ("pending", None, None)


def test_an_unknown_answer_is_refused(client, member, chair):
    req = make_request(member)
    client.force_login(chair)
    response = client.post(answer_url(req), {"action": "adjourn"})
    assert response.status_code == 400
    assert "Choose to convene or to decline the request." in html(response)
    assert EmergencyRequest.objects.get(pk=req.pk).status == "pending"


@pytest.mark.parametrize("role", roles.ALL)
def test_only_co_chairs_answer(client, member, role):
    req = make_request(member)
    client.force_login(UserFactory(role=role))
    response = client.post(answer_url(req), {"action": "decline", "note": "No."})
    expected = {roles.CO_CHAIR: 302, roles.DIRECTORATE: 403}.get(role, 404)
    assert response.status_code == expected
    status = EmergencyRequest.objects.get(pk=req.pk).status
    assert status == ("declined" if role == roles.CO_CHAIR else "pending")


def test_the_requester_may_not_answer(client, member):
    req = make_request(member)
    client.force_login(member)
    response = client.post(answer_url(req), {"action": "decline", "note": "No."})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(actor=member, outcome="denied").exists()


# --- Query counts ---------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_runs_the_same_queries_for_1_and_25_rows(client, chair):
    agencies = list(Agency.objects.all())
    make_request(UserFactory(role=roles.MEMBER))
    client.force_login(chair)
    one = count_queries(client, LIST_URL)
    codes = list(Country.objects.values_list("iso3", flat=True)[:30])
    for i in range(24):
        requester = UserFactory(role=roles.MEMBER, agency=agencies[i % len(agencies)])
        req = make_request(requester, countries=codes[i : i + 3], level=["apc", "deputies"][i % 2])
        if i % 3 == 0:
            services.emergency_request_answer(
                actor=chair, request=req, action="decline", note="Not now."
            )
    assert count_queries(client, LIST_URL) == one
