"""Dates a person types stay in a sane window: a typo such as 0001-01-01 or 9999-12-31 is a
field error, and nothing is written."""

import pytest
from django.test import Client

from tests.hostile.probe import row_counts
from tests.hostile.table import ENDPOINTS
from tests.hostile.world import World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday")]


def _post(name: str, **changes):
    world = World()
    row = next(row for row in ENDPOINTS if row.name == name)
    client = Client()
    client.force_login(getattr(world, row.user))
    url, data = row.url(world), {**row.valid(world), **changes}
    before = row_counts()
    response = client.post(url, data)
    assert response.status_code == 200
    assert row_counts() == before
    return response


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"start_date": "0001-01-01"}, "start_date", "Enter a date between"),
        ({"start_date": "2028-11-02", "planned_end_date": "2029-11-02"}, "start_date", "between"),
        ({"planned_end_date": "9999-12-31"}, "planned_end_date", "within 10 years"),
        ({"planned_end_date": "2026-11-01"}, "planned_end_date", "after the start"),
    ],
)
def test_enrolment_dates_out_of_bounds_are_field_errors(changes, field, says):
    form = _post("learner_enrol", **changes).context["form"]
    assert says in " ".join(form.errors[field])


@pytest.mark.parametrize("field", ["actions-0-due_on", "review_on"])
def test_a_support_date_years_away_is_a_field_error(field):
    response = _post("support_create", **{field: "9999-12-31"})
    assert "Enter a date between 23/11/2021 and 23/11/2031" in response.content.decode()
