"""Shared fixtures. Tests run against real PostgreSQL and Redis (apc.settings.test)."""

from __future__ import annotations

import os

import pytest
import redis
from django.conf import settings

from tests.factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; live_server tests need this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session", autouse=True)
def _clean_test_broker():
    """The test run owns its Redis database: start and end it empty."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    yield
    client.flushdb()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The audit table refuses TRUNCATE unless the database allows it; the test database must,
    because transactional tests are emptied with TRUNCATE."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER DATABASE {name} SET apc.allow_audit_truncate = 'on'")
                cursor.execute("SET apc.allow_audit_truncate = 'on'")
    yield


@pytest.fixture(autouse=True)
def _reference_data(request, django_db_blocker):
    """What the migrations load (agencies, roles, countries, the plans' catalogue) is there for
    every database test. A transactional test empties the database when it ends; under
    pytest-xdist any test file may follow one on the same worker, so the data is put back
    (committed, before the test's own transaction opens) whenever it is missing."""
    uses_db = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in ("db", "transactional_db", "live_server")
    )
    if not uses_db:
        return
    request.getfixturevalue("django_db_setup")  # the test database exists first
    with django_db_blocker.unblock():
        from apc.models import Agency
        from plans.models import Tool

        if Agency.objects.exists() and Tool.objects.exists():
            return
        from tests.plans.support import ensure_plans_reference

        ensure_plans_reference()


@pytest.fixture
def make_user(db):
    def make(role=None, **kwargs):
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }
