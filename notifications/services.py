from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.email import Email, emails_enqueue
from notifications.models import EmailMode, Notification, NotificationPreference

# Kinds never e-mailed: telling an admin by e-mail that e-mail failed could fail in turn.
IN_APP_ONLY_KINDS = frozenset({"email_failed"})


@dataclass(frozen=True)
class NotificationItem:
    """One event for ``notifications_send_many``: who hears of it, and what they read."""

    recipients: Iterable[AbstractBaseUser]
    kind: str
    title: str
    dedupe_key: str
    body: str = ""
    url: str = ""


def notification_send(
    *,
    recipients: Iterable[AbstractBaseUser],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str,
) -> int:
    """Tell each recipient once per ``dedupe_key``; returns how many were newly told.

    Those newly told who want immediate e-mails (the default) and have an address are also
    e-mailed, once the transaction commits; digest users hear of it in their morning digest."""
    item = NotificationItem(
        recipients=recipients, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key
    )
    return notifications_send_many(items=[item])[0]


def notifications_send_many(*, items: Sequence[NotificationItem]) -> list[int]:
    """``notification_send`` for many events at once (a sweep's batch), in a handful of queries
    whatever their number: the dedupe check, one insert, the e-mail preferences, the e-mails.
    Returns, per item, how many were newly told. Items are taken in order, so an item repeating
    an earlier one's dedupe key tells nobody the earlier one told."""
    audiences = [{u.pk: u for u in item.recipients} for item in items]
    everyone = {pk for users in audiences for pk in users}
    keys = {item.dedupe_key for item in items}
    told = set(
        Notification.objects.filter(dedupe_key__in=keys, recipient_id__in=everyone).values_list(
            "recipient_id", "dedupe_key"
        )
    )
    fresh_by_item: list[list[AbstractBaseUser]] = []
    for item, users in zip(items, audiences, strict=True):
        fresh = [user for pk, user in users.items() if (pk, item.dedupe_key) not in told]
        told.update((user.pk, item.dedupe_key) for user in fresh)
        fresh_by_item.append(fresh)
    if not any(fresh_by_item):
        return [0] * len(items)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=item.kind,
                title=item.title[:200],
                body=item.body,
                url=item.url,
                dedupe_key=item.dedupe_key,
            )
            for item, fresh in zip(items, fresh_by_item, strict=True)
            for user in fresh
        ],
        ignore_conflicts=True,
    )
    _email_immediately(
        [
            (user, item)
            for item, fresh in zip(items, fresh_by_item, strict=True)
            if item.kind not in IN_APP_ONLY_KINDS
            for user in fresh
        ]
    )
    # Counted back from the table (not from what was inserted): a row a concurrent sender
    # committed first counts too, as it always has.
    pairs = list(zip(items, fresh_by_item, strict=True))
    stored = set(
        Notification.objects.filter(
            dedupe_key__in={item.dedupe_key for item, fresh in pairs if fresh},
            recipient_id__in={user.pk for _, fresh in pairs for user in fresh},
        ).values_list("recipient_id", "dedupe_key")
    )
    return [
        sum((user.pk, item.dedupe_key) in stored for user in fresh)
        for item, fresh in zip(items, fresh_by_item, strict=True)
    ]


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path.startswith("/") else path


def preference_modes(user_ids: Iterable[int]) -> dict[int, str]:
    """Each user's e-mail mode; users who never chose one get immediate e-mails."""
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=list(user_ids)).values_list(
            "user_id", "email_mode"
        )
    )
    return {pk: chosen.get(pk, EmailMode.IMMEDIATE) for pk in user_ids}


def _email_immediately(told: list[tuple[AbstractBaseUser, NotificationItem]]) -> None:
    if not told:
        return
    modes = preference_modes({user.pk for user, _ in told})
    footer = (
        "You get an e-mail for each notification. To get one daily digest instead, or none: "
        f"{absolute_url(reverse('notification_preferences'))}"
    )
    emails = []
    for user, item in told:
        if modes[user.pk] != EmailMode.IMMEDIATE or not user.email or not user.is_active:
            continue
        title = item.title[:200]
        parts = [title, item.body, f"Open it: {absolute_url(item.url)}" if item.url else "", footer]
        emails.append(
            Email(
                to=user.email,
                subject=title,
                body="\n\n".join(p for p in parts if p) + "\n",
                dedupe_key=f"notification:{user.pk}:{item.dedupe_key}",
                recipient=user,
            )
        )
    if emails:
        emails_enqueue(emails=emails)


def preference_get(*, user: AbstractBaseUser) -> NotificationPreference:
    """The user's preference (unsaved, immediate, when they never chose one)."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user
    )


def preference_set(*, user: AbstractBaseUser, email_mode: str) -> NotificationPreference:
    """Choose how to be e-mailed. Switching to the digest starts it from now: what came
    before was e-mailed already."""
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
        if email_mode == EmailMode.DIGEST and preference.email_mode != EmailMode.DIGEST:
            preference.last_digest_at = timezone.now()
        preference.email_mode = email_mode
        preference.save()
    return preference


def notification_mark_read(*, user: AbstractBaseUser, pk: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them (``pk`` None). Only the
    user's own rows are touched; a notification already read keeps its first read time."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())
