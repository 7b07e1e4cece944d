import pytest
from django.urls import reverse

from demo.factories import CourseFactory, EmployerFactory, TeamFactory, TutorFactory, valid_uln
from learners.models import Learner
from riskcases.models import RiskFactor
from riskcases.services import rating_current


@pytest.fixture
def enrol_data(team, db):
    return {
        "first_name": "Nia",
        "last_name": "Jones",
        "uln": valid_uln(424242),
        "programme_type": "apprenticeship",
        "nation": "WLS",
        "course": CourseFactory().pk,
        "employer": EmployerFactory().pk,
        "team": team.pk,
        "tutor": TutorFactory(tutored_teams=[team]).pk,
        "start_date": "2026-11-02",
        "planned_end_date": "2027-11-01",
        "level": "low",
        "submission_token": "6f1c1a0e-6c1d-4c35-9a63-0a3f3f0e2b11",
    }


def test_a_manager_enrols_a_learner_who_starts_low(client, manager, enrol_data):
    client.force_login(manager)
    response = client.post(reverse("learner_enrol"), enrol_data)
    assert response.status_code == 302
    learner = Learner.objects.get(uln=enrol_data["uln"])
    assert rating_current(learner=learner).level == "low"


def test_rule_a_start_factor_needs_medium_or_high(client, manager, enrol_data):
    client.force_login(manager)
    factor = RiskFactor.objects.get(code="employment-probation")
    response = client.post(reverse("learner_enrol"), {**enrol_data, "start_factors": [factor.pk]})
    assert response.status_code == 200
    assert "rate the learner Medium or High" in response.content.decode()
    assert not Learner.objects.exists()
    response = client.post(
        reverse("learner_enrol"),
        {**enrol_data, "start_factors": [factor.pk], "level": "high", "rating_reason": "Probation"},
    )
    assert response.status_code == 302
    learner = Learner.objects.get()
    assert rating_current(learner=learner).level == "high"
    assert learner.contacts.get().contact_type == "risk_rating"


def test_a_bad_uln_is_a_field_error_and_nothing_typed_is_lost(client, manager, enrol_data):
    client.force_login(manager)
    response = client.post(reverse("learner_enrol"), {**enrol_data, "uln": "12345"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "A ULN is exactly 10 digits." in page
    assert 'value="Nia"' in page and 'value="12345"' in page


def test_a_manager_can_enrol_only_into_their_own_teams(client, manager, other_team, enrol_data):
    client.force_login(manager)
    response = client.post(reverse("learner_enrol"), {**enrol_data, "team": other_team.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_manager_enrols_only_under_a_tutor_of_the_chosen_team(client, manager, team, enrol_data):
    """The tutor offered and accepted is one of the team's tutors: another team's tutor (whom
    the team's manager does not see) is refused, and so is a tutor of the manager's other
    team."""
    second_team = TeamFactory(managers=[manager])
    elsewhere = TutorFactory(tutored_teams=[TeamFactory()])
    colleague = TutorFactory(tutored_teams=[second_team])
    client.force_login(manager)

    response = client.post(reverse("learner_enrol"), {**enrol_data, "tutor": elsewhere.pk})
    assert "Select a valid choice" in response.context["form"].errors["tutor"][0]
    response = client.post(reverse("learner_enrol"), {**enrol_data, "tutor": colleague.pk})
    assert "is not a tutor of" in response.context["form"].errors["tutor"][0]
    assert not Learner.objects.exists()
    offered = {pk for pk, _ in response.context["form"].fields["tutor"].choices if pk}
    assert {int(str(pk)) for pk in offered} == {enrol_data["tutor"], colleague.pk}


def test_a_tutor_cannot_enrol(client, tutor, enrol_data):
    client.force_login(tutor)
    assert client.get(reverse("learner_enrol")).status_code == 403
