"""Case writes. Every change of status is in TRANSITIONS; a refused move raises; every move
writes one append-only StageChange row. Deadlines come from the case's policy version and the
working-day calendar.

The moves a version declares are made by escalation/case_moves.py (the engine: which move,
who, what must be on the record). ``case_advance``, ``case_step_down``, ``case_re_escalate``
and ``case_close_on_track`` stay here for their callers (the sweeps' one-case path, support
agreements, imports, seed_demo, tests) as thin wrappers over that engine.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
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
    ChangeKind.MOVED_BACK: (frozenset({CaseStatus.OPEN}), CaseStatus.OPEN),
    ChangeKind.EXTENDED: (frozenset({CaseStatus.OPEN}), CaseStatus.OPEN),
    # A break in learning rests the case (see case_moves.py for why it is not closed).
    ChangeKind.BREAK_STARTED: (frozenset(ACTIVE_STATUSES), CaseStatus.STEPPED_DOWN),
    # Raising a withdrawal leaves the case open at its stage until a director decides (one
    # raised outside the ladder may come from a stepped-down case: the learner decided to go).
    ChangeKind.WITHDRAWAL_RAISED: (frozenset(ACTIVE_STATUSES), CaseStatus.OPEN),
    ChangeKind.TERMINATION_NOTIFIED: (frozenset({CaseStatus.OPEN}), CaseStatus.OPEN),
}

# Moves that bring a case to the withdrawal stage afresh, so they raise its Notification of
# Withdrawal. A rejection or a reinstatement does not: a person raises the next one by hand.
RAISES_WITHDRAWAL = frozenset(
    {ChangeKind.OPENED, ChangeKind.ADVANCED, ChangeKind.RE_ESCALATED, ChangeKind.MOVED_BACK}
)
# Changes that end a withdrawal still in progress: success, or a break instead of leaving.
CANCELS_WITHDRAWAL = frozenset(
    {ChangeKind.STEPPED_DOWN, ChangeKind.CLOSED, ChangeKind.BREAK_STARTED}
)


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
    move_key: str = "",
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
        move_key=move_key,
    )
    case.save()
    change.save(force_insert=True)
    if change_starts_stage(change):
        from escalation.case_tasks import case_stage_tasks_set  # it reads this module

        case_stage_tasks_set(case=case, change_sequence=change.sequence, at=at)
    if change_raises_withdrawal(case=case, kind=kind):
        withdrawal_request_create(case=case, by=by, grounds=reason, at=at)
    elif kind in CANCELS_WITHDRAWAL:
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
    ChangeKind.MOVED_BACK,
)


def change_starts_stage(change: StageChange) -> bool:
    """Whether the change starts a stage afresh (its dated tasks are set again)."""
    return change.kind in STAGE_STARTS or (
        change.kind == ChangeKind.EXTENDED and change.from_stage != change.to_stage
    )


def stage_start_sequence(case: EscalationCase) -> int:
    """The sequence of the StageChange that started the case's current stage (an extension
    starts one only when it moved the case to another stage, as Makers' "extend the formal
    support at stage 3" from stage 4 does)."""
    extension_restarted = Q(kind=ChangeKind.EXTENDED) & ~Q(from_stage=F("to_stage"))
    return (
        case.changes.filter(Q(kind__in=STAGE_STARTS) | extension_restarted)
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


def _engine():
    # case_moves sits above this module (it reads the version's moves and announces); these
    # wrappers are kept for their callers and make their moves through it.
    from escalation import case_moves

    return case_moves


def case_advance(
    *,
    case: EscalationCase,
    by: AbstractBaseUser | None,
    reason: str,
    due_on: dt.date | None = None,
    expected_stage: str | None = None,
) -> EscalationCase:
    """The version's forward move from the case's stage: a person's (its requirements checked,
    the stage letter among them where the version says so), or with ``by`` None the sweep's.
    Tells nobody: escalation.case_moves.case_move is the action that announces.

    Locks: the learner's and the case's rows until the transaction ends."""
    return _engine().case_move_make(
        case=case,
        by=by,
        reason=reason,
        kind="forward",
        due_on=due_on,
        expected_stage=expected_stage,
        check_roles=False,
    )


def case_step_down(*, case: EscalationCase, by: AbstractBaseUser, reason: str) -> EscalationCase:
    """Policy: "if this intervention is successful, a support contract is to be put in place"
    and the case steps down: the version's step_down move from the case's stage (needing, as
    the shipped versions say, a support contract agreed since the case opened)."""
    return _engine().case_move_make(
        case=case, by=by, reason=reason, kind="step_down", check_roles=False
    )


def case_re_escalate(
    *, case: EscalationCase, by: AbstractBaseUser, reason: str, due_on: dt.date | None = None
) -> EscalationCase:
    """The support contract has not worked: the version's re_escalate move (the stage the case
    stepped down from starts again)."""
    return _engine().case_move_make(
        case=case, by=by, reason=reason, kind="re_escalate", due_on=due_on, check_roles=False
    )


def case_close_on_track(
    *, case: EscalationCase, by: AbstractBaseUser, reason: str
) -> EscalationCase:
    """Back on track: the version's close move; the learner leaves the at-risk register."""
    return _engine().case_move_make(
        case=case, by=by, reason=reason, kind="close", check_roles=False
    )


def case_withdrawal_rejected(
    *, case: EscalationCase, by: AbstractBaseUser, reason: str
) -> EscalationCase:
    """A director rejected the Notification of Withdrawal: the case stays at its stage, and its
    history says why. A withdrawal raised outside the ladder paused the stage's deadline: the
    stage's deadline runs again from today."""
    case = _locked(case)
    _check_move(case, ChangeKind.WITHDRAWAL_REJECTED)
    stage = case_policy(case).stage(case.stage)
    if case.stage_due_on is None and not stage.withdrawal:
        deadline = stage_deadline(
            policy=case_policy(case), stage=stage, learner=case.learner, start=timezone.localdate()
        )
        case.stage_due_on, case.due_rule = deadline.due_on, deadline.rule
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


# Moves that put a case forward for withdrawal through a director (policies/spec.py).
WITHDRAWAL_MOVE_KINDS = ("withdrawal", "termination")


def stage_may_end_in_withdrawal(*, policy: PolicySpec, stage_key: str) -> bool:
    """A withdrawal stage, or one a withdrawal or termination move is made from or leads to."""
    if policy.stage(stage_key).withdrawal:
        return True
    return any(
        move.kind in WITHDRAWAL_MOVE_KINDS
        and (move.allowed_from(stage_key) or move.to_stage == stage_key)
        for move in policy.moves
    )


def case_withdraw(*, case: EscalationCase, by: AbstractBaseUser, reason: str) -> EscalationCase:
    """The withdrawal is complete (approved, and agreed by the employer where needed)."""
    case = _locked(case)
    _check_move(case, ChangeKind.WITHDRAWN)
    if not stage_may_end_in_withdrawal(policy=case_policy(case), stage_key=case.stage):
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
