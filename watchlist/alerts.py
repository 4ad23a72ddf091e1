"""Services of the mass-atrocities alert channel: filing a warning, acknowledging it, its policy
review, and the deadlines that escalate when nobody answers.

Sources: seeds/004_69ba87841026b054.txt, recommendation 2-4 (a "mass atrocities alert channel"
for acute warning, akin to the dissent channel) and 2-5 (warning as an "automatic trigger" of
policy review); seeds/000, "Crisis Response Structure and Process" (any member may request an
emergency meeting, optionally at the level of the Deputies Committee).

Filing commits the warning, its review, any emergency request and the outbox messages that
notify people in ONE transaction and never talks to the broker before the commit; the outbox
(apc.core.outbox) delivers those notifications once, even if the broker was down then.
Deadlines are checked from database state by a periodic task; each breach is recorded once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from apc import services as apc_services
from apc.core import markings, roles
from apc.core.audit import record_event
from apc.core.exceptions import Invalid, InvalidTransition, full_clean
from apc.core.outbox import outbox_enqueue
from apc.core.permissions import require
from apc.models import Agency, User
from apc.services import notify
from watchlist import services as watchlist_services
from watchlist.models import Country, Indicator, PolicyReview, Warning

SEVERITIES = Warning.Severity.values


def _seconds(table: dict, severity: str) -> timedelta:
    return timedelta(seconds=int(table[severity]))


def _ids(users: Iterable[User]) -> list[int]:
    return sorted({u.pk for u in users})


def warning_link(warning: Warning) -> str:
    return reverse("watchlist:warning-detail", args=[warning.pk])


def review_due(severity: str, now):
    """When the policy review must close: a fixed time for acute and elevated warnings; for a
    routine one, the next regular APC meeting after its acknowledgement deadline (the issue:
    "the review may be taken up at the next regular APC meeting"), or the fixed time when no
    meeting is scheduled yet."""
    fixed = now + _seconds(settings.ALERT_REVIEW_SECONDS, severity)
    if severity != Warning.Severity.ROUTINE:
        return fixed
    from apc.meetings.services import next_regular_meeting

    meeting = next_regular_meeting(after=now + _seconds(settings.ALERT_ACK_SECONDS, severity))
    return meeting.starts_at if meeting is not None else fixed


def warning_file(
    *,
    actor: User,
    country: Country,
    severity: str,
    title: str,
    narrative: str,
    indicators: Iterable[Indicator] = (),
    sources: str = "",
    marking: str = markings.Marking.U,
    identity_protected: bool = False,
) -> Warning:
    """File a warning: opens its policy review and acknowledgement deadline, and for an acute
    warning an emergency meeting request; the filer gets a receipt at once."""
    require(actor, "alerts.file")
    errors: dict[str, list[str]] = {}
    if severity not in SEVERITIES:
        errors["severity"] = [f"Choose one of: {', '.join(SEVERITIES)}."]
    if not (title or "").strip():
        errors["title"] = ["Give the warning a title."]
    if not (narrative or "").strip():
        errors["narrative"] = ["Describe what you are warning of."]
    if marking not in markings.ORDER or not markings.dominates(actor.clearance, marking):
        errors["marking"] = ["The marking may not exceed your clearance."]
    indicators = list(indicators)
    if any(not i.active for i in indicators):
        errors["indicators"] = ["Cite indicators from the current catalogue."]
    if errors:
        raise Invalid(errors=errors)
    now = timezone.now()
    with transaction.atomic(durable=True):
        warning = Warning(
            country=country,
            severity=severity,
            title=title.strip(),
            narrative=narrative.strip(),
            sources=(sources or "").strip(),
            filed_by=actor,
            filer_agency_id=actor.agency_id,
            identity_protected=identity_protected,
            marking=marking,
            filed_at=now,
            acknowledge_due=now + _seconds(settings.ALERT_ACK_SECONDS, severity),
        )
        full_clean(warning)
        warning.save()
        warning.indicators.set(indicators)
        review = PolicyReview.objects.create(
            warning=warning,
            assigned_agency=Agency.objects.get(code="nsc"),
            due=review_due(severity, now),
        )
        record_event(
            actor=actor,
            action="warning.file",
            obj=warning,
            summary=f"{severity} warning on {country.iso3}",
        )
        link = warning_link(warning)
        # The receipt, at once, in this transaction.
        notify(
            [actor],
            f"Receipt: your warning #{warning.pk} was received",
            f"Your {warning.get_severity_display().lower()} warning “{warning.title}” was "
            f"received on {now:%Y-%m-%d %H:%M} UTC. You can follow its status here.",
            link=link,
            marking=marking,
            event_key=f"warning:{warning.pk}:receipt",
        )
        # Everyone else hears through the outbox: delivered once, even if the broker is down now.
        outbox_enqueue(
            "apc.tasks.notify_event",
            _ids(apc_services.users_with_role(roles.DIRECTORATE)),
            f"New {severity} warning #{warning.pk} to acknowledge",
            f"A {warning.get_severity_display().lower()} warning was filed. Acknowledge it by "
            f"{warning.acknowledge_due:%Y-%m-%d %H:%M} UTC; its policy review is due "
            f"{review.due:%Y-%m-%d %H:%M} UTC.",
            link,
            marking,
            f"warning:{warning.pk}:filed",
            dedupe_key=f"warning:{warning.pk}:filed",
        )
        if severity == Warning.Severity.ACUTE:
            request = apc_services.emergency_request_for_channel(
                source_ref=f"watchlist.warning:{warning.pk}",
                countries=[country.iso3],
                # neutral: a raised request reaches the Deputies secretariat, which is outside
                # the warning's distribution
                reasons=f"Acute warning #{warning.pk} on {country.name} through the alert channel.",
                marking=marking,
            )
            outbox_enqueue(
                "apc.tasks.notify_event",
                _ids(apc_services.users_with_role(roles.CO_CHAIR)),
                f"Acute warning #{warning.pk}: emergency meeting requested",
                f"An acute warning was filed and the alert channel requests an emergency "
                f"meeting. Answer by {request.due:%Y-%m-%d %H:%M} UTC or it rises to Deputies "
                "level.",
                reverse("emergency-detail", args=[request.pk]),
                marking,
                f"warning:{warning.pk}:acute",
                dedupe_key=f"warning:{warning.pk}:acute",
            )
    return warning


def warning_acknowledge(*, actor: User, warning: Warning) -> Warning:
    """A directorate user acknowledges receipt (stops the acknowledgement deadline)."""
    require(actor, "acknowledge", warning)
    with transaction.atomic(durable=True):
        locked = Warning.objects.select_for_update().get(pk=warning.pk)
        if locked.acknowledged_at is not None:
            raise InvalidTransition("This warning was already acknowledged.")
        locked.acknowledged_at, locked.acknowledged_by = timezone.now(), actor
        if locked.status == Warning.Status.RECEIVED:
            locked.status = Warning.Status.ACKNOWLEDGED
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "status"])
        record_event(actor=actor, action="warning.acknowledge", obj=locked)
        notify(
            [locked.filed_by],
            f"Your warning #{locked.pk} was acknowledged",
            "The directorate acknowledged your warning; its policy review is under way.",
            link=warning_link(locked),
            marking=locked.marking,
            event_key=f"warning:{locked.pk}:acknowledged",
        )
    return locked


def review_start(*, actor: User, review: PolicyReview) -> PolicyReview:
    """The directorate takes up the review: the warning shows "under review" to its filer."""
    require(actor, "start", review)
    with transaction.atomic(durable=True):
        locked = (
            PolicyReview.objects.select_for_update().select_related("warning").get(pk=review.pk)
        )
        warning = locked.warning
        if (
            locked.status != PolicyReview.Status.OPEN
            or warning.status == Warning.Status.UNDER_REVIEW
        ):
            raise InvalidTransition("This review is already under way or closed.")
        warning.status = Warning.Status.UNDER_REVIEW
        if warning.acknowledged_at is None:  # taking up the review acknowledges the warning
            warning.acknowledged_at, warning.acknowledged_by = timezone.now(), actor
            record_event(actor=actor, action="warning.acknowledge", obj=warning)
        warning.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
        record_event(actor=actor, action="review.start", obj=locked)
        notify(
            [warning.filed_by],
            f"Your warning #{warning.pk} is under review",
            "The directorate has taken up the policy review of your warning.",
            link=warning_link(warning),
            marking=markings.Marking.U,
            event_key=f"warning:{warning.pk}:under_review",
        )
    return locked


def review_close(
    *, actor: User, review: PolicyReview, outcome: str, rationale: str, tier: str | None = None
) -> PolicyReview:
    """Close a review with its decision. A tier-change outcome goes through the watchlist's
    tier_change (co-chairs only); an emergency-meeting outcome requests one."""
    require(actor, "close", review)
    errors: dict[str, list[str]] = {}
    if outcome not in PolicyReview.Outcome.values:
        errors["outcome"] = [f"Choose one of: {', '.join(PolicyReview.Outcome.values)}."]
    if not (rationale or "").strip():
        errors["rationale"] = ["A review closes only with a rationale."]
    if outcome == PolicyReview.Outcome.TIER_CHANGE and tier is None:
        errors["tier"] = ["Name the tier the country moves to (empty string to take it off)."]
    if errors:
        raise Invalid(errors=errors)
    with transaction.atomic(durable=True):
        locked = (
            PolicyReview.objects.select_for_update()
            .select_related("warning__country")
            .get(pk=review.pk)
        )
        if locked.status != PolicyReview.Status.OPEN:
            raise InvalidTransition("This review is already closed.")
        warning = locked.warning
        if outcome == PolicyReview.Outcome.TIER_CHANGE:
            # The tier history is read by every watchlist reader: it records the decision and
            # where it came from, never the review's deliberation.
            change = watchlist_services.tier_change_in_transaction(
                country=warning.country,
                to_tier=tier,
                rationale=f"Decided on the policy review of alert-channel warning #{warning.pk}.",
                actor=actor,
                source=warning,
            )
            if change is None:
                raise Invalid(errors={"tier": ["The country already has that tier."]})
            locked.tier_change = change
        if outcome == PolicyReview.Outcome.EMERGENCY_MEETING:
            request = apc_services.emergency_request_for_channel(
                source_ref=f"watchlist.policyreview:{locked.pk}",
                countries=[warning.country_id],
                reasons=f"The policy review of warning #{warning.pk} on {warning.country.name} "
                "asks for an emergency meeting.",
                marking=warning.marking,
            )
            locked.emergency_request_id = request.pk
            outbox_enqueue(
                "apc.tasks.notify_event",
                _ids(apc_services.users_with_role(roles.CO_CHAIR)),
                "Emergency meeting requested by a policy review",
                f"Answer by {request.due:%Y-%m-%d %H:%M} UTC or it rises to Deputies level.",
                reverse("emergency-detail", args=[request.pk]),
                warning.marking,
                f"review:{locked.pk}:emergency",
                dedupe_key=f"review:{locked.pk}:emergency",
            )
        locked.status, locked.outcome, locked.rationale = (
            PolicyReview.Status.CLOSED,
            outcome,
            rationale.strip(),
        )
        locked.closed_by, locked.closed_at = actor, timezone.now()
        locked.save(
            update_fields=[
                "status",
                "outcome",
                "rationale",
                "tier_change",
                "emergency_request_id",
                "closed_by",
                "closed_at",
            ]
        )
        warning.status, warning.outcome = Warning.Status.CLOSED, outcome
        if warning.acknowledged_at is None:
            warning.acknowledged_at, warning.acknowledged_by = timezone.now(), actor
        warning.save(update_fields=["status", "outcome", "acknowledged_at", "acknowledged_by"])
        record_event(
            actor=actor,
            action="review.close",
            obj=locked,
            changes={"outcome": {"before": "", "after": outcome}},
            marking=warning.marking,
        )
        # The filer follows the status and the outcome, never the deliberation.
        notify(
            [warning.filed_by],
            f"Your warning #{warning.pk} was closed",
            f"Outcome: {locked.get_outcome_display()}.",
            link=warning_link(warning),
            marking=markings.Marking.U,
            event_key=f"warning:{warning.pk}:closed",
        )
    return locked


def _escalate(obj: Any, warning: Warning, deadline: str, due, now, people: dict) -> int:
    """Level 1 at the deadline (the directorate lead), level 2 later (the co-chairs)."""
    sent = 0
    levels = [(1, due, people["leads"])]
    second = due + _seconds(settings.ALERT_SECOND_LEVEL_SECONDS, warning.severity)
    if now >= second:
        levels.append((2, second, people["chairs"]))
    what = {"acknowledge": "was not acknowledged", "review": "has no decided policy review"}[
        deadline
    ]
    for level, level_due, recipients in levels:
        with transaction.atomic():
            if not apc_services.breach_record(
                obj=obj, deadline=deadline, level=level, due=level_due
            ):
                continue
            notify(
                recipients,
                f"Deadline missed: warning #{warning.pk} {what}",
                f"The {warning.get_severity_display().lower()} warning #{warning.pk} {what} by "
                f"{due:%Y-%m-%d %H:%M} UTC.",
                link=warning_link(warning),
                marking=warning.marking,
                event_key=f"breach:{obj._meta.label_lower}:{obj.pk}:{deadline}:{level}",
            )
            sent += 1
    return sent


def _fully_escalated(model: type, deadline: str):
    """Rows whose last escalation level is already recorded (nothing more to do for them)."""
    from django.db.models import Exists, OuterRef
    from django.db.models.functions import Cast

    from apc.models import DeadlineBreach

    return Exists(
        DeadlineBreach.objects.filter(
            object_type=model._meta.label_lower,
            object_id=Cast(OuterRef("pk"), output_field=models.CharField()),
            deadline=deadline,
            level=2,
        )
    )


def alert_deadlines_check(*, now=None) -> int:
    """Escalate every missed acknowledgement and review deadline (from database state; running
    it again records and sends nothing new). Returns how many breaches were recorded."""
    now = now or timezone.now()
    people = {
        "leads": apc_services.directorate_leads(),
        "chairs": apc_services.users_with_role(roles.CO_CHAIR),
    }
    count = 0
    unacknowledged = (
        Warning.objects.filter(acknowledged_at__isnull=True, acknowledge_due__lt=now)
        .exclude(status=Warning.Status.CLOSED)
        .exclude(_fully_escalated(Warning, "acknowledge"))
    )
    for warning in unacknowledged:
        count += _escalate(warning, warning, "acknowledge", warning.acknowledge_due, now, people)
    overdue = (
        PolicyReview.objects.filter(status=PolicyReview.Status.OPEN, due__lt=now)
        .exclude(_fully_escalated(PolicyReview, "review"))
        .select_related("warning")
    )
    for review in overdue:
        count += _escalate(review, review.warning, "review", review.due, now, people)
    return count


def warnings_list_read(
    *, actor: User, warnings: list, where: str, request: Any = None, marked: list | None = None
) -> None:
    """Audit one read of a list of warnings (or of their reviews): one event naming the ids
    shown. When the reader is the protected filer of any of them, the event is masked for
    auditors and names no ids (ids would let an auditor link the filer to the filing)."""
    protect = any(
        getattr(w, "identity_protected", False) and w.filed_by_id == getattr(actor, "pk", None)
        for w in warnings
    )
    ids = [w.pk for w in warnings]
    records = marked if marked is not None else warnings
    record_event(
        actor=actor,
        protect_actor=protect,
        action=f"{warnings[0]._meta.model_name if warnings else 'warning'}.list",
        obj=type(warnings[0]) if warnings else Warning,
        request=request,
        summary=f"{where}: {len(ids)} shown" + ("" if protect else f": {', '.join(map(str, ids))}"),
        changes={} if protect else {"ids": ids},
        marking=markings.highest(
            m for r in records for m in (r.marking, getattr(r, "country", r).marking)
        ),
    )
