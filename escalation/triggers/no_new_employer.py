"""No new employer: ``days`` days or more since the apprentice left an employer, with no new
one started since. Fires once per leaving."""

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet

from escalation.triggers.base import Firing, day
from escalation.triggers.queries import employers_left
from learners.models import EmploymentChange, EmploymentChangeKind
from policies.spec import TriggerRule
from policies.trigger_kinds import NO_NEW_EMPLOYER

KIND = NO_NEW_EMPLOYER


def holding(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    since = today - dt.timedelta(days=rule.days)
    new_job = EmploymentChange.objects.filter(
        learner_id=OuterRef("learner_id"),
        kind=EmploymentChangeKind.STARTED,
        occurred_on__gte=OuterRef("occurred_on"),
        occurred_on__lte=today,
    )
    left = employers_left(scope, today).filter(occurred_on__lte=since).exclude(Exists(new_job))
    return [
        Firing(
            learner_id=change.learner_id,
            rule=rule,
            fingerprint=f"left:{change.pk}",
            evidence=f"Left {change.employer_name} on {day(change.occurred_on)}, "
            f"{(today - change.occurred_on).days} days ago, with no new employer recorded.",
        )
        for change in left
    ]
