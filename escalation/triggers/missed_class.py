"""A missed classroom session (BPN section 7, an Amber trigger): the learner's latest session
was missed without calling in (sessions we cancelled do not count). Fires once per session."""

import datetime as dt

from django.db.models import Q, QuerySet

from escalation.triggers.base import Firing, day
from escalation.triggers.queries import latest_runs, records_of
from learners.models import Attendance, ScheduledSession
from policies.spec import TriggerRule
from policies.trigger_kinds import MISSED_CLASS

KIND = MISSED_CLASS


def holding(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    sessions = records_of(ScheduledSession, scope, today).exclude(attendance=Attendance.CANCELLED)
    runs = latest_runs(records=sessions, bad=Q(attendance=Attendance.MISSED), count=1)
    return [
        Firing(
            learner_id=learner_id,
            rule=rule,
            fingerprint=f"session:{session.pk}",
            evidence=f"{session.title} on {day(session.occurred_on)} missed without calling in.",
        )
        for learner_id, ([session], _) in runs.items()
    ]
