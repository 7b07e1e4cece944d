"""Step 3b of seed_demo: ten weeks of attendance, homework and progress for every learner on
programme, shaped by their rating (High-rated learners miss sessions and fall behind), a few
fresh warning signs on Low-rated learners, breaks in learning for learners on a break; then the
trigger sweep runs as beat would, and some of the risk notifications are already decided.

Learners who already have records are left alone, and the sweep fires each trigger once, so a
rerun adds nothing."""

import datetime as dt
import random

from django.db.models import Exists, OuterRef

from escalation.models import RiskNotification
from escalation.triggers.evaluate import triggers_evaluate
from escalation.triggers.firing import risk_notification_decide
from learners.models import (
    Attendance,
    BreakInLearning,
    EmploymentChange,
    Learner,
    LearnerStatus,
    ProgressEvent,
    ProgressEventKind,
    ProgressSnapshot,
    RecordSource,
    ScheduledSession,
    Submission,
    SubmissionOutcome,
    Visit,
    VisitOutcome,
    WorkAbsence,
)
from riskcases.models import RiskRating

WEEKS = 10
UNITS = ["Health and safety", "Communication", "Teamwork", "Problem solving", "Data handling"]


def _weekly_days(start: dt.date, today: dt.date) -> list[dt.date]:
    first = max(start, today - dt.timedelta(weeks=WEEKS))
    days, day = [], first + dt.timedelta(days=(1 - first.weekday()) % 7)  # Tuesdays
    while day <= today:
        days.append(day)
        day += dt.timedelta(weeks=1)
    return days


def _activity(learner: Learner, level: str, today: dt.date, rng: random.Random) -> list:
    rows: list = []
    base = {"learner": learner, "source": RecordSource.IMPORT}
    days = _weekly_days(learner.start_date, today)
    # High: the last three sessions missed; Medium: the odd miss; a few Low learners show a
    # fresh warning sign for the triggers to pick up (two misses, then the third).
    misses_at_end = {"high": 3, "medium": rng.choice([0, 1, 2])}.get(level, 0)
    if level == "low" and rng.random() < 0.08:
        misses_at_end = 3
    behind = level == "high" or (level == "medium" and rng.random() < 0.4)
    for n, day in enumerate(days):
        missed = n >= len(days) - misses_at_end
        attendance = Attendance.MISSED if missed else Attendance.ATTENDED
        if not missed and rng.random() < 0.07:
            attendance = Attendance.MISSED_CALLED_IN
        rows.append(
            ScheduledSession(occurred_on=day, title="Weekly session", attendance=attendance, **base)
        )
        rows.append(
            Submission(
                occurred_on=day + dt.timedelta(days=2),
                title=f"Week {n + 1} task",
                outcome=SubmissionOutcome.MISSED if missed else SubmissionOutcome.SUBMITTED,
                **base,
            )
        )
        if n % 3 == 0 and not missed:
            rows.append(
                ProgressEvent(
                    occurred_on=day,
                    kind=ProgressEventKind.UNIT_COMPLETED,
                    description=f"{UNITS[(n // 3) % len(UNITS)]} unit signed off",
                    **base,
                )
            )
        if n % 4 == 0:
            planned = min(100, 10 + n * 6)
            actual = max(0, planned - (rng.randint(30, 40) if behind else rng.randint(-5, 8)))
            rows.append(
                ProgressSnapshot(
                    occurred_on=day,
                    actual_percent=min(actual, 100),
                    planned_percent=planned,
                    **base,
                )
            )
    if learner.employer_id and level in ("medium", "high") and rng.random() < 0.3:
        for weeks_ago in (3, 1):
            rows.append(
                Visit(
                    occurred_on=today - dt.timedelta(weeks=weeks_ago),
                    outcome=VisitOutcome.CANCELLED_BY_EMPLOYER,
                    **base,
                )
            )
    if learner.employer_id and rng.random() < 0.05:
        rows += [
            WorkAbsence(occurred_on=today - dt.timedelta(days=d), explained=False, **base)
            for d in (30, 16, 4)
        ]
    if learner.employer_id and level == "high" and rng.random() < 0.2:
        rows.append(
            EmploymentChange(
                occurred_on=today - dt.timedelta(days=rng.randint(2, 45)),
                kind="left",
                employer_name=learner.employer.name,
                **base,
            )
        )
    return rows


def _break(learner: Learner, today: dt.date, rng: random.Random) -> BreakInLearning:
    return BreakInLearning(
        learner=learner,
        source=RecordSource.IMPORT,
        occurred_on=today - dt.timedelta(days=rng.randint(40, 130)),
        expected_return_on=learner.expected_return_date,
        reason=rng.choice(["Caring responsibilities", "Health", "Change of job role"]),
    )


def seed_activity(*, today: dt.date) -> int:
    has_records = Exists(ScheduledSession.objects.filter(learner=OuterRef("pk"))) | Exists(
        BreakInLearning.objects.filter(learner=OuterRef("pk"))
    )
    learners = (
        Learner.objects.filter(
            archived=False, status__in=[LearnerStatus.ON_PROGRAMME, LearnerStatus.BREAK_IN_LEARNING]
        )
        .exclude(has_records)
        .select_related("employer")
        .order_by("uln")
    )
    levels = dict(
        RiskRating.objects.filter(ended_at__isnull=True).values_list("learner_id", "level")
    )
    by_model: dict[type, list] = {}
    count = 0
    for learner in learners:
        rng = random.Random(int(learner.uln) + 11)
        rows = _activity(learner, levels.get(learner.pk, "low"), today, rng)
        if learner.status == LearnerStatus.BREAK_IN_LEARNING:
            rows = [r for r in rows if r.occurred_on < today - dt.timedelta(days=40)]
            rows.append(_break(learner, today, rng))
        for row in rows:
            by_model.setdefault(type(row), []).append(row)
        count += 1
    for model, rows in by_model.items():
        model.objects.bulk_create(rows, ignore_conflicts=True)
    return count


def decide_some(*, fired: list[int], rng: random.Random) -> int:
    """About a third of the new risk notifications already decided, as a week's work leaves."""
    decided = 0
    notes = RiskNotification.objects.filter(pk__in=fired, status="pending")
    for note in notes.select_related("learner__tutor").order_by("pk"):
        if rng.random() < 0.35:
            risk_notification_decide(notification=note, by=note.learner.tutor, accept=True)
            decided += 1
    return decided


def seed(*, stdout, today: dt.date) -> None:
    learners = seed_activity(today=today)
    result = triggers_evaluate(today=today)
    decided = decide_some(fired=result["fired"], rng=random.Random(2026))
    stdout.write(
        f"activity: records for {learners} learners; triggers fired "
        f"{len(result['fired'])} risk notifications ({decided} decided), "
        f"{len(result['proposed_removal'])} cases proposed for removal"
    )
