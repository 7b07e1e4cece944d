"""The register's filters. They live in the query string, so a view can be bookmarked and
shared, and an export link carries exactly the filters on screen."""

import datetime as dt

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import QueryDict

from learners.access import learners_visible_to
from learners.models import Learner, Nation, ProgrammeType, Team
from learners.policy_reading import organisation_policy, team_specs
from policies.spec import RISK_LEVELS
from reports.register import (
    first_days_condition,
    learners_with_overdue_actions,
    overdue_condition,
    stage_filter,
    stage_filter_choices,
    started_stage_before,
)


def tutor_label(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()


class ScopeFilter(django_filters.FilterSet):
    """Team, tutor, programme and nation: the filters every register page shares. Only teams
    and tutors the user may see are offered (and accepted)."""

    team = django_filters.ModelChoiceFilter(
        queryset=Team.objects.none(), label="Team", empty_label="Any team"
    )
    tutor = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.none(),
        label="Tutor",
        empty_label="Any tutor",
    )
    programme = django_filters.ChoiceFilter(
        field_name="programme_type",
        choices=ProgrammeType.choices,
        label="Programme",
        empty_label="Any programme",
    )
    nation = django_filters.ChoiceFilter(
        choices=Nation.choices, label="Nation", empty_label="England and Wales"
    )

    class Meta:
        model = Learner
        fields: list[str] = []

    def __init__(
        self,
        data: QueryDict | None = None,
        queryset: QuerySet[Learner] | None = None,
        *,
        user: AbstractBaseUser,
        today: dt.date,
        **kwargs,
    ) -> None:
        super().__init__(data, queryset, **kwargs)
        self.today = today
        visible = learners_visible_to(user)
        fields = self.form.fields
        fields["team"].queryset = Team.objects.filter(pk__in=visible.values("team"))
        fields["tutor"].queryset = (
            get_user_model()
            .objects.filter(pk__in=visible.values("tutor"))
            .order_by("last_name", "first_name", "username")
        )
        fields["tutor"].label_from_instance = tutor_label

    def described(self) -> list[str]:
        """The filters in force, in words, for the page, the export and its audit row."""
        if not self.is_bound or not self.form.is_valid():
            return []
        words = []
        for name, bound in ((n, self.form[n]) for n in self.form.fields):
            value = self.form.cleaned_data.get(name)
            if value in (None, "", [], False):
                continue
            field = self.form.fields[name]
            if name == "rating":
                labels = dict(field.choices)
                shown = " or ".join(labels[v] for v in value)
            elif hasattr(field, "choices") and not hasattr(field, "queryset"):
                shown = dict(field.choices).get(value, value)
            elif name == "tutor":
                shown = tutor_label(value)
            elif value is True:
                words.append(str(bound.label))
                continue
            else:
                shown = str(value)
            words.append(f"{bound.label}: {shown}")
        return words


class RegisterFilter(ScopeFilter):
    rating = django_filters.MultipleChoiceFilter(
        field_name="current_level",
        label="Rating",
        distinct=False,  # one row per learner already: the rating and case joins are 1:1
        widget=forms.CheckboxSelectMultiple,
    )
    stage = django_filters.ChoiceFilter(
        method="filter_stage", label="Stage", empty_label="Any stage"
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label="Overdue only",
        widget=forms.CheckboxInput,
    )
    days_in_stage = django_filters.NumberFilter(
        method="filter_days_in_stage",
        label="At least this many days in stage",
        min_value=0,
        max_value=3650,
    )
    first_days = django_filters.BooleanFilter(
        method="filter_first_days",
        label="In the first days on programme",
        widget=forms.CheckboxInput,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Organisation-wide words: the filter spans every team (the rows use each team's own).
        policy = organisation_policy()
        fields = self.form.fields
        fields["rating"].choices = [(level, policy.label(level)) for level in RISK_LEVELS]
        fields["stage"].choices = [("", "Any stage"), *stage_filter_choices()]
        # Each team counts its own version's days; say so where the teams' versions differ.
        days = sorted({spec.directors_told_within_days for spec in team_specs().values()})
        days = days or [policy.directors_told_within_days]
        fields["first_days"].label = (
            f"In the first {days[0]} days on programme"
            if len(days) == 1
            else f"In the first {' or '.join(map(str, days))} days on programme (by team)"
        )

    def filter_stage(self, queryset: QuerySet[Learner], name: str, value: str):
        return stage_filter(queryset, value) if value else queryset

    def filter_overdue(self, queryset: QuerySet[Learner], name: str, value: bool | None):
        return queryset.filter(overdue_condition(today=self.today)) if value else queryset

    def filter_days_in_stage(self, queryset: QuerySet[Learner], name: str, value):
        if value is None:
            return queryset
        moment = started_stage_before(days=int(value), today=self.today)
        return queryset.filter(case_stage_started_at__lt=moment)

    def filter_first_days(self, queryset: QuerySet[Learner], name: str, value: bool | None):
        return queryset.filter(first_days_condition(today=self.today)) if value else queryset


OVERDUE_KINDS = [
    ("stage", "Stage past due"),
    ("contacts", "Required contacts missing"),
    ("actions", "Actions overdue"),
]


class OverdueFilter(ScopeFilter):
    kind = django_filters.ChoiceFilter(
        method="filter_kind", choices=OVERDUE_KINDS, label="What is overdue", empty_label="Anything"
    )

    def filter_kind(self, queryset: QuerySet[Learner], name: str, value: str):
        if value == "stage":
            return queryset.filter(stage_past_due=True)
        if value == "contacts":
            return queryset.filter(contacts_missing__gt=0)
        if value == "actions":
            return queryset.filter(pk__in=learners_with_overdue_actions(today=self.today))
        return queryset
