"""A manager moves open cases to another version of the same policy, stage by stage.

Cases keep the version they opened under to their end (escalation/services.py case_policy);
when a provider publishes a new version, a manager may choose to move the open cases onto it.
Each source stage maps to a stage of the target version; the case's deadline restarts under
the target version's rule, and one VERSION_CHANGED row in its history says from where to where
and why."""

from collections.abc import Iterable, Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from escalation.models import ACTIVE_STATUSES, CaseStatus, ChangeKind, EscalationCase, StageChange
from escalation.selectors import cases_for
from escalation.services import stage_change_build, stage_deadline
from policies.models import PolicyVersion, VersionStatus
from policies.selectors import version_spec, version_specs
from policies.spec import PolicySpec

# The case's columns a version change rewrites (one UPDATE for the whole batch).
CHANGED_FIELDS = ["policy_version", "stage", "stage_started_at", "stage_due_on", "due_rule"]


def cases_on_older_versions(
    *, version: PolicyVersion, user: AbstractBaseUser
) -> QuerySet[EscalationCase]:
    """The open cases the user may see (a manager: their teams'; a director: all) pinned to an
    earlier version of ``version``'s policy."""
    return (
        cases_for(user=user)
        .filter(
            policy_version__policy_id=version.policy_id,
            policy_version__number__lt=version.number,
        )
        .select_related("policy_version")
        .order_by("learner__last_name", "learner__first_name", "pk")
    )


def stage_mapping_proposed(*, sources: Iterable[PolicySpec], target: PolicySpec) -> dict[str, str]:
    """Source stage key -> target stage key: the same key where the target has it, else the
    stage at the same place in the ladder (the target's last when it is shorter)."""
    proposed: dict[str, str] = {}
    for source in sources:
        for index, stage in enumerate(source.stages):
            if stage.key in proposed:
                continue
            if target.has_stage(stage.key):
                proposed[stage.key] = stage.key
            else:
                proposed[stage.key] = target.stages[min(index, len(target.stages) - 1)].key
    return proposed


def _mapping_refusals(
    cases: list[EscalationCase], target: PolicySpec, stage_mapping: Mapping[str, str]
) -> list[str]:
    unmapped = sorted({case.stage for case in cases} - set(stage_mapping))
    refusals = []
    if unmapped:
        refusals.append("Choose the stage of the new version for: " + ", ".join(unmapped) + ".")
    unknown = sorted(
        {stage_mapping[case.stage] for case in cases if case.stage in stage_mapping}
        - {stage.key for stage in target.stages}
    )
    if unknown:
        refusals.append(f"{target.title} has no stage " + ", ".join(unknown) + ".")
    return refusals


def cases_version_change(
    *,
    cases: Iterable[EscalationCase],
    to_version: PolicyVersion,
    stage_mapping: Mapping[str, str],
    by: AbstractBaseUser,
    reason: str,
) -> list[EscalationCase]:
    """Move each active case to ``to_version`` (a published version of the policy its version
    belongs to) at the stage ``stage_mapping`` gives for its stage. An open case's deadline
    restarts today under the new version; a stepped-down case stays stepped down. Refused as a
    whole (ValidationError) when a case is not active, on another policy or already there, a
    stage is unmapped, or a reason is missing.

    Queries: a fixed number whatever the number of cases (the lock, one UPDATE, one INSERT).

    Locks: the cases' rows (SELECT ... FOR UPDATE) until the transaction ends."""
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for moving the cases."})
    if to_version.status != VersionStatus.PUBLISHED:
        raise ValidationError(f"{to_version} is not published: cases move only to a published one.")
    target = version_spec(to_version.pk)
    with transaction.atomic():
        locked = list(
            EscalationCase.objects.select_for_update()
            .filter(pk__in=[case.pk for case in cases])
            .select_related("learner", "policy_version")
            .order_by("pk")
        )
        version_specs(case.policy_version_id for case in locked)  # each source read once
        wrong = [
            case
            for case in locked
            if case.status not in ACTIVE_STATUSES
            or case.policy_version.policy_id != to_version.policy_id
            or case.policy_version_id == to_version.pk
        ]
        if wrong:
            names = ", ".join(case.learner.full_name for case in wrong)
            raise ValidationError(
                f"These cases are closed, on another policy or already on {to_version}: {names}."
            )
        refusals = _mapping_refusals(locked, target, stage_mapping)
        if refusals:
            raise ValidationError(refusals)
        now = timezone.now()
        today = timezone.localtime(now).date()
        changes, late = [], []
        for case in locked:
            from_stage, stage = case.stage, target.stage(stage_mapping[case.stage])
            case.policy_version = to_version
            case.stage = stage.key
            if case.status == CaseStatus.OPEN:
                # A time plan the person set carries over while it is still ahead.
                kept = (
                    case.stage_due_on if case.stage_due_on and case.stage_due_on > today else None
                )
                if stage.deadline_set_by_person and kept is None:
                    late.append(case.learner.full_name)
                    continue
                deadline = stage_deadline(
                    policy=target, stage=stage, learner=case.learner, start=today, due_on=kept
                )
                case.stage_started_at = now
                case.stage_due_on, case.due_rule = deadline.due_on, deadline.rule
            changes.append(
                stage_change_build(
                    case=case,
                    kind=ChangeKind.VERSION_CHANGED,
                    from_stage=from_stage,
                    from_status=case.status,
                    by=by,
                    reason=reason.strip(),
                    at=now,
                )
            )
        if late:
            raise ValidationError(
                "These cases would land on a stage whose due date a person sets, and have no "
                "time plan still ahead: "
                + ", ".join(late)
                + ". Map their stage to one with a deadline."
            )
        EscalationCase.objects.bulk_update(locked, [*CHANGED_FIELDS, "change_count"])
        StageChange.objects.bulk_create(changes)
    return locked
