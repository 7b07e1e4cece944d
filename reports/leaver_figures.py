"""Every number in the leaver panel report, computed here once as plain data.

``leaver_figures_build`` returns a LeaverFigures of strings, numbers, lists and dicts only: the
PDF template prints it, the tests read it, and the archive row stores it as JSON, so a report
regenerated from the same records gives the same figures (a test compares them).

The pipeline and the trends are counted "as at" the cycle's last day (or today, for the cycle
in progress) from the append-only stage history, not from the cases' current state, so
regenerating a past cycle next month still prints the pipeline as it stood at its end.
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from escalation.models import ACTIVE_STATUSES, CaseStatus, ChangeKind, StageChange
from escalation.services import case_policy
from learners.models import ProgrammeType
from learners.policy_reading import organisation_policy, team_specs
from policies.selectors import version_specs
from policies.spec import PolicySpec
from reports.cycles import Cycle, cycles_before, day_start
from reports.leavers import leaver_counts_by_cycle, leavers_in
from withdrawals.models import WithdrawalRequest as Withdrawal

TREND_CYCLES = 6  # the cycle and the five before it
QUOTES = 5  # "reasons in the learner's words" printed at most
QUOTE_CHARS = 400
REACHED = (ChangeKind.OPENED, ChangeKind.ADVANCED, ChangeKind.RE_ESCALATED, ChangeKind.REINSTATED)
STEPPED_DOWN_LABEL = "Stepped down (support contract)"

Progress = Callable[[int, str], None]


@dataclass
class LeaverFigures:
    cycle_start: str
    cycle_end: str
    as_of: str
    policy: str  # the organisation's policy, by name
    # The policy versions the report's cases ran under (leavers' and the pipeline's), by title.
    policy_versions: list[str] = field(default_factory=list)
    leavers: list[dict] = field(default_factory=list)
    total: int = 0
    from_break: int = 0
    by_reason: list[dict] = field(default_factory=list)
    by_programme: list[dict] = field(default_factory=list)
    by_team: list[dict] = field(default_factory=list)
    by_month: list[dict] = field(default_factory=list)
    pipeline: list[dict] = field(default_factory=list)
    pipeline_total: int = 0
    trend: list[dict] = field(default_factory=list)
    trend_programmes: list[str] = field(default_factory=list)
    themes: list[dict] = field(default_factory=list)
    without_review: int = 0
    quotes: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


def _day(moment: dt.datetime | None) -> str:
    return timezone.localdate(moment).isoformat() if moment else ""


def _user(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _history(request: Withdrawal) -> list[dict]:
    """First risk (the case opened), the first day the case reached each of its version's
    stages, and the director's approval."""
    case = request.case
    policy = case_policy(case)
    reached: dict[str, dt.datetime] = {}
    for change in case.changes.all():  # prefetched, in sequence order
        if change.kind in REACHED and change.to_stage not in reached:
            reached[change.to_stage] = change.at
    history = [{"label": "First risk (case opened)", "date": _day(case.opened_at)}]
    # A case opened at the version's first stage: that stage's day is the line above.
    first_stage = policy.stages[0].key
    opened_there = reached.get(first_stage) == case.opened_at
    history += [
        {"label": stage.name, "date": _day(reached[stage.key])}
        for stage in policy.stages
        if stage.key in reached and not (stage.key == first_stage and opened_there)
    ]
    # A withdrawal raised outside the ladder (the learner decided to leave, another policy).
    for change in case.changes.all():
        move = policy.move_or_none(change.move_key)
        if change.kind == ChangeKind.WITHDRAWAL_RAISED and move and move.outside_ladder:
            history.append({"label": move.label, "date": _day(change.at)})
    history.append({"label": "Director's approval", "date": _day(request.decided_at)})
    return history


def _leaver(request: Withdrawal) -> dict:
    learner = request.learner
    review = getattr(request, "exit_review", None)
    last_day = request.last_day_of_learning
    return {
        "name": learner.full_name,
        "last_name": learner.last_name,
        "uln": learner.uln,
        "programme": learner.get_programme_type_display(),
        "course": learner.course.title,
        "employer": learner.employer.name if learner.employer else "",
        "tutor": _user(learner.tutor),
        "team": learner.team.name,
        "start_date": learner.start_date.isoformat(),
        "last_day_of_learning": last_day.isoformat(),
        "withdrawn_on": _day(request.withdrawn_at),
        # Calendar days from the start date to the last day of learning, both counted.
        "days_on_programme": (last_day - learner.start_date).days + 1,
        "ilr_code": request.ilr_reason.code,
        "ilr_description": request.ilr_reason.description,
        "themes": sorted(t.name for t in review.themes.all()) if review else [],
        "reviewed": review is not None,
        "from_break": request.from_break,
        "history": _history(request),
    }


def _table(counter: Counter, total: int, *, order: list[str] | None = None) -> list[dict]:
    labels = order if order is not None else sorted(counter, key=lambda k: (-counter[k], k))
    return [
        {"label": label, "count": counter[label], "percent": round(100 * counter[label] / total)}
        for label in labels
        if counter[label]
    ]


def _summaries(figures: LeaverFigures) -> None:
    leavers, total = figures.leavers, figures.total
    reasons = Counter(f"{lv['ilr_code']} {lv['ilr_description']}" for lv in leavers)
    figures.by_reason = _table(reasons, total)
    figures.by_programme = _table(Counter(lv["programme"] for lv in leavers), total)
    figures.by_team = _table(Counter(lv["team"] for lv in leavers), total)
    months = Counter(dt.date.fromisoformat(lv["withdrawn_on"]).strftime("%Y-%m") for lv in leavers)
    figures.by_month = [
        {
            "label": dt.date.fromisoformat(f"{month}-01").strftime("%B %Y"),
            "count": months[month],
            "percent": round(100 * months[month] / total),
        }
        for month in sorted(months)
    ]
    themes = Counter(theme for lv in leavers for theme in lv["themes"])
    figures.themes = _table(themes, total)
    figures.without_review = sum(1 for lv in leavers if not lv["reviewed"])
    figures.from_break = sum(1 for lv in leavers if lv["from_break"])


def _stage_place(policy: PolicySpec, key: str) -> tuple[int, str]:
    try:
        return policy.stage_number(key), policy.stage(key).name
    except (KeyError, ValueError):  # not a stage of the version: after its stages, by key
        return len(policy.stages) + 1, key


def pipeline_as_at(day: dt.date) -> tuple[list[dict], int]:
    """Cases active at the end of ``day`` by stage (by version, each in its ladder's order),
    plus stepped down: each case's latest stage change up to then. A stage is named with its
    version's title where more than one version appears."""
    pipeline, total, _versions = _pipeline_and_versions(day)
    return pipeline, total


def _pipeline_and_versions(day: dt.date) -> tuple[list[dict], int, list[PolicySpec]]:
    """pipeline_as_at's pipeline and total, and the versions its cases run under."""
    end = day_start(day + dt.timedelta(days=1))
    latest = StageChange.objects.filter(case_id=OuterRef("case_id"), at__lt=end).order_by(
        "-sequence"
    )
    rows = (
        StageChange.objects.filter(at__lt=end, to_status__in=ACTIVE_STATUSES)
        .filter(sequence=Subquery(latest.values("sequence")[:1]))
        # The version to_stage belongs to: the change's own (older rows: the case's).
        .annotate(version_id=Coalesce("policy_version_id", "case__policy_version_id"))
        .values("to_status", "to_stage", "version_id", "case__policy_version_id")
        .annotate(n=Count("id"))
    )
    by_stage: Counter = Counter()
    stepped_down = 0
    version_ids = set()
    for row in rows:
        version_ids.add(row["case__policy_version_id"])
        if row["to_status"] == CaseStatus.STEPPED_DOWN:
            stepped_down += row["n"]
        else:
            by_stage[(row["version_id"], row["to_stage"])] += row["n"]
            version_ids.add(row["version_id"])
    # Every stage of every version in use (the teams' current ones and the cases'), zeros too:
    # the panel reads an empty stage as well as a full one.
    version_ids |= {spec.version_id for spec in team_specs(today=day).values()}
    specs = version_specs(version_ids)
    for version_id, spec in specs.items():
        for stage in spec.stages:
            by_stage.setdefault((version_id, stage.key), 0)
    places = {
        (version_id, key): _stage_place(specs[version_id], key) for version_id, key in by_stage
    }
    order = sorted(by_stage, key=lambda key: (key[0], places[key][0], key[1]))
    several = len({version_id for version_id, _ in by_stage}) > 1
    pipeline = [
        {
            "label": f"{specs[key[0]].title}: {places[key][1]}" if several else places[key][1],
            "count": by_stage[key],
        }
        for key in order
    ]
    pipeline.append({"label": STEPPED_DOWN_LABEL, "count": stepped_down})
    versions = [specs[pk] for pk in sorted(specs)]
    return pipeline, sum(by_stage.values()) + stepped_down, versions


def _trend(figures: LeaverFigures, cycle: Cycle) -> None:
    cycles = [*cycles_before(cycle, count=TREND_CYCLES - 1), cycle]
    counts = leaver_counts_by_cycle(cycles)
    programmes = [p for p in ProgrammeType if any(counts[c][p.value] for c in cycles)]
    figures.trend_programmes = [p.label for p in programmes]
    figures.trend = [
        {
            "start": c.start.isoformat(),
            "end": c.end.isoformat(),
            "label": c.short_label,
            "total": sum(counts[c].values()),
            "by_programme": [counts[c][p.value] for p in programmes],
        }
        for c in cycles
    ]


def _quotes(leaver_requests: list[Withdrawal]) -> list[dict]:
    """A few exit-review reasons in the learner's words, without names. Only exit reviews are
    read: contact-log notes (safeguarding-confidential ones included) never reach the report."""
    reviewed = sorted(
        (
            (r.exit_review, r.learner)
            for r in leaver_requests
            if getattr(r, "exit_review", None) is not None
        ),
        key=lambda pair: (pair[0].completed_at, pair[0].pk),
    )
    return [
        {
            "text": review.reasons.strip()[:QUOTE_CHARS],
            "programme": learner.get_programme_type_display(),
        }
        for review, learner in reviewed
        if review.learner_took_part and review.reasons.strip()
    ][:QUOTES]


def leaver_figures_build(
    *, cycle: Cycle, today: dt.date, progress: Progress | None = None
) -> LeaverFigures:
    say = progress or (lambda percent, message: None)
    as_of = min(cycle.end, today)
    figures = LeaverFigures(
        cycle_start=cycle.start.isoformat(),
        cycle_end=cycle.end.isoformat(),
        as_of=as_of.isoformat(),
        policy=organisation_policy().name,
    )
    say(10, "Finding the cycle's leavers")
    requests = list(leavers_in(cycle))
    # Every version the leavers' cases ran under, read in one query (then in memory).
    leaver_versions = version_specs({request.case.policy_version_id for request in requests})
    figures.leavers = [_leaver(request) for request in requests]
    figures.total = len(figures.leavers)
    say(35, "Counting by reason, programme, team and month")
    _summaries(figures)
    figures.quotes = _quotes(requests)
    say(45, "Counting the at-risk pipeline")
    figures.pipeline, figures.pipeline_total, pipeline_versions = _pipeline_and_versions(as_of)
    figures.policy_versions = sorted(
        {spec.title for spec in [*leaver_versions.values(), *pipeline_versions]}
    )
    say(55, "Comparing with previous cycles")
    _trend(figures, cycle)
    return figures
