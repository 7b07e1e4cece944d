"""The real app, served by gunicorn with threads, holds eight people at once: each logs in five
times and logs one contact, on the run command's SQLite and on PostgreSQL. On SQLite, without
IMMEDIATE transactions and a busy timeout, most of these logins were answered 500 ("database is
locked")."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import psycopg
import pytest
from django.conf import settings
from django.utils import timezone

from tests.worker_process import LOGS, ROOT, wait_for

CLIENTS = 8
LOGINS_EACH = 5
PASSWORD = "correct-horse-battery"
SETUP = f"""
from demo.factories import LearnerFactory, TeamFactory, TutorFactory
team = TeamFactory(name="Concurrency Team")
for n in range({CLIENTS}):
    learner = LearnerFactory(tutor=TutorFactory(username=f"tutor{{n}}"), team=team)
    print("learner", learner.pk)
"""
COUNT = """
from learners.models import Learner
print("contacts", *(learner.contacts.count() for learner in Learner.objects.order_by("pk")))
"""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One browser: its own cookies; every answer's status is kept."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect
        )
        self.statuses: list[int] = []

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=60) as response:
                answer = response.status, response.read().decode(), ""
        except urllib.error.HTTPError as error:
            answer = error.code, error.read().decode(), error.headers.get("Location", "")
        self.statuses.append(answer[0])
        return answer

    def form_post(self, path: str, fields: dict) -> tuple[int, str]:
        status, page, _ = self.request(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:  # the form page itself failed; its status is kept
            return status, ""
        token = token.group(1)
        status, _, location = self.request(path, {"csrfmiddlewaretoken": token, **fields, **{
            name: value
            for name, value in re.findall(r'name="(submission_token)" value="([^"]+)"', page)
        }})  # fmt: skip
        return status, location


def one_person(base: str, n: int, learner_pk: str) -> tuple[list[int], int, int]:
    """Log in five times (a fresh browser each time) and log one contact after the first."""
    statuses, logins, contacts = [], 0, 0
    for attempt in range(LOGINS_EACH):
        client = Client(base)
        status, location = client.form_post(
            "/accounts/login/", {"username": f"tutor{n}", "password": PASSWORD}
        )
        logins += status == 302 and "/accounts/login/" not in location
        if attempt == 0:
            occurred = timezone.localtime() - timezone.timedelta(hours=1)
            status, _ = client.form_post(
                f"/learners/{learner_pk}/contacts/new/",
                {
                    "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
                    "contact_type": "phone",
                    "contact_with": "learner",
                    "direction": "outbound",
                    "outcome": "no_response",
                    "notes": f"Concurrent call {n}.",
                },
            )
            contacts += status == 302
        statuses += client.statuses
    return statuses, logins, contacts


@contextmanager
def scratch_database(kind: str, tmp_path):
    """A DATABASE_URL for an empty database of ``kind``, dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
        return
    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_concurrency_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = dict(
        dbname="postgres",
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
    )
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{db['USER']}@{admin['host']}:{admin['port']}/{name}"
    finally:
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(environment: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_eight_people_at_once_get_no_server_error_and_lose_no_contact(kind, tmp_path):
    with scratch_database(kind, tmp_path) as url:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND or "",
            "CACHE_URL": "locmemcache://",
        }
        manage(environment, "migrate", "--no-input", "-v0")
        setup = manage(environment, "shell", "-c", SETUP)
        learners = re.findall(r"^learner (\d+)$", setup, re.M)
        assert len(learners) == CLIENTS, setup
        port = free_port()
        LOGS.mkdir(parents=True, exist_ok=True)
        with (LOGS / f"gunicorn-{kind}.log").open("wb") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}",
                 "--workers", "2", "--threads", "4"],
                cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            try:
                wait_for(lambda: _listening(port), timeout=30, what="gunicorn to listen")
                base = f"http://127.0.0.1:{port}"
                with ThreadPoolExecutor(CLIENTS) as pool:
                    results = list(
                        pool.map(lambda n: one_person(base, n, learners[n]), range(CLIENTS))
                    )
            finally:
                server.terminate()
                server.wait(timeout=30)
        statuses = [status for result in results for status in result[0]]
        assert [s for s in statuses if s >= 500] == []
        assert [result[1] for result in results] == [LOGINS_EACH] * CLIENTS
        assert [result[2] for result in results] == [1] * CLIENTS
        # Each contact stored once: none lost, none doubled.
        counts = re.search(r"^contacts (.*)$", manage(environment, "shell", "-c", COUNT), re.M)
        assert counts.group(1).split() == ["1"] * CLIENTS
        print(f"{kind}: {len(statuses)} requests, {CLIENTS} at once, 5xx: 0")


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
