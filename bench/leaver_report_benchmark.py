"""Time the leaver panel report of a cycle with 500 leavers against PostgreSQL: the figures,
the PDF, and the whole build as the Celery task runs it. Not a test: run it by hand.

    .venv/bin/python bench/leaver_report_benchmark.py

It drops and re-creates its own database (``bench_leaver`` on 127.0.0.1, or
BENCH_DATABASE_URL), migrates it, bulk-seeds 500 leavers in one cycle (each with a case
history, a withdrawal and, for most, an exit review), 250 leavers in the five cycles before
and 300 active cases, and writes the table to bench/results/leaver_report.md.
"""

import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench_support  # noqa: E402  (this folder is on the path when a script runs)

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_leaver"
)
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("CACHE_URL", "locmemcache://")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/11")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

LEAVERS = 500
EARLIER_LEAVERS = 250  # spread over the five cycles before
ACTIVE_CASES = 300
ANCHOR = dt.date(2026, 9, 28)
RESULTS = ROOT / "bench/results/leaver_report.md"


def recreate_database() -> None:
    bench_support.recreate_database(DATABASE_URL)


def _learners(n: int, offset: int, teams, courses, employers, tutors) -> list:
    from demo.factories import valid_uln
    from learners.models import Learner

    rows = []
    for i in range(offset, offset + n):
        course = courses[i % len(courses)]
        apprentice = course.programme_type == "apprenticeship"
        rows.append(
            Learner(
                first_name="Learner",
                last_name=f"Number {i}",
                uln=valid_uln(i),
                programme_type=course.programme_type,
                nation="ENG",
                course=course,
                employer=employers[i % len(employers)] if apprentice else None,
                tutor=tutors[i % len(tutors)],
                team=teams[i % len(teams)],
                start_date=dt.date(2026, 1, 5) + dt.timedelta(days=i % 120),
                planned_end_date=dt.date(2027, 9, 6),
                status="withdrawn",
            )
        )
    return Learner.objects.bulk_create(rows, batch_size=1000)


def seed() -> dict:
    from django.utils import timezone

    from demo.factories import UserFactory
    from escalation.models import EscalationCase, StageChange
    from learners.models import Course, Employer, Learner, Team
    from learners.roles import Role
    from policies.selectors import default_spec
    from reports.cycles import CYCLE_DAYS
    from reports.models import LeaverPanelSettings
    from withdrawals.models import ExitReview, ExitTheme, WithdrawalReason, WithdrawalRequest

    LeaverPanelSettings.objects.create(anchor_date=ANCHOR)
    director = UserFactory(username="bench.director", roles=[Role.DIRECTOR])
    tutors = [UserFactory(username=f"bench.tutor{i}", roles=[Role.TUTOR]) for i in range(10)]
    teams = [Team.objects.create(name=f"Bench Team {i}") for i in range(4)]
    courses = [
        Course.objects.create(code=f"C{i}", title=f"Course {i}", programme_type=kind)
        for i, kind in enumerate(
            ["apprenticeship", "apprenticeship", "traineeship", "short_course"]
        )
    ]
    employers = [Employer.objects.create(name=f"Employer {i} Ltd") for i in range(40)]
    reasons = list(WithdrawalReason.objects.filter(ilr_year="2026/27"))
    themes = list(ExitTheme.objects.all())
    policy = default_spec()
    stages = [stage.key for stage in policy.stages]
    cycle_start = timezone.make_aware(dt.datetime.combine(ANCHOR, dt.time(10)))

    def withdrawn_at(i: int, earlier: bool) -> dt.datetime:
        if not earlier:
            return cycle_start + dt.timedelta(days=i % CYCLE_DAYS, minutes=i)
        return cycle_start - dt.timedelta(days=1 + i % (5 * CYCLE_DAYS), minutes=i)

    everyone = [(lr, False) for lr in _learners(LEAVERS, 0, teams, courses, employers, tutors)]
    everyone += [
        (lr, True) for lr in _learners(EARLIER_LEAVERS, LEAVERS, teams, courses, employers, tutors)
    ]
    cases, changes, requests = [], [], []
    for i, (learner, earlier) in enumerate(everyone):
        done = withdrawn_at(i, earlier)
        opened = done - dt.timedelta(days=40)
        case = EscalationCase(
            learner=learner,
            policy_version_id=policy.version_id,
            stage=stages[-1],
            status="withdrawn",
            opened_at=opened,
            stage_started_at=done - dt.timedelta(days=20),
            closed_at=done,
            change_count=len(stages) + 1,
        )
        cases.append(case)
    EscalationCase.objects.bulk_create(cases, batch_size=1000)
    for i, ((learner, earlier), case) in enumerate(zip(everyone, cases, strict=True)):
        done = withdrawn_at(i, earlier)
        for n, stage in enumerate(stages):
            changes.append(
                StageChange(
                    case=case,
                    sequence=n + 1,
                    kind="opened" if n == 0 else "advanced",
                    from_stage=stages[n - 1] if n else "",
                    to_stage=stage,
                    from_status="open" if n else "",
                    to_status="open",
                    at=case.opened_at + dt.timedelta(days=6 * n),
                    by=learner.tutor,
                    reason="Bench",
                )
            )
        changes.append(
            StageChange(
                case=case,
                sequence=len(stages) + 1,
                kind="withdrawn",
                from_stage=stages[-1],
                to_stage=stages[-1],
                from_status="open",
                to_status="withdrawn",
                at=done,
                by=director,
                reason="Withdrawn",
            )
        )
        requests.append(
            WithdrawalRequest(
                case=case,
                learner=learner,
                status="withdrawn",
                grounds="Bench",
                raised_at=done - dt.timedelta(days=20),
                raised_by=learner.tutor,
                decided_by=director,
                decided_at=done - dt.timedelta(days=2),
                ilr_reason=reasons[i % len(reasons)],
                last_day_of_learning=(done - dt.timedelta(days=30)).date(),
                withdrawn_at=done,
            )
        )
    StageChange.objects.bulk_create(changes, batch_size=2000)
    WithdrawalRequest.objects.bulk_create(requests, batch_size=1000)
    reviews = ExitReview.objects.bulk_create(
        [
            ExitReview(
                request=request,
                reasons=f"Reason {i} in the learner's words.",
                might_have_kept="More time.",
                completed_by=director,
                completed_at=request.withdrawn_at + dt.timedelta(days=1),
            )
            for i, request in enumerate(requests)
            if i % 5
        ],
        batch_size=1000,
    )
    through = ExitReview.themes.through
    through.objects.bulk_create(
        [
            through(exitreview_id=review.pk, exittheme_id=themes[(i + k) % len(themes)].pk)
            for i, review in enumerate(reviews)
            for k in range(1 + i % 3)
        ],
        batch_size=2000,
    )
    # The pipeline: active cases at every stage.
    active = _learners(ACTIVE_CASES, 10_000, teams, courses, employers, tutors)
    Learner.objects.filter(pk__in=[lr.pk for lr in active]).update(status="on_programme")
    open_cases = EscalationCase.objects.bulk_create(
        [
            EscalationCase(
                learner=learner,
                policy_version_id=policy.version_id,
                stage=stages[i % len(stages)],
                status="open",
                opened_at=cycle_start,
                stage_started_at=cycle_start,
                change_count=1,
            )
            for i, learner in enumerate(active)
        ]
    )
    StageChange.objects.bulk_create(
        [
            StageChange(
                case=case,
                sequence=1,
                kind="opened",
                to_stage=case.stage,
                to_status="open",
                at=cycle_start,
                by=director,
                reason="Bench",
            )
            for case in open_cases
        ]
    )
    return {"changes": StageChange.objects.count(), "reviews": len(reviews)}


def timed(label: str, results: list, fn):
    seconds, count, value = bench_support.timed_queries(fn)
    results.append((label, seconds, count))
    print(f"{label:<55} {seconds:7.2f} s {count:6} queries", flush=True)
    return value


def main() -> None:
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from reports.cycles import cycle_starting
    from reports.leaver_figures import leaver_figures_build
    from reports.leaver_pdf import leaver_report_pdf
    from reports.leaver_services import leaver_report_build
    from reports.models import LeaverReport

    call_command("migrate", verbosity=0)
    seeded = seed()
    cycle = cycle_starting(ANCHOR)
    today = cycle.end + dt.timedelta(days=1)
    results: list = []
    import weasyprint  # noqa: F401 - imported before timing: importing it takes a second

    figures = timed(
        f"Figures for {LEAVERS} leavers",
        results,
        lambda: leaver_figures_build(cycle=cycle, today=today).as_json(),
    )
    assert figures["total"] == LEAVERS, figures["total"]
    assert sum(row["total"] for row in figures["trend"][:-1]) == EARLIER_LEAVERS
    pdf = timed(
        "PDF of those figures (WeasyPrint)",
        results,
        lambda: leaver_report_pdf(
            figures=figures, generated_by="Bench", generated_at=timezone.now()
        ),
    )
    report = LeaverReport.objects.create(
        cycle_start=cycle.start, cycle_end=cycle.end, automatic=True, created_at=timezone.now()
    )
    timed(
        "Whole build as the task runs it (figures, PDF, store)",
        results,
        lambda: leaver_report_build(report_id=report.pk, today=today),
    )
    report.refresh_from_db()
    assert report.status == "ready", report.error
    steps = len(figures["leavers"][0]["history"])
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True).stdout
    pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        pg_version = cursor.fetchone()[0].split(" on ")[0]
    lines = [
        "# Leaver panel report benchmark",
        "",
        f"{LEAVERS} leavers in one 8-week cycle (each with a {steps}-step case history, 80% "
        f"with an exit review of 1 to 3 themes), {EARLIER_LEAVERS} leavers "
        f"in the five cycles before, {ACTIVE_CASES} active cases; {seeded['changes']:,} stage "
        f"changes in all. `python bench/leaver_report_benchmark.py` on {dt.date.today():%d %b %Y}.",
        "",
        f"Python {platform.python_version()}, {pg_version} on 127.0.0.1, "
        f"{platform.machine()} with {os.cpu_count()} CPUs. The PDF: {len(pdf) / 1024:.0f} KB, "
        f"{pages} pages.",
        "",
        "| step | seconds | queries |",
        "|---|---:|---:|",
        *(f"| {label} | {seconds:.2f} | {queries} |" for label, seconds, queries in results),
        "",
        "The figures take a fixed number of queries whatever the number of leavers (the cases' "
        "histories and exit-review themes are prefetched). Most of the time is WeasyPrint laying "
        "out the leavers' table.",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
