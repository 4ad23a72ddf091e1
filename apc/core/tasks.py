"""Enqueue after commit, never from inside a transaction that may still roll back.

`enqueue_on_commit` publishes when (and only if) the current transaction commits. Publishing
failures are logged, not raised: the caller's change is already committed, and the work it
asked for is kept in the database for a sweeper to publish again (see each app's sweep tasks).
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction

log = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Publish `task(*args, **kwargs)` after the current transaction commits."""

    def publish() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except Exception as exc:  # noqa: BLE001 - broker down: the sweeper republishes
            log.warning("could not publish %s%r: %s (a sweeper will retry)", task.name, args, exc)

    transaction.on_commit(publish)
