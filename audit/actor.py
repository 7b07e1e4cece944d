"""Who the triggers write down as the actor.

A request's signed-in user is held in a context variable for the request (the middleware), and
"system" otherwise (Celery, beat, management commands). The triggers read it from the database
connection:

- PostgreSQL: the session settings ``audit.actor_id`` and ``audit.actor_label``, read in the
  trigger with ``current_setting(..., true)``. They are set outside any transaction (so a
  rolled-back savepoint cannot undo them), on the connection already open or, through
  ``connection_created``, on the one opened later, and cleared at the request's end, so a
  persistent connection never carries one user's name into the next request.
- SQLite: application-defined SQL functions ``audit_actor_id()`` and ``audit_actor_label()``,
  registered on every new connection, which read the context variable directly (and
  ``audit_redacting()``, the redaction flag: audit/redaction.py).

The settings are sent on the driver's own cursor, not Django's: they are bookkeeping of the
connection, not a query of the page, so pages' query-count tests are unchanged.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.models import AbstractBaseUser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from audit.redaction import redacting_now

SYSTEM = "system"

_actor: ContextVar[tuple[int | None, str]] = ContextVar("audit_actor", default=(None, SYSTEM))


def actor_current() -> tuple[int | None, str]:
    """(user id or None, label) of whoever the current code acts for."""
    return _actor.get()


def _postgres_apply(connection: BaseDatabaseWrapper, actor_id: int | None, label: str) -> None:
    raw = connection.connection
    if raw is None:  # not connected yet: connection_created applies it on connect
        return
    import psycopg

    if raw.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
        return  # the failed transaction rolls back anyway; the next request sets its own
    raw.execute(
        "SELECT set_config('audit.actor_id', %s, false), "
        "set_config('audit.actor_label', %s, false)",
        ["" if actor_id is None else str(actor_id), "" if label == SYSTEM else label],
    )


def connection_prepare(connection: BaseDatabaseWrapper) -> None:
    """Give a new connection the current actor (``connection_created`` receiver)."""
    if connection.vendor == "sqlite":
        raw = connection.connection
        raw.create_function("audit_actor_id", 0, lambda: _actor.get()[0])
        raw.create_function("audit_actor_label", 0, lambda: _actor.get()[1])
        raw.create_function("audit_redacting", 0, redacting_now)
    elif connection.vendor == "postgresql":
        actor_id, label = _actor.get()
        if actor_id is not None or label != SYSTEM:
            _postgres_apply(connection, actor_id, label)


@contextmanager
def actor_set(
    *, user: AbstractBaseUser | None = None, label: str | None = None, using: str = DEFAULT_DB_ALIAS
) -> Iterator[None]:
    """Record changes made inside the block as ``user``'s (or as ``label``, e.g. "system")."""
    actor_id = user.pk if user is not None else None
    name = label or (user.get_username() if user is not None else SYSTEM)
    token = _actor.set((actor_id, name))
    connection = connections[using]
    if connection.vendor == "postgresql":
        _postgres_apply(connection, actor_id, name)
    try:
        yield
    finally:
        _actor.reset(token)
        if connection.vendor == "postgresql":
            previous_id, previous_label = _actor.get()
            _postgres_apply(connection, previous_id, previous_label)


# Celery: a task's changes are "system (task name)", so the trail says which job made them.
_task_tokens: dict[str, object] = {}


def task_started(*, task_id: str, task, **kwargs) -> None:
    block = actor_set(label=f"{SYSTEM} ({task.name.rsplit('.', 1)[-1]})")
    block.__enter__()
    _task_tokens[task_id] = block


def task_finished(*, task_id: str, **kwargs) -> None:
    block = _task_tokens.pop(task_id, None)
    if block is not None:
        block.__exit__(None, None, None)
