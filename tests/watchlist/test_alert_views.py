"""The alert channel's pages: filing a warning and its receipt, "my warnings", the triage queue,
the warning, its policy review.

Sources: seeds/004_69ba87841026b054.txt, "Early Warning: Assessing Risks and Triggering Action",
recommendation 2-4 (a "mass atrocities alert channel" for reporting on acute warning, akin to
the State Department's "dissent channel") and 2-5 (warning of genocide or mass atrocities an
"automatic trigger" of policy review); issue 4 ("Filing": distribution to the filer, the
co-chairs and the directorate only, "not even other analysts of the same agency", reads
audited, the filer follows the status "never the deliberation"; "Pages and API").
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from apc.core import roles
from apc.core.markings import Marking
from apc.models import Agency, AuditEvent, EmergencyRequest, Notification, OutboxMessage
from tests.factories import IndicatorFactory, MeetingFactory, UserFactory, ensure_reference_data
from watchlist import alerts
from watchlist.models import Country, PolicyReview, TierChange, Warning

pytestmark = pytest.mark.django_db

FILERS = {roles.ANALYST, roles.MEMBER, roles.DIRECTORATE, roles.CO_CHAIR}
TRIAGE = {roles.DIRECTORATE, roles.CO_CHAIR}


@pytest.fixture(autouse=True)
def _reference_data():
    ensure_reference_data()


@pytest.fixture
def analyst():
    return UserFactory(role=roles.ANALYST, agency=Agency.objects.get(code="odni"))


@pytest.fixture
def staff():
    return UserFactory(role=roles.DIRECTORATE, agency=Agency.objects.get(code="nsc"))


@pytest.fixture
def chair():
    return UserFactory(role=roles.CO_CHAIR, agency=Agency.objects.get(code="nsc"))


def file_warning(filer, severity="routine", iso3="SDN", **extra) -> Warning:
    return alerts.warning_file(
        actor=filer,
        country=Country.objects.get(iso3=iso3),
        severity=severity,
        title=extra.pop("title", f"{severity.title()} warning on {iso3}"),
        narrative=extra.pop("narrative", "Armed groups recruit along ethnic lines."),
        **extra,
    )


def html(response) -> str:
    return response.content.decode()


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def counts() -> tuple[int, ...]:
    return (
        Warning.objects.count(),
        PolicyReview.objects.count(),
        EmergencyRequest.objects.count(),
        OutboxMessage.objects.count(),
        Notification.objects.count(),
    )


FILE_URL = reverse("watchlist:warning-file")
QUEUE_URL = reverse("watchlist:warning-list")
MINE_URL = reverse("watchlist:warning-mine")


def detail_url(warning) -> str:
    return reverse("watchlist:warning-detail", args=[warning.pk])


def review_url(warning) -> str:
    return reverse("watchlist:review-detail", args=[warning.review.pk])


# --- Filing -------------------------------------------------------------------------------------


@override_settings(
    ALERT_ACK_SECONDS={"acute": 5400, "elevated": 86400, "routine": 3 * 86400},
    ALERT_REVIEW_SECONDS={"acute": 36 * 3600, "elevated": 10 * 86400, "routine": 30 * 86400},
    EMERGENCY_REQUEST_ANSWER_SECONDS=6 * 3600,
)
def test_the_form_explains_each_severity_with_the_deadlines_of_the_settings(client, analyst):
    """Issue 4: acknowledgement and review are due by severity, "All deadlines are settings";
    an acute warning requests an emergency meeting that rises to Deputies level unanswered."""
    client.force_login(analyst)
    page = html(client.get(FILE_URL))
    assert "acknowledges it within 90 minutes; its policy review is due within 36 hours" in page
    assert "acknowledges it within 24 hours; its policy review is due within 10 days" in page
    assert "acknowledges it within 72 hours; its policy review is due within 30 days" in page
    assert "if no co-chair answers within 6 hours, the request rises to the Deputies" in page
    # The help text comes from the source documents.
    assert "recommendation 2-4" in page and "recommendation 2-5" in page
    assert "dissent channel" in page
    assert "Show my identity to the co-chairs only" in page


def test_the_form_offers_markings_up_to_the_clearance_countries_and_the_catalogue(client):
    filer = UserFactory(role=roles.ANALYST, clearance=Marking.C)
    active = IndicatorFactory(name="Hate speech in state media")
    IndicatorFactory(name="Retired indicator", active=False)
    client.force_login(filer)
    page = html(client.get(FILE_URL))

    marking = re.search(r'<select name="marking".*?</select>', page, re.S).group(0)
    assert re.findall(r'value="([A-Z]+)"', marking) == ["U", "CUI", "C"]

    country = re.search(r'<select name="country".*?</select>', page, re.S).group(0)
    names = [
        unescape(n) for n in re.findall(r'<option value="[A-Z]{3}"[^>]*>([^<]+)</option>', country)
    ]
    assert len(names) == Country.objects.count() > 240
    assert names == list(Country.objects.order_by("name").values_list("name", flat=True))

    assert f'value="{active.pk}"' in page and "Hate speech in state media" in page
    assert "Retired indicator" not in page


def test_filing_shows_the_receipt_with_number_status_and_deadlines(client, analyst):
    indicator = IndicatorFactory(name="Militia recruitment")
    client.force_login(analyst)
    response = client.post(
        FILE_URL,
        {
            "country": "SDN",
            "severity": "elevated",
            "title": "Militia mobilising in West Darfur",
            "narrative": "Armed groups recruit along ethnic lines near El Geneina.",
            "indicators": [indicator.pk],
            "sources": "Field report 12",
            "marking": "CUI",
            "identity_protected": "on",
        },
    )
    warning = Warning.objects.get()
    assert response.status_code == 302 and response.url == detail_url(warning)
    assert (warning.filed_by, warning.severity, warning.marking) == (analyst, "elevated", "CUI")
    assert warning.identity_protected is True
    assert list(warning.indicators.all()) == [indicator]
    assert warning.review.status == PolicyReview.Status.OPEN
    assert not EmergencyRequest.objects.exists()  # only an acute warning requests a meeting

    receipt = client.get(response.url)
    page = html(receipt)
    assert f"Warning #{warning.pk} received. This page is your receipt" in page
    assert '<h2 id="summary-heading">Receipt</h2>' in page
    assert f"#{warning.pk}" in page
    assert re.search(r'data-testid="warning-status">Received<', page)
    ack = warning.acknowledge_due.strftime("%Y-%m-%d %H:%M UTC")
    due = warning.review.due.strftime("%Y-%m-%d %H:%M UTC")
    assert f"Due by {ack}" in page and f"Due by {due}" in page
    assert "in 23 h 59 min" in page  # the server's countdown for a 24 h deadline
    assert "Identity protected" not in page  # the filer sees their own name
    assert analyst.get_full_name() in page


def test_an_acute_warning_links_its_emergency_request(client, analyst, chair):
    client.force_login(analyst)
    client.post(
        FILE_URL,
        {
            "country": "SDN",
            "severity": "acute",
            "title": "Massacre feared",
            "narrative": "Killings reported.",
            "marking": "U",
        },
    )
    warning = Warning.objects.get()
    request = EmergencyRequest.objects.get(source_ref=f"watchlist.warning:{warning.pk}")
    client.force_login(chair)
    page = html(client.get(detail_url(warning)))
    assert reverse("emergency-detail", args=[request.pk]) in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "Give the warning a title."),
        ({"narrative": "  "}, "narrative", "Describe what you are warning of."),
        ({"severity": ""}, "severity", "Choose the severity of the warning."),
        ({"severity": "catastrophic"}, "severity", "Select a valid choice."),
        ({"country": "ZZZ"}, "country", "Select a valid choice."),
        ({"country": ""}, "country", "Choose the country the warning concerns."),
        ({"marking": "S"}, "marking", "Select a valid choice."),  # above a C clearance
        ({"indicators": ["987654"]}, "indicators", "Select a valid choice."),
    ],
)
def test_bad_input_answers_400_with_the_error_and_stores_nothing(client, data, field, message):
    filer = UserFactory(role=roles.ANALYST, clearance=Marking.C)
    client.force_login(filer)
    before = counts()
    events = AuditEvent.objects.filter(action="warning.file").count()
    post = {
        "country": "SDN",
        "severity": "routine",
        "title": "A title",
        "narrative": "A narrative.",
        "marking": "U",
        **data,
    }
    response = client.post(FILE_URL, post)
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in str(e) for e in form.errors[field]), form.errors
    assert "usa-form-group--error" in html(response)
    assert "Nothing was changed." in html(response)
    assert counts() == before
    assert AuditEvent.objects.filter(action="warning.file").count() == events


def test_an_inactive_indicator_is_refused(client, analyst):
    retired = IndicatorFactory(active=False)
    client.force_login(analyst)
    before = counts()
    response = client.post(
        FILE_URL,
        {
            "country": "SDN",
            "severity": "routine",
            "title": "A title",
            "narrative": "A narrative.",
            "marking": "U",
            "indicators": [retired.pk],
        },
    )
    assert response.status_code == 400
    assert "indicators" in response.context["form"].errors
    assert counts() == before


@pytest.mark.parametrize("role", roles.ALL)
def test_who_may_file(client, role):
    client.force_login(UserFactory(role=role))
    before = counts()
    post = {"country": "SDN", "severity": "routine", "title": "T", "narrative": "N", "marking": "U"}
    assert client.get(FILE_URL).status_code == (200 if role in FILERS else 403)
    response = client.post(FILE_URL, post)
    if role in FILERS:
        assert response.status_code == 302
        assert Warning.objects.count() == before[0] + 1
    else:
        assert response.status_code == 403
        assert counts() == before


# --- Distribution and the protected identity ----------------------------------------------------


@pytest.mark.parametrize("role", roles.ALL)
def test_who_sees_a_warning(client, analyst, role):
    """Issue 4: "the filer, the co-chairs, and directorate staff; nobody else, not even other
    analysts of the same agency"."""
    warning = file_warning(analyst)
    colleague = UserFactory(role=role, agency=analyst.agency)
    client.force_login(colleague)
    expected = 200 if role in TRIAGE else 404
    assert client.get(detail_url(warning)).status_code == expected
    queue = client.get(QUEUE_URL)
    assert queue.status_code == (200 if role in TRIAGE else 403)
    mine = client.get(MINE_URL)
    if mine.status_code == 200:
        assert warning.title not in html(mine)


def test_members_see_a_warning_once_it_is_on_an_agenda(client, analyst):
    warning = file_warning(analyst)
    member = UserFactory(role=roles.MEMBER)
    client.force_login(member)
    assert client.get(detail_url(warning)).status_code == 404
    Warning.objects.filter(pk=warning.pk).update(agenda_meeting=MeetingFactory())
    page = client.get(detail_url(warning))
    assert page.status_code == 200
    assert "Armed groups recruit along ethnic lines." in html(page)
    assert 'data-testid="review"' not in html(page)  # never the deliberation


def test_a_protected_identity_is_absent_from_every_page_a_non_co_chair_gets(client, chair, staff):
    agency = Agency.objects.create(code="quiet", name="Bureau of Quiet Reports", short_name="BQR")
    filer = UserFactory(
        role=roles.ANALYST,
        username="zq.whistle",
        first_name="Zebulon",
        last_name="Quillfeather",
        agency=agency,
    )
    warning = file_warning(filer, severity="acute", identity_protected=True)
    Warning.objects.filter(pk=warning.pk).update(agenda_meeting=MeetingFactory())
    emergency = EmergencyRequest.objects.get(source_ref=f"watchlist.warning:{warning.pk}")
    secrets = [b"zq.whistle", b"Zebulon", b"Quillfeather", b"Bureau of Quiet Reports", b"BQR"]
    pages = [
        QUEUE_URL,
        detail_url(warning),
        review_url(warning),
        reverse("emergency-list"),
        reverse("emergency-detail", args=[emergency.pk]),
    ]
    member = UserFactory(role=roles.MEMBER)
    for reader in (staff, member):
        client.force_login(reader)
        for url in pages:
            response = client.get(url)
            if response.status_code != 200:
                assert reader == member  # members do not triage or see the review
                continue
            leaked = [s for s in secrets if s in response.content]
            assert not leaked, (reader.username, url, leaked)
            if url in (QUEUE_URL, detail_url(warning), review_url(warning)):
                assert b"Identity protected" in response.content
    # After the directorate acknowledges, the queue it is sent back to says nothing either.
    client.force_login(staff)
    response = client.post(reverse("watchlist:warning-acknowledge", args=[warning.pk]), follow=True)
    assert response.status_code == 200
    assert not [s for s in secrets if s in response.content]

    # The co-chairs see who filed (the test would fail if the name were never rendered).
    client.force_login(chair)
    for url in (QUEUE_URL, detail_url(warning), review_url(warning)):
        content = client.get(url).content
        assert b"Zebulon Quillfeather" in content and b"BQR" in content
        assert b"Identity protected" not in content


def test_an_unprotected_filer_is_shown_to_the_directorate(client, analyst, staff):
    warning = file_warning(analyst)
    client.force_login(staff)
    page = html(client.get(detail_url(warning)))
    assert analyst.get_full_name() in page
    assert "Identity protected" not in page


# --- Audited reads ------------------------------------------------------------------------------


def test_reading_a_warning_is_audited(client, analyst, staff):
    warning = file_warning(analyst)
    client.force_login(staff)
    client.get(detail_url(warning))
    event = AuditEvent.objects.get(action="warning.view")
    assert (event.actor, event.object_type, event.object_id) == (
        staff,
        "watchlist.warning",
        str(warning.pk),
    )
    client.get(review_url(warning))
    assert AuditEvent.objects.filter(
        action="review.view", actor=staff, object_id=str(warning.review.pk)
    ).exists()


def test_a_refused_read_is_audited(client, analyst):
    warning = file_warning(analyst)
    other = UserFactory(role=roles.ANALYST, agency=analyst.agency)
    client.force_login(other)
    assert client.get(detail_url(warning)).status_code == 404
    event = AuditEvent.objects.get(actor=other, outcome="denied")
    assert (event.object_type, event.object_id) == ("watchlist.warning", str(warning.pk))


def test_list_reads_write_one_event_naming_the_ids_shown(client, analyst, staff):
    first, second = file_warning(analyst), file_warning(analyst, severity="acute")
    client.force_login(staff)
    client.get(QUEUE_URL)
    event = AuditEvent.objects.get(action="warning.list", actor=staff)
    assert event.changes["ids"] == [second.pk, first.pk]  # the acute one is due first
    client.force_login(analyst)
    client.get(MINE_URL)
    event = AuditEvent.objects.get(action="warning.list", actor=analyst)
    assert sorted(event.changes["ids"]) == sorted([first.pk, second.pk])


# --- The triage queue ---------------------------------------------------------------------------


def test_the_queue_is_ordered_by_deadline_with_countdowns_and_actions(client, analyst, staff):
    routine = file_warning(analyst, severity="routine", title="Routine one")
    acute = file_warning(analyst, severity="acute", title="Acute one")
    elevated = file_warning(analyst, severity="elevated", title="Elevated one")
    closed = file_warning(analyst, title="Closed one")
    alerts.review_close(
        actor=staff, review=closed.review, outcome="no_change", rationale="Nothing new."
    )
    Warning.objects.filter(pk=routine.pk).update(
        acknowledge_due=timezone.now() - timedelta(minutes=5, seconds=30)
    )
    client.force_login(staff)
    page = html(client.get(QUEUE_URL))
    order = [int(pk) for pk in re.findall(r'data-testid="warning-(\d+)"', page)]
    assert order == [routine.pk, acute.pk, elevated.pk]  # overdue first; the closed one gone
    row = page[page.index(f'data-testid="warning-{routine.pk}"') :]
    assert re.search(r"<time data-countdown datetime=\"[^\"]+\"[^>]*>overdue by 5 min</time>", row)
    row = page[page.index(f'data-testid="warning-{acute.pk}"') :]
    assert re.search(r"<time data-countdown[^>]*>in 1 h 59 min</time>", row)
    assert page.count("Acknowledge<span") == 3
    assert page.count("Start the review<span") == 3
    assert 'src="/static/js/countdown.js"' in page

    alerts.warning_acknowledge(actor=staff, warning=acute)
    page = html(client.get(QUEUE_URL))
    row = page[page.index(f'data-testid="warning-{acute.pk}"') :].split("</tr>")[0]
    assert "Review due" in row and "in 1 d 23 h" in row
    assert "Acknowledge<span" not in row


def test_co_chairs_see_the_queue_without_the_directorate_actions(client, analyst, chair):
    warning = file_warning(analyst)
    client.force_login(chair)
    page = html(client.get(QUEUE_URL))
    assert f'data-testid="warning-{warning.pk}"' in page
    assert reverse("watchlist:warning-acknowledge", args=[warning.pk]) not in page
    assert reverse("watchlist:review-start", args=[warning.review.pk]) not in page
    assert review_url(warning) in page  # co-chairs close reviews
    page = html(client.get(detail_url(warning)))
    assert reverse("watchlist:warning-acknowledge", args=[warning.pk]) not in page
    assert "Close the review" in page


def test_acknowledging_from_the_queue(client, analyst, staff):
    warning = file_warning(analyst)
    other = file_warning(analyst, title="Another one")
    client.force_login(staff)
    url = reverse("watchlist:warning-acknowledge", args=[warning.pk])
    response = client.post(url, {"next": QUEUE_URL})
    assert response.status_code == 302 and response.url == QUEUE_URL
    assert f"Warning #{warning.pk} acknowledged; the filer is told." in flash(response)
    warning.refresh_from_db()
    assert warning.status == Warning.Status.ACKNOWLEDGED and warning.acknowledged_by == staff

    again = client.post(url, {"next": "https://evil.example/"})
    assert again.status_code == 409
    assert "This warning was already acknowledged." in html(again)
    # The queue shown with the error sends its actions back to the queue, not to this POST.
    assert reverse("watchlist:warning-acknowledge", args=[other.pk]) in html(again)
    assert f'name="next" value="{QUEUE_URL}"' in html(again)
    assert f'value="{url}"' not in html(again)
    warning.refresh_from_db()
    assert warning.acknowledged_by == staff


def test_acknowledging_does_not_follow_an_outside_next(client, analyst, staff):
    warning = file_warning(analyst)
    client.force_login(staff)
    response = client.post(
        reverse("watchlist:warning-acknowledge", args=[warning.pk]),
        {"next": "https://evil.example/"},
    )
    assert response.url == QUEUE_URL


def test_starting_the_review_shows_under_review_to_the_filer(client, analyst, staff):
    warning = file_warning(analyst)
    client.force_login(staff)
    response = client.post(reverse("watchlist:review-start", args=[warning.review.pk]))
    assert response.status_code == 302 and response.url == review_url(warning)
    again = client.post(reverse("watchlist:review-start", args=[warning.review.pk]))
    assert again.status_code == 409
    client.force_login(analyst)
    row = html(client.get(MINE_URL)).split(f'data-testid="warning-{warning.pk}"')[1]
    assert "<td>Under review</td>" in row.split("</tr>")[0]


# --- The review ---------------------------------------------------------------------------------


def test_closing_the_review_tells_the_filer_the_outcome_never_the_deliberation(
    client, analyst, staff
):
    warning = file_warning(analyst)
    client.force_login(staff)
    page = html(client.get(review_url(warning)))
    assert "Close the review" in page
    assert 'value="tier_change"' not in page  # only co-chairs change tiers
    assert "Only a co-chair may close with a tier change." in page
    response = client.post(
        review_url(warning),
        {"outcome": "plan_update", "rationale": "Secret deliberation: the plan misses Darfur."},
    )
    assert response.status_code == 302 and response.url == review_url(warning)
    review = PolicyReview.objects.get(pk=warning.review.pk)
    assert (review.status, review.outcome, review.closed_by) == ("closed", "plan_update", staff)

    client.force_login(analyst)
    mine = html(client.get(MINE_URL))
    assert "Plan update" in mine and "Closed" in mine
    page = html(client.get(detail_url(warning)))
    assert "Closed, outcome: <strong>Plan update</strong>" in page
    assert "Secret deliberation" not in page
    assert review_url(warning) not in page
    assert client.get(review_url(warning)).status_code == 404


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"rationale": "Because."}, "outcome"),
        ({"outcome": "no_change"}, "rationale"),
        ({"outcome": "no_change", "rationale": "   "}, "rationale"),
        ({"outcome": "adjourn", "rationale": "Because."}, "outcome"),
        ({"outcome": "tier_change", "rationale": "Because."}, "tier"),
        ({"outcome": "tier_change", "rationale": "Because.", "tier": "apocalyptic"}, "tier"),
    ],
)
def test_a_review_closes_only_with_an_outcome_and_a_rationale(client, analyst, chair, data, field):
    warning = file_warning(analyst)
    client.force_login(chair)
    response = client.post(review_url(warning), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "Nothing was changed." in html(response)
    review = PolicyReview.objects.get(pk=warning.review.pk)
    assert (review.status, review.outcome, review.rationale) == ("open", "", "")
    assert Warning.objects.get(pk=warning.pk).status == Warning.Status.RECEIVED


def test_the_directorate_cannot_close_with_a_tier_change(client, analyst, staff):
    warning = file_warning(analyst)
    client.force_login(staff)
    response = client.post(
        review_url(warning),
        {"outcome": "tier_change", "rationale": "Move it up.", "tier": "moderate"},
    )
    assert response.status_code == 400
    assert "outcome" in response.context["form"].errors
    assert PolicyReview.objects.get(pk=warning.review.pk).status == "open"
    assert not TierChange.objects.exists()


def test_a_co_chair_closes_with_a_tier_change(client, analyst, chair):
    """Issue 4: "a tier-change outcome goes through the watchlist's tier_change"."""
    warning = file_warning(analyst)
    client.force_login(chair)
    response = client.post(
        review_url(warning),
        {"outcome": "tier_change", "rationale": "Killings are spreading.", "tier": "high_rising"},
    )
    assert response.status_code == 302
    change = TierChange.objects.get()
    assert (change.country_id, change.to_tier, change.decided_by) == ("SDN", "high_rising", chair)
    assert PolicyReview.objects.get(pk=warning.review.pk).tier_change == change
    page = html(client.get(review_url(warning)))
    assert "Tier change: not listed → High and rising" in page
    again = client.post(review_url(warning), {"outcome": "no_change", "rationale": "Again."})
    assert again.status_code == 409


def test_the_same_tier_is_an_error_on_the_form(client, analyst, chair):
    Country.objects.filter(iso3="SDN").update(tier="moderate")
    warning = file_warning(analyst)
    client.force_login(chair)
    response = client.post(
        review_url(warning),
        {"outcome": "tier_change", "rationale": "Keep it.", "tier": "moderate"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["tier"] == ["The country already has that tier."]
    assert PolicyReview.objects.get(pk=warning.review.pk).status == "open"


@pytest.mark.parametrize("role", roles.ALL)
def test_who_may_close_a_review(client, analyst, role):
    warning = file_warning(analyst)
    client.force_login(UserFactory(role=role))
    response = client.post(review_url(warning), {"outcome": "no_change", "rationale": "Fine."})
    assert response.status_code == (302 if role in TRIAGE else 404)
    status = PolicyReview.objects.get(pk=warning.review.pk).status
    assert status == ("closed" if role in TRIAGE else "open")


def test_the_filer_may_not_act_on_their_own_warning(client, analyst):
    warning = file_warning(analyst)
    client.force_login(analyst)
    ack = client.post(reverse("watchlist:warning-acknowledge", args=[warning.pk]))
    assert ack.status_code == 403
    assert (
        client.post(reverse("watchlist:review-start", args=[warning.review.pk])).status_code == 404
    )
    assert Warning.objects.get(pk=warning.pk).status == Warning.Status.RECEIVED


# --- Query counts -------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _many_filers() -> list:
    agencies = list(Agency.objects.all())
    return [UserFactory(role=roles.ANALYST, agency=agencies[i % len(agencies)]) for i in range(24)]


@pytest.mark.parametrize("viewer_role", [roles.DIRECTORATE, roles.CO_CHAIR])
def test_the_queue_runs_the_same_queries_for_1_and_25_rows(client, analyst, viewer_role):
    viewer = UserFactory(role=viewer_role)
    indicator = IndicatorFactory()
    file_warning(analyst, indicators=[indicator], identity_protected=True)
    client.force_login(viewer)
    one = count_queries(client, QUEUE_URL)
    for i, filer in enumerate(_many_filers()):
        w = file_warning(filer, severity=["routine", "elevated", "acute"][i % 3])
        if i % 4 == 0:
            alerts.warning_acknowledge(actor=UserFactory(role=roles.DIRECTORATE), warning=w)
    assert count_queries(client, QUEUE_URL) == one


def test_my_warnings_runs_the_same_queries_for_1_and_25_rows(client, analyst):
    file_warning(analyst)
    client.force_login(analyst)
    one = count_queries(client, MINE_URL)
    staff = UserFactory(role=roles.DIRECTORATE)
    for i in range(24):
        w = file_warning(analyst, severity=["routine", "elevated", "acute"][i % 3])
        if i % 3 == 0:
            alerts.review_close(actor=staff, review=w.review, outcome="no_change", rationale="R.")
    assert count_queries(client, MINE_URL) == one
