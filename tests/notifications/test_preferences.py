"""The e-mail preferences page, and notification_send e-mailing immediate users only."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from demo.factories import UserFactory
from notifications.models import EmailDelivery, EmailMode, Notification, NotificationPreference
from notifications.services import notification_send

URL = "/notifications/preferences/"


class TestPage:
    def test_it_is_named_and_needs_a_login(self, client, db):
        assert reverse("notification_preferences") == URL
        response = client.get(URL)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_it_shows_the_address_and_the_current_choice(self, client, tutor):
        client.force_login(tutor)
        page = client.get(URL).content.decode()
        assert "<h1" in page and "E-mail preferences" in page
        assert tutor.email in page
        assert 'value="immediate"' in page and "checked" in page.split('value="immediate"')[1][:40]
        assert "Once a day, in a morning digest" in page

    def test_rule_choosing_the_digest_starts_it_from_now(self, client, tutor):
        client.force_login(tutor)
        moment = dt.datetime(2026, 10, 5, 14, 0, tzinfo=dt.UTC)
        with time_machine.travel(moment, tick=False):
            response = client.post(URL, {"email_mode": "digest"}, follow=True)
        assert response.redirect_chain == [(URL, 302)]
        assert "Saved: once a day, in a morning digest." in response.content.decode()
        preference = NotificationPreference.objects.get(user=tutor)
        assert preference.email_mode == EmailMode.DIGEST
        assert preference.last_digest_at == moment
        client.post(URL, {"email_mode": "digest"})  # choosing it again keeps the start
        with time_machine.travel(moment + dt.timedelta(days=1), tick=False):
            client.post(URL, {"email_mode": "digest"})
        preference.refresh_from_db()
        assert preference.last_digest_at == moment

    def test_an_unknown_choice_is_refused_on_the_field(self, client, tutor):
        client.force_login(tutor)
        response = client.post(URL, {"email_mode": "hourly"})
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        assert not NotificationPreference.objects.exists()

    def test_a_user_without_an_address_is_told(self, client, db):
        user = UserFactory(username="noaddress", email="")
        client.force_login(user)
        assert "You have no e-mail address" in client.get(URL).content.decode()


@pytest.fixture
def people(db):
    immediate = UserFactory(username="ivan")
    digest = UserFactory(username="dora")
    NotificationPreference.objects.create(user=digest, email_mode=EmailMode.DIGEST)
    silent = UserFactory(username="nina")
    NotificationPreference.objects.create(user=silent, email_mode=EmailMode.NONE)
    no_address = UserFactory(username="nell", email="")
    return immediate, digest, silent, no_address


def send(recipients, kind="stage_change", key="case:1:change:2") -> int:
    return notification_send(
        recipients=recipients,
        kind=kind,
        title="Lily Learner is now at Stage 2",
        body="Phone the learner.",
        url="/cases/1/",
        dedupe_key=key,
    )


class TestRouting:
    def test_rule_only_immediate_users_with_an_address_are_emailed_at_once(self, people):
        immediate, *_ = people
        assert send(people) == 4
        assert Notification.objects.count() == 4  # everyone sees it in the app
        [delivery] = EmailDelivery.objects.all()
        assert delivery.recipient == immediate and delivery.to_address == "ivan@example.org"
        assert delivery.dedupe_key == f"notification:{immediate.pk}:case:1:change:2"
        assert delivery.subject == "Lily Learner is now at Stage 2"
        assert "Phone the learner." in delivery.body
        assert "http://127.0.0.1:8000/cases/1/" in delivery.body

    def test_the_same_event_again_emails_no_one(self, people):
        send(people)
        assert send(people) == 0
        assert EmailDelivery.objects.count() == 1

    def test_a_new_recipient_of_the_same_event_is_emailed_once(self, people):
        immediate, *_ = people
        send([immediate])
        late = UserFactory(username="late")
        assert send([immediate, late]) == 1
        assert sorted(EmailDelivery.objects.values_list("to_address", flat=True)) == [
            "ivan@example.org",
            "late@example.org",
        ]

    def test_email_failures_are_never_emailed(self, people):
        immediate, *_ = people
        send([immediate], kind="email_failed", key="email:1:failed")
        assert Notification.objects.filter(kind="email_failed").count() == 1
        assert not EmailDelivery.objects.exists()

    def test_inactive_users_are_not_emailed(self, people):
        immediate, *_ = people
        immediate.is_active = False
        immediate.save()
        send([immediate])
        assert not EmailDelivery.objects.exists()
