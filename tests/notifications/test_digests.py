"""Daily digests: each digest user's notifications since their last digest, in one e-mail a
day; and the managers' digest of their teams' overdue and soon-due cases."""

import datetime as dt

import pytest
import time_machine

from demo.factories import LearnerFactory, ManagerFactory, TeamFactory, UserFactory, open_case
from escalation.models import CaseStatus, EscalationCase
from escalation.tasks import send_manager_digests
from notifications.models import EmailDelivery, EmailMode, NotificationPreference
from notifications.services import notification_send
from notifications.tasks import send_digests

LAST_DIGEST = dt.datetime(2026, 10, 5, 6, 30, tzinfo=dt.UTC)  # Mon 07:30 in London (BST)
NEXT_DIGEST = dt.datetime(2026, 10, 6, 6, 30, tzinfo=dt.UTC)  # Tue 07:30


def tell(user, title: str, at: dt.datetime, url: str = "/cases/1/") -> None:
    with time_machine.travel(at, tick=False):
        notification_send(
            recipients=[user], kind="stage_change", title=title, url=url, dedupe_key=f"test:{title}"
        )


def digests_at(at: dt.datetime) -> dict:
    with time_machine.travel(at, tick=False):
        return send_digests()


@pytest.fixture
def dora(db):
    user = UserFactory(username="dora", email="dora@provider.example")
    NotificationPreference.objects.create(
        user=user, email_mode=EmailMode.DIGEST, last_digest_at=LAST_DIGEST
    )
    return user


class TestDigest:
    def test_rule_it_lists_the_notifications_since_the_last_digest_in_one_email(self, dora):
        tell(dora, "Old news", LAST_DIGEST - dt.timedelta(hours=1))
        tell(dora, "Lily Learner is now at Stage 2", LAST_DIGEST + dt.timedelta(hours=3))
        tell(dora, "Stage 1 for Ben Brown is due Wed 07 Oct", LAST_DIGEST + dt.timedelta(hours=8))
        assert not EmailDelivery.objects.exists()  # digest users are not e-mailed at once
        assert digests_at(NEXT_DIGEST)["sent"] == [dora.pk]
        [digest] = EmailDelivery.objects.all()
        assert digest.to_address == "dora@provider.example" and digest.recipient == dora
        assert digest.subject == "Your daily digest: 2 new notifications"
        assert "Old news" not in digest.body
        first = digest.body.index("Lily Learner is now at Stage 2")
        assert first < digest.body.index("Stage 1 for Ben Brown is due Wed 07 Oct")
        assert "Mon 05 Oct 10:30" in digest.body  # local time
        assert "http://127.0.0.1:8000/cases/1/" in digest.body
        assert "/notifications/preferences/" in digest.body
        dora.notification_preference.refresh_from_db()
        assert dora.notification_preference.last_digest_at == NEXT_DIGEST

    def test_nothing_new_sends_nothing(self, dora):
        tell(dora, "Old news", LAST_DIGEST - dt.timedelta(hours=1))
        assert digests_at(NEXT_DIGEST)["sent"] == []
        assert not EmailDelivery.objects.exists()

    def test_rule_running_twice_in_a_day_sends_once_and_later_news_waits(self, dora):
        tell(dora, "First", LAST_DIGEST + dt.timedelta(hours=2))
        digests_at(NEXT_DIGEST)
        tell(dora, "Second", NEXT_DIGEST + dt.timedelta(minutes=10))
        assert digests_at(NEXT_DIGEST + dt.timedelta(minutes=30))["sent"] == []
        assert EmailDelivery.objects.count() == 1
        assert digests_at(NEXT_DIGEST + dt.timedelta(days=1))["sent"] == [dora.pk]
        tomorrow = EmailDelivery.objects.latest("pk")
        assert "Second" in tomorrow.body and "First" not in tomorrow.body

    def test_only_digest_users_with_an_address_get_one(self, dora):
        immediate = UserFactory(username="ivan")
        silent = UserFactory(username="nina")
        NotificationPreference.objects.create(user=silent, email_mode=EmailMode.NONE)
        no_address = UserFactory(username="nell", email="")
        NotificationPreference.objects.create(user=no_address, email_mode=EmailMode.DIGEST)
        for user in (dora, immediate, silent, no_address):
            tell(user, f"News for {user.username}", LAST_DIGEST + dt.timedelta(hours=1))
        assert digests_at(NEXT_DIGEST)["sent"] == [dora.pk]
        # ivan had his at once; nina and nell none.
        assert sorted(EmailDelivery.objects.values_list("to_address", flat=True)) == [
            "dora@provider.example",
            "ivan@example.org",
        ]


FRIDAY = dt.date(2026, 8, 28)  # the Friday before the summer bank holiday Monday, 31 Aug


@pytest.fixture
def team_cases(manager, team, tutor):
    def case_due(name: str, due_on: dt.date, *, on_team=team, status=CaseStatus.OPEN):
        first, last = name.split()
        learner = LearnerFactory(tutor=tutor, team=on_team, first_name=first, last_name=last)
        case = open_case(learner)
        EscalationCase.objects.filter(pk=case.pk).update(stage_due_on=due_on, status=status)
        return case

    return case_due


class TestManagersDigest:
    def test_rule_overdue_today_and_next_working_day_across_a_bank_holiday(
        self, manager, team, team_cases
    ):
        team_cases("Olive Overdue", dt.date(2026, 8, 27))
        team_cases("Toby Today", FRIDAY)
        team_cases("Tess Tuesday", dt.date(2026, 9, 1))  # next working day after Friday
        team_cases("Wes Wednesday", dt.date(2026, 9, 2))  # later: not listed
        team_cases("Cora Closed", dt.date(2026, 8, 20), status=CaseStatus.CLOSED_ON_TRACK)
        elsewhere = TeamFactory(name="South Team")
        other_manager = ManagerFactory(username="south.manager")
        elsewhere.managers.add(other_manager)
        team_cases("Sam South", dt.date(2026, 8, 26), on_team=elsewhere)
        ManagerFactory(username="idle.manager").managed_teams.add(TeamFactory(name="Quiet Team"))

        result = send_manager_digests(today=FRIDAY.isoformat())
        assert sorted(result["sent"]) == sorted([manager.pk, other_manager.pk])
        digest = EmailDelivery.objects.get(recipient=manager)
        assert digest.subject == "Cases to act on, Fri 28 Aug: 1 overdue, 2 due"
        body = digest.body
        overdue, today, tuesday = (
            body.index("Overdue (1):"),
            body.index("Due today (1):"),
            body.index("Due the next working day (1):"),
        )
        assert overdue < body.index("Olive Overdue") < today
        assert today < body.index("Toby Today") < tuesday
        assert tuesday < body.index("Tess Tuesday")
        assert "due Tue 01 Sep 2026" in body
        for absent in ("Wes Wednesday", "Cora Closed", "Sam South"):
            assert absent not in body
        assert "Sam South" in EmailDelivery.objects.get(recipient=other_manager).body

    def test_rule_the_day_before_tuesday_counts_only_on_working_days(self, manager, team_cases):
        team_cases("Tess Tuesday", dt.date(2026, 9, 1))
        assert send_manager_digests(today="2026-08-27")["sent"] == []  # Thursday: not yet
        assert send_manager_digests(today="2026-08-29")["sent"] == []  # Saturday: no digest
        assert send_manager_digests(today="2026-08-31")["sent"] == []  # bank holiday
        assert send_manager_digests(today="2026-08-28")["sent"] == [manager.pk]

    def test_rule_one_digest_per_manager_per_day(self, manager, team_cases):
        team_cases("Olive Overdue", dt.date(2026, 8, 27))
        assert send_manager_digests(today=FRIDAY.isoformat())["sent"] == [manager.pk]
        assert send_manager_digests(today=FRIDAY.isoformat())["sent"] == []
        assert EmailDelivery.objects.count() == 1

    def test_a_manager_who_wants_no_email_gets_none(self, manager, team_cases):
        team_cases("Olive Overdue", dt.date(2026, 8, 27))
        NotificationPreference.objects.create(user=manager, email_mode=EmailMode.NONE)
        assert send_manager_digests(today=FRIDAY.isoformat())["managers"] == 0
        assert not EmailDelivery.objects.exists()
