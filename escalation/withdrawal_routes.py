"""A withdrawal raised outside the ladder: the learner decided to leave (MTT: "the learner
decides to leave the programme: the Withdrawal Procedure will be followed"), or the programme
ends under another of the provider's policies (Makers: "safeguarding or code of conduct ... the
stage process would not be followed"). Each is a move of kind "withdrawal" the version allows
from any stage (policies/spec.py Move.outside_ladder). It skips the stages, never the
withdrawal process: a director who did not raise it decides, with the ILR reason; the employer
agrees for apprentices; then the written confirmation, the appeal window, the exit review and
the leaver panel, as for a withdrawal at the end of the ladder.

A learner with no case gets one opened for it (its history says why), so the request, the
evidence page and the leaver panel read the same records whichever way the learner left."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from escalation.case_moves import case_move, user_may_make
from escalation.models import EscalationCase
from escalation.services import IllegalMove, case_active, case_open, case_policy
from learners.models import Learner
from learners.policy_reading import learner_policy
from learners.services import CLOSED_STATUSES, learner_lock
from policies.spec import Move, PolicySpec


def _policy_for(learner: Learner) -> PolicySpec:
    # An active case runs under the version it is pinned to; otherwise the team's current one.
    case = case_active(learner=learner)
    return case_policy(case) if case is not None else learner_policy(learner=learner)


def withdrawal_routes_for(*, learner: Learner, user: AbstractBaseUser) -> list[Move]:
    """The withdrawals outside the ladder ``user`` may raise for ``learner`` (none for a
    learner who has left)."""
    if learner.status in CLOSED_STATUSES:
        return []
    return [
        move
        for move in _policy_for(learner).moves
        if move.outside_ladder and user_may_make(user=user, move=move)
    ]


def learner_withdrawal_raise(
    *, learner: Learner, move_key: str, by: AbstractBaseUser, reason: str
) -> EscalationCase:
    """Raise the withdrawal ``move_key`` (one of withdrawal_routes_for) for ``learner``: on
    their active case, or on a case opened for it. The director is told as for any
    Notification of Withdrawal. Raises IllegalMove or ValidationError (``reason``), writing
    nothing."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the learner is leaving the programme."})
    with transaction.atomic():
        learner = learner_lock(learner=learner)
        routes = {move.key: move for move in withdrawal_routes_for(learner=learner, user=by)}
        if move_key not in routes:
            raise IllegalMove("You may not raise that withdrawal for this learner.")
        case = case_active(learner=learner) or case_open(
            learner=learner,
            by=by,
            reason=f"Opened to raise a withdrawal outside the ladder: {routes[move_key].label}",
        )
        return case_move(case=case, move_key=move_key, by=by, reason=reason)
