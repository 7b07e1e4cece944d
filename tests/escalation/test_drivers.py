"""What drives a ladder is the version's data (drivers): the ratings that open a case, whether
its triggers run, and an inactivity clock that opens a case after N working days without
recorded activity, moves it on only while the inactivity lasts and closes it when activity is
recorded. Most tests run a small policy written here; the last ones run BPN's shipped one."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from demo.factories import (
    BreakFactory,
    ContactLogEntryFactory,
    LearnerFactory,
    ManagerFactory,
    SessionFactory,
)
from escalation.learner_actions import learner_rate
from escalation.models import CaseStatus, EscalationCase, RiskNotification
from escalation.services import case_close_on_track
from escalation.sweeps.inactivity import inactivity_evaluate
from escalation.tasks import sweep_overdue_cases, sweep_triggers
from learners.models import Attendance
from notifications.models import Notification
from policies.models import Policy, PolicyVersion, VersionStatus
from policies.selectors import spec_cache_clear
from riskcases.models import Outcome
from tests.concurrency import run_at_once
from tests.policy_helpers import team_follows

IDLE_DAYS = 3  # the small policy's clock


@pytest.fixture(autouse=True)
def autumn():
    """Learners and ratings made by fixtures date from before every day a test runs."""
    with time_machine.travel(dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC), tick=False):
        yield


def document(*, rating_levels=(), triggers=True, inactivity_days=None) -> dict:
    """A three-stage policy: Quiet (tutor, 3 working days) -> Silent (manager, 3) -> Gone
    (withdrawal); the sweep moves each on when its deadline passes; 2 missed sessions fire."""

    def stage(key, name, role, **extra):
        base = {"key": key, "name": name, "summary": f"{name}: act.", "actor_roles": [role]}
        return {**base, "actor_titles": {"ENG": role.title()}, **extra}

    def overdue(key):
        return {"key": f"{key}_overdue", "kind": "forward", "label": "Deadline passed"} | {
            "from_stages": [key],
            "by_roles": ["sweep"],
        }

    return {
        "source": "A policy written for this test",
        "rating_labels": {"low": "Calm", "medium": "Watch", "high": "Worry"},
        "programme_types": ["apprenticeship"],
        "drivers": {
            "rating_levels": list(rating_levels),
            "triggers": triggers,
            "inactivity_days": inactivity_days,
        },
        "stages": [
            stage("quiet", "Quiet", "tutor", default_deadline=3),
            stage("silent", "Silent", "manager", default_deadline=3),
            stage("gone", "Gone", "director", withdrawal_effect="raise"),
        ],
        "moves": [
            overdue("quiet"),
            overdue("silent"),
            {"key": "close", "kind": "close", "label": "Close", "by_roles": ["tutor"]},
        ],
        "triggers": [{"kind": "missed_sessions", "count": 2, "proposes": "medium"}],
    }


def follows_small_policy(team, **drivers):
    policy = Policy.objects.create(key="small", short_name="Small", name="A small policy")
    PolicyVersion.objects.create(
        policy=policy,
        number=1,
        label="1",
        status=VersionStatus.PUBLISHED,
        effective_from=dt.date(2026, 1, 1),
        document=document(**drivers),
    )
    team.policy = policy
    team.save(update_fields=["policy"])
    spec_cache_clear()
    return team


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


def mornings(first: dt.date, last: dt.date, every_day=None) -> None:
    day = first
    while day <= last:
        if every_day:
            every_day(day)
        morning(day)
        day += dt.timedelta(days=1)


def attended(learner, day: dt.date):
    return SessionFactory(learner=learner, occurred_on=day, attendance=Attendance.ATTENDED)


def case_of(learner) -> EscalationCase | None:
    return EscalationCase.objects.filter(learner=learner).order_by("-pk").first()


@pytest.fixture
def quiet_team(team, manager):
    """The team follows the small policy with only the inactivity clock (3 working days)."""
    return follows_small_policy(team, inactivity_days=IDLE_DAYS)


# --- the rating driver ---------------------------------------------------------------------------


class TestRatingDriver:
    def test_a_rating_at_a_level_the_version_names_opens_a_case(self, team, learner, tutor):
        follows_small_policy(team, rating_levels=["high"])
        learner_rate(learner=learner, level="medium", reason="Quieter in class", by=tutor)
        assert case_of(learner) is None
        learner_rate(learner=learner, level="high", reason="Stopped attending", by=tutor)
        case = case_of(learner)
        assert (case.stage, case.status) == ("quiet", CaseStatus.OPEN)
        assert case.changes.get().reason == "Rated Worry: Stopped attending"
        assert case.inactive_since is None

    def test_a_rating_never_opens_a_case_under_an_inactivity_only_version(
        self, quiet_team, learner, tutor
    ):
        learner_rate(learner=learner, level="high", reason="Stopped attending", by=tutor)
        assert case_of(learner) is None


# --- the trigger driver --------------------------------------------------------------------------


def two_missed_sessions(learner, last: dt.date):
    for back in (1, 0):
        SessionFactory(
            learner=learner, occurred_on=last - dt.timedelta(days=back), attendance="missed"
        )


class TestTriggerDriver:
    DAY = dt.date(2026, 11, 23)

    def test_triggers_on_open_a_case_and_raise_a_risk_notification(self, team, learner):
        follows_small_policy(team, triggers=True)
        two_missed_sessions(learner, self.DAY)
        morning(self.DAY)
        [note] = RiskNotification.objects.filter(learner=learner)
        assert note.rule_key == "missed_sessions" and note.case == case_of(learner)

    def test_triggers_off_propose_a_rating_but_neither_open_nor_join_a_case(
        self, team, learner, tutor
    ):
        follows_small_policy(team, triggers=False, rating_levels=["high"])
        two_missed_sessions(learner, self.DAY)
        morning(self.DAY)
        [note] = RiskNotification.objects.filter(learner=learner)
        assert (note.proposed_level, note.case) == ("medium", None)
        assert case_of(learner) is None
        with at(self.DAY, hour=9):
            learner_rate(learner=learner, level="high", reason="Stopped attending", by=tutor)
        SessionFactory(learner=learner, occurred_on=self.DAY, attendance="missed")
        morning(self.DAY + dt.timedelta(days=1))
        assert RiskNotification.objects.filter(learner=learner, case__isnull=False).count() == 0
        assert case_of(learner).changes.count() == 1  # opened by the rating, nothing joined


# --- the inactivity driver -----------------------------------------------------------------------


class TestInactivityOpens:
    def test_it_opens_after_n_working_days_without_activity_counting_no_weekend(
        self, quiet_team, learner, tutor
    ):
        attended(learner, dt.date(2026, 11, 20))  # a Friday
        morning(dt.date(2026, 11, 24))  # Mon, Tue: two working days
        assert case_of(learner) is None
        morning(dt.date(2026, 11, 25))  # Wednesday: the third
        case = case_of(learner)
        assert (case.stage, case.status) == ("quiet", CaseStatus.OPEN)
        assert case.inactive_since == dt.date(2026, 11, 20)
        opened = case.changes.get()
        assert opened.by_sweep and opened.reason == (
            "Inactivity: No recorded activity for 3 working days (last activity on "
            "Fri 20 Nov 2026); the policy allows 3."
        )
        # The tutor, who acts at the first stage, is told.
        assert Notification.objects.filter(recipient=tutor, url__endswith=f"/{case.pk}/").exists()

    def test_bank_holidays_do_not_count(self, quiet_team, learner):
        attended(learner, dt.date(2026, 12, 22))  # Wed 23, Thu 24; Fri 25 and Mon 28 are off
        morning(dt.date(2026, 12, 28))
        assert case_of(learner) is None
        morning(dt.date(2026, 12, 29))
        assert case_of(learner).inactive_since == dt.date(2026, 12, 22)

    def test_a_reply_from_the_learner_is_activity(self, quiet_team, learner):
        attended(learner, dt.date(2026, 11, 16))
        ContactLogEntryFactory(
            learner=learner,
            outcome=Outcome.RESPONDED,
            occurred_at=dt.datetime(2026, 11, 23, 14, tzinfo=dt.UTC),
        )
        morning(dt.date(2026, 11, 25))
        assert case_of(learner) is None

    def test_a_learner_on_a_break_is_not_inactive(self, quiet_team, learner):
        BreakFactory(learner=learner, occurred_on=dt.date(2026, 11, 2))
        learner.status = "break_in_learning"
        learner.expected_return_date = dt.date(2027, 1, 4)
        learner.save()
        morning(dt.date(2026, 11, 25))
        assert case_of(learner) is None

    def test_a_team_on_a_version_without_a_clock_opens_nothing(self, team, learner):
        follows_small_policy(team, rating_levels=["high"])
        attended(learner, dt.date(2026, 10, 1))
        morning(dt.date(2026, 11, 25))
        assert case_of(learner) is None

    def test_a_case_a_person_closed_is_not_reopened_the_next_morning(
        self, quiet_team, learner, tutor
    ):
        attended(learner, dt.date(2026, 11, 20))
        morning(dt.date(2026, 11, 25))
        with at(dt.date(2026, 11, 25), hour=11):
            case_close_on_track(case=case_of(learner), by=tutor, reason="Spoke to her: ill")
        morning(dt.date(2026, 11, 26))
        assert case_of(learner).status == CaseStatus.CLOSED_ON_TRACK
        # The clock restarted when the case closed: three working days after it, it opens again.
        morning(dt.date(2026, 11, 30))
        assert case_of(learner).status == CaseStatus.OPEN
        assert (
            "since the last case closed on Wed 25 Nov 2026" in case_of(learner).changes.get().reason
        )

    @pytest.mark.django_db(transaction=True)
    def test_two_sweeps_at_once_open_one_case(self, quiet_team, learner):
        attended(learner, dt.date(2026, 11, 20))
        day = dt.date(2026, 11, 25)
        with at(day):
            results = run_at_once(lambda: inactivity_evaluate(today=day))
        assert sum(len(r["inactivity_opened"]) for r in results) == 1
        assert EscalationCase.objects.filter(learner=learner).count() == 1

    def test_the_sweep_costs_the_same_queries_for_few_learners_as_for_many(self, quiet_team, tutor):
        counted = []

        def counter(execute, sql, params, many, context):
            counted.append(sql)
            return execute(sql, params, many, context)

        counts = []
        for count, day in ((2, dt.date(2026, 11, 25)), (12, dt.date(2026, 11, 26))):
            for _ in range(count):
                attended(LearnerFactory(tutor=tutor, team=quiet_team), dt.date(2026, 11, 20))
            spec_cache_clear()  # count the policy reads too, each time
            counted.clear()
            with at(day), connection.execute_wrapper(counter):
                result = sweep_triggers(today=day.isoformat())
            assert len(result["inactivity_opened"]) == count
            counts.append(len(counted))
        assert counts[0] == counts[1], counts


class TestInactivityLadder:
    """The case opens on Wed 25 Nov (last activity Fri 20 Nov): Quiet is due Mon 30 Nov."""

    OPENED, DUE = dt.date(2026, 11, 25), dt.date(2026, 11, 30)

    @pytest.fixture
    def case(self, quiet_team, learner):
        attended(learner, dt.date(2026, 11, 20))
        morning(self.OPENED)
        case = case_of(learner)
        assert case.stage_due_on == self.DUE
        return case

    def test_it_advances_on_the_deadline_while_the_inactivity_lasts(self, case):
        morning(self.DUE)
        case.refresh_from_db()
        assert case.stage == "quiet"
        morning(self.DUE + dt.timedelta(days=1))
        case.refresh_from_db()
        assert (case.stage, case.status) == ("silent", CaseStatus.OPEN)
        advanced = case.changes.get(kind="advanced")
        assert advanced.by_sweep and "no activity since 20 Nov 2026" in advanced.reason

    def test_activity_recorded_closes_it_at_the_next_sweep(self, case, learner):
        attended(learner, dt.date(2026, 11, 26))
        morning(dt.date(2026, 11, 27))
        case.refresh_from_db()
        assert case.status == CaseStatus.CLOSED_ON_TRACK
        closed = case.changes.get(kind="closed")
        assert closed.by_sweep
        assert closed.reason == "Activity recorded on Thu 26 Nov 2026 stops the ladder."
        mornings(dt.date(2026, 11, 28), dt.date(2026, 12, 1))
        assert EscalationCase.objects.filter(learner=learner).count() == 1  # not reopened yet

    def test_activity_recorded_on_the_learner_page_closes_it_at_once(
        self, case, learner, tutor, client
    ):
        with at(dt.date(2026, 11, 26), hour=14):
            client.force_login(tutor)
            client.post(
                reverse("record_create", args=[learner.pk, "session"]),
                {
                    "occurred_on": "2026-11-26",
                    "title": "Plumbing theory",
                    "kind": "session",
                    "attendance": "attended",
                },
            )
        case.refresh_from_db()
        assert case.status == CaseStatus.CLOSED_ON_TRACK

    def test_a_reply_logged_on_the_contact_page_closes_it_at_once(
        self, case, learner, tutor, client
    ):
        with at(dt.date(2026, 11, 26), hour=14):
            client.force_login(tutor)
            url = reverse("contact_create", args=[learner.pk])
            form = client.get(url).context["form"]
            client.post(
                url,
                {
                    "submission_token": form.initial["submission_token"],
                    "occurred_at": "2026-11-26T13:30",
                    "contact_type": "phone",
                    "contact_with": "learner",
                    "direction": "outbound",
                    "outcome": "responded",
                    "notes": "Called back: she has been ill and is back on Monday.",
                },
            )
        case.refresh_from_db()
        assert case.status == CaseStatus.CLOSED_ON_TRACK
        assert case.changes.get(kind="closed").reason == (
            "Activity recorded on Thu 26 Nov 2026 stops the ladder."
        )

    def test_the_overdue_sweep_closes_rather_than_advances_after_activity(self, case, learner):
        # Recorded after the 06:00 sweep: the 06:30 sweep finds it before moving the case on.
        attended(learner, dt.date(2026, 11, 30))
        with at(dt.date(2026, 12, 1), minute=30):
            result = sweep_overdue_cases(today="2026-12-01")
        case.refresh_from_db()
        assert result["advanced"] == [] and case.status == CaseStatus.CLOSED_ON_TRACK
        assert (case.stage, case.changes.filter(kind="advanced").count()) == ("quiet", 0)

    def test_it_waits_while_the_learner_is_on_a_break(self, case, learner):
        BreakFactory(learner=learner, occurred_on=dt.date(2026, 11, 27))
        with at(dt.date(2026, 12, 2), minute=30):
            sweep_overdue_cases(today="2026-12-02")
        case.refresh_from_db()
        assert (case.stage, case.status) == ("quiet", CaseStatus.OPEN)

    @pytest.mark.django_db(transaction=True)
    def test_two_sweeps_at_once_close_it_once(self, quiet_team, learner):
        attended(learner, dt.date(2026, 11, 20))
        morning(self.OPENED)
        attended(learner, dt.date(2026, 11, 26))
        day = dt.date(2026, 11, 27)
        with at(day):
            results = run_at_once(lambda: inactivity_evaluate(today=day))
        assert sum(len(r["inactivity_closed"]) for r in results) == 1
        assert case_of(learner).changes.filter(kind="closed").count() == 1


# --- BPN: the rating runs beside the ladder; inactivity drives it ---------------------------


@pytest.fixture
def bpn_team(team):
    team.managers.add(ManagerFactory())
    return team_follows(team, "bpn")


def test_rule_bpn_an_apprentice_attending_daily_never_reaches_withdrawal_considered(
    bpn_team, learner, tutor
):
    start = dt.date(2026, 10, 5)
    with at(start, hour=9):
        learner_rate(learner=learner, level="medium", reason="Late to two reviews", by=tutor)

    def attends_on_working_days(day):
        if day.weekday() < 5:
            attended(learner, day - dt.timedelta(days=1))

    mornings(start, start + dt.timedelta(weeks=8), every_day=attends_on_working_days)
    assert case_of(learner) is None
    # The Amber rating runs beside the ladder and stands.
    assert learner.ratings.get(ended_at__isnull=True).level == "medium"


def test_rule_bpn_ladder_runs_week_2_to_week_8_only_while_inactive(bpn_team, tutor):
    idle = LearnerFactory(tutor=tutor, team=bpn_team, first_name="Ida")
    returns = LearnerFactory(tutor=tutor, team=bpn_team, first_name="Remy")
    for learner in (idle, returns):
        attended(learner, dt.date(2026, 10, 30))

    def remy_attends_in_week_4(day):
        case = case_of(returns)
        if case is not None and case.stage == "week_4" and case.is_active:
            attended(returns, day - dt.timedelta(days=1))

    mornings(dt.date(2026, 11, 2), dt.date(2027, 1, 8), every_day=remy_attends_in_week_4)
    ida = case_of(idle)
    path = list(ida.changes.order_by("sequence").values_list("to_stage", flat=True))
    assert path == ["week_2", "week_3", "week_4", "week_5", "week_8"]
    opened = ida.changes.get(kind="opened")
    # Two weeks: the 10th working day after Fri 30 Oct is Fri 13 Nov.
    assert opened.at.date() == dt.date(2026, 11, 13)
    assert ida.withdrawal_requests.count() == 1
    remy = EscalationCase.objects.filter(learner=returns).order_by("pk").first()
    assert remy.status == CaseStatus.CLOSED_ON_TRACK
    assert list(remy.changes.values_list("to_stage", flat=True)) == [
        "week_2",
        "week_3",
        "week_4",
        "week_4",
    ]
