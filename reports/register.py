"""Reads for the at-risk register, the overdue page and the team workload view.

Every row is a learner with their current rating and active case joined in (each at most one
row, so the joins never repeat a learner) and what is overdue computed in SQL, so a page costs
the same number of queries whatever it shows, and exports read exactly the rows the page does.

Overdue, one definition for every page and export:
- stage past due: an open case whose stage deadline has passed;
- contacts missing: an open case whose stage deadline has arrived (today or earlier) while the
  contact attempts the stage requires are not all on the contact log since the stage began;
- actions overdue: an agreed action not done by its due date.
"""

import datetime as dt
import operator
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.auth.models import AbstractBaseUser
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    F,
    FilteredRelation,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from escalation.models import ACTIVE_STATUSES, CaseStatus, EscalationCase
from learners.access import learners_visible_to
from learners.models import Learner, LearnerStatus
from learners.policy_reading import organisation_policy, team_specs
from policies.selectors import remembered, version_specs
from policies.spec import RISK_LEVELS, ContactRequirement, PolicySpec
from riskcases.models import AgreedAction, ContactLogEntry, ContactWith

# Learners still with the provider: a withdrawn or finished learner is off the register.
CURRENT_STATUSES = (LearnerStatus.ON_PROGRAMME, LearnerStatus.BREAK_IN_LEARNING)

# Stage filter values beside the versions' stage keys.
STEPPED_DOWN = "stepped_down"
NO_CASE = "none"

# Sort key -> the columns it orders by; names then pk break ties, always A to Z.
REGISTER_SORTS = {
    "name": ("last_name", "first_name"),
    "rating": ("level_rank",),
    "stage": ("stage_rank",),
    "due": ("case_due_on",),
    # Ascending: the earliest stage start first, so the longest in stage comes first.
    "days": ("case_stage_started_at",),
    "tutor": ("tutor__last_name", "tutor__first_name"),
    "team": ("team__name",),
    "start": ("start_date",),
}
TIE_BREAK = ("last_name", "first_name", "pk")
DEFAULT_SORT = "-rating"


def register_sort_key(value: str | None) -> str:
    value = value or DEFAULT_SORT
    return value if value.lstrip("-") in REGISTER_SORTS else DEFAULT_SORT


def register_ordering(sort: str) -> list:
    """The ORDER BY for a sort key ("-key" reverses it); empty values sort last either way."""
    descending = sort.startswith("-")
    columns = [
        F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
        for name in REGISTER_SORTS[sort.lstrip("-")]
    ]
    return [*columns, *TIE_BREAK]


def at_risk_levels() -> frozenset[str]:
    # The ratings at which a team's policy opens a case ("First risk identified"), over every
    # team's version: Medium and High, say.
    levels = frozenset().union(*(spec.drivers.rating_levels for spec in team_specs().values()))
    return levels or organisation_policy().drivers.rating_levels


def _per_team(
    value_of: Callable[[PolicySpec], Hashable],
    condition: Callable[..., Q],
    *,
    today: dt.date | None = None,
) -> Q:
    """``condition(value)`` with the value each team's version gives: the organisation policy's
    value for every team but those whose version differs (and for a team that follows no
    version in effect), and one term per other value for the teams that give it. As many terms
    as distinct values, whatever the rows; two queries for the teams."""
    default = value_of(organisation_policy())
    teams_by_value: dict[Hashable, list[int]] = {}
    for team_id, spec in sorted(team_specs(today=today).items()):
        if (value := value_of(spec)) != default:
            teams_by_value.setdefault(value, []).append(team_id)
    if not teams_by_value:
        return condition(default)
    differing = sorted(team_id for teams in teams_by_value.values() for team_id in teams)
    terms = [Q(team_id__in=teams) & condition(value) for value, teams in teams_by_value.items()]
    return reduce(operator.or_, terms, ~Q(team_id__in=differing) & condition(default))


def _entries_logged(requirement: ContactRequirement) -> Coalesce:
    entries = ContactLogEntry.objects.filter(
        learner=OuterRef("pk"),
        occurred_at__gte=OuterRef("case_stage_started_at"),
        contact_type__in=sorted(requirement.contact_types),
    )
    if requirement.welfare_check:
        entries = entries.filter(welfare_check=True)
    if requirement.contact_with:
        entries = entries.filter(contact_with__in=(requirement.contact_with, ContactWith.BOTH))
    counted = entries.order_by().values("learner").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _channels_logged(requirement: ContactRequirement) -> Coalesce:
    """How many different channels the requirement's entries used (for distinct_channels)."""
    entries = ContactLogEntry.objects.filter(
        learner=OuterRef("pk"),
        occurred_at__gte=OuterRef("case_stage_started_at"),
        contact_type__in=sorted(requirement.contact_types),
    )
    if requirement.contact_with:
        entries = entries.filter(contact_with__in=(requirement.contact_with, ContactWith.BOTH))
    counted = (
        entries.order_by()
        .values("learner")
        .annotate(n=Count("contact_type", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def versions_in_use(*, today: dt.date | None = None) -> list[PolicySpec]:
    """The versions of active cases (a case keeps the version it is pinned to) and each team's
    current one, by pk. Expressions that branch on a case's version name only these, which
    keeps the SQL short. The cases' versions are remembered briefly (a page asks twice; a new
    version reaches cases only by publishing, which forgets them in this process)."""
    ids = remembered(
        ("versions of active cases",),
        lambda: set(
            EscalationCase.objects.filter(status__in=ACTIVE_STATUSES)
            .order_by()
            .values_list("policy_version_id", flat=True)
            .distinct()
        ),
    )
    specs = {spec.version_id: spec for spec in team_specs(today=today).values()}
    specs.update(version_specs(ids - set(specs)))
    return [specs[pk] for pk in sorted(specs)]


def _contacts_missing(today: dt.date, versions: list[PolicySpec]) -> Case:
    """How many required contact attempts the case's stage still lacks, counted only once the
    stage's deadline has arrived (before that they are simply not done yet)."""
    whens = []
    for version in versions:
        for stage in version.stages:
            if not stage.contacts:
                continue
            missing = None
            for requirement in stage.contacts:
                short = Greatest(Value(requirement.count) - _entries_logged(requirement), Value(0))
                if requirement.distinct_channels:
                    # Short of channels: at least one more attempt is missing.
                    short = Greatest(
                        short,
                        Value(requirement.distinct_channels) - _channels_logged(requirement),
                    )
                missing = short if missing is None else missing + short
            whens.append(When(case_version=version.version_id, case_stage=stage.key, then=missing))
    if not whens:
        return Value(0, output_field=IntegerField())
    return Case(
        When(
            Q(case_status=CaseStatus.OPEN, case_due_on__lte=today),
            then=Case(*whens, default=Value(0), output_field=IntegerField()),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )


def _rank_of_stage(versions: list[PolicySpec]) -> Case:
    whens = [
        When(case_version=version.version_id, case_stage=stage.key, then=Value(number))
        for version in versions
        for number, stage in enumerate(version.stages, start=1)
    ]
    # Stepped down sorts after the stages, learners without a case before them.
    return Case(
        When(case_status=CaseStatus.STEPPED_DOWN, then=Value(100)),
        *whens,
        default=Value(0),
        output_field=IntegerField(),
    )


def learners_with_case_columns(
    *, user: AbstractBaseUser, today: dt.date | None = None
) -> QuerySet[Learner]:
    """The user's current learners with rating, active case and overdue columns."""
    today = today or timezone.localdate()
    versions = versions_in_use(today=today)
    open_actions = AgreedAction.objects.filter(
        support_record__learner=OuterRef("pk"), done_at__isnull=True, due_on__lt=today
    ).order_by()
    overdue_actions = open_actions.values("support_record__learner").annotate(n=Count("pk"))
    return (
        learners_visible_to(user)
        .filter(archived=False, status__in=CURRENT_STATUSES)
        .select_related("course", "employer", "tutor", "team")
        .alias(
            current_rating=FilteredRelation("ratings", condition=Q(ratings__ended_at__isnull=True)),
            active_case=FilteredRelation("cases", condition=Q(cases__status__in=ACTIVE_STATUSES)),
        )
        .annotate(
            current_level=F("current_rating__level"),
            level_rank=Case(
                *(When(current_level=lv, then=Value(i)) for i, lv in enumerate(RISK_LEVELS)),
                default=Value(-1),
                output_field=IntegerField(),
            ),
            case_id=F("active_case__id"),
            case_version=F("active_case__policy_version_id"),
            case_stage=F("active_case__stage"),
            case_status=F("active_case__status"),
            case_due_on=F("active_case__stage_due_on"),
            case_stage_started_at=F("active_case__stage_started_at"),
            stage_rank=_rank_of_stage(versions),
            stage_past_due=Case(
                When(Q(case_status=CaseStatus.OPEN, case_due_on__lt=today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            contacts_missing=_contacts_missing(today, versions),
            actions_overdue=Coalesce(
                Subquery(overdue_actions.values("n"), output_field=IntegerField()), Value(0)
            ),
            oldest_action_due=Subquery(
                open_actions.values("support_record__learner")
                .annotate(first=Min("due_on"))
                .values("first")
            ),
        )
    )


def learners_with_overdue_actions(*, today: dt.date) -> QuerySet:
    return AgreedAction.objects.filter(done_at__isnull=True, due_on__lt=today).values(
        "support_record__learner_id"
    )


def overdue_condition(*, today: dt.date) -> Q:
    # The actions test is a set (one pass over the open overdue actions), not a count per row:
    # the register filters thousands of rows by it.
    return (
        Q(stage_past_due=True)
        | Q(contacts_missing__gt=0)
        | Q(pk__in=learners_with_overdue_actions(today=today))
    )


def register_condition() -> Q:
    # A rating puts a learner on the register at the levels their team's version opens a case.
    at_risk = _per_team(
        lambda spec: frozenset(spec.drivers.rating_levels),
        lambda levels: Q(current_level__in=sorted(levels)),
    )
    return Q(case_id__isnull=False) | at_risk


def register_for(*, user: AbstractBaseUser, today: dt.date | None = None) -> QuerySet[Learner]:
    """The at-risk register: learners with an active case or an at-risk rating."""
    return learners_with_case_columns(user=user, today=today).filter(register_condition())


def overdue_for(*, user: AbstractBaseUser, today: dt.date | None = None) -> QuerySet[Learner]:
    """Learners with anything overdue, at risk or not (an overdue action counts either way),
    with ``overdue_since``: the earliest missed stage deadline or action due date."""
    missed_deadline = Case(
        When(Q(stage_past_due=True) | Q(contacts_missing__gt=0), then=F("case_due_on")),
        default=None,
        output_field=DateField(),
    )
    action_due = F("oldest_action_due")
    today = today or timezone.localdate()
    return (
        learners_with_case_columns(user=user, today=today)
        .filter(overdue_condition(today=today))
        # LEAST ignores NULLs on PostgreSQL but not on SQLite: fill each from the other.
        .annotate(
            overdue_since=Least(
                Coalesce(missed_deadline, action_due), Coalesce(action_due, missed_deadline)
            )
        )
    )


@dataclass
class RegisterCounts:
    total: int = 0
    by_rating: dict[str, int] = field(default_factory=dict)
    # (filter value, version pk or 0, stage key or "", count) in ladder order
    by_stage: list[tuple[str, int, str, int]] = field(default_factory=list)


GROUP_COLUMNS = ("current_level", "case_version", "case_stage", "case_status")


def _stage_bucket(group: dict) -> tuple:
    if group["case_status"] == CaseStatus.STEPPED_DOWN:
        return (100, STEPPED_DOWN, 0, "")
    if group["case_stage"]:
        return (
            group["stage_rank"],
            group["case_stage"],
            group["case_version"],
            group["case_stage"],
        )
    return (0, NO_CASE, 0, "")


def _counts_from_groups(groups) -> RegisterCounts:
    counts = RegisterCounts(by_rating={level: 0 for level in RISK_LEVELS})
    stages: dict[tuple, int] = {}
    for group in groups:
        counts.total += group["n"]
        if group["current_level"] in counts.by_rating:
            counts.by_rating[group["current_level"]] += group["n"]
        key = _stage_bucket(group)
        stages[key] = stages.get(key, 0) + group["n"]
    counts.by_stage = [
        (value, version, stage, n) for (_, value, version, stage), n in sorted(stages.items())
    ]
    return counts


@dataclass
class RegisterPage:
    pks: list[int]  # the page's learners, in order
    counts: RegisterCounts


def register_page(
    queryset: QuerySet[Learner], *, ordering: list, offset: int, limit: int
) -> RegisterPage:
    """One page of the register and its counts by rating and stage, in one statement: the
    register's rows are read once (a common table expression), then the page is the first
    ``limit`` after ``offset`` in page order (a top-N sort, as a bare ORDER BY ... LIMIT is)
    and the counts are one GROUP BY over the same rows. Their total is the row count, so the
    paginator needs no COUNT of its own."""
    order = [F(c).asc() if isinstance(c, str) else c for c in ordering]
    sort_columns = {f"sort_{i}": term.expression for i, term in enumerate(order)}
    base = (
        queryset.order_by()
        .annotate(learner_pk=F("pk"), **sort_columns)
        .values("learner_pk", "stage_rank", *GROUP_COLUMNS, *sort_columns)
    )
    base_sql, params = base.query.sql_with_params()
    order_sql = ", ".join(
        f"{name} {_direction(term)}" for name, term in zip(sort_columns, order, strict=True)
    )
    groups = ", ".join(("stage_rank", *GROUP_COLUMNS))
    sql = (
        f"WITH register AS ({base_sql}) "
        # The page's rows numbered again (50 of them) so their order survives the UNION.
        f"SELECT learner_pk, ROW_NUMBER() OVER (ORDER BY {order_sql}), {groups} FROM "
        f"(SELECT * FROM register ORDER BY {order_sql} LIMIT %s OFFSET %s) AS page "
        f"UNION ALL SELECT NULL, COUNT(*), {groups} FROM register GROUP BY {groups}"
    )
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, (*params, limit, offset))
        rows = cursor.fetchall()
    # A page row carries its position in the second column, a group its count.
    names = ("pk", "n", "stage_rank", *GROUP_COLUMNS)
    records = [dict(zip(names, row, strict=True)) for row in rows]
    page = sorted((r["n"], r["pk"]) for r in records if r["pk"] is not None)
    return RegisterPage(
        pks=[pk for _, pk in page],
        counts=_counts_from_groups(r for r in records if r["pk"] is None),
    )


def _direction(term: OrderBy) -> str:
    direction = "DESC" if term.descending else "ASC"
    if term.nulls_last:
        return f"{direction} NULLS LAST"
    if term.nulls_first:
        return f"{direction} NULLS FIRST"
    return direction


def register_counts(queryset: QuerySet[Learner]) -> RegisterCounts:
    """Counts by rating and by stage of the (filtered) register, in one grouped query; their
    total is the row count, so the paginator needs no COUNT of its own."""
    groups = queryset.order_by().values(*GROUP_COLUMNS, "stage_rank").annotate(n=Count("pk"))
    return _counts_from_groups(groups)


def stage_filter_choices() -> list[tuple[str, str]]:
    """The stage keys of the versions in use in ladder order (a key a version adds comes after
    the version's stage before it, a ladder of new keys after the rest), each named as its
    versions name it ("Stage 1 / First concern" where two name one key differently). The
    filter matches the key in every version."""
    keys: list[str] = []
    names: dict[str, list[str]] = {}
    for version in versions_in_use():
        place = len(keys)
        for stage in version.stages:
            if stage.key in names:
                place = keys.index(stage.key) + 1
            else:
                keys.insert(place, stage.key)
                place += 1
                names[stage.key] = []
            if stage.name not in names[stage.key]:
                names[stage.key].append(stage.name)
    return [
        *((key, " / ".join(names[key])) for key in keys),
        (STEPPED_DOWN, "Stepped down (support contract)"),
        (NO_CASE, "No open case (rated at risk)"),
    ]


def stage_filter(queryset: QuerySet[Learner], value: str) -> QuerySet[Learner]:
    if value == STEPPED_DOWN:
        return queryset.filter(case_status=CaseStatus.STEPPED_DOWN)
    if value == NO_CASE:
        return queryset.filter(case_id__isnull=True)
    return queryset.filter(case_status=CaseStatus.OPEN, case_stage=value)


def started_stage_before(*, days: int, today: dt.date) -> dt.datetime:
    """The moment before which a stage must have started to have run ``days`` calendar days
    by today (counting the day it started as day 0)."""
    day = today - dt.timedelta(days=days - 1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def first_days_condition(*, today: dt.date) -> Q:
    # Policy (MTT): the first 60 days on programme, when directors are told at once; each team
    # by its own version's number of days.
    return _per_team(
        lambda spec: spec.directors_told_within_days,
        lambda days: Q(start_date__gt=today - dt.timedelta(days=days), start_date__lte=today),
        today=today,
    )
