#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1 (ports 5432, 6379), starting the machine's
# own servers when they are installed but stopped. Exits non-zero if either stays down.
set -uo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "services: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
if ! redis_up; then
  if command -v redis-server >/dev/null; then
    echo "services: starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
  fi
  for _ in $(seq 1 30); do redis_up && break; sleep 1; done
fi

ok=0
pg_up || { echo "services: PostgreSQL does not answer on 127.0.0.1:5432" >&2; ok=1; }
redis_up || { echo "services: Redis does not answer on 127.0.0.1:6379" >&2; ok=1; }
exit $ok
