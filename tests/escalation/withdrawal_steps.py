"""Steps shared by the withdrawal and appeal tests: a case brought to the withdrawal stage, the
employer's agreement, a director's approval."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from demo.factories import open_case, stage_letter_not_sent
from escalation.services import case_advance
from tests.samples import PDF
from withdrawals.models import WithdrawalReason
from withdrawals.services import employer_agreement_record, withdrawal_approve


def at_withdrawal_stage(learner, by):
    """Aspiration: first risk → stage 1 → stage 2 → stage 3 (Notification of Withdrawal)."""
    case = open_case(learner, by=by)
    for _ in range(3):
        if case.stage != "first_risk":  # stages 1 and 2 are notified before they move on
            stage_letter_not_sent(case, by=by)
        case = case_advance(case=case, by=by, reason="No response to the stage letter")
    return case


def reason(code: int = 44) -> WithdrawalReason:
    return WithdrawalReason.objects.get(ilr_year="2026/27", code=code)


def agreement(request, by, **overrides):
    data = {
        "request": request,
        "by": by,
        "agreed_by_name": "Pat Boss",
        "agreed_by_role": "Line manager",
        "agreed_on": timezone.localdate(),
        "method": "email",
        "upload": SimpleUploadedFile("agreement.pdf", PDF, content_type="application/pdf"),
    }
    return employer_agreement_record(**(data | overrides))


def approve(request, by, **overrides):
    data = {
        "request": request,
        "by": by,
        "reason": "Every stage tried; no response since October.",
        "ilr_reason": reason(),
        "last_day_of_learning": dt.date(2026, 10, 30),
    }
    return withdrawal_approve(**(data | overrides))
