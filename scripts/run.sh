#!/usr/bin/env bash
# The run command: set up, build the demo organisation on SQLite, start a Celery worker with beat
# on the filesystem broker (no PostgreSQL or Redis needed), and serve the app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

export APP_ENV=development
export DATABASE_URL=${DATABASE_URL:-sqlite:///$PWD/var/demo.sqlite3}
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-filesystem://}
export CELERY_FILESYSTEM_FOLDER=${CELERY_FILESYSTEM_FOLDER:-$PWD/var/broker}
# E-mail is written to files (one per message) rather than sent. django-environ keeps a path
# absolute only after four slashes: filemail:// + /abs/path with its own leading slash.
export EMAIL_URL=${EMAIL_URL:-filemail:///$PWD/var/mail}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
# Links in e-mails point at this server.
export SITE_URL=${SITE_URL:-http://$HOST:$PORT}
mkdir -p "$CELERY_FILESYSTEM_FOLDER" var/log var/staticfiles var/mail

.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/python manage.py seed_demo

echo "==> Starting the Celery worker with beat (log: var/log/celery.log)"
.venv/bin/celery -A config worker -B --pool=solo --loglevel=INFO \
  --schedule "$PWD/var/celerybeat-schedule" > var/log/celery.log 2>&1 &
worker_pid=$!
trap 'kill $worker_pid 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  The at-risk learner manager is running at  http://$HOST:$PORT/
  Log in as one of the demo users printed above (e.g. tutor / demo-learners-2026).
  E-mail is not sent: EMAIL_URL=${EMAIL_URL} (by default one .log file per message in var/mail/).
  Press Ctrl+C to stop.

MSG
.venv/bin/python manage.py runserver "$HOST:$PORT" --noreload
