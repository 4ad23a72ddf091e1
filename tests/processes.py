"""Helpers that run the product's own processes (manage.py, a Celery worker) as subprocesses."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRUBBED = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "APC_VAR_DIR",
    "CELERY_TASK_DEFAULT_QUEUE",
    "EMAIL_URL",
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    # a subprocess is not an xdist worker: it takes the Redis database it is given as it is
    # (apc/settings/test.py moves a worker's own onto the next ones)
    "PYTEST_XDIST_WORKER",
)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment minus every setting of ours, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@contextlib.contextmanager
def celery_worker(
    env: dict[str, str], log: Path, *, queue: str | None = None, beat: bool = False
) -> Iterator[Path]:
    """Start a real worker (solo pool), wait until it is ready, stop it on exit."""
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "apc",
        "worker",
        "--pool=solo",
        "-l",
        "info",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"test-{os.getpid()}@%h",
    ]
    if queue:
        cmd += ["-Q", queue]
    if beat:
        cmd += ["-B", "-s", str(log.parent / "beat-schedule")]
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_for(predicate, timeout: float = 30, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def worker_env(**extra: str) -> dict[str, str]:
    """Environment for a worker that shares the running test's database, Redis and queue
    (its queue is emptied first, so only what the test publishes is consumed)."""
    import redis
    from django.conf import settings
    from django.db import connection

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)
    db = connection.settings_dict
    return clean_env(
        DJANGO_SETTINGS_MODULE="apc.settings.test",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        CELERY_TASK_DEFAULT_QUEUE=queue,
        **extra,
    )
