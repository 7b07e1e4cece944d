"""No return from a break: on an open break in learning with no expected return date, or
past it without returning. Fires once per break and date."""

import datetime as dt

from django.db.models import Q, QuerySet

from escalation.triggers.base import Firing, day
from escalation.triggers.queries import open_breaks
from policies.spec import TriggerRule
from policies.trigger_kinds import BREAK_NO_RETURN

KIND = BREAK_NO_RETURN


def holding(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    firings = []
    for pause in open_breaks(scope, today).filter(
        Q(expected_return_on__isnull=True) | Q(expected_return_on__lt=today)
    ):
        if pause.expected_return_on is None:
            fingerprint, evidence = "no-date", "no expected return date was given"
        else:
            fingerprint = f"passed:{pause.expected_return_on.isoformat()}"
            evidence = f"the expected return date, {day(pause.expected_return_on)}, has passed"
        firings.append(
            Firing(
                learner_id=pause.learner_id,
                rule=rule,
                fingerprint=f"break:{pause.pk}:{fingerprint}",
                evidence=f"On a break in learning since {day(pause.occurred_on)}; {evidence}.",
            )
        )
    return firings
