#!/usr/bin/env bash
# The test command: set up (Python packages, front-end assets, Debian's Chromium and PDF tools),
# check that PostgreSQL and Redis answer on 127.0.0.1, then lint and run the whole suite in
# parallel (pytest-xdist, TEST_WORKERS processes, 2 by default; each worker has its own test
# database, Redis dbs and media folder, see config/test_settings.py) and print the wall time.
# Arguments go to pytest: ./scripts/test.sh -k caseload; ./scripts/test.sh -n 0 runs serially.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/apt.sh
apt_install chromium poppler-utils libharfbuzz-subset0 fonts-dejavu-core docker-compose
bash scripts/setup.sh

export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/learner_manager}
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/15}
export CACHE_URL=${CACHE_URL:-rediscache://127.0.0.1:6379/14}
export CELERY_RESULT_BACKEND=${CELERY_RESULT_BACKEND:-redis://127.0.0.1:6379/14}

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "==> PostgreSQL is not answering on 127.0.0.1:5432; trying to start it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "==> Redis is not answering on 127.0.0.1:6379; trying to start it"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
fi

echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "==> pytest"
# Exit code 5 (no tests collected) is a failure here, as it is in CI. Worker N takes the Redis
# dbs of the URLs above minus 2N, so the default two workers use dbs 12-15. An -n given as an
# argument comes last and wins.
started=$SECONDS
status=0
.venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" "$@" || status=$?
elapsed=$((SECONDS - started))
printf '==> pytest wall time: %dm%02ds (exit %d)\n' $((elapsed / 60)) $((elapsed % 60)) "$status"
exit "$status"
