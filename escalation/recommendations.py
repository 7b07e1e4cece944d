"""Recording the recommendation a stage ends in (one of the stage's outcomes), which the moves
needing a recommendation look for (escalation/move_requirements.py), and its confirming e-mail
to the apprentice and the line manager, copying in the staff the stage names."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from escalation.models import CaseRecommendation, CaseStatus, EscalationCase
from escalation.services import IllegalMove, case_policy
from learners.roles import roles_of
from policies.spec import RECOMMENDS, PolicySpec, Stage


def stage_takes_recommendation(stage: Stage) -> bool:
    return stage.withdrawal_effect == RECOMMENDS or bool(stage.outcomes)


def case_may_recommend(*, user: AbstractBaseUser, case: EscalationCase) -> bool:
    """Those who act at the stage, and those who may make a move from it that needs a
    recommendation, record one (while the case is open at a stage that takes one)."""
    policy = case_policy(case)
    stage = policy.stage(case.stage)
    if case.status != CaseStatus.OPEN or not stage_takes_recommendation(stage):
        return False
    return user.is_superuser or bool(roles_of(user) & recommending_roles(policy, stage))


def recommending_roles(policy: PolicySpec, stage: Stage) -> set[str]:
    """Who records the stage's recommendation: the roles its version names (a Makers stage 5
    recommendation is the Director's), else those who act at the stage and those who may make
    a move from it that needs one."""
    if stage.recommended_by:
        return set(stage.recommended_by)
    roles = set(stage.actor_roles)
    for move in policy.moves_from(stage.key):
        if move.requires.recommendation or move.requires.outcome:
            roles |= set(move.people)
    return roles


def case_recommendation_record(
    *,
    case: EscalationCase,
    by: AbstractBaseUser,
    outcome: str,
    reason: str,
    expected_stage: str | None = None,
) -> CaseRecommendation:
    """Record ``outcome`` (one of the stage's outcomes) with its reason at the case's stage.

    Raises IllegalMove (the stage takes none, the person may not, the case moved on) or
    ValidationError keyed by ``outcome`` or ``reason``. Locks the case row."""
    with transaction.atomic():
        case = EscalationCase.objects.select_for_update().get(pk=case.pk)
        if expected_stage is not None and case.stage != expected_stage:
            raise IllegalMove("The case has moved on since this page was loaded.")
        stage = case_policy(case).stage(case.stage)
        if not stage_takes_recommendation(stage) or case.status != CaseStatus.OPEN:
            raise IllegalMove(f"{stage.name} does not end in a recommendation.")
        if not case_may_recommend(user=by, case=case):
            raise IllegalMove(f"Your role does not record recommendations at {stage.name}.")
        errors = {}
        if stage.outcomes and outcome not in stage.outcomes:
            errors["outcome"] = f"Choose one of the outcomes {stage.name} can end in."
        elif not outcome.strip():
            errors["outcome"] = "Say what you recommend."
        if not reason.strip():
            errors["reason"] = "Say why you recommend it."
        if errors:
            raise ValidationError(errors)
        return CaseRecommendation.objects.create(
            case=case,
            stage_key=case.stage,
            policy_version_id=case.policy_version_id,
            outcome=outcome.strip(),
            reason=reason.strip(),
            by=by,
            at=timezone.now(),
        )
