"""Plugged into the policies app's hooks (policies/hooks.py) when Django starts: the stage
letters each policy has templates for, and telling managers and directors that a version was
published."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from learners.roles import Role
from notifications.models import WITHDRAWAL_CONFIRMATION, LetterTemplate
from notifications.services import notification_send


def policy_letter_keys(policy_key: str) -> frozenset[str]:
    """The stage letters a version of ``policy_key`` may name: its active templates (the
    withdrawal confirmation is not a stage letter)."""
    return frozenset(
        LetterTemplate.objects.filter(policy_key=policy_key, active=True)
        .exclude(letter_key=WITHDRAWAL_CONFIRMATION)
        .values_list("letter_key", flat=True)
    )


def version_published_announce(*, version, **kwargs) -> int:
    """Managers and directors hear that ``version`` was published and when it takes effect (not
    the director who published it)."""
    staff = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.MANAGER, Role.DIRECTOR])
        .exclude(pk=version.published_by_id)
        .distinct()
    )
    return notification_send(
        recipients=list(staff),
        kind="policy_published",
        title=f"{version} published: in effect from {version.effective_from:%d %b %Y}",
        body=f"Why: {version.publish_reason}",
        url=reverse("policy_version", args=[version.pk]),
        dedupe_key=f"policy_version:{version.pk}:published",
    )
