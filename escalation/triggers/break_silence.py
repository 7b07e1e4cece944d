"""Silence on a break: on an open break in learning with no response from the learner for
``months`` months (since the break began or the last reply). Fires once per silence."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db.models import QuerySet

from escalation.triggers.base import Firing, day
from escalation.triggers.queries import last_reply, open_breaks
from policies.spec import TriggerRule
from policies.trigger_kinds import BREAK_SILENCE

KIND = BREAK_SILENCE


def holding(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    limit = today - relativedelta(months=rule.months)
    breaks = open_breaks(scope, today).annotate(last_reply=last_reply(today, learner="learner_id"))
    firings = []
    for pause in breaks:
        since = max(d for d in (pause.occurred_on, pause.last_reply) if d)
        if since > limit:
            continue
        firings.append(
            Firing(
                learner_id=pause.learner_id,
                rule=rule,
                fingerprint=f"break:{pause.pk}:since:{since.isoformat()}",
                evidence=f"On a break in learning since {day(pause.occurred_on)}; no response "
                f"since {day(since)}.",
            )
        )
    return firings
