"""A concern recorded (BPN section 7's Amber triggers that no activity record shows: lateness,
lack of engagement with functional skills, poor communication, unsigned documentation): a
contact-log entry carrying one of the rule's risk factors (``factors``). Rating changes carry
factors too but are no new concern. Fires once per entry."""

import datetime as dt

from django.db.models import QuerySet

from escalation.triggers.base import Firing, day
from policies.spec import TriggerRule
from policies.trigger_kinds import CONCERN_RECORDED
from riskcases.models import ContactLogEntry, ContactType

KIND = CONCERN_RECORDED


def holding(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    entries = (
        ContactLogEntry.objects.filter(
            learner__in=scope.values("pk"),
            occurred_at__date__lte=today,
            risk_factors__code__in=sorted(rule.factors or ()),
        )
        .exclude(contact_type=ContactType.RISK_RATING)
        .prefetch_related("risk_factors")
        .distinct()
    )
    firings = []
    for entry in entries:
        named = sorted(f.name for f in entry.risk_factors.all() if f.code in rule.factors)
        firings.append(
            Firing(
                learner_id=entry.learner_id,
                rule=rule,
                fingerprint=f"contact:{entry.pk}",
                evidence=f"{'; '.join(named)}: recorded on {day(entry.occurred_at.date())} "
                f"({entry.get_contact_type_display().lower()}).",
            )
        )
    return firings
