"""Background work of the committee: thin wrappers around services."""

from datetime import timedelta

from celery import shared_task

from apc import services


@shared_task
def notification_email_send(notification_ids: list[int]) -> int:
    """E-mail each notification (each at most once); returns how many were sent now."""
    return sum(services.notification_email_send(notification_id=pk) for pk in notification_ids)


@shared_task
def notification_email_sweep() -> int:
    """Send the e-mails whose publication was lost (broker down at commit time)."""
    ids = services.notification_email_pending_ids(older_than=timedelta(minutes=2))
    return sum(services.notification_email_send(notification_id=pk) for pk in ids)


@shared_task
def ping(token: str) -> str:
    """Round trip used by health checks and the worker test: writes nothing, returns token."""
    return token


@shared_task
def outbox_run(message_id: int) -> bool:
    """Run one outbox message (at most once; see apc.core.outbox)."""
    from apc.core import outbox

    return outbox.run(message_id)


@shared_task
def outbox_sweep() -> int:
    """Republish outbox messages the broker never got, or lost."""
    from apc.core import outbox

    return outbox.sweep()


@shared_task
def notify_event(
    recipient_ids: list[int], subject: str, body: str, link: str, marking: str, event_key: str
) -> int:
    """Outbox-friendly notify(): one notification per recipient per event."""
    from apc.models import User

    return len(
        services.notify(
            User.objects.filter(pk__in=recipient_ids),
            subject,
            body,
            link,
            marking,
            event_key=event_key,
        )
    )


@shared_task
def emergency_request_deadlines_check() -> int:
    """Raise unanswered emergency meeting requests to Deputies level (from database state)."""
    return services.emergency_requests_check()


@shared_task
def meetings_schedule() -> int:
    """Keep the regular cycle's next meetings in existence (from database state)."""
    from apc.meetings.services import meetings_schedule as schedule

    return len(schedule())


@shared_task
def meetings_reminders() -> int:
    """Meeting and action-item reminders (each sent once)."""
    from apc.meetings.services import meetings_reminders as remind

    return remind()
