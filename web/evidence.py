"""The per-learner evidence pack download: a POST (generating it writes an audit row) by anyone
who may see the learner."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from audit.models import Operation
from audit.services import access_record
from learners.access import learner_get_for_user
from reports.evidence_pack import evidence_pack_generate


@login_required
@require_POST
def evidence_pack(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    pack = evidence_pack_generate(learner=learner, user=request.user)
    access_record(
        user=request.user,
        operation=Operation.DOWNLOAD,
        obj=pack.export,
        learner_id=learner.pk,
        detail=f"Evidence pack: {pack.filename}",
    )
    response = HttpResponse(pack.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pack.filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
