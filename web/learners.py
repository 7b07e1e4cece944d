from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.models import Operation
from audit.services import access_record
from learners.access import learner_get_for_user, role_required
from learners.services import LearnerClosedError
from riskcases.attachments import download_response
from riskcases.forms import ContactForm
from riskcases.models import AgreedAction, ContactAttachment
from riskcases.pages import WRITERS, apply_form_errors, closed_redirect
from riskcases.selectors import can_read_confidential
from riskcases.services import agreed_action_set_done, contact_log


@login_required
@role_required(*WRITERS)
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    if closed := closed_redirect(request, learner):
        return closed
    form = ContactForm(request.POST or None, request.FILES or None, learner=learner)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact_log(
                learner=learner,
                author=request.user,
                occurred_at=data["occurred_at"],
                contact_type=data["contact_type"],
                contact_with=data["contact_with"],
                direction=data["direction"],
                outcome=data["outcome"],
                welfare_check=data["welfare_check"],
                notes=data["notes"],
                confidential=data["confidential"],
                risk_factors=data["risk_factors"],
                attachments=data["attachments"],
                submission_token=data["submission_token"],
            )
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, "Contact logged.")
            return redirect("learner_detail", pk=learner.pk)
    return render(request, "riskcases/contact_form.html", {"learner": learner, "form": form})


@login_required
@role_required(*WRITERS)
@require_POST
def action_toggle(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    action = get_object_or_404(AgreedAction, pk=action_pk, support_record__learner=learner)
    try:
        action = agreed_action_set_done(
            action=action, done=request.POST.get("done") == "1", by=request.user
        )
    except LearnerClosedError as exc:
        messages.error(request, exc.messages[0])
    if request.htmx:
        context = {
            "learner": learner,
            "action": action,
            "can_write": True,
            "is_open": True,
            "today": timezone.localdate(),
        }
        return render(request, "riskcases/_action_row.html", context)
    return redirect("learner_detail", pk=learner.pk)


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    attachment = get_object_or_404(
        ContactAttachment.objects.select_related("entry"), pk=attachment_pk, entry__learner=learner
    )
    if attachment.entry.confidential and not can_read_confidential(request.user):
        raise Http404("No such attachment.")
    confidential = " of a confidential entry" if attachment.entry.confidential else ""
    access_record(
        user=request.user,
        operation=Operation.DOWNLOAD,
        obj=attachment,
        learner_id=learner.pk,
        detail=f"Attachment{confidential}: {attachment.original_name}",
    )
    return download_response(
        file=attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
