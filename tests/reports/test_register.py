"""The at-risk register page: who is on it, who sees it, filters, sorting, counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demo.factories import (
    AgreedActionFactory,
    LearnerFactory,
    SupportRecordFactory,
    TutorFactory,
)
from escalation.services import case_step_down
from learners.models import LearnerStatus, Nation, ProgrammeType
from learners.roles import Role
from policies.selectors import spec_cache_clear
from riskcases.models import SupportKind
from tests.reports.conftest import at_risk, days_ago

URL = reverse("register")


def names(response) -> list[str]:
    return [learner.full_name for learner in response.context["page"]]


def test_it_lists_learners_with_an_open_case_or_an_at_risk_rating(client, manager, tutor, team):
    high = LearnerFactory(tutor=tutor, team=team, first_name="Hana", last_name="High")
    at_risk(high, level="high")
    medium = LearnerFactory(tutor=tutor, team=team, first_name="Mo", last_name="Medium")
    at_risk(medium, level="medium", stage=None)  # rated, no case opened yet
    low_with_case = LearnerFactory(tutor=tutor, team=team, first_name="Lou", last_name="Case")
    at_risk(low_with_case, level="low")
    LearnerFactory(tutor=tutor, team=team, first_name="Lara", last_name="Fine")
    gone = LearnerFactory(tutor=tutor, team=team, first_name="Wyn", last_name="Gone")
    at_risk(gone, level="high", stage=None)
    gone.status = LearnerStatus.COMPLETED
    gone.save()
    client.force_login(manager)
    response = client.get(URL)
    assert sorted(names(response)) == ["Hana High", "Lou Case", "Mo Medium"]


def test_it_shows_a_manager_only_their_teams(client, manager, learner, south):
    at_risk(learner)
    client.force_login(manager)
    response = client.get(URL)
    assert names(response) == ["Lily Learner"]
    assert "Stella" not in response.content.decode()
    # Another team's id in the URL is refused as a filter, and still shows nothing of theirs.
    response = client.get(URL, {"team": south.team_id})
    assert "Stella" not in response.content.decode()
    assert "were not understood" in response.content.decode()


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.LEAVER_PANEL, Role.QUALITY])
def test_it_shows_organisation_wide_roles_every_team(client, user_with_role, learner, south, role):
    at_risk(learner)
    client.force_login(user_with_role(role))
    assert sorted(names(client.get(URL))) == ["Lily Learner", "Stella Hidden"]


@pytest.mark.parametrize("url_name", ["register", "register_overdue", "team_workload"])
def test_it_sends_a_tutor_to_their_caseload(client, tutor, url_name):
    client.force_login(tutor)
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and response["Location"] == reverse("learner_list")


def test_it_asks_anonymous_users_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.fixture
def mixed(tutor, colleague, team):
    """Learners differing in one thing each, all on the North team's register."""
    colleague.first_name, colleague.last_name = "Cole", "League"
    colleague.save()
    people = {
        "high": LearnerFactory(tutor=tutor, team=team, first_name="Hana", last_name="High"),
        "medium": LearnerFactory(tutor=colleague, team=team, first_name="Mo", last_name="Medium"),
        "trainee": LearnerFactory(
            tutor=tutor,
            team=team,
            first_name="Tia",
            last_name="Trainee",
            programme_type=ProgrammeType.TRAINEESHIP,
            nation=Nation.WALES,
        ),
        "new": LearnerFactory(
            tutor=tutor,
            team=team,
            first_name="Nia",
            last_name="New",
            start_date=timezone.localdate() - dt.timedelta(days=20),
        ),
    }
    at_risk(
        people["high"],
        level="high",
        stage="stage_2",
        stage_started_at=days_ago(12),
        stage_due_on=timezone.localdate() - dt.timedelta(days=3),
    )
    at_risk(people["medium"], level="medium", stage=None)
    at_risk(people["trainee"], level="medium", stage="first_risk")
    case = at_risk(people["new"], level="medium", stage="stage_1")
    SupportRecordFactory(learner=people["new"], kind=SupportKind.SUPPORT_CONTRACT)
    case_step_down(case=case, by=tutor, reason="Support contract agreed")
    return people


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"rating": "high"}, ["Hana High"]),
        ({"rating": ["high", "medium"]}, ["Hana High", "Mo Medium", "Nia New", "Tia Trainee"]),
        ({"stage": "stage_2"}, ["Hana High"]),
        ({"stage": "first_risk"}, ["Tia Trainee"]),
        ({"stage": "stepped_down"}, ["Nia New"]),
        ({"stage": "none"}, ["Mo Medium"]),
        ({"programme": "traineeship"}, ["Tia Trainee"]),
        ({"nation": "WLS"}, ["Tia Trainee"]),
        ({"overdue": "true"}, ["Hana High"]),
        ({"days_in_stage": "10"}, ["Hana High"]),
        ({"days_in_stage": "0"}, ["Hana High", "Nia New", "Tia Trainee"]),
        ({"first_days": "true"}, ["Nia New"]),
    ],
)
def test_each_filter_narrows_the_register(client, manager, mixed, query, expected):
    client.force_login(manager)
    assert sorted(names(client.get(URL, query))) == expected


def test_it_filters_by_team_and_tutor(client, director, mixed, south, colleague, team):
    client.force_login(director)
    assert sorted(names(client.get(URL, {"team": team.pk}))) == [
        "Hana High",
        "Mo Medium",
        "Nia New",
        "Tia Trainee",
    ]
    assert names(client.get(URL, {"tutor": colleague.pk})) == ["Mo Medium"]
    assert names(client.get(URL, {"team": south.team_id})) == ["Stella Hidden"]


def test_days_in_stage_counts_calendar_days_from_the_day_the_stage_began(client, manager, learner):
    at_risk(learner, stage_started_at=days_ago(5))
    client.force_login(manager)
    assert names(client.get(URL, {"days_in_stage": "5"})) == ["Lily Learner"]
    assert names(client.get(URL, {"days_in_stage": "6"})) == []
    assert "<td>5</td>" in client.get(URL).content.decode()


def test_overdue_counts_an_overdue_action_on_a_case_in_time(client, manager, learner):
    at_risk(learner)
    record = SupportRecordFactory(learner=learner)
    AgreedActionFactory(support_record=record, due_on=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(manager)
    response = client.get(URL, {"overdue": "true"})
    assert names(response) == ["Lily Learner"]
    assert "1 action overdue" in response.content.decode()


def test_it_counts_by_rating_and_stage_for_the_rows_shown(client, manager, mixed):
    client.force_login(manager)
    counts = client.get(URL).context["counts"]
    assert counts.total == 4
    assert counts.by_rating == {"low": 0, "medium": 3, "high": 1}
    by_stage = {value: n for value, _, _, n in counts.by_stage}
    assert by_stage == {"none": 1, "first_risk": 1, "stage_2": 1, "stepped_down": 1}
    counts = client.get(URL, {"rating": "medium"}).context["counts"]
    assert counts.total == 3 and counts.by_rating["high"] == 0


def test_counts_link_to_the_register_filtered_by_them(client, manager, mixed):
    client.force_login(manager)
    page = client.get(URL, {"programme": "apprenticeship"}).content.decode()
    assert 'href="?programme=apprenticeship&amp;rating=high"' in page
    assert 'href="?programme=apprenticeship&amp;stage=stepped_down"' in page


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Hana High", "Mo Medium", "Nia New", "Tia Trainee"]),
        ("-name", ["Tia Trainee", "Nia New", "Mo Medium", "Hana High"]),
        ("-rating", ["Hana High", "Mo Medium", "Nia New", "Tia Trainee"]),
        ("stage", ["Mo Medium", "Tia Trainee", "Hana High", "Nia New"]),
        ("due", ["Hana High", "Mo Medium", "Nia New", "Tia Trainee"]),
        ("days", ["Hana High", "Nia New", "Tia Trainee", "Mo Medium"]),
        ("tutor", ["Mo Medium", "Hana High", "Nia New", "Tia Trainee"]),
        ("start", ["Hana High", "Mo Medium", "Tia Trainee", "Nia New"]),
    ],
)
def test_it_sorts_by_each_column(client, manager, mixed, sort, expected):
    client.force_login(manager)
    assert names(client.get(URL, {"sort": sort})) == expected


def test_filters_live_in_the_url_and_survive_sorting_and_paging(client, manager, mixed):
    client.force_login(manager)
    page = client.get(URL, {"rating": "medium", "sort": "name"}).content.decode()
    assert 'href="?rating=medium&amp;sort=-name"' in page  # the sort link keeps the filter
    assert 'href="/register/export/csv/?rating=medium&amp;sort=name"' in page


@pytest.mark.parametrize(
    "query",
    [
        {"days_in_stage": "soon"},
        {"days_in_stage": "-4"},
        {"team": "99999"},
        {"tutor": "abc"},
        {"rating": "purple"},
        {"stage": "stage_99"},
        {"sort": "drop table"},
        {"page": "9999"},
        {"overdue": "maybe"},
    ],
)
def test_bad_filter_values_never_break_the_page(client, manager, mixed, query):
    client.force_login(manager)
    response = client.get(URL, query)
    assert response.status_code == 200


def test_its_query_count_does_not_grow_with_rows(client, manager, tutor, team):
    def queries() -> int:
        client.force_login(manager)
        spec_cache_clear()  # count the policy reads too, each time
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, {"sort": "due"})
        assert response.status_code == 200
        return len(captured)

    def add(count: int) -> None:
        tutors = [tutor, TutorFactory()]
        for i in range(count):
            learner = LearnerFactory(tutor=tutors[i % 2], team=team)
            at_risk(learner, level="high" if i % 2 else "medium", stage="stage_1")
            record = SupportRecordFactory(learner=learner)
            AgreedActionFactory(support_record=record, due_on=timezone.localdate())

    add(10)
    few = queries()
    add(190)
    assert queries() == few


def test_empty_form_fields_drop_out_of_the_url(client, manager):
    client.force_login(manager)
    response = client.get(URL, {"rating": "high", "stage": "", "team": "", "overdue": "true"})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?rating=high&overdue=true"
    assert client.get(URL, {"stage": ""})["Location"] == URL


def test_rule_first_60_days_on_programme_counts_day_59_in_and_day_60_out(
    client, manager, tutor, team
):
    """MTT policy: indicators "within the first 60 days on programme" go to the directors at once;
    the register's filter finds those learners (preset.directors_told_within_days)."""
    today = timezone.localdate()
    for first, days in (("Day", 59), ("Past", 60)):
        learner = LearnerFactory(
            tutor=tutor,
            team=team,
            first_name=first,
            last_name="Starter",
            start_date=today - dt.timedelta(days=days),
        )
        at_risk(learner, stage=None)
    client.force_login(manager)
    assert names(client.get(URL, {"first_days": "true"})) == ["Day Starter"]
