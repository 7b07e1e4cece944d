"""Reads for the leaver panel: who left in a cycle, and leaver counts across cycles.

A leaver is a learner whose withdrawal completed (WithdrawalRequest status "withdrawn"). The
day that places a leaver in a cycle is the day the withdrawal completed (``withdrawn_at`` in
local time), not the last day of learning: the last day is often weeks earlier and can fall in
a cycle the panel has already reviewed, which would change a report of record after the fact.
A withdrawal overturned on appeal (status "reinstated") is not a leaver: the learner stayed.

A break in learning ends only by a return (``break_end``) or by the learner's withdrawal,
which leaves the break row open (``returned_on`` empty; an overturned appeal closes it). So
"a break that ended without return" is a withdrawal of a learner on a break: counted once, as
a withdrawal, and flagged ``from_break``.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from learners.models import BreakInLearning
from reports.cycles import Cycle, day_start
from withdrawals.models import RequestStatus, WithdrawalRequest


def withdrawals_between(first: dt.date, last: dt.date) -> QuerySet[WithdrawalRequest]:
    """Completed withdrawals whose completion day (local) is from ``first`` to ``last``."""
    return WithdrawalRequest.objects.filter(
        status=RequestStatus.WITHDRAWN,
        withdrawn_at__gte=day_start(first),
        withdrawn_at__lt=day_start(last + dt.timedelta(days=1)),
    )


def leavers_in(cycle: Cycle) -> QuerySet[WithdrawalRequest]:
    """The cycle's leavers with everything the report prints, oldest withdrawal first."""
    open_break = BreakInLearning.objects.filter(
        learner_id=OuterRef("learner_id"),
        returned_on__isnull=True,
        occurred_on__lte=OuterRef("last_day_of_learning"),
    )
    return (
        withdrawals_between(cycle.start, cycle.end)
        .select_related(
            "learner__course",
            "learner__employer",
            "learner__tutor",
            "learner__team",
            "ilr_reason",
            "case",
            "exit_review",
        )
        .prefetch_related("exit_review__themes", "case__changes")
        .annotate(from_break=Exists(open_break))
        .order_by("withdrawn_at", "learner__last_name", "learner__uln")
    )


def leaver_counts_by_cycle(cycles: Iterable[Cycle]) -> dict[Cycle, Counter]:
    """For each cycle, its leavers by programme type (one query for all the cycles)."""
    cycles = sorted(cycles)
    counts: dict[Cycle, Counter] = {cycle: Counter() for cycle in cycles}
    if not cycles:
        return counts
    rows = withdrawals_between(cycles[0].start, cycles[-1].end).values_list(
        "withdrawn_at", "learner__programme_type"
    )
    for withdrawn_at, programme in rows:
        day = timezone.localdate(withdrawn_at)
        for cycle in cycles:
            if cycle.contains(day):
                counts[cycle][programme] += 1
                break
    return counts
