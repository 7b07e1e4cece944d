"""The case engine: a move the case's policy version declares, made by whoever it allows once
the record holds what it requires; one history row; the new stage's people told.

``case_move`` is the action the case page, imports and commands call. ``case_move_make`` is
the same move without the announcement, for the wrappers kept in services.py (case_advance,
case_step_down...). (The overdue sweep makes its automatic moves a batch at a time:
escalation/sweeps/overdue.py, with the same move keys.)

Order of the checks, so the message names the first thing to fix: the move exists in the
version; the case's status allows its kind (TRANSITIONS) and its stage is one it is made from;
the person holds one of its roles; every requirement is on the record."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from escalation.models import EscalationCase
from escalation.move_kinds import (
    CHANGE_KINDS,
    KIND_VERBS,
    MoveInput,
    move_apply,
    reason_required,
)
from escalation.move_requirements import CaseFacts
from escalation.services import TRANSITIONS, IllegalMove, case_policy
from escalation.sweeps.announce import case_change_announce
from learners.roles import Role, roles_of
from learners.services import learner_lock
from policies.spec import Move, PolicySpec

# Move names older pages and callers use, for the version's move of that kind from the stage.
LEGACY_KINDS = {
    "advance": "forward",
    "close": "close",
    "step_down": "step_down",
    "re_escalate": "re_escalate",
}


def user_may_make(*, user: AbstractBaseUser, move: Move) -> bool:
    return user.is_superuser or bool(roles_of(user) & set(move.people))


def roles_said(roles: tuple[str, ...]) -> str:
    names = [Role(role).label.lower() if role in Role.values else role for role in roles]
    if not names:
        return ""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def roles_making(*, policy: PolicySpec, kind: str, stage_key: str | None = None) -> str:
    """Who may make the version's moves of ``kind`` (from ``stage_key``), in words: "manager
    or safeguarding" ("" for nobody)."""
    moves = (
        policy.moves_from(stage_key, kind=kind)
        if stage_key
        else [m for m in policy.moves if m.kind == kind]
    )
    return roles_said(tuple(dict.fromkeys(role for move in moves for role in move.people)))


def move_status_refusal(*, case: EscalationCase, kind: str) -> str | None:
    """Why the case's status refuses a move of ``kind`` (the status-move table), or None."""
    allowed_from, _ = TRANSITIONS[CHANGE_KINDS[kind]]
    if case.status in allowed_from:
        return None
    return f"A case that is {case.get_status_display().lower()} cannot be {KIND_VERBS[kind]}."


def move_refusal(*, case: EscalationCase, move: Move, by: AbstractBaseUser | None) -> str | None:
    """Why ``by`` (None: the sweep) may not make ``move`` on the case as it is, before the
    record is looked at: its status, its stage, the person's roles. None: they may."""
    policy = case_policy(case)
    refused = move_status_refusal(case=case, kind=move.kind)
    if refused:
        return refused
    if not move.allowed_from(case.stage):
        return f"“{move.label}” is not a move from {policy.stage(case.stage).name}."
    if by is None:
        return None
    if not move.people:
        return "The policy has this move made automatically, when the stage's deadline passes."
    if not user_may_make(user=by, move=move):
        return f"Only a {roles_said(move.people)} may make this move: {move.label}."
    return None


def move_by_kind(*, policy: PolicySpec, case: EscalationCase, kind: str, by) -> Move:
    """The version's move of ``kind`` from the case's stage: one a person makes (one of whose
    roles ``by`` holds, if any does), or for the sweep (``by`` None) the automatic one."""
    candidates = policy.moves_from(case.stage, kind=kind)
    if kind == "forward":
        # "Advance" is the next stage: a move that jumps ahead (an immediate escalation, with
        # its own reason) is made by its own key, never picked for a plain advance.
        candidates = [
            move
            for move in candidates
            if policy.move_target(move, case.stage) == policy.next_stage(case.stage)
        ] or candidates
    if by is None:
        ranked = sorted(candidates, key=lambda move: not move.automatic)
    else:
        ranked = sorted(
            (move for move in candidates if move.people),
            key=lambda move: not user_may_make(user=by, move=move),
        )
    if ranked:
        return ranked[0]
    stage = policy.stage(case.stage)
    if kind == "forward" and policy.next_stage(case.stage) is None:
        handover = ": it hands over to the withdrawal process" if stage.withdrawal else ""
        raise IllegalMove(f"{stage.name} is the last stage{handover}.")
    raise IllegalMove(f"{policy.title} has no move of that kind from {stage.name}.")


def move_find(*, policy: PolicySpec, case: EscalationCase, move_key: str, by) -> Move:
    try:
        return policy.move(move_key)
    except KeyError:
        if move_key in LEGACY_KINDS:
            return move_by_kind(policy=policy, case=case, kind=LEGACY_KINDS[move_key], by=by)
        raise IllegalMove(f"There is no case move called {move_key!r} in {policy.title}.") from None


def _locked(case: EscalationCase) -> EscalationCase:
    # The learner first, then the case, as the learner actions take them (a break locks the
    # learner again; a re-lock in the same transaction waits for nothing).
    learner_lock(learner=case.learner)
    return EscalationCase.objects.select_for_update().select_related("learner").get(pk=case.pk)


def case_move_make(
    *,
    case: EscalationCase,
    by: AbstractBaseUser | None,
    reason: str,
    move_key: str | None = None,
    kind: str | None = None,
    due_on: dt.date | None = None,
    expected_stage: str | None = None,
    expected_return_on: dt.date | None = None,
    check_roles: bool = True,
) -> EscalationCase:
    """Make the move ``move_key`` (or the version's move of ``kind`` from the case's stage) and
    write its history row, telling nobody. ``by`` None: the sweep, which needs no role and no
    requirement (the policy's deadlines move the case on regardless). ``check_roles`` False:
    code acting on a record (a support contract agreed steps the case down whoever agreed it).

    Raises IllegalMove (the move, the status, the stage, the role, a requirement) and
    ValidationError keyed by the field (reason, due_on, expected_return_on).

    Locks: the learner's row, then the case's, until the transaction ends."""
    with transaction.atomic():
        case = _locked(case)
        if expected_stage is not None and case.stage != expected_stage:
            raise IllegalMove("The case has moved on since this page was loaded.")
        policy = case_policy(case)
        if kind is not None:
            # The status refuses first: a closed case is not "at a stage without the move".
            refused = move_status_refusal(case=case, kind=kind)
            if refused:
                raise IllegalMove(refused)
            move = move_by_kind(policy=policy, case=case, kind=kind, by=by)
        else:
            move = move_find(policy=policy, case=case, move_key=move_key or "", by=by)
        refused = move_refusal(case=case, move=move, by=by if check_roles else None)
        if refused:
            raise IllegalMove(refused)
        reason = reason_required(move=move, reason=reason)
        if by is not None:
            unmet = CaseFacts(case).unmet(move)
            if unmet:
                raise IllegalMove(" ".join(unmet))
        given = MoveInput(
            by=by, reason=reason, due_on=due_on, expected_return_on=expected_return_on
        )
        return move_apply(case=case, move=move, given=given)


def case_move(
    *,
    case: EscalationCase,
    by: AbstractBaseUser,
    reason: str,
    move_key: str | None = None,
    due_on: dt.date | None = None,
    expected_stage: str | None = None,
    expected_return_on: dt.date | None = None,
    move: str | None = None,
) -> EscalationCase:
    """A person makes ``move_key`` (a move the case's version declares; the names of
    LEGACY_KINDS also work, for the version's move of that kind) and the people who act at the
    case's stage now, those the stage tells, and the tutor, are told (not ``by``). One
    transaction: a refused move tells nobody; the e-mails go after it commits.

    ``due_on``: the due date of a stage the move starts whose policy has the person set it.
    ``expected_stage`` refuses the move if the case has left that stage since the page was
    loaded. ``expected_return_on``: a break in learning's expected return date. ``move``: the
    former name of ``move_key``, kept for the callers that still use it (seed_demo).

    Raises IllegalMove (with the reason in words) or ValidationError keyed by the field."""
    with transaction.atomic():
        moved = case_move_make(
            case=case,
            by=by,
            reason=reason,
            move_key=move_key or move,
            due_on=due_on,
            expected_stage=expected_stage,
            expected_return_on=expected_return_on,
        )
        case_change_announce(case=moved, by=by)
    return moved
