"""The alert channel's services: filing and its automatic consequences, acknowledgement, the
policy review, emergency requests and the escalation of missed deadlines.

Sources: seeds/004_69ba87841026b054.txt recommendations 2-4 (an alert channel "akin to the
dissent channel") and 2-5 (warning as an "automatic trigger" of policy review); seeds/000,
"Crisis Response Structure and Process" (emergency meetings, optionally at Deputies level).
"""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from apc import services as apc_services
from apc.core import roles
from apc.core.exceptions import Invalid, InvalidTransition, NotPermitted
from apc.core.markings import Marking
from apc.core.permissions import can, visible
from apc.models import AuditEvent, DeadlineBreach, EmergencyRequest, Notification, OutboxMessage
from tests.factories import IndicatorFactory, MeetingFactory, UserFactory, country
from watchlist import alerts, selectors
from watchlist.models import PolicyReview, Tier, TierChange, Warning

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst():
    return UserFactory(role=roles.ANALYST, clearance=Marking.S)


@pytest.fixture
def staff():
    return UserFactory(role=roles.DIRECTORATE, is_directorate_lead=True)


@pytest.fixture
def chair():
    return UserFactory(role=roles.CO_CHAIR)


def file(actor, severity="elevated", **kw):
    fields = {
        "country": country("SDN"),
        "title": "Militia mobilisation",
        "narrative": "Seen in Darfur.",
        "marking": Marking.U,
        **kw,
    }
    return alerts.warning_file(actor=actor, severity=severity, **fields)


@override_settings(
    ALERT_ACK_SECONDS={"acute": 7200, "elevated": 86400, "routine": 259200},
    ALERT_REVIEW_SECONDS={"acute": 172800, "elevated": 604800, "routine": 2592000},
)
@pytest.mark.parametrize(
    ("severity", "ack_hours", "review_hours"),
    [("acute", 2, 48), ("elevated", 24, 168), ("routine", 72, 720)],
)
def test_filing_opens_the_review_and_deadlines_by_severity(
    analyst, staff, chair, severity, ack_hours, review_hours
):
    warning = file(analyst, severity)
    review = warning.review
    assert warning.status == "received" and warning.filed_by == analyst
    assert warning.acknowledge_due - warning.filed_at == timedelta(hours=ack_hours)
    assert review.due - warning.filed_at == timedelta(hours=review_hours)
    assert review.assigned_agency.code == "nsc" and review.status == "open"
    requests = EmergencyRequest.objects.filter(source_ref=f"watchlist.warning:{warning.pk}")
    assert requests.count() == (1 if severity == "acute" else 0)
    receipt = Notification.objects.get(recipient=analyst, event_key=f"warning:{warning.pk}:receipt")
    assert "received" in receipt.subject
    keys = set(OutboxMessage.objects.values_list("dedupe_key", flat=True))
    assert f"warning:{warning.pk}:filed" in keys
    assert (f"warning:{warning.pk}:acute" in keys) is (severity == "acute")
    assert AuditEvent.objects.filter(action="warning.file", object_id=str(warning.pk)).exists()


def test_acute_emergency_request_is_on_the_channels_behalf(analyst):
    file(analyst, "acute", marking=Marking.C)
    request = EmergencyRequest.objects.get()
    assert request.requested_by is None and request.countries == ["SDN"]
    assert request.level == "apc" and request.marking == Marking.C and request.status == "pending"


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("severity", {"severity": "catastrophic"}),
        ("title", {"title": "  "}),
        ("narrative", {"narrative": ""}),
        ("marking", {"marking": Marking.S}),
    ],
)
def test_bad_filing_is_refused_and_stores_nothing(field, kwargs):
    low = UserFactory(role=roles.ANALYST, clearance=Marking.C)
    args = {"severity": "elevated", **kwargs}
    with pytest.raises(Invalid) as exc:
        file(low, **args)
    assert field in exc.value.errors
    assert not Warning.objects.exists() and not PolicyReview.objects.exists()
    assert not OutboxMessage.objects.exists() and not Notification.objects.exists()


def test_a_retired_indicator_cannot_be_cited(analyst):
    retired = IndicatorFactory(active=False)
    with pytest.raises(Invalid):
        file(analyst, indicators=[retired])


@pytest.mark.parametrize("role", roles.ALL)
def test_who_may_file(role):
    user = UserFactory(role=role)
    allowed = role in {roles.ANALYST, roles.MEMBER, roles.DIRECTORATE, roles.CO_CHAIR}
    if allowed:
        assert file(user).pk
    else:
        with pytest.raises(NotPermitted):
            file(user)


def test_distribution_filer_chairs_directorate_not_other_analysts_members_after_agenda(
    analyst, staff, chair
):
    warning = file(analyst)
    same_agency_analyst = UserFactory(role=roles.ANALYST, agency=analyst.agency)
    member = UserFactory(role=roles.MEMBER)
    seen = {
        u: visible(u, Warning.objects.all()).filter(pk=warning.pk).exists()
        for u in (analyst, staff, chair, same_agency_analyst, member)
    }
    assert seen == {
        analyst: True,
        staff: True,
        chair: True,
        same_agency_analyst: False,
        member: False,
    }
    for role in (roles.RED_TEAM, roles.DEPUTIES, roles.PRINCIPALS, roles.AUDITOR, roles.API_CLIENT):
        assert not can(UserFactory(role=role), "view", warning)
    Warning.objects.filter(pk=warning.pk).update(agenda_meeting=MeetingFactory())
    warning.refresh_from_db()
    assert can(member, "view", warning)


def test_a_protected_identity_is_for_the_co_chairs_and_the_filer(analyst, staff, chair):
    protected = file(analyst, identity_protected=True)
    open_ = file(analyst, identity_protected=False)
    Warning.objects.update(agenda_meeting=MeetingFactory())
    member = UserFactory(role=roles.MEMBER)
    for user, expected in [
        (chair, {protected.pk, open_.pk}),
        (analyst, {protected.pk, open_.pk}),
        (staff, {open_.pk}),
        (member, {open_.pk}),
    ]:
        assert selectors.filer_shown_ids(user, [protected, open_]) == expected


def test_reviews_are_not_for_the_filer(analyst, staff):
    warning = file(analyst)
    assert not can(analyst, "view", warning.review)
    assert can(staff, "view", warning.review)


def test_a_warning_above_the_readers_clearance_is_invisible(staff):
    secret = file(UserFactory(role=roles.ANALYST, clearance=Marking.S), marking=Marking.S)
    low_staff = UserFactory(role=roles.DIRECTORATE, clearance=Marking.C)
    assert not can(low_staff, "view", secret)
    assert not can(low_staff, "view", secret.review)


def test_acknowledgement(analyst, staff):
    warning = file(analyst)
    alerts.warning_acknowledge(actor=staff, warning=warning)
    warning.refresh_from_db()
    assert warning.status == "acknowledged" and warning.acknowledged_by == staff
    assert Notification.objects.filter(
        recipient=analyst, event_key=f"warning:{warning.pk}:acknowledged"
    ).exists()
    with pytest.raises(InvalidTransition):
        alerts.warning_acknowledge(actor=staff, warning=warning)
    with pytest.raises(NotPermitted):
        alerts.warning_acknowledge(actor=analyst, warning=warning)


@pytest.mark.parametrize(
    ("outcome", "rationale", "field"),
    [
        ("", "Because.", "outcome"),
        ("no_change", "", "rationale"),
        ("vibes", "x", "outcome"),
        ("tier_change", "x", "tier"),
    ],
)
def test_a_review_closes_only_with_an_outcome_and_a_rationale(
    analyst, staff, outcome, rationale, field
):
    warning = file(analyst)
    with pytest.raises(Invalid) as exc:
        alerts.review_close(
            actor=staff, review=warning.review, outcome=outcome, rationale=rationale
        )
    assert field in exc.value.errors
    warning.review.refresh_from_db()
    assert warning.review.status == "open"


def test_closing_with_no_change_tells_the_filer_the_outcome_only(analyst, staff):
    warning = file(analyst)
    alerts.review_start(actor=staff, review=warning.review)
    warning.refresh_from_db()
    assert warning.status == "under_review"
    alerts.review_close(
        actor=staff, review=warning.review, outcome="no_change", rationale="Deliberation text"
    )
    warning.refresh_from_db()
    assert (warning.status, warning.outcome) == ("closed", "no_change")
    note = Notification.objects.get(recipient=analyst, event_key=f"warning:{warning.pk}:closed")
    assert "Deliberation text" not in note.body and "No change" in note.body
    with pytest.raises(InvalidTransition):
        alerts.review_close(
            actor=staff, review=warning.review, outcome="no_change", rationale="again"
        )


def test_a_tier_change_outcome_goes_through_tier_change(analyst, staff, chair):
    warning = file(analyst)
    with pytest.raises(NotPermitted):  # only co-chairs change tiers
        alerts.review_close(
            actor=staff,
            review=warning.review,
            outcome="tier_change",
            rationale="Escalating",
            tier=Tier.MODERATE,
        )
    review = alerts.review_close(
        actor=chair,
        review=warning.review,
        outcome="tier_change",
        rationale="Escalating",
        tier=Tier.MODERATE,
    )
    change = TierChange.objects.get()
    assert review.tier_change == change and change.source_ref == f"watchlist.warning:{warning.pk}"
    assert change.to_tier == Tier.MODERATE and change.decided_by == chair


def test_an_emergency_meeting_outcome_requests_one_and_tells_the_co_chairs(analyst, staff):
    warning = file(analyst, "acute")
    channel_request = EmergencyRequest.objects.get()
    review = alerts.review_close(
        actor=staff,
        review=warning.review,
        outcome="emergency_meeting",
        rationale="Secret reasoning",
    )
    request = EmergencyRequest.objects.get(pk=review.emergency_request_id)
    assert request != channel_request  # its own request, even if the channel's was answered
    assert request.source_ref == f"watchlist.policyreview:{review.pk}"
    assert "Secret reasoning" not in request.reasons
    assert OutboxMessage.objects.filter(dedupe_key=f"review:{review.pk}:emergency").exists()


def test_a_raised_requests_reasons_never_carry_the_warning(analyst):
    file(analyst, "acute", title="Names of the informants")
    assert "informants" not in EmergencyRequest.objects.get().reasons


def test_the_tier_history_never_carries_the_deliberation(analyst, chair):
    warning = file(analyst)
    alerts.review_close(
        actor=chair,
        review=warning.review,
        outcome="tier_change",
        rationale="Deliberation that stays private",
        tier=Tier.MODERATE,
    )
    assert "Deliberation" not in TierChange.objects.get().rationale


def test_declining_a_channel_request_stays_within_the_distribution(analyst, chair):
    member = UserFactory(role=roles.MEMBER)
    file(analyst, "acute")
    request = EmergencyRequest.objects.get()
    apc_services.emergency_request_answer(
        actor=chair, request=request, action="decline", note="Private note about the warning"
    )
    declined = Notification.objects.filter(event_key=f"emergency:{request.pk}:decline")
    assert not declined.filter(recipient=member).exists()
    assert not declined.filter(body__contains="Private note").exists()


def test_a_protected_filers_list_reads_name_no_ids_for_auditors(analyst):
    protected = file(analyst, identity_protected=True)
    alerts.warnings_list_read(actor=analyst, warnings=[protected], where="mine")
    event = AuditEvent.objects.get(action="warning.list")
    assert event.actor_protected and event.changes == {}
    assert str(protected.pk) not in event.summary


def test_warnings_are_never_deleted():
    assert "delete" not in dir(alerts)
    # the admin cannot delete them either
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    assert not admin.site._registry[Warning].has_delete_permission(request)


# --- Deadlines --------------------------------------------------------------------------------


@override_settings(ALERT_SECOND_LEVEL_SECONDS={"acute": 3600, "elevated": 3600, "routine": 3600})
def test_a_missed_acknowledgement_escalates_lead_then_co_chairs_once_each(analyst, staff, chair):
    other_staff = UserFactory(role=roles.DIRECTORATE)
    warning = file(analyst, "acute")
    due = warning.acknowledge_due
    assert alerts.alert_deadlines_check(now=due - timedelta(seconds=1)) == 0
    assert alerts.alert_deadlines_check(now=due + timedelta(seconds=1)) == 1
    lead_notes = Notification.objects.filter(subject__startswith="Deadline missed")
    assert set(lead_notes.values_list("recipient", flat=True)) == {staff.pk}  # the lead only
    assert other_staff.pk not in set(lead_notes.values_list("recipient", flat=True))
    assert alerts.alert_deadlines_check(now=due + timedelta(seconds=2)) == 0  # nothing new
    later = due + timedelta(hours=1, seconds=1)
    assert alerts.alert_deadlines_check(now=later) == 1
    assert (
        Notification.objects.filter(subject__startswith="Deadline missed", recipient=chair).count()
        == 1
    )
    assert alerts.alert_deadlines_check(now=later) == 0
    assert DeadlineBreach.objects.filter(deadline="acknowledge").count() == 2


def test_acknowledged_warnings_do_not_escalate(analyst, staff):
    warning = file(analyst)
    alerts.warning_acknowledge(actor=staff, warning=warning)
    assert alerts.alert_deadlines_check(now=warning.acknowledge_due + timedelta(days=1)) == 0


def test_an_overdue_review_escalates(analyst, staff):
    warning = file(analyst)
    alerts.warning_acknowledge(actor=staff, warning=warning)
    assert alerts.alert_deadlines_check(now=warning.review.due + timedelta(seconds=1)) == 1
    assert DeadlineBreach.objects.filter(deadline="review", level=1).exists()


def test_an_unanswered_emergency_request_rises_to_deputies_once(analyst, chair):
    deputies = UserFactory(role=roles.DEPUTIES)
    file(analyst, "acute")
    request = EmergencyRequest.objects.get()
    assert not can(deputies, "view", request)
    assert apc_services.emergency_requests_check(now=request.due - timedelta(seconds=1)) == 0
    assert apc_services.emergency_requests_check(now=request.due + timedelta(seconds=1)) == 1
    assert apc_services.emergency_requests_check(now=request.due + timedelta(seconds=2)) == 0
    request.refresh_from_db()
    assert request.level == "deputies" and request.raised_at is not None
    assert can(deputies, "view", request)
    raised = Notification.objects.filter(event_key=f"emergency:{request.pk}:raised")
    assert set(raised.values_list("recipient", flat=True)) == {chair.pk, deputies.pk}


def test_a_raised_request_is_convened_at_deputies_level(analyst, chair):
    file(analyst, "acute")
    request = EmergencyRequest.objects.get()
    apc_services.emergency_requests_check(now=request.due + timedelta(seconds=1))
    answered = apc_services.emergency_request_answer(
        actor=chair,
        request=request,
        action="convene",
        meeting_at=timezone.now() + timedelta(hours=3),
    )
    assert (answered.status, answered.meeting_level) == ("convened", "deputies")
    with pytest.raises(InvalidTransition):
        apc_services.emergency_request_answer(
            actor=chair, request=request, action="decline", note="n"
        )


def test_members_request_emergency_meetings_and_co_chairs_answer(chair):
    member = UserFactory(role=roles.MEMBER)
    request = apc_services.emergency_request_create(
        actor=member, countries=["sdn", "SSD"], reasons="Mass graves reported", level="deputies"
    )
    assert request.countries == ["SDN", "SSD"] and request.level == "deputies"
    assert Notification.objects.filter(
        recipient=chair, event_key=f"emergency:{request.pk}:requested"
    ).exists()
    with pytest.raises(Invalid):
        apc_services.emergency_request_answer(actor=chair, request=request, action="decline")
    with pytest.raises(NotPermitted):
        apc_services.emergency_request_answer(
            actor=member, request=request, action="decline", note="no"
        )
    declined = apc_services.emergency_request_answer(
        actor=chair, request=request, action="decline", note="Handled at the regular meeting"
    )
    assert declined.status == "declined"
    assert Notification.objects.filter(
        recipient=member, event_key=f"emergency:{request.pk}:decline"
    ).exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"countries": []}, "countries"),
        ({"countries": ["XXX"]}, "countries"),
        ({"reasons": " "}, "reasons"),
        ({"level": "principals"}, "level"),
    ],
)
def test_bad_emergency_requests_are_refused(kwargs, field):
    args = {"countries": ["SDN"], "reasons": "r", "level": "apc", **kwargs}
    with pytest.raises(Invalid) as exc:
        apc_services.emergency_request_create(actor=UserFactory(role=roles.MEMBER), **args)
    assert field in exc.value.errors
    assert not EmergencyRequest.objects.exists()


@pytest.mark.parametrize("role", [r for r in roles.ALL if r not in (roles.MEMBER, roles.CO_CHAIR)])
def test_only_members_and_co_chairs_request_emergency_meetings(role):
    with pytest.raises(NotPermitted):
        apc_services.emergency_request_create(
            actor=UserFactory(role=role), countries=["SDN"], reasons="r"
        )


def test_the_filers_own_acts_on_a_protected_warning_are_masked_in_the_audit_trail(analyst):
    protected = file(analyst, identity_protected=True)
    plain = file(analyst)
    assert AuditEvent.objects.get(
        action="warning.file", object_id=str(protected.pk)
    ).actor_protected
    assert not AuditEvent.objects.get(
        action="warning.file", object_id=str(plain.pk)
    ).actor_protected


def test_the_country_page_lists_only_the_warnings_the_reader_may_see(client, analyst, staff):
    from django.urls import reverse

    warning = file(analyst, title="Checkpoints multiply")
    url = reverse("watchlist:country-detail", args=["SDN"])
    client.force_login(staff)
    assert "Checkpoints multiply" in client.get(url).content.decode()
    client.force_login(UserFactory(role=roles.ANALYST, agency=analyst.agency))
    assert "Checkpoints multiply" not in client.get(url).content.decode()
    client.force_login(UserFactory(role=roles.MEMBER))
    assert "Checkpoints multiply" not in client.get(url).content.decode()
    assert warning.pk
