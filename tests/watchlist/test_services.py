"""Watchlist services: tier_change and its consequences, proposals, profile, review,
indicators and observations, surveillance requests.

Source: seeds/000_588810f2139c9d78.txt, "Decision Support and Planning": "moderate concern" ->
crisis prevention plan; "high and rising" -> heightened intelligence surveillance and monitoring
and a crisis response plan "beginning with three assessments"; priorities beyond risk: "the
extent of U.S. influence and potential impact on other U.S. interests".
"""

from datetime import date, timedelta

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from apc.core import roles
from apc.core.exceptions import Conflict, Invalid, InvalidTransition, NotPermitted
from apc.core.markings import Marking
from apc.models import AuditEvent, Notification
from tests.factories import IndicatorFactory, UserFactory, country
from watchlist import services
from watchlist.models import (
    Country,
    PlanTask,
    SurveillanceRequest,
    Tier,
    TierChange,
    TierProposal,
    priority_of,
)

pytestmark = pytest.mark.django_db
K = PlanTask.Kind


@pytest.fixture
def chair():
    return UserFactory(role=roles.CO_CHAIR)


@pytest.fixture
def staff():
    return UserFactory(role=roles.DIRECTORATE)


def test_co_chair_changes_a_tier_and_history_is_written(chair):
    sdn = country("SDN")
    change = services.tier_change(
        country=sdn, to_tier=Tier.MONITORED, rationale="Watch it.", actor=chair
    )
    sdn.refresh_from_db()
    assert sdn.tier == Tier.MONITORED and sdn.previous_tier is None
    assert sdn.tier_since == timezone.localdate()
    assert sdn.priority == priority_of(Tier.MONITORED, None, None)
    assert (change.from_tier, change.to_tier, change.rationale) == (None, "monitored", "Watch it.")
    assert change.decided_by == chair and change.decided_by_agency_id == chair.agency_id
    event = AuditEvent.objects.get(action="watchlist.tier_change", object_id="SDN")
    assert event.changes["tier"] == {"before": None, "after": "monitored"}
    assert sdn.next_review_due == timezone.localdate() + timedelta(days=61)


@pytest.mark.parametrize("role", [r for r in roles.ALL if r != roles.CO_CHAIR])
def test_only_co_chairs_change_tiers(role):
    sdn = country("SDN")
    with pytest.raises(NotPermitted) as exc:
        services.tier_change(
            country=sdn, to_tier=Tier.MODERATE, rationale="x", actor=UserFactory(role=role)
        )
    # roles that may not even see the watchlist get 404, the others 403
    assert exc.value.status_code == (404 if role == roles.AUDITOR else 403)
    assert not TierChange.objects.exists()


@pytest.mark.parametrize("rationale", ["", "   ", None])
def test_rationale_is_required_and_nothing_changes(chair, rationale):
    sdn = country("SDN")
    with pytest.raises(Invalid) as exc:
        services.tier_change(country=sdn, to_tier=Tier.MODERATE, rationale=rationale, actor=chair)
    assert "rationale" in exc.value.errors
    sdn.refresh_from_db()
    assert sdn.tier is None and not TierChange.objects.exists()


def test_unknown_tier_is_refused(chair):
    with pytest.raises(Invalid) as exc:
        services.tier_change(
            country=country("SDN"), to_tier="catastrophic", rationale="x", actor=chair
        )
    assert "tier" in exc.value.errors


def test_moderate_opens_one_prevention_plan_task(chair):
    sdn = country("SDN")
    services.tier_change(country=sdn, to_tier=Tier.MODERATE, rationale="Rising", actor=chair)
    assert (
        services.tier_change(country=sdn, to_tier=Tier.MODERATE, rationale="Again", actor=chair)
        is None
    )
    assert TierChange.objects.count() == 1
    task = PlanTask.objects.get()
    assert (task.kind, task.status, task.assigned_agency.code) == (K.PREVENTION_PLAN, "open", "nsc")
    assert not SurveillanceRequest.objects.exists()


def test_high_rising_opens_surveillance_response_plan_and_three_assessments_once(chair):
    other_chair = UserFactory(role=roles.CO_CHAIR)
    mmr = country("MMR")
    services.tier_change(
        country=mmr, to_tier=Tier.HIGH_RISING, rationale="Mass arrests", actor=chair
    )
    services.tier_change(country=mmr, to_tier=Tier.HIGH_RISING, rationale="again", actor=chair)
    request = SurveillanceRequest.objects.get()
    assert request.addressed_to.code == "odni" and request.status == "requested"
    assert request.due == timezone.localdate() + timedelta(days=14)
    plan = PlanTask.objects.get(kind=K.RESPONSE_PLAN)
    subtasks = {t.kind: t for t in plan.subtasks.all()}
    assert set(subtasks) == {K.TARGET_ASSESSMENT, K.ATROCITIES_ESTIMATE, K.POLICY_OPTIONS}
    assert (
        subtasks[K.TARGET_ASSESSMENT].assigned_agency.code == "odni"
    )  # "by the intelligence community"
    assert PlanTask.objects.count() == 4
    notified = set(
        Notification.objects.filter(subject__contains="high and rising").values_list(
            "recipient", flat=True
        )
    )
    assert notified == {chair.pk, other_chair.pk}


def test_downgrade_keeps_open_plans_and_re_upgrade_does_not_duplicate(chair):
    mmr = country("MMR")
    services.tier_change(country=mmr, to_tier=Tier.HIGH_RISING, rationale="up", actor=chair)
    services.tier_change(country=mmr, to_tier=Tier.MODERATE, rationale="down", actor=chair)
    assert PlanTask.objects.filter(status="open").count() == 5  # 4 kept + prevention plan
    services.tier_change(country=mmr, to_tier=Tier.HIGH_RISING, rationale="up again", actor=chair)
    assert PlanTask.objects.count() == 5 and SurveillanceRequest.objects.count() == 1
    mmr.refresh_from_db()
    assert (mmr.tier, mmr.previous_tier) == (Tier.HIGH_RISING, Tier.MODERATE)


def test_delisting_is_a_change_too(chair):
    sdn = country("SDN")
    services.tier_change(country=sdn, to_tier=Tier.MONITORED, rationale="on", actor=chair)
    change = services.tier_change(country=sdn, to_tier=None, rationale="off", actor=chair)
    sdn.refresh_from_db()
    assert sdn.tier is None and change.to_tier is None and change.from_tier == "monitored"


def test_history_is_never_edited(chair):
    change = services.tier_change(
        country=country("SDN"), to_tier=Tier.MONITORED, rationale="x", actor=chair
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        TierChange.objects.filter(pk=change.pk).update(rationale="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        TierChange.objects.filter(pk=change.pk).delete()
    change.refresh_from_db()
    assert change.rationale == "x"


def test_directorate_proposes_and_a_co_chair_accepts(chair, staff):
    sdn = country("SDN")
    proposal = services.tier_propose(
        country=sdn, to_tier=Tier.MODERATE, rationale="Hate speech", actor=staff
    )
    assert proposal.status == "pending"
    assert Notification.objects.filter(
        recipient=chair, subject__startswith="Tier change proposed"
    ).exists()
    with pytest.raises(Conflict):
        services.tier_propose(country=sdn, to_tier=Tier.HIGH_RISING, rationale="more", actor=staff)
    services.tier_proposal_transition(
        proposal=proposal, action="accept", actor=chair, note="Agreed"
    )
    proposal.refresh_from_db()
    sdn.refresh_from_db()
    assert proposal.status == "accepted" and proposal.decided_by == chair
    assert sdn.tier == Tier.MODERATE
    change = TierChange.objects.get()
    assert change.proposal == proposal and change.decided_by == chair
    assert PlanTask.objects.filter(kind=K.PREVENTION_PLAN).exists()
    assert Notification.objects.filter(recipient=staff, subject__contains="accepted").exists()


def test_rejection_needs_a_note_and_changes_no_tier(chair, staff):
    sdn = country("SDN")
    proposal = services.tier_propose(country=sdn, to_tier=Tier.MODERATE, rationale="r", actor=staff)
    with pytest.raises(Invalid):
        services.tier_proposal_transition(proposal=proposal, action="reject", actor=chair)
    services.tier_proposal_transition(
        proposal=proposal, action="reject", actor=chair, note="Not yet"
    )
    proposal.refresh_from_db()
    sdn.refresh_from_db()
    assert proposal.status == "rejected" and sdn.tier is None and not TierChange.objects.exists()


@pytest.mark.parametrize(
    ("status", "action"),
    [(s, a) for s in TierProposal.Status.values for a in ("accept", "reject", "withdraw")],
)
def test_proposal_state_machine(chair, staff, status, action):
    proposal = TierProposal.objects.create(
        country=country("SDN"),
        to_tier=Tier.MODERATE,
        rationale="r",
        proposed_by=staff,
        status=status,
    )
    actor = staff if action == "withdraw" else chair
    if status != "pending":
        with pytest.raises(InvalidTransition):
            services.tier_proposal_transition(
                proposal=proposal, action=action, actor=actor, note="n"
            )
        return
    services.tier_proposal_transition(proposal=proposal, action=action, actor=actor, note="n")
    proposal.refresh_from_db()
    assert (
        proposal.status
        == {"accept": "accepted", "reject": "rejected", "withdraw": "withdrawn"}[action]
    )
    assert AuditEvent.objects.filter(action=f"watchlist.proposal_{action}").exists()


def test_only_directorate_proposes_and_only_chairs_decide(chair, staff):
    sdn = country("SDN")
    with pytest.raises(NotPermitted):
        services.tier_propose(country=sdn, to_tier=Tier.MODERATE, rationale="r", actor=chair)
    proposal = services.tier_propose(country=sdn, to_tier=Tier.MODERATE, rationale="r", actor=staff)
    with pytest.raises(NotPermitted):
        services.tier_proposal_transition(proposal=proposal, action="accept", actor=staff)
    with pytest.raises(NotPermitted):
        services.tier_proposal_transition(
            proposal=proposal, action="withdraw", actor=UserFactory(role=roles.DIRECTORATE)
        )


def test_profile_sets_priority_factors_and_owner(staff, chair):
    sdn = country("SDN")
    services.tier_change(country=sdn, to_tier=Tier.MODERATE, rationale="r", actor=chair)
    updated = services.country_update_profile(
        country=sdn,
        actor=staff,
        us_influence=5,
        us_interests_impact=4,
        instability_watchlist=True,
        owner=staff,
    )
    assert updated.priority == priority_of(Tier.MODERATE, 5, 4) == 254
    assert updated.instability_watchlist and updated.owner == staff
    event = AuditEvent.objects.get(action="watchlist.profile_update")
    assert event.changes["us_influence"] == {"before": None, "after": 5}


@pytest.mark.parametrize(
    "bad", [{"us_influence": 6}, {"us_interests_impact": 0}, {"tier": "moderate"}]
)
def test_profile_refuses_bad_input(staff, bad):
    sdn = country("SDN")
    with pytest.raises(Invalid):
        services.country_update_profile(country=sdn, actor=staff, **bad)
    sdn.refresh_from_db()
    assert sdn.us_influence is None and sdn.tier is None


def test_owner_must_be_directorate(staff):
    with pytest.raises(Invalid) as exc:
        services.country_update_profile(
            country=country("SDN"), actor=staff, owner=UserFactory(role=roles.MEMBER)
        )
    assert "owner" in exc.value.errors


def test_priority_orders_tier_first_then_factors():
    assert (
        priority_of(Tier.HIGH_RISING, 1, 1)
        > priority_of(Tier.MODERATE, 5, 5)
        > priority_of(Tier.MONITORED, 5, 5)
    )
    assert priority_of(Tier.MODERATE, 5, 1) > priority_of(Tier.MODERATE, 1, 5)


def test_review_sets_the_next_review_two_months_on(staff):
    reviewed = services.country_mark_reviewed(
        country=country("SDN"), actor=staff, on=date(2026, 11, 1)
    )
    assert reviewed.last_reviewed == date(2026, 11, 1)
    assert reviewed.next_review_due == date(2027, 1, 1)


def test_observations_respect_clearance_and_dates():
    analyst = UserFactory(role=roles.ANALYST, clearance=Marking.C)
    staff = UserFactory(role=roles.DIRECTORATE)
    monitored = services.indicator_monitor(
        actor=staff, country=country("SDN"), indicator=IndicatorFactory()
    )
    assert (
        services.indicator_monitor(
            actor=staff, country=monitored.country, indicator=monitored.indicator
        )
        == monitored
    )
    obs = services.observation_record(
        actor=analyst,
        monitored=monitored,
        observed_on=date(2026, 10, 1),
        level=3,
        note="Checkpoints",
        marking=Marking.C,
    )
    assert obs.marking == Marking.C
    with pytest.raises(Invalid):
        services.observation_record(
            actor=analyst,
            monitored=monitored,
            observed_on=date(2026, 10, 1),
            level=3,
            marking=Marking.S,
        )
    with pytest.raises(Invalid):
        services.observation_record(
            actor=analyst,
            monitored=monitored,
            observed_on=timezone.localdate() + timedelta(days=1),
            level=1,
        )
    member = UserFactory(role=roles.MEMBER)
    with pytest.raises(NotPermitted):
        services.observation_record(
            actor=member, monitored=monitored, observed_on=date(2026, 10, 1), level=1
        )


def test_indicator_catalogue_is_directorate_only(staff):
    indicator = services.indicator_save(
        actor=staff, name="Hate radio", category="rhetoric", description="d"
    )
    assert AuditEvent.objects.filter(
        action="watchlist.indicator_save", object_id=str(indicator.pk)
    ).exists()
    with pytest.raises(Invalid):
        services.indicator_save(actor=staff, name="Bad", category="astrology")
    with pytest.raises(NotPermitted):
        services.indicator_save(
            actor=UserFactory(role=roles.ANALYST), name="X", category="political"
        )


def test_surveillance_request_is_updated_by_the_ic_or_the_directorate(chair):
    services.tier_change(
        country=country("MMR"), to_tier=Tier.HIGH_RISING, rationale="r", actor=chair
    )
    request = SurveillanceRequest.objects.get()
    ic_member = UserFactory(
        role=roles.MEMBER, agency__code="odni", agency__name="IC", agency__short_name="IC"
    )
    updated = services.surveillance_request_update(
        actor=ic_member, request=request, status="acknowledged"
    )
    assert updated.status == "acknowledged"
    with pytest.raises(NotPermitted):
        services.surveillance_request_update(
            actor=UserFactory(role=roles.MEMBER), request=request, status="fulfilled"
        )
    with pytest.raises(Invalid):
        services.surveillance_request_update(actor=ic_member, request=request, status="lost")


def test_tier_change_never_touches_other_countries(chair):
    before = dict(Country.objects.values_list("iso3", "updated_at"))
    services.tier_change(country=country("SDN"), to_tier=Tier.MONITORED, rationale="r", actor=chair)
    after = dict(Country.objects.values_list("iso3", "updated_at"))
    assert {k for k in before if before[k] != after[k]} == {"SDN"}


def test_email_subjects_never_name_a_marked_country(chair, staff):
    mmr = country("MMR")
    Country.objects.filter(pk="MMR").update(marking=Marking.C)
    mmr.refresh_from_db()
    services.tier_propose(country=mmr, to_tier=Tier.MODERATE, rationale="r", actor=staff)
    services.tier_change(country=mmr, to_tier=Tier.HIGH_RISING, rationale="r", actor=chair)
    subjects = set(Notification.objects.values_list("subject", flat=True))
    assert subjects and not any("Myanmar" in s for s in subjects)


def test_a_direct_change_supersedes_the_matching_pending_proposal(chair, staff):
    sdn = country("SDN")
    proposal = services.tier_propose(country=sdn, to_tier=Tier.MODERATE, rationale="r", actor=staff)
    services.tier_change(country=sdn, to_tier=Tier.MODERATE, rationale="direct", actor=chair)
    proposal.refresh_from_db()
    assert proposal.status == "superseded" and proposal.decided_by == chair


def test_accepting_a_proposal_whose_tier_is_already_reached_is_a_conflict(chair, staff):
    sdn = country("SDN")
    proposal = services.tier_propose(country=sdn, to_tier=Tier.MODERATE, rationale="r", actor=staff)
    TierProposal.objects.filter(pk=proposal.pk).update(to_tier=Tier.MONITORED)  # stale proposal
    Country.objects.filter(pk="SDN").update(tier=Tier.MONITORED)
    proposal.refresh_from_db()
    with pytest.raises(Conflict):
        services.tier_proposal_transition(proposal=proposal, action="accept", actor=chair)
    proposal.refresh_from_db()
    assert proposal.status == "pending" and not TierChange.objects.exists()


def test_a_change_cannot_predate_the_current_tier(chair):
    sdn = country("SDN")
    services.tier_change(
        country=sdn, to_tier=Tier.MONITORED, rationale="a", actor=chair, effective=date(2026, 6, 1)
    )
    with pytest.raises(Invalid) as exc:
        services.tier_change(
            country=sdn,
            to_tier=Tier.MODERATE,
            rationale="b",
            actor=chair,
            effective=date(2026, 5, 1),
        )
    assert "effective" in exc.value.errors
    assert TierChange.objects.count() == 1


def test_surveillance_request_carries_the_country_marking(chair):
    Country.objects.filter(pk="MMR").update(marking=Marking.C)
    services.tier_change(
        country=country("MMR"), to_tier=Tier.HIGH_RISING, rationale="r", actor=chair
    )
    assert SurveillanceRequest.objects.get().marking == Marking.C


def test_re_upgrade_keeps_finished_assessments_finished(chair):
    mmr = country("MMR")
    services.tier_change(country=mmr, to_tier=Tier.HIGH_RISING, rationale="up", actor=chair)
    PlanTask.objects.filter(kind=K.TARGET_ASSESSMENT).update(status="done")
    services.tier_change(country=mmr, to_tier=Tier.MODERATE, rationale="down", actor=chair)
    services.tier_change(country=mmr, to_tier=Tier.HIGH_RISING, rationale="up", actor=chair)
    assert not PlanTask.objects.filter(kind=K.TARGET_ASSESSMENT, status="open").exists()


def test_high_rising_notifies_each_co_chair_exactly_once(chair):
    UserFactory(role=roles.CO_CHAIR)
    mmr = country("MMR")
    services.tier_change(country=mmr, to_tier=Tier.HIGH_RISING, rationale="r", actor=chair)
    count, events = Notification.objects.count(), AuditEvent.objects.count()
    assert count == 2
    services.tier_change(country=mmr, to_tier=Tier.HIGH_RISING, rationale="again", actor=chair)
    assert (Notification.objects.count(), AuditEvent.objects.count()) == (count, events)
