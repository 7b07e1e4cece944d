"""Makers' Support and Escalation for Apprentices (V1.2), rule by rule: at risk is behind the
timeline by any amount; the informal stages are moved back and forth and counted; each formal
stage is notified and copied to the people the policy names, holds two review meetings run by the
apprentice and ends in a recommendation confirmed by e-mail, which the next formal stage needs;
stage 5's recommendation is the Director's, only a termination recommendation raises a
withdrawal, and the appeal is heard by a director who did not make it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from demo.factories import (
    EmployerFactory,
    LearnerFactory,
    ProgressSnapshotFactory,
    UserFactory,
    open_case,
    stage_letter_not_sent,
)
from escalation.case_moves import case_move
from escalation.letter_sending import case_letter_template, letter_context_for_case
from escalation.recommendation_emails import case_recommendation_email
from escalation.recommendations import case_may_recommend, case_recommendation_record
from escalation.selectors import case_informal_moves
from escalation.services import IllegalMove, case_policy
from escalation.stage_reviews import stage_review_record
from escalation.triggers.registry import HOLDING
from learners.models import Learner
from notifications.letter_rendering import letter_render
from notifications.models import EmailDelivery
from policies.seeding import shipped_spec
from riskcases.models import ContactType
from tests.conftest import MONDAY
from tests.escalation.withdrawal_steps import agreement, approve
from tests.policy_helpers import team_follows
from withdrawals.appeals import appeal_decide, appeal_lodge
from withdrawals.models import WithdrawalRequest

pytestmark = pytest.mark.usefixtures("monday")

TODAY = MONDAY.date()
LATER = dt.date(2027, 1, 29)
DOWN = "Move back down to stage 1, 2 or off support"
POINTS = {
    "Update on progress with actions": "Two of three actions done",
    "Successes": "Shipped the first feature",
    "Blockers": "None",
    "Any amendments proposed": "None",
    "Support requests": "Pairing on tests",
}


def makers_learner(team, tutor):
    team_follows(team, "makers")
    return LearnerFactory(
        tutor=tutor, team=team, programme_type="apprenticeship", employer=EmployerFactory()
    )


@pytest.fixture
def learner(team, tutor):
    return makers_learner(team, tutor)


@pytest.fixture
def second_director(user_with_role):
    return user_with_role("director", username="dan.director")


def moved(case, key, by, **kwargs):
    kwargs.setdefault("reason", "As recommended")
    return case_move(case=case, move_key=key, by=by, **kwargs)


def reviews(case, by, count=2, **kwargs):
    for _ in range(count):
        stage_review_record(
            case=case, by=by, held_on=TODAY, points=POINTS, **({"employer_attended": True} | kwargs)
        )


def recommend(case, by, outcome, *, email=True):
    recommendation = case_recommendation_record(
        case=case, by=by, outcome=outcome, reason="What the two reviews found"
    )
    if email:
        case_recommendation_email(recommendation=recommendation, by=by)
    return recommendation


def at_stage_3(learner, tutor):
    case = open_case(learner)
    case = moved(case, "stage_1_forward", tutor)
    case = moved(case, "stage_2_forward", tutor, due_on=LATER)
    stage_letter_not_sent(case, by=tutor)
    return case


def at_stage_4(learner, tutor, manager):
    case = at_stage_3(learner, tutor)
    reviews(case, tutor)
    recommend(case, tutor, "Escalate to stage 4")
    case = moved(case, "stage_3_forward", tutor, due_on=LATER)
    stage_letter_not_sent(case, by=manager)
    return case


def at_stage_5(learner, tutor, manager):
    case = at_stage_4(learner, tutor, manager)
    reviews(case, manager)
    recommend(case, manager, "Escalate to stage 5")
    case = moved(case, "stage_4_forward", manager, due_on=LATER)
    stage_letter_not_sent(case, by=manager)
    return case


def test_rule_makers_behind_the_timeline_by_any_amount_is_at_risk(learner):
    rule = shipped_spec("makers").trigger("behind_progress")
    assert rule.percent == 0 and rule.name == "Behind planned progression by any amount"
    scope = Learner.objects.filter(pk=learner.pk)
    ProgressSnapshotFactory(
        learner=learner, occurred_on=TODAY, actual_percent=50, planned_percent=50
    )
    assert HOLDING[rule.kind](rule, scope, TODAY) == []
    ProgressSnapshotFactory(
        learner=learner,
        occurred_on=TODAY + dt.timedelta(days=1),
        actual_percent=49,
        planned_percent=50,
    )
    [firing] = HOLDING[rule.kind](rule, scope, TODAY + dt.timedelta(days=1))
    assert "1 points behind" in firing.evidence


def test_rule_makers_informal_stages_move_back_and_forth_and_are_counted(client, learner, tutor):
    case = open_case(learner)
    for key in ("stage_1_forward", "stage_2_back", "stage_1_forward", "stage_2_back"):
        case = moved(case, key, tutor)
    words = ["Stage 1 (informal) → Stage 2 (informal)", "Stage 2 (informal) → Stage 1 (informal)"]
    assert case_informal_moves(case=case, policy=case_policy(case)) == words * 2
    client.force_login(tutor)
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "4 moves:" in page
    assert moved(case, "close", tutor).status == "closed_on_track"  # and off support


def test_rule_makers_formal_support_is_copied_to_the_line_manager_and_client_partner(
    learner, tutor
):
    case = at_stage_3(learner, tutor)
    context = letter_context_for_case(case)
    assert context["copied_to"] == (
        "the line manager at the employer and the client partner at Makers"
    )
    template = case_letter_template(case)
    assert template.letter_key == "formal_support" and template.send_to_employer


def test_rule_makers_stages_4_and_5_are_introduced_by_their_own_email(learner, tutor, manager):
    case = at_stage_4(learner, tutor, manager)
    assert case_letter_template(case).letter_key == "stage_4_introduction"
    body = letter_render(
        template=case_letter_template(case), context=letter_context_for_case(case)
    ).body_text
    assert "two stage 4 review meetings" in body and "Pastoral lead or tech lead" in body
    reviews(case, manager)
    recommend(case, manager, "Escalate to stage 5")
    case = moved(case, "stage_4_forward", manager, due_on=LATER)
    assert case_letter_template(case).letter_key == "stage_5_introduction"


def test_rule_makers_two_review_meetings_run_by_the_apprentice_record_the_five_points(
    learner, tutor
):
    case = at_stage_3(learner, tutor)
    with pytest.raises(ValidationError) as refused:
        stage_review_record(
            case=case,
            by=tutor,
            held_on=TODAY,
            points=POINTS | {"Blockers": " "},
            employer_attended=False,
        )
    assert set(refused.value.error_dict) == {"Blockers"}
    recommend(case, tutor, "Escalate to stage 4")
    # Placement visits and ordinary meetings in the contact log are not stage reviews.
    for kind in (ContactType.VISIT, ContactType.MEETING):
        learner.contacts.create(
            author=tutor, occurred_at=MONDAY, contact_type=kind, notes="Placement visit"
        )
    reviews(case, tutor, count=1)
    with pytest.raises(IllegalMove, match=r"Needs 2 review meetings .*: 1 recorded"):
        moved(case, "stage_3_forward", tutor, due_on=LATER)
    reviews(case, tutor, count=1)
    assert moved(case, "stage_3_forward", tutor, due_on=LATER).stage == "stage_4"


def test_rule_makers_employer_absent_from_a_stage_4_review_is_sent_the_record(
    learner, tutor, manager
):
    case = at_stage_4(learner, tutor, manager)
    mentor = learner.employer.mentor_email
    stage_review_record(
        case=case, by=manager, held_on=TODAY, points=POINTS, employer_attended=False
    )
    review = case.reviews.get(stage_key="stage_4")
    assert review.record_sent_to == mentor
    email = EmailDelivery.objects.get(to_address=mentor, subject__startswith="Record of")
    assert "Pairing on tests" in email.body


def test_rule_makers_recommendation_is_confirmed_by_email_copying_the_named_people(learner, tutor):
    case = at_stage_3(learner, tutor)
    recommendation = recommend(case, tutor, DOWN)
    sent = EmailDelivery.objects.filter(subject__contains="recommendation for")
    assert {e.to_address for e in sent} == {learner.email, learner.employer.mentor_email}
    assert "Copied to: The apprentice, the line manager, the client partner" in sent[0].body
    recommendation.refresh_from_db()
    assert recommendation.emailed_at is not None and "client partner" in recommendation.emailed_to
    assert learner.contacts.filter(contact_type=ContactType.EMAIL).count() == 1
    with pytest.raises(IllegalMove, match="sent already"):
        case_recommendation_email(recommendation=recommendation, by=tutor)


def test_rule_makers_stage_4_needs_stage_3s_recommendation_email_sent(learner, tutor):
    case = at_stage_3(learner, tutor)
    reviews(case, tutor)
    recommend(case, tutor, DOWN)
    with pytest.raises(IllegalMove, match="this move needs 'Escalate to stage 4'"):
        moved(case, "stage_3_forward", tutor, due_on=LATER)
    recommendation = recommend(case, tutor, "Escalate to stage 4", email=False)
    with pytest.raises(IllegalMove, match="confirming e-mail sent"):
        moved(case, "stage_3_forward", tutor, due_on=LATER)
    case_recommendation_email(recommendation=recommendation, by=tutor)
    assert moved(case, "stage_3_forward", tutor, due_on=LATER).stage == "stage_4"


def test_rule_makers_each_formal_move_follows_its_own_recommendation(learner, tutor, manager):
    case = at_stage_4(learner, tutor, manager)
    recommend(case, manager, "Recommend a break in learning")
    for key in ("formal_down_1", "extend_stage_3", "formal_off_support"):
        with pytest.raises(IllegalMove, match="this move needs"):
            moved(case, key, manager, due_on=LATER)
    recommend(case, manager, "Extend the formal support at stage 3")
    assert moved(case, "extend_stage_3", manager, due_on=LATER).stage == "stage_3"


def test_rule_makers_stage_5s_recommendation_is_the_directors(learner, tutor, manager, director):
    case = at_stage_5(learner, tutor, manager)
    assert not case_may_recommend(user=tutor, case=case)
    assert not case_may_recommend(user=manager, case=case)
    with pytest.raises(IllegalMove, match="does not record recommendations"):
        recommend(case, manager, DOWN)
    assert case_may_recommend(user=director, case=case)
    recommend(case, director, DOWN)


def test_rule_makers_only_a_termination_recommendation_raises_a_withdrawal(
    learner, tutor, manager, director
):
    case = at_stage_5(learner, tutor, manager)
    assert not WithdrawalRequest.objects.filter(case=case).exists()  # entering stage 5: none
    reviews(case, manager)
    recommend(case, director, DOWN)
    with pytest.raises(IllegalMove, match="needs 'Notify a termination"):
        moved(case, "terminate", director)
    recommend(case, director, "Notify a termination of training provision")
    moved(case, "terminate", director)
    assert WithdrawalRequest.objects.filter(case=case, status="pending").count() == 1


def test_rule_makers_appeal_within_10_working_days_heard_by_another_director(
    learner, tutor, manager, director, second_director
):
    case = at_stage_5(learner, tutor, manager)
    reviews(case, manager)
    recommend(case, director, "Notify a termination of training provision")
    moved(case, "terminate", director)
    request = WithdrawalRequest.objects.get(case=case)
    agreement(request, manager)
    approve(request, second_director)
    request.refresh_from_db()
    assert request.appeal_by == dt.date(2026, 12, 7)  # 10 working days
    appeal = appeal_lodge(
        request=request, by=tutor, appellant="learner", received_on=TODAY, grounds="Unfair"
    )
    with pytest.raises(IllegalMove, match="You made the recommendation"):
        appeal_decide(appeal=appeal, by=director, overturn=False, reason="Stands")
    third = UserFactory(roles=["director"], username="third.director")
    assert appeal_decide(appeal=appeal, by=third, overturn=False, reason="Stands").status == (
        "upheld"
    )


def test_rule_makers_the_recommenders_decision_page_says_another_director_hears_it(
    client, learner, tutor, manager, director, second_director
):
    case = at_stage_5(learner, tutor, manager)
    reviews(case, manager)
    recommend(case, director, "Notify a termination of training provision")
    moved(case, "terminate", director)
    request = WithdrawalRequest.objects.get(case=case)
    agreement(request, manager)
    approve(request, second_director)
    appeal_lodge(
        request=request, by=tutor, appellant="employer", received_on=TODAY, grounds="Unfair"
    )
    client.force_login(director)
    page = client.get(reverse("withdrawal_detail", args=[request.pk])).content.decode()
    assert "another director hears the appeal" in page
    assert "Record the appeal decision" not in page
