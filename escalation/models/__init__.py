"""Escalation data: cases and their append-only history, risk notifications (cases.py), and
stage letters (letters.py). The withdrawal process that follows the last stage is the
withdrawals app's."""

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

__all__ = [
    "ACTIVE_STATUSES",
    "CaseStatus",
    "ChangeKind",
    "Decision",
    "EscalationCase",
    "RiskNotification",
    "StageChange",
    "StageLetter",
]
