"""Register fixtures: the frozen Monday for every test here, and learners put at risk through
the services."""

import datetime as dt

import pytest
from django.utils import timezone

from demo.factories import LearnerFactory, TutorFactory, open_case
from escalation.models import EscalationCase
from riskcases.services import rating_change
from tests.conftest import MONDAY  # noqa: F401 (the register tests import it from here)


@pytest.fixture(autouse=True)
def _monday(monday):
    """Every register test runs on the frozen Monday (tests/conftest.py)."""


def at_risk(learner, *, level: str = "high", stage: str | None = "stage_1", **case_fields):
    """Rate the learner and (unless stage is None) open their case at ``stage``; extra keyword
    arguments set case columns directly (a stage that began days ago, a deadline passed)."""
    if level != "low":  # every learner starts Low
        rating_change(learner=learner, level=level, reason="At risk", set_by=learner.tutor)
    if stage is None:
        return None
    case = open_case(learner, stage=stage)
    if case_fields:
        EscalationCase.objects.filter(pk=case.pk).update(**case_fields)
        case.refresh_from_db()
    return case


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@pytest.fixture
def south(db, other_team):
    """Another team with its own tutor and an at-risk learner a North manager must never see."""
    tutor = TutorFactory(username="south.tutor", first_name="Sam", last_name="South")
    learner = LearnerFactory(tutor=tutor, team=other_team, first_name="Stella", last_name="Hidden")
    at_risk(learner, level="high")
    return learner
