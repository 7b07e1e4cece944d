"""The subject access export page (/learners/<pk>/subject-access/): the safeguarding team
(learners.roles.SUBJECT_ACCESS_ROLES) reads what the export holds and chooses whether
confidential entries go in; a POST builds the zip, records it and sends it as a download.
Everyone else gets 403, superusers included."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from audit.models import Operation
from audit.services import access_record
from dataprotection.forms import SubjectAccessForm
from dataprotection.models import SubjectAccessExport
from dataprotection.sar_export import subject_access_export
from learners.access import learner_get_for_user
from learners.roles import SUBJECT_ACCESS_ROLES, has_role


@login_required
def subject_access(request: HttpRequest, pk: int) -> HttpResponse:
    # Not role_required: that lets superusers through, and a superuser who is not in the
    # safeguarding team may not read confidential entries (riskcases.selectors) either.
    if not has_role(request.user, *SUBJECT_ACCESS_ROLES):
        raise PermissionDenied("Subject access exports are run by the safeguarding team.")
    learner = learner_get_for_user(user=request.user, pk=pk)
    form = SubjectAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        built = subject_access_export(
            learner=learner,
            user=request.user,
            include_confidential=form.cleaned_data["include_confidential"],
            withheld_reason=form.cleaned_data["withheld_reason"].strip(),
        )
        access_record(
            user=request.user,
            operation=Operation.DOWNLOAD,
            obj=built.export,
            learner_id=learner.pk,
            detail="Subject access export",
        )
        response = FileResponse(
            built.file, as_attachment=True, filename=built.filename, content_type="application/zip"
        )
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
    earlier = SubjectAccessExport.objects.filter(learner=learner).select_related("generated_by")
    return render(
        request,
        "web/subject_access/subject_access.html",
        {"learner": learner, "form": form, "earlier": earlier[:20]},
    )
