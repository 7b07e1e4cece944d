"""seed_demo, reports: the register exports a manager and a director made last week, so the
export audit (admin, "Register exports") shows who took which copy. Keyed on the exporter;
a rerun adds nothing.

The leaver panel: an anchor a week or two before today (so the last completed cycle holds the
demo's withdrawals), set only when none is, and that cycle's report built as the scheduler
builds it (the same service), once."""

import datetime as dt

import time_machine
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.utils import timezone

from reports.exports import register_export_record
from reports.filters import RegisterFilter
from reports.leaver_services import leaver_report_build, leaver_report_schedule
from reports.models import ExportFormat, LeaverPanelSettings, RegisterExport, ReportStatus
from reports.register import register_counts, register_for

EXPORTS = (
    # (username, days ago, format, query string)
    ("manager", 7, ExportFormat.CSV, "rating=high&overdue=true"),
    ("director", 3, ExportFormat.XLSX, ""),
    ("director", 3, ExportFormat.PDF, "rating=high"),
)


def seed(*, stdout) -> None:
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["manager", "director"])
    }
    made = 0
    for username, days_ago, export_format, query in EXPORTS:
        user = users.get(username)
        if (
            user is None
            or RegisterExport.objects.filter(
                exported_by=user, export_format=export_format, query=query
            ).exists()
        ):
            continue
        moment = timezone.now() - dt.timedelta(days=days_ago)
        with time_machine.travel(moment.replace(hour=9, minute=30), tick=False):
            today = timezone.localdate()
            filterset = RegisterFilter(
                QueryDict(query),
                queryset=register_for(user=user, today=today),
                user=user,
                today=today,
            )
            register_export_record(
                user=user,
                export_format=export_format,
                query=query,
                filters=filterset.described(),
                row_count=register_counts(filterset.qs).total,
            )
        made += 1
    stdout.write(f"reports: {made} register exports recorded in the export audit")
    seed_leaver_panel(stdout=stdout)


def seed_leaver_panel(*, stdout) -> None:
    today = timezone.localdate()
    if not LeaverPanelSettings.objects.exists():
        week_ago = today - dt.timedelta(days=7)
        LeaverPanelSettings.objects.create(
            anchor_date=week_ago - dt.timedelta(days=week_ago.weekday())
        )
    report = leaver_report_schedule(today=today)
    if report.status == ReportStatus.QUEUED:
        leaver_report_build(report_id=report.pk, today=today)
        report.refresh_from_db()
    stdout.write(
        f"reports: leaver panel report {report.cycle_start:%d %b} to {report.cycle_end:%d %b %Y}: "
        f"{report.get_status_display().lower()}, {report.leaver_count} leavers"
    )
