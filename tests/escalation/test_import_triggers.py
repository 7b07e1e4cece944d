"""An applied import evaluates the risk triggers of the learners it touched, after it commits
(rule: new records evaluate their learner at once)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from config.celery import app as celery_app
from demo.factories import ProgressEventFactory
from escalation.models import RiskNotification
from escalation.record_imports import records_import_apply, records_import_preview


@pytest.fixture
def eager_celery():
    # The task runs in-process instead of on a worker; what it does is the real task.
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def attendance(learner, today: dt.date) -> SimpleUploadedFile:
    rows = [
        f"{learner.uln},{(today - dt.timedelta(days=d)).isoformat()},Week {d},missed"
        for d in (7, 4, 1)
    ]
    content = "\r\n".join(["uln,date,session,attendance", *rows]) + "\r\n"
    return SimpleUploadedFile("attendance.csv", content.encode())


def test_it_fires_triggers_for_imported_records_once_the_import_commits(
    manager, learner, eager_celery, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    ProgressEventFactory(learner=learner, occurred_on=today - dt.timedelta(days=2))
    batch = records_import_preview(
        kind="attendance", uploaded_file=attendance(learner, today), by=manager
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        records_import_apply(batch=batch, by=manager)
    assert not RiskNotification.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    note = RiskNotification.objects.get(learner=learner, rule_key="missed_sessions")
    assert "Week 1" in note.evidence


def test_it_enqueues_nothing_when_the_import_changes_nothing(
    manager, learner, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=False) as first:
        records_import_apply(
            batch=records_import_preview(
                kind="attendance", uploaded_file=attendance(learner, today), by=manager
            ),
            by=manager,
        )
    with django_capture_on_commit_callbacks(execute=False) as second:
        records_import_apply(
            batch=records_import_preview(
                kind="attendance", uploaded_file=attendance(learner, today), by=manager
            ),
            by=manager,
        )
    assert (len(first), len(second)) == (1, 0)
