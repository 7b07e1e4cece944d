"""Every form the table's URLs bind gets every hostile value, one field at a time: no server
error, no unescaped echo, no database change when refused. One test per table row lists every
problem it found, so a failure names the field and the payload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.hostile.payloads import BAD_UTF8, PDF, payloads_for
from tests.hostile.probe import Findings, client_for, refused, row_fields, send, with_files
from tests.hostile.table import ENDPOINTS, Endpoint
from tests.hostile.world import World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday")]


@pytest.fixture
def world() -> World:
    return World()


def _probes(row: Endpoint, world: World, fields: dict[str, str]):
    """(where, data) for each field and payload, with the rest of the submission valid; rows
    without fields get the payloads in a field they do not expect."""
    for name, kind in (fields or {"unexpected": "text"}).items():
        for payload_name, payload in payloads_for(kind).items():
            if kind == "file":
                _, content = row.files[name]() if name in row.files else ("", PDF)
                payload = SimpleUploadedFile(payload, content)
            yield f"{row.id} {name}={payload_name}", {**row.valid(world), name: payload}


@pytest.mark.parametrize("row", ENDPOINTS, ids=lambda row: row.id)
def test_it_survives_hostile_values_in_every_field(row: Endpoint, world: World):
    """Every field of every form the row's URL binds (read from the forms) and every parameter
    its view reads gets every payload of its kind."""
    url, findings = row.url(world), Findings()
    show = row.show(world) if row.show else None
    fields = row_fields(row, world)
    client = client_for(world, row)
    for where, data in _probes(row, world, fields):
        if row.name in ("logout", "login"):  # each probe may end or start a session
            client = client_for(world, row)
        send(
            client,
            method=row.method,
            url=url,
            data=with_files(row, data) if row.method == "post" else data,
            where=where,
            findings=findings,
            htmx=row.htmx,
            show=show,
            ok_status=row.ok_status,
        )
    assert not findings.problems, findings.report()


@pytest.mark.parametrize("row", ENDPOINTS, ids=lambda row: row.id)
def test_it_survives_bad_utf8_in_the_raw_body_and_query_string(row: Endpoint, world: World):
    """Bytes that are not UTF-8, sent as the browser would never send them: in a form-encoded
    body (raw and percent-encoded) and in the query string."""
    url, findings = row.url(world), Findings()
    fields = row_fields(row, world) or {"unexpected": "text"}
    raw = b"&".join(name.encode() + b"=" + BAD_UTF8 for name in fields)
    escaped = "&".join(f"{name}=%FF%FE%C0%AF" for name in fields)
    client = client_for(world, row)
    send(
        client,
        method="get",
        url=f"{url}?{escaped}",
        data=None,
        where=f"{row.id} query string",
        findings=findings,
        htmx=row.htmx,
    )
    if row.method == "post":
        for label, body in (("raw body", raw), ("escaped body", escaped.encode())):
            send(
                client_for(world, row),
                method="post",
                url=url,
                data=body,
                where=f"{row.id} {label}",
                findings=findings,
                htmx=row.htmx,
                content_type="application/x-www-form-urlencoded",
                ok_status=row.ok_status,
            )
    assert not findings.problems, findings.report()


@pytest.mark.parametrize(
    "row", [r for r in ENDPOINTS if r.method == "post"], ids=lambda row: row.id
)
def test_it_accepts_each_rows_valid_submission(row: Endpoint, world: World):
    """The probes change one field of a submission that is otherwise accepted, so a refusal
    is the payload's doing (and an accepted payload reaches the database and the page)."""
    response = client_for(world, row).post(row.url(world), with_files(row, row.valid(world)))
    assert not refused(response, row.ok_status) or not row.accepts, response.content[:2000]
