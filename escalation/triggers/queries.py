"""Set-based building blocks the trigger kinds' "holding" queries share: runs of the latest
records, counts in a window, the latest record's date, breaks in learning, activity and
replies. Records dated after ``today`` are ignored, so a frozen clock in tests and a late
import see the same thing.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, FirstValue, Greatest, RowNumber

from escalation.triggers.base import Firing, day
from learners.models import (
    Attendance,
    BreakInLearning,
    EmploymentChange,
    EmploymentChangeKind,
    ProgressEvent,
    ScheduledSession,
    Submission,
    SubmissionOutcome,
    Visit,
    VisitOutcome,
)
from policies.spec import TriggerRule
from riskcases.models import ContactLogEntry, ContactWith, Direction, Outcome

# Contact-log outcomes that show the learner is engaging (a reply, a commitment).
RESPONSES = (Outcome.RESPONDED, Outcome.COMMITMENT_AGREED)


def records_of(model: type[Model], scope: QuerySet, today: dt.date) -> QuerySet:
    return model.objects.filter(learner__in=scope.values("pk"), occurred_on__lte=today)


# --- runs: the latest N records all "bad" (missed sessions, homework, progress behind) -------


def latest_runs(
    *, records: QuerySet, bad: Q, count: int
) -> dict[int, tuple[list[Model], int | None]]:
    """Learners whose latest ``count`` records are all bad -> (those records, newest first;
    the pk of the newest good record before them, or None). Two queries in all.

    Only learners whose newest record is bad can have a run, so only their latest records are
    loaded (not every learner's: most learners' newest record is fine)."""
    # order_by(): the records' default ordering would sort every learner's rows once more after
    # the window (on disk, at scale); the runs are put in order here in Python.
    flagged = records.annotate(
        is_bad=ExpressionWrapper(bad, output_field=BooleanField())
    ).order_by()
    newest_first = [F("occurred_on").desc(), F("pk").desc()]
    latest = flagged.annotate(
        rank=Window(RowNumber(), partition_by=[F("learner_id")], order_by=newest_first),
        newest_is_bad=Window(
            FirstValue("is_bad"), partition_by=[F("learner_id")], order_by=newest_first
        ),
    ).filter(rank__lte=count, newest_is_bad=True)
    by_learner: dict[int, list[Model]] = defaultdict(list)
    for record in latest:
        by_learner[record.learner_id].append(record)
    runs = {
        learner_id: sorted(rows, key=lambda r: (r.occurred_on, r.pk), reverse=True)
        for learner_id, rows in by_learner.items()
        if len(rows) == count and all(r.is_bad for r in rows)
    }
    if not runs:
        return {}
    last_good = (
        flagged.filter(learner_id__in=runs, is_bad=False)
        .annotate(rank=Window(RowNumber(), partition_by=[F("learner_id")], order_by=newest_first))
        .filter(rank=1)
        .values_list("learner_id", "pk")
    )
    good = dict(last_good)
    return {learner_id: (rows, good.get(learner_id)) for learner_id, rows in runs.items()}


def run_firings(rule: TriggerRule, runs: dict, describe: Callable[[Model], str]) -> list[Firing]:
    """A firing per run, fingerprinted by the good record the run follows."""
    return [
        Firing(
            learner_id=learner_id,
            rule=rule,
            fingerprint=f"after:{last_good or 'start'}",
            evidence="; ".join(describe(r) for r in reversed(rows)) + ".",
        )
        for learner_id, (rows, last_good) in runs.items()
    ]


# --- counts: more than N unexplained absences; N cancelled visits within a window ------------


def counted(records: QuerySet, *, at_least: int, rule: TriggerRule, what: str) -> list[Firing]:
    """A firing per learner with at least ``at_least`` of ``records``, fingerprinted by the
    latest one's date."""
    totals = (
        records.values("learner_id")
        .annotate(n=Count("pk"), last=Max("occurred_on"))
        .filter(n__gte=at_least)
    )
    found = {row["learner_id"]: row for row in totals}
    dates: dict[int, list[dt.date]] = defaultdict(list)
    for learner_id, occurred_on in records.filter(learner_id__in=found).values_list(
        "learner_id", "occurred_on"
    ):
        dates[learner_id].append(occurred_on)
    return [
        Firing(
            learner_id=learner_id,
            rule=rule,
            fingerprint=f"upto:{row['last'].isoformat()}",
            evidence=f"{row['n']} {what}: " + ", ".join(day(d) for d in sorted(dates[learner_id])),
        )
        for learner_id, row in found.items()
    ]


# --- employment --------------------------------------------------------------------------------


def employers_left(scope: QuerySet, today: dt.date) -> QuerySet:
    return records_of(EmploymentChange, scope, today).filter(kind=EmploymentChangeKind.LEFT)


# --- silence: the latest record, breaks that stop the clocks, activity, replies ---------------


def latest(model: type[Model], today: dt.date, **conditions) -> Subquery:
    """The date of the learner's (OuterRef pk) latest ``model`` record up to today."""
    rows = model.objects.filter(learner_id=OuterRef("pk"), occurred_on__lte=today, **conditions)
    return Subquery(rows.order_by("-occurred_on").values("occurred_on")[:1])


def break_overlapping(first: dt.date, last: dt.date) -> Exists:
    """The learner was on a break for some of ``first``..``last``."""
    return Exists(
        BreakInLearning.objects.filter(learner_id=OuterRef("pk"), occurred_on__lte=last).filter(
            Q(returned_on__isnull=True) | Q(returned_on__gte=first)
        )
    )


def last_return(today: dt.date) -> Subquery:
    returns = BreakInLearning.objects.filter(learner_id=OuterRef("pk"), returned_on__lte=today)
    return Subquery(returns.order_by("-returned_on").values("returned_on")[:1])


def not_on_break(scope: QuerySet, today: dt.date) -> QuerySet:
    """Progress and activity clocks stop during a break (the break rules watch it instead) and
    restart on the day the learner returns."""
    return scope.exclude(break_overlapping(today, today)).annotate(last_return=last_return(today))


# What counts as activity on programme: progress recorded, a session attended, homework handed
# in, a visit held. (The inactivity kind also counts a reply from the learner: last_reply.)
ACTIVITY: dict[str, tuple[type[Model], dict]] = {
    "progress": (ProgressEvent, {}),
    "session": (ScheduledSession, {"attendance": Attendance.ATTENDED}),
    "homework": (Submission, {"outcome": SubmissionOutcome.SUBMITTED}),
    "visit": (Visit, {"outcome": VisitOutcome.HELD}),
}


def last_reply(today: dt.date, *, learner: str = "pk") -> Subquery:
    """The date of the learner's latest reply up to today: a response or commitment logged as
    contact with the learner (alone or with their employer), or a contact the learner started
    ("they contacted us"); ``learner`` names the outer query's learner id field."""
    replies = ContactLogEntry.objects.filter(
        Q(outcome__in=RESPONSES) | Q(direction=Direction.INBOUND),
        learner_id=OuterRef(learner),
        contact_with__in=(ContactWith.LEARNER, ContactWith.BOTH),
        occurred_at__date__lte=today,
    )
    return Subquery(replies.order_by("-occurred_at").values("occurred_at__date")[:1])


def last_activity(today: dt.date) -> Greatest:
    """An annotation on a Learner query: the date of the learner's latest recorded activity
    (ACTIVITY) or reply up to today, or their start date when there is none: the one
    definition of "activity" that the inactivity trigger kind and the inactivity driver
    (escalation/sweeps/inactivity.py) share. Coalesce: Greatest is NULL on some databases when
    any argument is."""
    dates = [latest(model, today, **conditions) for model, conditions in ACTIVITY.values()]
    dates.append(last_reply(today))
    return Greatest(*(Coalesce(date, F("start_date")) for date in dates), F("start_date"))


# --- breaks in learning ------------------------------------------------------------------------


def open_breaks(scope: QuerySet, today: dt.date) -> QuerySet:
    return records_of(BreakInLearning, scope, today).filter(returned_on__isnull=True)
