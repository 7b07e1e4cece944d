"""Escalation data: cases and their append-only history, risk notifications (cases.py), stage
letters (letters.py) and the recommendations a stage ends in (recommendations.py). The
withdrawal process that follows the last stage is the withdrawals app's."""

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
from escalation.models.recommendations import CaseRecommendation
from escalation.models.reviews import StageReview
from escalation.models.tasks import CaseTask

__all__ = [
    "ACTIVE_STATUSES",
    "CaseRecommendation",
    "CaseStatus",
    "CaseTask",
    "ChangeKind",
    "Decision",
    "EscalationCase",
    "RiskNotification",
    "StageChange",
    "StageLetter",
    "StageReview",
]
