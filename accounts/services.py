"""Writes for accounts: ending sessions and disabling users."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from accounts.models import UserSession


def sessions_end_for_user(*, user: AbstractBaseUser) -> int:
    """Delete every session the user is signed in with; returns how many were ended.

    A deleted session row is a dead cookie: the next request with it is anonymous.
    """
    deleted, _ = UserSession.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def user_disable(*, user: AbstractBaseUser) -> int:
    """Mark the user inactive (no more logins) and end the sessions they have open now."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    return sessions_end_for_user(user=user)


def users_disable(*, users: Iterable[AbstractBaseUser]) -> int:
    """Disable several users (the admin action); returns how many sessions were ended."""
    return sum(user_disable(user=user) for user in users)
