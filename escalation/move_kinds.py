"""What each kind of move does to a case (policies/spec.py MOVE_KINDS), once the engine
(case_moves.py) has found the move and checked who makes it and what the record holds.

Each function changes the locked case and writes its one history row through
stage_change_record (which also raises or cancels the Notification of Withdrawal that follows).
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from escalation.breaks import break_start
from escalation.calendar import add_working_days
from escalation.models import CaseStatus, ChangeKind, EscalationCase
from escalation.services import (
    IllegalMove,
    case_policy,
    case_stage_start,
    stage_change_record,
)
from escalation.withdrawal_records import withdrawal_request_create
from policies.spec import LOW, Move
from riskcases.services import rating_change, rating_current

# The history row each kind of move writes.
CHANGE_KINDS: dict[str, str] = {
    "forward": ChangeKind.ADVANCED,
    "back": ChangeKind.MOVED_BACK,
    "step_down": ChangeKind.STEPPED_DOWN,
    "re_escalate": ChangeKind.RE_ESCALATED,
    "extend": ChangeKind.EXTENDED,
    "break": ChangeKind.BREAK_STARTED,
    "withdrawal": ChangeKind.WITHDRAWAL_RAISED,
    "termination": ChangeKind.TERMINATION_NOTIFIED,
    "close": ChangeKind.CLOSED,
}

# "A case that is closed: back on track cannot be advanced."
KIND_VERBS: dict[str, str] = {
    "forward": "advanced",
    "back": "moved back",
    "step_down": "stepped down",
    "re_escalate": "re-escalated",
    "extend": "extended",
    "break": "put on a break in learning",
    "withdrawal": "put forward for withdrawal",
    "termination": "put forward for termination",
    "close": "closed",
}


@dataclass(frozen=True)
class MoveInput:
    """What the person gave with the move (the case page's form)."""

    by: AbstractBaseUser | None
    reason: str
    due_on: dt.date | None = None  # a target stage whose due date the person sets
    expected_return_on: dt.date | None = None  # a break in learning


def move_apply(*, case: EscalationCase, move: Move, given: MoveInput) -> EscalationCase:
    """Make ``move`` on the locked ``case`` and write its history row."""
    kind = CHANGE_KINDS[move.kind]
    from_stage, from_status = case.stage, case.status
    now = timezone.now()
    reason = given.reason
    KIND_WRITES[move.kind](case, move, given, now)
    stage_change_record(
        case=case,
        kind=kind,
        from_stage=from_stage,
        from_status=from_status,
        by=given.by,
        reason=reason,
        at=now,
        move_key=move.key,
    )
    # As reaching a "raise" stage does: a director decides (the withdrawals app).
    raises = move.kind in ("withdrawal", "termination")
    grounds = f"{move.label}. {reason}" if move.outside_ladder else reason
    raised = raises and withdrawal_request_create(case=case, by=given.by, grounds=grounds, at=now)
    if raises and raised is None:
        raise IllegalMove("This case already has a withdrawal request in progress.")
    return case


def _target_start(case, move, given, now) -> None:
    """forward, back, re_escalate: start the stage the move leads to afresh (its deadline, its
    letter due again)."""
    policy = case_policy(case)
    target = policy.move_target(move, case.stage)
    if target is None:
        stage = policy.stage(case.stage)
        handover = ": it hands over to the withdrawal process" if stage.withdrawal else ""
        raise IllegalMove(f"{stage.name} is the last stage{handover}.")
    case.status = CaseStatus.OPEN
    case_stage_start(case, target, now, due_on=given.due_on)


def _step_down(case, move, given, now) -> None:
    """Off support for now: no stage deadline (at a named stage, where the move names one)."""
    if move.to_stage:
        case.stage, case.stage_started_at = move.to_stage, now
    case.status, case.stage_due_on = CaseStatus.STEPPED_DOWN, None
    case.due_rule = "Stepped down: no stage deadline"
    if move.requires.support_contract:
        case.due_rule = "Support contract in place: no stage deadline"


def _extend(case, move, given, now) -> None:
    """More time: start the named stage again (Makers' "extend the formal support at stage 3"
    from stage 4), or add the move's working days to the stage's due date."""
    policy = case_policy(case)
    if move.to_stage and move.to_stage != case.stage:
        case_stage_start(case, policy.stage(move.to_stage), now, due_on=given.due_on)
        return
    if not move.extend_days:
        raise IllegalMove(f"{move.label}: the policy gives no working days to add.")
    today = timezone.localtime(now).date()
    base = max(case.stage_due_on or today, today)
    case.stage_due_on = add_working_days(base, move.extend_days, nation=case.learner.nation)
    extended = f"extended by {move.extend_days} working days"
    case.due_rule = f"{case.due_rule}; {extended}" if case.due_rule else extended.capitalize()


def _break(case, move, given, now) -> None:
    """A break in learning, through the breaks action (its rules: an expected return date, one
    break at a time). The case rests, stepped down at its stage, rather than closing: the
    learner has not recovered, and the break's own triggers (silence, a passed return date)
    find this case still active, at the stage it had reached, when the break goes wrong."""
    pause = break_start(
        learner=case.learner,
        started_on=timezone.localtime(now).date(),
        expected_return_on=given.expected_return_on,
        reason=given.reason,
        by=given.by,
    )
    case.status, case.stage_due_on = CaseStatus.STEPPED_DOWN, None
    case.due_rule = f"On a break in learning: expected back {pause.expected_return_on:%d %b %Y}"


def _withdrawal(case, move, given, now) -> None:
    """The request itself is raised once the history row is written (move_apply); a move
    naming a stage brings the case there first. A withdrawal raised outside the ladder stops
    the case where it is, its deadline paused, until a director decides."""
    if move.to_stage and move.to_stage != case.stage:
        case_stage_start(case, case_policy(case).stage(move.to_stage), now, due_on=given.due_on)
    elif move.outside_ladder:
        case.status, case.stage_due_on = CaseStatus.OPEN, None
        case.due_rule = f"{move.label}: the stages wait for a director's decision"


def _close(case, move, given, now) -> None:
    """Back on track. Where the version's ratings drive its ladder (a Medium or High rating
    opens the case), the rating returns to the lowest level with its contact-log entry, so the
    learner leaves the at-risk register with the case (the register is: an active case, or a
    rating at a level that opens one). Where the rating runs beside the ladder (BPN's inactivity
    clock), closing the case leaves the rating alone: it has its own rule."""
    case.status, case.closed_at, case.stage_due_on = CaseStatus.CLOSED_ON_TRACK, now, None
    opening_levels = case_policy(case).drivers.rating_levels
    current = rating_current(learner=case.learner)
    if current is not None and current.level in opening_levels and given.by is not None:
        label = case_policy(case).label(LOW)
        rating_change(
            learner=case.learner,
            level=LOW,
            reason=f"Back on track: the case is closed ({given.reason}). "
            f"Rating returns to {label}.",
            set_by=given.by,
        )


KIND_WRITES = {
    "forward": _target_start,
    "back": _target_start,
    "re_escalate": _target_start,
    "step_down": _step_down,
    "extend": _extend,
    "break": _break,
    "withdrawal": _withdrawal,
    "termination": _withdrawal,
    "close": _close,
}


def reason_required(*, move: Move, reason: str) -> str:
    """Every move is explained in its history row; a step down on a contract explains itself."""
    if reason.strip():
        return reason.strip()
    if move.kind == "step_down" and move.requires.support_contract:
        return "Support contract agreed."
    raise ValidationError({"reason": f"Say why: {move.label}."})
