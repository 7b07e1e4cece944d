"""Escalation data: cases and their append-only history, risk notifications (cases.py), and
the withdrawal process that follows the last stage (withdrawals.py)."""

from escalation.models.cases import (
    ACTIVE_STATUSES,
    CaseStatus,
    ChangeKind,
    Decision,
    EscalationCase,
    RiskNotification,
    StageChange,
)
from escalation.models.letters import StageLetter
from escalation.models.withdrawals import (
    LIVE_REQUEST_STATUSES,
    Appeal,
    AppealStatus,
    Appellant,
    EmployerAgreement,
    EventKind,
    ExitReview,
    ExitTheme,
    RequestStatus,
    WithdrawalEvent,
    WithdrawalReason,
    WithdrawalRequest,
)

__all__ = [
    "ACTIVE_STATUSES",
    "LIVE_REQUEST_STATUSES",
    "Appeal",
    "AppealStatus",
    "Appellant",
    "CaseStatus",
    "ChangeKind",
    "Decision",
    "EmployerAgreement",
    "EscalationCase",
    "EventKind",
    "ExitReview",
    "ExitTheme",
    "RequestStatus",
    "RiskNotification",
    "StageChange",
    "StageLetter",
    "WithdrawalEvent",
    "WithdrawalReason",
    "WithdrawalRequest",
]
