"""No active learning in a calendar month: on programme for the whole of last month, on no
break in it (a break pauses the funding rule), and no activity recorded in it. Fires once per
month."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from escalation.triggers.base import Firing
from escalation.triggers.queries import ACTIVITY, break_overlapping
from learners.models import LearnerStatus
from policies.spec import TriggerRule
from policies.trigger_kinds import NO_ACTIVE_LEARNING_MONTH

KIND = NO_ACTIVE_LEARNING_MONTH


def holding(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    first = last_month_end.replace(day=1)
    active = Q()
    for model, conditions in ACTIVITY.values():
        rows = model.objects.filter(
            learner_id=OuterRef("pk"), occurred_on__range=(first, last_month_end), **conditions
        )
        active |= Exists(rows)
    # On programme for the whole month and on no break in it (a break pauses the funding rule).
    idle = (
        scope.filter(start_date__lte=first, status=LearnerStatus.ON_PROGRAMME)
        .exclude(active)
        .exclude(break_overlapping(first, last_month_end))
    )
    return [
        Firing(
            learner_id=learner_id,
            rule=rule,
            fingerprint=f"month:{first:%Y-%m}",
            evidence=f"No active learning recorded in {first:%B %Y}.",
        )
        for learner_id in idle.values_list("pk", flat=True)
    ]
