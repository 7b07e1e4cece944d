"""Break in learning pages: start one, record the return, change the expected return date (the
learner's writers only), and the contact reminder list of learners on a break."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.celery import app as celery_app
from demo.factories import ContactLogEntryFactory, LearnerFactory, TeamFactory, TutorFactory
from escalation.breaks import break_start
from escalation.models import RiskNotification
from learners.models import BreakInLearning, LearnerStatus
from learners.roles import Role
from policies.selectors import default_spec, spec_cache_clear
from riskcases.services import rating_change

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def on_break(learner, *, days_ago=10, back_in=30, reason="Caring responsibilities"):
    return break_start(
        learner=learner,
        started_on=TODAY - days_ago * DAY,
        expected_return_on=TODAY + back_in * DAY,
        reason=reason,
        by=learner.tutor,
    )


def start_data(**overrides):
    return {
        "started_on": (TODAY - 2 * DAY).isoformat(),
        "expected_return_on": (TODAY + 60 * DAY).isoformat(),
        "reason": "Health: an operation",
    } | overrides


def post(client, name, learner, data):
    return client.post(reverse(name, args=[learner.pk]), data, follow=True)


class TestStartAndReturn:
    def test_a_tutor_starts_a_break_for_their_learner(self, client, tutor, learner):
        client.force_login(tutor)
        response = post(client, "break_start", learner, start_data())
        page = response.content.decode()
        assert response.redirect_chain[-1][0] == reverse("learner_detail", args=[learner.pk])
        assert "Break in learning started for Lily Learner" in page
        assert "On a break in learning" in page and "Health: an operation" in page
        assert "Record return" in page and "Change expected return date" in page
        learner.refresh_from_db()
        assert learner.status == LearnerStatus.BREAK_IN_LEARNING
        assert learner.expected_return_date == TODAY + 60 * DAY

    def test_the_learner_page_offers_a_break_to_writers_only(
        self, client, tutor, learner, user_with_role
    ):
        client.force_login(tutor)
        url = reverse("learner_detail", args=[learner.pk])
        assert "Start a break in learning" in client.get(url).content.decode()
        client.force_login(user_with_role(Role.QUALITY))
        assert "Start a break in learning" not in client.get(url).content.decode()

    def test_readers_see_the_break_but_no_buttons(self, client, learner, user_with_role):
        on_break(learner, back_in=-1)
        client.force_login(user_with_role(Role.QUALITY))
        page = client.get(reverse("learner_detail", args=[learner.pk])).content.decode()
        assert "On a break in learning" in page and "Return date passed" in page
        assert "Record return" not in page and "Change expected return date" not in page

    def test_a_tutor_records_the_return(self, client, tutor, learner):
        on_break(learner)
        client.force_login(tutor)
        response = post(client, "break_return", learner, {"returned_on": TODAY.isoformat()})
        assert "returned to learning on 23 Nov 2026" in response.content.decode()
        learner.refresh_from_db()
        assert (learner.status, learner.expected_return_date) == (LearnerStatus.ON_PROGRAMME, None)
        assert BreakInLearning.objects.get(learner=learner).returned_on == TODAY

    def test_a_tutor_changes_the_expected_return_date(self, client, tutor, learner):
        on_break(learner)
        client.force_login(tutor)
        new = (TODAY + 90 * DAY).isoformat()
        response = post(client, "break_return_date", learner, {"expected_return_on": new})
        assert "Expected return date changed to 21 Feb 2027" in response.content.decode()
        learner.refresh_from_db()
        assert learner.expected_return_date == TODAY + 90 * DAY

    @pytest.mark.parametrize("role", [Role.MANAGER, Role.SAFEGUARDING])
    def test_the_team_manager_and_safeguarding_may_start_one(self, client, learner, role, team):
        user = TutorFactory(username=f"{role}.user", roles=[role])
        if role == Role.MANAGER:
            team.managers.add(user)
        client.force_login(user)
        post(client, "break_start", learner, start_data())
        assert BreakInLearning.objects.filter(learner=learner).exists()

    def test_starting_a_break_evaluates_the_triggers_once_it_commits(
        self, client, tutor, learner, django_capture_on_commit_callbacks
    ):
        # Recorded late: the expected return date has already passed, which a trigger flags.
        data = start_data(
            started_on=(TODAY - 60 * DAY).isoformat(),
            expected_return_on=(TODAY - 5 * DAY).isoformat(),
        )
        client.force_login(tutor)
        celery_app.conf.task_always_eager = True
        try:
            with django_capture_on_commit_callbacks(execute=True):
                response = post(client, "break_start", learner, data)
        finally:
            celery_app.conf.task_always_eager = False
        assert "already passed" in response.content.decode()
        note = RiskNotification.objects.get(learner=learner, rule_key="break_no_return")
        assert "has passed" in note.evidence


class TestWhoMay:
    def test_another_tutor_gets_404(self, client, colleague, learner):
        client.force_login(colleague)
        assert client.get(reverse("break_start", args=[learner.pk])).status_code == 404
        assert post(client, "break_start", learner, start_data()).status_code == 404
        assert not BreakInLearning.objects.exists()

    def test_quality_cannot_post(self, client, user_with_role, learner):
        client.force_login(user_with_role(Role.QUALITY))
        for name in ("break_start", "break_return", "break_return_date"):
            assert post(client, name, learner, start_data()).status_code == 403
        assert not BreakInLearning.objects.exists()

    def test_a_closed_learner_takes_no_break(self, client, tutor, team):
        gone = LearnerFactory(tutor=tutor, team=team, status=LearnerStatus.WITHDRAWN)
        client.force_login(tutor)
        response = post(client, "break_start", gone, start_data())
        assert "takes no new entries" in response.content.decode()
        assert not BreakInLearning.objects.exists()


class TestBadInput:
    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"expected_return_on": ""}, "The policy requires an expected return date"),
            ({"expected_return_on": (TODAY - 3 * DAY).isoformat()}, "must be after the start"),
            ({"started_on": (TODAY + DAY).isoformat()}, "not a future date"),
            ({"started_on": "2026-13-45"}, "Enter a valid date"),
            ({"reason": ""}, "This field is required"),
        ],
    )
    def test_it_shows_a_form_error_keeps_the_input_and_saves_nothing(
        self, client, tutor, learner, overrides, message
    ):
        client.force_login(tutor)
        response = post(client, "break_start", learner, start_data(**overrides))
        page = response.content.decode()
        assert response.status_code == 200
        assert message in page
        if overrides.get("reason") != "":
            assert 'value="Health: an operation"' in page
        learner.refresh_from_db()
        assert learner.status == LearnerStatus.ON_PROGRAMME
        assert not BreakInLearning.objects.exists()

    def test_a_return_before_the_start_is_a_form_error(self, client, tutor, learner):
        on_break(learner, days_ago=10)
        client.force_login(tutor)
        bad = (TODAY - 11 * DAY).isoformat()
        response = post(client, "break_return", learner, {"returned_on": bad})
        assert response.status_code == 200
        assert "the return cannot be before that" in response.content.decode()
        assert BreakInLearning.objects.get(learner=learner).returned_on is None

    def test_a_second_break_sends_the_user_back_with_a_message(self, client, tutor, learner):
        on_break(learner)
        client.force_login(tutor)
        response = post(client, "break_start", learner, start_data())
        assert "already on a break in learning" in response.content.decode()
        assert BreakInLearning.objects.filter(learner=learner).count() == 1

    def test_return_pages_send_a_learner_not_on_a_break_back(self, client, tutor, learner):
        client.force_login(tutor)
        response = client.get(reverse("break_return", args=[learner.pk]), follow=True)
        assert "is not on a break in learning" in response.content.decode()


class TestReminderList:
    @pytest.fixture
    def breaks(self, tutor, team, other_team, colleague):
        mine = LearnerFactory(tutor=tutor, team=team, first_name="Mine", last_name="Onbreak")
        theirs = LearnerFactory(tutor=colleague, team=team, first_name="Theirs", last_name="Same")
        away = LearnerFactory(team=other_team, first_name="Far", last_name="Away")
        for learner in (mine, theirs, away):
            on_break(learner)
        return {"mine": mine, "theirs": theirs, "away": away}

    def names(self, client):
        page = client.get(reverse("break_list")).content.decode()
        return {name for name in ("Mine Onbreak", "Theirs Same", "Far Away") if name in page}

    def test_a_tutor_sees_their_own_caseload(self, client, tutor, breaks):
        client.force_login(tutor)
        assert self.names(client) == {"Mine Onbreak"}

    def test_a_manager_sees_their_teams(self, client, manager, breaks):
        client.force_login(manager)
        assert self.names(client) == {"Mine Onbreak", "Theirs Same"}

    @pytest.mark.parametrize("role", [Role.QUALITY, Role.DIRECTOR, Role.SAFEGUARDING])
    def test_organisation_wide_roles_see_everyone(self, client, user_with_role, breaks, role):
        client.force_login(user_with_role(role))
        assert self.names(client) == {"Mine Onbreak", "Theirs Same", "Far Away"}

    def test_a_user_without_a_role_sees_nobody(self, client, outsider, breaks):
        client.force_login(outsider)
        assert self.names(client) == set()

    def test_learners_who_returned_are_not_listed(self, client, tutor, learner):
        BreakInLearning.objects.create(
            learner=learner,
            occurred_on=TODAY - 30 * DAY,
            returned_on=TODAY - 3 * DAY,
            reason="Old break",
            source="tutor",
        )
        client.force_login(tutor)
        assert "Lily Learner" not in client.get(reverse("break_list")).content.decode()

    def test_the_nav_bar_links_to_it(self, client, tutor):
        client.force_login(tutor)
        page = client.get(reverse("learner_list")).content.decode()
        assert f'href="{reverse("break_list")}">On a break</a>' in page

    def test_it_flags_contact_due_and_a_passed_return_date(self, client, tutor, team):
        days = default_spec().break_contact_days
        # Never contacted in a break longer than the contact period; return date passed.
        silent = LearnerFactory(tutor=tutor, team=team, first_name="Silent", last_name="A")
        on_break(silent, days_ago=days + 20, back_in=-2)
        # Contacted yesterday; a rating change is not a contact and does not count.
        called = LearnerFactory(tutor=tutor, team=team, first_name="Called", last_name="B")
        on_break(called, days_ago=days + 20)
        ContactLogEntryFactory(learner=called, occurred_at=NOW - DAY)
        # Contacted just over the period ago, then only a rating change.
        lapsed = LearnerFactory(tutor=tutor, team=team, first_name="Lapsed", last_name="C")
        on_break(lapsed, days_ago=days + 20)
        ContactLogEntryFactory(learner=lapsed, occurred_at=NOW - (days + 1) * DAY)
        rating_change(learner=lapsed, level="medium", reason="Quiet", set_by=tutor)
        # Started two days ago, no contact yet: not due.
        fresh = LearnerFactory(tutor=tutor, team=team, first_name="Fresh", last_name="D")
        on_break(fresh, days_ago=2)
        client.force_login(tutor)
        rows = client.get(reverse("break_list")).context["rows"]
        flags = {r.learner.first_name: (r.contact_due, r.return_passed) for r in rows}
        assert flags == {
            "Silent": (True, True),
            "Lapsed": (True, False),
            "Called": (False, False),
            "Fresh": (False, False),
        }
        # Most overdue for contact first.
        assert [r.learner.first_name for r in rows] == ["Silent", "Lapsed", "Fresh", "Called"]
        page = client.get(reverse("break_list")).content.decode()
        assert page.count("Contact due</span>") == 2
        assert page.count("Return date passed</span>") == 1

    def test_its_query_count_does_not_grow_with_rows(self, client, tutor):
        team = TeamFactory(name="Counting Team")

        def add(n):
            for _ in range(n):
                learner = LearnerFactory(tutor=tutor, team=team)
                on_break(learner)
                ContactLogEntryFactory(learner=learner, occurred_at=NOW - 3 * DAY)

        def queries():
            spec_cache_clear()  # count the policy reads too, each time
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(reverse("break_list"))
            return len(ctx.captured_queries), len(response.context["rows"])

        client.force_login(tutor)
        add(2)
        few, rows = queries()
        assert rows == 2
        add(10)
        many, rows = queries()
        assert rows == 12
        assert few == many
