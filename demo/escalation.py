"""Step 3 of seed_demo: escalation cases for the learners rated Medium or High, at every stage,
some overdue, some stepped down under a support contract. Histories are written with the dates
they happened on; learners who already have a case are left alone, so a rerun adds nothing."""

import datetime as dt
import random

from django.db.models import Exists, OuterRef
from django.utils import timezone

from demo import activity as demo_activity
from demo import breaks as demo_breaks
from demo import letters as demo_letters
from demo import withdrawals as demo_withdrawals
from demo.factories import SupportRecordFactory
from escalation.models import CaseStatus, ChangeKind, EscalationCase
from escalation.services import stage_change_record, stage_deadline
from learners.models import Learner, LearnerStatus
from learners.policies import active_preset
from riskcases.models import RiskRating, SupportKind


def _change(case, kind, from_stage, from_status, at, reason, by):
    stage_change_record(
        case=case,
        kind=kind,
        from_stage=from_stage,
        from_status=from_status,
        by=by,
        reason=reason,
        at=at,
    )


def _enter(case, preset, stage, at, learner):
    deadline = stage_deadline(
        preset=preset,
        stage=stage,
        learner=learner,
        start=timezone.localtime(at).date(),
        due_on=timezone.localtime(at).date() + dt.timedelta(days=21),
    )
    case.stage, case.stage_started_at = stage.key, at
    case.stage_due_on, case.due_rule = deadline.due_on, deadline.rule


def _story(learner: Learner, rating: RiskRating, now: dt.datetime) -> None:
    preset = active_preset()
    rng = random.Random(int(learner.uln) + 7)
    at = rating.started_at
    case = EscalationCase(learner=learner, preset_key=preset.key, opened_at=at)
    _enter(case, preset, preset.stages[0], at, learner)
    case.save()
    _change(
        case,
        ChangeKind.OPENED,
        "",
        "",
        at,
        f"Rated {preset.label(rating.level)}: {rating.reason}",
        learner.tutor,
    )
    # High ratings have usually gone on into the formal stages; some as far as the last.
    steps = rng.choice([0, 1, 1, 2, 2, 3]) if rating.level == "high" else rng.choice([0, 0, 1])
    for _ in range(steps):
        next_stage = preset.next_stage(case.stage)
        if next_stage is None:
            break
        start = at + dt.timedelta(days=rng.randint(1, 3))
        if case.stage_due_on is not None:
            due_start = timezone.make_aware(
                dt.datetime.combine(case.stage_due_on + dt.timedelta(days=1), dt.time(6, 30))
            )
            by_sweep = rng.random() < 0.6
            start = due_start if by_sweep else start
        else:
            by_sweep = False
        if start >= now:
            break  # its deadline has not passed yet: the case waits at this stage
        from_stage = case.stage
        _enter(case, preset, next_stage, start, learner)
        reason = (
            "The deadline passed with no success recorded, so the sweep moved the case on."
            if by_sweep
            else "No response to the contact attempts; moved on by the tutor."
        )
        _change(
            case,
            ChangeKind.ADVANCED,
            from_stage,
            CaseStatus.OPEN,
            start,
            reason,
            None if by_sweep else learner.tutor,
        )
        at = start
    if steps and rng.random() < 0.2 and not preset.stage(case.stage).withdrawal:
        contract_day = timezone.localtime(at).date() + dt.timedelta(days=2)
        if contract_day < now.date():
            SupportRecordFactory(
                learner=learner,
                kind=SupportKind.SUPPORT_CONTRACT,
                agreed_on=contract_day,
                created_by=learner.tutor,
                summary="Learner re-engaged: weekly sessions and a catch-up plan agreed.",
            )
            case.status, case.stage_due_on = CaseStatus.STEPPED_DOWN, None
            case.due_rule = "Support contract in place: no stage deadline"
            _change(
                case,
                ChangeKind.STEPPED_DOWN,
                case.stage,
                CaseStatus.OPEN,
                timezone.make_aware(dt.datetime.combine(contract_day, dt.time(15))),
                "Support contract agreed.",
                learner.tutor,
            )
    case.save()


def seed(*, stdout) -> None:
    now = timezone.now()
    ratings = (
        RiskRating.objects.filter(
            ended_at__isnull=True,
            level__in=active_preset().support_plan_prompt_levels,
            learner__archived=False,
            learner__status__in=[LearnerStatus.ON_PROGRAMME, LearnerStatus.BREAK_IN_LEARNING],
        )
        .exclude(Exists(EscalationCase.objects.filter(learner=OuterRef("learner"))))
        .select_related("learner__tutor")
        .order_by("learner__uln")
    )
    count = 0
    for rating in ratings:
        _story(rating.learner, rating, now)
        count += 1
    stdout.write(f"escalation: {count} new cases")
    demo_activity.seed(stdout=stdout, today=timezone.localdate())
    demo_breaks.seed(stdout=stdout, today=timezone.localdate())
    demo_withdrawals.seed(stdout=stdout)
    demo_letters.seed(stdout=stdout)
