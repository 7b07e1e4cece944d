"""Exports of the register: CSV, XLSX and a printable PDF of exactly the filtered rows.

Each export carries who made it and when, and is recorded as a RegisterExport row first."""

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from learners.models import Learner
from learners.policies import PRESETS, active_preset
from reports.models import ExportFormat, RegisterExport


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Learner, dt.date], object]
    in_pdf: bool = True


def _stage(learner: Learner, today: dt.date) -> str:
    if not learner.case_stage:
        return ""
    return PRESETS[learner.case_preset].stage(learner.case_stage).name


def days_in_stage(learner: Learner, today: dt.date) -> int | None:
    if learner.case_stage_started_at is None:
        return None
    return (today - timezone.localdate(learner.case_stage_started_at)).days


def overdue_reasons(learner: Learner, today: dt.date) -> str:
    reasons = []
    if learner.stage_past_due:
        reasons.append(f"stage past due {learner.case_due_on:%d/%m/%Y}")
    if learner.contacts_missing:
        reasons.append(f"{learner.contacts_missing} required contact(s) missing")
    if learner.actions_overdue:
        reasons.append(f"{learner.actions_overdue} action(s) overdue")
    return "; ".join(reasons)


def _rating(learner: Learner, today: dt.date) -> str:
    return active_preset().label(learner.current_level) if learner.current_level else ""


def _case_status(learner: Learner, today: dt.date) -> str:
    return {"open": "Open", "stepped_down": "Stepped down"}.get(learner.case_status or "", "")


def _first_days(learner: Learner, today: dt.date) -> str:
    days = active_preset().directors_told_within_days
    return "yes" if 0 <= (today - learner.start_date).days < days else ""


def _tutor(learner: Learner, today: dt.date) -> str:
    return learner.tutor.get_full_name() or learner.tutor.get_username()


COLUMNS: tuple[Column, ...] = (
    Column("Learner", lambda lr, t: lr.full_name),
    Column("ULN", lambda lr, t: lr.uln),
    Column("Rating", _rating),
    Column("Stage", _stage),
    Column("Case status", _case_status, in_pdf=False),
    Column("Stage due", lambda lr, t: lr.case_due_on),
    Column("Days in stage", days_in_stage),
    Column("Overdue", overdue_reasons),
    Column("Tutor", _tutor),
    Column("Team", lambda lr, t: lr.team.name),
    Column("Programme", lambda lr, t: lr.get_programme_type_display()),
    Column("Nation", lambda lr, t: lr.get_nation_display()),
    Column("Course", lambda lr, t: lr.course.title, in_pdf=False),
    Column("Employer", lambda lr, t: lr.employer.name if lr.employer else "", in_pdf=False),
    Column("Start date", lambda lr, t: lr.start_date),
    Column("First days on programme", _first_days, in_pdf=False),
    Column("Learner status", lambda lr, t: lr.get_status_display(), in_pdf=False),
)

# A cell a spreadsheet would run as a formula (CSV injection) is prefixed with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Characters a worksheet (XML) cannot hold; the forms refuse them, but older rows and imports
# may carry them, and one would make the whole export fail.
ILLEGAL_IN_CELLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(value: object) -> object:
    if isinstance(value, str):
        value = ILLEGAL_IN_CELLS.sub("", value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


def export_rows(queryset: QuerySet[Learner], *, today: dt.date) -> Iterator[list[object]]:
    for learner in queryset.iterator(chunk_size=2000):
        yield [safe_cell(column.value(learner, today)) for column in COLUMNS]


@dataclass(frozen=True)
class ExportHeading:
    exported_by: str
    exported_at: dt.datetime
    filters: list[str]
    row_count: int

    def lines(self) -> list[tuple[str, str]]:
        return [
            ("At-risk register", "Confidential: learner personal data"),
            ("Exported by", self.exported_by),
            ("Exported at", f"{self.exported_at:%Y-%m-%d %H:%M} UTC"),
            ("Filters", "; ".join(self.filters) or "none (the whole register)"),
            ("Rows", str(self.row_count)),
        ]


def register_export_record(
    *,
    user: AbstractBaseUser,
    export_format: str,
    query: str,
    filters: list[str],
    row_count: int,
) -> RegisterExport:
    """Audit: the export is recorded before its file is built or sent."""
    return RegisterExport.objects.create(
        exported_by=user,
        exported_at=timezone.now(),
        export_format=export_format,
        query=query[:1000],
        filters_described="; ".join(filters),
        row_count=row_count,
    )


def heading_for(export: RegisterExport, filters: list[str]) -> ExportHeading:
    user = export.exported_by
    who = user.get_full_name() or user.get_username()
    return ExportHeading(
        exported_by=f"{who} ({user.get_username()})",
        exported_at=export.exported_at.astimezone(dt.UTC),
        filters=filters,
        row_count=export.row_count,
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(
    queryset: QuerySet[Learner], *, heading: ExportHeading, today: dt.date
) -> Iterable[str]:
    """The heading lines, a blank line, the column headers, then one line per learner."""
    writer = csv.writer(_Echo())
    for label, value in heading.lines():
        yield writer.writerow([label, safe_cell(value)])
    yield writer.writerow([])
    yield writer.writerow([column.header for column in COLUMNS])
    for row in export_rows(queryset, today=today):
        yield writer.writerow(["" if v is None else v for v in row])


def xlsx_bytes(queryset: QuerySet[Learner], *, heading: ExportHeading, today: dt.date) -> bytes:
    """A workbook whose first sheet is the table alone (ready for filters and pivots) and whose
    second says who exported it, when, and with which filters."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Register")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in export_rows(queryset, today=today):
        sheet.append(row)
    about = book.create_sheet("About this export")
    for label, value in heading.lines():
        about.append([label, safe_cell(value)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf_bytes(
    queryset: QuerySet[Learner], *, heading: ExportHeading, today: dt.date, counts
) -> bytes:
    from weasyprint import HTML  # imported here: WeasyPrint is slow to import

    columns = [c for c in COLUMNS if c.in_pdf]
    rows = [
        [column.value(learner, today) for column in columns]
        for learner in queryset.iterator(chunk_size=2000)
    ]
    html = render_to_string(
        "reports/register_pdf.html",
        {
            "heading": heading,
            "headers": [c.header for c in columns],
            "rows": rows,
            "counts": counts,
            "preset": active_preset(),
        },
    )
    return HTML(string=html).write_pdf()


EXPORT_CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.PDF: "application/pdf",
}


def export_filename(export: RegisterExport) -> str:
    return f"at-risk-register-{export.exported_at:%Y%m%d-%H%M}.{export.export_format}"
