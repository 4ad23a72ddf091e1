"""Tests: real PostgreSQL and Redis on 127.0.0.1 unless DATABASE_URL / REDIS_URL say otherwise."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/apc")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")


def _per_worker_redis(url: str, worker: str) -> str:
    """Under pytest-xdist each worker owns a Redis database of its own (the next ones after the
    run's), as pytest-django gives each its own PostgreSQL database: a worker's broker queue,
    cache and end-of-run flush never touch another's."""
    index = int(worker.removeprefix("gw") or 0)
    base, _, db = url.rpartition("/")
    if not index or not db.isdigit():
        return url
    return f"{base}/{(int(db) + index) % 16}"


if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["REDIS_URL"] = _per_worker_redis(
        os.environ["REDIS_URL"], os.environ["PYTEST_XDIST_WORKER"]
    )

from .base import *  # noqa: E402, F403
from .base import BASE_DIR, env  # noqa: E402

DEBUG = False
SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A queue of its own so a test run never feeds a developer's worker.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="apc-test")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = BASE_DIR / "var" / "test-staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The live server of the browser tests serves static files itself; whitenoise scanning the
# vendored files (30k) for every test client would cost ~0.7 s per test.
WHITENOISE_USE_FINDERS = False
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405

# A test-only app with a marked, grantable model that exercises every branch of the policy.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.policyapp"]  # noqa: F405
