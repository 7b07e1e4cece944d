"""Issue 10's "audit rows for a full case journey": every step taken through the pages leaves
audit rows naming the signed-in user, with the row before and after."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from demo.factories import LearnerFactory
from escalation.models import EscalationCase
from tests.escalation.withdrawal_steps import reason
from tests.riskcases.test_contacts import post_contact
from withdrawals.models import RequestStatus

pytestmark = pytest.mark.usefixtures("monday")  # tests/conftest.py


def trail(**filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


def ops(events) -> list[tuple[str, str, str]]:
    return [(e.table_name, e.operation, e.actor_label) for e in events]


def advance(client, case, people) -> str:
    """Advance the case as the first of ``people`` whose role acts at its stage."""
    case.refresh_from_db()
    stage = case.stage
    for person in people:
        client.force_login(person)
        if stage != "first_risk" and not case.letters.filter(stage_key=stage).exists():
            client.post(
                reverse("case_letter_skip", args=[case.pk]),
                {"reason": "Told in person", "expected_stage": stage},
            )
        client.post(
            reverse("case_move", args=[case.pk, "advance"]),
            {"reason": f"No reply at {stage}", "expected_stage": stage},
        )
        case.refresh_from_db()
        if case.stage != stage:
            return person.username
    raise AssertionError(f"nobody could advance {stage}")


def test_it_records_a_whole_case_journey_with_actors_and_before_after(
    client, tutor, manager, director, team
):
    learner = LearnerFactory(
        tutor=tutor, team=team, programme_type="traineeship", employer=None, last_name="Journey"
    )
    start = AuditEvent.objects.count()

    # 1. The tutor rates the learner High: the case opens.
    client.force_login(tutor)
    url = reverse("rating_change", args=[learner.pk])
    token = client.get(url).context["form"].initial["submission_token"]
    client.post(url, {"level": "high", "reason": "Missed 3 sessions", "submission_token": token})
    case = EscalationCase.objects.get(learner=learner)
    rated = trail(actor=tutor)
    assert ("riskcases_riskrating", "insert", "owner.tutor") in ops(rated)
    assert ("riskcases_contactlogentry", "insert", "owner.tutor") in ops(rated)
    assert ("escalation_escalationcase", "insert", "owner.tutor") in ops(rated)
    assert ("escalation_stagechange", "insert", "owner.tutor") in ops(rated)
    ended = next(
        e for e in rated if e.table_name == "riskcases_riskrating" and e.operation == "update"
    )
    assert ended.before["ended_at"] is None and ended.after["ended_at"] is not None
    assert ended.before["level"] == "low" and ended.learner_id == learner.pk
    assert all(e.learner_id == learner.pk for e in rated)

    # 2. A confidential contact.
    post_contact(client, learner, confidential="on", notes="AUDIT-disclosure")
    contact = trail(table_name="riskcases_contactlogentry", actor=tutor)[-1]
    assert contact.after["notes"] == "AUDIT-disclosure" and contact.after["confidential"] is True

    # 3. The stages' people advance first risk -> stage 1 -> stage 2 -> stage 3, which raises
    # the Notification of Withdrawal.
    movers = [advance(client, case, [tutor, manager]) for _ in range(3)]
    assert case.stage == "stage_3"
    moves = [
        (m.before["stage"], m.after["stage"], m.actor_label)
        for m in trail(table_name="escalation_escalationcase", operation="update")
        if m.before["stage"] != m.after["stage"]
    ]
    assert moves == [
        ("first_risk", "stage_1", movers[0]),
        ("stage_1", "stage_2", movers[1]),
        ("stage_2", "stage_3", movers[2]),
    ]
    stage_rows = trail(table_name="escalation_stagechange", learner=learner)
    assert {e.after["to_stage"] for e in stage_rows} >= {"stage_1", "stage_2", "stage_3"}
    request = case.withdrawal_requests.get()
    assert trail(table_name="escalation_withdrawalrequest", operation="insert")[-1].row_id == (
        request.pk
    )

    # 4. The director approves.
    client.force_login(director)
    response = client.post(
        reverse("withdrawal_decide", args=[request.pk]),
        {
            "decision": "approve",
            "reason": "All stages tried.",
            "ilr_reason": reason().pk,
            "last_day_of_learning": "2026-11-20",
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    decided = trail(table_name="escalation_withdrawalrequest", operation="update", actor=director)
    assert decided[-1].after["status"] == RequestStatus.WITHDRAWN
    assert decided[-1].before["status"] != RequestStatus.WITHDRAWN
    withdrawn = trail(table_name="learners_learner", operation="update", actor=director)
    assert withdrawn[-1].before["status"] != "withdrawn" == withdrawn[-1].after["status"]

    # 5. The manager lodges the learner's appeal; the director upholds it.
    client.force_login(manager)
    client.post(
        reverse("appeal_create", args=[request.pk]),
        {"appellant": "learner", "received_on": "2026-11-23", "grounds": "I was ill"},
    )
    appeal = request.appeals.get()
    client.force_login(director)
    client.post(
        reverse("appeal_decide", args=[appeal.pk]),
        {"outcome": "uphold", "reason": "Evidence of contact attempts"},
    )
    appeal_rows = trail(table_name="escalation_appeal", row_id=appeal.pk)
    assert [(e.operation, e.actor_label) for e in appeal_rows] == [
        ("insert", "team.manager"),
        ("update", "dee.director"),
    ]
    assert appeal_rows[1].after["status"] != appeal_rows[1].before["status"]

    # Every row of the journey names its learner and a signed-in user, never "system".
    journey = list(AuditEvent.objects.all()[: AuditEvent.objects.count() - start])
    assert journey and {e.learner_id for e in journey} == {learner.pk}
    assert "system" not in {e.actor_label for e in journey}
    assert all(e.at is not None for e in journey)
