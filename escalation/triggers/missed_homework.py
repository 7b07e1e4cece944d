"""Missed homework: the learner's latest ``count`` pieces of homework were all not handed in.
Fires once per run after the last piece handed in."""

import datetime as dt

from django.db.models import Q, QuerySet

from escalation.triggers.base import Firing, day
from escalation.triggers.queries import latest_runs, records_of, run_firings
from learners.models import Submission, SubmissionOutcome
from policies.spec import TriggerRule
from policies.trigger_kinds import MISSED_HOMEWORK

KIND = MISSED_HOMEWORK


def holding(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    runs = latest_runs(
        records=records_of(Submission, scope, today),
        bad=Q(outcome=SubmissionOutcome.MISSED),
        count=rule.count,
    )
    return run_firings(rule, runs, lambda s: f"{s.title} due {day(s.occurred_on)} not handed in")
