"""Step 3a of seed_demo: every stage of every team's ladder holds a learner, so each policy can
be seen working (a manager of each team finds cases at each of its stages; some overdue).

For each team, each stage of the version its policy has in effect that no active case of the
team is at yet gets a learner: one on programme with no case and no records, whose case opens
the way the version's drivers open one (a rating the version opens cases at, or the ladder's
own start, as BPN's inactivity clock does) and is then moved on stage by stage by the people the
version allows, through the same actions the case page uses, on the days it happened. The
learner's last attended session is recorded before the case opened (the activity builder then
leaves them alone, so an inactivity ladder is not stopped by activity invented afterwards).

Keyed on the stages already occupied, so a rerun adds nothing."""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils import timezone

from demo.moves import case_move_on
from demo.timeline import at, on
from escalation.calendar import add_working_days, is_working_day
from escalation.learner_actions import learner_rate
from escalation.models import ACTIVE_STATUSES, EscalationCase
from escalation.services import case_open
from learners.models import (
    Attendance,
    BreakInLearning,
    Learner,
    LearnerStatus,
    RecordSource,
    ScheduledSession,
    Team,
)
from learners.policy_reading import team_policy
from policies.spec import PolicySpec

# Working days each demo case spends at a stage before it is moved on (under every shipped
# deadline, so only the case waiting at its current stage can be overdue).
DAYS_PER_STAGE = 4
# How long ago the team's withdrawn learner reached the withdrawal stage.
WITHDRAWN_WORKING_DAYS_AGO = 40
# The first case of each team is left longer at its stage than its deadline allows.
OVERDUE_EXTRA_DAYS = 9


def _working_days_back(day: dt.date, days: int, nation: str) -> dt.date:
    while days > 0:
        day -= dt.timedelta(days=1)
        if is_working_day(day, nation=nation):
            days -= 1
    return day


def _open(learner: Learner, policy: PolicySpec, when: dt.datetime) -> EscalationCase:
    with on(when):
        levels = sorted(policy.drivers.rating_levels)
        if levels:
            learner_rate(
                learner=learner,
                level=levels[-1] if "medium" not in levels else "medium",
                reason="Behind plan and missing sessions; first risk identified.",
                by=learner.tutor,
            )
            return EscalationCase.objects.get(learner=learner, status__in=ACTIVE_STATUSES)
        return case_open(
            learner=learner,
            by=None,
            reason="No recorded activity since the last attended session.",
        )


def _walk(learner: Learner, policy: PolicySpec, target: int, *, day: dt.date) -> None:
    """Open the learner's case on ``day`` and move it on to the ``target``-th stage, a stage
    every DAYS_PER_STAGE working days."""
    nation = learner.nation
    last_seen = _working_days_back(day, (policy.drivers.inactivity_days or 10) + 1, nation)
    ScheduledSession.objects.create(
        learner=learner,
        source=RecordSource.IMPORT,
        title="Workshop",
        occurred_on=last_seen,
        attendance=Attendance.ATTENDED,
    )
    case = _open(learner, policy, at(day, 10))
    for _ in range(target):
        day = add_working_days(day, DAYS_PER_STAGE, nation=nation)
        reason = "No improvement at this stage; moved on as the policy sets out."
        moved = case_move_on(case, at(day, 14), reason)
        if moved is None:
            break
        case = moved


def _candidates(team: Team):
    has_records = Exists(ScheduledSession.objects.filter(learner=OuterRef("pk"))) | Exists(
        BreakInLearning.objects.filter(learner=OuterRef("pk"))
    )
    has_case = Exists(EscalationCase.objects.filter(learner=OuterRef("pk")))
    return (
        Learner.objects.filter(
            team=team,
            status=LearnerStatus.ON_PROGRAMME,
            archived=False,
            # Started well before the ladder's first day, and not in the first-days window.
            start_date__lt=timezone.localdate() - dt.timedelta(days=120),
        )
        .exclude(has_records)
        .exclude(has_case)
        .select_related("tutor", "team")
        .order_by("uln")
    )


def _has_withdrawn(team: Team) -> bool:
    return EscalationCase.objects.filter(learner__team=team, status="withdrawn").exists()


def seed(*, stdout) -> tuple[set[int], set[int]]:
    """Place the learners; returns their ids (the withdrawal stories leave their requests
    waiting for a director) and those of the learners whose withdrawal is to complete."""
    today = timezone.localdate()
    placed: set[int] = set()
    to_withdraw: set[int] = set()
    for team in Team.objects.order_by("name"):
        policy = team_policy(team=team)
        occupied = set(
            EscalationCase.objects.filter(
                learner__team=team,
                status__in=ACTIVE_STATUSES,
                policy_version_id=policy.version_id,
            ).values_list("stage", flat=True)
        )
        candidates = iter(list(_candidates(team)[: len(policy.stages) + 1]))
        for index, stage in enumerate(policy.stages):
            if stage.key in occupied:
                continue
            learner = next(candidates, None)
            if learner is None:
                break
            # The first stage's case waits past its deadline: the overdue work of the morning.
            extra = OVERDUE_EXTRA_DAYS if index == 0 else 0
            days_back = DAYS_PER_STAGE * (index + 1) + extra
            day = _working_days_back(today, days_back, learner.nation)
            _walk(learner, policy, index, day=day)
            placed.add(learner.pk)
        withdrawal = [i for i, stage in enumerate(policy.stages) if stage.withdrawal]
        learner = next(candidates, None)
        if withdrawal and learner is not None and not _has_withdrawn(team):
            # One learner reached the withdrawal stage about eight weeks ago: the leaver panel's
            # last cycle has them (demo/escalation.py completes the withdrawal).
            days_back = DAYS_PER_STAGE * withdrawal[0] + WITHDRAWN_WORKING_DAYS_AGO
            day = _working_days_back(today, days_back, learner.nation)
            _walk(learner, policy, withdrawal[0], day=day)
            placed.add(learner.pk)
            to_withdraw.add(learner.pk)
    stdout.write(f"ladders: {len(placed)} learners placed so every stage of every ladder is used")
    return placed, to_withdraw
