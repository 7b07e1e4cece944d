"""The withdrawal's written confirmation letter (the stage letter pages are web/case_letters.py).
Recorders send it from the withdrawal's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from escalation.letter_sending import withdrawal_confirmation_send
from escalation.services import IllegalMove
from escalation.withdrawal_forms import RECORDERS
from escalation.withdrawal_selectors import withdrawal_get_for_user
from learners.access import role_required


@login_required
@role_required(*RECORDERS)
@require_POST
def withdrawal_confirmation_letter(request: HttpRequest, pk: int) -> HttpResponse:
    wr = withdrawal_get_for_user(user=request.user, pk=pk)
    try:
        withdrawal_confirmation_send(request=wr, by=request.user)
    except (IllegalMove, ValidationError) as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            "The written confirmation is recorded as sent today; the letter and its PDF copy "
            "are in the contact log.",
        )
    return redirect("withdrawal_detail", pk=wr.pk)
