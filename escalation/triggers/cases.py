"""The cases a batch of trigger firings joins or opens, written in a few statements.

Policy: a trigger opens the learner's case at first risk identified (or at the stage the rule
names), or joins the case already active, moving an open case up to the rule's stage when it is
below it. One at a time that is case_open / case_advance (about seven queries a firing); a
sweep's batch does the same moves in memory and writes them with bulk inserts and a few
updates. The caller holds the batch's learners' row locks (so no one else opens a case for them
meanwhile) and the transaction.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from escalation.models import ACTIVE_STATUSES, CaseStatus, ChangeKind, EscalationCase, StageChange
from escalation.services import (
    case_policy,
    case_stage_start,
    change_raises_withdrawal,
    stage_change_build,
)
from escalation.triggers.base import Firing
from escalation.withdrawal_records import withdrawal_requests_create_many
from learners.models import Learner
from policies.selectors import version_spec


@dataclass
class _Move:
    case: EscalationCase
    kind: str
    from_stage: str
    from_status: str
    reason: str
    raises_withdrawal: bool


def cases_for_firings(
    *, firings: Sequence[Firing], learners: dict[int, Learner]
) -> list[EscalationCase | None]:
    """The case each firing joins or opens, in the firings' order, with every opening and
    advance written (history rows, and a Notification of Withdrawal where a move reaches the
    withdrawal stage). A learner with several firings in the batch gets one case. None for a
    firing of a version whose triggers do not drive its ladder (drivers.triggers False)."""
    now = timezone.now()
    cases = {
        case.learner_id: case
        for case in EscalationCase.objects.filter(
            learner_id__in=learners, status__in=ACTIVE_STATUSES
        )
        .select_for_update(of=("self",))
        .order_by("pk")
    }
    for case in cases.values():
        case.learner = learners[case.learner_id]
    moves: list[_Move] = []
    joined = []
    for firing in firings:
        reason = f"Trigger: {firing.rule.name}. {firing.evidence}"
        # The rule is of the version the learner's team follows today; its stage keys mean
        # something only in that version.
        policy = version_spec(firing.rule.version_id)
        if not policy.drivers.triggers:
            joined.append(None)
            continue
        target = firing.rule.opens_at or policy.stages[0].key
        case = cases.get(firing.learner_id)
        if case is None:
            case = EscalationCase(
                learner=learners[firing.learner_id],
                policy_version_id=policy.version_id,
                opened_at=now,
            )
            cases[firing.learner_id] = case
            moves.append(_start(case, policy.stage(target), ChangeKind.OPENED, reason, now))
        elif case.policy_version_id == policy.version_id:
            moves += _moves_up_to(case, target=target, reason=reason, now=now)
        joined.append(case)
    if moves:
        _write(moves, now=now)
    return joined


def cases_open_many(
    *, cases: Sequence[EscalationCase], reasons: Sequence[str]
) -> list[StageChange]:
    """Open these new cases (unsaved, each with its learner and pinned version) at their
    version's first stage, with their history rows, in a few statements whatever their number
    (as case_open does one at a time). The caller holds the learners' row locks, has checked
    that none has an active case, and holds the transaction. Returns the opening changes."""
    now = timezone.now()
    moves = []
    for case, reason in zip(cases, reasons, strict=True):
        case.opened_at = now
        moves.append(_start(case, case_policy(case).stages[0], ChangeKind.OPENED, reason, now))
    return _write(moves, now=now) if moves else []


def _start(case, stage, kind: str, reason: str, now: dt.datetime) -> _Move:
    from_stage, from_status = case.stage, case.status
    case_stage_start(case, stage, now)
    if kind == ChangeKind.OPENED:
        from_stage, from_status = "", ""
    return _Move(
        case=case,
        kind=kind,
        from_stage=from_stage,
        from_status=from_status,
        reason=reason,
        raises_withdrawal=change_raises_withdrawal(case=case, kind=kind),
    )


def _moves_up_to(case: EscalationCase, *, target: str, reason: str, now) -> list[_Move]:
    """An open case below the rule's stage moves up to it a stage at a time, as case_advance
    would by the sweep; a stepped-down case is only joined (as is a case pinned to another
    version: the caller checks)."""
    policy = case_policy(case)
    keys = [stage.key for stage in policy.stages]
    moves = []
    if case.status != CaseStatus.OPEN or target not in keys:
        return moves
    while keys.index(case.stage) < keys.index(target):
        moves.append(_start(case, policy.next_stage(case.stage), ChangeKind.ADVANCED, reason, now))
    return moves


def _write(moves: list[_Move], *, now: dt.datetime) -> list[StageChange]:
    changes = [
        stage_change_build(
            case=move.case,
            kind=move.kind,
            from_stage=move.from_stage,
            from_status=move.from_status,
            by=None,
            reason=move.reason,
            at=now,
        )
        for move in moves
    ]
    touched = list({id(move.case): move.case for move in moves}.values())
    moved = [case for case in touched if case.pk is not None]
    EscalationCase.objects.bulk_update(
        moved, ["stage", "stage_started_at", "stage_due_on", "due_rule", "change_count"]
    )
    # bulk_create sets the new cases' pks, which each change takes from its case when saved.
    EscalationCase.objects.bulk_create([case for case in touched if case.pk is None])
    StageChange.objects.bulk_create(changes)
    withdrawal_requests_create_many(
        cases=[(move.case, move.reason) for move in moves if move.raises_withdrawal],
        by=None,
        at=now,
    )
    return changes
