"""The one way an audit row may change: a retention erasure replacing the personal data in a
learner's rows (audit/services.py ``audit_redact_learner``).

The guard trigger (audit/triggers.py) lets an UPDATE of the audit table through only while a
transaction-local flag is set, and then only of the content columns (``REDACTABLE``) with
``redacted_at`` stamped; DELETE never. The flag:

- PostgreSQL: ``set_config('audit.redacting', 'on', true)``, local to the transaction (and to
  the savepoint ``redaction_allowed`` opens, so a failed block takes it back), switched off
  again when the block ends.
- SQLite: the application SQL function ``audit_redacting()`` reads a context variable, as
  ``audit_actor_id()`` does for the actor (audit/actor.py registers both).

This module also holds the pure part: which values of a row are personal, and the row with
them replaced.
"""

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.transaction import TransactionManagementError

from audit.triggers import REDACTING

ERASED = "(erased)"

_redacting: ContextVar[bool] = ContextVar("audit_redacting", default=False)


def redacting_now() -> int:
    """SQLite's ``audit_redacting()``: 1 inside ``redaction_allowed``, else 0."""
    return 1 if _redacting.get() else 0


@contextmanager
def redaction_allowed(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let the guard accept redactions of audit rows inside the block, which must run inside
    the caller's transaction (so the redaction commits or rolls back with the erasure)."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise TransactionManagementError("Audit rows may be redacted only inside a transaction.")
    with transaction.atomic(using=using):
        token = _redacting.set(True)
        try:
            _postgres_flag(connection, "on")
            yield
            _postgres_flag(connection, "")
        finally:
            _redacting.reset(token)


def _postgres_flag(connection, value: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [REDACTING, value])


def _is_personal(value: Any) -> bool:
    return value is not None and value != "" and value != ERASED


def personal_values(row: dict | None, columns: Iterable[str]) -> set[str]:
    """The personal values ``row`` holds (to find them again in the free-text ``detail``)."""
    if not row:
        return set()
    return {str(row[c]) for c in columns if c in row and _is_personal(row[c])}


def row_redact(row: dict | None, columns: Iterable[str]) -> dict | None:
    """``row`` with every non-empty personal column replaced by ERASED."""
    if not row:
        return row
    names = set(columns)
    return {k: ERASED if k in names and _is_personal(v) else v for k, v in row.items()}


def text_pattern(values: Iterable[str]) -> re.Pattern | None:
    """Matches any of ``values`` as a whole word or run of words (longest first), for the
    access events' ``detail`` ("Evidence pack: evidence-pack-<ULN>-...pdf", "Attachment: <the
    file's name>"). Values longer than the detail column cannot occur in it."""
    words = sorted({v for v in values if 0 < len(v) <= 300}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(w) for w in words)})(?!\w)")
