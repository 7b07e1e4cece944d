"""A person moves a case: the move and its announcement, as one action.

The case page, a CSV import or a management command that moves a case calls ``case_move``, so
whoever makes a move, the same people are told. (The sweeps make and announce their own moves a
batch at a time: escalation/sweeps/batches.py.)"""

import datetime as dt
from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from escalation.models import EscalationCase
from escalation.services import (
    IllegalMove,
    case_advance,
    case_close_on_track,
    case_re_escalate,
    case_step_down,
)
from escalation.sweeps.announce import case_change_announce

# The moves a person makes from the case page, by the name in its URL.
CASE_MOVES: dict[str, Callable[..., EscalationCase]] = {
    "advance": case_advance,
    "close": case_close_on_track,
    "step_down": case_step_down,
    "re_escalate": case_re_escalate,
}
# Moves that start a stage afresh, so the person may set its due date (the time plan).
MOVES_WITH_DUE_DATE = frozenset({"advance", "re_escalate"})


def case_move(
    *,
    case: EscalationCase,
    move: str,
    by: AbstractBaseUser,
    reason: str,
    due_on: dt.date | None = None,
    expected_stage: str | None = None,
) -> EscalationCase:
    """Make ``move`` (one of CASE_MOVES) on the case, and tell the people who act at its stage
    now, and the tutor, that it moved (not ``by``). One transaction: a refused move tells nobody;
    the e-mails go after it commits.

    ``due_on`` is the due date of the stage an advance or a re-escalation starts, where its policy
    has the person set it (ignored by the other moves). ``expected_stage`` (advance only) refuses
    the move if the case has left that stage, e.g. since the page was loaded.

    Raises IllegalMove for a move the case cannot make from where it is (or an unknown move), and
    ValidationError for a missing reason or due date.

    Locks: the case row (SELECT ... FOR UPDATE, taken by the move's service) until the
    transaction ends, so the announcement is written under it."""
    if move not in CASE_MOVES:
        raise IllegalMove(f"There is no case move called {move!r}.")
    kwargs = {"case": case, "by": by, "reason": reason}
    if move in MOVES_WITH_DUE_DATE:
        kwargs["due_on"] = due_on
    if move == "advance":
        kwargs["expected_stage"] = expected_stage
    with transaction.atomic():
        moved = CASE_MOVES[move](**kwargs)
        case_change_announce(case=moved, by=by)
    return moved
