"""Two beat processes at once (a second scheduler started by mistake, or a failover): every job
in CELERY_BEAT_SCHEDULE is run twice concurrently, each run with its own database connection,
and nothing is done twice: no duplicate stage changes, risk notifications, notifications,
e-mails, reports or digests. A third run afterwards finds nothing left to do."""

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.conf import settings

from config.celery import app
from demo.factories import (
    EmploymentChangeFactory,
    LearnerFactory,
    ManagerFactory,
    ProgressEventFactory,
    SubmissionFactory,
    UserFactory,
    open_case,
)
from escalation.models import EscalationCase, RiskNotification, StageChange
from learners.models import EmploymentChangeKind, LearnerStatus
from notifications.models import EmailDelivery, EmailMode, Notification, NotificationPreference
from notifications.services import notification_send
from reports.models import LeaverReport
from tests.concurrency import run_at_once
from tests.policy_helpers import team_follows
from tests.reports.leaver_steps import build_known_cycle
from withdrawals.models import WithdrawalRequest

pytestmark = pytest.mark.django_db(transaction=True)

MONDAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # Stage 1 started: due Mon 30 Nov
FRIDAY = dt.datetime(2026, 11, 27, 7, 0, tzinfo=dt.UTC)  # the working day before
TUESDAY = dt.datetime(2026, 12, 1, 6, 30, tzinfo=dt.UTC)  # Stage 1 overdue


def counts() -> dict[str, int]:
    """Everything a beat job writes, counted."""
    return {
        "stage changes": StageChange.objects.count(),
        "cases": EscalationCase.objects.count(),
        "risk notifications": RiskNotification.objects.count(),
        "withdrawal requests": WithdrawalRequest.objects.count(),
        "notifications": Notification.objects.count(),
        "e-mails": EmailDelivery.objects.count(),
        "reports": LeaverReport.objects.count(),
    }


def _cases_at_stage_1(tutor, team, n: int) -> list[EscalationCase]:
    with time_machine.travel(MONDAY, tick=False):
        return [
            open_case(LearnerFactory(tutor=tutor, team=team), stage="stage_1") for _ in range(n)
        ]


# Each scenario arranges the data on the real services and returns when to run the job and
# how many rows of each kind one run writes (the counts before plus the job's own).
Scenario = Callable[..., tuple[dt.datetime, dict[str, int]]]


def triggers(tutor, team, manager) -> tuple[dt.datetime, dict[str, int]]:
    today = MONDAY.date()
    for _ in range(3):
        learner = LearnerFactory(tutor=tutor, team=team)
        ProgressEventFactory(learner=learner, occurred_on=today - dt.timedelta(days=1))
        for day in (today - dt.timedelta(days=40), today - dt.timedelta(days=1)):
            SubmissionFactory(learner=learner, occurred_on=day)
        EmploymentChangeFactory(learner=learner, occurred_on=today, kind=EmploymentChangeKind.LEFT)
    return MONDAY, {"risk notifications": 3, "cases": 3}


def overdue(tutor, team, manager) -> tuple[dt.datetime, dict[str, int]]:
    _cases_at_stage_1(tutor, team, 3)
    before = counts()
    # Each case moves once; its tutor and manager are told, and e-mailed, once.
    return TUESDAY, {
        "stage changes": before["stage changes"] + 3,
        "notifications": before["notifications"] + 6,
        "e-mails": before["e-mails"] + 6,
    }


def reminders(tutor, team, manager) -> tuple[dt.datetime, dict[str, int]]:
    _cases_at_stage_1(tutor, team, 2)  # due Monday: reminded on Friday
    with time_machine.travel(MONDAY, tick=False):
        waiting = open_case(LearnerFactory(tutor=tutor, team=team))  # first risk: a person moves
    EscalationCase.objects.filter(pk=waiting.pk).update(stage_due_on=MONDAY.date())
    before = counts()
    # Two reminders to the tutor and the manager; the overdue notice to the tutor, who acts.
    return FRIDAY, {
        "stage changes": before["stage changes"],
        "notifications": before["notifications"] + 5,
        "e-mails": before["e-mails"] + 5,
    }


def manager_digests(tutor, team, manager) -> tuple[dt.datetime, dict[str, int]]:
    _cases_at_stage_1(tutor, team, 2)
    other = ManagerFactory(username="second.manager", email="second@provider.example")
    team.managers.add(other)
    before = counts()
    return TUESDAY, {"e-mails": before["e-mails"] + 2}  # one each


def digests(tutor, team, manager) -> tuple[dt.datetime, dict[str, int]]:
    for name in ("dora", "dan"):
        user = UserFactory(username=name, email=f"{name}@provider.example")
        NotificationPreference.objects.create(user=user, email_mode=EmailMode.DIGEST)
        with time_machine.travel(TUESDAY - dt.timedelta(hours=5), tick=False):
            notification_send(
                recipients=[user], kind="stage_change", title="News", dedupe_key=f"news:{name}"
            )
    before = counts()
    return TUESDAY, {"e-mails": before["e-mails"] + 2}


def leaver_report(tutor, team, manager) -> tuple[dt.datetime, dict[str, int]]:
    build_known_cycle()
    panel = [UserFactory(username=f"panel.{n}", roles=["leaver panel"]) for n in range(2)]
    before = counts()
    return MONDAY, {"reports": 1, "notifications": before["notifications"] + len(panel)}


def retention(tutor, team, manager) -> tuple[dt.datetime, dict[str, int]]:
    # Withdrawn now; the job runs seven years on, past the six-year retention period.
    LearnerFactory(tutor=tutor, team=team, status=LearnerStatus.WITHDRAWN)
    for n in range(2):
        UserFactory(username=f"safeguarding.{n}", roles=["safeguarding"])
    before = counts()
    return dt.datetime(2033, 11, 21, 4, 0, tzinfo=dt.UTC), {
        "notifications": before["notifications"] + 2  # one each, not two
    }


def rating_reviews_and_tasks(tutor, team, manager) -> tuple[dt.datetime, dict[str, int]]:
    team_follows(team, "mtt")
    started = MONDAY.date() - dt.timedelta(days=50)
    for _ in range(2):  # past MTT's 6 weeks with no rating review: the tutor is flagged
        LearnerFactory(tutor=tutor, team=team, start_date=started)
    with time_machine.travel(MONDAY - dt.timedelta(days=14), tick=False):
        open_case(LearnerFactory(tutor=tutor, team=team, start_date=started))  # its 10-day task
    before = counts()
    # Three flags (the case's learner has no rating review either) and one overdue task, each
    # told to the tutor once.
    return MONDAY, {
        "notifications": before["notifications"] + 4,
        "e-mails": before["e-mails"] + 4,
    }


SCENARIOS: dict[str, Scenario] = {
    "escalation.tasks.sweep_rating_reviews_and_tasks": rating_reviews_and_tasks,
    "escalation.tasks.sweep_triggers": triggers,
    "escalation.tasks.sweep_overdue_cases": overdue,
    "escalation.tasks.sweep_stage_reminders": reminders,
    "escalation.tasks.send_manager_digests": manager_digests,
    "notifications.tasks.send_digests": digests,
    "reports.tasks.schedule_leaver_reports": leaver_report,
    "dataprotection.tasks.retention_review": retention,
}


@pytest.fixture
def manager(team):
    user = ManagerFactory(username="team.manager", email="manager@provider.example")
    team.managers.add(user)
    return user


@pytest.mark.parametrize("job", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_rule_a_beat_job_run_twice_at_once_does_its_work_once(job, tutor, team, manager):
    task_name = settings.CELERY_BEAT_SCHEDULE[job]["task"]
    assert task_name in SCENARIOS, f"beat job {job!r} has no run-twice scenario here"
    at, expected = SCENARIOS[task_name](tutor, team, manager)
    app.loader.import_default_modules()
    task = app.tasks[task_name]
    with time_machine.travel(at, tick=False):
        run_at_once(task)
        once = counts()
        assert {kind: once[kind] for kind in expected} == expected
        task()  # a third run: nothing left to do
    assert counts() == once
