"""The leaver panel's pages (/leaver-panel/...): cycles, the report archive, generating a report
and following its progress, and downloads.

Who: the leaver panel (and superusers) read and generate; directors and quality / IQA read and
download; everyone else is refused (403), and anonymous users are sent to log in."""

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.models import Operation
from audit.services import access_record
from learners.roles import Role, roles_of
from reports.cycles import CYCLE_DAYS, cycle_anchor, cycle_from_start
from reports.leaver_selectors import leaver_cycles_recent, leaver_reports_archive
from reports.leaver_services import leaver_report_request
from reports.models import LeaverReport, ReportStatus
from reports.tasks import leaver_report_build_after_commit

READ_ROLES = frozenset({Role.LEAVER_PANEL, Role.DIRECTOR, Role.QUALITY})
GENERATE_ROLES = frozenset({Role.LEAVER_PANEL})
REPORTS_PER_PAGE = 25


def may_generate(user) -> bool:
    return user.is_superuser or bool(roles_of(user) & GENERATE_ROLES)


def _allowed(roles: frozenset[str]):
    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not (request.user.is_superuser or roles_of(request.user) & roles):
                raise PermissionDenied("The leaver panel's reports are for the leaver panel.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


leaver_reader = _allowed(READ_ROLES | GENERATE_ROLES)
leaver_generator = _allowed(GENERATE_ROLES)


@login_required
@leaver_reader
def leaver_cycles(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "web/leaver_panel/cycles.html",
        {
            "title": "Leaver panel",
            "rows": leaver_cycles_recent(today=today),
            "anchor": cycle_anchor(),
            "weeks": CYCLE_DAYS // 7,
            "may_generate": may_generate(request.user),
        },
    )


@login_required
@leaver_reader
def leaver_archive(request: HttpRequest) -> HttpResponse:
    page = Paginator(leaver_reports_archive(), REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/leaver_panel/archive.html",
        {"title": "Leaver report archive", "page": page},
    )


@require_POST
@login_required
@leaver_generator
def leaver_generate(request: HttpRequest) -> HttpResponse:
    try:
        start = dt.date.fromisoformat(request.POST.get("cycle_start", ""))
    except ValueError:
        start = None
    cycle = cycle_from_start(start) if start else None
    if cycle is None or cycle.start > timezone.localdate():
        messages.error(request, "Choose a cycle from the list: that one is not a cycle start.")
        return redirect("leaver_cycles")
    report = leaver_report_request(cycle=cycle, by=request.user)
    if report.status == ReportStatus.QUEUED:  # building claims it: a second enqueue is harmless
        leaver_report_build_after_commit(report_id=report.pk)
    return redirect("leaver_report_detail", report.pk)


def _report_context(report: LeaverReport) -> dict:
    return {"report": report, "title": f"Leaver report, {report.cycle_start:%d %b %Y}"}


@login_required
@leaver_reader
def leaver_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(LeaverReport.objects.select_related("generated_by"), pk=pk)
    return render(request, "web/leaver_panel/report.html", _report_context(report))


@login_required
@leaver_reader
def leaver_report_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status fragment the report page polls (htmx) every 2 seconds while it is built."""
    report = get_object_or_404(LeaverReport.objects.select_related("generated_by"), pk=pk)
    return render(request, "web/leaver_panel/_status.html", _report_context(report))


@login_required
@leaver_reader
def leaver_report_download(request: HttpRequest, pk: int) -> FileResponse:
    report = get_object_or_404(LeaverReport, pk=pk, status=ReportStatus.READY)
    if not report.pdf:
        raise Http404("This report has no file.")
    access_record(
        user=request.user,
        operation=Operation.DOWNLOAD,
        obj=report,
        detail=f"Leaver panel report: {report.download_name}",
    )
    response = FileResponse(
        report.pdf.open("rb"),
        as_attachment=True,
        filename=report.download_name,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
