"""Background work of the committee: thin wrappers around services."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from apc import services
from apc.models import Notification


@shared_task
def notification_email_send(notification_ids: list[int]) -> int:
    """E-mail each notification (each at most once); returns how many were sent now."""
    return sum(services.notification_email_send(notification_id=pk) for pk in notification_ids)


@shared_task
def notification_email_sweep() -> int:
    """Send the e-mails whose publication was lost (broker down at commit time)."""
    cutoff = timezone.now() - timedelta(minutes=2)
    ids = list(
        Notification.objects.filter(
            email_wanted=True, emailed_at__isnull=True, created_at__lt=cutoff
        ).values_list("pk", flat=True)[:500]
    )
    return sum(services.notification_email_send(notification_id=pk) for pk in ids)


@shared_task
def ping(token: str) -> str:
    """Round trip used by health checks and the worker test: writes nothing, returns token."""
    return token
