"""A real Celery worker in its own process (``celery -A config worker``), on the tests' Redis
broker and the test database, which a test can kill as the operating system would."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "test-artifacts" / "workers"


def wait_for(condition: Callable[[], object], *, timeout: float = 60, what: str) -> object:
    """Poll ``condition`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.05)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}")


def test_database_url() -> str:
    """The database the tests run on (pytest-django's test_ copy), as a DATABASE_URL."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """One ``celery worker`` process consuming ``queue``; stopped or killed by its own pid."""

    def __init__(self, *, queue: str, pool: str = "solo", env: dict[str, str] | None = None):
        self.queue = queue
        self.name = f"crash-{uuid.uuid4().hex[:8]}@localhost"
        LOGS.mkdir(parents=True, exist_ok=True)
        self.log_path = LOGS / f"{self.name.split('@')[0]}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            f"--pool={pool}", "--concurrency=1", "-Q", queue, "-n", self.name,
            "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
        ]  # fmt: skip
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DATABASE_URL": test_database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND or "",
            **(env or {}),
        }
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=self._log, stderr=subprocess.STDOUT
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def children(self) -> list[int]:
        """The pids of the worker's pool processes (prefork): its children running Python.
        Other children come and go (at start-up ctypes runs ``ldconfig`` to find libraries)."""
        found = []
        python = Path(f"/proc/{self.pid}/exe")
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) != self.pid:
                    continue
                if (stat.parent / "exe").resolve() != python.resolve():
                    continue
            except OSError:
                continue  # the process ended while we looked
            found.append(int(stat.parent.name))
        return found

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acknowledgement, as when the machine runs out of memory."""
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """A warm shutdown (SIGTERM), then SIGKILL if it has not ended in 30 s."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def worker_process(*, queue: str, pool: str = "solo", env: dict[str, str] | None = None):
    worker = WorkerProcess(queue=queue, pool=pool, env=env)
    try:
        yield worker
    finally:
        worker.stop()
