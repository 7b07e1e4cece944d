"""Inactivity: ``days`` days with no recorded activity (progress, a session attended, homework
handed in, a visit held) and no reply from the learner, since the start or the return from a
break. The clock stops during a break. Fires once per silence.

A kind for versions that name inactivity as one trigger among others. A version whose ladder
the inactivity clock drives (its drivers.inactivity_days) uses escalation/sweeps/inactivity.py
instead, which counts the same activity (queries.last_activity) in working days."""

import datetime as dt

from django.db.models import QuerySet

from escalation.triggers.base import Firing, day
from escalation.triggers.queries import last_activity, not_on_break
from policies.spec import TriggerRule
from policies.trigger_kinds import INACTIVITY

KIND = INACTIVITY


def holding(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    firings = []
    learners = not_on_break(scope, today).annotate(last=last_activity(today))
    for learner_id, last, returned in learners.values_list("pk", "last", "last_return"):
        since = max(d for d in (last, returned) if d)
        if since > today or (today - since).days < rule.days:
            continue
        firings.append(
            Firing(
                learner_id=learner_id,
                rule=rule,
                fingerprint=f"since:{since.isoformat()}",
                evidence=f"No recorded activity or reply since {day(since)} "
                f"({(today - since).days} days).",
            )
        )
    return firings
