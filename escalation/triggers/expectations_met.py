"""Expectations met (BPN section 7: "Status returns to Green when expectations are met"): a
learner rated above the lowest level for at least ``days`` days, with no risk notification of
a concern kind fired in the last ``days`` days and no case open on the inactivity clock. It
proposes the lowest rating; the tutor accepting it writes the rating change (the old rating
end-dated, a contact-log entry). Fires once per rating."""

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet

from escalation.models import ACTIVE_STATUSES, EscalationCase, RiskNotification
from escalation.triggers.base import Firing, day
from policies.spec import LOW, TriggerRule
from policies.trigger_kinds import EXPECTATIONS_MET, NOT_CONCERNS
from riskcases.models import RiskRating

KIND = EXPECTATIONS_MET


def holding(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    window_start = today - dt.timedelta(days=rule.days - 1)
    concerns = RiskNotification.objects.filter(
        learner_id=OuterRef("learner_id"), fired_on__gte=window_start, fired_on__lte=today
    ).exclude(rule_key__in=NOT_CONCERNS)
    clock_running = EscalationCase.objects.filter(
        learner_id=OuterRef("learner_id"),
        status__in=ACTIVE_STATUSES,
        inactive_since__isnull=False,
    )
    ratings = (
        RiskRating.objects.filter(
            learner__in=scope.values("pk"),
            ended_at__isnull=True,
            started_at__date__lt=window_start,
        )
        .exclude(level=LOW)
        .exclude(Exists(concerns))
        .exclude(Exists(clock_running))
        .values_list("learner_id", "pk", "started_at")
    )
    return [
        Firing(
            learner_id=learner_id,
            rule=rule,
            fingerprint=f"rating:{rating_id}",
            evidence=f"Rated since {day(started_at.date())}; no risk notification since "
            f"{day(window_start - dt.timedelta(days=1))} and no case open on the inactivity "
            "clock.",
        )
        for learner_id, rating_id, started_at in ratings
    ]
