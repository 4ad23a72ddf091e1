"""A real Celery worker on Redis: a task enqueued on commit runs; nothing runs for a rolled-back
transaction (apc.core.tasks.enqueue_on_commit; apc.services.notify)."""

from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import transaction

from apc import services
from apc.models import Notification
from tests.factories import UserFactory
from tests.processes import celery_worker, wait_for, worker_env

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _emailed(pk: int) -> bool:
    return Notification.objects.filter(pk=pk, emailed_at__isnull=False).exists()


def test_worker_runs_committed_work_and_never_rolled_back_work(tmp_path):
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    env = worker_env()
    user = UserFactory()
    with celery_worker(env, tmp_path / "worker.log", queue=queue) as log:
        with transaction.atomic():
            (committed,) = services.notify([user], "Committed", "body")
        assert wait_for(lambda: _emailed(committed.pk)), log.read_text()[-3000:]

        with pytest.raises(RuntimeError), transaction.atomic():
            services.notify([user], "Rolled back", "body")
            raise RuntimeError("abort")
        assert redis.Redis.from_url(settings.CELERY_BROKER_URL).llen(queue) == 0

        with transaction.atomic():
            (marker,) = services.notify([user], "Marker", "body")
        assert wait_for(lambda: _emailed(marker.pk)), log.read_text()[-3000:]

    lines = [
        ln for ln in log.read_text().splitlines() if "apc.tasks.notification_email_send[" in ln
    ]
    assert sum(ln.endswith(" received") for ln in lines) == 2  # committed + marker, nothing else
    assert not Notification.objects.filter(subject="Rolled back").exists()


def test_work_recorded_while_the_broker_is_down_is_done_once_when_it_returns(tmp_path):
    """Issue 4, "Never lost, never doubled": the change commits with its outbox message while
    the broker is unreachable; once the broker is back the sweeper publishes it, a real worker
    runs it, and a second delivery changes nothing."""
    from apc.celery import app
    from apc.core import outbox
    from apc.models import OutboxMessage

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    chairs = [UserFactory(role="co_chair"), UserFactory(role="co_chair")]
    args = ([u.pk for u in chairs], "Acute warning filed", "Body", "/", "U", "warning:1:acute")

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # unreachable
    try:
        with transaction.atomic():
            message = outbox.outbox_enqueue(
                "apc.tasks.notify_event", *args, dedupe_key="warning:1:acute"
            )
    finally:
        app.conf.broker_url = original
    message.refresh_from_db()
    assert message.published_at is None and message.done_at is None  # committed, not lost

    env = worker_env()
    with celery_worker(env, tmp_path / "worker.log", queue=queue) as log:
        OutboxMessage.objects.filter(pk=message.pk).update(
            created_at=message.created_at - timedelta(minutes=1)
        )
        assert outbox.sweep() == 1
        assert wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).done_at is not None), (
            log.read_text()[-3000:]
        )
        assert outbox.publish(message.pk)  # a duplicate delivery
        assert outbox.sweep() == 0  # done: nothing more to publish
        assert wait_for(lambda: log.read_text().count("apc.tasks.outbox_run[") >= 4)
    assert Notification.objects.filter(event_key="warning:1:acute").count() == 2
    lines = [ln for ln in log.read_text().splitlines() if "apc.tasks.outbox_run[" in ln]
    assert any(ln.rstrip().endswith(": True") for ln in lines)
    assert any(ln.rstrip().endswith(": False") for ln in lines)  # the duplicate did nothing
