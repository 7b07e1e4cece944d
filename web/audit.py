from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.forms import AuditFilterForm
from audit.selectors import audit_events, audit_rows
from learners.access import role_required
from learners.roles import Role, has_role

AUDIT_READERS = (Role.DIRECTOR, Role.QUALITY)
PAGE_SIZE = 50


@login_required
@role_required(*AUDIT_READERS)
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit trail, newest first: read-only, for directors and quality / IQA."""
    form = AuditFilterForm(request.GET or None)
    filters: dict = {}
    if form.is_bound:
        form.is_valid()
        # A filter that is not understood is shown as an error and left out; the rest apply.
        filters = {k: v for k, v in form.cleaned_data.items() if k not in form.errors and v}
    page = Paginator(audit_events(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = audit_rows(
        list(page.object_list), reader_sees_confidential=has_role(request.user, Role.SAFEGUARDING)
    )
    query = request.GET.copy()
    query.pop("page", None)
    response = render(
        request,
        "web/audit/audit_list.html",
        {"form": form, "page": page, "rows": rows, "query_without_page": query.urlencode()},
    )
    response["Cache-Control"] = "no-store"
    return response
