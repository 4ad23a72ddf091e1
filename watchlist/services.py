"""Writes of the watchlist. `tier_change` is the only way a tier changes.

Source: seeds/000_588810f2139c9d78.txt, "Decision Support and Planning": for countries of
"moderate concern" the APC tasks a crisis prevention plan; for "high and rising" risk it
requests heightened intelligence surveillance and monitoring of case-specific indicators and
warnings and initiates a crisis response plan "beginning with three assessments" (target
country, by the intelligence community; atrocities estimate and impact; policy options).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from apc.core import markings, roles
from apc.core.audit import record_event
from apc.core.exceptions import Conflict, Invalid, full_clean
from apc.core.permissions import can, require
from apc.models import Agency, User
from apc.services import notify
from watchlist.models import (
    Country,
    Indicator,
    MonitoredIndicator,
    Observation,
    PlanTask,
    SurveillanceRequest,
    Tier,
    TierChange,
    TierProposal,
)
from watchlist.workflow import PROPOSAL

TIERS = {t.value for t in Tier}


def _clean_tier(to_tier: str | None) -> str | None:
    if to_tier in ("", None):
        return None
    if to_tier not in TIERS:
        raise Invalid(
            errors={
                "tier": [f"Unknown tier {to_tier!r}; one of: {', '.join(sorted(TIERS))}, or empty."]
            }
        )
    return to_tier


def _clean_rationale(rationale: str | None) -> str:
    text = (rationale or "").strip()
    if not text:
        raise Invalid(errors={"rationale": ["A rationale is required."]})
    return text


def _source_ref(source: Model | None) -> str:
    return f"{source._meta.label_lower}:{source.pk}" if source is not None else ""


def _directorate_agency() -> Agency:
    return Agency.objects.get(code="nsc")


def _intelligence_agency() -> Agency:
    return Agency.objects.get(code="odni")


def _subject(country: Country, text: str) -> str:
    """E-mail carries the subject: it names the country only when the country is unclassified."""
    if country.marking == markings.Marking.U:
        return text
    return "Watchlist update (details in the APC system)"


def co_chairs() -> list[User]:
    return list(User.objects.filter(groups__name=roles.CO_CHAIR, is_active=True))


def tier_change(
    *,
    country: Country,
    to_tier: str | None,
    rationale: str,
    actor: User,
    meeting: Any = None,
    source: Model | None = None,
    effective: date | None = None,
) -> TierChange | None:
    """Change a country's tier (co-chairs only) and open its consequences in the same transaction.
    Idempotent: asking for the tier the country already has changes nothing and returns None.
    `effective` (default today, never in the future) records a decision taken earlier."""
    require(actor, "change_tier", country)
    to_tier = _clean_tier(to_tier)
    rationale = _clean_rationale(rationale)
    if effective is not None and effective > timezone.localdate():
        raise Invalid(errors={"effective": ["A tier change cannot take effect in the future."]})
    meeting = _clean_meeting(actor, meeting)
    with transaction.atomic(durable=True):
        return _apply_tier_change(
            country=country,
            to_tier=to_tier,
            rationale=rationale,
            actor=actor,
            meeting=meeting,
            source=source,
            effective=effective,
        )


def _clean_meeting(actor: User, meeting: Any):
    """The deciding meeting, given as a record or an id: one the actor may see that is being
    held now (decisions are recorded only while a meeting is held; its minutes freeze after)."""
    if meeting is None:
        return None
    from apc.meetings.models import Meeting

    pk = getattr(meeting, "pk", meeting)
    found = Meeting.objects.filter(pk=pk).first()
    if found is None or not can(actor, "view", found):
        raise Invalid(errors={"meeting": [f"No meeting #{pk}."]})
    if found.status != Meeting.Status.HELD:
        raise Invalid(
            errors={"meeting": ["A tier change can name a meeting only while it is being held."]}
        )
    return found


def tier_change_in_transaction(
    *,
    country: Country,
    to_tier: str | None,
    rationale: str,
    actor: User,
    source: Model | None = None,
    meeting: Any = None,
) -> TierChange | None:
    """tier_change for a caller that already holds a transaction (closing a policy review, an
    APC decision): the same policy check, validation and consequences, in the caller's
    transaction."""
    require(actor, "change_tier", country)
    return _apply_tier_change(
        country=country,
        to_tier=_clean_tier(to_tier),
        rationale=_clean_rationale(rationale),
        actor=actor,
        source=source,
        meeting=meeting,
    )


def _apply_tier_change(
    *, country, to_tier, rationale, actor, meeting=None, source=None, proposal=None, effective=None
) -> TierChange | None:
    locked = Country.objects.select_for_update().get(pk=country.pk)
    if locked.tier == to_tier:
        return None
    today = effective or timezone.localdate()
    if locked.tier_since and today < locked.tier_since:
        raise Invalid(
            errors={
                "effective": [
                    f"The current tier took effect on {locked.tier_since}; a new "
                    "change cannot take effect before it."
                ]
            }
        )
    change = TierChange(
        country=locked,
        from_tier=locked.tier,
        to_tier=to_tier,
        effective=today,
        rationale=rationale,
        decided_by=actor,
        decided_by_agency_id=actor.agency_id,
        meeting=meeting,
        proposal=proposal,
        source_ref=_source_ref(source),
    )
    full_clean(change)
    change.save()
    before = {"tier": locked.tier, "priority": locked.priority}
    locked.previous_tier, locked.tier, locked.tier_since = locked.tier, to_tier, today
    locked.priority = locked.compute_priority()
    locked.updated_at = timezone.now()
    if to_tier and locked.next_review_due is None:
        locked.next_review_due = next_review_after(today)
    locked.save(
        update_fields=[
            "previous_tier",
            "tier",
            "tier_since",
            "priority",
            "updated_at",
            "next_review_due",
        ]
    )
    superseded = TierProposal.objects.filter(
        country=locked, status=TierProposal.Status.PENDING, to_tier=to_tier
    ).exclude(pk=getattr(proposal, "pk", None))
    superseded.update(
        status=TierProposal.Status.SUPERSEDED,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_note="The tier was changed directly to the proposed one.",
    )
    record_event(
        actor=actor,
        action="watchlist.tier_change",
        obj=locked,
        changes={
            "tier": {"before": before["tier"], "after": to_tier},
            "priority": {"before": before["priority"], "after": locked.priority},
        },
        summary=f"{locked.iso3}: {change}",
    )
    _open_consequences(change)
    country.__dict__.update(
        {
            k: getattr(locked, k)
            for k in (
                "tier",
                "previous_tier",
                "tier_since",
                "priority",
                "updated_at",
                "next_review_due",
            )
        }
    )
    return change


def _open_task(
    change: TierChange, kind: str, agency: Agency, parent: PlanTask | None = None
) -> PlanTask:
    task = PlanTask.objects.filter(
        country=change.country, kind=kind, status=PlanTask.Status.OPEN
    ).first()
    if task is None:
        task = PlanTask.objects.create(
            country=change.country,
            kind=kind,
            assigned_agency=agency,
            parent=parent,
            opened_by_change=change,
        )
        record_event(
            actor=change.decided_by,
            action="watchlist.plan_task_open",
            obj=task,
            summary=f"{change.country_id}: {task.get_kind_display()}",
        )
    return task


# Apps that adopt plan tasks (plans) register here; each is called with the plan task once it
# and its assessment tasks are open, in the tier change's transaction (the watchlist does not
# import plans: DESIGN.md, dependencies point one way).
PLAN_TASK_HOOKS: list = []


def _plan_task_opened(task: PlanTask) -> None:
    for hook in PLAN_TASK_HOOKS:
        hook(task)


def _open_consequences(change: TierChange) -> None:
    """moderate -> a prevention plan task; high_rising -> a surveillance request to the IC, a
    response plan task with its three assessment tasks, and the co-chairs are told. Already-open
    work is never duplicated; a downgrade closes nothing (the country page says so)."""
    K = PlanTask.Kind
    if change.to_tier == Tier.MODERATE:
        _plan_task_opened(_open_task(change, K.PREVENTION_PLAN, _directorate_agency()))
    elif change.to_tier == Tier.HIGH_RISING:
        ic = _intelligence_agency()
        active = SurveillanceRequest.objects.filter(
            country=change.country,
            status__in=[
                SurveillanceRequest.Status.REQUESTED,
                SurveillanceRequest.Status.ACKNOWLEDGED,
                SurveillanceRequest.Status.IN_PROGRESS,
            ],
        ).exists()
        if not active:
            request = SurveillanceRequest.objects.create(
                country=change.country,
                addressed_to=ic,
                tier_change=change,
                marking=change.country.marking,
                # due from when the request is made, even for a decision recorded late
                due=timezone.localdate() + timedelta(days=settings.WATCHLIST_SURVEILLANCE_DUE_DAYS),
            )
            record_event(
                actor=change.decided_by,
                action="watchlist.surveillance_request",
                obj=request,
                summary=f"{change.country_id}: to {ic.short_name}, due {request.due}",
            )
        already = PlanTask.objects.filter(
            country=change.country, kind=K.RESPONSE_PLAN, status=PlanTask.Status.OPEN
        ).exists()
        plan = _open_task(change, K.RESPONSE_PLAN, _directorate_agency())
        if not already:  # a plan still open keeps its assessments, finished ones included
            _open_task(change, K.TARGET_ASSESSMENT, ic, parent=plan)
            _open_task(change, K.ATROCITIES_ESTIMATE, _directorate_agency(), parent=plan)
            _open_task(change, K.POLICY_OPTIONS, _directorate_agency(), parent=plan)
        _plan_task_opened(plan)
        notify(
            co_chairs(),
            _subject(change.country, f"{change.country.name} is now high and rising"),
            f"{change.decided_by} moved {change.country.name} to “high and rising”.\n\n"
            f"Rationale: {change.rationale}\n\nA request for heightened surveillance went to the "
            "Intelligence Community and a crisis response plan with its three assessments "
            "was opened.",
            link=reverse("watchlist:country-detail", args=[change.country_id]),
            marking=change.country.marking,
        )


def tier_propose(
    *, country: Country, to_tier: str | None, rationale: str, actor: User
) -> TierProposal:
    """Directorate staff propose a change; the co-chairs accept or reject it."""
    require(actor, "propose_tier", country)
    to_tier = _clean_tier(to_tier)
    rationale = _clean_rationale(rationale)
    if country.tier == to_tier:
        raise Invalid(errors={"tier": ["The country already has that tier."]})
    with transaction.atomic(durable=True):
        if TierProposal.objects.filter(
            country=country, status=TierProposal.Status.PENDING
        ).exists():
            raise Conflict("A proposal for this country is already pending; decide it first.")
        proposal = TierProposal.objects.create(
            country=country, to_tier=to_tier, rationale=rationale, proposed_by=actor
        )
        record_event(
            actor=actor,
            action="watchlist.tier_propose",
            obj=proposal,
            summary=f"{country.iso3} → {to_tier or 'not listed'}",
        )
        notify(
            co_chairs(),
            _subject(country, f"Tier change proposed for {country.name}"),
            f"{actor} proposes “{proposal.get_to_tier_display() or 'not listed'}”.\n\n{rationale}",
            link=reverse("watchlist:proposal-list"),
            marking=country.marking,
        )
    return proposal


def tier_proposal_transition(
    *, proposal: TierProposal, action: str, actor: User, note: str = ""
) -> TierProposal:
    """Accept (the change is made by the accepting co-chair), reject, or withdraw a proposal."""
    with transaction.atomic(durable=True):
        locked = (
            TierProposal.objects.select_for_update().select_related("country").get(pk=proposal.pk)
        )
        step = PROPOSAL.transition(locked.status, action)
        require(actor, step.permission, locked)
        if action == "reject" and not note.strip():
            raise Invalid(errors={"note": ["Say why the proposal is rejected."]})
        locked.status, locked.decided_by, locked.decided_at = step.target, actor, timezone.now()
        locked.decision_note = note.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        record_event(
            actor=actor,
            action=f"watchlist.proposal_{action}",
            obj=locked,
            changes={"status": {"before": step.source, "after": step.target}},
        )
        if action == "accept":
            # Accepting is the co-chairs' decision (the "accept" permission of the proposal);
            # the change itself goes through the same inner function as tier_change.
            rationale = locked.rationale + (f"\n\nAccepted: {note.strip()}" if note.strip() else "")
            made = _apply_tier_change(
                country=locked.country,
                to_tier=locked.to_tier,
                rationale=rationale,
                actor=actor,
                proposal=locked,
            )
            if made is None:
                raise Conflict("The country already has the proposed tier; reject the proposal.")
        if action in ("accept", "reject"):
            notify(
                [locked.proposed_by],
                _subject(
                    locked.country, f"Your proposal for {locked.country.name} was {step.target}"
                ),
                note or locked.get_status_display(),
                link=reverse("watchlist:proposal-list"),
                marking=locked.country.marking,
            )
    return locked


def country_update_profile(*, country: Country, actor: User, **fields: Any) -> Country:
    """Instability Watchlist flag, priority factors, owner (co-chairs and directorate)."""
    require(actor, "update_profile", country)
    allowed = {"instability_watchlist", "us_influence", "us_interests_impact", "owner"}
    unknown = set(fields) - allowed
    if unknown:
        raise Invalid(errors={k: ["Not editable here."] for k in unknown})
    owner = fields.get("owner", country.owner)
    if owner is not None and roles.DIRECTORATE not in owner.roles:
        raise Invalid(errors={"owner": ["The owner must be a member of the directorate."]})
    with transaction.atomic(durable=True):
        locked = Country.objects.select_for_update().get(pk=country.pk)
        before = {k: getattr(locked, k if k != "owner" else "owner_id") for k in fields}
        for key, value in fields.items():
            setattr(locked, key, value)
        locked.priority = locked.compute_priority()
        locked.updated_at = timezone.now()
        full_clean(locked, exclude=["owner", "tier", "previous_tier"])
        locked.save(update_fields=[*fields, "priority", "updated_at"])
        after = {k: getattr(locked, k if k != "owner" else "owner_id") for k in fields}
        record_event(
            actor=actor,
            action="watchlist.profile_update",
            obj=locked,
            changes={
                k: {"before": before[k], "after": after[k]} for k in fields if before[k] != after[k]
            },
        )
    return locked


def next_review_after(day: date) -> date:
    """The next review date: the day of the next regular APC meeting after `day` (the APC
    "reviews ... the current status of situations" every other month: seeds/000, recommendation
    4-1), or the cadence of two months when none is scheduled yet."""
    from apc.meetings.services import next_regular_meeting

    end_of_day = timezone.make_aware(datetime.combine(day, time.max))
    meeting = next_regular_meeting(after=end_of_day)
    if meeting is not None:
        return timezone.localtime(meeting.starts_at).date()
    return day + timedelta(days=settings.WATCHLIST_REVIEW_CADENCE_DAYS)


def country_mark_reviewed(*, country: Country, actor: User, on: date | None = None) -> Country:
    """Record that the country's file was reviewed; sets the next review due."""
    require(actor, "review", country)
    on = on or timezone.localdate()
    with transaction.atomic(durable=True):
        locked = Country.objects.select_for_update().get(pk=country.pk)
        locked.last_reviewed, locked.next_review_due = on, next_review_after(on)
        locked.updated_at = timezone.now()
        locked.save(update_fields=["last_reviewed", "next_review_due", "updated_at"])
        record_event(actor=actor, action="watchlist.review", obj=locked, summary=f"reviewed {on}")
    return locked


def indicator_save(*, actor: User, indicator: Indicator | None = None, **fields: Any) -> Indicator:
    """Create or edit a catalogue indicator (directorate)."""
    require(actor, "watchlist.manage_indicators")
    with transaction.atomic(durable=True):
        obj = indicator or Indicator()
        before = {k: getattr(obj, k) for k in fields} if indicator else {}
        for key, value in fields.items():
            setattr(obj, key, value)
        full_clean(obj)
        obj.save()
        record_event(
            actor=actor,
            action="watchlist.indicator_save",
            obj=obj,
            changes={
                k: {"before": before.get(k), "after": v}
                for k, v in fields.items()
                if before.get(k) != v
            },
        )
    return obj


def indicator_monitor(*, actor: User, country: Country, indicator: Indicator) -> MonitoredIndicator:
    """Start (or resume) monitoring an indicator for a country; idempotent."""
    require(actor, "monitor_indicator", country)
    with transaction.atomic(durable=True):
        monitored, created = MonitoredIndicator.objects.get_or_create(
            country=country, indicator=indicator
        )
        if not created and not monitored.active:
            monitored.active = True
            monitored.save(update_fields=["active"])
        if created or monitored.active:
            record_event(
                actor=actor,
                action="watchlist.indicator_monitor",
                obj=monitored,
                summary=f"{country.iso3}: {indicator.name}",
            )
    return monitored


def observation_record(
    *,
    actor: User,
    monitored: MonitoredIndicator,
    observed_on: date,
    level: int,
    note: str = "",
    source: str = "",
    marking: str = markings.Marking.U,
) -> Observation:
    """Record a dated observation; never marked above the recorder's clearance."""
    require(actor, "record_observation", monitored.country)
    if marking not in markings.ORDER or not markings.dominates(actor.clearance, marking):
        raise Invalid(errors={"marking": ["The marking may not exceed your clearance."]})
    if observed_on > timezone.localdate():
        raise Invalid(errors={"observed_on": ["An observation cannot be in the future."]})
    with transaction.atomic(durable=True):
        obs = Observation(
            monitored=monitored,
            observed_on=observed_on,
            level=level,
            note=note,
            source=source,
            marking=marking,
            recorded_by=actor,
        )
        full_clean(obs)
        obs.save()
        record_event(
            actor=actor,
            action="watchlist.observation_record",
            obj=obs,
            summary=f"{monitored.country_id}: {monitored.indicator.name}",
        )
    return obs


def surveillance_request_update(
    *, actor: User, request: SurveillanceRequest, status: str
) -> SurveillanceRequest:
    """The Intelligence Community (or the directorate) moves a surveillance request along."""
    require(actor, "update_status", request)
    if status not in SurveillanceRequest.Status.values:
        raise Invalid(errors={"status": ["Unknown status."]})
    with transaction.atomic(durable=True):
        locked = SurveillanceRequest.objects.select_for_update().get(pk=request.pk)
        before = locked.status
        locked.status = status
        locked.save(update_fields=["status"])
        record_event(
            actor=actor,
            action="watchlist.surveillance_update",
            obj=locked,
            changes={"status": {"before": before, "after": status}},
        )
    return locked
