"""Missed sessions: the learner's latest ``count`` scheduled sessions were all missed without
calling in. Sessions we cancelled neither count nor break a run; calling in breaks it. Fires
once per run after the last session attended."""

import datetime as dt

from django.db.models import Q, QuerySet

from escalation.triggers.base import Firing, day
from escalation.triggers.queries import latest_runs, records_of, run_firings
from learners.models import Attendance, ScheduledSession
from policies.spec import TriggerRule
from policies.trigger_kinds import MISSED_SESSIONS

KIND = MISSED_SESSIONS


def holding(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    records = records_of(ScheduledSession, scope, today).exclude(attendance=Attendance.CANCELLED)
    runs = latest_runs(records=records, bad=Q(attendance=Attendance.MISSED), count=rule.count)
    return run_firings(rule, runs, lambda s: f"{s.title} on {day(s.occurred_on)} missed")
