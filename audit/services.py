"""Access events: who looked at a confidential entry or took a file away. Changes need no
service; the triggers write them."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from audit.actor import actor_current
from audit.models import AuditEvent, Operation


def _event(
    *,
    user: AbstractBaseUser,
    operation: str,
    obj: models.Model,
    learner_id: int | None,
    detail: str,
) -> AuditEvent:
    actor_id, label = actor_current()
    if user is not None and user.is_authenticated:
        actor_id, label = user.pk, user.get_username()
    return AuditEvent(
        actor_id=actor_id,
        actor_label=label,
        operation=operation,
        table_name=obj._meta.db_table,
        row_id=obj.pk,
        learner_id=learner_id,
        detail=detail[:300],
    )


def access_record(
    *,
    user: AbstractBaseUser,
    operation: str,
    obj: models.Model,
    learner_id: int | None = None,
    detail: str = "",
) -> AuditEvent:
    """Record that ``user`` viewed (``Operation.VIEW``) or downloaded ``obj``."""
    event = _event(user=user, operation=operation, obj=obj, learner_id=learner_id, detail=detail)
    event.save()
    return event


def confidential_views_record(
    *, user: AbstractBaseUser, entries: Iterable[models.Model], detail: str
) -> None:
    """One view event per confidential entry shown to ``user``, in one INSERT."""
    events = [
        _event(
            user=user,
            operation=Operation.VIEW,
            obj=entry,
            learner_id=entry.learner_id,
            detail=detail,
        )
        for entry in entries
    ]
    if events:
        AuditEvent.objects.bulk_create(events)
