"""A real Celery worker on Redis: a task enqueued on commit runs; nothing runs for a rolled-back
transaction (apc.core.tasks.enqueue_on_commit; apc.services.notify)."""

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction

from apc import services
from apc.models import Notification
from tests.factories import UserFactory
from tests.processes import celery_worker, clean_env, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _emailed(pk: int) -> bool:
    return Notification.objects.filter(pk=pk, emailed_at__isnull=False).exists()


def test_worker_runs_committed_work_and_never_rolled_back_work(tmp_path):
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)  # start from an empty queue
    db = connection.settings_dict
    env = clean_env(
        DJANGO_SETTINGS_MODULE="apc.settings.test",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        CELERY_TASK_DEFAULT_QUEUE=queue,
    )
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
