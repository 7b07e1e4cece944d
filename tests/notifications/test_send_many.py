"""notifications_send_many: many events in a handful of queries, each told once per person
per dedupe key, e-mailed as notification_send e-mails (after commit, immediate users only)."""

from django.core import mail

from demo.factories import UserFactory
from notifications import tasks
from notifications.email import EMAILS_PER_TASK
from notifications.models import EmailDelivery, EmailMode, EmailStatus, Notification
from notifications.services import (
    NotificationItem,
    notification_send,
    notifications_send_many,
    preference_set,
)


def item(key: str, recipients, title: str = "Stage 2 for Lily") -> NotificationItem:
    return NotificationItem(
        recipients=recipients,
        kind="stage_change",
        title=title,
        body="Why",
        url="/cases/1/",
        dedupe_key=key,
    )


def test_many_events_are_told_and_emailed_once_each(
    db, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    ann, bob, dee = (UserFactory(email=f"{n}@example.org") for n in ("ann", "bob", "dee"))
    preference_set(user=dee, email_mode=EmailMode.DIGEST)
    notification_send(recipients=[ann], kind="stage_change", title="t", dedupe_key="case:1")
    items = [
        item("case:1", [ann, bob]),  # ann was told already
        item("case:2", [ann, bob, dee, bob]),
        item("case:2", [ann]),  # repeats the key just used: nobody new
    ]
    # Told already, insert, preferences, e-mails stored, savepoint, insert, release, count back.
    with django_capture_on_commit_callbacks() as callbacks, django_assert_max_num_queries(8):
        told = notifications_send_many(items=items)
    assert told == [1, 3, 0]
    assert Notification.objects.filter(dedupe_key="case:2").count() == 3
    emailed = set(EmailDelivery.objects.values_list("dedupe_key", flat=True))
    assert emailed == {
        f"notification:{ann.pk}:case:1",  # from the first notification_send
        f"notification:{bob.pk}:case:1",
        f"notification:{ann.pk}:case:2",
        f"notification:{bob.pk}:case:2",  # dee reads a digest instead
    }
    assert len(callbacks) == 1  # the three e-mails share one send task, after commit
    body = EmailDelivery.objects.get(dedupe_key=f"notification:{bob.pk}:case:2").body
    assert body.startswith("Stage 2 for Lily\n\nWhy\n\nOpen it: ") and "/cases/1/" in body


def test_nothing_new_costs_one_query(db, django_assert_num_queries):
    ann = UserFactory()
    notifications_send_many(items=[item("case:1", [ann])])
    with django_assert_num_queries(1):
        assert notifications_send_many(items=[item("case:1", [ann])] * 3) == [0, 0, 0]


def test_it_sends_a_big_batch_once_each_through_a_few_tasks(
    db, eager_celery, django_capture_on_commit_callbacks
):
    people = UserFactory.create_batch(EMAILS_PER_TASK + 5)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notifications_send_many(items=[item(f"case:{p.pk}", [p]) for p in people])
    assert len(callbacks) == 1
    assert len(mail.outbox) == len(people)
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {EmailStatus.SENT}
    # The same batch delivered again (a worker died before acknowledging it) sends nothing.
    ids = list(EmailDelivery.objects.values_list("pk", flat=True))
    assert tasks.emails_send(ids) == {"skipped": len(people)}
    assert len(mail.outbox) == len(people)


def test_rule_an_email_refused_for_now_in_a_batch_is_retried_alone(
    db, eager_celery, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refuse = 1  # the first attempt of the batch is told to try again later
    ann, bob = UserFactory(email="ann@example.org"), UserFactory(email="bob@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notifications_send_many(items=[item("case:1", [ann]), item("case:2", [bob])])
    deliveries = EmailDelivery.objects.order_by("pk")
    assert [d.status for d in deliveries] == [EmailStatus.SENT, EmailStatus.SENT]
    assert [d.attempts for d in deliveries] == [2, 1]
    assert len(smtp_server.received) == 2
