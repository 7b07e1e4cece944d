"""Celery entry points for e-mail. Tasks take ids, never objects; the work is in
notifications/email.py and notifications/digests.py."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from notifications.digests import digest_send, digest_user_ids
from notifications.email import Outcome, email_deliver, retry_countdown
from notifications.models import EmailDelivery
from notifications.services import notification_send


# max_retries=None: the row's attempts and EMAIL_MAX_RETRIES decide when to stop, so the
# count survives a redelivered message or a restarted worker.
@shared_task(bind=True, max_retries=None, acks_late=True)
def email_send(self, delivery_id: int) -> str:
    outcome = email_deliver(delivery_id=delivery_id)
    if outcome is Outcome.RETRY:
        # Eager mode (tests) runs the retry at once: the countdown never sleeps there.
        raise self.retry(countdown=_retry_countdown(delivery_id))
    if outcome is Outcome.FAILED:
        email_failure_tell_admins(delivery_id=delivery_id)
    return outcome.value


# One task per batch of e-mails a sweep queues: publishing a message per e-mail cost a sweep
# more than all its database writes. A redelivered batch (a worker died) skips what was sent:
# email_deliver claims each row before sending it.
@shared_task(acks_late=True)
def emails_send(delivery_ids: list[int]) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    for delivery_id in delivery_ids:
        outcome = email_deliver(delivery_id=delivery_id)
        if outcome is Outcome.RETRY:
            # Its own retries from here on, with the usual backoff.
            email_send.apply_async((delivery_id,), countdown=_retry_countdown(delivery_id))
        elif outcome is Outcome.FAILED:
            email_failure_tell_admins(delivery_id=delivery_id)
        outcomes[outcome.value] = outcomes.get(outcome.value, 0) + 1
    return outcomes


def _retry_countdown(delivery_id: int) -> int:
    attempts = EmailDelivery.objects.values_list("attempts", flat=True).get(pk=delivery_id)
    return retry_countdown(attempts)


def email_failure_tell_admins(*, delivery_id: int) -> None:
    """Superusers see each final failure once in the app (never by e-mail: it may be down)."""
    delivery = EmailDelivery.objects.get(pk=delivery_id)
    notification_send(
        recipients=get_user_model().objects.filter(is_superuser=True, is_active=True),
        kind="email_failed",
        title=f"An e-mail to {delivery.to_address} could not be sent",
        body=f"“{delivery.subject}” failed after {delivery.attempts} attempt(s): "
        f"{delivery.last_error}",
        url=reverse("admin:notifications_emaildelivery_change", args=[delivery.pk]),
        dedupe_key=f"email:{delivery.pk}:failed",
    )


@shared_task(ignore_result=False)
def send_digests() -> dict:
    now = timezone.now()
    users = digest_user_ids()
    sent = [pk for pk in users if digest_send(user_id=pk, now=now)]
    return {"digest_users": len(users), "sent": sent}
