"""The CSV import pages: upload a file and see its dry run, then apply it (managers, directors).

Thin: each view reads its form, makes one call to escalation/record_imports.py and redirects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from escalation.record_imports import records_import_apply, records_import_preview
from learners.access import role_required
from learners.import_formats import FORMATS
from learners.models import ImportBatch, ImportStatus
from learners.roles import Role
from learners.selectors import import_batches_for
from web.import_forms import ImportUploadForm

IMPORT_ROLES = (Role.MANAGER, Role.DIRECTOR)
RECENT_BATCHES = 20
ERRORS_PER_PAGE = 100


def _batch_for(request: HttpRequest, pk: int) -> ImportBatch:
    batch = import_batches_for(user=request.user).filter(pk=pk).first()
    if batch is None:
        raise Http404("No such import.")
    return batch


@login_required
@role_required(*IMPORT_ROLES)
def import_list(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(
        request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            batch = records_import_preview(
                kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("import_detail", pk=batch.pk)
    return render(
        request,
        "web/imports/import_list.html",
        {
            "form": form,
            "batches": import_batches_for(user=request.user)[:RECENT_BATCHES],
            "formats": FORMATS.values(),
        },
    )


@login_required
@role_required(*IMPORT_ROLES)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    errors = Paginator(batch.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/imports/import_detail.html",
        {
            "batch": batch,
            "errors": errors,
            "may_apply": batch.status == ImportStatus.PREVIEWED,
            "format": FORMATS[batch.kind],
        },
    )


@login_required
@role_required(*IMPORT_ROLES)
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    try:
        batch = records_import_apply(batch=batch, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("import_detail", pk=batch.pk)
    if batch.status == ImportStatus.APPLIED:
        messages.success(
            request,
            f"Imported {batch.original_name}: {batch.new_count} new, {batch.changed_count} "
            f"changed, {batch.unchanged_count} unchanged.",
        )
    else:
        messages.error(
            request,
            "Nothing was imported: the file no longer passes its checks (the records changed "
            "since the preview). The errors are listed below.",
        )
    return redirect("import_detail", pk=batch.pk)
