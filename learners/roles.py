"""Staff roles. Each is a Django group (created by migration 0002); the group name is the value."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models


class Role(models.TextChoices):
    TUTOR = "tutor", "Tutor"
    MANAGER = "manager", "Manager"
    DIRECTOR = "director", "Director"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    LEAVER_PANEL = "leaver panel", "Leaver panel"
    QUALITY = "quality", "Quality / IQA"
    # A team role, like a manager's: the person acts for the learners of the teams that name
    # them (Team.support_coordinators). Aspiration's policy has the Operational Support
    # Coordinator act at stages 1 to 3 in Wales.
    OPERATIONAL_SUPPORT = "operational support", "Operational Support Coordinator"


# Roles whose work spans the whole organisation, so they may see every learner.
ORGANISATION_WIDE_ROLES = frozenset(
    {Role.DIRECTOR, Role.SAFEGUARDING, Role.LEAVER_PANEL, Role.QUALITY}
)


def roles_of(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """The roles a user holds, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_roles_cache", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._roles_cache = cached
    return cached


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


# Who may run a subject access export of a learner: the safeguarding team. The export holds the
# confidential safeguarding entries by default (a subject access request discloses them unless
# an exemption applies), which only safeguarding may read, and the same person judges whether
# an exemption applies. A director who is the data protection officer is given this role too.
SUBJECT_ACCESS_ROLES = frozenset({Role.SAFEGUARDING})

# Who may write to a learner's record. Quality / IQA and the leaver panel read only.
WRITERS = (Role.TUTOR, Role.MANAGER, Role.SAFEGUARDING, Role.OPERATIONAL_SUPPORT)
