#!/usr/bin/env bash
# Shared set-up for the run and test commands: a virtualenv with the project and its test tools,
# and the front-end assets from the npm registry. Cheap to re-run: each step is skipped when its
# inputs have not changed since the last run.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/apt.sh
PYTHON=${PYTHON:-python3}
mkdir -p var
apt_install libmagic1

if [ ! -x .venv/bin/python ]; then
  echo "==> Creating .venv"
  "$PYTHON" -m venv .venv
fi

stamp=var/.setup-python.stamp
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> Installing Python packages (pyproject.toml)"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[test]"
  echo "$want" > "$stamp"
fi

stamp=var/.setup-assets.stamp
want="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
if [ ! -d node_modules/bootstrap/dist ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "==> npm is missing; installing Debian's nodejs and npm"
    apt_install nodejs npm
  fi
  echo "==> Installing front-end assets (package-lock.json)"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
