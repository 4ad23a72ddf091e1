"""The Celery app. Settings come from Django's CELERY_* namespace.

Every task inherits `APCTask`: late acknowledgement (settings), and automatic retries with
exponential backoff for transient failures (database or broker connection errors). Tasks are
thin: they take ids, load, call one service, and are idempotent, so a retry or a redelivery
changes nothing more.
"""

import os
import smtplib

from celery import Celery, Task
from django.db import InterfaceError, OperationalError

# A worker or beat started without DJANGO_SETTINGS_MODULE gets production settings, which refuse
# to start without a real SECRET_KEY; the embedded default sets apc.settings.local explicitly.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apc.settings.production")


class APCTask(Task):
    """Default retry policy for every task of the project."""

    autoretry_for = (
        OperationalError,
        InterfaceError,
        ConnectionError,
        TimeoutError,
        smtplib.SMTPException,
    )
    retry_backoff = True
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 8
    acks_late = True


app = Celery("apc", task_cls=APCTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
