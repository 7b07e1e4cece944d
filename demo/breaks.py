"""Step 3c of seed_demo: a few learners on programme put on breaks in learning through the
break actions, as a tutor would have recorded them weeks ago: one past its expected return date,
one who gave a new date, one who has returned. The actions queue the learners' trigger evaluation
for after the commit; the seed also runs it at once to report what fired.

Keyed on the breaks staff recorded (the import-style breaks of demo_activity are source
"import"): once any exists, a rerun adds nothing."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from escalation.breaks import break_end, break_return_date_set, break_start
from escalation.models import RiskNotification
from escalation.triggers.evaluate import triggers_evaluate
from learners.models import (
    BreakInLearning,
    Learner,
    LearnerStatus,
    ProgressEvent,
    ProgressSnapshot,
    RecordSource,
    ScheduledSession,
    Submission,
    Visit,
    WorkAbsence,
)

DEMO_TUTOR = "tutor"  # the first demo login: their reminder list shows these breaks


@dataclass(frozen=True)
class DemoBreak:
    weeks_ago: int
    back_in_weeks: int  # expected return, from today; negative: already passed
    reason: str
    new_date_in_weeks: int | None = None  # the learner later gave a new date
    returned_weeks_ago: int | None = None


DEMO_BREAKS = (
    DemoBreak(3, 5, "Caring responsibilities: a parent's operation and recovery"),
    DemoBreak(9, -1, "Health: recovering from surgery"),
    DemoBreak(6, 1, "Change of job role at the employer", new_date_in_weeks=4),
    DemoBreak(12, -4, "Bereavement", returned_weeks_ago=2),
    DemoBreak(2, 10, "Maternity leave"),
)


def _candidates(today: dt.date) -> list[Learner]:
    """On programme, never on a break, started before the longest demo break began, and with
    no risk notification yet (one citing sessions that _clear_demo_activity removes would read
    oddly)."""
    any_break = Exists(BreakInLearning.objects.filter(learner=OuterRef("pk")))
    notified = Exists(RiskNotification.objects.filter(learner=OuterRef("pk")))
    started_by = today - dt.timedelta(weeks=max(plan.weeks_ago for plan in DEMO_BREAKS) + 1)
    on_programme = (
        Learner.objects.filter(
            status=LearnerStatus.ON_PROGRAMME, archived=False, start_date__lte=started_by
        )
        .exclude(any_break)
        .exclude(notified)
        .select_related("tutor")
        .order_by("uln")
    )
    mine = list(on_programme.filter(tutor__username=DEMO_TUTOR))
    return mine + list(on_programme.exclude(tutor__username=DEMO_TUTOR))


def _clear_demo_activity(learner: Learner, start: dt.date, end: dt.date) -> None:
    """demo_activity made up sessions, visits and the rest up to today; a break has none."""
    for model in (
        ScheduledSession,
        Submission,
        ProgressEvent,
        ProgressSnapshot,
        Visit,
        WorkAbsence,
    ):
        model.objects.filter(learner=learner, occurred_on__range=(start, end)).delete()


def _put_on_break(learner: Learner, plan: DemoBreak, today: dt.date) -> None:
    week = dt.timedelta(weeks=1)
    started_on = today - plan.weeks_ago * week
    expected = max(today + plan.back_in_weeks * week, started_on + week)
    by = learner.tutor
    break_start(
        learner=learner,
        started_on=started_on,
        expected_return_on=expected,
        reason=plan.reason,
        by=by,
    )
    if plan.new_date_in_weeks is not None:
        new_date = today + plan.new_date_in_weeks * week
        break_return_date_set(learner=learner, expected_return_on=new_date, by=by)
    end = today
    if plan.returned_weeks_ago is not None:
        end = max(today - plan.returned_weeks_ago * week, started_on)
        break_end(learner=learner, returned_on=end, by=by)
    _clear_demo_activity(learner, started_on, end)


def seed(*, stdout, today: dt.date) -> None:
    if BreakInLearning.objects.filter(source=RecordSource.TUTOR).exists():
        stdout.write("breaks: already seeded")
        return
    learners = _candidates(today)[: len(DEMO_BREAKS)]
    for learner, plan in zip(learners, DEMO_BREAKS, strict=False):
        _put_on_break(learner, plan, today)
    result = triggers_evaluate(today=today, learner_ids=[learner.pk for learner in learners])
    stdout.write(
        f"breaks: {len(learners)} learners put on a break in learning; triggers fired "
        f"{len(result['fired'])} risk notifications"
    )
