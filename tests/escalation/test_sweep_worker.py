"""The overdue sweep through a real Celery worker, with Redis as broker and result store."""

import datetime as dt

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone

from config.celery import app
from demo.factories import LearnerFactory, open_case
from escalation.models import EscalationCase
from escalation.services import case_advance
from escalation.tasks import sweep_overdue_cases

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_real_worker_on_redis_advances_an_overdue_case(tutor, team):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    case = case_advance(
        case=open_case(LearnerFactory(tutor=tutor, team=team)), by=tutor, reason="no contact"
    )
    # Its Stage 1 deadline passed yesterday (case rows are current state, not history).
    EscalationCase.objects.filter(pk=case.pk).update(
        stage_due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        result = sweep_overdue_cases.delay().get(timeout=60)
    assert result["advanced"] == [case.pk]
    case.refresh_from_db()
    assert case.stage == "stage_2"
    assert case.changes.last().by_sweep
