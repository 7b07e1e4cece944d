"""Cancelled visits: at least ``count`` visits cancelled in the last ``days`` days (today
included). Fires again when a further cancellation falls in the window."""

import datetime as dt

from django.db.models import QuerySet

from escalation.triggers.base import Firing
from escalation.triggers.queries import counted, records_of
from learners.models import Visit
from learners.models.records import VISIT_CANCELLATIONS
from policies.spec import TriggerRule
from policies.trigger_kinds import CANCELLED_VISITS

KIND = CANCELLED_VISITS


def holding(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    window_start = today - dt.timedelta(days=rule.days - 1)  # the last N days, today included
    records = records_of(Visit, scope, today).filter(
        outcome__in=VISIT_CANCELLATIONS, occurred_on__gte=window_start
    )
    return counted(
        records,
        at_least=rule.count,
        rule=rule,
        what=f"visits cancelled in the last {rule.days} days",
    )
