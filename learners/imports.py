"""CSV import of learners, attendance and progress: read the file, check every row, compare
with what is on record by natural key, and (on apply) write it all or nothing.

A dry run (``import_dry_run``) and an apply (``import_write``) run the same checks, so what the
preview promised is what the apply does; the apply re-checks inside its transaction because the
database may have moved on since the preview. Work is set-based so files of tens of thousands of
rows stay quick: one query per chunk of ULNs, one per chunk of rows for existing records, bulk
writes; never a query per row.

The formats themselves (columns, how each cell reads) are data in learners/import_formats.py.

A learners file may give each new learner's start-of-programme rating (start_rating,
start_rating_reason, start_risk_factors). This module checks those cells as the Enrol page's form
does and hands the result on (ImportReport.start_ratings); it never rates anyone itself. The risk
factor catalogue belongs to riskcases, above learners, so the caller passes a lookup for it.
"""

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from learners.access import learners_visible_to
from learners.import_formats import FORMATS, CellError, ImportFormat
from learners.models import (
    Course,
    Employer,
    ImportKind,
    Learner,
    ProgrammeType,
    RecordSource,
    Team,
)
from learners.roles import Role, roles_of
from learners.validators import CONTROL_CHARACTERS
from policies.spec import LOW

# Rows per existing-records query, and ULNs per learner query: small enough for any database's
# parameter limit, big enough that a 20,000-row file takes a handful of queries.
CHUNK = 2000
WRITE_BATCH = 1000
# How many row numbers a notice lists before it says "and N more".
NOTICE_ROWS = 5

SAVE_AS_UTF8 = (
    "In Excel choose File › Save As and the type “CSV UTF-8 (Comma delimited) (*.csv)”; "
    "other programs call it CSV with UTF-8 encoding. Then upload the saved file."
)


class ImportFileError(ValidationError):
    """The file as a whole cannot be imported (wrong encoding, not CSV, missing columns...);
    no row was read."""


@dataclass(frozen=True)
class RowError:
    """``row`` as a spreadsheet shows it: the header is row 1, the first data row is row 2."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class StartRating:
    """A new learner's start-of-programme rating as a learners file gives it (checked as the
    Enrol page checks it); the enrolment applies it through the Enrol page's action."""

    level: str = LOW
    reason: str = ""
    factor_ids: tuple[int, ...] = ()


# Finds the start-of-programme risk factor a start_risk_factors entry names and returns its id,
# or raises CellError saying why it cannot be used (the catalogue is riskcases', so the caller
# supplies this).
StartFactorLookup = Callable[[str], int]
START_COLUMNS = ("start_rating", "start_rating_reason", "start_risk_factors")


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    # Filled in by an apply: learners whose record or activity the import created or changed.
    touched_learner_ids: list[int] = field(default_factory=list)
    new_learner_ids: list[int] = field(default_factory=list)
    # Learners files: each new learner's starting rating, by learner id (absent: Low).
    start_ratings: dict[int, StartRating] = field(default_factory=dict)

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))


class ImportRejected(Exception):
    """An apply found errors (or the database refused a row): nothing was written."""

    def __init__(self, report: ImportReport):
        super().__init__(f"{report.error_rows} row(s) with errors; nothing imported.")
        self.report = report


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]
    ok: bool = True


@dataclass
class ParsedFile:
    format: ImportFormat
    header: list[str]  # every column name in the file, normalised
    columns: tuple[str, ...]  # the known columns the file has
    rows: list[ParsedRow]


# --- reading the file --------------------------------------------------------------------------


def import_max_bytes() -> int:
    return settings.IMPORT_MAX_BYTES


def import_check_size(*, size: int) -> None:
    """Refuse a file over IMPORT_MAX_MB before reading it into memory."""
    limit = import_max_bytes()
    if size > limit:
        raise ImportFileError(
            f"The file is {size / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:g} MB. "
            "Split it into smaller files and import each.",
            code="import_too_large",
        )


def _decode(content: bytes) -> str:
    if not content.strip():
        raise ImportFileError("The file is empty.", code="import_empty")
    if content.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ImportFileError(
            "This is a spreadsheet workbook (.xlsx or .xls), not a CSV file. " + SAVE_AS_UTF8,
            code="import_not_csv",
        )
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(
            "The file is saved as UTF-16 (“Unicode Text”), not UTF-8. " + SAVE_AS_UTF8,
            code="import_encoding",
        )
    if b"\x00" in content:
        raise ImportFileError(
            "This is not a CSV text file (it holds binary data). Upload a CSV file. "
            + SAVE_AS_UTF8,
            code="import_not_csv",
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(
            f"The file is not UTF-8 text: it cannot be read from line {line} "
            f"(byte {exc.start + 1}), probably an accented letter or a symbol such as £ saved "
            "in another encoding. " + SAVE_AS_UTF8,
            code="import_encoding",
        ) from None


def _header_key(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def _delimiter(first_line: str) -> str:
    """Commas, unless the header plainly uses semicolons or tabs (some locales' "CSV")."""
    if "," in first_line:
        return ","
    for candidate in (";", "\t"):
        if candidate in first_line:
            return candidate
    return ","


def import_read(*, kind: str, content: bytes) -> ParsedFile:
    """Read and parse every row. File-level problems raise ImportFileError; cell problems are
    recorded on the report by ``_parse_rows``."""
    fmt = FORMATS.get(kind)
    if fmt is None:
        raise ImportFileError(f"There is no “{kind}” import.", code="import_kind")
    import_check_size(size=len(content))
    text = _decode(content)
    first_line = text[: text.find("\n")] if "\n" in text else text
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = next(reader, [])
        records = list(reader)
    except csv.Error as exc:
        raise ImportFileError(
            f"The file cannot be read as CSV near line {reader.line_num}: {exc}.",
            code="import_not_csv",
        ) from None
    names = [_header_key(h) for h in header]
    if not any(names):
        raise ImportFileError(
            "The first row must hold the column names; it is empty.", code="import_no_header"
        )
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        raise ImportFileError(
            f"These columns appear more than once: {', '.join(repeated)}.",
            code="import_repeated_columns",
        )
    missing = [c for c in fmt.required if c not in names]
    if missing:
        raise ImportFileError(
            f"The file is missing the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}. Every {kind} file needs the columns {', '.join(fmt.required)}"
            + (f" (and may have {', '.join(fmt.optional)})" if fmt.optional else "")
            + ", named in its first row.",
            code="import_missing_columns",
        )
    positions = {name: names.index(name) for name in fmt.required + fmt.optional if name in names}
    rows = []
    for number, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines between rows are harmless
        cells = {
            name: record[i].strip() if i < len(record) else "" for name, i in positions.items()
        }
        rows.append(ParsedRow(number, cells))
    return ParsedFile(fmt, names, tuple(positions), rows)


def _ignored_columns_notice(parsed: ParsedFile) -> str | None:
    fmt = parsed.format
    extra = [h for h in parsed.header if h and h not in parsed.columns]
    if not extra:
        return None
    plural = "s" if len(extra) > 1 else ""
    return f"Ignored column{plural} not used in {fmt.kind} imports: {', '.join(extra)}."


def _parse_rows(parsed: ParsedFile, report: ImportReport) -> None:
    """Turn each row's text into values; every unreadable cell becomes a row error."""
    columns = [parsed.format.column(name) for name in parsed.columns]
    absent_optional = [c for c in parsed.format.columns if c.name not in parsed.columns]
    for row in parsed.rows:
        values: dict[str, Any] = {}
        for column in columns:
            try:
                if CONTROL_CHARACTERS.search(row.values[column.name]):  # the forms' rule too
                    raise CellError("Remove the invisible control characters from this cell.")
                values[column.name] = column.parse(row.values[column.name])
            except CellError as exc:
                report.error(row.row, column.name, str(exc))
                row.ok = False
        for column in absent_optional:
            if parsed.format.kind != ImportKind.LEARNERS:  # learners: absent means "keep"
                values[column.name] = column.parse("")
        row.values = values
    report.rows = len(parsed.rows)


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _rows_list(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:NOTICE_ROWS])
    more = f" and {len(rows) - NOTICE_ROWS} more" if len(rows) > NOTICE_ROWS else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


def _is_organisation_wide(user: AbstractBaseUser) -> bool:
    return user.is_superuser or Role.DIRECTOR in roles_of(user)


def _flag_duplicates(rows: list[ParsedRow], key_of, words: str, report: ImportReport) -> None:
    first_seen: dict[tuple, int] = {}
    for row in rows:
        key = key_of(row.values)
        if key is None:
            continue
        if key in first_seen:
            report.error(row.row, "", f"Duplicate of row {first_seen[key]}: same {words}.")
            row.ok = False
        else:
            first_seen[key] = row.row


def _learner_ids_by_uln(*, ulns: set[str], by: AbstractBaseUser) -> dict[str, int]:
    visible = learners_visible_to(by)
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(ulns)):
        found.update(visible.filter(uln__in=chunk).values_list("uln", "pk"))
    return found


# --- attendance and progress -------------------------------------------------------------------


@dataclass
class Plan:
    report: ImportReport
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    update_fields: list[str] = field(default_factory=list)
    new_employers: dict[str, str] = field(default_factory=dict)  # lower-case key -> name
    # Learners waiting for an employer the apply creates: (learner, lower-case employer name).
    pending_employer: list[tuple[Learner, str]] = field(default_factory=list)
    # New learners whose file gives a starting rating.
    start_ratings: list[tuple[Learner, StartRating]] = field(default_factory=list)


def _plan_records(
    parsed: ParsedFile,
    report: ImportReport,
    by: AbstractBaseUser,
    start_factor: StartFactorLookup | None = None,  # learners files only
) -> Plan:
    fmt = parsed.format
    model = fmt.model
    key_columns = [c.name for c in fmt.columns if c.field in fmt.key_fields]

    def file_key(values: dict) -> tuple | None:
        parts = (values.get("uln"), values.get("date"), *(values.get(c) for c in key_columns))
        return None if any(p is None for p in parts) else parts

    _flag_duplicates(parsed.rows, file_key, fmt.duplicate_words, report)
    ulns = {r.values["uln"] for r in parsed.rows if "uln" in r.values}
    learner_ids = _learner_ids_by_uln(ulns=ulns, by=by)
    where = "" if _is_organisation_wide(by) else " among the learners you can see"
    for row in parsed.rows:
        uln = row.values.get("uln")
        if uln is not None and uln not in learner_ids:
            report.error(row.row, "uln", f"No learner with ULN {uln} is on record{where}.")
            row.ok = False
    report.errors.sort(key=lambda e: e.row)

    mapped = [c for c in fmt.columns if c.field]
    value_fields = list(fmt.value_fields)
    plan = Plan(report, update_fields=[*value_fields, "source", "recorded_by"])
    candidates = [r for r in parsed.rows if r.ok]
    for chunk in _chunks(candidates):
        fields_of = [
            (learner_ids[r.values["uln"]], {c.field: r.values[c.name] for c in mapped})
            for r in chunk
        ]
        existing = {
            (e["learner_id"], e["occurred_on"], *(e[k] for k in fmt.key_fields)): e
            for e in model.objects.filter(
                learner_id__in={lid for lid, _ in fields_of},
                occurred_on__in={f["occurred_on"] for _, f in fields_of},
            ).values("pk", "learner_id", "occurred_on", *fmt.key_fields, *value_fields)
        }
        for learner_id, fields in fields_of:
            key = (learner_id, fields["occurred_on"], *(fields[k] for k in fmt.key_fields))
            record = existing.get(key)
            if record is None:
                plan.new.append(
                    model(
                        learner_id=learner_id,
                        source=RecordSource.IMPORT,
                        recorded_by=by,
                        **fields,
                    )
                )
            elif any(record[f] != fields[f] for f in value_fields):
                plan.changed.append(
                    model(
                        pk=record["pk"],
                        learner_id=learner_id,
                        source=RecordSource.IMPORT,
                        recorded_by=by,
                        **fields,
                    )
                )
            else:
                report.unchanged += 1
    report.new, report.changed = len(plan.new), len(plan.changed)
    return plan


def _write_records(plan: Plan) -> None:
    if plan.new:
        type(plan.new[0]).objects.bulk_create(plan.new, batch_size=WRITE_BATCH)
    if plan.changed:
        type(plan.changed[0]).objects.bulk_update(
            plan.changed, plan.update_fields, batch_size=WRITE_BATCH
        )
    touched = {r.learner_id for r in plan.new} | {r.learner_id for r in plan.changed}
    plan.report.touched_learner_ids = sorted(touched)


# --- learners ----------------------------------------------------------------------------------

LEARNER_FIELDS = [
    "first_name",
    "last_name",
    "programme_type",
    "nation",
    "course_id",
    "tutor_id",
    "team_id",
    "start_date",
    "planned_end_date",
]


def _tutor_lookup() -> dict[str, Any]:
    """Active tutors by lower-cased username and e-mail; an e-mail two tutors share maps to
    None so it is reported rather than guessed."""
    lookup: dict[str, Any] = {}
    tutors = get_user_model().objects.filter(groups__name=Role.TUTOR, is_active=True).distinct()
    for user in tutors.only("pk", "username", "email"):
        lookup[user.username.lower()] = user.pk
        if user.email:
            email = user.email.lower()
            lookup[email] = None if email in lookup and lookup[email] != user.pk else user.pk
    return lookup


def _start_rating(
    row: ParsedRow,
    parsed: ParsedFile,
    start_factor: StartFactorLookup | None,
    bad: Callable[[str, str], None],
) -> StartRating:
    """The row's starting rating, by the Enrol page's rules (EnrolForm.clean): Medium or High
    needs a reason and a start-of-programme risk factor; a factor needs Medium or High. A column
    left out reads as blank; a cell that could not be read is already an error, so the rules
    that need it are not checked."""
    v = row.values
    read = {c: c in v or c not in parsed.columns for c in START_COLUMNS}
    level = v.get("start_rating", LOW)
    reason = v.get("start_rating_reason", "").strip()
    names = v.get("start_risk_factors", ())
    factor_ids: list[int] = []
    for name in names:
        if start_factor is None:
            bad("start_risk_factors", "Risk factors cannot be imported here.")
            break
        try:
            factor_ids.append(start_factor(name))
        except CellError as exc:
            bad("start_risk_factors", str(exc))
    if read["start_rating"] and read["start_rating_reason"] and level != LOW and not reason:
        bad("start_rating_reason", "Say why the learner starts above Low.")
    if read["start_rating"] and level == LOW and names:
        bad(
            "start_rating",
            "A start-of-programme risk factor applies, so rate the learner Medium or High.",
        )
    if read["start_rating"] and read["start_risk_factors"] and level != LOW and not names:
        bad(
            "start_risk_factors",
            "Name the start-of-programme risk factor that applies, or rate Low.",
        )
    return StartRating(level, reason, tuple(dict.fromkeys(factor_ids)))


def _plan_learners(
    parsed: ParsedFile,
    report: ImportReport,
    by: AbstractBaseUser,
    start_factor: StartFactorLookup | None = None,
) -> Plan:
    rows = parsed.rows
    has_employer = "employer" in parsed.columns
    optional_fields = [c for c in ("email", "phone") if c in parsed.columns]
    _flag_duplicates(rows, lambda v: (v["uln"],) if "uln" in v else None, "ULN", report)

    tutors = _tutor_lookup()
    teams = {t.name: t for t in Team.objects.all()}
    allowed_team_ids = (
        {t.pk for t in teams.values()}
        if _is_organisation_wide(by)
        else set(Team.objects.filter(managers=by).values_list("pk", flat=True))
    )
    courses = {c.code.upper(): c for c in Course.objects.all()}
    employers = {name.lower(): pk for pk, name in Employer.objects.values_list("pk", "name")}
    ulns = sorted({r.values["uln"] for r in rows if "uln" in r.values})
    existing: dict[str, Learner] = {}
    visible: set[str] = set()
    for chunk in _chunks(ulns):
        existing.update((lr.uln, lr) for lr in Learner.objects.filter(uln__in=chunk))
        visible.update(learners_visible_to(by).filter(uln__in=chunk).values_list("uln", flat=True))

    plan = Plan(report, update_fields=[*LEARNER_FIELDS, *optional_fields, "updated_at"])
    if has_employer:
        plan.update_fields.append("employer_id")
    new_employer_rows: dict[str, list[int]] = {}
    rated_on_record: list[int] = []  # rows giving an existing learner a starting rating
    now = timezone.now()

    for row in rows:
        v = row.values

        def bad(column: str, message: str, row: ParsedRow = row) -> None:
            report.error(row.row, column, message)
            row.ok = False

        learner = existing.get(v.get("uln"))
        if learner is not None and learner.uln not in visible:
            bad("uln", f"ULN {learner.uln} belongs to a learner outside your teams.")
        fields: dict[str, Any] = {f: v[f] for f in ("first_name", "last_name") if f in v}
        fields |= {f: v[f] for f in ("programme_type", "nation", "start_date") if f in v}
        fields |= {f: v[f] for f in ("planned_end_date", *optional_fields) if f in v}

        if "tutor" in v:
            tutor_id = tutors.get(v["tutor"].lower(), 0)
            if tutor_id is None:
                bad("tutor", f"More than one tutor has the e-mail {v['tutor']}: use a username.")
            elif not tutor_id:
                bad("tutor", f"No active tutor has the username or e-mail “{v['tutor']}”.")
            else:
                fields["tutor_id"] = tutor_id
        if "team" in v:
            team = teams.get(v["team"])
            if team is None:
                near = [n for n in teams if n.lower() == v["team"].lower()]
                hint = f" Did you mean “{near[0]}”?" if near else ""
                bad("team", f"No team is named “{v['team']}”.{hint}")
            elif team.pk not in allowed_team_ids:
                bad("team", f"You do not manage {team.name}; its manager can import these rows.")
            else:
                fields["team_id"] = team.pk
        if "course_code" in v:
            course = courses.get(v["course_code"].upper())
            if course is None:
                bad("course_code", f"No course has the code “{v['course_code']}”.")
            elif "programme_type" in v and course.programme_type != v["programme_type"]:
                course_kind = course.get_programme_type_display().lower()
                mine = ProgrammeType(v["programme_type"]).label.lower()
                bad("course_code", f"{course} belongs to {course_kind} programmes, not {mine}s.")
            else:
                fields["course_id"] = course.pk
        start, end = v.get("start_date"), v.get("planned_end_date")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end <= start:
            bad("planned_end_date", "The planned end date must be after the start date.")

        employer_name = v.get("employer", "") if has_employer else None
        if has_employer:
            fields["employer_id"] = employers.get(employer_name.lower()) if employer_name else None
        employer_known = (
            fields["employer_id"] is not None
            if has_employer
            else (learner is not None and learner.employer_id is not None)
        )
        if (
            v.get("programme_type") == ProgrammeType.APPRENTICESHIP
            and not employer_known
            and not employer_name
        ):
            bad("employer", "An apprentice must have an employer: add the employer's name.")
        start = _start_rating(row, parsed, start_factor, bad)
        if not row.ok:
            continue
        if learner is not None and start.level != LOW:
            rated_on_record.append(row.row)

        employer_is_new = bool(employer_name) and fields["employer_id"] is None
        if employer_is_new:
            new_employer_rows.setdefault(employer_name.lower(), []).append(row.row)
            plan.new_employers.setdefault(employer_name.lower(), employer_name)
        if learner is None:
            learner = Learner(uln=v["uln"], **fields)
            plan.new.append(learner)
            if start != StartRating():
                plan.start_ratings.append((learner, start))
        elif employer_is_new or any(getattr(learner, f) != value for f, value in fields.items()):
            for f, value in fields.items():
                setattr(learner, f, value)
            learner.updated_at = now
            plan.changed.append(learner)
        else:
            report.unchanged += 1
            continue
        if employer_is_new:
            plan.pending_employer.append((learner, employer_name.lower()))

    report.errors.sort(key=lambda e: e.row)
    for key, name in plan.new_employers.items():
        report.notices.append(
            f"“{name}” is a new employer ({_rows_list(new_employer_rows[key])}); "
            "applying the file adds it."
        )
    if rated_on_record:
        report.notices.append(
            f"{_rows_list(rated_on_record).capitalize()}: already on record, so the starting "
            "rating is not applied (change a rating on the learner's page)."
        )
    report.new, report.changed = len(plan.new), len(plan.changed)
    return plan


def _write_learners(plan: Plan) -> None:
    if plan.new_employers:
        created = Employer.objects.bulk_create(
            [Employer(name=name) for name in plan.new_employers.values()], batch_size=WRITE_BATCH
        )
        ids = {e.name.lower(): e.pk for e in created}
        for learner, key in plan.pending_employer:
            learner.employer_id = ids[key]
    if plan.new:
        Learner.objects.bulk_create(plan.new, batch_size=WRITE_BATCH)
    if plan.changed:
        Learner.objects.bulk_update(plan.changed, plan.update_fields, batch_size=WRITE_BATCH)
    plan.report.new_learner_ids = sorted(lr.pk for lr in plan.new)
    plan.report.touched_learner_ids = sorted(lr.pk for lr in plan.new + plan.changed)
    plan.report.start_ratings = {lr.pk: start for lr, start in plan.start_ratings}


# --- the two entry points ----------------------------------------------------------------------

PLANNERS = {
    ImportKind.LEARNERS: (_plan_learners, _write_learners),
    ImportKind.ATTENDANCE: (_plan_records, _write_records),
    ImportKind.PROGRESS: (_plan_records, _write_records),
}


def _plan(
    *, kind: str, content: bytes, by: AbstractBaseUser, start_factor: StartFactorLookup | None
) -> Plan:
    parsed = import_read(kind=kind, content=content)
    report = ImportReport(kind=kind)
    if notice := _ignored_columns_notice(parsed):
        report.notices.append(notice)
    _parse_rows(parsed, report)
    plan = PLANNERS[kind][0](parsed, report, by, start_factor)
    if not parsed.rows:
        report.notices.append("The file has column names but no rows.")
    return plan


def import_dry_run(
    *,
    kind: str,
    content: bytes,
    by: AbstractBaseUser,
    start_factor: StartFactorLookup | None = None,
) -> ImportReport:
    """What an import of ``content`` would do, row by row; writes nothing. Raises
    ImportFileError when the file as a whole cannot be read. ``start_factor`` reads a learners
    file's start_risk_factors (without it, a row naming a factor is an error)."""
    return _plan(kind=kind, content=content, by=by, start_factor=start_factor).report


def import_write(
    *,
    kind: str,
    content: bytes,
    by: AbstractBaseUser,
    start_factor: StartFactorLookup | None = None,
) -> ImportReport:
    """Apply the file all or nothing, in one transaction. Any row error, or a row the database
    refuses, raises ImportRejected and nothing is written. Unchanged rows are not touched, so
    importing the same file twice changes nothing the second time. New learners' starting
    ratings are left to the caller (``report.start_ratings``)."""
    try:
        with transaction.atomic():
            plan = _plan(kind=kind, content=content, by=by, start_factor=start_factor)
            if plan.report.errors:
                raise ImportRejected(plan.report)
            PLANNERS[kind][1](plan)
    except IntegrityError as exc:
        report = ImportReport(kind=kind)
        report.error(
            0,
            "",
            "The database refused a row, so nothing was imported (someone may have changed "
            f"the same records meanwhile; preview the file again). Detail: {exc}",
        )
        raise ImportRejected(report) from exc
    return plan.report
