"""The transactional outbox: background work that is never lost and never done twice.

    outbox_enqueue("apc.tasks.some_task", 42, dedupe_key="warning:42:escalate")

records an OutboxMessage in the caller's transaction (nothing is recorded if it rolls back) and,
after commit, the relay publishes it to Celery over a short-lived connection. A request never
waits on a dead broker: publishing gives up after a few quick retries and the message stays
pending; `sweep()` (a periodic task) republishes whatever is not done. The worker's `run()` locks
the row, runs the task's body inside the same transaction and marks it done, so a message
delivered twice, or a worker killed mid-task (late acknowledgement redelivers it), changes
nothing more than once.

Used for work that must happen: the alert channel's notifications and escalations (issue 4,
"Never lost, never doubled").
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import Task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

log = logging.getLogger(__name__)


def outbox_enqueue(task: str | Task, *args: Any, dedupe_key: str | None = None, **kwargs: Any):
    """Record `task(*args, **kwargs)` in the current transaction; publish it after commit.
    With `dedupe_key`, a second enqueue of the same event returns the first message."""
    from apc.models import OutboxMessage

    name = task if isinstance(task, str) else task.name
    fields = {"task": name, "args": list(args), "kwargs": kwargs}
    if dedupe_key:
        message, created = OutboxMessage.objects.get_or_create(
            dedupe_key=dedupe_key, defaults=fields
        )
        if not created:
            return message
    else:
        message = OutboxMessage.objects.create(**fields)
    transaction.on_commit(lambda: publish(message.pk))
    return message


def publish(message_id: int) -> bool:
    """Hand one message to the broker; on failure leave it for the sweeper. Never raises."""
    from apc.celery import app
    from apc.models import OutboxMessage
    from apc.tasks import outbox_run

    try:
        with app.connection_for_write() as connection:
            outbox_run.apply_async(
                (message_id,),
                connection=connection,
                retry=True,
                retry_policy=settings.CELERY_TASK_PUBLISH_RETRY_POLICY,
            )
    except Exception as exc:  # noqa: BLE001 - the broker is down or refusing: keep it pending
        OutboxMessage.objects.filter(pk=message_id).update(
            publish_attempts=F("publish_attempts") + 1, last_error=f"publish: {exc}"[:2000]
        )
        log.warning(
            "outbox: could not publish message %s (%s); the sweeper will retry", message_id, exc
        )
        return False
    OutboxMessage.objects.filter(pk=message_id).update(
        published_at=timezone.now(), publish_attempts=F("publish_attempts") + 1
    )
    return True


def run(message_id: int) -> bool:
    """Do the work of one message, once. Returns False when it was already done (or is gone)."""
    from apc.celery import app
    from apc.models import OutboxMessage

    try:
        with transaction.atomic():
            message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
            if message is None or message.done_at is not None:
                return False
            app.tasks[message.task].run(*message.args, **message.kwargs)
            message.done_at = timezone.now()
            message.save(update_fields=["done_at"])
            return True
    except Exception as exc:
        OutboxMessage.objects.filter(pk=message_id).update(last_error=f"run: {exc!r}"[:2000])
        raise


def pending(*, now=None) -> list[int]:
    """Messages to (re)publish: never published and older than a few seconds (the relay had its
    chance), or published long ago and still not done (the message was lost)."""
    from apc.models import OutboxMessage

    now = now or timezone.now()
    grace = timedelta(seconds=settings.OUTBOX_REPUBLISH_AFTER_SECONDS)
    lost = timedelta(seconds=settings.OUTBOX_LOST_AFTER_SECONDS)
    qs = OutboxMessage.objects.filter(done_at__isnull=True, created_at__lt=now - grace).filter(
        Q(published_at__isnull=True) | Q(published_at__lt=now - lost)
    )
    return list(qs.values_list("pk", flat=True)[:500])


def sweep() -> int:
    """Republish what is pending; returns how many were handed to the broker."""
    return sum(publish(pk) for pk in pending())
