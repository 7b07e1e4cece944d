"""How the sweeps work through their cases: a batch of cases per transaction.

A batch locks its cases (``FOR UPDATE OF`` the case rows only), re-checks under the lock that
the work is still due, and does it for the whole batch with set-based reads and bulk writes.
Two sweeps at once: a case the other one has done is no longer due when re-checked, so nothing
happens twice; with ``skip_locked`` a batch passes over the cases another transaction holds
(sweep_in_batches asks again for those, waiting, at the end). A worker dying mid-batch rolls
the whole batch back, and the next run redoes it.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from escalation.models import EscalationCase

# Cases per transaction: big enough that the per-batch queries are few, small enough that a
# batch's locks are held briefly and a worker dying mid-batch loses little.
BATCH_SIZE = 200


@dataclass(frozen=True)
class BatchResult:
    done: list[int]  # the cases the batch did its work on
    # Asked-for cases it did not lock: held by another transaction (with skip_locked), or no
    # longer matching (done by another sweep, closed meanwhile).
    not_locked: list[int]


def locked_cases(cases: QuerySet, *, case_ids: Sequence[int], skip_locked: bool) -> list:
    # Ordered by pk: two waiting lockers take the rows in one order, so they cannot deadlock.
    return list(
        cases.filter(pk__in=case_ids)
        .select_for_update(of=("self",), skip_locked=skip_locked)
        .select_related("learner")
        .order_by("pk")
    )


def ids_not_locked(case_ids: Sequence[int], locked: list[EscalationCase]) -> list[int]:
    seen = {case.pk for case in locked}
    return [pk for pk in case_ids if pk not in seen]


def chunks(ids: Sequence[int]) -> list[list[int]]:
    return [list(ids[start : start + BATCH_SIZE]) for start in range(0, len(ids), BATCH_SIZE)]


def sweep_in_batches(*, case_ids: Sequence[int], work: Callable[..., BatchResult]) -> list[int]:
    """Run ``work`` over the cases a batch at a time; returns the cases it did.

    First pass: skip the cases another transaction holds, so two sweeps at once split the work
    instead of queueing. Then those passed over are asked again, waiting for their locks, so a
    case a person happened to be saving is not left for tomorrow; one the other sweep did is
    simply not due any more when re-checked."""
    done, passed_over = [], []
    for chunk in chunks(case_ids):
        result = work(case_ids=chunk, skip_locked=True)
        done += result.done
        passed_over += result.not_locked
    for chunk in chunks(passed_over):
        done += work(case_ids=chunk, skip_locked=False).done
    return done
