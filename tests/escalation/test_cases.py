import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from demo.factories import LearnerFactory, SupportRecordFactory, open_case, stage_letter_not_sent
from escalation.models import CaseStatus, EscalationCase, StageChange
from escalation.services import (
    IllegalMove,
    case_advance,
    case_close_on_track,
    case_re_escalate,
    case_step_down,
)
from riskcases.models import SupportKind
from tests.conftest import MONDAY
from tests.policy_helpers import team_follows


@pytest.fixture
def trainee(tutor, team):
    return LearnerFactory(tutor=tutor, team=team, programme_type="traineeship")


class TestOpening:
    def test_rule_rating_medium_or_high_opens_a_case_at_first_risk(self, client, tutor, learner):
        client.force_login(tutor)
        url = reverse("rating_change", args=[learner.pk])
        token = client.get(url).context["form"].initial["submission_token"]
        client.post(url, {"level": "medium", "reason": "2 units late", "submission_token": token})
        case = EscalationCase.objects.get(learner=learner)
        assert (case.stage, case.status, case.stage_due_on) == ("first_risk", "open", None)
        change = case.changes.get()
        assert change.kind == "opened" and change.by == tutor and "2 units late" in change.reason

    def test_a_second_rise_keeps_the_one_case(self, client, tutor, learner):
        open_case(learner)
        open_case(learner)
        assert EscalationCase.objects.filter(learner=learner).count() == 1

    def test_rule_the_database_allows_one_active_case_per_learner(self, learner):
        case = open_case(learner)
        with pytest.raises(IntegrityError), transaction.atomic():
            EscalationCase.objects.create(
                learner=learner,
                policy_version=case.policy_version,
                stage="stage_1",
                opened_at=case.opened_at,
                stage_started_at=case.opened_at,
            )


class TestDeadlines:
    @time_machine.travel(MONDAY, tick=False)
    def test_rule_stage_1_is_due_in_5_working_days_with_its_rule(self, learner):
        case = case_advance(case=open_case(learner), by=learner.tutor, reason="no contact")
        assert case.stage == "stage_1"
        assert case.stage_due_on == dt.date(2026, 11, 30)
        assert case.due_rule == "5 working days: Aspiration Stage 1, apprenticeship"

    @time_machine.travel(MONDAY, tick=False)
    def test_rule_traineeship_stage_1_is_3_and_stage_2_is_2_working_days(self, trainee):
        case = case_advance(case=open_case(trainee), by=trainee.tutor, reason="no contact")
        assert case.stage_due_on == dt.date(2026, 11, 26)
        assert case.due_rule == "3 working days: Aspiration Stage 1, traineeship"
        stage_letter_not_sent(case)
        case = case_advance(case=case, by=trainee.tutor, reason="no reply")
        assert case.stage_due_on == dt.date(2026, 11, 25)

    @time_machine.travel(dt.datetime(2026, 12, 23, 10, tzinfo=dt.UTC), tick=False)
    def test_deadlines_skip_christmas_bank_holidays(self, learner):
        case = case_advance(case=open_case(learner), by=learner.tutor, reason="r")
        assert case.stage_due_on == dt.date(2027, 1, 4)


class TestTransitions:
    def test_every_move_writes_one_history_row(self, learner, tutor):
        case = open_case(learner)
        case = case_advance(case=case, by=tutor, reason="no response to calls")
        SupportRecordFactory(learner=learner, kind=SupportKind.SUPPORT_CONTRACT)
        case = case_step_down(case=case, by=tutor, reason="contract agreed")
        case = case_re_escalate(case=case, by=tutor, reason="missed again")
        case = case_close_on_track(case=case, by=tutor, reason="all caught up")
        kinds = list(case.changes.values_list("kind", flat=True))
        assert kinds == ["opened", "advanced", "stepped_down", "re_escalated", "closed"]
        assert case.status == CaseStatus.CLOSED_ON_TRACK
        assert list(case.changes.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5]

    def test_rule_step_down_needs_a_support_contract(self, learner, tutor):
        case = open_case(learner)
        with pytest.raises(IllegalMove, match="support contract"):
            case_step_down(case=case, by=tutor, reason="better")

    def test_the_last_stage_cannot_advance(self, learner, tutor):
        case = open_case(learner, stage="stage_3")
        with pytest.raises(IllegalMove, match="withdrawal process"):
            case_advance(case=case, by=tutor, reason="r")

    def test_a_closed_case_cannot_move(self, learner, tutor):
        case = case_close_on_track(case=open_case(learner), by=tutor, reason="fine")
        with pytest.raises(IllegalMove, match="cannot be advanced"):
            case_advance(case=case, by=tutor, reason="r")

    def test_a_reason_is_required(self, learner, tutor):
        with pytest.raises(ValidationError):
            case_advance(case=open_case(learner), by=tutor, reason=" ")

    def test_rule_stage_history_is_append_only(self, learner):
        change = open_case(learner).changes.get()
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            StageChange.objects.filter(pk=change.pk).update(reason="rewritten")
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            StageChange.objects.filter(pk=change.pk).delete()
        assert connection.vendor == "postgresql"

    @time_machine.travel(MONDAY, tick=False)
    def test_makers_formal_stages_need_a_time_plan_date(self, learner, tutor, settings):
        team_follows(learner.team, "makers")
        case = open_case(learner, stage="stage_2")
        with pytest.raises(ValidationError, match="time plan"):
            case_advance(case=case, by=tutor, reason="not improving")
        case = case_advance(case=case, by=tutor, reason="r", due_on=dt.date(2026, 12, 18))
        assert case.stage_due_on == dt.date(2026, 12, 18)
        assert "Time plan" in case.due_rule


class TestCasePage:
    def test_a_tutor_sees_stage_due_date_rule_and_checklist(self, client, tutor, learner):
        case = case_advance(case=open_case(learner), by=tutor, reason="r")
        client.force_login(tutor)
        page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
        assert "Stage 1" in page and case.due_rule in page
        assert "Two further welfare-check attempts" in page and "0 of 2 logged" in page

    def test_a_tutor_advances_with_a_reason(self, client, tutor, learner):
        case = case_advance(case=open_case(learner), by=tutor, reason="r")
        stage_letter_not_sent(case)
        client.force_login(tutor)
        url = reverse("case_move", args=[case.pk, "advance"])
        response = client.post(url, {"reason": "", "expected_stage": "stage_1"})
        assert "This field is required" in response.content.decode()
        client.post(url, {"reason": "no reply to Stage 1", "expected_stage": "stage_1"})
        case.refresh_from_db()
        assert case.stage == "stage_2"
        # A stale page (double click) does not move it twice.
        client.post(url, {"reason": "no reply to Stage 1", "expected_stage": "stage_1"})
        case.refresh_from_db()
        assert case.stage == "stage_2"

    def test_rule_only_the_stages_role_advances_it(self, client, tutor, learner):
        case = open_case(learner, stage="stage_3")  # Aspiration stage 3: the Sector Manager
        client.force_login(tutor)
        url = reverse("case_move", args=[case.pk, "advance"])
        client.post(url, {"reason": "r"}, follow=True)
        case.refresh_from_db()
        assert case.stage == "stage_3"

    def test_another_tutor_gets_404(self, client, colleague, learner):
        case = open_case(learner)
        client.force_login(colleague)
        assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404

    def test_quality_reads_but_cannot_move(self, client, user_with_role, learner):
        case = open_case(learner)
        client.force_login(user_with_role("quality"))
        assert client.get(reverse("case_detail", args=[case.pk])).status_code == 200
        response = client.post(reverse("case_move", args=[case.pk, "close"]), {"reason": "x"})
        assert response.status_code == 403

    def test_a_support_contract_steps_the_case_down(self, client, tutor, learner):
        open_case(learner)
        client.force_login(tutor)
        url = reverse("support_create", args=[learner.pk])
        form = client.get(url).context["form"]
        client.post(
            url,
            {
                "submission_token": form.initial["submission_token"],
                "kind": "support_contract",
                "summary": "Agreed",
                "agreed_on": "2026-11-23",
                "actions-TOTAL_FORMS": "0",
                "actions-INITIAL_FORMS": "0",
            },
        )
        assert EscalationCase.objects.get(learner=learner).status == "stepped_down"

    def test_the_caseload_shows_stage_and_due_date(self, client, tutor, learner):
        case_advance(case=open_case(learner), by=tutor, reason="r")
        client.force_login(tutor)
        page = client.get(reverse("learner_list")).content.decode()
        assert "Stage 1" in page and "due " in page
        page = client.get(reverse("case_list")).content.decode()
        assert learner.full_name in page and "Stage 1" in page


def test_the_cases_list_puts_the_soonest_due_first_and_no_deadline_last(client, tutor, team):
    no_deadline = open_case(LearnerFactory(tutor=tutor, team=team))
    due = case_advance(case=open_case(LearnerFactory(tutor=tutor, team=team)), by=tutor, reason="r")
    client.force_login(tutor)
    rows = list(client.get(reverse("case_list")).context["page"])
    assert rows == [due, no_deadline]


def test_the_cases_list_query_count_does_not_grow_with_rows(client, tutor, team):
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        open_case(LearnerFactory(tutor=tutor, team=team))
    client.force_login(tutor)
    client.get(reverse("case_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("case_list"))
    for _ in range(15):
        open_case(LearnerFactory(tutor=tutor, team=team))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("case_list"))
    assert len(many) == len(few)
