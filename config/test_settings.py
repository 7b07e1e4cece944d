"""Test settings: the real stack (PostgreSQL and Redis on 127.0.0.1) with faster hashing.

The suite runs in parallel (pytest-xdist). Each worker gets what it must not share:
- its own PostgreSQL test database (pytest-django appends the worker id: test_<name>_gw1);
- its own Redis dbs: worker N uses the broker db 15-2N and db 14-2N for the cache and the
  Celery results (gw0 15/14, gw1 13/12, ...). URLs set in the environment are worker 0's; the
  other workers shift their db numbers down by 2N, so they never share one with worker 0;
- its own MEDIA_ROOT (var/test-media-gw1).
"""

import os
import re

os.environ.setdefault("APP_ENV", "test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/learner_manager")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("CACHE_URL", "rediscache://127.0.0.1:6379/14")
# Celery's results share the cache's Redis db; a cache that is not Redis (the benchmarks use
# locmemcache://) leaves the results on their own Redis db, as before.
if os.environ["CACHE_URL"].startswith("rediscache://"):
    os.environ.setdefault(
        "CELERY_RESULT_BACKEND", os.environ["CACHE_URL"].replace("rediscache://", "redis://", 1)
    )
else:
    os.environ.setdefault("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/13")
# pytest-django's live_server with Playwright's sync API runs inside an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# "gw0", "gw1"... under pytest-xdist; empty in a serial run and in other processes.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_INDEX = int(XDIST_WORKER[2:]) if re.fullmatch(r"gw\d+", XDIST_WORKER) else 0
REDIS_URL_NAMES = ("CELERY_BROKER_URL", "CACHE_URL", "CELERY_RESULT_BACKEND")


def redis_db_shifted(url: str, shift: int) -> str:
    """``url`` with its Redis db number lowered by ``shift`` (``redis://host:6379/15`` -> /13)."""
    match = re.fullmatch(r"(rediss?(?:cache)?://[^/?#]*)(?:/(\d*))?([?#].*)?", url)
    if match is None or shift == 0:
        return url
    base, db, rest = match.group(1), int(match.group(2) or 0), match.group(3) or ""
    if db - shift < 0:
        raise RuntimeError(
            f"xdist worker {XDIST_WORKER} would need Redis db {db - shift} for {url}: "
            "run fewer workers or give worker 0 higher db numbers"
        )
    return f"{base}/{db - shift}{rest}"


# A process this worker starts (a real Celery worker, tests/worker_process.py) inherits both the
# worker id and the already shifted URLs: the marker stops it shifting them a second time.
if XDIST_WORKER and os.environ.get("TEST_REDIS_DBS_FOR") != XDIST_WORKER:
    for _name in REDIS_URL_NAMES:
        os.environ[_name] = redis_db_shifted(os.environ[_name], 2 * WORKER_INDEX)
    os.environ["TEST_REDIS_DBS_FOR"] = XDIST_WORKER

from config.settings import *  # noqa: E402, F403
from config.settings import BASE_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / (f"var/test-media-{XDIST_WORKER}" if XDIST_WORKER else "var/test-media")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
