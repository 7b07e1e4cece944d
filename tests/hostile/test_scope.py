"""Every choice a form offers is scoped to what the user may do, and it accepts nothing else.

Generated like the hostile table: for each row, the forms its valid submission binds; for each
of their choice fields, every value it does not offer is posted in turn and must be an error
on that field with nothing written. For a choice from the database the values not offered are
real rows: another team's tutor, learner and case, retired catalogue entries (a risk factor, an
intervention, an exit theme, an ILR reason), people of other roles."""

import pytest
from django import forms

from demo.factories import LearnerFactory, TeamFactory, TutorFactory, open_case
from riskcases.models import Intervention, RiskFactor, RiskFactorKind
from tests.hostile.discovery import form_identity, watching
from tests.hostile.probe import client_for, headers_for, row_counts, undone, with_files
from tests.hostile.table import ENDPOINTS, Endpoint
from tests.hostile.world import World
from withdrawals.models import ExitTheme, WithdrawalReason

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday")]
# Real rows not offered, per choice field (the first few: each is refused the same way).
OUTSIDE_PER_FIELD = 6


def _outside_scope(world: World) -> None:
    """Rows a user of the world may not choose."""
    elsewhere = TeamFactory(name="South Team")
    other_tutor = TutorFactory(username="hostile.elsewhere", tutored_teams=[elsewhere])
    open_case(LearnerFactory(tutor=other_tutor, team=elsewhere), by=other_tutor)
    RiskFactor.objects.create(
        code="retired-d", name="Retired", kind=RiskFactorKind.DURING, active=False
    )
    RiskFactor.objects.create(
        code="retired-s", name="Retired", kind=RiskFactorKind.START, active=False
    )
    Intervention.objects.create(code="retired", name="Retired", active=False)
    ExitTheme.objects.create(code="retired", name="Retired", active=False)
    WithdrawalReason.objects.create(ilr_year="2019/20", code=99, description="Old", active=False)


def _not_offered(form_field: forms.Field) -> list[str]:
    if isinstance(form_field, forms.ModelChoiceField):
        model = form_field.queryset.model
        offered = form_field.queryset.values("pk")
        outside = model._default_manager.exclude(pk__in=offered).order_by("-pk")
        return [str(pk) for pk in outside.values_list("pk", flat=True)[:OUTSIDE_PER_FIELD]]
    if isinstance(form_field, forms.ChoiceField):
        return ["not-offered"]
    return []


def _submit(row: Endpoint, world: World, url: str, data: dict):
    client = client_for(world, row)
    before = row_counts()
    with undone(), watching() as watched:
        getattr(client, row.method)(url, data, headers=headers_for(row))
        changed = row.method == "post" and row_counts() != before
    return watched, changed


@pytest.mark.parametrize("row", ENDPOINTS, ids=lambda row: row.id)
def test_each_choice_accepts_only_what_it_offers(row: Endpoint):
    world = World()
    _outside_scope(world)
    url, valid = row.url(world), row.valid(world)
    valid = with_files(row, valid) if row.method == "post" else valid
    watched, _ = _submit(row, world, url, dict(valid))
    problems, tried = [], 0
    for form in watched.bound:
        for name, form_field in form.fields.items():
            key = form.add_prefix(name)
            multiple = isinstance(
                form_field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField
            )
            for value in _not_offered(form_field):
                tried += 1
                data = {**valid, key: [value] if multiple else value}
                if row.method == "post":
                    data = with_files(row, data)
                after, changed = _submit(row, world, url, data)
                refused = [
                    f
                    for f in after.bound
                    if form_identity(f) is form_identity(form) and name in f.errors
                ]
                if not refused:
                    problems.append(f"{key}={value}: accepted")
                if changed:
                    problems.append(f"{key}={value}: refused but rows changed")
    assert not problems, "\n".join(problems)
