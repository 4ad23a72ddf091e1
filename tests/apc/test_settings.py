"""Settings: the embedded default boots with nothing set (SQLite + a broker that needs no
server, with a real worker); production refuses to start without a secret and passes
`check --deploy`."""

import json
import secrets
import sqlite3
import subprocess
import sys

import pytest

from tests.processes import ROOT, celery_worker, clean_env, manage, wait_for

PRINT_SETTINGS = (
    "import json; from django.conf import settings as s; from apc.celery import app; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'broker': app.conf.broker_url, "
    "'debug': s.DEBUG, 'cache': s.CACHES['default']['BACKEND'], 'email': s.EMAIL_BACKEND}))"
)


def test_embedded_default_needs_no_environment():
    result = manage("shell", "-c", PRINT_SETTINGS, env=clean_env())
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got == {
        "engine": "django.db.backends.sqlite3",
        "broker": "filesystem://",
        "debug": True,
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "email": "django.core.mail.backends.filebased.EmailBackend",
    }


@pytest.mark.worker
def test_embedded_default_migrates_seeds_and_a_real_worker_sends_mail(tmp_path):
    """The SQLite + filesystem-broker path end to end: migrate, seed_demo (which notifies every
    demo user after commit), and a worker with no server behind it delivers the e-mails."""
    env = clean_env(APC_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="apc.settings.local")
    migrated = manage("migrate", "--noinput", env=env, timeout=300)
    assert migrated.returncode == 0, migrated.stderr
    with celery_worker(env, tmp_path / "worker.log", beat=True):
        seeded = manage("seed_demo", env=env)
        assert seeded.returncode == 0, seeded.stderr
        db = tmp_path / "apc.sqlite3"

        def all_sent() -> bool:
            with sqlite3.connect(db) as conn:
                pending = conn.execute(
                    "SELECT count(*) FROM apc_notification WHERE emailed_at IS NULL"
                ).fetchone()[0]
                total = conn.execute("SELECT count(*) FROM apc_notification").fetchone()[0]
            return total > 0 and pending == 0

        assert wait_for(all_sent, timeout=60), (tmp_path / "worker.log").read_text()[-3000:]
    mails = [m.read_text() for m in (tmp_path / "mail").iterdir()]
    welcome = [t for t in mails if "Welcome to the APC case-management system" in t]
    assert welcome and "/inbox/" in welcome[0]
    # beat ran embedded in the worker with the database scheduler on SQLite
    assert "beat: Starting" in (tmp_path / "worker.log").read_text()


def test_seed_demo_is_idempotent_and_refuses_in_production(tmp_path):
    env = clean_env(APC_VAR_DIR=str(tmp_path))
    assert manage("migrate", "--noinput", env=env, timeout=300).returncode == 0
    assert manage("seed_demo", env=env).returncode == 0
    assert manage("seed_demo", env=env).returncode == 0
    with sqlite3.connect(tmp_path / "apc.sqlite3") as conn:
        users = conn.execute("SELECT count(*) FROM apc_user").fetchone()[0]
        welcome = conn.execute(
            "SELECT count(*) FROM apc_notification WHERE subject LIKE 'Welcome to the APC%'"
        ).fetchone()[0]
        changes = conn.execute("SELECT count(*) FROM watchlist_tierchange").fetchone()[0]
    from apc.demo import DEMO_USERS

    assert users == len(DEMO_USERS) and welcome == len(DEMO_USERS)
    from watchlist.demo import HISTORY

    assert changes == sum(len(steps) for _, steps, *_ in HISTORY)  # seeded once, not twice
    refused = manage("seed_demo", env={**env, "DEBUG": "false"})
    assert refused.returncode != 0 and "DEBUG" in refused.stderr


@pytest.mark.parametrize("module", ["apc.wsgi", "apc.celery"])
def test_servers_default_to_production_settings_not_the_embedded_default(module):
    """gunicorn (apc.wsgi) and celery (apc.celery) started with nothing set must not come up
    with DEBUG and a published key: they get production settings, which refuse."""
    code = f"import {module}; from django.conf import settings; settings.DEBUG"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


PROD_SERVICES = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/apc",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def prod_env(**extra):
    return clean_env(
        DJANGO_SETTINGS_MODULE="apc.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        **{**PROD_SERVICES, **extra},
    )


@pytest.mark.parametrize("missing", ["DATABASE_URL", "REDIS_URL"])
def test_production_refuses_the_embedded_fallbacks(missing):
    env = prod_env()
    del env[missing]
    result = manage("check", env=env)
    assert result.returncode != 0 and f"{missing} must be set" in result.stderr


def test_production_refuses_to_start_without_a_secret():
    result = manage("check", env=clean_env(DJANGO_SETTINGS_MODULE="apc.settings.production"))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    weak = manage(
        "check", env=clean_env(DJANGO_SETTINGS_MODULE="apc.settings.production", SECRET_KEY="short")
    )
    assert weak.returncode != 0


def test_production_passes_check_deploy():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=prod_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_security_settings():
    env = prod_env()
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'hsts': s.SECURE_HSTS_SECONDS, 'ssl': s.SECURE_SSL_REDIRECT, "
        "'sc': s.SESSION_COOKIE_SECURE, 'cc': s.CSRF_COOKIE_SECURE, 'debug': s.DEBUG, "
        "'csp': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['default-src']}))"
    )
    result = manage("shell", "-c", code, env=env)
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got == {
        "hsts": 63072000,
        "ssl": True,
        "sc": True,
        "cc": True,
        "debug": False,
        "csp": ["'self'"],
    }
