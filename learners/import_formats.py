"""The CSV import formats as data: which columns each kind of file has, how each cell is read,
and what a user is told when a cell cannot be read.

Pure learners code: no database access here. learners/imports.py turns parsed rows into records.
Parsers take the cell's text (already stripped) and return the value, or raise CellError with a
message written for the person who made the spreadsheet.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

from learners.models import (
    Attendance,
    ImportKind,
    Nation,
    ProgrammeType,
    ProgressSnapshot,
    ScheduledSession,
    SessionKind,
)
from learners.validators import validate_uln
from policies.models import PolicyVersion
from policies.spec import LOW, RISK_LEVELS


class CellError(ValueError):
    """A cell that cannot be read; the message is shown to the user beside its row and column."""


# --- cell parsers ------------------------------------------------------------------------------

ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
DATE_HELP = "Write dates as YYYY-MM-DD (2026-09-07) or DD/MM/YYYY (07/09/2026)."


def parse_date(text: str) -> dt.date:
    if not text:
        raise CellError("A date is needed here.")
    if match := ISO_DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := UK_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise CellError(f"“{text}” is not a date. {DATE_HELP}")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"“{text}” is not a real date (no such day in that month).") from None


def parse_uln(text: str) -> str:
    if not text:
        raise CellError("The ULN is missing.")
    try:
        validate_uln(text)
    except ValidationError as exc:
        raise CellError(f"“{text}”: {exc.messages[0]}") from None
    return text


def parse_percent(text: str) -> int:
    if not text:
        raise CellError("A percentage from 0 to 100 is needed here.")
    number = text[:-1].strip() if text.endswith("%") else text
    if not re.fullmatch(r"-?\d+", number):
        raise CellError(f"“{text}” is not a whole number from 0 to 100.")
    value = int(number)
    if not 0 <= value <= 100:
        raise CellError(f"{value}% is out of range: use a whole number from 0 to 100.")
    return value


def required_text(max_length: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if not text:
            raise CellError("This cannot be empty.")
        if len(text) > max_length:
            raise CellError(f"Too long: {len(text)} characters, at most {max_length}.")
        return text

    return parse


def optional_text(max_length: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if len(text) > max_length:
            raise CellError(f"Too long: {len(text)} characters, at most {max_length}.")
        return text

    return parse


def parse_email(text: str) -> str:
    if not text:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        raise CellError(f"“{text}” is not an e-mail address.") from None
    return text


def _choice_key(text: str) -> str:
    return re.sub(r"[\s_,]+", " ", text.strip().lower())


def choice(
    choices: type[models.TextChoices],
    noun: str,
    *,
    aliases: dict[str, str] | None = None,
    default: str | None = None,
) -> Callable[[str], str]:
    """Accept a choice's stored value or its label, case-insensitively (so "missed_called_in"
    and "Missed, called in" both read), plus any ``aliases``."""
    lookup = {_choice_key(value): value for value in choices.values}
    lookup |= {_choice_key(label): value for value, label in choices.choices}
    lookup |= {_choice_key(alias): value for alias, value in (aliases or {}).items()}
    allowed = ", ".join(
        value if value.lower() == label.lower() else f"{value} ({label})"
        for value, label in choices.choices
    )

    def parse(text: str) -> str:
        if not text:
            if default is not None:
                return default
            raise CellError(f"The {noun} is missing. Use one of: {allowed}.")
        value = lookup.get(_choice_key(text))
        if value is None:
            raise CellError(
                f"{noun.capitalize()} “{text}” is not recognised. Use one of: {allowed}."
            )
        return value

    return parse


FACTORS_CELL_LIMIT = 2000


def rating_words() -> dict[str, str]:
    """A starting rating as stored, or as any policy version labels it ("Amber" is medium)."""
    words = {level: level for level in RISK_LEVELS}
    for labels in PolicyVersion.objects.values_list("document__rating_labels", flat=True):
        words |= {label.lower(): level for level, label in (labels or {}).items()}
    return words


def parse_start_rating(text: str) -> str:
    """A new learner's starting rating; blank is Low, as on the Enrol page."""
    if not text:
        return LOW
    level = rating_words().get(text.lower())
    if level is None:
        raise CellError(f"Starting rating “{text}” is not recognised. Use low, medium or high.")
    return level


def parse_factor_list(text: str) -> tuple[str, ...]:
    """Risk factors separated by semicolons, each as written (the import looks them up); blanks
    and repeats are dropped."""
    if len(text) > FACTORS_CELL_LIMIT:
        raise CellError(f"Too long: {len(text)} characters, at most {FACTORS_CELL_LIMIT}.")
    found: dict[str, str] = {}
    for part in text.split(";"):
        if name := " ".join(part.split()):
            found.setdefault(name.lower(), name)
    return tuple(found.values())


# --- formats -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any]
    required: bool = True
    # The model field the value lands in (None: used to find other things, e.g. the ULN).
    field: str | None = None
    help: str = ""


@dataclass(frozen=True)
class ImportFormat:
    kind: str
    description: str
    columns: tuple[Column, ...]
    example: tuple[str, ...]  # one example data row, in column order
    # Record formats: the model, and the fields after (learner, occurred_on) in its natural key.
    model: type[models.Model] | None = None
    key_fields: tuple[str, ...] = ()
    duplicate_words: str = "ULN and date"

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if not c.required)

    @property
    def value_fields(self) -> tuple[str, ...]:
        """Fields a re-import may change: everything mapped that is not part of the key."""
        keys = {"occurred_on", *self.key_fields}
        return tuple(c.field for c in self.columns if c.field and c.field not in keys)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


ATTENDANCE_FORMAT = ImportFormat(
    kind=ImportKind.ATTENDANCE,
    description="One row per learner per session: whether they attended.",
    columns=(
        Column("uln", parse_uln, help="the learner's 10-digit ULN"),
        Column("date", parse_date, field="occurred_on", help="the day of the session"),
        Column("session", required_text(200), field="title", help="the session's title"),
        Column(
            "attendance",
            choice(Attendance, "attendance value"),
            field="attendance",
            help="attended, missed, missed_called_in or cancelled (labels work too)",
        ),
        Column(
            "kind",
            choice(SessionKind, "session kind", default=SessionKind.SESSION),
            required=False,
            field="kind",
            help="session or workshop; session when left out",
        ),
    ),
    example=("1000000019", "2026-09-14", "Unit 3: Leading teams", "attended", "session"),
    model=ScheduledSession,
    key_fields=("title",),
    duplicate_words="ULN, date and session",
)

PROGRESS_FORMAT = ImportFormat(
    kind=ImportKind.PROGRESS,
    description="One row per learner per snapshot date: per cent complete against planned.",
    columns=(
        Column("uln", parse_uln, help="the learner's 10-digit ULN"),
        Column("date", parse_date, field="occurred_on", help="the day of the snapshot"),
        Column(
            "actual_percent",
            parse_percent,
            field="actual_percent",
            help="whole number 0 to 100; a trailing % is fine",
        ),
        Column(
            "planned_percent",
            parse_percent,
            field="planned_percent",
            help="whole number 0 to 100; a trailing % is fine",
        ),
    ),
    example=("1000000019", "30/09/2026", "35%", "40%"),
    model=ProgressSnapshot,
    key_fields=(),
    duplicate_words="ULN and date",
)

LEARNERS_FORMAT = ImportFormat(
    kind=ImportKind.LEARNERS,
    description=(
        "One row per learner. A ULN already on record updates that learner; a new ULN enrols "
        "a new learner, rated Low unless start_rating says Medium or High with a reason and a "
        "start-of-programme risk factor, as on the Enrol page (the start_ columns are used "
        "only when a learner is enrolled)."
    ),
    columns=(
        Column("uln", parse_uln, field="uln", help="10 digits from the Learner Record Service"),
        Column("first_name", required_text(100), field="first_name", help="as on the ILR"),
        Column("last_name", required_text(100), field="last_name", help="as on the ILR"),
        Column(
            "programme_type",
            choice(ProgrammeType, "programme type"),
            field="programme_type",
            help="apprenticeship, traineeship or short_course",
        ),
        Column(
            "nation",
            choice(Nation, "nation"),
            field="nation",
            help="England or Wales (ENG / WLS)",
        ),
        Column("course_code", required_text(40), help="a course code on record, e.g. ST0384"),
        Column("tutor", required_text(254), help="the tutor's username or e-mail"),
        Column("team", required_text(120), help="the team's name exactly as on record"),
        Column("start_date", parse_date, field="start_date", help="YYYY-MM-DD or DD/MM/YYYY"),
        Column(
            "planned_end_date",
            parse_date,
            field="planned_end_date",
            help="after the start date",
        ),
        Column(
            "email",
            parse_email,
            required=False,
            field="email",
            help="the learner's e-mail; left as it is when the column is left out",
        ),
        Column(
            "phone",
            optional_text(40),
            required=False,
            field="phone",
            help="the learner's phone; left as it is when the column is left out",
        ),
        Column(
            "employer",
            optional_text(200),
            required=False,
            help="the employer's name; a new name adds the employer (apprentices need one)",
        ),
        Column(
            "start_rating",
            parse_start_rating,
            required=False,
            help="a new learner's starting risk rating: low, medium or high; low when blank",
        ),
        Column(
            "start_rating_reason",
            optional_text(10_000),
            required=False,
            help="why the learner starts above low (needed for medium or high)",
        ),
        Column(
            "start_risk_factors",
            parse_factor_list,
            required=False,
            help="the start-of-programme risk factors that apply, by code or name, separated by "
            "semicolons (e.g. employment-probation); needed for medium or high, and only then",
        ),
    ),
    example=(
        "1000000019",
        "Amira",
        "Khan",
        "apprenticeship",
        "England",
        "ST0384",
        "tutor",
        "Manchester Apprenticeships",
        "2026-09-07",
        "2027-09-06",
        "amira.khan@example.org",
        "07700 900123",
        "Northwind Logistics Ltd",
        "medium",
        "On probation with the employer",
        "employment-probation",
    ),
)

FORMATS: dict[str, ImportFormat] = {
    f.kind: f for f in (LEARNERS_FORMAT, ATTENDANCE_FORMAT, PROGRESS_FORMAT)
}
