from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.email import email_enqueue
from notifications.models import EmailMode, Notification, NotificationPreference

# Kinds never e-mailed: telling an admin by e-mail that e-mail failed could fail in turn.
IN_APP_ONLY_KINDS = frozenset({"email_failed"})


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
    users = {u.pk: u for u in recipients}
    already = set(
        Notification.objects.filter(dedupe_key=dedupe_key, recipient_id__in=users).values_list(
            "recipient_id", flat=True
        )
    )
    fresh = [user for pk, user in users.items() if pk not in already]
    if not fresh:
        return 0
    title = title[:200]
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key
            )
            for user in fresh
        ],
        ignore_conflicts=True,
    )
    if kind not in IN_APP_ONLY_KINDS:
        _email_immediately(fresh, title=title, body=body, url=url, dedupe_key=dedupe_key)
    return Notification.objects.filter(
        dedupe_key=dedupe_key, recipient_id__in=[u.pk for u in fresh]
    ).count()


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


def _email_immediately(
    users: list[AbstractBaseUser], *, title: str, body: str, url: str, dedupe_key: str
) -> None:
    modes = preference_modes([u.pk for u in users])
    footer = (
        "You get an e-mail for each notification. To get one daily digest instead, or none: "
        f"{absolute_url(reverse('notification_preferences'))}"
    )
    for user in users:
        if modes[user.pk] != EmailMode.IMMEDIATE or not user.email or not user.is_active:
            continue
        parts = [title, body, f"Open it: {absolute_url(url)}" if url else "", footer]
        email_enqueue(
            to=user.email,
            subject=title,
            body="\n\n".join(p for p in parts if p) + "\n",
            dedupe_key=f"notification:{user.pk}:{dedupe_key}",
            recipient=user,
        )


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
