"""Inactivity: ``days`` days with no recorded activity (progress, a session attended, homework
handed in, a visit held) and no reply from the learner, since the start or the return from a
break. The clock stops during a break. Fires once per silence."""

import datetime as dt

from django.db.models import QuerySet

from escalation.triggers.base import Firing, day
from escalation.triggers.queries import ACTIVITY, last_reply, latest, not_on_break
from policies.spec import TriggerRule
from policies.trigger_kinds import INACTIVITY

KIND = INACTIVITY


def holding(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    annotations = {f"last_{name}": latest(m, today, **c) for name, (m, c) in ACTIVITY.items()}
    annotations["last_reply"] = last_reply(today)
    firings = []
    learners = not_on_break(scope, today).annotate(**annotations).only("pk", "start_date")
    for learner in learners:
        dates = [getattr(learner, key) for key in [*annotations, "last_return"]]
        since = max([d for d in dates if d] or [learner.start_date])
        if since > today or (today - since).days < rule.days:
            continue
        firings.append(
            Firing(
                learner_id=learner.pk,
                rule=rule,
                fingerprint=f"since:{since.isoformat()}",
                evidence=f"No recorded activity or reply since {day(since)} "
                f"({(today - since).days} days).",
            )
        )
    return firings
