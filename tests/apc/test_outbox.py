"""The transactional outbox (apc/core/outbox.py): recorded with the change, published after
commit, republished by the sweeper, run at most once. Issue 4, "Never lost, never doubled"."""

from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apc.celery import app
from apc.core import outbox
from apc.models import Notification, OutboxMessage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
QUEUE = settings.CELERY_TASK_DEFAULT_QUEUE


@pytest.fixture
def broker():
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(QUEUE)
    yield client
    client.delete(QUEUE)


@pytest.fixture
def broker_down():
    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    yield
    app.conf.broker_url = original


def notify_args(user, key="event:1"):
    return ([user.pk], "Subject", "Body", "/", "U", key)


def test_nothing_is_recorded_when_the_change_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.outbox_enqueue("apc.tasks.notify_event", *notify_args(UserFactory()))
        raise RuntimeError("abort")
    assert not OutboxMessage.objects.exists()


def test_published_after_commit(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = outbox.outbox_enqueue("apc.tasks.notify_event", *notify_args(UserFactory()))
    assert broker.llen(QUEUE) == 0  # nothing reaches the broker before the commit
    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert message.published_at is not None and message.publish_attempts == 1
    assert broker.llen(QUEUE) == 1


def test_a_dedupe_key_records_one_message_per_event():
    user = UserFactory()
    first = outbox.outbox_enqueue("apc.tasks.notify_event", *notify_args(user), dedupe_key="w:1")
    second = outbox.outbox_enqueue("apc.tasks.notify_event", *notify_args(user), dedupe_key="w:1")
    assert first.pk == second.pk and OutboxMessage.objects.count() == 1


def test_running_twice_does_the_work_once():
    users = [UserFactory(), UserFactory()]
    message = OutboxMessage.objects.create(
        task="apc.tasks.notify_event",
        args=[[u.pk for u in users], "Acute warning", "Body", "/", "U", "warning:7:filed"],
    )
    assert outbox.run(message.pk) is True
    assert outbox.run(message.pk) is False
    assert Notification.objects.filter(event_key="warning:7:filed").count() == 2
    message.refresh_from_db()
    assert message.done_at is not None


def test_the_same_event_never_notifies_a_recipient_twice_even_from_two_messages():
    user = UserFactory()
    for _ in range(2):
        message = OutboxMessage.objects.create(
            task="apc.tasks.notify_event", args=list(notify_args(user, "e:9"))
        )
        outbox.run(message.pk)
    assert Notification.objects.filter(recipient=user, event_key="e:9").count() == 1


def test_a_failing_task_is_rolled_back_and_left_for_a_retry():
    message = OutboxMessage.objects.create(
        task="apc.tasks.notify_event", args=[[1], "s"]
    )  # missing args
    with pytest.raises(TypeError):
        outbox.run(message.pk)
    message.refresh_from_db()
    assert message.done_at is None and "run:" in message.last_error


def test_publishing_to_a_dead_broker_fails_fast_and_keeps_the_message(broker_down):
    message = OutboxMessage.objects.create(
        task="apc.tasks.notify_event", args=list(notify_args(UserFactory()))
    )
    started = timezone.now()
    assert outbox.publish(message.pk) is False
    assert timezone.now() - started < timedelta(seconds=15)
    message.refresh_from_db()
    assert message.published_at is None and message.publish_attempts == 1
    assert "publish:" in message.last_error


def test_the_sweeper_takes_the_unpublished_and_the_lost_but_not_the_done(settings):
    now = timezone.now()
    old = now - timedelta(seconds=settings.OUTBOX_REPUBLISH_AFTER_SECONDS + 5)
    unpublished = OutboxMessage.objects.create(task="t", created_at=old)
    fresh = OutboxMessage.objects.create(task="t", created_at=now)
    lost = OutboxMessage.objects.create(
        task="t",
        created_at=old,
        published_at=now - timedelta(seconds=settings.OUTBOX_LOST_AFTER_SECONDS + 5),
    )
    in_flight = OutboxMessage.objects.create(task="t", created_at=old, published_at=now)
    done = OutboxMessage.objects.create(task="t", created_at=old, done_at=now)
    got = set(outbox.pending(now=now))
    assert got == {unpublished.pk, lost.pk}
    assert not got & {fresh.pk, in_flight.pk, done.pk}
