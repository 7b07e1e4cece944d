"""Tutors add attendance and progress records on the learner page; a new record evaluates the
learner's triggers at once; the tutor accepts or overrides the proposed rating."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from demo.factories import LearnerFactory, ProgressEventFactory, SessionFactory, SubmissionFactory
from escalation.models import Decision, EscalationCase, RiskNotification
from escalation.triggers.evaluate import triggers_evaluate
from learners.models import Attendance, LearnerStatus, RecordSource, ScheduledSession
from learners.roles import Role
from riskcases.services import rating_current

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def active_learner(learner):
    ProgressEventFactory(learner=learner, occurred_on=TODAY - dt.timedelta(days=3))
    SubmissionFactory(learner=learner, occurred_on=dt.date(2026, 10, 20))
    return learner


def session_data(day: dt.date, attendance: str = "missed", title: str = "Plumbing theory"):
    return {
        "occurred_on": day.isoformat(),
        "title": title,
        "kind": "session",
        "attendance": attendance,
    }


def add_session(client, learner, **kwargs):
    url = reverse("record_create", args=[learner.pk, "session"])
    return client.post(url, session_data(**kwargs), follow=True)


def test_it_stores_a_record_a_tutor_adds(client, tutor, active_learner):
    client.force_login(tutor)
    response = add_session(client, active_learner, day=TODAY, attendance="attended")
    assert "Session attendance recorded." in response.content.decode()
    record = ScheduledSession.objects.get(learner=active_learner)
    assert (record.source, record.recorded_by, record.attendance) == (
        RecordSource.TUTOR,
        tutor,
        Attendance.ATTENDED,
    )
    assert "Plumbing theory" in response.content.decode()


def test_it_fires_the_trigger_when_the_third_missed_session_is_added(client, tutor, active_learner):
    for days_ago in (5, 3):
        SessionFactory(
            learner=active_learner,
            occurred_on=TODAY - dt.timedelta(days=days_ago),
            attendance=Attendance.MISSED,
        )
    client.force_login(tutor)
    response = add_session(client, active_learner, day=TODAY)
    page = response.content.decode()
    assert "Trigger: 3 consecutive missed sessions without calling in" in page
    assert "Risk notifications" in page and "Accept Medium" in page
    assert EscalationCase.objects.get(learner=active_learner).stage == "stage_1"


def test_it_shows_a_duplicate_record_as_a_form_error(client, tutor, active_learner):
    SessionFactory(learner=active_learner, occurred_on=TODAY, title="Plumbing theory")
    client.force_login(tutor)
    response = add_session(client, active_learner, day=TODAY)
    assert response.status_code == 200
    assert "already recorded for that day" in response.content.decode()
    assert ScheduledSession.objects.filter(learner=active_learner).count() == 1


def test_it_refuses_a_date_in_the_future(client, tutor, active_learner):
    client.force_login(tutor)
    response = add_session(client, active_learner, day=TODAY + dt.timedelta(days=1))
    assert "cannot be in the future" in response.content.decode()
    assert not ScheduledSession.objects.exists()


def test_it_refuses_a_bad_percentage_with_a_form_error(client, tutor, active_learner):
    client.force_login(tutor)
    url = reverse("record_create", args=[active_learner.pk, "progress"])
    response = client.post(
        url, {"occurred_on": TODAY.isoformat(), "actual_percent": "150", "planned_percent": "x"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot be more than 100" in page or "less than or equal to" in page
    assert "Enter a whole number" in page


def test_it_hides_other_tutors_learners(client, colleague, active_learner):
    client.force_login(colleague)
    response = add_session(client, active_learner, day=TODAY)
    assert response.status_code == 404
    assert not ScheduledSession.objects.exists()


def test_it_lets_quality_read_but_not_add(client, user_with_role, active_learner):
    client.force_login(user_with_role(Role.QUALITY))
    assert add_session(client, active_learner, day=TODAY).status_code == 403
    page = client.get(reverse("learner_detail", args=[active_learner.pk])).content.decode()
    assert "Attendance and progress" in page and "Add a record" not in page


def test_it_404s_an_unknown_kind(client, tutor, active_learner):
    client.force_login(tutor)
    url = reverse("record_create", args=[active_learner.pk, "horoscope"])
    assert client.get(url).status_code == 404


def test_it_refuses_records_on_a_withdrawn_learner(client, tutor, team):
    gone = LearnerFactory(tutor=tutor, team=team, status=LearnerStatus.WITHDRAWN)
    client.force_login(tutor)
    response = add_session(client, gone, day=TODAY)
    assert "takes no new entries" in response.content.decode()
    assert not ScheduledSession.objects.exists()


class TestDecisionPage:
    @pytest.fixture
    def note(self, client, tutor, active_learner):
        for days_ago in (5, 3, 1):
            SessionFactory(
                learner=active_learner,
                occurred_on=TODAY - dt.timedelta(days=days_ago),
                attendance=Attendance.MISSED,
            )
        client.force_login(tutor)
        add_session(client, active_learner, day=TODAY, attendance="missed", title="Other")
        return RiskNotification.objects.get(learner=active_learner)

    def decide(self, client, note, **data):
        url = reverse("risk_notification_decide", args=[note.pk])
        return client.post(url, data, follow=True)

    def test_it_accepts_the_proposal(self, client, note, active_learner):
        response = self.decide(client, note, decision="accept")
        assert "Decision recorded: rating Medium." in response.content.decode()
        assert rating_current(learner=active_learner).level == "medium"

    def test_it_asks_for_a_reason_to_override(self, client, note, active_learner):
        response = self.decide(client, note, decision="override", level="low", reason="")
        assert response.status_code == 200
        assert "Say why you are not accepting the proposal." in response.content.decode()
        note.refresh_from_db()
        assert note.status == Decision.PENDING

    def test_it_overrides_with_a_reason(self, client, note, active_learner):
        self.decide(client, note, decision="override", level="high", reason="Also left work")
        note.refresh_from_db()
        assert (note.status, note.decided_level) == (Decision.OVERRIDDEN, "high")
        assert rating_current(learner=active_learner).level == "high"

    def test_it_hides_the_notification_from_other_tutors(self, client, note, colleague):
        client.force_login(colleague)
        assert self.decide(client, note, decision="accept").status_code == 404


def test_the_caseload_flags_learners_with_a_risk_notification_to_decide(
    client, tutor, active_learner, team
):
    LearnerFactory(tutor=tutor, team=team, first_name="Quiet", last_name="One")
    for days_ago in (5, 3, 1):
        SessionFactory(
            learner=active_learner,
            occurred_on=TODAY - dt.timedelta(days=days_ago),
            attendance=Attendance.MISSED,
        )
    triggers_evaluate(today=TODAY, learner_ids=[active_learner.pk])
    client.force_login(tutor)
    page = client.get(reverse("learner_list")).content.decode()
    assert page.count("risk notification to decide") == 1
    assert f"/learners/{active_learner.pk}/#risk-notifications" in page
