"""Rules every policy shares, each read from the version: who may close a case as back on
track (and that closing it takes the learner off the at-risk register), a withdrawal raised
outside the ladder, and no status change in the admin that skips the withdrawal process."""

import pytest
from django.urls import reverse

from demo.factories import LearnerFactory
from escalation.case_moves import case_move
from escalation.learner_actions import learner_rate
from escalation.models import CaseStatus
from escalation.services import IllegalMove, case_active
from reports.register import register_for
from riskcases.models import ContactType, RiskLevel
from riskcases.services import rating_current
from tests.policy_helpers import team_follows

pytestmark = pytest.mark.usefixtures("monday")


@pytest.fixture
def safeguarding(user_with_role):
    return user_with_role("safeguarding", username="sam.safeguarding")


def rated_high(team, tutor):
    learner = LearnerFactory(tutor=tutor, team=team, programme_type="apprenticeship")
    learner_rate(learner=learner, level=RiskLevel.HIGH, reason="Four weeks silent", by=tutor)
    return learner


def close(learner, by):
    return case_move(
        case=case_active(learner=learner), move_key="close", by=by, reason="Back at plan"
    )


def on_register(learner, user) -> bool:
    return register_for(user=user).filter(pk=learner.pk).exists()


def test_rule_aspiration_only_the_sector_manager_closes_a_case_back_on_track(team, tutor, manager):
    team_follows(team, "aspiration")
    learner = rated_high(team, tutor)
    with pytest.raises(IllegalMove, match="Only a manager may make this move"):
        close(learner, tutor)
    case = close(learner, manager)
    assert case.status == CaseStatus.CLOSED_ON_TRACK


def test_rule_mtt_back_on_track_is_closed_by_managers_or_the_safeguarding_team(
    team, tutor, manager, safeguarding
):
    team_follows(team, "mtt")
    learner = rated_high(team, tutor)
    with pytest.raises(IllegalMove, match="Only a manager or safeguarding"):
        close(learner, tutor)
    assert close(learner, safeguarding).status == CaseStatus.CLOSED_ON_TRACK


@pytest.mark.parametrize("policy_key", ["aspiration", "mtt"])
def test_rule_closing_back_on_track_takes_the_learner_off_the_register(
    policy_key, team, tutor, manager
):
    team_follows(team, policy_key)
    learner = rated_high(team, tutor)
    assert on_register(learner, manager)
    close(learner, manager)
    rating = rating_current(learner=learner)
    assert rating.level == RiskLevel.LOW
    assert rating.reason.startswith("Back on track: the case is closed (Back at plan)")
    entry = learner.contacts.get(contact_type=ContactType.RISK_RATING, rating=rating)
    assert "from High to Low" in entry.notes
    assert not on_register(learner, manager)


def test_it_shows_on_the_case_page_who_may_close_it(client, team, tutor, manager):
    team_follows(team, "aspiration")
    learner = rated_high(team, tutor)
    case = case_active(learner=learner)
    client.force_login(tutor)
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Close: back on track" not in page
    client.force_login(manager)
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Close: back on track" in page
