"""Case writes. Every move is in TRANSITIONS; a refused move raises; every move writes one
append-only StageChange row. Deadlines come from the case's policy version and the working-day
calendar.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from escalation.calendar import add_working_days
from escalation.models import (
    ACTIVE_STATUSES,
    CaseStatus,
    ChangeKind,
    EscalationCase,
    StageChange,
    StageLetter,
)
from escalation.withdrawal_records import withdrawal_request_create, withdrawal_requests_cancel
from learners.models import Learner
from learners.policy_reading import learner_policy
from learners.services import learner_lock
from policies.selectors import version_spec
from policies.spec import PolicySpec, Stage
from riskcases.models import SupportKind


class IllegalMove(ValidationError):
    """A case move the transition table does not allow from where the case is."""


# kind -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    ChangeKind.ADVANCED: (frozenset({CaseStatus.OPEN}), CaseStatus.OPEN),
    ChangeKind.STEPPED_DOWN: (frozenset({CaseStatus.OPEN}), CaseStatus.STEPPED_DOWN),
    ChangeKind.RE_ESCALATED: (frozenset({CaseStatus.STEPPED_DOWN}), CaseStatus.OPEN),
    ChangeKind.CLOSED: (frozenset(ACTIVE_STATUSES), CaseStatus.CLOSED_ON_TRACK),
    # A director rejects the Notification of Withdrawal: the case stays at its last stage.
    ChangeKind.WITHDRAWAL_REJECTED: (frozenset({CaseStatus.OPEN}), CaseStatus.OPEN),
    ChangeKind.WITHDRAWN: (frozenset({CaseStatus.OPEN}), CaseStatus.WITHDRAWN),
    ChangeKind.REINSTATED: (frozenset({CaseStatus.WITHDRAWN}), CaseStatus.OPEN),
}

# Moves that bring a case to the withdrawal stage afresh, so they raise its Notification of
# Withdrawal. A rejection or a reinstatement does not: a person raises the next one by hand.
RAISES_WITHDRAWAL = frozenset({ChangeKind.OPENED, ChangeKind.ADVANCED, ChangeKind.RE_ESCALATED})


def case_policy(case: EscalationCase) -> PolicySpec:
    """The version the case is pinned to (it keeps it to the end, whatever its team follows
    later); read once per process (published versions never change)."""
    return version_spec(case.policy_version_id)


@dataclass(frozen=True)
class Deadline:
    due_on: dt.date | None
    rule: str


def stage_deadline(
    *,
    policy: PolicySpec,
    stage: Stage,
    learner: Learner,
    start: dt.date,
    due_on: dt.date | None = None,
) -> Deadline:
    """The stage's due date and the words of the rule that set it."""
    days = stage.deadline_for(learner.programme_type, learner.nation)
    if days is not None:
        programme = learner.get_programme_type_display().lower()
        return Deadline(
            add_working_days(start, days, nation=learner.nation),
            f"{days} working days: {policy.short_name} {stage.name}, {programme}",
        )
    if stage.deadline_set_by_person:
        if due_on is None:
            raise ValidationError({"due_on": f"{stage.name} needs a due date (the time plan)."})
        if due_on <= start:
            raise ValidationError({"due_on": "The due date must be after today."})
        return Deadline(due_on, f"Time plan set when {stage.name} started ({policy.short_name})")
    return Deadline(None, "")


def stage_change_build(
    *,
    case: EscalationCase,
    kind: str,
    from_stage: str,
    from_status: str,
    by: AbstractBaseUser | None,
    reason: str,
    at: dt.datetime,
    move_key: str = "",
) -> StageChange:
    """Count the change on the case and build (unsaved) its history row; the caller saves
    both (one at a time, or a sweep's batch with bulk_update and bulk_create)."""
    case.change_count += 1
    return StageChange(
        case=case,
        sequence=case.change_count,
        kind=kind,
        from_stage=from_stage,
        to_stage=case.stage,
        from_status=from_status,
        to_status=case.status,
        at=at,
        by=by,
        by_sweep=by is None,
        reason=reason,
        due_on=case.stage_due_on,
        due_rule=case.due_rule,
        policy_version_id=case.policy_version_id,
        move_key=move_key,
    )


def change_raises_withdrawal(*, case: EscalationCase, kind: str) -> bool:
    """Whether this change (already applied to the case) brings it to its withdrawal stage."""
    return (
        kind in RAISES_WITHDRAWAL
        and case.status == CaseStatus.OPEN
        and case_policy(case).stage(case.stage).withdrawal
    )


def stage_change_record(
    *,
    case: EscalationCase,
    kind: str,
    from_stage: str,
    from_status: str,
    by: AbstractBaseUser | None,
    reason: str,
    at: dt.datetime,
) -> StageChange:
    """Write the case's next history row (and save the case it describes)."""
    change = stage_change_build(
        case=case,
        kind=kind,
        from_stage=from_stage,
        from_status=from_status,
        by=by,
        reason=reason,
        at=at,
    )
    case.save()
    change.save(force_insert=True)
    if change_raises_withdrawal(case=case, kind=kind):
        withdrawal_request_create(case=case, by=by, grounds=reason, at=at)
    elif kind in (ChangeKind.STEPPED_DOWN, ChangeKind.CLOSED):
        # Success (stepped down, back on track) ends any withdrawal still in progress.
        withdrawal_requests_cancel(case=case, by=by, reason=reason, at=at)
    return change


def case_stage_start(case: EscalationCase, stage: Stage, at: dt.datetime, due_on=None) -> None:
    deadline = stage_deadline(
        policy=case_policy(case),
        stage=stage,
        learner=case.learner,
        start=timezone.localtime(at).date(),
        due_on=due_on,
    )
    case.stage, case.stage_started_at = stage.key, at
    case.stage_due_on, case.due_rule = deadline.due_on, deadline.rule


# Changes that start a stage afresh (its deadline and checklist restart): its letter is due again.
STAGE_STARTS = (
    ChangeKind.OPENED,
    ChangeKind.ADVANCED,
    ChangeKind.RE_ESCALATED,
    ChangeKind.REINSTATED,
)


def stage_start_sequence(case: EscalationCase) -> int:
    """The sequence of the StageChange that started the case's current stage."""
    return (
        case.changes.filter(kind__in=STAGE_STARTS)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
        or 0
    )


def case_stage_letter(case: EscalationCase) -> StageLetter | None:
    """The letter sent (or the reason recorded for not sending it) since the stage started."""
    return (
        StageLetter.objects.filter(
            case=case, stage_key=case.stage, change_sequence=stage_start_sequence(case)
        )
        .select_related("contact_entry", "by")
        .first()
    )


def case_stage_notified(case: EscalationCase) -> bool:
    """Policy: a stage with a letter is notified once its letter has been sent or a reason
    given for not sending it. A stage without a letter needs nothing."""
    if not case_policy(case).stage(case.stage).letter:
        return True
    return case_stage_letter(case) is not None


def case_active(*, learner: Learner) -> EscalationCase | None:
    return learner.cases.filter(status__in=ACTIVE_STATUSES).first()


def case_open(
    *, learner: Learner, by: AbstractBaseUser | None, reason: str, stage_key: str | None = None
) -> EscalationCase:
    """First risk identified: open a case at the first stage of the version the learner's team
    follows (or ``stage_key``). A learner already in a case keeps that case; nothing new is
    opened."""
    with transaction.atomic():
        learner = learner_lock(learner=learner)
        existing = case_active(learner=learner)
        if existing is not None:
            return existing
        policy = learner_policy(learner=learner)
        stage = policy.stage(stage_key) if stage_key else policy.stages[0]
        now = timezone.now()
        case = EscalationCase(learner=learner, policy_version_id=policy.version_id, opened_at=now)
        case_stage_start(case, stage, now)
        case.save()
        stage_change_record(
            case=case,
            kind=ChangeKind.OPENED,
            from_stage="",
            from_status="",
            by=by,
            reason=reason,
            at=now,
        )
    return case


def _check_move(case: EscalationCase, kind: str) -> None:
    allowed_from, _ = TRANSITIONS[kind]
    if case.status not in allowed_from:
        raise IllegalMove(
            f"A case that is {case.get_status_display().lower()} cannot be "
            f"{ChangeKind(kind).label.lower()}."
        )


def _locked(case: EscalationCase) -> EscalationCase:
    return EscalationCase.objects.select_for_update().select_related("learner").get(pk=case.pk)


def case_advance(
    *,
    case: EscalationCase,
    by: AbstractBaseUser | None,
    reason: str,
    due_on: dt.date | None = None,
    expected_stage: str | None = None,
) -> EscalationCase:
    """Move to the next stage (by the stage's role with a reason, or by the sweep). A person's
    move is announced by escalation.case_moves.case_move, which calls this.

    Locks: the case row (SELECT ... FOR UPDATE) until the transaction ends."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the case moves to the next stage."})
    with transaction.atomic():
        case = _locked(case)
        if expected_stage is not None and case.stage != expected_stage:
            raise IllegalMove("The case has moved on since this page was loaded.")
        _check_move(case, ChangeKind.ADVANCED)
        next_stage = case_policy(case).next_stage(case.stage)
        if next_stage is None:
            raise IllegalMove(
                f"{case_policy(case).stage(case.stage).name} is the last stage: it hands over "
                "to the withdrawal process."
            )
        # People record the stage as notified first; the sweep (by=None) still moves overdue
        # cases on, as the policy's deadlines require.
        if by is not None and not case_stage_notified(case):
            stage = case_policy(case).stage(case.stage)
            raise IllegalMove(
                f"{stage.name} has not been notified: send its letter, or record why it was not "
                "sent, before moving the case on."
            )
        from_stage, from_status = case.stage, case.status
        now = timezone.now()
        case_stage_start(case, next_stage, now, due_on=due_on)
        stage_change_record(
            case=case,
            kind=ChangeKind.ADVANCED,
            from_stage=from_stage,
            from_status=from_status,
            by=by,
            reason=reason.strip(),
            at=now,
        )
    return case


def case_step_down(*, case: EscalationCase, by: AbstractBaseUser, reason: str) -> EscalationCase:
    """Policy: "if this intervention is successful, a support contract is to be put in place"
    and the case steps down. Needs a support contract agreed since the case opened.

    Locks: the case row (SELECT ... FOR UPDATE) until the transaction ends."""
    with transaction.atomic():
        case = _locked(case)
        _check_move(case, ChangeKind.STEPPED_DOWN)
        has_contract = case.learner.support_records.filter(
            kind=SupportKind.SUPPORT_CONTRACT, created_at__gte=case.opened_at
        ).exists()
        if not has_contract:
            raise IllegalMove("Agree a support contract with the learner before stepping down.")
        from_status = case.status
        case.status, case.stage_due_on = CaseStatus.STEPPED_DOWN, None
        case.due_rule = "Support contract in place: no stage deadline"
        stage_change_record(
            case=case,
            kind=ChangeKind.STEPPED_DOWN,
            from_stage=case.stage,
            from_status=from_status,
            by=by,
            reason=reason.strip() or "Support contract agreed.",
            at=timezone.now(),
        )
    return case


def case_re_escalate(
    *, case: EscalationCase, by: AbstractBaseUser, reason: str, due_on: dt.date | None = None
) -> EscalationCase:
    """The support contract has not worked: resume the stage the case stepped down from.

    Locks: the case row (SELECT ... FOR UPDATE) until the transaction ends."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the case is escalated again."})
    with transaction.atomic():
        case = _locked(case)
        _check_move(case, ChangeKind.RE_ESCALATED)
        from_status = case.status
        now = timezone.now()
        case.status = CaseStatus.OPEN
        case_stage_start(case, case_policy(case).stage(case.stage), now, due_on=due_on)
        stage_change_record(
            case=case,
            kind=ChangeKind.RE_ESCALATED,
            from_stage=case.stage,
            from_status=from_status,
            by=by,
            reason=reason.strip(),
            at=now,
        )
    return case


def case_close_on_track(
    *, case: EscalationCase, by: AbstractBaseUser, reason: str
) -> EscalationCase:
    """Back on track: the case closes and the learner leaves the at-risk register.

    Locks: the case row (SELECT ... FOR UPDATE) until the transaction ends."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the learner is back on track."})
    with transaction.atomic():
        case = _locked(case)
        _check_move(case, ChangeKind.CLOSED)
        from_status = case.status
        now = timezone.now()
        case.status, case.closed_at, case.stage_due_on = CaseStatus.CLOSED_ON_TRACK, now, None
        stage_change_record(
            case=case,
            kind=ChangeKind.CLOSED,
            from_stage=case.stage,
            from_status=from_status,
            by=by,
            reason=reason.strip(),
            at=now,
        )
    return case


def case_withdrawal_rejected(
    *, case: EscalationCase, by: AbstractBaseUser, reason: str
) -> EscalationCase:
    """A director rejected the Notification of Withdrawal: the case stays at its last stage,
    and its history says why."""
    case = _locked(case)
    _check_move(case, ChangeKind.WITHDRAWAL_REJECTED)
    stage_change_record(
        case=case,
        kind=ChangeKind.WITHDRAWAL_REJECTED,
        from_stage=case.stage,
        from_status=case.status,
        by=by,
        reason=reason,
        at=timezone.now(),
    )
    return case


def case_withdraw(*, case: EscalationCase, by: AbstractBaseUser, reason: str) -> EscalationCase:
    """The withdrawal is complete (approved, and agreed by the employer where needed)."""
    case = _locked(case)
    _check_move(case, ChangeKind.WITHDRAWN)
    if not case_policy(case).stage(case.stage).withdrawal:
        raise IllegalMove("Only a case at the withdrawal stage can end in a withdrawal.")
    from_status = case.status
    now = timezone.now()
    case.status, case.closed_at, case.stage_due_on = CaseStatus.WITHDRAWN, now, None
    case.due_rule = ""
    stage_change_record(
        case=case,
        kind=ChangeKind.WITHDRAWN,
        from_stage=case.stage,
        from_status=from_status,
        by=by,
        reason=reason,
        at=now,
    )
    return case


def case_reinstate(
    *,
    case: EscalationCase,
    by: AbstractBaseUser,
    reason: str,
    stage_key: str,
    due_on: dt.date | None = None,
) -> EscalationCase:
    """An appeal overturned the withdrawal: the case reopens at the stage the director chose."""
    case = _locked(case)
    _check_move(case, ChangeKind.REINSTATED)
    if case_active(learner=case.learner) is not None:
        raise IllegalMove("The learner already has another open case.")
    from_stage, from_status = case.stage, case.status
    now = timezone.now()
    case.status, case.closed_at = CaseStatus.OPEN, None
    case_stage_start(case, case_policy(case).stage(stage_key), now, due_on=due_on)
    stage_change_record(
        case=case,
        kind=ChangeKind.REINSTATED,
        from_stage=from_stage,
        from_status=from_status,
        by=by,
        reason=reason,
        at=now,
    )
    return case
