"""Writes of the committee's plumbing: notifications, account state.

Every function here checks the policy, writes the audit trail in the same transaction, and
defers side effects (e-mail) until after commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

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
    from django.contrib.sessions.backends.cached_db import SessionStore

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
