"""E-mail: every message is an EmailDelivery row first, sent by a Celery task after the
transaction that queued it commits.

``email_enqueue`` is the one way to send an e-mail. ``email_deliver`` is the task's work: it
claims the row with a conditional update (queued -> sending), so two workers holding the same
task never send one e-mail twice, sends it through Django's configured backend, and records
what happened. Deciding whether to retry, and telling the admins of a final failure, is the
task's job (notifications/tasks.py).
"""

import datetime as dt
import enum
import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications.models import EmailAttachment, EmailDelivery, EmailStatus

logger = logging.getLogger(__name__)

# A worker that died while sending leaves its row "sending"; after this long another may
# claim it again (well beyond EMAIL_TIMEOUT, so a slow send is never repeated).
STALE_CLAIM = dt.timedelta(minutes=15)
# The first retry waits this long; each further retry twice as long as the one before.
RETRY_BASE_SECONDS = 60
# E-mails per task when a batch is queued at once (emails_enqueue).
EMAILS_PER_TASK = 50


@dataclass(frozen=True)
class Email:
    """One plain e-mail (no attachments) for ``emails_enqueue``."""

    to: str
    subject: str
    body: str
    dedupe_key: str
    recipient: AbstractBaseUser | None = None


def _delivery(email: Email) -> EmailDelivery:
    return EmailDelivery(
        to_address=email.to,
        recipient=email.recipient,
        subject=" ".join(email.subject.split())[:300],
        body=email.body,
        dedupe_key=email.dedupe_key,
    )


def email_enqueue(
    *,
    to: str,
    subject: str,
    body: str,
    dedupe_key: str,
    recipient: AbstractBaseUser | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> EmailDelivery | None:
    """Store an e-mail (with its attachments: (filename, content, mimetype)) and send it once
    the surrounding transaction commits. Returns None, and stores nothing, when an e-mail with
    this ``dedupe_key`` already exists, so the same event never e-mails twice."""
    if EmailDelivery.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: a concurrent duplicate rolls back only this
            delivery = _delivery(
                Email(to=to, subject=subject, body=body, dedupe_key=dedupe_key, recipient=recipient)
            )
            delivery.save(force_insert=True)
            EmailAttachment.objects.bulk_create(
                EmailAttachment(
                    delivery=delivery, filename=name, content=bytes(content), mimetype=mimetype
                )
                for name, content, mimetype in attachments
            )
    except IntegrityError:
        if EmailDelivery.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    delivery_id = delivery.pk
    transaction.on_commit(lambda: _send_later(delivery_id))
    return delivery


def emails_enqueue(*, emails: Sequence[Email]) -> list[EmailDelivery]:
    """``email_enqueue`` for many e-mails at once (a sweep's batch): one query for the dedupe
    keys already stored, one insert, and after commit one send task per EMAILS_PER_TASK
    e-mails. Returns the deliveries stored; an e-mail whose ``dedupe_key`` exists (or repeats)
    is skipped."""
    stored = set(
        EmailDelivery.objects.filter(dedupe_key__in=[e.dedupe_key for e in emails]).values_list(
            "dedupe_key", flat=True
        )
    )
    fresh = []
    for email in emails:
        if email.dedupe_key not in stored:
            stored.add(email.dedupe_key)
            fresh.append(email)
    if not fresh:
        return []
    try:
        with transaction.atomic():  # a savepoint, as in email_enqueue
            deliveries = EmailDelivery.objects.bulk_create([_delivery(e) for e in fresh])
    except IntegrityError:
        # A concurrent sender stored one of these keys first: fall back to one at a time,
        # which skips exactly the duplicates.
        deliveries = [
            delivery
            for e in fresh
            if (
                delivery := email_enqueue(
                    to=e.to,
                    subject=e.subject,
                    body=e.body,
                    dedupe_key=e.dedupe_key,
                    recipient=e.recipient,
                )
            )
            is not None
        ]
        return deliveries
    delivery_ids = [delivery.pk for delivery in deliveries]
    transaction.on_commit(lambda: _send_many_later(delivery_ids))
    return deliveries


def _send_later(delivery_id: int) -> None:
    # Imported here: the task module imports this one (and notification_send, which uses it).
    from notifications.tasks import email_send

    email_send.delay(delivery_id)


def _send_many_later(delivery_ids: list[int]) -> None:
    from notifications.tasks import emails_send

    if len(delivery_ids) == 1:
        _send_later(delivery_ids[0])
        return
    # Several tasks, so more than one worker can share a big batch.
    for start in range(0, len(delivery_ids), EMAILS_PER_TASK):
        emails_send.delay(delivery_ids[start : start + EMAILS_PER_TASK])


class Outcome(enum.Enum):
    SENT = "sent"
    SKIPPED = "skipped"  # not queued (sent already, or another worker has it)
    RETRY = "retry"  # a transient failure: queued again for a later attempt
    FAILED = "failed"  # given up: the row records the error


def retry_countdown(attempts: int) -> int:
    """Seconds before the next attempt after ``attempts`` failed ones: 60, 120, 240..."""
    return RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)


def _claim(delivery_id: int) -> bool:
    now = timezone.now()
    claimable = Q(status=EmailStatus.QUEUED) | Q(
        status=EmailStatus.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    return bool(
        EmailDelivery.objects.filter(claimable, pk=delivery_id).update(
            status=EmailStatus.SENDING, claimed_at=now
        )
    )


def _is_permanent(exc: Exception) -> bool:
    """A 5xx answer (mailbox does not exist, message refused) will not change on a retry."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def email_deliver(*, delivery_id: int) -> Outcome:
    """One attempt at sending a queued e-mail. Transient failures (the server unreachable or
    answering 4xx) put it back in the queue until EMAIL_MAX_RETRIES retries are spent."""
    if not _claim(delivery_id):
        return Outcome.SKIPPED
    delivery = EmailDelivery.objects.get(pk=delivery_id)
    message = EmailMessage(
        subject=delivery.subject,
        body=delivery.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to_address],
    )
    for attachment in delivery.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        permanent = _is_permanent(exc)
        gives_up = permanent or delivery.attempts + 1 > settings.EMAIL_MAX_RETRIES
        status = EmailStatus.FAILED if gives_up else EmailStatus.QUEUED
        logger.warning("E-mail %s attempt failed (%s): %s", delivery_id, status, exc)
        _record_failure(delivery_id, status=status, error=_describe(exc))
        return Outcome.FAILED if gives_up else Outcome.RETRY
    except Exception as exc:  # a bug, not the network: retrying will not help
        logger.exception("E-mail %s could not be built or sent", delivery_id)
        _record_failure(delivery_id, status=EmailStatus.FAILED, error=_describe(exc))
        return Outcome.FAILED
    EmailDelivery.objects.filter(pk=delivery_id).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
    )
    return Outcome.SENT


def _record_failure(delivery_id: int, *, status: str, error: str) -> None:
    EmailDelivery.objects.filter(pk=delivery_id).update(
        status=status, attempts=F("attempts") + 1, last_error=error, claimed_at=None
    )
