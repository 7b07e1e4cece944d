"""What every trigger kind's "holding" query returns, and the shape of such a query.

A kind's query (escalation/triggers/<key>.py ``holding``) takes the preset's rule of that kind,
the learners in its scope and today, and returns a Firing per learner it holds for, in a
handful of set-based queries whatever the number of learners (never one query per learner).
The fingerprint names the records it holds on, e.g. the run of missed sessions after the last
attended one: firing again on the same records gives the same fingerprint, so
escalation/triggers/firing.py fires each once.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from policies.spec import TriggerRule


@dataclass(frozen=True)
class Firing:
    learner_id: int
    rule: TriggerRule
    fingerprint: str
    evidence: str


# (the preset's rule of the kind, the learners in scope, today) -> the firings that hold.
HoldingQuery = Callable[[TriggerRule, QuerySet, dt.date], list[Firing]]


def day(date: dt.date) -> str:
    """A date as the evidence words write it: "Mon 02 Mar 2026"."""
    return f"{date:%a %d %b %Y}"
