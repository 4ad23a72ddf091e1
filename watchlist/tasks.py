"""Background work of the watchlist and its alert channel: thin wrappers around services."""

from celery import shared_task

from watchlist import alerts


@shared_task
def alert_deadlines_check() -> int:
    """Escalate missed acknowledgement and review deadlines (idempotent; from database state)."""
    return alerts.alert_deadlines_check()
