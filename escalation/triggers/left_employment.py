"""Left employment: the apprentice has left an employer. Fires once per leaving."""

import datetime as dt

from django.db.models import QuerySet

from escalation.triggers.base import Firing, day
from escalation.triggers.queries import employers_left
from policies.spec import TriggerRule
from policies.trigger_kinds import LEFT_EMPLOYMENT

KIND = LEFT_EMPLOYMENT


def holding(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    return [
        Firing(
            learner_id=change.learner_id,
            rule=rule,
            fingerprint=f"left:{change.pk}",
            evidence=f"Left {change.employer_name} on {day(change.occurred_on)}.",
        )
        for change in employers_left(scope, today)
    ]
