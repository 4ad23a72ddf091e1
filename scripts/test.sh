#!/usr/bin/env bash
# The whole test suite (the README's second command runs this through `make test`):
# lint, migrations and deploy checks, then pytest against PostgreSQL and Redis on 127.0.0.1,
# including the embedded-default (SQLite, filesystem broker) paths and the browser tests.
# Extra arguments go to pytest, e.g. `make test ARGS="-k inbox"`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

bash scripts/services.sh

# Browser tests drive Debian's Chromium (never a downloaded browser build).
if [ ! -x /usr/bin/chromium ]; then
  echo "test: installing Debian's chromium"
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/apc}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/14}"

# The database DATABASE_URL names (makemigrations --check looks at its history); pytest makes
# its own test_<name> database.
dbname="${DATABASE_URL##*/}"
psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='${dbname}'" | grep -q 1 \
  || createdb -h 127.0.0.1 -U postgres "$dbname"

echo "test: ruff"
$BIN/ruff check --quiet .
$BIN/ruff format --check --quiet .
echo "test: makemigrations --check"
DJANGO_SETTINGS_MODULE=apc.settings.test $BIN/python manage.py makemigrations --check --dry-run >/dev/null
echo "test: check --deploy (production settings)"
env -u DJANGO_ALLOW_ASYNC_UNSAFE DJANGO_SETTINGS_MODULE=apc.settings.production \
  DATABASE_URL="$DATABASE_URL" REDIS_URL="$REDIS_URL" \
  SECRET_KEY="$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
  $BIN/python manage.py check --deploy --fail-level WARNING >/dev/null

# Two workers (pytest-xdist), one per core, each test file on one worker: each worker has its own
# PostgreSQL test database (pytest-django) and Redis database (apc/settings/test.py). Set
# PYTEST_WORKERS=0 to run in one process.
echo "test: pytest"
exec $BIN/python -m pytest -p no:cacheprovider --create-db \
  -n "${PYTEST_WORKERS:-2}" --dist loadfile "$@"
