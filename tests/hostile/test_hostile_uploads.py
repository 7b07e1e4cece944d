"""Hostile files on every upload (contact attachments, the employer's agreement, CSV imports):
refused ones leave no row and no file; accepted ones are stored under a random name, keep a
safe display name, and come back only as a download with nosniff and a safe Content-Type."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from demo.factories import CourseFactory, valid_uln
from learners.models import ImportBatch, Learner
from riskcases.attachments import ALLOWED_TYPES
from riskcases.models import ContactAttachment
from tests.hostile.payloads import (
    ATTRIBUTE_BREAK,
    ELF,
    HOSTILE_UPLOADS,
    HTML,
    PDF,
    SCRIPT,
    SVG,
    csv_with,
    zip_bomb_docx,
)
from tests.hostile.probe import body_of, row_counts, unescaped_echo
from tests.hostile.table import ENDPOINTS
from tests.hostile.world import World
from withdrawals.models import EmployerAgreement

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday")]
UPLOAD_ROWS = {row.id: row for row in ENDPOINTS if row.files and row.name != "import_list"}
UNSAFE_NAME_CHARACTERS = ("/", "\\", "\x00", "\u202e", "<", ">")


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb_docx(expanded_mb=128)


def _stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _content(key: str, bomb: bytes) -> tuple[str, bytes, str]:
    name, content, expected = HOSTILE_UPLOADS[key]
    return name, bomb if content is None else content, expected


@pytest.mark.parametrize("row_id", UPLOAD_ROWS)
@pytest.mark.parametrize("key", HOSTILE_UPLOADS)
def test_it_refuses_or_safely_stores_each_hostile_file(row_id: str, key: str, bomb: bytes):
    world, row = World(), UPLOAD_ROWS[row_id]
    client = Client()
    client.force_login(getattr(world, row.user))
    field = next(iter(row.files))
    name, content, expected = _content(key, bomb)
    url = row.url(world)
    rows_before, files_before = row_counts(), _stored_files()

    response = client.post(url, {**row.valid(world), field: SimpleUploadedFile(name, content)})

    assert response.status_code < 500
    assert unescaped_echo(response.content) is None
    if expected == "refused":
        assert response.status_code == 200, "the form is shown again with the reason"
        assert row_counts() == rows_before
        assert _stored_files() == files_before, "a refused file was written to disk"
        return
    assert response.status_code == 302
    stored = (
        ContactAttachment.objects.order_by("-pk").first()
        if field == "attachments"
        else EmployerAgreement.objects.order_by("-pk").first()
    )
    assert stored is not None and stored.original_name.endswith(".pdf")
    assert not any(ch in stored.original_name for ch in UNSAFE_NAME_CHARACTERS)
    assert len(stored.original_name) <= 200
    stored_name = Path(stored.file.name)
    assert ".." not in stored_name.parts and stored_name.stem not in name
    assert Path(stored.file.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    if field == "attachments":
        download = reverse("attachment_download", args=[world.learner.pk, stored.pk])
    else:
        download = reverse("employer_agreement_download", args=[stored.request_id])
    served = client.get(download)
    assert served.status_code == 200
    assert served["Content-Disposition"].startswith("attachment;")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Type"] in ALLOWED_TYPES
    assert body_of(served) == content
    page = client.get(row.show(world))
    assert unescaped_echo(page.content) is None


@pytest.mark.parametrize(
    "name, content",
    [
        ("program.csv", ELF),
        ("page.csv", HTML),
        ("image.csv", SVG),
        ("report.csv", PDF),
        ("notes.csv", None),
        ("../../etc/passwd", ELF),
    ],
    ids=["elf", "html", "svg", "pdf", "zip_bomb", "etc_passwd"],
)
def test_it_refuses_files_that_are_not_csv_at_import(name: str, content, bomb: bytes):
    world = World()
    client = Client()
    client.force_login(world.manager)
    rows_before, files_before = row_counts(), _stored_files()
    upload = SimpleUploadedFile(name, bomb if content is None else content)
    response = client.post(reverse("import_list"), {"kind": "attendance", "file": upload})
    assert response.status_code == 200
    assert unescaped_echo(response.content) is None
    assert row_counts() == rows_before
    assert _stored_files() == files_before


@pytest.mark.parametrize(
    "file_name",
    ["../../etc/passwd.csv", "x" * 5000 + ".csv", "evil\u202evsc.exe.csv", f"{SCRIPT}.csv"],
    ids=["dot_dot", "long", "rtl", "script"],
)
@pytest.mark.parametrize("cell", [SCRIPT, ATTRIBUTE_BREAK, "=HYPERLINK(1)", "\u202e\u200b"])
def test_it_keeps_a_csv_with_hostile_names_and_cells_safely(file_name: str, cell: str):
    world = World()
    client = Client()
    client.force_login(world.manager)
    upload = SimpleUploadedFile(file_name, csv_with(cell))
    response = client.post(reverse("import_list"), {"kind": "attendance", "file": upload})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert not any(ch in batch.original_name for ch in UNSAFE_NAME_CHARACTERS)
    assert len(batch.original_name) <= 200 and batch.original_name.endswith(".csv")
    stored = Path(batch.file.name)
    assert stored.parent.name == "imports" and len(stored.stem) == 32  # a random hex name
    for page in (reverse("import_detail", args=[batch.pk]), reverse("import_list")):
        shown = client.get(page)
        assert shown.status_code == 200
        assert unescaped_echo(shown.content) is None


def test_it_reports_control_characters_in_a_csv_cell_as_a_row_error():
    world = World()
    client = Client()
    client.force_login(world.manager)
    upload = SimpleUploadedFile("a.csv", csv_with("Maths\x0b\x1b[31m"))
    client.post(reverse("import_list"), {"kind": "attendance", "file": upload})
    batch = ImportBatch.objects.get()
    assert batch.status == "rejected"
    assert any("control characters" in e["message"] for e in batch.errors)


START_CELLS = [SCRIPT, ATTRIBUTE_BREAK, "=HYPERLINK(1)", "\u202e\u200b", "x" * 20_000, ";" * 3000]


@pytest.mark.parametrize("column", ["start_rating", "start_rating_reason", "start_risk_factors"])
def test_it_reads_hostile_starting_ratings_as_row_errors_shown_safely(column: str):
    world = World()
    CourseFactory(code="ST0384", programme_type="apprenticeship")
    client = Client()
    client.force_login(world.manager)
    good = {
        "start_rating": "medium",
        "start_rating_reason": "On probation",
        "start_risk_factors": "employment-probation",
    }
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "uln",
            "first_name",
            "last_name",
            "programme_type",
            "nation",
            "course_code",
            "tutor",
            "team",
            "start_date",
            "planned_end_date",
            "employer",
            *good,
        ]
    )
    for n, cell in enumerate([*START_CELLS, "a\x1b[31m"]):
        writer.writerow([valid_uln(95_000 + n), "Amira", "Khan", "apprenticeship", "England",
                         "ST0384", world.tutor.username, world.team.name, "2026-09-07",
                         "2027-09-06", "Acme", *{**good, column: cell}.values()])  # fmt: skip
    upload = SimpleUploadedFile("starters.csv", out.getvalue().encode())

    response = client.post(reverse("import_list"), {"kind": "learners", "file": upload})

    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == "rejected"
    assert {e["column"] for e in batch.errors} <= {column, "start_rating", "start_risk_factors"}
    assert any("control characters" in e["message"] for e in batch.errors)
    assert not Learner.objects.exists()
    for page in (reverse("import_detail", args=[batch.pk]), reverse("import_list")):
        shown = client.get(page)
        assert shown.status_code == 200
        assert unescaped_echo(shown.content) is None
