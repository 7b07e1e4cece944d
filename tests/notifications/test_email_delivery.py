"""E-mail rows: queued, sent after the transaction commits, retried against a real SMTP
server that refuses the first attempts, failed for good after the last retry (admins told),
and sent once when two workers hold the same delivery."""

import datetime as dt
import email

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse

from demo.factories import UserFactory
from notifications import tasks
from notifications.email import Outcome, email_deliver, email_enqueue
from notifications.models import EmailDelivery, EmailStatus, Notification
from tests.concurrency import run_at_once

PDF = b"%PDF-1.4 a letter"


def enqueue(key: str = "event:1", **kwargs) -> EmailDelivery | None:
    return email_enqueue(
        to="lily@learner.example",
        subject="Stage 1 letter",
        body="Dear Lily",
        dedupe_key=key,
        **kwargs,
    )


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


class TestQueueing:
    def test_it_stores_a_queued_row_and_sends_once_the_transaction_commits(
        self, db, eager_celery, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            delivery = enqueue(attachments=[("letter.pdf", PDF, "application/pdf")])
            assert EmailDelivery.objects.get().status == EmailStatus.QUEUED
            assert mail.outbox == []  # nothing leaves before the commit
        assert len(callbacks) == 1
        delivery.refresh_from_db()
        assert delivery.status == EmailStatus.SENT
        assert delivery.attempts == 1 and delivery.sent_at is not None
        [sent] = mail.outbox
        assert sent.to == ["lily@learner.example"] and sent.subject == "Stage 1 letter"
        assert sent.attachments == [("letter.pdf", PDF, "application/pdf")]

    def test_the_same_dedupe_key_is_stored_and_sent_once(
        self, db, eager_celery, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            assert enqueue() is not None
            assert enqueue() is None
        assert EmailDelivery.objects.count() == 1
        assert len(mail.outbox) == 1

    def test_nothing_is_queued_when_the_surrounding_transaction_rolls_back(
        self, db, eager_celery, django_capture_on_commit_callbacks
    ):
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            enqueue(attachments=[("letter.pdf", PDF, "application/pdf")])
            raise RuntimeError("the stage change failed")
        assert callbacks == []
        assert not EmailDelivery.objects.exists()
        assert mail.outbox == []

    def test_a_sent_row_is_not_sent_again(self, db, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False):
            delivery = enqueue()
        assert email_deliver(delivery_id=delivery.pk) is Outcome.SENT
        assert email_deliver(delivery_id=delivery.pk) is Outcome.SKIPPED
        assert len(mail.outbox) == 1

    def test_a_row_left_sending_by_a_dead_worker_is_claimed_again_later(
        self, db, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False):
            delivery = enqueue()
        start = dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC)
        EmailDelivery.objects.filter(pk=delivery.pk).update(
            status=EmailStatus.SENDING, claimed_at=start
        )
        with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
            assert email_deliver(delivery_id=delivery.pk) is Outcome.SKIPPED
        with time_machine.travel(start + dt.timedelta(minutes=20), tick=False):
            assert email_deliver(delivery_id=delivery.pk) is Outcome.SENT


@pytest.mark.django_db(transaction=True)
def test_rule_a_rolled_back_transaction_sends_nothing_and_a_committed_one_sends(eager_celery):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue("rolled-back")
        raise RuntimeError("boom")
    assert not EmailDelivery.objects.exists()
    assert mail.outbox == []
    with transaction.atomic():
        enqueue("committed")
        assert mail.outbox == []
    assert EmailDelivery.objects.get().status == EmailStatus.SENT
    assert len(mail.outbox) == 1


class TestRetriesAgainstARealSmtpServer:
    def send(self, django_capture_on_commit_callbacks, **kwargs) -> EmailDelivery:
        with django_capture_on_commit_callbacks(execute=True):
            delivery = enqueue(attachments=[("letter.pdf", PDF, "application/pdf")], **kwargs)
        delivery.refresh_from_db()
        return delivery

    def test_rule_transient_refusals_are_retried_with_backoff_until_accepted(
        self, db, eager_celery, smtp_server, monkeypatch, django_capture_on_commit_callbacks
    ):
        smtp_server.refuse = 2
        countdowns = []
        real = tasks.retry_countdown

        def record(attempts: int) -> int:
            countdowns.append(real(attempts))
            return countdowns[-1]

        monkeypatch.setattr(tasks, "retry_countdown", record)
        delivery = self.send(django_capture_on_commit_callbacks)
        assert delivery.status == EmailStatus.SENT
        assert delivery.attempts == 3 and delivery.last_error == ""
        assert countdowns == [60, 120]  # exponential backoff between attempts
        assert smtp_server.attempts == 3
        [envelope] = smtp_server.received
        assert envelope.rcpt_tos == ["lily@learner.example"]
        message = email.message_from_bytes(envelope.content)
        assert message["Subject"] == "Stage 1 letter"
        [attachment] = [p for p in message.walk() if p.get_filename()]
        assert attachment.get_filename() == "letter.pdf"
        assert attachment.get_payload(decode=True) == PDF

    def test_rule_after_the_last_retry_it_fails_and_the_admins_are_told_once(
        self,
        db,
        eager_celery,
        smtp_server,
        settings,
        admin_user,
        client,
        django_capture_on_commit_callbacks,
    ):
        settings.EMAIL_MAX_RETRIES = 2
        smtp_server.refuse = 99
        delivery = self.send(django_capture_on_commit_callbacks)
        assert delivery.status == EmailStatus.FAILED
        assert delivery.attempts == 3  # the first try and two retries
        assert smtp_server.attempts == 3 and smtp_server.received == []
        assert "451" in delivery.last_error and "try again later" in delivery.last_error
        [told] = Notification.objects.filter(recipient=admin_user, kind="email_failed")
        assert "lily@learner.example" in told.title and "451" in told.body
        # In the app only: an e-mail about e-mail failing might fail in turn.
        assert EmailDelivery.objects.count() == 1
        # A second delivery attempt of the same task changes nothing and tells no one again.
        tasks.email_send.delay(delivery.pk)
        assert Notification.objects.filter(kind="email_failed").count() == 1
        client.force_login(admin_user)
        index = client.get(reverse("admin:index")).content.decode()
        assert "1 e-mail could not be sent after every retry" in index
        changelist = client.get(reverse("admin:notifications_emaildelivery_changelist"))
        assert changelist.status_code == 200 and "Stage 1 letter" in changelist.content.decode()

    def test_a_permanent_refusal_fails_at_once(
        self, db, eager_celery, smtp_server, django_capture_on_commit_callbacks
    ):
        smtp_server.refuse = 99
        smtp_server.reply = "554 5.7.1 Message rejected"
        delivery = self.send(django_capture_on_commit_callbacks)
        assert delivery.status == EmailStatus.FAILED and delivery.attempts == 1
        assert "554" in delivery.last_error

    def test_an_unreachable_server_is_retried_then_failed(
        self, db, eager_celery, smtp_server, settings, django_capture_on_commit_callbacks
    ):
        from tests.notifications.conftest import free_port

        settings.EMAIL_PORT = free_port()  # nothing listens there: connection refused
        settings.EMAIL_MAX_RETRIES = 1
        delivery = self.send(django_capture_on_commit_callbacks)
        assert delivery.status == EmailStatus.FAILED and delivery.attempts == 2
        assert "ConnectionRefusedError" in delivery.last_error


class TestAdmin:
    def test_failed_rows_are_listed_first_and_the_admin_cannot_edit(self, client, admin_user):
        EmailDelivery.objects.create(
            to_address="a@x.example",
            subject="Sent one",
            body="b",
            dedupe_key="a",
            status=EmailStatus.SENT,
        )
        EmailDelivery.objects.create(
            to_address="b@x.example",
            subject="Failed one",
            body="b",
            dedupe_key="b",
            status=EmailStatus.FAILED,
            last_error="SMTPDataError: 451",
        )
        EmailDelivery.objects.create(
            to_address="c@x.example", subject="Queued one", body="b", dedupe_key="c"
        )
        client.force_login(admin_user)
        page = client.get(reverse("admin:notifications_emaildelivery_changelist")).content
        page = page.decode()
        assert page.index("Failed one") < page.index("Queued one")
        assert page.index("Failed one") < page.index("Sent one")
        filtered = client.get(
            reverse("admin:notifications_emaildelivery_changelist"), {"status__exact": "failed"}
        ).content.decode()
        assert "Failed one" in filtered and "Sent one" not in filtered
        failed = EmailDelivery.objects.get(dedupe_key="b")
        change = client.get(reverse("admin:notifications_emaildelivery_change", args=[failed.pk]))
        assert change.status_code == 200 and "SMTPDataError: 451" in change.content.decode()
        assert client.get(reverse("admin:notifications_emaildelivery_add")).status_code == 403

    def test_no_notice_when_nothing_failed(self, client, admin_user):
        client.force_login(admin_user)
        assert "could not be sent" not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_rule_two_workers_holding_the_same_delivery_send_it_once(smtp_server):
    with transaction.atomic():
        delivery = EmailDelivery.objects.create(
            to_address="lily@learner.example", subject="Once", body="b", dedupe_key="once"
        )
    outcomes = run_at_once(lambda: email_deliver(delivery_id=delivery.pk))
    assert sorted(o.value for o in outcomes) == ["sent", "skipped"]
    assert len(smtp_server.received) == 1
    assert EmailDelivery.objects.get().attempts == 1


class TestVisibilityTimeoutCheck:
    def test_it_warns_when_a_redelivered_email_would_find_its_claim_still_fresh(self, settings):
        from notifications.checks import visibility_timeout_outlasts_email_claims

        settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
        [warning] = visibility_timeout_outlasts_email_claims(None)
        assert warning.id == "notifications.W001" and "600 s" in warning.msg
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
        assert visibility_timeout_outlasts_email_claims(None) == []
