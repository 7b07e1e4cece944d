"""The moves the case page offers: exactly those the case's version allows from where the case
is, for this user, each with where it leads, what it needs and, while something is missing,
why it cannot be made yet."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser

from escalation.case_moves import move_refusal
from escalation.models import EscalationCase
from escalation.move_requirements import CaseFacts
from escalation.services import case_policy
from policies.spec import Move, PolicySpec, Stage

# Kinds whose move starts a stage (so the person may have to set its due date).
STARTS_A_STAGE = frozenset(
    {"forward", "back", "re_escalate", "extend", "withdrawal", "termination"}
)


@dataclass(frozen=True)
class MoveOption:
    move: Move
    target: str  # where it leads, in words
    needs: list[str]  # every requirement, in words
    unmet: list[str] = field(default_factory=list)  # what is still missing; empty: allowed
    target_stage: Stage | None = None  # the stage it starts, if any

    @property
    def allowed(self) -> bool:
        return not self.unmet

    @property
    def asks_due_on(self) -> bool:
        return self.target_stage is not None and self.target_stage.deadline_set_by_person

    @property
    def asks_return_date(self) -> bool:
        return self.move.kind == "break"


def _started(policy: PolicySpec, case: EscalationCase, move: Move) -> Stage | None:
    if move.kind not in STARTS_A_STAGE:
        return None
    if move.kind in ("extend", "withdrawal", "termination"):
        return (
            policy.stage(move.to_stage) if move.to_stage != case.stage and move.to_stage else None
        )
    return policy.move_target(move, case.stage)


def _target(policy: PolicySpec, case: EscalationCase, move: Move, started: Stage | None) -> str:
    stage = policy.stage(case.stage)
    if started is not None and move.kind not in ("withdrawal", "termination"):
        return started.name
    if move.kind == "step_down":
        at = policy.stage(move.to_stage).name if move.to_stage else stage.name
        return f"Stepped down at {at}: no stage deadline"
    if move.kind == "extend":
        return f"{stage.name}: {move.extend_days} more working days"
    if move.kind == "break":
        return f"A break in learning; the case rests at {stage.name}"
    if move.kind in ("withdrawal", "termination"):
        return "A director decides (Notification of Withdrawal)"
    if move.kind == "close":
        return "Case closed: back on track"
    return stage.name


def case_move_options(*, case: EscalationCase, user: AbstractBaseUser) -> list[MoveOption]:
    """The moves ``user`` may make on the case now or once the record holds what they need,
    in the version's order. Reads the record once for all of them."""
    if not case.is_active:
        return []
    policy = case_policy(case)
    facts = CaseFacts(case)
    options = []
    for move in policy.moves_from(case.stage):
        if move_refusal(case=case, move=move, by=user):
            continue  # not this user's, or not from this status: not offered at all
        started = _started(policy, case, move)
        if move.kind == "forward" and started is None:
            continue  # the last stage: nowhere to go
        options.append(
            MoveOption(
                move=move,
                target=_target(policy, case, move, started),
                needs=move.requires.words(),
                unmet=facts.unmet(move),
                target_stage=started,
            )
        )
    return options
