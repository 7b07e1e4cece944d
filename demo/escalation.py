"""Step 3 of seed_demo: the escalation cases the rating rises opened (demo/riskcases.py, through
learner_rate) carried on as they would have been: moved on by the overdue sweep the morning after
a passed deadline (the sweep's own one-case service), or by the tutor through the case page's
action once the stage letter is sent; a few stepped down by a support contract agreed through
support_agree. Each step runs on the day it happened (time-machine), so the history, the
withdrawal requests and the notifications they raise carry real dates.

Keyed on the cases still where the rating opened them (first stage, one history row) whose
learner has no activity records yet: the activity builder, run next, gives every current learner
some, so a rerun finds no case to carry on and adds nothing."""

import datetime as dt
import random

from django.db.models import Exists, OuterRef
from django.utils import timezone

from demo import activity as demo_activity
from demo import breaks as demo_breaks
from demo import ladders as demo_ladders
from demo import letters as demo_letters
from demo import rating_stories as demo_rating_stories
from demo import withdrawals as demo_withdrawals
from demo.moves import case_move_on
from demo.timeline import at, on
from escalation.learner_actions import support_agree
from escalation.models import CaseStatus, EscalationCase
from escalation.services import case_policy
from escalation.sweeps.overdue import case_advance_if_overdue
from learners.models import BreakInLearning, LearnerStatus, ScheduledSession
from riskcases.models import RiskLevel, SupportKind

TUTOR_REASON = "No response to the contact attempts; moved on by the tutor."


def _tutor_advance(case: EscalationCase, when: dt.datetime) -> bool:
    """As on the case page: the stage letter (and whatever else the move requires) first, then
    the version's forward move. False when no person may move the case on from its stage."""
    return case_move_on(case, when, TUTOR_REASON) is not None


def _story(case: EscalationCase, level: str, rated_at: dt.datetime, now: dt.datetime) -> None:
    preset = case_policy(case)
    learner = case.learner
    rng = random.Random(int(learner.uln) + 7)
    when = rated_at
    # High ratings have usually gone on into the formal stages; some as far as the last.
    steps = rng.choice([0, 1, 1, 2, 2, 3]) if level == RiskLevel.HIGH else rng.choice([0, 0, 1])
    for _ in range(steps):
        if preset.next_stage(case.stage) is None:
            break
        start = when + dt.timedelta(days=rng.randint(1, 3))
        by_sweep = False
        if case.stage_due_on is not None:
            by_sweep = rng.random() < 0.6
            if by_sweep:  # the 06:30 sweep, the morning after the deadline
                start = at(case.stage_due_on + dt.timedelta(days=1), 6, 30)
        if start >= now:
            break  # its deadline has not passed yet: the case waits at this stage
        if by_sweep:
            with on(start):
                moved = case_advance_if_overdue(case_id=case.pk, today=start.date())
            if not moved:
                break  # success was recorded at this stage: the sweep leaves it
        elif not _tutor_advance(case, start):
            break
        case.refresh_from_db()
        when = start
    if steps and rng.random() < 0.2 and not preset.stage(case.stage).withdrawal:
        contract_day = timezone.localtime(when).date() + dt.timedelta(days=2)
        if contract_day < now.date():
            with on(at(contract_day, 15)):
                support_agree(
                    learner=learner,
                    by=learner.tutor,
                    kind=SupportKind.SUPPORT_CONTRACT,
                    summary="Learner re-engaged: weekly sessions and a catch-up plan agreed.",
                    agreed_on=contract_day,
                )


def seed(*, stdout) -> None:
    now = timezone.now()
    has_records = Exists(ScheduledSession.objects.filter(learner=OuterRef("learner"))) | Exists(
        BreakInLearning.objects.filter(learner=OuterRef("learner"))
    )
    cases = (
        EscalationCase.objects.filter(
            status=CaseStatus.OPEN,
            change_count=1,
            learner__archived=False,
            learner__status__in=[LearnerStatus.ON_PROGRAMME, LearnerStatus.BREAK_IN_LEARNING],
        )
        .exclude(has_records)
        .select_related("learner__tutor", "learner__employer")
        .order_by("learner__uln")
    )
    count = 0
    for case in cases:
        if case.stage != case_policy(case).stages[0].key:
            continue
        rating = case.learner.ratings.get(ended_at__isnull=True)
        _story(case, rating.level, rating.started_at, now)
        count += 1
    stdout.write(f"escalation: {count} cases carried on from the ratings that opened them")
    demo_withdrawals.advance_overdue_to_withdrawal(timezone.localdate())
    placed, to_withdraw = demo_ladders.seed(stdout=stdout)
    demo_activity.seed(stdout=stdout, today=timezone.localdate())
    demo_breaks.seed(stdout=stdout, today=timezone.localdate())
    demo_withdrawals.seed(stdout=stdout, leave_waiting=placed)
    demo_withdrawals.withdrawals_complete(learner_ids=to_withdraw)
    demo_withdrawals.outside_the_ladder(stdout=stdout, today=timezone.localdate())
    demo_letters.seed(stdout=stdout)
    demo_rating_stories.seed(stdout=stdout)
