"""The overdue page (stages past due, required contacts missing, actions overdue) and the
team workload view."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demo.factories import (
    AgreedActionFactory,
    ContactLogEntryFactory,
    LearnerFactory,
    SupportRecordFactory,
)
from escalation.models import EscalationCase
from escalation.selectors import case_checklist
from learners.roles import Role
from policies.selectors import spec_cache_clear
from tests.reports.conftest import at_risk, days_ago

OVERDUE = reverse("register_overdue")
WORKLOAD = reverse("team_workload")


def names(response) -> list[str]:
    return [learner.full_name for learner in response.context["page"]]


def today() -> dt.date:
    return timezone.localdate()


def test_it_lists_a_stage_past_its_deadline(client, manager, learner):
    at_risk(learner, stage="stage_2", stage_due_on=today() - dt.timedelta(days=4))
    client.force_login(manager)
    response = client.get(OVERDUE)
    assert names(response) == ["Lily Learner"]
    assert "4 days late" in response.content.decode()


def test_a_stage_due_later_is_not_overdue(client, manager, learner):
    at_risk(learner, stage="stage_2", stage_due_on=today() + dt.timedelta(days=1))
    client.force_login(manager)
    assert names(client.get(OVERDUE)) == []


def test_rule_aspiration_stage_1_needs_the_letter_and_two_welfare_checks_by_its_deadline(
    client, manager, learner
):
    """Aspiration 5.1.4 Stage 1: the Stage 1 e-mail, then "a further 2 attempts ... emphasising a
    welfare check ... within a 5-working day period". At the deadline, what is not logged is
    missing; logged contacts from before the stage began do not count."""
    case = at_risk(learner, stage="stage_1", stage_started_at=days_ago(7), stage_due_on=today())
    ContactLogEntryFactory(learner=learner, occurred_at=days_ago(9), welfare_check=True)
    ContactLogEntryFactory(learner=learner, occurred_at=days_ago(2), contact_type="letter")
    ContactLogEntryFactory(learner=learner, occurred_at=days_ago(1), welfare_check=True)
    client.force_login(manager)
    response = client.get(OVERDUE, {"kind": "contacts"})
    assert names(response) == ["Lily Learner"]
    row = response.context["page"][0]
    expected = sum(max(item.needed - item.done, 0) for item in case_checklist(case=case))
    assert row.contacts_missing == expected == 1  # the same sum the case page's checklist shows
    ContactLogEntryFactory(learner=learner, occurred_at=days_ago(0), welfare_check=True)
    assert names(client.get(OVERDUE, {"kind": "contacts"})) == []


def test_contacts_are_not_missing_before_the_stage_deadline(client, manager, learner):
    at_risk(learner, stage="stage_1", stage_due_on=today() + dt.timedelta(days=2))
    client.force_login(manager)
    assert names(client.get(OVERDUE, {"kind": "contacts"})) == []


def test_it_lists_overdue_actions_even_for_a_learner_rated_low(client, manager, learner):
    record = SupportRecordFactory(learner=learner)
    AgreedActionFactory(support_record=record, due_on=today() - dt.timedelta(days=3))
    AgreedActionFactory(support_record=record, due_on=today() - dt.timedelta(days=1))
    AgreedActionFactory(
        support_record=record, due_on=today() - dt.timedelta(days=9), done_at=timezone.now()
    )
    client.force_login(manager)
    response = client.get(OVERDUE, {"kind": "actions"})
    assert names(response) == ["Lily Learner"]
    row = response.context["page"][0]
    assert row.actions_overdue == 2
    assert row.oldest_action_due == today() - dt.timedelta(days=3)


def test_it_puts_the_longest_overdue_first(client, manager, tutor, team):
    a = LearnerFactory(tutor=tutor, team=team, first_name="A", last_name="Recent")
    at_risk(a, stage="stage_2", stage_due_on=today() - dt.timedelta(days=1))
    b = LearnerFactory(tutor=tutor, team=team, first_name="B", last_name="Action")
    AgreedActionFactory(
        support_record=SupportRecordFactory(learner=b), due_on=today() - dt.timedelta(days=20)
    )
    c = LearnerFactory(tutor=tutor, team=team, first_name="C", last_name="Stage")
    at_risk(c, stage="stage_3", stage_due_on=today() - dt.timedelta(days=10))
    client.force_login(manager)
    assert names(client.get(OVERDUE)) == ["B Action", "C Stage", "A Recent"]


def test_the_overdue_page_keeps_to_the_managers_teams(client, manager, learner, south):
    at_risk(learner, stage="stage_2", stage_due_on=today() - dt.timedelta(days=1))
    EscalationCase.objects.filter(learner=south).update(stage_due_on=today() - dt.timedelta(days=2))
    client.force_login(manager)
    assert names(client.get(OVERDUE)) == ["Lily Learner"]


def test_workload_counts_each_tutors_learners_at_risk_and_overdue(
    client, manager, tutor, colleague, team, south
):
    LearnerFactory.create_batch(3, tutor=tutor, team=team)
    risky = LearnerFactory(tutor=tutor, team=team)
    at_risk(risky, stage="stage_2", stage_due_on=today() - dt.timedelta(days=1))
    rated = LearnerFactory(tutor=tutor, team=team)
    at_risk(rated, level="medium", stage=None)
    helped = LearnerFactory(tutor=colleague, team=team)
    AgreedActionFactory(
        support_record=SupportRecordFactory(learner=helped), due_on=today() - dt.timedelta(days=1)
    )
    client.force_login(manager)
    teams = client.get(WORKLOAD).context["teams"]
    assert [t.team_name for t in teams] == ["North Team"]  # never the South team
    loads = {t.tutor_id: t for t in teams[0].tutors}
    mine, theirs = loads[tutor.pk], loads[colleague.pk]
    assert (mine.learners, mine.at_risk, mine.open_cases, mine.overdue) == (5, 2, 1, 1)
    assert (theirs.learners, theirs.at_risk, theirs.open_cases, theirs.overdue) == (1, 0, 0, 1)
    assert teams[0].learners == 6 and teams[0].overdue == 2


def test_workload_shows_a_director_every_team(client, user_with_role, learner, south):
    client.force_login(user_with_role(Role.DIRECTOR))
    teams = client.get(WORKLOAD).context["teams"]
    assert [t.team_name for t in teams] == ["North Team", "South Team"]


@pytest.mark.parametrize("query", [{"kind": "late"}, {"team": "x"}, {"page": "0"}])
def test_bad_overdue_filters_never_break_the_page(client, manager, query):
    client.force_login(manager)
    assert client.get(OVERDUE, query).status_code == 200


@pytest.mark.parametrize("url", [OVERDUE, WORKLOAD])
def test_query_count_does_not_grow_with_rows(client, manager, tutor, colleague, team, url):
    def add(count: int) -> None:
        for i in range(count):
            learner = LearnerFactory(tutor=(tutor, colleague)[i % 2], team=team)
            at_risk(learner, stage="stage_2", stage_due_on=today() - dt.timedelta(days=i + 1))
            AgreedActionFactory(
                support_record=SupportRecordFactory(learner=learner),
                due_on=today() - dt.timedelta(days=1),
            )

    def queries() -> int:
        client.force_login(manager)
        spec_cache_clear()  # count the policy reads too, each time
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add(5)
    few = queries()
    add(40)
    assert queries() == few
