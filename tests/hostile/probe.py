"""Send one hostile request and judge the answer: no server error, no unescaped echo, and no
database change when the input was refused. Each request runs in a savepoint that is rolled
back, so one table row's probes all start from the same records."""

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.messages import constants, get_messages
from django.db import connection, transaction
from django.test import Client

from tests.hostile.payloads import ECHO_MARKERS

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
