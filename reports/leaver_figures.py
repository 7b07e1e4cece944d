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
from django.utils import timezone

from escalation.models import ACTIVE_STATUSES, CaseStatus, ChangeKind, StageChange
from learners.models import ProgrammeType
from learners.policies import PRESETS, active_preset
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
    preset: str
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
    """First risk (the case opened), the first day the case reached each of its preset's
    stages, and the director's approval."""
    case = request.case
    preset = PRESETS[case.preset_key]
    reached: dict[str, dt.datetime] = {}
    for change in case.changes.all():  # prefetched, in sequence order
        if change.kind in REACHED and change.to_stage not in reached:
            reached[change.to_stage] = change.at
    history = [{"label": "First risk (case opened)", "date": _day(case.opened_at)}]
    # A case opened at the preset's first stage: that stage's day is the line above.
    first_stage = preset.stages[0].key
    opened_there = reached.get(first_stage) == case.opened_at
    history += [
        {"label": stage.name, "date": _day(reached[stage.key])}
        for stage in preset.stages
        if stage.key in reached and not (stage.key == first_stage and opened_there)
    ]
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


def pipeline_as_at(day: dt.date) -> tuple[list[dict], int]:
    """Cases active at the end of ``day`` by stage (the active preset's order, other presets'
    stages after), plus stepped down: each case's latest stage change up to then."""
    end = day_start(day + dt.timedelta(days=1))
    latest = StageChange.objects.filter(case_id=OuterRef("case_id"), at__lt=end).order_by(
        "-sequence"
    )
    rows = (
        StageChange.objects.filter(at__lt=end, to_status__in=ACTIVE_STATUSES)
        .filter(sequence=Subquery(latest.values("sequence")[:1]))
        .values("to_status", "to_stage", "case__preset_key")
        .annotate(n=Count("id"))
    )
    by_stage: Counter = Counter()
    stepped_down = 0
    for row in rows:
        if row["to_status"] == CaseStatus.STEPPED_DOWN:
            stepped_down += row["n"]
        else:
            by_stage[(row["case__preset_key"], row["to_stage"])] += row["n"]
    preset = active_preset()
    order = [(preset.key, stage.key) for stage in preset.stages]
    order += sorted(key for key in by_stage if key not in order)
    pipeline = [
        {"label": PRESETS[key[0]].stage(key[1]).name, "count": by_stage[key]} for key in order
    ]
    pipeline.append({"label": STEPPED_DOWN_LABEL, "count": stepped_down})
    return pipeline, sum(by_stage.values()) + stepped_down


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
        preset=active_preset().key,
    )
    say(10, "Finding the cycle's leavers")
    requests = list(leavers_in(cycle))
    figures.leavers = [_leaver(request) for request in requests]
    figures.total = len(figures.leavers)
    say(35, "Counting by reason, programme, team and month")
    _summaries(figures)
    figures.quotes = _quotes(requests)
    say(45, "Counting the at-risk pipeline")
    figures.pipeline, figures.pipeline_total = pipeline_as_at(as_of)
    say(55, "Comparing with previous cycles")
    _trend(figures, cycle)
    return figures
