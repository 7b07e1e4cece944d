"""A missed review (BPN section 7, an Amber trigger): the learner's latest progress review was
cancelled by the apprentice or the employer. Fires once per missed review."""

import datetime as dt

from django.db.models import Q, QuerySet

from escalation.triggers.base import Firing, day
from escalation.triggers.queries import latest_runs, records_of
from learners.models import Visit, VisitKind
from learners.models.records import VISIT_CANCELLATIONS
from policies.spec import TriggerRule
from policies.trigger_kinds import MISSED_REVIEW

KIND = MISSED_REVIEW


def holding(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    reviews = records_of(Visit, scope, today).filter(kind=VisitKind.REVIEW)
    runs = latest_runs(records=reviews, bad=Q(outcome__in=VISIT_CANCELLATIONS), count=1)
    return [
        Firing(
            learner_id=learner_id,
            rule=rule,
            fingerprint=f"review:{review.pk}",
            evidence=f"Progress review on {day(review.occurred_on)}: "
            f"{review.get_outcome_display().lower()}.",
        )
        for learner_id, ([review], _) in runs.items()
    ]
