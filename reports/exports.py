"""Exports of the register: CSV, XLSX and a printable PDF of exactly the filtered rows.

Each export carries who made it and when, and is recorded as a RegisterExport row first."""

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from learners.models import Learner
from learners.policy_reading import organisation_policy, team_specs
from policies.selectors import version_spec
from policies.spec import PolicySpec
from reports.models import ExportFormat, RegisterExport
from reports.register import versions_in_use


@dataclass
class ExportWords:
    """What the columns read besides the row: the day, and the policies' words, read once per
    export however many rows it has (each case's stages in its version, each learner's rating
    in the version their team follows)."""

    today: dt.date
    teams: Mapping[int, PolicySpec] = field(default_factory=dict)  # team pk -> its version
    versions: dict[int, PolicySpec] = field(default_factory=dict)  # version pk -> spec

    @classmethod
    def read(cls, *, today: dt.date) -> "ExportWords":
        return cls(
            today=today,
            teams=team_specs(today=today),
            versions={spec.version_id: spec for spec in versions_in_use(today=today)},
        )

    @cached_property
    def organisation(self) -> PolicySpec:
        return organisation_policy()

    def team(self, team_id: int) -> PolicySpec:
        return self.teams.get(team_id) or self.organisation

    def version(self, version_id: int) -> PolicySpec:
        if version_id not in self.versions:  # in memory after its first read
            self.versions[version_id] = version_spec(version_id)
        return self.versions[version_id]


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Learner, ExportWords], object]
    in_pdf: bool = True


def _stage(learner: Learner, words: ExportWords) -> str:
    if not learner.case_stage:
        return ""
    try:
        return words.version(learner.case_version).stage(learner.case_stage).name
    except KeyError:
        return learner.case_stage


def days_in_stage(learner: Learner, words: ExportWords) -> int | None:
    if learner.case_stage_started_at is None:
        return None
    return (words.today - timezone.localdate(learner.case_stage_started_at)).days


def overdue_reasons(learner: Learner, words: ExportWords) -> str:
    reasons = []
    if learner.stage_past_due:
        reasons.append(f"stage past due {learner.case_due_on:%d/%m/%Y}")
    if learner.contacts_missing:
        reasons.append(f"{learner.contacts_missing} required contact(s) missing")
    if learner.actions_overdue:
        reasons.append(f"{learner.actions_overdue} action(s) overdue")
    return "; ".join(reasons)


def _rating(learner: Learner, words: ExportWords) -> str:
    level = learner.current_level
    return words.team(learner.team_id).rating_labels.get(level, level) if level else ""


def _case_status(learner: Learner, words: ExportWords) -> str:
    return {"open": "Open", "stepped_down": "Stepped down"}.get(learner.case_status or "", "")


def _first_days(learner: Learner, words: ExportWords) -> str:
    days = words.team(learner.team_id).directors_told_within_days
    return "yes" if 0 <= (words.today - learner.start_date).days < days else ""


def _tutor(learner: Learner, words: ExportWords) -> str:
    return learner.tutor.get_full_name() or learner.tutor.get_username()


COLUMNS: tuple[Column, ...] = (
    Column("Learner", lambda lr, w: lr.full_name),
    Column("ULN", lambda lr, w: lr.uln),
    Column("Rating", _rating),
    Column("Stage", _stage),
    Column("Case status", _case_status, in_pdf=False),
    Column("Stage due", lambda lr, w: lr.case_due_on),
    Column("Days in stage", days_in_stage),
    Column("Overdue", overdue_reasons),
    Column("Tutor", _tutor),
    Column("Team", lambda lr, w: lr.team.name),
    Column("Programme", lambda lr, w: lr.get_programme_type_display()),
    Column("Nation", lambda lr, w: lr.get_nation_display()),
    Column("Course", lambda lr, w: lr.course.title, in_pdf=False),
    Column("Employer", lambda lr, w: lr.employer.name if lr.employer else "", in_pdf=False),
    Column("Start date", lambda lr, w: lr.start_date),
    Column("First days on programme", _first_days, in_pdf=False),
    Column("Learner status", lambda lr, w: lr.get_status_display(), in_pdf=False),
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
    words = ExportWords.read(today=today)
    for learner in queryset.iterator(chunk_size=2000):
        yield [safe_cell(column.value(learner, words)) for column in COLUMNS]


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
    words = ExportWords.read(today=today)
    rows = [
        [column.value(learner, words) for column in columns]
        for learner in queryset.iterator(chunk_size=2000)
    ]
    html = render_to_string(
        "reports/register_pdf.html",
        {
            "heading": heading,
            "headers": [c.header for c in columns],
            "rows": rows,
            "counts": counts,
            "policy": words.organisation,
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
