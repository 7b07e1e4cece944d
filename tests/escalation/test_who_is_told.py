"""Who hears of what (in-app): each event names its audience, and nobody outside it is told."""

import datetime as dt

import pytest
from django.urls import reverse

from demo.factories import LearnerFactory, ManagerFactory, SessionFactory, TeamFactory, open_case
from escalation.services import case_advance
from escalation.tasks import sweep_stage_reminders
from escalation.triggers.evaluate import triggers_evaluate
from notifications.models import Notification
from tests.conftest import MONDAY
from tests.escalation.withdrawal_steps import agreement, approve, at_withdrawal_stage
from tests.policy_helpers import team_follows
from withdrawals.appeals import appeal_decide, appeal_lodge
from withdrawals.services import withdrawal_reject

pytestmark = pytest.mark.usefixtures("monday")  # tests/conftest.py


@pytest.fixture
def people(tutor, colleague, manager, user_with_role):
    other_manager = ManagerFactory(username="other.manager")
    TeamFactory(name="Elsewhere").managers.add(other_manager)
    return {
        "tutor": tutor,
        "colleague": colleague,
        "manager": manager,
        "other manager": other_manager,
        "director": user_with_role("director", username="dee.director"),
        "quality": user_with_role("quality", username="iqa"),
        "safeguarding": user_with_role("safeguarding", username="safe"),
    }


def told(people, kind: str) -> set[str]:
    who = set(Notification.objects.filter(kind=kind).values_list("recipient", flat=True))
    return {name for name, user in people.items() if user.pk in who}


def test_a_risk_notification_tells_the_tutor_the_teams_managers_and_iqa(people, learner):
    today = MONDAY.date()
    for days_ago in (9, 5, 2):
        SessionFactory(
            learner=learner, occurred_on=today - dt.timedelta(days=days_ago), attendance="missed"
        )
    triggers_evaluate(today=today, learner_ids=[learner.pk])
    assert told(people, "risk_notification") == {"tutor", "manager", "quality"}


def test_rule_inside_the_first_60_days_the_directors_are_told_at_once(people, tutor, team):
    new = LearnerFactory(tutor=tutor, team=team, start_date=dt.date(2026, 11, 2))
    for day in (16, 18, 20):
        SessionFactory(learner=new, occurred_on=dt.date(2026, 11, day), attendance="missed")
    triggers_evaluate(today=MONDAY.date(), learner_ids=[new.pk])
    assert told(people, "early_risk") == {"director"}


def test_a_stage_change_by_a_person_tells_the_others_acting_now(client, people, learner):
    case = open_case(learner)
    client.force_login(people["tutor"])
    client.post(reverse("case_move", args=[case.pk, "advance"]), {"reason": "No reply"})
    # Aspiration stage 1: tutor and Sector Manager act; the tutor who moved it is not told.
    assert told(people, "stage_change") == {"manager"}


def test_a_stage_due_tomorrow_reminds_those_acting(people, learner):
    case_advance(case=open_case(learner), by=people["tutor"], reason="No reply")
    sweep_stage_reminders(today="2026-11-27")  # Friday; stage 1 due Monday 30 November
    assert told(people, "stage_due_tomorrow") == {"tutor", "manager"}


def test_an_overdue_stage_a_person_decides_is_announced_once(people, learner):
    team_follows(learner.team, "makers")
    case = open_case(learner, stage="stage_2")
    case_advance(
        case=case, by=people["tutor"], reason="Formal support", due_on=dt.date(2026, 11, 27)
    )
    sweep_stage_reminders(today="2026-11-30")
    sweep_stage_reminders(today="2026-12-01")
    assert told(people, "stage_overdue") == {"tutor"}
    assert Notification.objects.filter(kind="stage_overdue").count() == 1


def test_withdrawal_events_tell_directors_then_the_tutor_and_managers(people, learner):
    request = at_withdrawal_stage(learner, people["manager"]).withdrawal_requests.get()
    assert {"director"} <= told(people, "withdrawal")
    Notification.objects.all().delete()
    agreement(request, people["manager"])
    approve(request, people["director"])
    assert told(people, "withdrawal") == {"tutor", "manager"}


def test_a_rejection_tells_the_tutor_and_managers(people, learner):
    request = at_withdrawal_stage(learner, people["manager"]).withdrawal_requests.get()
    Notification.objects.all().delete()
    withdrawal_reject(request=request, by=people["director"], reason="Not yet")
    assert told(people, "withdrawal") == {"tutor", "manager"}


def test_an_appeal_tells_the_directors_and_its_decision_the_tutor(people, learner):
    request = at_withdrawal_stage(learner, people["manager"]).withdrawal_requests.get()
    agreement(request, people["manager"])
    approve(request, people["director"])
    request.refresh_from_db()
    Notification.objects.all().delete()
    appeal = appeal_lodge(
        request=request,
        by=people["manager"],
        appellant="learner",
        received_on=MONDAY.date(),
        grounds="Unwell",
    )
    assert told(people, "withdrawal") == {"director"}
    Notification.objects.all().delete()
    appeal_decide(appeal=appeal, by=people["director"], overturn=False, reason="Clear evidence")
    assert told(people, "withdrawal") == {"tutor", "manager"}
