"""The team workload view: per team and tutor, their learners, how many are at risk, how many
have something overdue. One grouped query."""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.utils import timezone

from reports.register import learners_with_case_columns, overdue_condition, register_condition


@dataclass
class TutorLoad:
    tutor_id: int
    tutor_name: str
    learners: int
    at_risk: int
    open_cases: int
    overdue: int


@dataclass
class TeamLoad:
    team_id: int
    team_name: str
    tutors: list[TutorLoad] = field(default_factory=list)

    @property
    def learners(self) -> int:
        return sum(t.learners for t in self.tutors)

    @property
    def at_risk(self) -> int:
        return sum(t.at_risk for t in self.tutors)

    @property
    def open_cases(self) -> int:
        return sum(t.open_cases for t in self.tutors)

    @property
    def overdue(self) -> int:
        return sum(t.overdue for t in self.tutors)


def _flag(condition: Q) -> Sum:
    return Sum(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def team_workload(*, user: AbstractBaseUser, today: dt.date | None = None) -> list[TeamLoad]:
    today = today or timezone.localdate()
    rows = (
        learners_with_case_columns(user=user, today=today)
        .order_by()
        .values(
            "team_id",
            "team__name",
            "tutor_id",
            "tutor__first_name",
            "tutor__last_name",
            "tutor__username",
        )
        .annotate(
            learner_count=Count("pk"),
            at_risk=_flag(register_condition()),
            open_cases=_flag(Q(case_id__isnull=False)),
            overdue=_flag(overdue_condition(today=today)),
        )
        .order_by("team__name", "tutor__last_name", "tutor__first_name", "tutor_id")
    )
    teams: dict[int, TeamLoad] = {}
    for row in rows:
        team = teams.setdefault(row["team_id"], TeamLoad(row["team_id"], row["team__name"]))
        name = f"{row['tutor__first_name']} {row['tutor__last_name']}".strip()
        team.tutors.append(
            TutorLoad(
                tutor_id=row["tutor_id"],
                tutor_name=name or row["tutor__username"],
                learners=row["learner_count"],
                at_risk=row["at_risk"] or 0,
                open_cases=row["open_cases"] or 0,
                overdue=row["overdue"] or 0,
            )
        )
    return list(teams.values())
