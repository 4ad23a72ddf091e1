"""Background work of the after-action repository: thin wrappers around services."""

from celery import shared_task

from afteraction import services


@shared_task
def commission_reminders() -> int:
    """Remind author teams of commissions falling due or overdue (each reminder once)."""
    return services.commission_reminders()
