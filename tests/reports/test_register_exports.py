"""Exports of the register: exactly the filtered rows, in CSV, XLSX and PDF, never another
team's learner, and each one recorded (who, when, what)."""

import csv
import io
import subprocess

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from demo.factories import LearnerFactory
from reports.models import RegisterExport
from tests.reports.conftest import MONDAY, at_risk


def export(client, fmt: str, query: dict | None = None):
    return client.get(reverse("register_export", args=[fmt]), query or {})


def csv_table(response) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The heading lines (label -> value) and the table rows under the blank line."""
    text = b"".join(response.streaming_content).decode()
    heading_text, table_text = text.split("\r\n\r\n", 1)
    heading = {row[0]: row[1] for row in csv.reader(io.StringIO(heading_text))}
    return heading, list(csv.DictReader(io.StringIO(table_text)))


def xlsx_table(response) -> tuple[dict[str, str], list[dict[str, object]]]:
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book["Register"].iter_rows(values_only=True))
    about = {label: value for label, value in book["About this export"].iter_rows(values_only=True)}
    return about, [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def pdf_text(response) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    )
    return result.stdout.decode()


@pytest.fixture
def north(tutor, team):
    """Three North learners: two High (one overdue), one Medium."""
    people = []
    for first, level in (("Ada", "high"), ("Ben", "high"), ("Cai", "medium")):
        learner = LearnerFactory(tutor=tutor, team=team, first_name=first, last_name="North")
        at_risk(learner, level=level)
        people.append(learner)
    return people


def test_csv_holds_exactly_the_filtered_rows_and_says_who_and_when(client, manager, north, south):
    client.force_login(manager)
    response = export(client, "csv", {"rating": "high"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="at-risk-register-20261123-1000.csv"'
    )
    assert response["Cache-Control"] == "no-store"
    heading, rows = csv_table(response)
    assert sorted(row["Learner"] for row in rows) == ["Ada North", "Ben North"]
    assert {row["Rating"] for row in rows} == {"High"}
    assert heading["Exported by"] == f"{manager.get_full_name()} (team.manager)"
    assert heading["Exported at"] == "2026-11-23 10:00 UTC"
    assert heading["Filters"] == "Rating: High"
    assert heading["Rows"] == "2"


def test_xlsx_holds_exactly_the_filtered_rows(client, manager, north, south):
    client.force_login(manager)
    about, rows = xlsx_table(export(client, "xlsx", {"rating": "medium"}))
    assert [row["Learner"] for row in rows] == ["Cai North"]
    assert rows[0]["Stage"] == "Stage 1"
    assert "team.manager" in about["Exported by"]
    assert about["Rows"] == "1"


def test_pdf_holds_exactly_the_filtered_rows(client, manager, north, south):
    client.force_login(manager)
    response = export(client, "pdf", {"rating": "high"})
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "Ada North" in text and "Ben North" in text
    assert "Cai North" not in text and "Stella" not in text
    assert "CONFIDENTIAL" in text and "Page 1 of 1" in text
    assert "Exported by" in text and "team.manager" in text


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_a_manager_never_exports_another_teams_learner(client, manager, north, south, fmt):
    client.force_login(manager)
    response = export(client, fmt, {"team": south.team_id})  # a filter they may not use
    if fmt == "csv":
        content = b"".join(response.streaming_content).decode()
    elif fmt == "xlsx":
        content = str(xlsx_table(response)[1])
    else:
        content = pdf_text(response)
    assert "Stella" not in content and "Hidden" not in content
    assert "Ada North" in content  # the refused filter is ignored, as on the page


def test_every_export_is_recorded_with_who_when_and_which_rows(client, manager, north):
    client.force_login(manager)
    export(client, "xlsx", {"rating": "high", "sort": "name"})
    record = RegisterExport.objects.get()
    assert record.exported_by == manager
    assert record.exported_at == MONDAY
    assert record.export_format == "xlsx"
    assert record.row_count == 2
    assert record.query == "rating=high&sort=name"
    assert record.filters_described == "Rating: High"


def test_exports_follow_the_sort_on_screen(client, manager, north):
    client.force_login(manager)
    _, rows = csv_table(export(client, "csv", {"sort": "-name"}))
    assert [row["Learner"] for row in rows] == ["Cai North", "Ben North", "Ada North"]


@override_settings(REGISTER_PDF_MAX_ROWS=2)
def test_a_pdf_too_long_to_print_is_refused_with_a_reason(client, manager, north):
    client.force_login(manager)
    response = client.get(reverse("register_export", args=["pdf"]), {"sort": "name"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("register") + "?sort=name"
    assert "holds up to 2 rows and this view has 3" in response.content.decode()
    assert not RegisterExport.objects.exists()


def test_cells_a_spreadsheet_would_run_are_defused(client, manager, tutor, team):
    learner = LearnerFactory(tutor=tutor, team=team, first_name="=HYPERLINK(1)", last_name="X")
    at_risk(learner)
    client.force_login(manager)
    _, rows = csv_table(export(client, "csv"))
    assert rows[0]["Learner"] == "'=HYPERLINK(1) X"
    _, rows = xlsx_table(export(client, "xlsx"))
    assert rows[0]["Learner"] == "'=HYPERLINK(1) X"


def test_an_unknown_format_is_not_found(client, manager):
    client.force_login(manager)
    assert export(client, "docx").status_code == 404


def test_a_tutor_cannot_export_the_register(client, tutor, north):
    client.force_login(tutor)
    response = export(client, "csv")
    assert response.status_code == 302
    assert not RegisterExport.objects.exists()
