"""Behind planned progression: the learner's latest progress snapshot is ``percent`` points or
more behind plan; ``percent`` 0 is behind by any amount ("fallen behind their timeline of
progression ... regardless of the reason"). Fires once per run after the last snapshot on plan."""

import datetime as dt

from django.db.models import F, Q, QuerySet

from escalation.triggers.base import Firing, day
from escalation.triggers.queries import latest_runs, records_of, run_firings
from learners.models import ProgressSnapshot
from policies.spec import TriggerRule
from policies.trigger_kinds import BEHIND_PROGRESS

KIND = BEHIND_PROGRESS


def _evidence(snapshot: ProgressSnapshot) -> str:
    behind = snapshot.planned_percent - snapshot.actual_percent
    return (
        f"{day(snapshot.occurred_on)}: {snapshot.actual_percent}% complete against "
        f"{snapshot.planned_percent}% planned ({behind} points behind)"
    )


def holding(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    if rule.percent:
        bad = Q(planned_percent__gte=F("actual_percent") + rule.percent)
    else:
        bad = Q(planned_percent__gt=F("actual_percent"))
    runs = latest_runs(records=records_of(ProgressSnapshot, scope, today), bad=bad, count=1)
    return run_firings(rule, runs, _evidence)
