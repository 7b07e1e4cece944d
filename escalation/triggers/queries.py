"""Which of the preset's risk triggers hold today, for a set of learners, in a handful of
set-based queries per rule (never one query per learner).

A rule that holds yields a Firing with a fingerprint naming the records it holds on, e.g. the
run of missed sessions after the last attended one. Firing again on the same records gives the
same fingerprint, so trigger_services can fire each once. Records dated after ``today`` are
ignored, so a frozen clock in tests and a late import see the same thing.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
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

from learners.models import (
    Attendance,
    BreakInLearning,
    EmploymentChange,
    EmploymentChangeKind,
    Learner,
    LearnerStatus,
    Nation,
    ProgressEvent,
    ProgressSnapshot,
    ScheduledSession,
    Submission,
    SubmissionOutcome,
    Visit,
    VisitOutcome,
    WorkAbsence,
)
from learners.models.records import VISIT_CANCELLATIONS
from learners.policies.base import PolicyPreset, TriggerRule
from riskcases.models import ContactLogEntry, ContactWith, Outcome

EVALUATED_STATUSES = (LearnerStatus.ON_PROGRAMME, LearnerStatus.BREAK_IN_LEARNING)
# Contact-log outcomes that show the learner is engaging (a reply, a commitment).
RESPONSES = (Outcome.RESPONDED, Outcome.COMMITMENT_AGREED)


@dataclass(frozen=True)
class Firing:
    learner_id: int
    rule: TriggerRule
    fingerprint: str
    evidence: str


def _day(date: dt.date) -> str:
    return f"{date:%a %d %b %Y}"


def _records_of(model: type[Model], scope: QuerySet, today: dt.date) -> QuerySet:
    return model.objects.filter(learner__in=scope.values("pk"), occurred_on__lte=today)


# --- runs: the latest N records all "bad" (missed sessions, homework, progress behind) -------


def _latest_runs(
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


def _run_firings(rule: TriggerRule, runs: dict, describe: Callable[[Model], str]) -> list[Firing]:
    return [
        Firing(
            learner_id=learner_id,
            rule=rule,
            fingerprint=f"after:{last_good or 'start'}",
            evidence="; ".join(describe(r) for r in reversed(rows)) + ".",
        )
        for learner_id, (rows, last_good) in runs.items()
    ]


def behind_progress(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    bad = Q(planned_percent__gte=F("actual_percent") + rule.percent)
    runs = _latest_runs(records=_records_of(ProgressSnapshot, scope, today), bad=bad, count=1)
    return _run_firings(
        rule,
        runs,
        lambda s: (
            f"{_day(s.occurred_on)}: {s.actual_percent}% complete against "
            f"{s.planned_percent}% planned ({s.planned_percent - s.actual_percent} points behind)"
        ),
    )


def missed_sessions(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    # Sessions we cancelled neither count nor break a run; calling in breaks it.
    records = _records_of(ScheduledSession, scope, today).exclude(attendance=Attendance.CANCELLED)
    runs = _latest_runs(records=records, bad=Q(attendance=Attendance.MISSED), count=rule.count)
    return _run_firings(rule, runs, lambda s: f"{s.title} on {_day(s.occurred_on)} missed")


def missed_homework(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    runs = _latest_runs(
        records=_records_of(Submission, scope, today),
        bad=Q(outcome=SubmissionOutcome.MISSED),
        count=rule.count,
    )
    return _run_firings(rule, runs, lambda s: f"{s.title} due {_day(s.occurred_on)} not handed in")


# --- counts: more than N unexplained absences; N cancelled visits within a window ------------


def _counted(records: QuerySet, *, at_least: int, rule: TriggerRule, what: str) -> list[Firing]:
    totals = (
        records.values("learner_id")
        .annotate(n=Count("pk"), last=Max("occurred_on"))
        .filter(n__gte=at_least)
    )
    found = {row["learner_id"]: row for row in totals}
    dates: dict[int, list[dt.date]] = defaultdict(list)
    for learner_id, day in records.filter(learner_id__in=found).values_list(
        "learner_id", "occurred_on"
    ):
        dates[learner_id].append(day)
    return [
        Firing(
            learner_id=learner_id,
            rule=rule,
            fingerprint=f"upto:{row['last'].isoformat()}",
            evidence=f"{row['n']} {what}: " + ", ".join(_day(d) for d in sorted(dates[learner_id])),
        )
        for learner_id, row in found.items()
    ]


def work_absences(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    records = _records_of(WorkAbsence, scope, today).filter(explained=False)
    return _counted(records, at_least=rule.count + 1, rule=rule, what="unexplained absences")


def cancelled_visits(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    window_start = today - dt.timedelta(days=rule.days - 1)  # the last N days, today included
    records = _records_of(Visit, scope, today).filter(
        outcome__in=VISIT_CANCELLATIONS, occurred_on__gte=window_start
    )
    return _counted(
        records,
        at_least=rule.count,
        rule=rule,
        what=f"visits cancelled in the last {rule.days} days",
    )


# --- employment --------------------------------------------------------------------------------


def _left(scope: QuerySet, today: dt.date) -> QuerySet:
    return _records_of(EmploymentChange, scope, today).filter(kind=EmploymentChangeKind.LEFT)


def left_employment(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    return [
        Firing(
            learner_id=change.learner_id,
            rule=rule,
            fingerprint=f"left:{change.pk}",
            evidence=f"Left {change.employer_name} on {_day(change.occurred_on)}.",
        )
        for change in _left(scope, today)
    ]


def no_new_employer(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    since = today - dt.timedelta(days=rule.days)
    new_job = EmploymentChange.objects.filter(
        learner_id=OuterRef("learner_id"),
        kind=EmploymentChangeKind.STARTED,
        occurred_on__gte=OuterRef("occurred_on"),
        occurred_on__lte=today,
    )
    left = _left(scope, today).filter(occurred_on__lte=since).exclude(Exists(new_job))
    return [
        Firing(
            learner_id=change.learner_id,
            rule=rule,
            fingerprint=f"left:{change.pk}",
            evidence=f"Left {change.employer_name} on {_day(change.occurred_on)}, "
            f"{(today - change.occurred_on).days} days ago, with no new employer recorded.",
        )
        for change in left
    ]


# --- silence: no progress, no activity, no active learning in a month -------------------------


def _latest(model: type[Model], today: dt.date, **conditions) -> Subquery:
    rows = model.objects.filter(learner_id=OuterRef("pk"), occurred_on__lte=today, **conditions)
    return Subquery(rows.order_by("-occurred_on").values("occurred_on")[:1])


def _break_overlapping(first: dt.date, last: dt.date) -> Exists:
    """The learner was on a break for some of ``first``..``last``."""
    return Exists(
        BreakInLearning.objects.filter(learner_id=OuterRef("pk"), occurred_on__lte=last).filter(
            Q(returned_on__isnull=True) | Q(returned_on__gte=first)
        )
    )


def _last_return(today: dt.date) -> Subquery:
    returns = BreakInLearning.objects.filter(learner_id=OuterRef("pk"), returned_on__lte=today)
    return Subquery(returns.order_by("-returned_on").values("returned_on")[:1])


def _not_on_break(scope: QuerySet, today: dt.date) -> QuerySet:
    """Progress and activity clocks stop during a break (the break rules watch it instead) and
    restart on the day the learner returns."""
    return scope.exclude(_break_overlapping(today, today)).annotate(last_return=_last_return(today))


def no_progress(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    firings = []
    # Only the learners past their nation's limit are loaded (the limit checked again below).
    past_limit = Q(pk__in=[])
    for nation in Nation.values:
        if (limit := rule.days_for(nation)) is not None:
            past_limit |= Q(nation=nation, since__lte=today - dt.timedelta(days=limit))
    rows = (
        _not_on_break(scope, today)
        .annotate(last=_latest(ProgressEvent, today))
        # Coalesce: Greatest is NULL on some databases when any argument is.
        .annotate(
            since=Greatest(
                Coalesce("last", "start_date"), Coalesce("last_return", "start_date"), "start_date"
            )
        )
        .filter(past_limit)
        .values_list("pk", "nation", "start_date", "last", "last_return")
    )
    for learner_id, nation, start_date, last, last_return in rows:
        since = max(day for day in (last, last_return, start_date) if day)
        days = rule.days_for(nation)
        if since > today or days is None or (today - since).days < days:
            continue
        if since == last:
            evidence = f"Last recorded progress on {_day(last)}"
        elif since == last_return:
            evidence = f"No progress recorded since the return from a break on {_day(since)}"
        else:
            evidence = f"No progress recorded since the start on {_day(start_date)}"
        firings.append(
            Firing(
                learner_id=learner_id,
                rule=rule,
                fingerprint=f"since:{since.isoformat()}",
                evidence=f"{evidence}: {(today - since).days} days, over the {days} allowed.",
            )
        )
    return firings


# What counts as activity on programme: progress recorded, a session attended, homework handed
# in, a visit held. (The inactivity rule also counts a reply from the learner: _last_reply.)
ACTIVITY: dict[str, tuple[type[Model], dict]] = {
    "progress": (ProgressEvent, {}),
    "session": (ScheduledSession, {"attendance": Attendance.ATTENDED}),
    "homework": (Submission, {"outcome": SubmissionOutcome.SUBMITTED}),
    "visit": (Visit, {"outcome": VisitOutcome.HELD}),
}


def _last_reply(today: dt.date) -> Subquery:
    replies = ContactLogEntry.objects.filter(
        learner_id=OuterRef("pk"),
        contact_with=ContactWith.LEARNER,
        outcome__in=RESPONSES,
        occurred_at__date__lte=today,
    )
    return Subquery(replies.order_by("-occurred_at").values("occurred_at__date")[:1])


def inactivity(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    annotations = {f"last_{name}": _latest(m, today, **c) for name, (m, c) in ACTIVITY.items()}
    annotations["last_reply"] = _last_reply(today)
    firings = []
    learners = _not_on_break(scope, today).annotate(**annotations).only("pk", "start_date")
    for learner in learners:
        dates = [getattr(learner, key) for key in [*annotations, "last_return"]]
        since = max([d for d in dates if d] or [learner.start_date])
        if since > today or (today - since).days < rule.days:
            continue
        firings.append(
            Firing(
                learner_id=learner.pk,
                rule=rule,
                fingerprint=f"since:{since.isoformat()}",
                evidence=f"No recorded activity or reply since {_day(since)} "
                f"({(today - since).days} days).",
            )
        )
    return firings


def no_active_learning_month(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    first = last_month_end.replace(day=1)
    active = Q()
    for model, conditions in ACTIVITY.values():
        rows = model.objects.filter(
            learner_id=OuterRef("pk"), occurred_on__range=(first, last_month_end), **conditions
        )
        active |= Exists(rows)
    # On programme for the whole month and on no break in it (a break pauses the funding rule).
    idle = (
        scope.filter(start_date__lte=first, status=LearnerStatus.ON_PROGRAMME)
        .exclude(active)
        .exclude(_break_overlapping(first, last_month_end))
    )
    return [
        Firing(
            learner_id=learner_id,
            rule=rule,
            fingerprint=f"month:{first:%Y-%m}",
            evidence=f"No active learning recorded in {first:%B %Y}.",
        )
        for learner_id in idle.values_list("pk", flat=True)
    ]


# --- breaks in learning ------------------------------------------------------------------------


def _open_breaks(scope: QuerySet, today: dt.date) -> QuerySet:
    return _records_of(BreakInLearning, scope, today).filter(returned_on__isnull=True)


def break_silence(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    limit = today - relativedelta(months=rule.months)
    replies = ContactLogEntry.objects.filter(
        learner_id=OuterRef("learner_id"),
        contact_with=ContactWith.LEARNER,
        outcome__in=RESPONSES,
        occurred_at__date__lte=today,
    ).order_by("-occurred_at")
    breaks = _open_breaks(scope, today).annotate(
        last_reply=Subquery(replies.values("occurred_at__date")[:1])
    )
    firings = []
    for pause in breaks:
        since = max(d for d in (pause.occurred_on, pause.last_reply) if d)
        if since > limit:
            continue
        firings.append(
            Firing(
                learner_id=pause.learner_id,
                rule=rule,
                fingerprint=f"break:{pause.pk}:since:{since.isoformat()}",
                evidence=f"On a break in learning since {_day(pause.occurred_on)}; no response "
                f"since {_day(since)}.",
            )
        )
    return firings


def break_no_return(rule: TriggerRule, scope: QuerySet, today: dt.date) -> list[Firing]:
    firings = []
    for pause in _open_breaks(scope, today).filter(
        Q(expected_return_on__isnull=True) | Q(expected_return_on__lt=today)
    ):
        if pause.expected_return_on is None:
            fingerprint, evidence = "no-date", "no expected return date was given"
        else:
            fingerprint = f"passed:{pause.expected_return_on.isoformat()}"
            evidence = f"the expected return date, {_day(pause.expected_return_on)}, has passed"
        firings.append(
            Firing(
                learner_id=pause.learner_id,
                rule=rule,
                fingerprint=f"break:{pause.pk}:{fingerprint}",
                evidence=f"On a break in learning since {_day(pause.occurred_on)}; {evidence}.",
            )
        )
    return firings


RULE_TESTS: dict[str, Callable[[TriggerRule, QuerySet, dt.date], list[Firing]]] = {
    "behind_progress": behind_progress,
    "missed_sessions": missed_sessions,
    "missed_homework": missed_homework,
    "work_absences": work_absences,
    "left_employment": left_employment,
    "no_new_employer": no_new_employer,
    "no_progress": no_progress,
    "cancelled_visits": cancelled_visits,
    "break_silence": break_silence,
    "break_no_return": break_no_return,
    "inactivity": inactivity,
    "no_active_learning_month": no_active_learning_month,
}


def learners_evaluated(learners: QuerySet[Learner]) -> QuerySet[Learner]:
    """Learners the triggers look at: open records only (a withdrawn or completed learner, or
    an archived record, is not at risk of leaving)."""
    return learners.filter(archived=False, status__in=EVALUATED_STATUSES)


def triggers_holding(
    *, learners: QuerySet[Learner], today: dt.date, preset: PolicyPreset
) -> list[Firing]:
    """Every trigger of the preset that holds today for ``learners``."""
    scope = learners_evaluated(learners)
    firings: list[Firing] = []
    for rule in preset.triggers:
        rule_scope = scope
        if rule.programme_types is not None:
            rule_scope = rule_scope.filter(programme_type__in=rule.programme_types)
        if rule.nations is not None:
            rule_scope = rule_scope.filter(nation__in=rule.nations)
        firings.extend(RULE_TESTS[rule.key](rule, rule_scope, today))
    return firings
