"""Writes of the committee's plumbing: notifications, account state.

Every function here checks the policy, writes the audit trail in the same transaction, and
defers side effects (e-mail) until after commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apc.core import markings
from apc.core.audit import record_event
from apc.core.exceptions import Invalid
from apc.core.permissions import require, visible
from apc.core.tasks import enqueue_on_commit
from apc.models import Notification, User

log = logging.getLogger(__name__)

WITHHELD_SUBJECT = "New notification (details above your clearance)"
WITHHELD_BODY = (
    "The details of this notification are marked above your clearance and are not shown. "
    "Ask the sender or the directorate if you need them."
)


def notify(
    recipients: Iterable[User],
    subject: str,
    body: str,
    link: str = "",
    marking: str = markings.Marking.U,
    event_key: str = "",
) -> list[Notification]:
    """Send one in-app notification to each recipient, e-mailed after commit.

    `subject` should be unclassified: it is the only text an e-mail carries (with a link). Both
    subject and body are kept only for recipients cleared for `marking`; others get a notice
    that the details are withheld, so nothing above a recipient's clearance reaches them.
    With `event_key`, a recipient already notified of that event is skipped (and the database
    refuses a second one), so notifying twice of one event sends one notification.
    """
    if marking not in markings.ORDER:
        raise Invalid(errors={"marking": [f"Unknown marking {marking!r}."]})
    if len(subject) > 200:
        raise Invalid(errors={"subject": ["At most 200 characters."]})
    rows = []
    recipients = list(recipients)
    seen: set[int] = set()
    if event_key:
        seen |= set(
            Notification.objects.filter(
                event_key=event_key, recipient__in=[u.pk for u in recipients]
            ).values_list("recipient_id", flat=True)
        )
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        cleared = markings.dominates(user.clearance, marking)
        rows.append(
            Notification(
                recipient=user,
                subject=subject if cleared else WITHHELD_SUBJECT,
                body=body if cleared else WITHHELD_BODY,
                link=link,
                marking=marking if cleared else markings.Marking.U,
                email_wanted=bool(user.email),
                event_key=event_key,
            )
        )
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.email_wanted]
    if ids:
        from apc.tasks import notification_email_send

        # If the broker is down the rows stay unsent and notification_email_sweep sends them.
        enqueue_on_commit(notification_email_send, ids)
    return created


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification once: subject and a link only, never the body. Returns whether
    a message was sent now (False when it already was, or is no longer wanted)."""
    with transaction.atomic():
        n = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if n is None or n.emailed_at is not None or not n.email_wanted or not n.recipient.email:
            return False
        url = settings.SITE_URL + reverse("inbox-detail", args=[n.pk])
        send_mail(
            subject=f"[APC] {n.subject}",
            message=(
                "You have a new notification in the APC case-management system.\n\n"
                f"Open it here: {url}\n"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[n.recipient.email],
        )
        n.emailed_at = timezone.now()
        n.save(update_fields=["emailed_at"])
        return True


def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark the actor's own notification read (idempotent)."""
    require(actor, "mark_read", notification)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    unread = Notification.objects.filter(read_at__isnull=True)
    return visible(actor, unread, "mark_read").update(read_at=timezone.now())


def notification_email_pending_ids(*, older_than: timedelta, limit: int = 500) -> list[int]:
    """Notifications whose e-mail was never sent (the broker was down when they were made)."""
    cutoff = timezone.now() - older_than
    pending = Notification.objects.filter(
        email_wanted=True, emailed_at__isnull=True, created_at__lt=cutoff
    )
    return list(pending.values_list("pk", flat=True)[:limit])


def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Activate or deactivate an account. Deactivation ends the user's sessions and API token
    at once (the auth backend also refuses inactive users on every request)."""
    if not (actor.is_active and actor.is_superuser):
        from apc.core.exceptions import NotPermitted

        raise NotPermitted(action="user.set_active", obj=user, actor=actor)
    with transaction.atomic():
        before = user.is_active
        if before != active:
            user.is_active = active
            user.save(update_fields=["is_active"])
        ended = 0
        if not active:
            ended = end_sessions_of(user)
            from rest_framework.authtoken.models import Token

            Token.objects.filter(user=user).delete()
        record_event(
            actor=actor,
            action="user.activate" if active else "user.deactivate",
            obj=user,
            changes={"is_active": {"before": before, "after": active}},
            summary=f"{user.username}; sessions ended: {ended}",
        )
    return user


def end_sessions_of(user: User) -> int:
    """Delete every stored session that belongs to `user` (cache entries expire with them)."""
    from django.contrib.sessions.backends.db import SessionStore

    doomed = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        if str(data.get("_auth_user_id")) == str(user.pk):
            doomed.append(session.session_key)
    for key in doomed:
        SessionStore(session_key=key).delete()
    return len(doomed)


def api_client_create(*, name: str, agency_code: str, clearance: str) -> tuple[User, str]:
    """Create an `api_client` service account (no usable password: it signs in with its token
    only) and its token; returns the account and the token key. Run by an administrator."""
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from apc.core import roles
    from apc.core.exceptions import full_clean
    from apc.models import Agency

    name, clearance = name.strip(), clearance.strip().upper()
    errors: dict[str, list[str]] = {}
    if clearance not in markings.ORDER:
        errors["clearance"] = [
            f"Unknown clearance {clearance!r}; one of: {', '.join(markings.ORDER)}."
        ]
    agency = Agency.objects.filter(code=agency_code.strip().lower()).first()
    if agency is None:
        codes = ", ".join(Agency.objects.order_by("code").values_list("code", flat=True))
        errors["agency"] = [f"Unknown agency {agency_code!r}; one of: {codes}."]
    if User.objects.filter(username__iexact=name).exists():
        errors["name"] = [f"A user named {name!r} already exists; choose another name."]
    if errors:
        raise Invalid(errors=errors)
    user = User(username=name, agency=agency, clearance=clearance)
    user.set_unusable_password()
    full_clean(user, exclude=["password"])
    with transaction.atomic(durable=True):
        user.save()
        user.groups.add(Group.objects.get_or_create(name=roles.API_CLIENT)[0])
        token = Token.objects.create(user=user)
        record_event(
            actor=None,
            action="api_client.create",
            obj=user,
            summary=f"{name} ({agency.short_name}, clearance {clearance})",
        )
    return user, token.key


def api_client_revoke(*, name: str) -> User:
    """Delete the token of an `api_client` account (the account is kept); audited."""
    from rest_framework.authtoken.models import Token

    from apc.core import roles

    user = User.objects.filter(username=name.strip()).first()
    if user is None:
        raise Invalid(errors={"name": [f"No user named {name!r}."]})
    if roles.API_CLIENT not in user.roles:
        raise Invalid(
            errors={"name": [f"{name!r} is not an API client; its tokens are not ours to revoke."]}
        )
    with transaction.atomic(durable=True):
        deleted, _ = Token.objects.filter(user=user).delete()
        if not deleted:
            raise Invalid(errors={"name": [f"{name!r} has no token (already revoked)."]})
        record_event(
            actor=None, action="api_client.revoke", obj=user, summary=f"Token of {name} revoked"
        )
    return user


# --- Emergency meeting requests and missed deadlines ---------------------------------------
# Source: seeds/000, "Crisis Response Structure and Process": "at any other time one of its
# members requested an emergency meeting ... a member would have the option to seek the
# emergency meeting at the level of deputy national security advisor/deputy secretary, making
# it in effect a meeting of the NSC Deputies Committee".


def users_with_role(role: str) -> list[User]:
    return list(User.objects.filter(groups__name=role, is_active=True).distinct())


def directorate_leads() -> list[User]:
    """Who hears first of a missed deadline: the directorate's lead(s), else all its staff."""
    from apc.core import roles

    staff = users_with_role(roles.DIRECTORATE)
    return [u for u in staff if u.is_directorate_lead] or staff


def _clean_countries(countries: Iterable[str]) -> list[str]:
    codes = sorted({str(c).strip().upper() for c in countries if str(c).strip()})
    if not codes:
        raise Invalid(errors={"countries": ["Name at least one country."]})
    from django.apps import apps

    Country = apps.get_model("watchlist", "Country")  # noqa: N806 - apc must not import watchlist
    known = set(Country.objects.filter(pk__in=codes).values_list("pk", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise Invalid(errors={"countries": [f"Unknown country code(s): {', '.join(unknown)}."]})
    return codes


def _emergency_notify(req, subject: str, body: str, recipients: Iterable[User], key: str) -> None:
    notify(
        recipients,
        subject,
        body,
        link=reverse("emergency-detail", args=[req.pk]),
        marking=req.marking,
        event_key=f"emergency:{req.pk}:{key}",
    )


def emergency_request_create(
    *, actor: User, countries: Iterable[str], reasons: str, level: str = "apc"
) -> Any:
    """A member (or co-chair) asks for an emergency meeting, at APC or Deputies level."""
    from apc.core import roles
    from apc.models import EmergencyRequest

    require(actor, "emergency.request")
    errors: dict[str, list[str]] = {}
    if level not in EmergencyRequest.Level.values:
        errors["level"] = ["Choose APC or Deputies Committee."]
    if not (reasons or "").strip():
        errors["reasons"] = ["Give the reasons for an emergency meeting."]
    if errors:
        raise Invalid(errors=errors)
    codes = _clean_countries(countries)
    with transaction.atomic(durable=True):
        req = EmergencyRequest.objects.create(
            requested_by=actor,
            level=level,
            countries=codes,
            reasons=reasons.strip(),
            due=timezone.now() + timedelta(seconds=settings.EMERGENCY_REQUEST_ANSWER_SECONDS),
        )
        record_event(
            actor=actor,
            action="emergency.request",
            obj=req,
            summary=f"{', '.join(codes)} at {req.get_level_display()} level",
        )
        _emergency_notify(
            req,
            "Emergency meeting requested",
            f"{actor} asks for an emergency meeting ({req.get_level_display()}) on "
            f"{', '.join(codes)}.\n\n{req.reasons}",
            users_with_role(roles.CO_CHAIR),
            "requested",
        )
    return req


def emergency_request_for_channel(
    *, source_ref: str, countries: list[str], reasons: str, marking: str
) -> Any:
    """The alert channel asks for an emergency meeting on its own behalf (an acute warning). Runs
    inside the caller's transaction; one request per source (a database constraint)."""
    from apc.models import EmergencyRequest

    existing = EmergencyRequest.objects.filter(source_ref=source_ref).first()
    if existing is not None:
        return existing
    req = EmergencyRequest.objects.create(
        requested_by=None,
        level=EmergencyRequest.Level.APC,
        countries=countries,
        reasons=reasons,
        source_ref=source_ref,
        marking=marking,
        due=timezone.now() + timedelta(seconds=settings.EMERGENCY_REQUEST_ANSWER_SECONDS),
    )
    record_event(actor=None, action="emergency.request_by_channel", obj=req, summary=source_ref)
    return req


def emergency_request_answer(
    *, actor: User, request: Any, action: str, note: str = "", meeting_at=None, level: str = ""
) -> Any:
    """A co-chair convenes (date and time, level) or declines (with reasons) a request; both
    tell the requester and the members. A request raised to Deputies level convenes there."""
    from apc.core import roles
    from apc.core.exceptions import InvalidTransition
    from apc.models import EmergencyRequest

    if action not in ("convene", "decline"):
        raise InvalidTransition(f"Unknown action {action!r}.")
    require(actor, action, request)
    errors: dict[str, list[str]] = {}
    if action == "decline" and not note.strip():
        errors["note"] = ["Give the reasons for declining."]
    if action == "convene":
        if meeting_at is None:
            errors["meeting_at"] = ["Give the date and time of the meeting."]
        elif meeting_at < timezone.now():
            errors["meeting_at"] = ["The meeting cannot be in the past."]
        if level and level not in EmergencyRequest.Level.values:
            errors["level"] = ["Choose APC or Deputies Committee."]
    if errors:
        raise Invalid(errors=errors)
    with transaction.atomic(durable=True):
        locked = EmergencyRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != EmergencyRequest.Status.PENDING:
            raise InvalidTransition(
                f"This request was already {locked.get_status_display().lower()}."
            )
        locked.status = (
            EmergencyRequest.Status.CONVENED
            if action == "convene"
            else EmergencyRequest.Status.DECLINED
        )
        locked.decided_by, locked.decided_at, locked.decision_note = (
            actor,
            timezone.now(),
            note.strip(),
        )
        if action == "convene":
            # a request at (or raised to) Deputies level is convened as a Deputies meeting
            locked.meeting_level = (
                EmergencyRequest.Level.DEPUTIES
                if EmergencyRequest.Level.DEPUTIES in (locked.level, level)
                else EmergencyRequest.Level.APC
            )
            locked.meeting_at = meeting_at
        locked.save(
            update_fields=[
                "status",
                "decided_by",
                "decided_at",
                "decision_note",
                "meeting_level",
                "meeting_at",
            ]
        )
        record_event(
            actor=actor,
            action=f"emergency.{action}",
            obj=locked,
            changes={"status": {"before": "pending", "after": locked.status}},
        )
        meeting = None
        if action == "convene":
            from apc.meetings.services import meeting_for_emergency_request

            meeting = meeting_for_emergency_request(locked)
        # The requester and the co-chairs hear either way; the members hear of a convened
        # meeting, and of a declined request only when a member made it. A request the alert
        # channel made stays within the warning's distribution (directorate, co-chairs).
        recipients = users_with_role(roles.CO_CHAIR) + users_with_role(roles.DIRECTORATE)
        if locked.requested_by:
            recipients.append(locked.requested_by)
        if action == "convene" or locked.requested_by is not None:
            recipients += users_with_role(roles.MEMBER)
        if meeting is not None and meeting.level == EmergencyRequest.Level.DEPUTIES:
            recipients += users_with_role(roles.DEPUTIES)
        if action == "convene":
            when = timezone.localtime(meeting_at).strftime("%Y-%m-%d %H:%M %Z")
            level_name = locked.get_meeting_level_display()
            text = f"An emergency {level_name} meeting is convened for {when}."
        elif locked.requested_by is not None:
            text = f"The request for an emergency meeting was declined: {locked.decision_note}"
        else:
            text = "The request for an emergency meeting was declined by a co-chair."
        _emergency_notify(locked, f"Emergency meeting {locked.status}", text, recipients, action)
    return locked


def breach_record(*, obj: Any, deadline: str, level: int, due) -> bool:
    """Record that `obj` missed `deadline` at escalation `level`; False if already recorded.
    Runs in the caller's transaction (the escalation task), so the breach, the notifications
    it sends and the escalation itself happen once."""
    from apc.models import DeadlineBreach

    _, created = DeadlineBreach.objects.get_or_create(
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        deadline=deadline,
        level=level,
        defaults={"due": due},
    )
    if created:
        record_event(
            actor=None,
            action=f"deadline.breach.{deadline}",
            obj=obj,
            summary=f"level {level}, due {due:%Y-%m-%d %H:%M}",
        )
    return created


def emergency_requests_check(*, now=None) -> int:
    """Raise every unanswered emergency request past its deadline to Deputies level (once) and
    tell the co-chairs and the Deputies secretariat. Returns how many were raised."""
    from apc.core import roles
    from apc.models import EmergencyRequest

    now = now or timezone.now()
    raised = 0
    overdue = EmergencyRequest.objects.filter(
        status=EmergencyRequest.Status.PENDING, due__lt=now, raised_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(overdue):
        with transaction.atomic():
            req = EmergencyRequest.objects.select_for_update().get(pk=pk)
            if req.raised_at is not None or req.status != EmergencyRequest.Status.PENDING:
                continue
            if not breach_record(obj=req, deadline="answer", level=3, due=req.due):
                continue
            before = req.level
            req.level, req.raised_at = EmergencyRequest.Level.DEPUTIES, now
            req.save(update_fields=["level", "raised_at"])
            record_event(
                actor=None,
                action="emergency.raised_to_deputies",
                obj=req,
                changes={"level": {"before": before, "after": req.level}},
            )
            _emergency_notify(
                req,
                "Emergency meeting request raised to Deputies level",
                f"No co-chair answered by {req.due:%Y-%m-%d %H:%M} UTC: the request is now at "
                "the level of the Deputies Committee.",
                users_with_role(roles.CO_CHAIR) + users_with_role(roles.DEPUTIES),
                "raised",
            )
            raised += 1
    return raised
