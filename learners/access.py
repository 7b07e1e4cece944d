"""The one place that decides which learners a user may see. Every view goes through it.

tutor: their own caseload; manager: the teams they manage; operational support coordinator:
the teams that name them; director, safeguarding, leaver
panel and quality / IQA: every learner. Roles add up (a tutor who also manages a team sees both).
Anyone else sees nothing.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from learners.models import Learner, Team
from learners.roles import ORGANISATION_WIDE_ROLES, Role, roles_of


def learners_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Learner]:
    if not user.is_authenticated or not user.is_active:
        return Learner.objects.none()
    roles = roles_of(user)
    if user.is_superuser or roles & ORGANISATION_WIDE_ROLES:
        return Learner.objects.all()
    scope = Q(pk__in=[])
    if Role.TUTOR in roles:
        scope |= Q(tutor=user)
    if Role.MANAGER in roles:
        # A subquery, not a join through Team.managers, so no learner is listed twice.
        scope |= Q(team__in=Team.objects.filter(managers=user).values("pk"))
    if Role.OPERATIONAL_SUPPORT in roles:
        scope |= Q(team__in=Team.objects.filter(support_coordinators=user).values("pk"))
    return Learner.objects.filter(scope)


def learner_get_for_user(*, user: AbstractBaseUser | AnonymousUser, pk: int) -> Learner:
    """The learner, or 404 when it does not exist or lies outside the user's scope (the two
    look the same so a user cannot probe for learners they may not see)."""
    learner = (
        learners_visible_to(user)
        .select_related("course", "employer", "tutor", "team")
        .filter(pk=pk)
        .first()
    )
    if learner is None:
        raise Http404("No such learner in your caseload.")
    return learner


def role_required(*roles: str) -> Callable:
    """Let a view through only for users holding one of ``roles`` (superusers always); 403 else."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not (request.user.is_superuser or roles_of(request.user) & set(roles)):
                raise PermissionDenied("Your role does not include this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
