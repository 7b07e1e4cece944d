"""No recorded progress: the learner's nation's number of days (``days_by_nation``) since the
last progress recorded, the return from a break, or the start. The clock stops during a break.
Fires once per silence (the fingerprint is the day it began)."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce, Greatest

from escalation.triggers.base import Firing, day
from escalation.triggers.queries import latest, not_on_break
from learners.models import Nation, ProgressEvent
from policies.spec import TriggerRule
from policies.trigger_kinds import NO_PROGRESS

KIND = NO_PROGRESS


def holding(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    firings = []
    # Only the learners past their nation's limit are loaded (the limit checked again below).
    past_limit = Q(pk__in=[])
    for nation in Nation.values:
        if (limit := rule.days_for(nation)) is not None:
            past_limit |= Q(nation=nation, since__lte=today - dt.timedelta(days=limit))
    rows = (
        not_on_break(scope, today)
        .annotate(last=latest(ProgressEvent, today))
        # Coalesce: Greatest is NULL on some databases when any argument is.
        .annotate(
            since=Greatest(
                Coalesce("last", "start_date"), Coalesce("last_return", "start_date"), "start_date"
            )
        )
        .filter(past_limit)
        .values_list("pk", "nation", "start_date", "last", "last_return")
    )
    for learner_id, nation, start_date, last, returned in rows:
        since = max(d for d in (last, returned, start_date) if d)
        days = rule.days_for(nation)
        if since > today or days is None or (today - since).days < days:
            continue
        if since == last:
            evidence = f"Last recorded progress on {day(last)}"
        elif since == returned:
            evidence = f"No progress recorded since the return from a break on {day(since)}"
        else:
            evidence = f"No progress recorded since the start on {day(start_date)}"
        firings.append(
            Firing(
                learner_id=learner_id,
                rule=rule,
                fingerprint=f"since:{since.isoformat()}",
                evidence=f"{evidence}: {(today - since).days} days, over the {days} allowed.",
            )
        )
    return firings
