"""Send one hostile request and judge the answer: no server error, no unescaped echo, and no
database change when the input was refused. Each request runs in a savepoint that is rolled
back, so one table row's probes all start from the same records."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.messages import constants, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client

from policies.selectors import spec_cache_clear
from tests.hostile.discovery import Watched, field_kind, watching
from tests.hostile.payloads import ECHO_MARKERS
from tests.hostile.table import Endpoint
from tests.hostile.world import World

# Tables other features write on every request whatever the form's fate (login attempts,
# sessions, audit and access-event rows): not the form's change.
BOOKKEEPING = ("session", "axes", "audit", "access", "pghistory", "event", "login")


def _counted_tables() -> list[str]:
    tables = []
    for model in apps.get_models():
        table = model._meta.db_table
        if model._meta.managed and not any(word in table for word in BOOKKEEPING):
            tables.append(table)
    return sorted(set(tables))


def row_counts() -> tuple[int, ...]:
    """Every counted table's row count, in one query."""
    tables = _counted_tables()
    sql = "SELECT " + ", ".join(
        f"(SELECT count(*) FROM {connection.ops.quote_name(t)})" for t in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


class Rollback(Exception):
    pass


@contextmanager
def undone() -> Iterator[None]:
    """Whatever the block writes is rolled back, and the policy specs it may have remembered
    (a published version, a team's policy) are forgotten with it."""
    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass
    finally:
        spec_cache_clear()


def client_for(world: World, row: Endpoint) -> Client:
    client = Client()
    if row.user:
        client.force_login(getattr(world, row.user))
    return client


def with_files(row: Endpoint, data: dict) -> dict:
    """``data`` with the row's valid files in the file fields it does not already fill."""
    for name, make in row.files.items():
        if name not in data:
            filename, content = make()
            data[name] = SimpleUploadedFile(filename, content)
    return data


def headers_for(row: Endpoint) -> dict:
    return {"HX-Request": "true", "HX-Target": "timeline"} if row.htmx else {}


def watch_valid_submission(row: Endpoint, world: World) -> Watched:
    """The forms the row's valid submission binds and what its view reads besides (undone)."""
    # The world's objects are made before the savepoint, so they outlive it.
    client, url, data = client_for(world, row), row.url(world), row.valid(world)
    data = with_files(row, data) if row.method == "post" else data
    with undone(), watching() as watched:
        getattr(client, row.method)(url, data, headers=headers_for(row))
    return watched


def row_fields(row: Endpoint, world: World) -> dict[str, str]:
    """Every field the row's URL takes, with its kind: its forms' fields (from the field
    classes) and the parameters its view reads outside a form (declared in the row)."""
    watched = watch_valid_submission(row, world)
    undeclared = watched.parameters() - set(row.params)
    assert not undeclared, (
        f"{row.id}: the view reads {sorted(undeclared)} outside a form; declare each in the "
        "row's params with its kind (tests/hostile/table.py)"
    )
    unread = set(row.params) - watched.parameters()
    assert not unread, (
        f"{row.id}: params {sorted(unread)} are not read by the view (or are a form's)"
    )
    return {name: field_kind(f) for name, f in watched.fields().items()} | row.params


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)

    def add(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def report(self) -> str:
        return "\n".join(self.problems)


def unescaped_echo(body: bytes) -> str | None:
    text = body.decode("utf-8", "replace")
    return next((marker for marker in ECHO_MARKERS if marker in text), None)


def refused(response, ok_status: int = 302) -> bool:
    """The form was re-shown, the request was refused, or the view said it did nothing."""
    if response.status_code != ok_status:
        return True
    if ok_status == 200:  # a download: the form page itself also answers 200
        return not response.get("Content-Disposition", "").startswith("attachment")
    levels = {m.level for m in get_messages(response.wsgi_request)}
    return constants.ERROR in levels


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def send(
    client: Client,
    *,
    method: str,
    url: str,
    data,
    where: str,
    findings: Findings,
    htmx: bool = False,
    show: str | None = None,
    content_type: str | None = None,
    ok_status: int = 302,
) -> None:
    """One probe, undone afterwards. ``show`` is re-read after an accepted submission. Only a
    POST is held to "no change when refused": a GET export records itself on purpose."""
    headers = {"HX-Request": "true", "HX-Target": "timeline"} if htmx else {}
    extra = {"content_type": content_type} if content_type else {}
    client.cookies.pop("messages", None)  # judge this request's messages only
    try:
        with transaction.atomic():
            before = row_counts()
            try:
                response = getattr(client, method)(url, data, headers=headers, **extra)
            except Exception as exc:  # the test client re-raises what a user sees as a 500
                findings.add(where, f"server error {type(exc).__name__}: {str(exc)[:160]}")
                raise Rollback from exc
            if response.status_code >= 500:
                findings.add(where, f"status {response.status_code}")
            if marker := unescaped_echo(body_of(response)):
                findings.add(where, f"unescaped echo of {marker!r}")
            if method == "post" and refused(response, ok_status):
                if row_counts() != before:
                    findings.add(where, f"refused ({response.status_code}) but rows changed")
            elif show:
                try:
                    page = client.get(show)
                except Exception as exc:
                    findings.add(where, f"{show} raises {type(exc).__name__} after it was stored")
                    raise Rollback from exc
                if page.status_code >= 500:
                    findings.add(where, f"{show} gives {page.status_code} after it was stored")
                elif marker := unescaped_echo(page.content):
                    findings.add(where, f"{show} echoes {marker!r} unescaped")
            raise Rollback
    except Rollback:
        pass
