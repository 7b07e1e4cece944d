"""Regenerate the sample import files from the demo organisation (``manage.py seed_demo``).

    APP_ENV=development DATABASE_URL=sqlite:///$PWD/var/demo.sqlite3 \
        .venv/bin/python samples/imports/generate_samples.py

Every row belongs to the Manchester Apprenticeships team, so the demo ``manager`` can import
all three files. Demo ULNs are fixed (seeded), so the files keep working after a fresh seed.
"""

import csv
import datetime as dt
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from demo.factories import valid_uln  # noqa: E402
from learners.models import Learner, LearnerStatus  # noqa: E402

TEAM = "Manchester Apprenticeships"
UNITS = ["Leading teams", "Managing change", "Communication", "Planning work", "Finance basics"]
# The starting rating columns: blank (Low), or Medium with a reason and a start-of-programme factor.
LOW = ("", "", "")
PROBATION = ("medium", "Enrolling on a six-month probation period", "employment-probation")
MARKS = ["attended", "attended", "Attended", "missed", "Missed, called in", "attended", "cancelled"]


def write(name: str, header: list[str], rows: list[list[str]]) -> None:
    with (HERE / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    print(f"{name}: {len(rows)} rows")


def main() -> None:
    learners = list(
        Learner.objects.filter(team__name=TEAM, status=LearnerStatus.ON_PROGRAMME)
        .select_related("course", "employer", "tutor")
        .order_by("uln")[:10]
    )
    first_monday = dt.date(2026, 9, 14)
    attendance = []
    for n, learner in enumerate(learners):
        for week in range(6):
            kind = "workshop" if week == 3 else "session"
            title = f"Week {week + 1}: {UNITS[week % len(UNITS)]}"
            day = first_monday + dt.timedelta(weeks=week)
            attendance.append([learner.uln, day.isoformat(), title, MARKS[(n + week) % 7], kind])
    write("attendance.csv", ["uln", "date", "session", "attendance", "kind"], attendance)

    progress = []
    for n, learner in enumerate(learners):
        for month, day in enumerate((dt.date(2026, 9, 30), dt.date(2026, 10, 31))):
            planned = 20 + 8 * month + n
            actual = planned - (n % 4) * 5
            progress.append([learner.uln, f"{day:%d/%m/%Y}", f"{actual}%", f"{planned}%"])
    write("progress.csv", ["uln", "date", "actual_percent", "planned_percent"], progress)

    header = [
        "uln", "first_name", "last_name", "programme_type", "nation", "course_code", "tutor",
        "team", "start_date", "planned_end_date", "email", "phone", "employer",
        "start_rating", "start_rating_reason", "start_risk_factors",
    ]  # fmt: skip
    known_employer = learners[0].employer.name
    new_learners = [
        ("Amira", "Khan", "ST0384", "tutor", "Northwind Logistics Ltd", LOW),
        ("Callum", "Reid", "ST0070", "tutor2@example.org", known_employer, LOW),
        ("Zofia", "Nowak", "ST0795", "tutor", "Northwind Logistics Ltd", PROBATION),
        ("Kwame", "Mensah", "ST0072", "tutor2", known_employer, LOW),
    ]
    rows = [
        [
            valid_uln(900_000 + i),
            first,
            last,
            "Apprenticeship",
            "England",
            course,
            tutor,
            TEAM,
            "2026-11-30",
            "2027-11-29",
            f"{first}.{last}@learner.example".lower(),
            f"07700 900{100 + i}",
            employer,
            *start,
        ]
        for i, (first, last, course, tutor, employer, start) in enumerate(new_learners)
    ]
    existing = learners[0]  # an update: a new phone number
    rows.append(
        [
            existing.uln,
            existing.first_name,
            existing.last_name,
            existing.programme_type,
            existing.nation,
            existing.course.code,
            existing.tutor.username,
            TEAM,
            f"{existing.start_date:%d/%m/%Y}",
            f"{existing.planned_end_date:%d/%m/%Y}",
            existing.email,
            "07700 900999",
            existing.employer.name,
            *LOW,
        ]
    )
    write("learners.csv", header, rows)


if __name__ == "__main__":
    main()
