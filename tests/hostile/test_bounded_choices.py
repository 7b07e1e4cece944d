"""A number past any primary key, or more ticks than the list holds, in a multiple choice is a
form error on every form that has one, and nothing is written."""

import pytest
from django import forms
from django.test import Client

import riskcases.forms  # noqa: F401 (their forms are walked below)
import web.policy_forms  # noqa: F401
import withdrawals.forms  # noqa: F401
from learners.validators import BoundedModelMultipleChoiceField
from tests.hostile.probe import row_counts
from tests.hostile.table import ENDPOINTS
from tests.hostile.world import World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday")]

CASES = {
    "learner_enrol": "start_factors",
    "rating_change": "risk_factors",
    "support_create": "interventions",
    "contact_create": "risk_factors",
}
VALUES = {
    "past_bigint": ["99999999999999999999999"],
    "nine_hundred": [str(n) for n in range(1, 901)],
}


@pytest.mark.parametrize("values", VALUES.values(), ids=VALUES.keys())
@pytest.mark.parametrize("name", CASES)
def test_a_hostile_multiple_choice_is_a_form_error(name, values):
    world = World()
    row = next(row for row in ENDPOINTS if row.name == name)
    client = Client()
    client.force_login(getattr(world, row.user))
    url, data = row.url(world), {**row.valid(world), CASES[name]: values}
    before = row_counts()

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["form"].errors.get(CASES[name])
    assert row_counts() == before


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_multiple_choice_field_is_bounded():
    apps = {"riskcases", "web", "withdrawals", "learners", "escalation", "policies", "reports"}
    ours = [f for f in _subclasses(forms.BaseForm) if f.__module__.split(".")[0] in apps]
    multi = {
        (form.__name__, name): field
        for form in ours
        for name, field in form.base_fields.items()
        if isinstance(field, forms.ModelMultipleChoiceField)
    }
    assert len(multi) >= 5
    assert not [w for w, f in multi.items() if not isinstance(f, BoundedModelMultipleChoiceField)]
