"""Time the at-risk register at scale: 50,000 learners, 10,000 of them with an active case.
Not a test: run it by hand and read the numbers.

    .venv/bin/python bench/register_benchmark.py [--runs 5] [--reuse-seed]

It drops and re-creates its own database (``bench_register`` on 127.0.0.1, or
BENCH_DATABASE_URL), migrates it with config.test_settings, seeds it with bulk_create (no service
calls), keeps a copy of the seeded database as a PostgreSQL template (``<name>_seeded``) so each
"first run on fresh data" starts from the same state, and writes the table to
bench/results/register.md. ``--reuse-seed`` skips seeding when that template already exists.

Measured (each after one warm-up, then ``--runs`` times; best and median):

(a) the register page, first page and a filtered page, against a bare Django view that reads
    the same page of rows with one raw SQL query (register / floor, target at most 2x);
(b) the beat sweeps, called as plain functions in the order beat runs them: sweep_triggers
    (06:00), sweep_overdue_cases (06:30), sweep_stage_reminders (07:00). First run on fresh data
    (the database re-created from the template before each run: a backlog of 10 days of
    deadlines), an ordinary morning (the same copy with the last working day's sweeps run
    first), then the "nothing new" run that follows (target: the three together in at most 5 s);
(c) the register's CSV export of about 10,000 rows (target at most 3 s).

E-mails the sweeps queue are published after commit to an in-process broker (memory://), as a
worker publishes them to Redis: their sending is not timed. Nothing here uses Redis.
"""

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench_support  # noqa: E402  (this folder is on the path when a script runs)

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_register"
)
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("CACHE_URL", "locmemcache://")
# The sweeps queue e-mails with .delay() after commit: an in-process broker takes them (the
# test settings would point at Redis db 15, which belongs to the test suite).
os.environ.setdefault("CELERY_BROKER_URL", "memory://")
os.environ.setdefault("CELERY_RESULT_BACKEND", "")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
# WhiteNoise looks for collected static files, which a benchmark does not need.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

RESULTS = ROOT / "bench/results/register.md"
SEED = 2026

LEARNERS = 50_000
TUTORS_PER_TEAM = 10  # 100 tutors
HIGH, MEDIUM = 5_000, 7_000  # current ratings; the rest (38,000) Low
CASES = 10_000  # every High learner and 5,000 of the Medium ones
FRESH_LOW_LEARNERS = 300  # Low learners whose sessions just went wrong: today's new cases
FRESH_CASE_FIRINGS = 150  # triggers that hold on a case learner and have not fired yet
FRESH_REMOVALS = 30  # cases back on track for 28 days as of today (the rest proposed earlier)
TEAMS = [
    ("Birmingham", "ENG"),
    ("Bristol", "ENG"),
    ("Leeds", "ENG"),
    ("London North", "ENG"),
    ("London South", "ENG"),
    ("Manchester", "ENG"),
    ("Newcastle", "ENG"),
    ("Cardiff", "WLS"),
    ("Swansea", "WLS"),
    ("Wrexham", "WLS"),
]
MANAGED = [(0, 1), (2, 3), (4,), (5, 6), (7, 8), (9,)]  # six managers, one or two teams each
COURSES = [
    ("ST0384", "Team Leader / Supervisor", "apprenticeship"),
    ("ST0385", "Operations / Departmental Manager", "apprenticeship"),
    ("ST0119", "Customer Service Practitioner", "apprenticeship"),
    ("ST0070", "Business Administrator", "apprenticeship"),
    ("ST0118", "Data Analyst", "apprenticeship"),
    ("ST0005", "Adult Care Worker", "apprenticeship"),
    ("TR0001", "Traineeship: Retail", "traineeship"),
    ("TR0002", "Traineeship: Hospitality", "traineeship"),
    ("SC0001", "Functional Skills Maths Level 2", "short_course"),
    ("SC0002", "Essential Digital Skills", "short_course"),
]
EMPLOYERS = 400
PATTERNS = [  # what put a case learner at risk (apprentice-only ones fall back to "behind")
    ("behind", 30),
    ("missed_sessions", 25),
    ("missed_homework", 10),
    ("no_progress", 10),
    ("cancelled_visits", 8),
    ("work_absences", 7),
    ("left_employment", 3),
    ("back_on_track", 7),
]
APPRENTICE_ONLY = {"no_progress", "cancelled_visits", "work_absences", "left_employment"}


# --- databases ---------------------------------------------------------------------------------


def _admin_url() -> str:
    return urlsplit(DATABASE_URL)._replace(path="/postgres").geturl()


DB_NAME = urlsplit(DATABASE_URL).path.lstrip("/")
TEMPLATE_NAME = f"{DB_NAME}_seeded"


def _admin(*statements: str) -> list:
    import psycopg

    results = []
    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        for sql in statements:
            cursor = conn.execute(sql)
            results.append(cursor.fetchall() if cursor.description else None)
    return results


def _close_django_connections() -> None:
    from django.db import connections

    connections.close_all()


def recreate_database(name: str = DB_NAME, template: str | None = None) -> None:
    """Drop ``name`` and create it empty, or as a copy of ``template``."""
    _close_django_connections()
    copy = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"{copy}')


def database_exists(name: str) -> bool:
    [rows] = _admin(f"select 1 from pg_database where datname = '{name}'")
    return bool(rows)


def keep_seeded_copy(seeded: "Seeded") -> None:
    """The seeded database becomes the template every fresh run is copied from; what the
    seeding found is kept in the template's comment for --reuse-seed."""
    recreate_database(TEMPLATE_NAME, template=DB_NAME)
    facts = json.dumps({k: v for k, v in asdict(seeded).items() if k != "counts"})
    _admin(f"COMMENT ON DATABASE \"{TEMPLATE_NAME}\" IS '{facts}'")


def seeded_facts() -> "Seeded":
    [rows] = _admin(
        "select shobj_description(oid, 'pg_database') from pg_database "
        f"where datname = '{TEMPLATE_NAME}'"
    )
    return Seeded(**json.loads(rows[0][0] or "{}"))


def restore_seeded_copy() -> None:
    recreate_database(DB_NAME, template=TEMPLATE_NAME)


# --- seeding -----------------------------------------------------------------------------------


@dataclass
class Seeded:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    holding: int = 0
    prefired: int = 0
    leaks: int = 0
    back_on_track: int = 0
    proposed: int = 0


def _aware(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _ulns(count: int) -> list[str]:
    """Distinct valid ULNs (random ones from valid_uln collide at this size)."""
    from learners.validators import uln_check_digit

    ulns, n = [], 0
    while len(ulns) < count:
        first_nine = str(300_000_000 + n * 7919)
        n += 1
        check = uln_check_digit(first_nine)
        if check is not None:
            ulns.append(f"{first_nine}{check}")
    return ulns


def _bulk(model, rows: list, counts: dict[str, int]) -> list:
    created = model.objects.bulk_create(rows, batch_size=5_000)
    counts[model._meta.verbose_name_plural] = counts.get(model._meta.verbose_name_plural, 0) + len(
        rows
    )
    return created


def seed_staff(counts: dict[str, int]):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from learners.models import Team
    from learners.roles import Role
    from policies.selectors import default_policy

    User = get_user_model()
    password = make_password("bench-password")
    # Every team on the default policy (Aspiration), as the benchmark's figures have always been.
    policy = default_policy()
    teams = _bulk(
        Team,
        [Team(name=f"{name} Team", nation=nation, policy=policy) for name, nation in TEAMS],
        counts,
    )

    def user(username: str, first: str, last: str):
        return User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@provider.example",
            password=password,
        )

    tutors = [
        user(f"tutor.{t:03d}", "Tutor", f"{t:03d}") for t in range(len(TEAMS) * TUTORS_PER_TEAM)
    ]
    managers = [user(f"manager.{m}", "Manager", str(m)) for m in range(len(MANAGED))]
    director = user("bench.director", "Dana", "Director")
    quality = user("bench.quality", "Quinn", "Quality")
    _bulk(User, [*tutors, *managers, director, quality], counts)
    groups = {g.name: g for g in Group.objects.all()}
    membership = [(u, Role.TUTOR) for u in tutors] + [(u, Role.MANAGER) for u in managers]
    membership += [(director, Role.DIRECTOR), (quality, Role.QUALITY)]
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=u.pk, group_id=groups[role].pk) for u, role in membership
    )
    Team.managers.through.objects.bulk_create(
        Team.managers.through(team_id=teams[t].pk, user_id=managers[m].pk)
        for m, team_numbers in enumerate(MANAGED)
        for t in team_numbers
    )
    team_tutors = {
        team.pk: tutors[n * TUTORS_PER_TEAM : (n + 1) * TUTORS_PER_TEAM]
        for n, team in enumerate(teams)
    }
    return teams, team_tutors, director


def seed_learners(rng: random.Random, today: dt.date, teams, team_tutors, counts) -> list:
    from learners.models import Course, Employer, Learner, LearnerStatus

    courses = _bulk(
        Course, [Course(code=c, title=t, programme_type=p) for c, t, p in COURSES], counts
    )
    by_type: dict[str, list] = {}
    for course in courses:
        by_type.setdefault(course.programme_type, []).append(course)
    employers = _bulk(
        Employer,
        [
            Employer(name=f"Bench Employer {n:03d} Ltd", contact_email=f"hr@employer{n}.example")
            for n in range(EMPLOYERS)
        ],
        counts,
    )
    first_names = [
        "Amira",
        "Ben",
        "Chloe",
        "Dylan",
        "Efa",
        "Finn",
        "Grace",
        "Harvey",
        "Isla",
        "Jac",
    ]
    learners = []
    for i, uln in enumerate(_ulns(LEARNERS)):
        team = teams[i % len(teams)]
        roll = rng.random()
        if roll < 0.70:
            programme, start_back, length = "apprenticeship", (14, 730), (400, 760)
        elif roll < 0.85:
            programme, start_back, length = "traineeship", (14, 240), (180, 300)
        else:
            programme, start_back, length = "short_course", (14, 150), (90, 180)
        start = today - dt.timedelta(days=rng.randint(*start_back))
        status, expected_return = LearnerStatus.ON_PROGRAMME, None
        if i % 100 == 37:
            status = LearnerStatus.BREAK_IN_LEARNING
            expected_return = today + dt.timedelta(days=rng.randint(20, 120))
        elif i % 200 == 99:
            status = LearnerStatus.COMPLETED
        learners.append(
            Learner(
                first_name=first_names[i % len(first_names)],
                last_name=f"Learner {i:05d}",
                uln=uln,
                email=f"learner{i}@learner.example",
                programme_type=programme,
                nation=team.nation,
                course=rng.choice(by_type[programme]),
                employer=rng.choice(employers) if programme == "apprenticeship" else None,
                tutor=team_tutors[team.pk][(i // len(teams)) % TUTORS_PER_TEAM],
                team=team,
                start_date=start,
                planned_end_date=start + dt.timedelta(days=rng.randint(*length)),
                status=status,
                expected_return_date=expected_return,
            )
        )
    return _bulk(Learner, learners, counts)


@dataclass
class Plan:
    """What one learner gets: their rating, case and the pattern of their records."""

    level: str = "low"
    case: object = None
    pattern: str = "healthy"
    commitment_after: dt.datetime | None = None  # a commitment agreed since the stage began


def seed_ratings_and_cases(rng: random.Random, today: dt.date, learners, counts) -> dict:
    from escalation.calendar import add_working_days
    from escalation.models import CaseStatus, ChangeKind, EscalationCase, StageChange
    from learners.models import LearnerStatus
    from policies.selectors import default_spec
    from riskcases.models import RiskRating
    from withdrawals.models import EventKind, WithdrawalEvent, WithdrawalRequest

    preset = default_spec()
    stages = [s.key for s in preset.stages]
    on_programme = [x for x in learners if x.status == LearnerStatus.ON_PROGRAMME]
    at_risk = rng.sample(on_programme, HIGH + MEDIUM)
    plans = {x.pk: Plan() for x in learners}
    for n, learner in enumerate(at_risk):
        plans[learner.pk].level = "high" if n < HIGH else "medium"
    with_cases = at_risk[:CASES]  # every High learner, then Medium ones
    quiet = [x for x in on_programme if plans[x.pk].level == "low"]
    for learner in rng.sample(quiet, FRESH_LOW_LEARNERS):
        plans[learner.pk].pattern = "fresh_missed_sessions"

    cases = []
    for learner in with_cases:
        plan = plans[learner.pk]
        high = plan.level == "high"
        weights = [10, 35, 35, 20] if high else [60, 30, 10, 0]
        stage = preset.stage(rng.choices(stages, weights=weights)[0])
        stepped_down = rng.random() < 0.1
        deadline = stage.deadline_for(learner.programme_type)
        if deadline and not stepped_down:
            # Dated stages began in the last 17 days: due from about 10 days ago to a week ahead.
            began = max(today - dt.timedelta(days=rng.randint(1, 17)), learner.start_date)
            due_on = add_working_days(began, deadline, nation=learner.nation)
            programme = learner.get_programme_type_display().lower()
            due_rule = f"{deadline} working days: {preset.short_name} {stage.name}, {programme}"
        else:
            began = max(today - dt.timedelta(days=rng.randint(1, 30)), learner.start_date)
            due_on, due_rule = None, ""
        at = _aware(began, hour=rng.randint(8, 16), minute=rng.randint(0, 59))
        status = CaseStatus.STEPPED_DOWN if stepped_down else CaseStatus.OPEN
        if stepped_down:
            due_rule = "Support contract in place: no stage deadline"
        case = EscalationCase(
            learner=learner,
            policy_version_id=preset.version_id,
            stage=stage.key,
            status=status,
            opened_at=at,
            stage_started_at=at,
            stage_due_on=due_on,
            due_rule=due_rule,
            change_count=2 if stepped_down else 1,
        )
        cases.append(case)
        plan.case = case
        pattern = rng.choices([p for p, _ in PATTERNS], weights=[w for _, w in PATTERNS])[0]
        if pattern in APPRENTICE_ONLY and learner.programme_type != "apprenticeship":
            pattern = "behind"
        plan.pattern = pattern
        if due_on is not None and due_on < today and rng.random() < 0.1:
            plan.commitment_after = at + dt.timedelta(days=1, hours=1)
    _bulk(EscalationCase, cases, counts)

    changes, requests = [], []
    for case in cases:
        reason = f"Rated {preset.label(plans[case.learner_id].level)}: opened by the trigger sweep."
        changes.append(
            StageChange(
                case=case,
                sequence=1,
                kind=ChangeKind.OPENED,
                to_stage=case.stage,
                to_status=CaseStatus.OPEN,
                at=case.opened_at,
                by_sweep=True,
                reason=reason,
                due_on=case.stage_due_on if case.status == CaseStatus.OPEN else None,
                due_rule=case.due_rule if case.status == CaseStatus.OPEN else "",
            )
        )
        if case.status == CaseStatus.STEPPED_DOWN:
            changes.append(
                StageChange(
                    case=case,
                    sequence=2,
                    kind=ChangeKind.STEPPED_DOWN,
                    from_stage=case.stage,
                    to_stage=case.stage,
                    from_status=CaseStatus.OPEN,
                    to_status=CaseStatus.STEPPED_DOWN,
                    at=case.opened_at + dt.timedelta(hours=2),
                    by_id=case.learner.tutor_id,
                    reason="Support contract agreed.",
                    due_rule=case.due_rule,
                )
            )
        elif preset.stage(case.stage).withdrawal:
            requests.append(
                WithdrawalRequest(
                    case=case,
                    learner_id=case.learner_id,
                    grounds=reason,
                    raised_at=case.opened_at,
                )
            )
    _bulk(StageChange, changes, counts)
    _bulk(WithdrawalRequest, requests, counts)
    _bulk(
        WithdrawalEvent,
        [
            WithdrawalEvent(request=r, kind=EventKind.RAISED, at=r.raised_at, note=r.grounds)
            for r in requests
        ],
        counts,
    )

    ratings = []
    for learner in learners:
        plan = plans[learner.pk]
        enrolled = _aware(learner.start_date, hour=9)
        if plan.level == "low":
            if rng.random() < 0.1:  # was Medium for a while, back to Low
                mid = enrolled + (_aware(today) - enrolled) / 2
                ratings.append(
                    RiskRating(
                        learner=learner,
                        level="medium",
                        started_at=enrolled,
                        ended_at=mid,
                        set_by_id=learner.tutor_id,
                        reason="Behind on two units.",
                    )
                )
                enrolled = mid
            ratings.append(
                RiskRating(
                    learner=learner,
                    level="low",
                    started_at=enrolled,
                    set_by_id=learner.tutor_id,
                    reason="Enrolment: no start-of-programme risk factors.",
                )
            )
            continue
        since = plan.case.opened_at if plan.case else _aware(today - dt.timedelta(days=40))
        since = max(since, enrolled + dt.timedelta(hours=1))
        ratings.append(
            RiskRating(
                learner=learner,
                level="low",
                started_at=enrolled,
                ended_at=since,
                set_by_id=learner.tutor_id,
                reason="Enrolment: no start-of-programme risk factors.",
            )
        )
        ratings.append(
            RiskRating(
                learner=learner,
                level=plan.level,
                started_at=since,
                set_by_id=learner.tutor_id,
                reason="Accepted the proposal from the trigger.",
            )
        )
    _bulk(RiskRating, ratings, counts)
    return plans


def _learner_records(rng: random.Random, today: dt.date, learner, plan: Plan, author_id: int):
    """The activity records of one learner, by model name."""
    from learners.models import (
        Attendance,
        BreakInLearning,
        EmploymentChange,
        LearnerStatus,
        ProgressEvent,
        ProgressSnapshot,
        ScheduledSession,
        Submission,
        Visit,
        WorkAbsence,
    )
    from riskcases.models import AgreedAction, ContactLogEntry, SupportRecord

    out: dict[str, list] = {}

    def add(obj):
        out.setdefault(type(obj).__name__, []).append(obj)

    def day(back: int) -> dt.date:
        return today - dt.timedelta(days=back)

    def started(on: dt.date) -> bool:
        return on >= learner.start_date

    lid, pattern = learner.pk, plan.pattern
    apprentice = learner.programme_type == "apprenticeship"
    # Four fortnightly sessions (so the last calendar month always has one).
    offset = rng.randint(1, 10)
    for k in range(4):
        on = day(offset + 14 * k)
        if not started(on):
            break
        missed = (pattern == "missed_sessions" and k < 3) or (
            pattern == "fresh_missed_sessions" and k < 3
        )
        attendance = Attendance.MISSED if missed else Attendance.ATTENDED
        if not missed and rng.random() < 0.06:
            attendance = rng.choice([Attendance.MISSED_CALLED_IN, Attendance.CANCELLED])
        add(
            ScheduledSession(
                learner_id=lid,
                occurred_on=on,
                source="import",
                title=f"Session {on:%d %b}",
                attendance=attendance,
            )
        )
    # Homework: one handed in, or four in a row not handed in.
    for k in range(4 if pattern == "missed_homework" else 1):
        on = day(rng.randint(2, 6) + 7 * k)
        if started(on):
            add(
                Submission(
                    learner_id=lid,
                    occurred_on=on,
                    source="tutor",
                    title=f"Assignment {k + 1}",
                    outcome="missed" if pattern == "missed_homework" else "submitted",
                )
            )
    # Progress: a snapshot, and progress recorded in the last month (or long ago).
    planned = min(95, max(5, (today - learner.start_date).days * 100 // 600))
    snapshots = [(rng.randint(8, 25), planned + rng.randint(-8, 10))]
    if pattern == "behind":
        snapshots = [(rng.randint(8, 25), planned - rng.randint(30, 45))]
    elif pattern == "back_on_track":
        snapshots = [(rng.randint(35, 45), planned + 2), (rng.randint(5, 12), planned + 5)]
    for back, actual in snapshots:
        on = day(back)
        if started(on):
            add(
                ProgressSnapshot(
                    learner_id=lid,
                    occurred_on=on,
                    source="import",
                    actual_percent=max(0, min(100, actual)),
                    planned_percent=max(0, min(100, planned)),
                )
            )
    event_back = rng.randint(60, 90) if pattern == "no_progress" else rng.randint(3, 30)
    if started(day(event_back)):
        add(
            ProgressEvent(
                learner_id=lid,
                occurred_on=day(event_back),
                source="import",
                kind="unit_completed",
                description="Unit signed off",
            )
        )
    if apprentice and rng.random() < 0.5:
        add(
            Visit(
                learner_id=lid,
                occurred_on=day(rng.randint(10, 60)),
                source="tutor",
                kind="review",
                outcome="held",
            )
        )
    if pattern == "cancelled_visits":
        for back, outcome in (
            (rng.randint(3, 9), "cancelled_by_learner"),
            (rng.randint(12, 20), "cancelled_by_employer"),
        ):
            add(
                Visit(
                    learner_id=lid,
                    occurred_on=day(back),
                    source="tutor",
                    kind="visit",
                    outcome=outcome,
                )
            )
    if pattern == "work_absences":
        for back in rng.sample(range(3, 60), 3):
            add(WorkAbsence(learner_id=lid, occurred_on=day(back), source="tutor"))
    if pattern == "left_employment":
        add(
            EmploymentChange(
                learner_id=lid,
                occurred_on=day(rng.randint(10, 60)),
                source="tutor",
                kind="left",
                employer_name="Bench Employer Ltd",
            )
        )
    if learner.status == LearnerStatus.BREAK_IN_LEARNING:
        began = day(rng.randint(10, 60))
        add(
            BreakInLearning(
                learner_id=lid,
                occurred_on=began,
                source="tutor",
                expected_return_on=learner.expected_return_date,
                reason="Caring responsibilities",
            )
        )
        add(
            ContactLogEntry(
                learner_id=lid,
                occurred_at=_aware(day(rng.randint(1, 9))),
                contact_type="phone",
                outcome="responded",
                author_id=author_id,
                notes="Break check-in: plans to return as expected.",
            )
        )
    # Contact log and support: a few entries and a support plan per learner at risk.
    if plan.level != "low":
        for _ in range(3 if plan.case else 1):
            add(
                ContactLogEntry(
                    learner_id=lid,
                    occurred_at=_aware(day(rng.randint(1, 40)), hour=rng.randint(8, 17)),
                    contact_type=rng.choice(["phone", "email", "welfare_check"]),
                    outcome=rng.choice(["no_response", "left_message", "responded"]),
                    welfare_check=rng.random() < 0.4,
                    author_id=author_id,
                    notes="Called about the missed work; left a message with the employer.",
                )
            )
    elif rng.random() < 0.1:
        add(
            ContactLogEntry(
                learner_id=lid,
                occurred_at=_aware(day(rng.randint(1, 60))),
                contact_type="meeting",
                outcome="responded",
                author_id=author_id,
                notes="Progress review: on track.",
            )
        )
    if plan.commitment_after is not None:
        add(
            ContactLogEntry(
                learner_id=lid,
                occurred_at=plan.commitment_after,
                contact_type="three_way",
                contact_with="both",
                outcome="commitment_agreed",
                author_id=author_id,
                notes="Learner and employer agreed a catch-up plan.",
            )
        )
    if plan.case is not None:
        stepped_down = plan.case.status == "stepped_down"
        agreed = plan.case.opened_at.date()
        record = SupportRecord(
            learner_id=lid,
            agreed_on=agreed,
            created_by_id=author_id,
            kind="support_contract" if stepped_down else "support_plan",
            review_on=agreed + dt.timedelta(days=28),
            summary="Weekly check-ins; catch-up plan for the overdue units.",
        )
        add(record)
        add(
            AgreedAction(
                support_record=record,
                description="Submit the overdue unit",
                owner="learner",
                due_on=agreed + dt.timedelta(days=rng.randint(3, 14)),
                done_at=_aware(agreed + dt.timedelta(days=5)) if rng.random() < 0.5 else None,
            )
        )
        add(
            AgreedAction(
                support_record=record,
                description="Weekly call with the tutor",
                owner="tutor",
                due_on=today + dt.timedelta(days=rng.randint(1, 14)),
            )
        )
    return out


def seed_activity(rng: random.Random, today: dt.date, learners, plans, counts) -> None:
    from learners import models as learner_models
    from riskcases import models as risk_models

    order = [
        "ScheduledSession",
        "Submission",
        "ProgressSnapshot",
        "ProgressEvent",
        "Visit",
        "WorkAbsence",
        "EmploymentChange",
        "BreakInLearning",
        "ContactLogEntry",
        "SupportRecord",
        "AgreedAction",
    ]
    models = {
        name: getattr(learner_models, name, None) or getattr(risk_models, name) for name in order
    }
    chunk = 5_000
    for start in range(0, len(learners), chunk):
        rows: dict[str, list] = {}
        for learner in learners[start : start + chunk]:
            records = _learner_records(rng, today, learner, plans[learner.pk], learner.tutor_id)
            for name, objs in records.items():
                rows.setdefault(name, []).extend(objs)
        for name in order:
            if name == "AgreedAction":  # the support records have their pks now
                for action in rows.get(name, []):
                    action.support_record_id = action.support_record.pk
            if rows.get(name):
                _bulk(models[name], rows[name], counts)


def seed_fired_notifications(rng: random.Random, today: dt.date, plans, seeded: Seeded) -> None:
    """The steady state: earlier days' sweeps fired the triggers that hold now on the learners
    with a case. Left unfired: the Low learners whose sessions just went wrong, and a sample
    of new triggers on case learners. What the first sweep finds new is today's work."""
    from escalation.models import EscalationCase, RiskNotification
    from escalation.triggers.back_on_track import cases_back_on_track
    from escalation.triggers.registry import triggers_holding
    from learners.models import Learner
    from policies.selectors import default_spec

    preset = default_spec()
    holding = triggers_holding(learners=Learner.objects.all(), today=today, policy=preset)
    on_cases = [f for f in holding if plans[f.learner_id].case is not None]
    fresh = set(rng.sample(range(len(on_cases)), min(FRESH_CASE_FIRINGS, len(on_cases))))
    notes = []
    for n, firing in enumerate(on_cases):
        if n in fresh:
            continue
        plan = plans[firing.learner_id]
        pending = rng.random() < 0.2
        fired_at = plan.case.opened_at
        notes.append(
            RiskNotification(
                learner_id=firing.learner_id,
                rule_key=firing.rule.key,
                rule_name=firing.rule.name,
                fingerprint=firing.fingerprint,
                evidence=firing.evidence,
                fired_at=fired_at,
                fired_on=fired_at.date(),
                case=plan.case,
                proposed_level=plan.level,
                status="pending" if pending else "accepted",
                decided_level="" if pending else plan.level,
                decided_by_id=None if pending else plan.case.learner.tutor_id,
                decided_at=None if pending else fired_at + dt.timedelta(hours=3),
            )
        )
    _bulk(RiskNotification, notes, seeded.counts)
    seeded.holding, seeded.prefired = len(holding), len(notes)
    # Cases back on track were proposed for removal on earlier mornings (a manager has not
    # confirmed yet); a few reached the 28 days only today.
    back = cases_back_on_track(
        learners=Learner.objects.all(),
        holding={f.learner_id for f in holding},
        today=today,
    )
    fresh_back = set(rng.sample(back, min(FRESH_REMOVALS, len(back))))
    proposed_on: dict[dt.date, list[int]] = {}
    for case_id in back:
        if case_id not in fresh_back:
            proposed_on.setdefault(today - dt.timedelta(days=rng.randint(1, 7)), []).append(case_id)
    for day, case_ids in proposed_on.items():
        EscalationCase.objects.filter(pk__in=case_ids).update(removal_proposed_on=day)
    seeded.back_on_track, seeded.proposed = len(back), len(back) - len(fresh_back)
    expected = {"fresh_missed_sessions"}
    seeded.leaks = sum(
        1
        for f in holding
        if plans[f.learner_id].case is None and plans[f.learner_id].pattern not in expected
    )


def seed() -> Seeded:
    from django.db import connection
    from django.utils import timezone

    rng = random.Random(SEED)
    today = timezone.localdate()
    started = time.perf_counter()
    counts: dict[str, int] = {}

    def step(label: str, fn: Callable):
        begin = time.perf_counter()
        value = fn()
        print(f"  seeded {label:<36} {time.perf_counter() - begin:6.1f} s", flush=True)
        return value

    teams, team_tutors, _director = step("staff and teams", lambda: seed_staff(counts))
    learners = step("learners", lambda: seed_learners(rng, today, teams, team_tutors, counts))
    plans = step(
        "ratings, cases and histories",
        lambda: seed_ratings_and_cases(rng, today, learners, counts),
    )
    step("activity records", lambda: seed_activity(rng, today, learners, plans, counts))
    seeded = Seeded(counts=counts)
    step(
        "risk notifications already fired",
        lambda: seed_fired_notifications(rng, today, plans, seeded),
    )
    with connection.cursor() as cursor:
        step("vacuum analyze", lambda: cursor.execute("VACUUM ANALYZE"))
    seeded.seconds = time.perf_counter() - started
    return seeded


# --- measuring ---------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    seconds: list[float]
    queries: list[int]
    target: float | None = None  # seconds (or a ratio, with ratio=True); None: no target
    ratio: bool = False
    note: str = ""

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "pass" if self.median <= self.target else "**fail**"


def timed(fn: Callable) -> tuple[float, int, object]:
    return bench_support.timed_queries(fn)


def _sweep_once() -> dict[str, tuple[float, int, dict]]:
    from escalation.tasks import sweep_overdue_cases, sweep_stage_reminders, sweep_triggers

    # Beat's order: triggers 06:00, overdue cases 06:30, reminders 07:00.
    return {
        "sweep_triggers": timed(sweep_triggers),
        "sweep_overdue_cases": timed(sweep_overdue_cases),
        "sweep_stage_reminders": timed(sweep_stage_reminders),
    }


# What each sweep does per item (what its run time grows with): result keys.
WORK_DONE = {
    "sweep_triggers": ("fired", "proposed_removal"),
    "sweep_overdue_cases": ("advanced",),
    "sweep_stage_reminders": ("reminded", "overdue"),
}


def _summary(task: str, result: dict, seconds: float, queries: int) -> str:
    parts = []
    for key, value in result.items():
        if key == "day":
            continue
        parts.append(f"{key} {len(value) if isinstance(value, list) else value}")
    done = sum(len(result[key]) for key in WORK_DONE[task])
    if done:
        parts.append(
            f"so about {seconds / done * 1000:.0f} ms and {queries / done:.0f} queries per "
            f"item {' or '.join(WORK_DONE[task])} (the whole run divided by them)"
        )
    return ", ".join(parts)


def _sweep_rows(runs: list[dict], kind: str, target: float) -> list[Row]:
    rows = []
    for task in runs[0]:
        rows.append(
            Row(
                f"{kind}: {task}",
                [run[task][0] for run in runs],
                [run[task][1] for run in runs],
                note=_summary(
                    task,
                    runs[-1][task][2],
                    statistics.median(run[task][0] for run in runs),
                    runs[-1][task][1],
                ),
            )
        )
    rows.append(
        Row(
            f"{kind}: the three sweeps together",
            [sum(t[0] for t in run.values()) for run in runs],
            [sum(t[1] for t in run.values()) for run in runs],
            target=target,
        )
    )
    return rows


def measure_sweeps(runs: int) -> list[Row]:
    """(b) The escalation and trigger sweeps. The first run on fresh data does the day's work
    (fires new triggers, advances overdue cases, sends reminders): the database is re-created
    from the seeded template before each, so every first run starts from the same state. The
    ordinary morning starts from the same copy with the last working day's sweeps already run
    (the backlog done), as beat leaves it. The runs that follow find nothing new (only the
    overdue cases with a success recorded are looked at again, as every morning)."""
    first_runs = _timed_sweeps(runs, "first run on fresh data", fresh=True)
    mornings = _timed_sweeps(
        runs, "ordinary morning", fresh=True, before=_catch_up_to_last_working_day
    )
    again = _timed_sweeps(runs, "nothing-new run", fresh=False)
    return (
        _sweep_rows(first_runs, "First run on fresh data", 5.0)
        + _sweep_rows(mornings, "Ordinary morning (the last working day's sweeps done)", 5.0)
        + _sweep_rows(again, "Next run, nothing new", 5.0)
    )


def _timed_sweeps(
    runs: int, label: str, *, fresh: bool, before: Callable[[], None] | None = None
) -> list[dict]:
    """A warm-up and ``runs`` measured runs of the three sweeps, each from the seeded copy
    (``fresh``) or from where the last left off, after ``before`` (untimed)."""
    import django

    measured = []
    for n in range(runs + 1):
        if fresh:
            restore_seeded_copy()
            django.db.connections.close_all()
        if before is not None:
            before()
        run = _sweep_once()
        which = "warm-up" if n == 0 else f"run {n}"
        print(
            f"  {label}, {which}: "
            + ", ".join(f"{task} {s:.2f} s / {q} queries" for task, (s, q, _) in run.items()),
            flush=True,
        )
        if n:
            measured.append(run)
    return measured


def _catch_up_to_last_working_day() -> None:
    """Run the three sweeps as beat did on the last working day (06:00 there), untimed: the
    seeded backlog of deadlines up to 10 days past is done, so the morning after finds one
    working day's deadlines (plus any weekend's), the triggers since and tomorrow's reminders."""
    import time_machine
    from django.utils import timezone

    from escalation.calendar import previous_working_day

    day = previous_working_day(timezone.localdate(), nation="ENG")
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(6)))
    with time_machine.travel(at, tick=True):
        _sweep_once()


def register_available() -> bool:
    """The register (reports/register.py, URLs ``register`` and ``register_export``)."""
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("register")
        reverse("register_export", args=["csv"])
    except NoReverseMatch:
        return False
    return (ROOT / "reports/register.py").exists()


# (a) The floor: what Django costs at least to serve the same 50 rows. The same middleware,
# session and user as the register page, then ONE raw SQL query written by hand for the
# register's columns, filters and order, and the rows as plain text. No ORM, no forms, no
# counts, no template.

FLOOR_PATH = "bench/register-floor/"
PAGE_ROWS = 50  # web.register.ROWS_PER_PAGE


def _floor_contacts_missing(preset) -> str:
    """contacts_missing (reports.register._contacts_missing) as SQL for one preset's stages:
    the attempts a stage requires that are not on the log since it began, once it is due."""
    from riskcases.models import ContactLogEntry

    log = ContactLogEntry._meta.db_table
    whens = []
    for stage in preset.stages:
        terms = []
        for need in stage.contacts:
            types = ", ".join(f"'{t}'" for t in sorted(need.contact_types))
            welfare = " AND e.welfare_check" if need.welfare_check else ""
            terms.append(
                f"GREATEST({need.count} - (SELECT count(*) FROM {log} e WHERE e.learner_id = l.id"
                f" AND e.occurred_at >= c.stage_started_at AND e.contact_type IN ({types})"
                f"{welfare}), 0)"
            )
        if terms:
            whens.append(
                f"WHEN c.policy_version_id = {preset.version_id} AND c.stage = '{stage.key}' "
                f"THEN {' + '.join(terms)}"
            )
    if not whens:
        return "0"
    return (
        "CASE WHEN c.status = 'open' AND c.stage_due_on <= %(today)s THEN CASE "
        + " ".join(whens)
        + " ELSE 0 END ELSE 0 END"
    )


def floor_sql(*, levels: list[str], overdue: bool) -> str:
    """The register's page of rows in one statement (the active preset's stages only: every
    case in this benchmark is under it)."""
    from escalation.models import EscalationCase
    from learners.models import Learner, Team
    from policies.selectors import default_spec
    from riskcases.models import AgreedAction, RiskRating, SupportRecord

    preset = default_spec()
    at_risk = ", ".join(f"'{level}'" for level in sorted(preset.support_plan_prompt_levels))
    contacts = _floor_contacts_missing(preset)
    actions = (
        f"(SELECT count(*) FROM {AgreedAction._meta.db_table} a "
        f"JOIN {SupportRecord._meta.db_table} s ON s.id = a.support_record_id "
        "WHERE s.learner_id = l.id AND a.done_at IS NULL AND a.due_on < %(today)s)"
    )
    past_due = "(c.status = 'open' AND c.stage_due_on < %(today)s)"
    where = [
        "NOT l.archived",
        "l.status IN ('on_programme', 'break_in_learning')",
        f"(c.id IS NOT NULL OR r.level IN ({at_risk}))",
    ]
    if levels:
        where.append("r.level IN (" + ", ".join(f"'{lv}'" for lv in levels) + ")")
    if overdue:
        # Overdue actions as one set (a semi-join), not a count per row.
        with_overdue_actions = (
            f"l.id IN (SELECT s.learner_id FROM {AgreedAction._meta.db_table} a "
            f"JOIN {SupportRecord._meta.db_table} s ON s.id = a.support_record_id "
            "WHERE a.done_at IS NULL AND a.due_on < %(today)s)"
        )
        where.append(f"({past_due} IS TRUE OR {contacts} > 0 OR {with_overdue_actions})")
    return f"""
        SELECT l.id, l.first_name, l.last_name, l.status, r.level, c.id, c.policy_version_id,
               c.stage, c.status, c.stage_due_on, c.stage_started_at, COALESCE({past_due}, false),
               {contacts}, {actions}, u.first_name, u.last_name, u.username, t.name,
               l.programme_type, l.nation, l.start_date
        FROM {Learner._meta.db_table} l
        JOIN auth_user u ON u.id = l.tutor_id
        JOIN {Team._meta.db_table} t ON t.id = l.team_id
        LEFT JOIN {RiskRating._meta.db_table} r ON r.learner_id = l.id AND r.ended_at IS NULL
        LEFT JOIN {EscalationCase._meta.db_table} c
            ON c.learner_id = l.id AND c.status IN ('open', 'stepped_down')
        WHERE {" AND ".join(where)}
        ORDER BY CASE r.level WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2
                 ELSE -1 END DESC, l.last_name, l.first_name, l.id
        LIMIT {PAGE_ROWS}
    """


def floor_view(request):
    from django.db import connection
    from django.http import HttpResponse, HttpResponseForbidden
    from django.utils import timezone

    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    sql = floor_sql(
        levels=request.GET.getlist("rating"), overdue=request.GET.get("overdue") == "on"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"today": timezone.localdate()})
        rows = cursor.fetchall()
    text = "\n".join("\t".join("" if v is None else str(v) for v in row) for row in rows)
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


def _bench_urlconf():
    """The project's URLs plus the floor view."""
    import types

    from django.conf import settings
    from django.urls import include, path

    module = types.ModuleType("bench_register_urls")
    module.urlpatterns = [
        path(FLOOR_PATH, floor_view, name="bench_register_floor"),
        path("", include(settings.ROOT_URLCONF)),
    ]
    return module


def _page_learner_ids(html: str) -> list[int]:
    """The learners listed on a register page, in order (each row's heading links to one)."""
    return [int(pk) for pk in re.findall(r'<th scope="row"><a href="/learners/(\d+)/"', html)]


def _get(client, url: str) -> tuple[float, int, object]:
    def fetch():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        streamed = response.streaming
        body = b"".join(response.streaming_content) if streamed else response.content
        return body.decode("utf-8")

    return timed(fetch)


def measure_register_page(runs: int, director) -> list[Row]:
    """(a) GET /register/ (the first page, and a filtered page) as the director, against the
    floor view reading the same 50 rows with one raw SQL query. Register and floor requests
    alternate, so each run's ratio compares the two under the same machine load."""
    from django.test import Client
    from django.test.utils import override_settings

    if not register_available():
        return []
    pages = [("first page", ""), ("High, overdue only", "rating=high&overdue=on")]
    client = Client()
    client.force_login(director)
    rows = []
    with override_settings(ROOT_URLCONF=_bench_urlconf()):
        for name, query in pages:
            suffix = f"?{query}" if query else ""
            register_url, floor_url = f"/register/{suffix}", f"/{FLOOR_PATH}{suffix}"
            # The floor must read the rows the page shows, in its order.
            page = _page_learner_ids(_get(client, register_url)[2])
            floor = [int(line.split("\t")[0]) for line in _get(client, floor_url)[2].splitlines()]
            assert page and page == floor, f"the floor reads other rows than the {name}"
            register_runs, floor_runs = [], []
            for n in range(runs + 1):  # the first is the warm-up
                register_run, floor_run = _get(client, register_url), _get(client, floor_url)
                if n:
                    register_runs.append(register_run)
                    floor_runs.append(floor_run)
            rows.append(
                Row(
                    f"(a) GET /register/{suffix} ({name})",
                    [s for s, _, _ in register_runs],
                    [q for _, q, _ in register_runs],
                )
            )
            rows.append(
                Row(
                    f"(a) floor: the same {len(floor)} rows, one raw SQL query",
                    [s for s, _, _ in floor_runs],
                    [q for _, q, _ in floor_runs],
                )
            )
            rows.append(
                Row(
                    f"(a) register / floor, {name}",
                    [r[0] / f[0] for r, f in zip(register_runs, floor_runs, strict=True)],
                    [],
                    target=2.0,
                    ratio=True,
                )
            )
            print(
                f"  {rows[-3].label}: median {rows[-3].median:.3f} s, floor "
                f"{rows[-2].median:.3f} s, ratio {rows[-1].median:.2f}x",
                flush=True,
            )
    return rows


def measure_register_export(runs: int, director) -> list[Row]:
    """(c) GET /register/export/csv/ (every register row the director sees), the streamed
    body read to the end."""
    from django.test import Client

    if not register_available():
        return []
    client = Client()
    client.force_login(director)
    url = "/register/export/csv/"
    results = [_get(client, url) for _ in range(runs + 1)][1:]
    body = results[-1][2]
    header_at = body.splitlines().index(next(line for line in body.splitlines() if not line)) + 2
    learners = len(body.splitlines()) - header_at
    row = Row(
        f"(c) GET {url} ({learners:,} learners, {len(body) / 1_048_576:.1f} MB)",
        [s for s, _, _ in results],
        [q for _, q, _ in results],
        target=3.0,
    )
    print(f"  {row.label}: median {row.median:.2f} s", flush=True)
    return [row]


# --- the report --------------------------------------------------------------------------------


def _row_counts() -> dict[str, int]:
    from escalation.models import EscalationCase, RiskNotification, StageChange
    from learners.models import (
        Learner,
        ProgressEvent,
        ProgressSnapshot,
        ScheduledSession,
        Submission,
        Visit,
    )
    from riskcases.models import AgreedAction, ContactLogEntry, RiskRating, SupportRecord

    models = [
        Learner,
        RiskRating,
        EscalationCase,
        StageChange,
        RiskNotification,
        ScheduledSession,
        Submission,
        ProgressSnapshot,
        ProgressEvent,
        Visit,
        ContactLogEntry,
        SupportRecord,
        AgreedAction,
    ]
    return {m._meta.verbose_name_plural: m.objects.count() for m in models}


def _fmt(row: Row, value: float) -> str:
    return f"{value:.2f}x" if row.ratio else f"{value:.2f} s"


def write_report(
    rows: list[Row],
    seeded: Seeded,
    runs: int,
    before: dict,
    pending: list[str],
    load: tuple,
    *,
    write: bool,
) -> None:
    from django.db import connection

    from escalation.models import CaseStatus, EscalationCase

    with connection.cursor() as cursor:
        cursor.execute("select version()")
        pg_version = cursor.fetchone()[0].split(" on ")[0]
    active = EscalationCase.objects.filter(status__in=(CaseStatus.OPEN, CaseStatus.STEPPED_DOWN))
    lines = [
        "# Register benchmark",
        "",
        f"`python bench/register_benchmark.py` on {dt.date.today():%d %b %Y}: "
        f"{LEARNERS:,} learners in {len(TEAMS)} teams (England and Wales), "
        f"{len(TEAMS) * TUTORS_PER_TEAM} tutors, {len(MANAGED)} managers, one director; "
        f"{CASES:,} active cases ({HIGH:,} High and {CASES - HIGH:,} Medium learners). "
        f"Seeded with bulk_create in {seeded.seconds:.0f} s. Each measurement: one warm-up, then "
        f"{runs} runs; pass or fail on the median.",
        "",
        f"Python {platform.python_version()}, {pg_version} on 127.0.0.1, "
        f"{platform.machine()} with {os.cpu_count()} CPUs. Django settings config.test_settings, "
        "CACHE_URL=locmemcache://, Celery broker memory:// (e-mails queued, not sent). "
        f"Load average (1 min) {load[0][0]:.2f} at the start, {load[1][0]:.2f} at the end: other "
        "work on the machine slows every number here.",
        "",
        "| measurement | runs | best | median | queries | target | result |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        target = (
            ""
            if row.target is None
            else (f"≤ {row.target:g}x" if row.ratio else f"≤ {row.target:g} s")
        )
        queries = "" if not row.queries else str(int(statistics.median(row.queries)))
        lines.append(
            f"| {row.label} | {len(row.seconds)} | {_fmt(row, row.best)} | "
            f"{_fmt(row, row.median)} | {queries} | {target} | {row.verdict} |"
        )
    for label in pending:
        lines.append(f"| {label} | | | | | | not measured yet |")
    notes = [row for row in rows if row.note]
    if notes:
        lines += ["", "What the last run of each sweep did (per-item costs from the median):", ""]
        lines += [f"- {row.label}: {row.note}." for row in notes]
    lines += [
        "",
        "## Where the time goes",
        "",
        "The nothing-new run is set-based: sweep_triggers evaluates every rule for every learner "
        "in about 20 queries whatever their number, and the other two sweeps read their "
        "candidates in one query each (sweep_overdue_cases then re-checks, under its lock, the "
        "overdue cases with a success recorded, which it leaves where they are).",
        "",
        "The first run's time grows with the work it finds. Everything is done a batch per "
        "transaction (200 cases advanced or reminded, 100 triggers fired or removals proposed) "
        "under the batch's row locks (so two sweeps at once never do anything twice), with "
        "set-based reads and bulk writes: the cases a batch of triggers opens or joins (and the "
        "advances to a rule's stage), history rows, in-app notifications, one e-mail row per "
        "recipient, and one send task per 50 e-mails published after commit. What is left is "
        "mostly those rows themselves (about six per case advanced: its history row, two or "
        "three notifications and as many e-mails, a Notification of Withdrawal at stage 3) and "
        "the audit trail's triggers recording each changed row. The seeded deadlines (up to 10 "
        "days past) are a backlog of several mornings, as after beat has been down for a week "
        "and a half; the ordinary morning is what beat meets every day: the last working day's "
        "sweeps have run, so it finds one working day's deadlines (about 700 cases to advance "
        "here), the triggers since and the reminders for tomorrow.",
        "",
        "The register page reads the register once (a common table expression) for both its "
        "page of rows (a top-N sort, as the floor's ORDER BY ... LIMIT) and its counts by "
        "rating and stage (one GROUP BY), then the 50 rows' columns by id, a handful of small "
        "queries (session, roles, the notification bell, the team and tutor filter choices) and "
        "the template; the floor runs one query and renders nothing.",
        "",
        "## The data",
        "",
        f"Triggers holding when seeded: {seeded.holding:,}; {seeded.prefired:,} of them were "
        "stored as already fired by earlier sweeps (the steady state), so the first sweep fires "
        f"the rest: {FRESH_LOW_LEARNERS} Low learners who just missed three sessions in a row "
        f"(new cases) and {FRESH_CASE_FIRINGS} new triggers on learners with a case. Triggers "
        f"holding on learners the seeding did not mean to put at risk: {seeded.leaks}. Cases back "
        f"on track (28 days at or above plan, no trigger): {seeded.back_on_track}, of which "
        f"{seeded.proposed} were proposed for removal on earlier mornings.",
        "",
        "Cases: every stage of the active preset; about 10% stepped down under a support "
        "contract; dated stages began in the last 17 days, so their deadlines run from about 10 "
        "days ago to a week ahead; about 10% of the overdue ones have a commitment agreed since "
        "the stage began (the sweep leaves those, and looks at them again every run). Each "
        "case has its opening StageChange (and its step-down); stage 3 cases their pending "
        "Notification of Withdrawal.",
        "",
        "| rows | after seeding | after the runs |",
        "|---|---:|---:|",
        *(
            f"| {name} | {count:,} | {after:,} |"
            for (name, count), after in zip(before.items(), _row_counts().values(), strict=True)
        ),
        f"| active cases | {CASES:,} | {active.count():,} |",
        "",
    ]
    text = "\n".join(lines)
    print("\n" + text)
    if write:
        RESULTS.write_text(text, encoding="utf-8")
        print(f"Written to {RESULTS.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs after the warm-up")
    parser.add_argument(
        "--reuse-seed",
        action="store_true",
        help=f"copy the seeded template ({TEMPLATE_NAME}) instead of seeding, if it exists",
    )
    parser.add_argument(
        "--only",
        default="abc",
        help="which measurements: a (register page), b (sweeps), c (CSV export); the results "
        "file is written only when all three run",
    )
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        help="run as if it were this day (YYYY-MM-DD, from 09:00, the clock ticking): a working "
        "day's figures are comparable with another working day's, not with a weekend's",
    )
    args = parser.parse_args()
    if args.today:
        import time_machine

        start = dt.datetime.combine(args.today, dt.time(9), tzinfo=dt.UTC)
        time_machine.travel(start, tick=True).start()
    load_before = os.getloadavg()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    if args.reuse_seed and database_exists(TEMPLATE_NAME):
        print(f"Re-using the seeded database {TEMPLATE_NAME}")
        restore_seeded_copy()
        seeded = seeded_facts()
        call_command("migrate", verbosity=0)  # migrations merged since it was seeded
        keep_seeded_copy(seeded)
    else:
        recreate_database()
        print("Migrating...", flush=True)
        call_command("migrate", verbosity=0)
        print("Seeding...", flush=True)
        seeded = seed()
        print(f"Seeded in {seeded.seconds:.1f} s", flush=True)
        keep_seeded_copy(seeded)
    before = _row_counts()
    rows: list[Row] = []
    pending: list[str] = []

    def director():
        return get_user_model().objects.get(username="bench.director")

    # (a) and (c) only read: they run on the seeded data, before the sweeps change it.
    if "a" in args.only:
        print("Register page...", flush=True)
        page_rows = measure_register_page(args.runs, director())
        rows += page_rows
        if not page_rows:
            pending.append("(a) register page vs bare Django floor: the register is not merged")
    if "c" in args.only:
        print("CSV export...", flush=True)
        export_rows = measure_register_export(args.runs, director())
        rows += export_rows
        if not export_rows:
            pending.append("(c) CSV export of ~10,000 rows: the register is not merged")
    if "b" in args.only:
        print("Sweeps...", flush=True)
        rows += measure_sweeps(args.runs)
    load = (load_before, os.getloadavg())
    write_report(rows, seeded, args.runs, before, pending, load, write=args.only == "abc")


if __name__ == "__main__":
    main()
