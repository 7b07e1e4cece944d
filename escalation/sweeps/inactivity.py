"""The inactivity driver: where the version a team follows sets drivers.inactivity_days (N), no
recorded activity for N working days opens a case at the version's first stage; the ladder
moves on only while the inactivity lasts, and activity recorded closes the case back on track.

- ``inactivity_evaluate`` runs inside triggers_evaluate: in the daily 06:00 sweep over everyone,
  and at once for the learners just given a record (the record page, an import after it
  commits, a break started or ended). It closes the inactivity-driven cases with activity
  since they opened, then opens a case for each learner inactive long enough.
- The overdue sweep (06:30) reads ``cases_inactivity_read`` under its cases' locks before an
  automatic forward move: a case with activity since closes instead, and a case whose learner
  is on a break waits (the clock stops during a break, as the break rules watch it).

"Inactive since" is decided here, in ``inactive_since``: the latest of the last activity
(triggers/queries.last_activity: progress, a session attended, homework handed in, a visit
held, a reply from the learner), the return from a break, the start, and the day the learner's
last case closed (a person closing a case restarts the clock, so the sweep does not reopen it
the next morning). A case stores the day its silence began (``EscalationCase.inactive_since``);
activity dated after it, even recorded late, shows the learner was not inactive after all.

Every read is set-based (a few queries whatever the number of learners); the writes go a batch
per transaction under row locks (the learners' to open, the cases' to close) and re-check under
them, so two sweeps at once open or close nothing twice. Closing is case_close_on_track, one
case at a time: a few a day, and it cancels any withdrawal in progress.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest

from escalation.calendar import working_days_back, working_days_between
from escalation.models import ACTIVE_STATUSES, EscalationCase
from escalation.services import case_close_on_track
from escalation.sweeps.announce import case_change_announce, cases_change_announce
from escalation.sweeps.batches import (
    BatchResult,
    chunks,
    ids_not_locked,
    locked_cases,
    sweep_in_batches,
)
from escalation.triggers.base import day
from escalation.triggers.cases import cases_open_many
from escalation.triggers.queries import break_overlapping, last_activity, last_return
from learners.models import Learner, LearnerStatus, Nation
from learners.policy_reading import team_specs
from policies.spec import PolicySpec


def _last_closed() -> Subquery:
    closed = EscalationCase.objects.filter(learner_id=OuterRef("pk"), closed_at__isnull=False)
    return Subquery(closed.order_by("-closed_at").values("closed_at__date")[:1])


def inactive_since(today: dt.date) -> Greatest:
    """An annotation on a Learner query: the day the learner's current silence began."""
    return Greatest(
        last_activity(today),
        Coalesce(last_return(today), F("start_date")),
        Coalesce(_last_closed(), F("start_date")),
    )


@dataclass(frozen=True)
class Inactive:
    learner_id: int
    version_id: int
    since: dt.date
    reason: str


def _versions_with_a_clock(today: dt.date) -> dict[int, tuple[PolicySpec, list[int]]]:
    """version pk -> (its spec, the teams following it today), for versions with a clock."""
    found: dict[int, tuple[PolicySpec, list[int]]] = {}
    for team_id, spec in team_specs(today=today).items():
        if spec.drivers.inactivity_days:
            found.setdefault(spec.version_id, (spec, []))[1].append(team_id)
    return found


def _reason(*, days: int, since: dt.date, parts: tuple, today: dt.date, nation: str) -> str:
    start_date, last, returned, closed = parts
    if since == closed:
        what = f"none since the last case closed on {day(since)}"
    elif since == returned:
        what = f"none since the return from a break on {day(since)}"
    elif since == last and last != start_date:
        what = f"last activity on {day(since)}"
    else:
        what = f"none since the start on {day(since)}"
    idle = working_days_between(since, today, nation=nation)
    return f"No recorded activity for {idle} working days ({what}); the policy allows {days}."


def learners_inactive(
    *, today: dt.date, learner_ids: Iterable[int] | None = None
) -> list[Inactive]:
    """Learners on programme, on no break and with no active case, whose team's version has an
    inactivity clock, and who have had no recorded activity for its number of working days (by
    their nation's calendar). Two queries, and one per version with a clock in use."""
    found = []
    for version_id, (spec, team_ids) in _versions_with_a_clock(today).items():
        days = spec.drivers.inactivity_days
        learners = Learner.objects.filter(
            team_id__in=team_ids, archived=False, status=LearnerStatus.ON_PROGRAMME
        )
        if learner_ids is not None:
            learners = learners.filter(pk__in=list(learner_ids))
        active_case = EscalationCase.objects.filter(
            learner_id=OuterRef("pk"), status__in=ACTIVE_STATUSES
        )
        past_limit = Q(pk__in=[])
        for nation in Nation.values:
            past_limit |= Q(nation=nation, since__lte=working_days_back(today, days, nation=nation))
        rows = (
            learners.exclude(Exists(active_case))
            .exclude(break_overlapping(today, today))
            .annotate(since=inactive_since(today))
            .filter(past_limit, since__lte=today)
            .annotate(last=last_activity(today), returned=last_return(today), closed=_last_closed())
            .order_by("pk")
            .values_list("pk", "nation", "since", "start_date", "last", "returned", "closed")
        )
        for learner_id, nation, since, *parts in rows:
            reason = _reason(days=days, since=since, parts=parts, today=today, nation=nation)
            found.append(Inactive(learner_id, version_id, since, f"Inactivity: {reason}"))
    return found


def learners_open_inactive(*, learner_ids: Sequence[int], today: dt.date) -> list[int]:
    """Open a case, at the first stage of the version each learner's team follows, for those
    of these learners still inactive (and with no active case) under their row locks, and tell
    each first stage's people and the tutor. One transaction; returns the cases opened.

    Locks the learners' rows, in pk order (case_open and the trigger sweep lock them too)."""
    with transaction.atomic():
        locked = Learner.objects.select_for_update().filter(pk__in=learner_ids).order_by("pk")
        learners = {learner.pk: learner for learner in locked}
        still = learners_inactive(today=today, learner_ids=learners)
        cases = [
            EscalationCase(
                learner=learners[found.learner_id],
                policy_version_id=found.version_id,
                inactive_since=found.since,
            )
            for found in still
        ]
        changes = cases_open_many(cases=cases, reasons=[found.reason for found in still])
        cases_change_announce(changes=changes, by=None)
    return [case.pk for case in cases]


def cases_active_again(*, today: dt.date, learner_ids: Iterable[int] | None = None) -> list[int]:
    """Active cases the inactivity clock opened whose learner has had activity since the day
    their silence began. One query."""
    driven = EscalationCase.objects.filter(
        learner_id=OuterRef("pk"), status__in=ACTIVE_STATUSES, inactive_since__isnull=False
    )
    learners = Learner.objects.filter(Exists(driven))
    if learner_ids is not None:
        learners = learners.filter(pk__in=list(learner_ids))
    return list(
        learners.annotate(
            last=last_activity(today),
            case_id=Subquery(driven.values("pk")[:1]),
            case_since=Subquery(driven.values("inactive_since")[:1]),
        )
        .filter(last__gt=F("case_since"))
        .order_by("case_id")
        .values_list("case_id", flat=True)
    )


@dataclass(frozen=True)
class LadderRead:
    active_again: dict[int, dt.date]  # case pk -> the latest activity since its silence began
    on_break: set[int]  # case pks whose learner is on a break today


def cases_inactivity_read(*, cases: Sequence[EscalationCase], today: dt.date) -> LadderRead:
    """For the inactivity-driven ones among ``cases``: which have had activity since their
    silence began, and which learners are on a break today. One query; none when no case in
    ``cases`` was opened by the inactivity clock."""
    driven = {case.learner_id: case for case in cases if case.inactive_since is not None}
    read = LadderRead(active_again={}, on_break=set())
    if not driven:
        return read
    rows = (
        Learner.objects.filter(pk__in=driven)
        .annotate(last=last_activity(today), on_break=break_overlapping(today, today))
        .values_list("pk", "last", "on_break")
    )
    for learner_id, last, on_break in rows:
        case = driven[learner_id]
        if last > case.inactive_since:
            read.active_again[case.pk] = last
        elif on_break:
            read.on_break.add(case.pk)
    return read


def case_close_for_activity(*, case: EscalationCase, on: dt.date) -> EscalationCase:
    """Close the case back on track (the sweep closes it: no person) and tell the people at
    its stage and the tutor. The caller holds the case's row lock."""
    closed = case_close_on_track(
        case=case, by=None, reason=f"Activity recorded on {day(on)} stops the ladder."
    )
    case_change_announce(case=closed, by=None)
    return closed


def cases_close_active_again(
    *, case_ids: Sequence[int], today: dt.date, skip_locked: bool = False
) -> BatchResult:
    """Close those of these cases that under their row locks are still active, still driven
    by the inactivity clock, and have had activity since their silence began."""
    with transaction.atomic():
        driven = EscalationCase.objects.filter(
            status__in=ACTIVE_STATUSES, inactive_since__isnull=False
        )
        locked = locked_cases(driven, case_ids=case_ids, skip_locked=skip_locked)
        again = cases_inactivity_read(cases=locked, today=today).active_again
        closed = [
            case_close_for_activity(case=case, on=again[case.pk]).pk
            for case in locked
            if case.pk in again
        ]
    return BatchResult(done=closed, not_locked=ids_not_locked(case_ids, locked))


def inactivity_evaluate(*, today: dt.date, learner_ids: Iterable[int] | None = None) -> dict:
    """The inactivity driver for every learner (the daily sweep) or these: close the cases
    with activity since, then open cases for the learners inactive long enough."""
    ids = None if learner_ids is None else list(learner_ids)
    closed = sweep_in_batches(
        case_ids=cases_active_again(today=today, learner_ids=ids),
        work=lambda *, case_ids, skip_locked: cases_close_active_again(
            case_ids=case_ids, today=today, skip_locked=skip_locked
        ),
    )
    inactive = [found.learner_id for found in learners_inactive(today=today, learner_ids=ids)]
    opened = [
        pk
        for chunk in chunks(inactive)
        for pk in learners_open_inactive(learner_ids=chunk, today=today)
    ]
    return {"inactivity_closed": closed, "inactivity_opened": opened}
