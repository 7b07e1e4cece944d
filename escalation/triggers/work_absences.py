"""Absences at work: more than ``count`` unexplained absences recorded. Fires again when a
further absence is recorded (the fingerprint is the latest one's date)."""

import datetime as dt

from django.db.models import QuerySet

from escalation.triggers.base import Firing
from escalation.triggers.queries import counted, records_of
from learners.models import WorkAbsence
from policies.spec import TriggerRule
from policies.trigger_kinds import WORK_ABSENCES

KIND = WORK_ABSENCES


def holding(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    records = records_of(WorkAbsence, scope, today).filter(explained=False)
    return counted(records, at_least=rule.count + 1, rule=rule, what="unexplained absences")
