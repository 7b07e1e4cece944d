"""seed_demo, reports: the register exports a manager and a director made last week, so the
export audit (admin, "Register exports") shows who took which copy. Keyed on the exporter;
a rerun adds nothing."""

import datetime as dt

import time_machine
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.utils import timezone

from reports.exports import register_export_record
from reports.filters import RegisterFilter
from reports.models import ExportFormat, RegisterExport
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
