#!/usr/bin/env bash
# The product on the embedded default: SQLite file and kombu's filesystem broker under var/,
# one Celery worker with beat embedded (-B) for background and scheduled work, and the web
# process on http://127.0.0.1:8000. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-apc.settings.local}"

$BIN/python manage.py migrate --noinput
$BIN/python manage.py seed_demo

mkdir -p var
$BIN/celery -A apc worker -B --pool=solo --loglevel=INFO \
  --schedule var/celerybeat-schedule --logfile var/worker.log &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM

echo "APC: http://127.0.0.1:8000  (demo logins in the README; worker log: var/worker.log)"
$BIN/python manage.py runserver 127.0.0.1:8000
