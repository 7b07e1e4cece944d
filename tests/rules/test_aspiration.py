"""Aspiration: Managing Learners at Risk (2022, and 2021 as a version): its rules as a user meets
them (docs/policies/aspiration.md)."""

import datetime as dt

import pytest
from django.urls import reverse

from demo.factories import (
    LearnerFactory,
    ProgressEventFactory,
    TeamFactory,
    UserFactory,
    open_case,
    stage_letter_not_sent,
)
from escalation.breaks import break_start
from escalation.case_moves import case_move
from escalation.models import EscalationCase, RiskNotification
from escalation.services import IllegalMove
from escalation.triggers.evaluate import triggers_evaluate
from learners.models import Nation
from learners.roles import Role
from notifications.models import Notification
from policies.documents import spec_from_document
from policies.models import Policy
from policies.seeding import seed_document, shipped_spec
from tests.conftest import MONDAY

pytestmark = pytest.mark.usefixtures("monday")
TODAY = MONDAY.date()


@pytest.fixture
def cardiff(db):
    return TeamFactory(name="Cardiff", nation=Nation.WALES)


@pytest.fixture
def coordinator(cardiff):
    user = UserFactory(
        username="osc",
        first_name="Owain",
        last_name="Coordinator",
        roles=[Role.OPERATIONAL_SUPPORT],
    )
    cardiff.support_coordinators.add(user)
    return user


@pytest.fixture
def welsh_learner(cardiff, tutor):
    return LearnerFactory(tutor=tutor, team=cardiff, nation=Nation.WALES)


def spec_2021():
    """The 2021 version, as its seed document says."""
    return spec_from_document(
        seed_document("aspiration-2021.json"), key="aspiration", short_name="Aspiration", name=""
    )


class TestWales:
    def test_rule_aspiration_wales_operational_support_coordinator_acts_at_stages_1_to_3(
        self, client, welsh_learner, coordinator
    ):
        case = open_case(welsh_learner, stage="stage_1")
        client.force_login(coordinator)
        page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
        assert "Operational Support Coordinator" in page  # who acts, in Wales
        stage_letter_not_sent(case, by=coordinator)
        case = case_move(case=case, by=coordinator, reason="No reply", move_key="stage_1_forward")
        assert case.stage == "stage_2"
        stage_letter_not_sent(case, by=coordinator)
        case = case_move(case=case, by=coordinator, reason="No reply", move_key="stage_2_forward")
        assert case.stage == "stage_3"
        # Told as the stage's actor (the tutor moved nothing, so is told too).
        assert Notification.objects.filter(recipient=welsh_learner.tutor).exists()

    def test_rule_aspiration_a_coordinator_acts_only_for_the_teams_that_name_them(
        self, client, coordinator, tutor, team
    ):
        elsewhere = LearnerFactory(tutor=tutor, team=team)
        case = open_case(elsewhere, stage="stage_1")
        client.force_login(coordinator)
        assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404

    def test_rule_aspiration_the_coordinator_is_told_when_a_welsh_case_reaches_their_stage(
        self, welsh_learner, coordinator, tutor
    ):
        case = open_case(welsh_learner, stage="stage_1")
        stage_letter_not_sent(case, by=tutor)
        case_move(case=case, by=tutor, reason="No reply", move_key="stage_1_forward")
        assert Notification.objects.filter(recipient=coordinator, kind="stage_change").exists()

    def test_rule_aspiration_49_days_without_progress_in_wales_42_in_england(self):
        for spec in (shipped_spec("aspiration"), spec_2021()):
            rule = spec.trigger("no_progress")
            assert (rule.days_for("ENG"), rule.days_for("WLS")) == (42, 49)
            assert rule.opens_at == "stage_1"


class TestEngland:
    def test_rule_aspiration_england_sector_manager_acts_and_a_tutor_cannot_at_stage_3(
        self, learner, manager, tutor
    ):
        spec = shipped_spec("aspiration")
        assert spec.stage("stage_3").actor_title("ENG") == "Sector Manager"
        assert spec.stage("stage_3").actor_roles[0] == "manager"
        assert "Sector Manager" in spec.stage("stage_1").actor_title("ENG")

    def test_rule_aspiration_stage_3_notice_is_copied_to_the_vocational_coach_and_head_of_operations(  # noqa: E501
        self, client, learner, manager
    ):
        case = open_case(learner, stage="stage_3")
        client.force_login(manager)
        preview = client.get(reverse("case_letter", args=[case.pk])).content.decode()
        assert "Copied to: The Vocational Coach and the Head of Operations" in preview
        page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
        assert "Notice copied to" in page

    def test_rule_aspiration_stage_2_copies_in_the_sector_manager_in_england(self):
        stage = shipped_spec("aspiration").stage("stage_2")
        assert stage.copied_for("ENG") == "the Sector Manager"
        assert stage.copied_for("WLS") == ""


def test_rule_aspiration_a_break_with_no_response_for_3_months_starts_stage_1(learner):
    learner.start_date = TODAY - dt.timedelta(days=300)
    learner.save(update_fields=["start_date"])
    break_start(
        learner=learner,
        started_on=TODAY - dt.timedelta(days=100),
        expected_return_on=TODAY + dt.timedelta(days=60),
        reason="Caring responsibilities",
        by=learner.tutor,
    )
    ProgressEventFactory(learner=learner, occurred_on=TODAY - dt.timedelta(days=101))
    triggers_evaluate(today=TODAY, learner_ids=[learner.pk])
    fired = set(RiskNotification.objects.filter(learner=learner).values_list("rule_key", flat=True))
    assert "break_silence" in fired and "no_progress" not in fired
    case = EscalationCase.objects.get(learner=learner)
    assert case.stage == "stage_1"


def test_rule_aspiration_2021_has_no_rule_for_learners_on_a_break():
    keys = {rule.key for rule in spec_2021().triggers}
    assert not keys & {"break_silence", "break_no_return"}
    assert "periods.break_contact_days" in spec_2021().additions


def test_rule_aspiration_2021_stage_titles_and_copies_differ_from_2022():
    old, new = spec_2021(), shipped_spec("aspiration")
    assert old.stage("stage_3").actor_title("ENG") == "Head of Operations"
    assert old.stage("stage_3").copied_for("ENG") == "the Sector Manager"
    assert (
        old.stage("stage_2").actor_title("ENG")
        == "Sector / Traineeship Manager / Head of Operations"
    )
    assert old.stage("stage_3").actor_title("WLS") == "Operational Support Co-ordinator"
    assert new.stage("stage_3").actor_title("WLS") == "Operational Support Coordinator"


def test_rule_aspiration_has_no_immediate_escalation(learner, manager):
    for spec in (shipped_spec("aspiration"), spec_2021()):
        for move in spec.moves_from("first_risk", kind="forward"):
            assert move.to_stage is None
    case = open_case(learner)
    with pytest.raises(IllegalMove):
        case_move(case=case, by=manager, reason="Serious", move_key="escalate_now_stage_3")


def test_rule_aspiration_policy_page_reads_as_aspiration(client, tutor):
    client.force_login(tutor)
    version = Policy.objects.get(key="aspiration")
    page = client.get(reverse("policy_version", args=[_current(version)])).content.decode()
    assert "Operational Support Coordinator (Wales)" in page
    assert "Sector Manager (England)" in page
    assert "copied to the Vocational Coach and the Head of Operations" in page
    assert "Our additions" in page


def _current(policy: Policy) -> int:
    from policies.selectors import policy_current_version_id

    return policy_current_version_id(policy_id=policy.pk)


def test_rule_aspiration_back_on_track_period_is_our_addition():
    for spec in (shipped_spec("aspiration"), spec_2021()):
        assert spec.back_on_track_days == 28
        assert "Consistently at or above" in spec.addition("periods.back_on_track_days")
