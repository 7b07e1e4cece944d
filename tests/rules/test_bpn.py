"""Best Practice Network's Apprentice and Employer-Mentor Engagement Policy (2026), rule by rule
(docs/policies/bpn.md): the inactivity ladder (section 6), the Green/Amber/Red rating beside it
(7), contact before withdrawal (8), the decision and its inputs (9), notifications (10) and
appeals (11). Each test runs the shipped version (policies/seeds/bpn-2026.json)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from demo.factories import (
    ContactLogEntryFactory,
    LearnerFactory,
    ProgressEventFactory,
    SessionFactory,
    SubmissionFactory,
    SupportRecordFactory,
    VisitFactory,
    open_case,
)
from escalation.calendar import add_working_days
from escalation.learner_actions import learner_rate
from escalation.letter_sending import case_letter_template, letter_send
from escalation.models import EscalationCase, RiskNotification
from escalation.services import case_advance
from escalation.tasks import sweep_overdue_cases, sweep_triggers
from escalation.triggers.firing import risk_notification_decide
from learners.models import Attendance
from policies.models import PolicyVersion
from policies.seeding import shipped_spec
from riskcases.models import ContactLogEntry, RiskFactor
from tests.policy_helpers import team_follows
from withdrawals.models import RequestStatus
from withdrawals.requirements import READERS

BPN = shipped_spec("bpn")


def at(day: dt.date, hour: int = 6, minute: int = 0):
    # November to March: London is on UTC.
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC), tick=False
    )


def morning(day: dt.date) -> None:
    """The beat's 06:00 trigger sweep and 06:30 overdue sweep on ``day``."""
    with at(day):
        sweep_triggers(today=day.isoformat())
    with at(day, minute=30):
        sweep_overdue_cases(today=day.isoformat())


def mornings(first: dt.date, last: dt.date) -> None:
    day = first
    while day <= last:
        morning(day)
        day += dt.timedelta(days=1)


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def autumn():
    with time_machine.travel(dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def bpn_team(team, manager):
    return team_follows(team, "bpn")


@pytest.fixture
def apprentice(bpn_team, tutor):
    return LearnerFactory(tutor=tutor, team=bpn_team, first_name="Ada", last_name="Apprentice")


def bpn_version_id() -> int:
    return PolicyVersion.objects.filter(policy__key="bpn", status="published").latest("number").pk


def case_of(learner):
    return EscalationCase.objects.filter(learner=learner).order_by("-pk").first()


def page(client, user, url: str) -> str:
    client.force_login(user)
    return client.get(url).content.decode()


# --- 6. The inactivity ladder --------------------------------------------------------------------

LAST_ACTIVE = dt.date(2026, 10, 30)  # a Friday: 10 working days later is Fri 13 Nov
STARTS = dt.date(2026, 11, 13)

ACTIVITY = {
    "a learning task completed": lambda learner, day: ProgressEventFactory(
        learner=learner, occurred_on=day, kind="unit_completed", description="Unit 4 done"
    ),
    "a session attended": lambda learner, day: SessionFactory(
        learner=learner, occurred_on=day, attendance=Attendance.ATTENDED
    ),
    "a booked online class attended": lambda learner, day: SessionFactory(
        learner=learner, occurred_on=day, title="Online class", attendance=Attendance.ATTENDED
    ),
    "a review attended": lambda learner, day: VisitFactory(
        learner=learner, occurred_on=day, kind="review", outcome="held"
    ),
    "work submitted": lambda learner, day: SubmissionFactory(
        learner=learner, occurred_on=day, outcome="submitted"
    ),
    "OTJT hours logged": lambda learner, day: ProgressEventFactory(
        learner=learner, occurred_on=day, kind="otj_logged", description="6 hours OTJT"
    ),
    "a reply to the tutor": lambda learner, day: ContactLogEntryFactory(
        learner=learner, occurred_at=noon(day), outcome="responded"
    ),
    "a reply with the employer": lambda learner, day: ContactLogEntryFactory(
        learner=learner, occurred_at=noon(day), outcome="responded", contact_with="both"
    ),
    "a message the apprentice sent": lambda learner, day: ContactLogEntryFactory(
        learner=learner,
        occurred_at=noon(day),
        contact_type="email",
        direction="inbound",
        outcome="not_applicable",
    ),
}


def test_rule_bpn_two_weeks_without_activity_starts_the_ladder_at_week_2(apprentice):
    SessionFactory(learner=apprentice, occurred_on=LAST_ACTIVE, attendance=Attendance.ATTENDED)
    morning(STARTS - dt.timedelta(days=1))
    assert case_of(apprentice) is None
    morning(STARTS)
    case = case_of(apprentice)
    assert (case.stage, case.inactive_since) == ("week_2", LAST_ACTIVE)
    assert "No recorded activity for 10 working days" in case.changes.get().reason


@pytest.mark.parametrize("kind", sorted(ACTIVITY))
def test_rule_bpn_every_kind_of_activity_the_document_lists_counts(apprentice, kind):
    SessionFactory(learner=apprentice, occurred_on=LAST_ACTIVE, attendance=Attendance.ATTENDED)
    ACTIVITY[kind](apprentice, dt.date(2026, 11, 10))
    morning(STARTS)
    assert case_of(apprentice) is None, kind


@pytest.mark.parametrize("kind", sorted(ACTIVITY))
def test_rule_bpn_activity_recorded_stops_the_ladder(apprentice, kind):
    SessionFactory(learner=apprentice, occurred_on=LAST_ACTIVE, attendance=Attendance.ATTENDED)
    mornings(STARTS, dt.date(2026, 11, 24))
    case = case_of(apprentice)
    assert case.stage == "week_3"
    ACTIVITY[kind](apprentice, dt.date(2026, 11, 24))
    morning(dt.date(2026, 11, 25))
    case.refresh_from_db()
    assert case.status == "closed_on_track"
    assert case.changes.latest("sequence").reason == (
        "Activity recorded on Tue 24 Nov 2026 stops the ladder."
    )


def test_rule_bpn_an_amber_rating_does_not_start_the_ladder(apprentice, tutor):
    SessionFactory(learner=apprentice, occurred_on=dt.date(2026, 11, 9), attendance="attended")
    with at(dt.date(2026, 11, 10), hour=10):
        learner_rate(learner=apprentice, level="medium", reason="Late twice", by=tutor)
        learner_rate(learner=apprentice, level="high", reason="Repeated issues", by=tutor)
    morning(dt.date(2026, 11, 11))
    assert case_of(apprentice) is None


def test_rule_bpn_each_rung_is_reached_only_while_the_inactivity_lasts(apprentice):
    SessionFactory(learner=apprentice, occurred_on=LAST_ACTIVE, attendance=Attendance.ATTENDED)
    mornings(STARTS, dt.date(2027, 1, 8))
    case = case_of(apprentice)
    path = list(case.changes.order_by("sequence").values_list("to_stage", flat=True))
    assert path == ["week_2", "week_3", "week_4", "week_5", "week_8"]
    assert [s.actor_title("ENG") for s in BPN.stages][-2:] == [
        "Performance Manager",
        "Associate Director of Apprenticeships",
    ]
    assert case.withdrawal_requests.get().status == RequestStatus.PENDING


def _case_at(learner, stage: str, day: dt.date):
    with at(day, hour=9):
        return open_case(learner, stage=stage, reason="Inactivity")


def test_rule_bpn_week_2_initial_contact_by_at_least_two_methods(apprentice, tutor, client):
    case = _case_at(apprentice, "week_2", dt.date(2026, 11, 16))
    for hour in (10, 11):
        ContactLogEntryFactory(
            learner=apprentice, occurred_at=noon(dt.date(2026, 11, 16)).replace(hour=hour)
        )
    with at(dt.date(2026, 11, 16), hour=14):
        text = page(client, tutor, reverse("case_detail", args=[case.pk]))
        assert "Not yet:</span>\n            Initial contact attempts" in text
        with pytest.raises(Exception, match="2 different channels"):
            case_advance(case=case, by=tutor, reason="Two calls, no answer")
        ContactLogEntryFactory(learner=apprentice, contact_type="email", outcome="no_response")
        text = page(client, tutor, reverse("case_detail", args=[case.pk]))
        assert "Done:</span>\n            Initial contact attempts" in text
        assert case_advance(case=case, by=tutor, reason="No answer").stage == "week_3"


def test_rule_bpn_week_3_warning_goes_to_apprentice_and_employer_with_a_recovery_plan(
    apprentice, tutor, client
):
    case = _case_at(apprentice, "week_3", dt.date(2026, 11, 16))
    with at(dt.date(2026, 11, 16), hour=10):
        text = page(client, tutor, reverse("case_detail", args=[case.pk]))
        assert "Not yet:</span>\n            Apprentice notified" in text
        assert "Not yet:</span>\n            Employer/mentor notified" in text
        assert "agree a recovery plan" in text
        letter = letter_send(case=case, template=case_letter_template(case), by=tutor)
        assert letter.contact_with == "both"
        assert "agree a recovery plan" in letter.notes
        text = page(client, tutor, reverse("case_detail", args=[case.pk]))
        assert "Done:</span>\n            Apprentice notified" in text
        assert "Done:</span>\n            Employer/mentor notified" in text


def test_rule_bpn_week_4_break_initiated_and_plan_and_agreement_reissued(apprentice, tutor, client):
    case = _case_at(apprentice, "week_4", dt.date(2026, 11, 16))
    with at(dt.date(2026, 11, 16), hour=10):
        text = page(client, tutor, reverse("case_detail", args=[case.pk]))
    for task in (
        "If there is no engagement or communication, start the break in learning",
        "Update and reissue the training plan",
        "Update and reissue the Apprenticeship Agreement",
        "Start a break in learning (re-engagement expected)",
    ):
        assert task in text


def test_rule_bpn_week_5_performance_manager_reviews_and_discusses_options_with_employer(
    apprentice, manager, client
):
    case = _case_at(apprentice, "week_5", dt.date(2026, 11, 16))
    stage = BPN.stage("week_5")
    assert stage.actor_roles == ("manager",) and stage.actor_title("ENG") == "Performance Manager"
    with at(dt.date(2026, 11, 16), hour=10):
        ContactLogEntryFactory(learner=apprentice, contact_with="learner", author=manager)
        text = page(client, manager, reverse("case_detail", args=[case.pk]))
        assert "Done:</span>\n            Further contact attempts" in text
        assert "Not yet:</span>\n            Options discussed with the employer" in text
        assert "Performance Manager reviews the case" in text


# --- 7. The rating ---------------------------------------------------------------------------


def _concern(learner, code: str, day: dt.date) -> ContactLogEntry:
    entry = ContactLogEntryFactory(
        learner=learner, occurred_at=noon(day), outcome="responded", contact_type="phone"
    )
    entry.risk_factors.add(RiskFactor.objects.get(code=code))
    return entry


def keeps_learning(learner) -> None:
    """Learning recorded in every month, so the funding rules' monthly check stays quiet."""
    for day in (dt.date(2026, 9, 30), dt.date(2026, 10, 30), dt.date(2026, 11, 30)):
        ProgressEventFactory(learner=learner, occurred_on=day, kind="otj_logged")


AMBER_ISSUES = {
    "lateness": lambda learner, day: _concern(learner, "lateness", day),
    "missed review": lambda learner, day: VisitFactory(
        learner=learner, occurred_on=day, kind="review", outcome="cancelled_by_learner"
    ),
    "missed classroom session": lambda learner, day: SessionFactory(
        learner=learner, occurred_on=day, attendance=Attendance.MISSED
    ),
    "functional skills": lambda learner, day: _concern(
        learner, "functional-skills-disengagement", day
    ),
    "poor communication": lambda learner, day: _concern(learner, "poor-communication", day),
    "unsigned documentation": lambda learner, day: _concern(learner, "unsigned-documentation", day),
}


@pytest.mark.parametrize("issue", sorted(AMBER_ISSUES))
def test_rule_bpn_amber_triggers_propose_amber_and_open_no_case(apprentice, issue):
    keeps_learning(apprentice)
    day = dt.date(2026, 11, 10)
    AMBER_ISSUES[issue](apprentice, day)
    morning(day)
    [note] = RiskNotification.objects.filter(learner=apprentice)
    assert (note.proposed_level, note.case) == ("medium", None)
    assert case_of(apprentice) is None


def test_rule_bpn_amber_actions_are_a_checklist_on_the_learner_page(apprentice, tutor, client):
    day = dt.date(2026, 11, 10)
    with at(day, hour=9):
        learner_rate(learner=apprentice, level="medium", reason="Missed a review", by=tutor)
    with at(day, hour=15):
        url = reverse("learner_detail", args=[apprentice.pk])
        text = page(client, tutor, url)
        assert "What Amber asks for" in text
        assert "Not yet:</span>\n        Tutor notifies the apprentice and the employer/mentor" in (
            text
        )
        ContactLogEntryFactory(learner=apprentice, contact_with="learner", contact_type="phone")
        assert "Not yet:</span>\n        Tutor notifies" in page(client, tutor, url)
        ContactLogEntryFactory(learner=apprentice, contact_with="employer", contact_type="email")
        SupportRecordFactory(learner=apprentice, agreed_on=day)
        text = page(client, tutor, url)
        assert "Done:</span>\n        Tutor notifies the apprentice and the employer/mentor" in text
        assert "Done:</span>\n        Recovery plan agreed and documented" in text


def test_rule_bpn_red_is_repeated_amber_issues_3_within_28_days(apprentice, tutor):
    keeps_learning(apprentice)
    first = dt.date(2026, 11, 2)
    _concern(apprentice, "lateness", first)
    morning(first)
    note = RiskNotification.objects.get(learner=apprentice)
    with at(first, hour=10):
        risk_notification_decide(notification=note, by=tutor, accept=True)
    # A second issue while Amber proposes Amber again: Red is its own rule.
    _concern(apprentice, "poor-communication", dt.date(2026, 11, 9))
    morning(dt.date(2026, 11, 9))
    second = RiskNotification.objects.filter(learner=apprentice).latest("pk")
    assert (second.rule_key, second.proposed_level) == ("concern_recorded", "medium")
    # The third within 28 days: the next morning proposes Red.
    SessionFactory(learner=apprentice, occurred_on=dt.date(2026, 11, 27), attendance="missed")
    mornings(dt.date(2026, 11, 27), dt.date(2026, 11, 28))
    red = RiskNotification.objects.get(learner=apprentice, rule_key="repeated_concerns")
    assert red.proposed_level == "high" and "3 in the last 28 days" in red.evidence
    assert red.case is None  # the rating runs beside the ladder: it opens no case


def test_rule_bpn_two_amber_issues_28_days_apart_are_not_repeated(apprentice):
    keeps_learning(apprentice)
    _concern(apprentice, "lateness", dt.date(2026, 10, 5))
    SessionFactory(learner=apprentice, occurred_on=dt.date(2026, 11, 2), attendance="missed")
    _concern(apprentice, "lateness", dt.date(2026, 11, 2))
    for day in (dt.date(2026, 10, 5), dt.date(2026, 11, 2), dt.date(2026, 11, 3)):
        morning(day)
    assert not RiskNotification.objects.filter(rule_key="repeated_concerns").exists()


def test_rule_bpn_red_asks_for_the_performance_manager_and_the_employer(
    apprentice, tutor, manager, client
):
    day = dt.date(2026, 11, 10)
    with at(day, hour=9):
        learner_rate(learner=apprentice, level="high", reason="Repeated issues", by=tutor)
    with at(day, hour=15):
        url = reverse("learner_detail", args=[apprentice.pk])
        text = page(client, tutor, url)
        assert "Not yet:</span>\n        Performance Manager involvement" in text
        assert "To consider:</span>\n        Revised training plan" in text
        ContactLogEntryFactory(
            learner=apprentice, contact_with="employer", contact_type="meeting", author=manager
        )
        text = page(client, tutor, url)
        assert "Done:</span>\n        Performance Manager involvement" in text
        assert "Done:</span>\n        Formal discussion with the employer/mentor" in text


def test_rule_bpn_status_returns_to_green_when_expectations_are_met(apprentice, tutor):
    rated = dt.date(2026, 10, 12)
    with at(rated, hour=9):
        amber = learner_rate(learner=apprentice, level="medium", reason="Late twice", by=tutor)

    def active_every_week(day):
        SessionFactory(learner=apprentice, occurred_on=day, attendance="attended")

    day = rated
    while day < dt.date(2026, 11, 9):
        if day.weekday() == 0:
            active_every_week(day)
        morning(day)
        day += dt.timedelta(days=1)
    assert not RiskNotification.objects.filter(learner=apprentice).exists()
    morning(dt.date(2026, 11, 9))  # 28 days with no Amber issue after the rating
    note = RiskNotification.objects.get(learner=apprentice)
    assert (note.rule_key, note.proposed_level) == ("expectations_met", "low")
    with at(dt.date(2026, 11, 9), hour=10):
        risk_notification_decide(notification=note, by=tutor, accept=True)
    amber.refresh_from_db()
    assert amber.ended_at is not None
    green = apprentice.ratings.get(ended_at__isnull=True)
    assert green.level == "low"
    assert green.log_entry.contact_type == "risk_rating"
    assert "Expectations met" in green.reason


def test_rule_bpn_green_is_not_proposed_while_the_inactivity_clock_runs(apprentice, tutor):
    with at(dt.date(2026, 10, 5), hour=9):
        learner_rate(learner=apprentice, level="medium", reason="Late twice", by=tutor)
    SessionFactory(learner=apprentice, occurred_on=dt.date(2026, 10, 16), attendance="attended")
    mornings(dt.date(2026, 10, 30), dt.date(2026, 11, 16))
    assert case_of(apprentice).is_active
    assert not RiskNotification.objects.filter(rule_key="expectations_met").exists()


# --- 8. Support and intervention; 9. Withdrawal -------------------------------------------------


@pytest.fixture
def withdrawal(apprentice, tutor):
    with at(dt.date(2026, 11, 2), hour=9):
        case = open_case(apprentice, stage="week_5", reason="Inactivity")
    with at(dt.date(2026, 11, 3), hour=9):
        ContactLogEntryFactory(learner=apprentice, contact_type="phone", outcome="no_response")
        ContactLogEntryFactory(learner=apprentice, contact_type="phone", outcome="left_message")
        ContactLogEntryFactory(
            learner=apprentice,
            contact_type="email",
            contact_with="employer",
            outcome="responded",
            notes="Employer: no sign of her at work on study days either.",
        )
    with at(dt.date(2026, 11, 4), hour=9):
        case = case_advance(case=case, by=None, reason="Deadline passed")
    return case.withdrawal_requests.get()


def _approve(client, director, request, **extra):
    from tests.escalation.withdrawal_steps import reason

    client.force_login(director)
    data = {
        "decision": "approve",
        "reason": "No engagement for eight weeks.",
        "ilr_reason": reason().pk,
        "last_day_of_learning": "2026-10-16",
        **extra,
    }
    return client.post(reverse("withdrawal_decide", args=[request.pk]), data)


def test_rule_bpn_three_contact_attempts_across_different_channels_before_withdrawal(
    withdrawal, director, apprentice, client
):
    assert BPN.withdrawal.contact_attempts == 3 and BPN.withdrawal.distinct_channels == 3
    with at(dt.date(2026, 11, 5), hour=10):
        url = reverse("withdrawal_detail", args=[withdrawal.pk])
        text = page(client, director, url)
        assert (
            "Not met:</strong> 3 contact attempts across 3 different channels since the case "
            "opened: 2 logged" in text
        )
        response = _approve(client, director, withdrawal)
        assert response.status_code == 200
        assert "Log them first, or say why you approve without them." in response.content.decode()
        withdrawal.refresh_from_db()
        assert withdrawal.status == RequestStatus.PENDING
        ContactLogEntryFactory(learner=apprentice, contact_type="email", outcome="no_response")
        ContactLogEntryFactory(learner=apprentice, contact_type="letter", outcome="no_response")
        text = page(client, director, url)
        assert "Met:</strong> 3 contact attempts across 3 different channels" in text
        assert "contact_override" not in text
        _approve(client, director, withdrawal)
    withdrawal.refresh_from_db()
    assert withdrawal.status == RequestStatus.AWAITING_EMPLOYER
    assert withdrawal.contact_override_reason == ""


def test_rule_bpn_a_director_may_override_the_attempts_with_a_reason_kept_on_the_evidence(
    withdrawal, director, client
):
    with at(dt.date(2026, 11, 5), hour=10):
        _approve(
            client, director, withdrawal, contact_override="She told the employer she has left."
        )
        withdrawal.refresh_from_db()
        assert withdrawal.status == RequestStatus.AWAITING_EMPLOYER
        text = page(client, director, reverse("withdrawal_detail", args=[withdrawal.pk]))
    assert "Approved without the required contact attempts" in text
    assert "She told the employer she has left." in text
    assert "She told the employer she has left." in withdrawal.events.latest("pk").note


def test_rule_bpn_the_decision_shows_its_four_inputs(withdrawal, director, manager, client):
    assert list(BPN.withdrawal.informed_by) == list(READERS)
    with at(dt.date(2026, 11, 5), hour=10):
        text = page(client, director, reverse("withdrawal_detail", args=[withdrawal.pk]))
    for label in (
        "Tutor input",
        "Performance Manager review",
        "Employer feedback",
        "Apprentice participation history",
    ):
        assert label in text
    assert "the case reached Week 5: escalation" in text
    assert escape("no sign of her at work on study days") in text
    assert "Sessions and classes attended" in text


def test_rule_bpn_break_in_learning_where_re_engagement_is_expected(apprentice, tutor, client):
    move = BPN.move("week_4_break")
    assert move.kind == "break" and move.from_stages == ("week_4",)
    assert "re-engagement" in move.source
    with at(dt.date(2026, 11, 16), hour=10):
        client.force_login(tutor)
        response = client.post(
            reverse("break_start", args=[apprentice.pk]),
            {"started_on": "2026-11-16", "expected_return_on": "", "reason": "Illness"},
        )
    assert "expected return date" in response.content.decode().lower()
    assert not apprentice.breaks.exists()


# --- 10. Notifications and record keeping; 11. Appeals --------------------------------------


def test_rule_bpn_apprentice_and_employer_informed_at_each_formal_stage(apprentice, tutor, client):
    for key in ("week_3", "week_4", "week_5", "week_8"):
        parties = {c.contact_with for c in BPN.stage(key).contacts}
        assert parties == {"learner", "employer"}, key
    case = _case_at(apprentice, "week_4", dt.date(2026, 11, 16))
    with at(dt.date(2026, 11, 16), hour=10):
        ContactLogEntryFactory(learner=apprentice, contact_with="learner", contact_type="phone")
        text = page(client, tutor, reverse("case_detail", args=[case.pk]))
    assert "Done:</span>\n            Apprentice told of the break in learning" in text
    assert "Not yet:</span>\n            Employer/mentor told of the break in learning" in text


def test_rule_bpn_withdrawal_confirmed_in_writing_within_10_working_days(
    withdrawal, director, manager, client
):
    from tests.escalation.withdrawal_steps import agreement

    with at(dt.date(2026, 11, 5), hour=10):
        agreement(withdrawal, manager)
        _approve(client, director, withdrawal, contact_override="Employer confirmed she left.")
    withdrawal.refresh_from_db()
    assert withdrawal.status == RequestStatus.WITHDRAWN
    assert withdrawal.confirmation_due_on == add_working_days(
        dt.date(2026, 11, 5), 10, nation="ENG"
    )


def test_rule_bpn_appeals_within_10_working_days_decided_within_10(
    withdrawal, director, manager, client
):
    from tests.escalation.withdrawal_steps import agreement

    assert (BPN.appeal_working_days, BPN.appeal_decision_working_days) == (10, 10)
    with at(dt.date(2026, 11, 5), hour=10):
        agreement(withdrawal, manager)
        _approve(client, director, withdrawal, contact_override="Employer confirmed she left.")
    withdrawal.refresh_from_db()
    assert withdrawal.appeal_by == add_working_days(dt.date(2026, 11, 5), 10, nation="ENG")


# --- the policy page reads as BPN's -----------------------------------------------------------


def test_rule_bpn_no_other_providers_numbers_run_unlisted(client, tutor):
    keys = {rule.key for rule in BPN.triggers}
    assert not keys & {"missed_sessions", "cancelled_visits", "no_new_employer", "break_silence"}
    own = {"missed_review", "missed_class", "concern_recorded"}
    for key in keys - own:
        assert BPN.addition(f"triggers.{key}"), key
    for name in ("directors_told_within_days", "back_on_track_days", "break_contact_days"):
        assert BPN.addition(f"periods.{name}"), name
    text = page(client, tutor, reverse("policy_version", args=[bpn_version_id()]))
    assert text.count("our addition</span>") == len(keys - own)
    assert "Repeated issues: 3 risk notifications within 28 days" in text
    assert "Expectations met: no risk notification for 28 days" in text


def test_rule_bpn_the_policy_page_says_the_rating_actions_and_withdrawal_rules(client, tutor):
    text = page(client, tutor, reverse("policy_version", args=[bpn_version_id()]))
    assert "What each rating asks for" in text
    assert "Tutor notifies the apprentice and the employer/mentor" in text
    assert "Performance Manager involvement" in text
    assert (
        "Before withdrawal: at least 3 contact attempts across 3 different channels with the "
        "learner since the case opened"
    ) in text
    assert (
        "The decision is informed by: Tutor input, Performance Manager review, Employer "
        "feedback, Apprentice participation history"
    ) in text
