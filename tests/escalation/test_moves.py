"""The case engine makes the moves a version declares: each kind of move, who may make it, what
must be on the record first, and the history row it writes (tests/escalation/move_policy.py is
the small policy the test controls; the Makers journey runs on the shipped one)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from demo.factories import (
    ContactLogEntryFactory,
    LearnerFactory,
    SupportRecordFactory,
    UserFactory,
    open_case,
    stage_letter_not_sent,
)
from escalation.case_moves import case_move
from escalation.models import CaseStatus, ChangeKind
from escalation.recommendations import case_recommendation_record
from escalation.services import IllegalMove, case_advance
from escalation.stage_reviews import stage_review_record
from learners.models import BreakInLearning, LearnerStatus
from notifications.models import Notification
from riskcases.models import ContactType, SupportKind
from tests.escalation.move_policy import ladder_policy
from tests.policy_helpers import team_follows
from withdrawals.models import WithdrawalRequest

pytestmark = pytest.mark.usefixtures("monday")
LATER = dt.date(2026, 12, 18)


@pytest.fixture
def version(team):
    return ladder_policy(team)


@pytest.fixture
def case(version, tutor, team):
    return open_case(LearnerFactory(tutor=tutor, team=team))


def moved(case, key, by, **kwargs):
    return case_move(case=case, move_key=key, by=by, reason=kwargs.pop("reason", "Why"), **kwargs)


def last_change(case):
    return case.changes.order_by("-sequence").first()


def contacts(learner, *types):
    for contact_type in types:
        ContactLogEntryFactory(learner=learner, contact_type=contact_type)


def review(case, by):
    return stage_review_record(
        case=case,
        by=by,
        held_on=dt.date(2026, 11, 23),
        points={"Progress": "Two actions done", "Blockers": "None"},
        employer_attended=True,
    )


def at_c(case, tutor, manager):
    contacts(case.learner, ContactType.PHONE, ContactType.EMAIL, ContactType.PHONE)
    moved(case, "a_on", tutor)
    return moved(case, "b_on", tutor, due_on=LATER)


# --- each kind of move ------------------------------------------------------------------


def test_it_moves_forward_starting_the_next_stage_and_names_the_move_and_version(
    case, tutor, version
):
    case = moved(case, "a_on", tutor, reason="No reply to calls")
    change = last_change(case)
    assert (case.stage, case.stage_due_on) == ("b", dt.date(2026, 11, 30))
    assert (change.kind, change.move_key, change.policy_version_id) == (
        ChangeKind.ADVANCED,
        "a_on",
        version.pk,
    )
    assert (change.from_stage, change.to_stage, change.reason) == ("a", "b", "No reply to calls")


def test_it_moves_back_to_the_named_stage_starting_it_afresh(case, tutor):
    case = moved(case, "a_on", tutor)
    case = moved(case, "b_back", tutor)
    assert case.stage == "a" and case.status == CaseStatus.OPEN
    assert last_change(case).kind == ChangeKind.MOVED_BACK
    assert case.stage_due_on == dt.date(2026, 11, 30)  # Stage A's 5 working days, again


def test_it_steps_down_and_re_escalates_resuming_the_stage(case, tutor):
    SupportRecordFactory(learner=case.learner, kind=SupportKind.SUPPORT_CONTRACT, created_by=tutor)
    case = moved(case, "step_down", tutor)
    assert (case.status, case.stage_due_on) == (CaseStatus.STEPPED_DOWN, None)
    assert last_change(case).kind == ChangeKind.STEPPED_DOWN
    case = moved(case, "re_escalate", tutor, reason="Missed again")
    assert (case.status, case.stage) == (CaseStatus.OPEN, "a")
    assert last_change(case).kind == ChangeKind.RE_ESCALATED


def test_it_extends_the_stage_by_the_policys_working_days(case, tutor, manager):
    case = at_c(case, tutor, manager)
    case = moved(case, "c_extend", manager)
    # 5 working days after Friday 18 December: not Christmas Day nor the Boxing Day holiday.
    assert case.stage_due_on == dt.date(2026, 12, 29)
    assert last_change(case).kind == ChangeKind.EXTENDED
    assert "extended by 5 working days" in case.due_rule


def test_it_starts_a_break_in_learning_and_rests_the_case(case, tutor, manager):
    case = at_c(case, tutor, manager)
    with pytest.raises(ValidationError) as refused:
        moved(case, "c_break", manager)
    assert "expected_return_on" in refused.value.message_dict
    case = moved(case, "c_break", manager, expected_return_on=dt.date(2027, 2, 1))
    assert BreakInLearning.objects.get(learner=case.learner).expected_return_on == dt.date(
        2027, 2, 1
    )
    case.learner.refresh_from_db()
    assert case.learner.status == LearnerStatus.BREAK_IN_LEARNING
    assert (case.status, case.stage) == (CaseStatus.STEPPED_DOWN, "c")
    assert last_change(case).kind == ChangeKind.BREAK_STARTED


@pytest.mark.parametrize(
    ("key", "role", "kind"),
    [
        ("c_withdraw", "manager", ChangeKind.WITHDRAWAL_RAISED),
        ("c_terminate", "director", ChangeKind.TERMINATION_NOTIFIED),
    ],
)
def test_it_raises_the_withdrawal_request_for_a_director(case, tutor, manager, key, role, kind):
    case = at_c(case, tutor, manager)
    case_recommendation_record(
        case=case, by=manager, outcome="Withdraw the learner", reason="No engagement"
    )
    by = manager if role == "manager" else UserFactory(roles=["director"])
    case = moved(case, key, by, reason="Nothing has worked")
    request = WithdrawalRequest.objects.get(case=case)
    assert (request.grounds, case.status) == ("Nothing has worked", CaseStatus.OPEN)
    assert last_change(case).kind == kind
    with pytest.raises(IllegalMove, match="already has a withdrawal request"):
        moved(case, key, by)


def test_it_closes_the_case_back_on_track(case, tutor):
    case = moved(case, "close", tutor)
    assert case.status == CaseStatus.CLOSED_ON_TRACK
    assert last_change(case).kind == ChangeKind.CLOSED


# --- what a move is refused for ---------------------------------------------------------


def test_it_refuses_an_unknown_move_or_one_not_from_this_stage(case, tutor):
    with pytest.raises(IllegalMove, match="no case move called 'leap'"):
        moved(case, "leap", tutor)
    with pytest.raises(IllegalMove, match="is not a move from Stage A"):
        moved(case, "b_back", tutor)


def test_it_refuses_a_role_the_move_does_not_name(case, tutor, manager):
    with pytest.raises(IllegalMove, match="Only a tutor may make this move"):
        moved(case, "a_on", manager)
    assert case.changes.count() == 1


def test_a_person_cannot_make_the_sweeps_move(case, tutor):
    with pytest.raises(IllegalMove, match="automatically"):
        moved(case, "a_overdue", tutor)


def test_a_refused_status_move_raises(case, tutor):
    with pytest.raises(IllegalMove, match="open cannot be re-escalated"):
        moved(case, "re_escalate", tutor)


def test_it_needs_a_support_contract_to_step_down(case, tutor):
    with pytest.raises(IllegalMove, match="Needs a support contract"):
        moved(case, "step_down", tutor)
    SupportRecordFactory(learner=case.learner, kind=SupportKind.SUPPORT_CONTRACT, created_by=tutor)
    assert moved(case, "step_down", tutor).status == CaseStatus.STEPPED_DOWN


def test_it_needs_attempts_over_distinct_channels_since_the_stage_began(case, tutor, monday):
    contacts(case.learner, ContactType.PHONE, ContactType.PHONE)  # before Stage B began
    monday.shift(dt.timedelta(hours=1))
    case = moved(case, "a_on", tutor)
    monday.shift(dt.timedelta(hours=1))
    contacts(case.learner, ContactType.PHONE)
    expected = (
        "Needs 3 contact attempts over 2 different channels since Stage B began: "
        "1 logged (phone call)."
    )
    with pytest.raises(IllegalMove) as refused:
        moved(case, "b_on", tutor, due_on=LATER)
    assert refused.value.messages == [expected]
    contacts(case.learner, ContactType.PHONE, ContactType.PHONE)
    with pytest.raises(IllegalMove, match="3 logged \\(phone call\\)"):
        moved(case, "b_on", tutor, due_on=LATER)
    contacts(case.learner, ContactType.VISIT)
    assert moved(case, "b_on", tutor, due_on=LATER).stage == "c"


def test_it_needs_a_recommendation_and_review_meetings_at_the_stage(case, tutor, manager):
    case = at_c(case, tutor, manager)
    with pytest.raises(IllegalMove) as refused:
        moved(case, "c_on", manager)
    assert "Needs a recommendation recorded since Stage C began." in refused.value.messages[0]
    assert "Needs 2 review meetings" in refused.value.messages[0]
    case_recommendation_record(case=case, by=manager, outcome="Withdraw the learner", reason="r")
    contacts(case.learner, ContactType.MEETING, ContactType.VISIT)  # contacts are no reviews
    review(case, manager)
    with pytest.raises(IllegalMove, match="1 recorded"):
        moved(case, "c_on", manager)
    review(case, manager)
    case = moved(case, "c_on", manager)
    assert case.stage == "d"
    assert WithdrawalRequest.objects.filter(case=case).exists()  # Stage D raises one


def test_it_needs_the_stage_letter_sent_or_skipped(tutor, team):
    """Aspiration (shipped): Stage 1 moves on once its letter is sent, or not sent with a
    reason."""
    case = open_case(LearnerFactory(tutor=tutor, team=team), stage="stage_1")
    with pytest.raises(IllegalMove, match="Stage 1 has not been notified"):
        moved(case, "stage_1_forward", tutor)
    stage_letter_not_sent(case)
    assert moved(case, "stage_1_forward", tutor).stage == "stage_2"


def test_it_refuses_a_recommendation_that_is_not_one_of_the_stages_outcomes(case, tutor, manager):
    case = at_c(case, tutor, manager)
    with pytest.raises(ValidationError) as refused:
        case_recommendation_record(case=case, by=manager, outcome="Promote them", reason="r")
    assert "outcome" in refused.value.message_dict
    with pytest.raises(IllegalMove, match="does not end in a recommendation"):
        case_recommendation_record(
            case=open_case(LearnerFactory(tutor=tutor, team=case.learner.team)),
            by=tutor,
            outcome="Back to Stage A",
            reason="r",
        )


def test_it_tells_the_new_stages_tell_roles(case, tutor, manager):
    quality = UserFactory(roles=["quality"])
    at_c(case, tutor, manager)
    assert Notification.objects.filter(recipient=quality, kind="stage_change").exists()


def test_the_old_service_functions_go_through_the_engine(case, tutor):
    case = case_advance(case=case, by=tutor, reason="No reply")
    assert last_change(case).move_key == "a_on"


# --- Makers, as shipped ------------------------------------------------------------------


def test_rule_makers_a_learner_moves_up_down_and_is_recommended_back_to_stage_2(
    tutor, team, manager
):
    team_follows(team, "makers")
    case = open_case(LearnerFactory(tutor=tutor, team=team))
    steps = [("stage_1_forward", {}), ("stage_2_back", {}), ("stage_1_forward", {})]
    for key, extra in steps:
        case = moved(case, key, tutor, **extra)
    assert case.stage == "stage_2"
    with pytest.raises(ValidationError, match="time plan"):
        moved(case, "stage_2_forward", tutor)
    case = moved(case, "stage_2_forward", tutor, due_on=LATER)
    assert (case.stage, case.stage_due_on) == ("stage_3", LATER)
    with pytest.raises(IllegalMove, match="Needs the recommendation 'Move back down"):
        moved(case, "formal_down_2", tutor)
    stage_letter_not_sent(case)
    case_recommendation_record(
        case=case,
        by=tutor,
        outcome="Move back down to stage 1, 2 or off support",
        reason="Attending again after two reviews",
    )
    case = moved(case, "formal_down_2", tutor, reason="Recommended at the stage 3 review")
    change = last_change(case)
    assert (case.stage, change.kind, change.move_key) == (
        "stage_2",
        ChangeKind.MOVED_BACK,
        "formal_down_2",
    )
    assert [c.move_key for c in case.changes.order_by("sequence")][1:] == [
        "stage_1_forward",
        "stage_2_back",
        "stage_1_forward",
        "stage_2_forward",
        "formal_down_2",
    ]
