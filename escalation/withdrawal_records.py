"""The withdrawal requests a case move raises or cancels.

A case reaching its preset's withdrawal stage raises its Notification of Withdrawal; success
(stepped down, closed back on track) cancels one still waiting for a director or the employer.
The requests belong to the withdrawals app, which sits above escalation, so escalation does not
import it: the case moves (services.py, the sweeps' and triggers' batches) call the functions
below, and withdrawals/apps.py hands them their implementation (withdrawals/records.py) when
Django starts. Not a signal: there is exactly one implementation, it is required (a case move
that needs it fails loudly without it), and it runs in the caller's transaction, under the
case row locks the caller holds."""

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured

from escalation.models import EscalationCase


class WithdrawalRecords(Protocol):
    """What the withdrawals app provides (withdrawals/records.py)."""

    def withdrawal_requests_create_many(
        self,
        *,
        cases: Sequence[tuple[EscalationCase, str]],
        by: AbstractBaseUser | None,
        at: dt.datetime,
    ) -> list[Any]: ...

    def withdrawal_requests_cancel(
        self, *, case: EscalationCase, by: AbstractBaseUser | None, reason: str, at: dt.datetime
    ) -> int: ...


_records: WithdrawalRecords | None = None


def withdrawal_records_register(records: WithdrawalRecords) -> None:
    """Called once, by the withdrawals app's ready()."""
    global _records
    _records = records


def _implementation() -> WithdrawalRecords:
    if _records is None:
        raise ImproperlyConfigured(
            "No withdrawal process is registered (is 'withdrawals' in INSTALLED_APPS?): "
            "a case move cannot raise or cancel a Notification of Withdrawal."
        )
    return _records


def withdrawal_request_create(
    *, case: EscalationCase, by: AbstractBaseUser | None, grounds: str, at: dt.datetime
) -> Any:
    """Raise the case's Notification of Withdrawal; None when one is already in progress.
    The caller holds the case's row lock."""
    return _implementation().withdrawal_requests_create_many(cases=[(case, grounds)], by=by, at=at)[
        0
    ]


def withdrawal_requests_create_many(
    *,
    cases: Sequence[tuple[EscalationCase, str]],
    by: AbstractBaseUser | None,
    at: dt.datetime,
) -> list[Any]:
    """``withdrawal_request_create`` for many (case, grounds) at once (a sweep's batch); the
    caller holds the cases' row locks."""
    return _implementation().withdrawal_requests_create_many(cases=cases, by=by, at=at)


def withdrawal_requests_cancel(
    *, case: EscalationCase, by: AbstractBaseUser | None, reason: str, at: dt.datetime
) -> int:
    """The case succeeded: a withdrawal still waiting for a director or the employer no
    longer applies. The caller holds the case's row lock."""
    return _implementation().withdrawal_requests_cancel(case=case, by=by, reason=reason, at=at)
