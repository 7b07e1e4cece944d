"""Rules every policy shares, each read from the version: who may close a case as back on
track (and that closing it takes the learner off the at-risk register), a withdrawal raised
outside the ladder, and no status change in the admin that skips the withdrawal process."""

import pytest
from django.urls import reverse

from demo.factories import LearnerFactory, UserFactory, open_case
from escalation.case_moves import case_move
from escalation.learner_actions import learner_rate
from escalation.models import CaseStatus
from escalation.services import IllegalMove, case_active
from learners.models import LearnerStatus
from reports.cycles import cycle_containing
from reports.leaver_figures import leaver_figures_build
from reports.register import register_for
from riskcases.models import ContactType, RiskLevel
from riskcases.services import rating_current
from tests.conftest import MONDAY
from tests.escalation.withdrawal_steps import approve
from tests.policy_helpers import team_follows
from withdrawals.models import ExitTheme, RequestStatus
from withdrawals.services import exit_review_record, withdrawal_reject

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
    with pytest.raises(IllegalMove, match="Only a manager or operational support coordinator"):
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


# --- a withdrawal raised outside the ladder ---------------------------------------------------


def raise_outside(client, learner, user, route, reason="Took a job outside the sector"):
    client.force_login(user)
    return client.post(
        reverse("withdrawal_outside_ladder", args=[learner.pk]),
        {"route": route, "reason": reason},
    )


def test_rule_mtt_learner_decides_to_leave_goes_to_withdrawal_and_exit_review(
    client, team, tutor, director
):
    team_follows(team, "mtt")
    learner = LearnerFactory(tutor=tutor, team=team, programme_type="short_course")
    response = raise_outside(client, learner, tutor, "learner_leaving")
    assert response.status_code == 302
    request = learner.withdrawal_requests.get()
    assert request.status == RequestStatus.PENDING
    assert request.grounds.startswith("Withdraw: the learner decided to leave.")
    case = request.case
    assert case.stage_due_on is None  # the stages wait for the director
    assert "opened to raise a withdrawal outside the ladder" in case.changes.first().reason.lower()
    # The same process as at the end of the ladder: a director who did not raise it decides.
    approve(request, director, last_day_of_learning=MONDAY.date())
    request.refresh_from_db()
    learner.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    assert learner.status == LearnerStatus.WITHDRAWN
    assert request.appeal_by and request.confirmation_due_on
    exit_review_record(
        request=request,
        by=tutor,
        reasons="A better-paid job",
        themes=ExitTheme.objects.all()[:1],
        might_have_kept="Nothing",
        learner_took_part=True,
    )
    figures = leaver_figures_build(cycle=cycle_containing(MONDAY.date()), today=MONDAY.date())
    [leaver] = [row for row in figures.leavers if row["uln"] == learner.uln]
    assert leaver["reviewed"]
    assert "Withdraw: the learner decided to leave" in [h["label"] for h in leaver["history"]]


def test_rule_makers_ending_under_another_policy_skips_the_stages(
    client, team, tutor, manager, director
):
    team_follows(team, "makers")
    learner = LearnerFactory(tutor=tutor, team=team, programme_type="apprenticeship")
    case = open_case(learner)  # informal stage 1
    client.force_login(tutor)
    page = client.get(reverse("withdrawal_outside_ladder", args=[learner.pk])).content.decode()
    assert "ended under another policy" not in page  # the tutor's route is the learner's own
    raise_outside(
        client, learner, manager, "other_policy", reason="Code of conduct: gross misconduct"
    )
    request = learner.withdrawal_requests.get()
    case.refresh_from_db()
    assert case.stage == "stage_1" and request.case == case
    assert request.grounds.startswith("Withdraw: ended under another policy")
    # Still the withdrawal process: the employer agrees for an apprentice before it completes.
    approve(request, director, last_day_of_learning=MONDAY.date())
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_EMPLOYER


def test_it_runs_the_stage_deadline_again_when_a_director_rejects_it(client, team, tutor, director):
    team_follows(team, "aspiration")
    learner = LearnerFactory(tutor=tutor, team=team)
    open_case(learner, stage="stage_1")
    raise_outside(client, learner, tutor, "learner_leaving")
    request = learner.withdrawal_requests.get()
    assert case_active(learner=learner).stage_due_on is None
    withdrawal_reject(request=request, by=director, reason="She wants to stay: talk again")
    case = case_active(learner=learner)
    assert case.stage == "stage_1" and case.status == CaseStatus.OPEN
    assert case.stage_due_on is not None and "director" not in case.due_rule


def test_it_says_what_to_fix_when_the_reason_is_missing(client, team, tutor):
    team_follows(team, "mtt")
    learner = LearnerFactory(tutor=tutor, team=team)
    response = raise_outside(client, learner, tutor, "learner_leaving", reason="  ")
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not learner.withdrawal_requests.exists()


# --- the admin --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [LearnerStatus.WITHDRAWN, LearnerStatus.BREAK_IN_LEARNING])
def test_rule_no_admin_status_change_skips_the_withdrawal_or_break_process(client, learner, status):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    url = reverse("admin:learners_learner_change", args=[learner.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data |= {"status": status, "tutor": learner.tutor_id, "team": learner.team_id}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "cannot be changed to or from" in response.content.decode()
    learner.refresh_from_db()
    assert learner.status == LearnerStatus.ON_PROGRAMME
