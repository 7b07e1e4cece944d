"""Time a 20,000-row attendance import against PostgreSQL: preview (dry run), apply, and the
same file uploaded and applied again (a no-op). Not a test: run it by hand and read the numbers.

    .venv/bin/python bench/import_benchmark.py

It drops and re-creates its own database (``bench_learner_manager`` on 127.0.0.1, or
BENCH_DATABASE_URL), migrates it, seeds 1,000 learners and writes the table to
bench/results/import.md.
"""

import csv
import datetime as dt
import os
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench_support  # noqa: E402  (this folder is on the path when a script runs)

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_learner_manager"
)
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("CACHE_URL", "locmemcache://")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

LEARNERS = 1_000
SESSIONS_PER_LEARNER = 20  # 20,000 rows
NEW_LEARNERS = 2_000  # a learners file enrolling this many (each rated Low, one by one)
RESULTS = ROOT / "bench/results/import.md"


def recreate_database() -> None:
    bench_support.recreate_database(DATABASE_URL)


def seed():
    from django.contrib.auth.models import Group

    from demo.factories import UserFactory, valid_uln
    from learners.models import Course, Employer, Learner, Team
    from learners.roles import Role

    director = UserFactory(username="bench.director", roles=[Role.DIRECTOR])
    tutor = UserFactory(username="bench.tutor", roles=[Role.TUTOR])
    Group.objects.get_or_create(name=Role.MANAGER)
    team = Team.objects.create(name="Bench Team")
    course = Course.objects.create(
        code="ST0384", title="Team Leader", programme_type="apprenticeship"
    )
    employer = Employer.objects.create(name="Bench Employer Ltd")
    Learner.objects.bulk_create(
        [
            Learner(
                first_name="Learner",
                last_name=str(i),
                uln=valid_uln(i),
                programme_type="apprenticeship",
                nation="ENG",
                course=course,
                employer=employer,
                tutor=tutor,
                team=team,
                start_date=dt.date(2026, 9, 7),
                planned_end_date=dt.date(2027, 9, 6),
            )
            for i in range(LEARNERS)
        ],
        batch_size=1000,
    )
    return director, [valid_uln(i) for i in range(LEARNERS)]


def write_attendance(path: Path, ulns: list[str]) -> int:
    marks = ["attended", "attended", "attended", "missed", "Missed, called in", "cancelled"]
    first = dt.date(2026, 9, 14)
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["uln", "date", "session", "attendance", "kind"])
        for n, uln in enumerate(ulns):
            for week in range(SESSIONS_PER_LEARNER):
                day = first + dt.timedelta(weeks=week)
                writer.writerow(
                    [uln, day.isoformat(), f"Week {week + 1}", marks[(n + week) % 6], "session"]
                )
                rows += 1
    return rows


def write_learners(path: Path) -> int:
    from demo.factories import valid_uln

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
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
            ]
        )
        programme = ("apprenticeship", "England", "ST0384", "bench.tutor", "Bench Team")
        dates = ("2026-09-07", "2027-09-06")
        for i in range(NEW_LEARNERS):
            name = ("New", f"Learner {i}")
            writer.writerow(
                [valid_uln(500_000 + i), *name, *programme, *dates, f"Employer {i % 50}"]
            )
    return NEW_LEARNERS


def timed(label: str, results: list, fn):
    seconds, count, value = bench_support.timed_queries(fn)
    results.append((label, seconds, count, value))
    print(f"{label:<50} {seconds:7.2f} s {count:6} queries", flush=True)
    return value


def main() -> None:
    recreate_database()
    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection

    from escalation.record_imports import records_import_apply, records_import_preview
    from learners.models import ScheduledSession

    call_command("migrate", verbosity=0)
    director, ulns = seed()
    results: list = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "attendance-20000.csv"
        rows = write_attendance(path, ulns)
        size_mb = path.stat().st_size / 1_048_576

        def preview():
            with path.open("rb") as handle:
                return records_import_preview(
                    kind="attendance", uploaded_file=File(handle, name=path.name), by=director
                )

        first = timed("Preview (dry run) of a new file", results, preview)
        assert first.new_count == rows and not first.errors, first.errors[:3]
        applied = timed(
            "Apply (20,000 new sessions)",
            results,
            lambda: records_import_apply(batch=first, by=director),
        )
        assert applied.status == "applied" and ScheduledSession.objects.count() == rows
        again = timed("Preview of the same file again", results, preview)
        assert (again.new_count, again.changed_count, again.unchanged_count) == (0, 0, rows)
        noop = timed(
            "Apply of the same file again (no-op)",
            results,
            lambda: records_import_apply(batch=again, by=director),
        )
        assert noop.status == "applied" and ScheduledSession.objects.count() == rows
        learners_path = Path(folder) / "learners.csv"
        write_learners(learners_path)

        def preview_learners():
            with learners_path.open("rb") as handle:
                return records_import_preview(
                    kind="learners", uploaded_file=File(handle, name="learners.csv"), by=director
                )

        enrol = timed(f"Preview of {NEW_LEARNERS:,} new learners", results, preview_learners)
        assert enrol.new_count == NEW_LEARNERS and not enrol.errors, enrol.errors[:3]
        enrolled = timed(
            f"Apply ({NEW_LEARNERS:,} learners enrolled, each rated Low)",
            results,
            lambda: records_import_apply(batch=enrol, by=director),
        )
        assert enrolled.status == "applied"
        with connection.cursor() as cursor:
            cursor.execute("select version()")
            pg_version = cursor.fetchone()[0].split(" on ")[0]

    lines = [
        "# Import benchmark",
        "",
        f"{rows:,} attendance rows ({size_mb:.1f} MB) for {LEARNERS:,} learners, "
        f"{SESSIONS_PER_LEARNER} sessions each; then a learners file enrolling "
        f"{NEW_LEARNERS:,} new learners. `python bench/import_benchmark.py` on "
        f"{dt.date.today():%d %b %Y}.",
        "",
        f"Python {platform.python_version()}, {pg_version} on 127.0.0.1, "
        f"{platform.machine()} with {os.cpu_count()} CPUs.",
        "",
        "| step | seconds | queries |",
        "|---|---:|---:|",
        *(f"| {label} | {seconds:.2f} | {queries} |" for label, seconds, queries, _ in results),
        "",
        "Preview includes reading, checking every row, comparing with what is on record and "
        "keeping the file; apply checks everything again inside its transaction before writing. "
        "Enrolling learners costs a few queries per new learner: each gets its Low rating "
        "through riskcases' rating_enrol, as on the Enrol page.",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
