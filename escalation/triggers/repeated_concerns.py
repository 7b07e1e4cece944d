"""Repeated issues (BPN section 7, Red: "repeated Amber issues"): at least ``count`` risk
notifications of the concern kinds (every kind but this one and expectations_met) fired in the
last ``days`` days, today included. Fires again when a further one falls in the window."""

import datetime as dt
from collections import defaultdict

from django.db.models import QuerySet

from escalation.models import RiskNotification
from escalation.triggers.base import Firing, day
from policies.spec import TriggerRule
from policies.trigger_kinds import NOT_CONCERNS, REPEATED_CONCERNS

KIND = REPEATED_CONCERNS


def holding(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    window_start = today - dt.timedelta(days=rule.days - 1)
    notes = (
        RiskNotification.objects.filter(
            learner__in=scope.values("pk"), fired_on__gte=window_start, fired_on__lte=today
        )
        .exclude(rule_key__in=NOT_CONCERNS)
        .order_by("fired_on", "pk")
        .values_list("learner_id", "pk", "fired_on", "rule_name")
    )
    by_learner = defaultdict(list)
    for learner_id, pk, fired_on, name in notes:
        by_learner[learner_id].append((pk, fired_on, name))
    return [
        Firing(
            learner_id=learner_id,
            rule=rule,
            fingerprint=f"upto:{max(pk for pk, _, _ in rows)}",
            evidence=f"{len(rows)} in the last {rule.days} days: "
            + "; ".join(f"{name} ({day(fired_on)})" for _, fired_on, name in rows)
            + ".",
        )
        for learner_id, rows in by_learner.items()
        if len(rows) >= rule.count
    ]
