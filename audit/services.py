"""Access events: who looked at a confidential entry or took a file away. Changes need no
service; the triggers write them. And the one change to audit rows there is: a retention
erasure redacting a learner's trail."""

from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils import timezone

from audit.actor import actor_current
from audit.models import AuditEvent, Operation
from audit.redaction import (
    ERASED,
    personal_values,
    redaction_allowed,
    row_redact,
    text_pattern,
)
from audit.registry import personal_columns

RETENTION_REASON = "retention period passed"


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


def audit_redact_learner(
    *, learner_id: int, by: AbstractBaseUser | None, reason: str = RETENTION_REASON
) -> int:
    """Replace the personal data (the columns each model declares in audit/registry.py) in
    every audit row of ``learner_id`` with "(erased)", and the same values wherever an access
    event's ``detail`` names them; stamp those rows' ``redacted_at`` and record the redaction
    as one more event. Must run inside the caller's transaction, after the erasure's own
    updates (whose audit rows hold the data being erased). Returns how many rows changed."""
    columns = personal_columns(apps)
    events = list(
        AuditEvent.objects.filter(learner_id=learner_id)
        .only("id", "table_name", "before", "after", "detail")
        .order_by("id")
    )
    values: set[str] = set()
    for event in events:
        own = columns.get(event.table_name, ())
        values |= personal_values(event.before, own) | personal_values(event.after, own)
    pattern = text_pattern(values)
    now = timezone.now()
    changed = []
    for event in events:
        own = columns.get(event.table_name, ())
        before, after = row_redact(event.before, own), row_redact(event.after, own)
        detail = pattern.sub(ERASED, event.detail) if pattern else event.detail
        if (before, after, detail) != (event.before, event.after, event.detail):
            event.before, event.after, event.detail, event.redacted_at = before, after, detail, now
            changed.append(event)
    with redaction_allowed():
        AuditEvent.objects.bulk_update(
            changed, ["before", "after", "detail", "redacted_at"], batch_size=500
        )
    actor_id, label = actor_current()
    if by is not None:
        actor_id, label = by.pk, by.get_username()
    AuditEvent.objects.create(
        actor_id=actor_id,
        actor_label=label,
        operation=Operation.REDACT,
        table_name=AuditEvent._meta.db_table,
        learner_id=learner_id,
        detail=f"Personal data erased from {len(changed)} audit rows ({reason})"[:300],
    )
    return len(changed)
