"""The withdrawal's written confirmation (BPN 10): the data its letter is rendered with, and
sending it (recorded as sent today, stored in the contact log with its PDF copy and e-mailed,
in one transaction). Storing and delivering a letter is escalation.letter_sending.letter_store's."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from escalation.letter_sending import (
    letter_context_common,
    letter_store,
    letter_template_for,
    long_date,
)
from escalation.services import IllegalMove, case_policy
from notifications.models import WITHDRAWAL_CONFIRMATION, LetterTemplate
from riskcases.models import ContactLogEntry
from withdrawals.models import WithdrawalRequest
from withdrawals.services import withdrawal_confirmation_record


def letter_context_for_withdrawal(request: WithdrawalRequest) -> dict:
    """The withdrawal confirmation's data: the last day of learning, the ILR reason and the
    appeal window."""
    preset = case_policy(request.case)
    learner = request.learner
    reason = request.ilr_reason
    appeal_by = request.appeal_by
    return letter_context_common(learner, preset, preset.stage(request.case.stage).name) | {
        "withdrawn_on": timezone.localtime(request.withdrawn_at).date()
        if request.withdrawn_at
        else "",
        "last_day_of_learning": request.last_day_of_learning or "",
        "ilr_reason": f"{reason.code} {reason.description}" if reason else "",
        "appeal_by": appeal_by or "",
        "appeal_rule": f"within {preset.appeal_working_days} working days, by "
        f"{long_date(appeal_by)}"
        if appeal_by
        else "",
    }


def withdrawal_letter_template(request: WithdrawalRequest) -> LetterTemplate | None:
    return letter_template_for(
        policy_key=case_policy(request.case).key, letter_key=WITHDRAWAL_CONFIRMATION
    )


def withdrawal_confirmation_send(
    *, request: WithdrawalRequest, by: AbstractBaseUser
) -> ContactLogEntry:
    """Send the written confirmation of a withdrawal and record it as sent today, together.
    Locks: the case row, then the request (withdrawal_confirmation_record)."""
    template = withdrawal_letter_template(request)
    if template is None:
        raise IllegalMove("There is no active withdrawal confirmation letter for this policy.")
    with transaction.atomic():
        # Records the confirmation under the request's lock (and refuses a second one) first.
        request = withdrawal_confirmation_record(
            request=request,
            by=by,
            sent_on=timezone.localdate(),
            note="The confirmation letter is stored in the contact log.",
        )
        if template.letter_key != WITHDRAWAL_CONFIRMATION:
            raise IllegalMove("That letter is not a withdrawal confirmation.")
        return letter_store(
            learner=request.learner,
            template=template,
            context=letter_context_for_withdrawal(request),
            by=by,
            dedupe_key=f"letter:withdrawal:{request.pk}",
            closed_learner=True,
        )
