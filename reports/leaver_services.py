"""Writes for the leaver panel's reports: ask for one, build one (the Celery task's work), and
the scheduler's one report per ended cycle.

Building claims the row with a conditional update (queued → running), so a task delivered
twice, or two workers, build it once. The PDF is stored under a random name with its sha256."""

import datetime as dt
import hashlib
import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from learners.roles import Role
from notifications.services import notification_send
from reports.cycles import Cycle, cycle_last_ended
from reports.leaver_figures import leaver_figures_build
from reports.leaver_pdf import leaver_report_pdf
from reports.models import LeaverReport, ReportStatus

log = logging.getLogger(__name__)
STALE_AFTER = dt.timedelta(minutes=30)  # a 500-leaver report builds in about 30 seconds


def leaver_report_request(*, cycle: Cycle, by: AbstractBaseUser) -> LeaverReport:
    """A queued report of ``cycle`` asked for by a person; the caller enqueues the build once
    the transaction commits (reports.tasks.leaver_report_build_after_commit). One already
    queued or running for the same cycle (asked for in the last STALE_AFTER) is returned
    instead of a second."""
    pending = LeaverReport.objects.filter(
        cycle_start=cycle.start,
        cycle_end=cycle.end,
        status__in=(ReportStatus.QUEUED, ReportStatus.RUNNING),
        # One stuck for longer (a worker that died) does not block asking again.
        created_at__gte=timezone.now() - STALE_AFTER,
    ).first()
    if pending:
        return pending
    return LeaverReport.objects.create(
        cycle_start=cycle.start,
        cycle_end=cycle.end,
        generated_by=by,
        created_at=timezone.now(),
        progress_message="Waiting for a worker",
    )


def _progress(report_id: int):
    def say(percent: int, message: str) -> None:
        LeaverReport.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(
            progress=percent, progress_message=message[:200]
        )

    return say


def _claim(report_id: int) -> bool:
    return bool(
        LeaverReport.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
            status=ReportStatus.RUNNING,
            started_at=timezone.now(),
            progress=5,
            progress_message="Started",
        )
    )


def leaver_report_build(*, report_id: int, today: dt.date | None = None) -> bool:
    """Build a queued report: figures, PDF, checksum, then ready (or failed with the error).
    False when there was nothing to do (already claimed, built or failed)."""
    if not _claim(report_id):
        return False
    report = LeaverReport.objects.select_related("generated_by").get(pk=report_id)
    say = _progress(report_id)
    try:
        cycle = Cycle(start=report.cycle_start, end=report.cycle_end)
        figures = leaver_figures_build(
            cycle=cycle, today=today or timezone.localdate(), progress=say
        ).as_json()
        say(65, "Laying out the PDF")
        pdf = leaver_report_pdf(
            figures=figures, generated_by=report.generated_by_label, generated_at=timezone.now()
        )
        say(95, "Storing the PDF")
        report.pdf.save("leaver-report.pdf", ContentFile(pdf), save=False)
    except Exception as exc:  # the row says what went wrong; the worker carries on
        log.exception("Leaver report %s failed", report_id)
        LeaverReport.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:1000],
            progress_message="Failed",
            finished_at=timezone.now(),
        )
        return False
    LeaverReport.objects.filter(pk=report_id).update(
        status=ReportStatus.READY,
        pdf=report.pdf.name,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        figures=figures,
        leaver_count=figures["total"],
        progress=100,
        progress_message="Ready",
        finished_at=timezone.now(),
    )
    report.refresh_from_db()
    _tell_ready(report)
    return True


def _tell_ready(report: LeaverReport) -> None:
    if report.automatic:
        recipients = get_user_model().objects.filter(groups__name=Role.LEAVER_PANEL, is_active=True)
    else:
        recipients = [report.generated_by]
    cycle = f"{report.cycle_start:%d %b %Y} to {report.cycle_end:%d %b %Y}"
    notification_send(
        recipients=recipients,
        kind="leaver_report",
        title=f"Leaver panel report ready: {cycle}",
        body=f"{report.leaver_count} leavers in the cycle. "
        + ("Generated automatically at the end of the cycle." if report.automatic else ""),
        url=reverse("leaver_report_detail", args=[report.pk]),
        dedupe_key=f"leaver-report-ready:{report.pk}",
    )


def leaver_report_schedule(*, today: dt.date) -> LeaverReport:
    """The scheduler's report of the last cycle to have ended before ``today``: created once
    (a unique constraint on automatic reports per cycle), returned on every later call."""
    cycle = cycle_last_ended(today=today)
    existing = LeaverReport.objects.filter(
        cycle_start=cycle.start, cycle_end=cycle.end, automatic=True
    )
    if report := existing.first():
        return report
    try:
        with transaction.atomic():
            return LeaverReport.objects.create(
                cycle_start=cycle.start,
                cycle_end=cycle.end,
                automatic=True,
                created_at=timezone.now(),
                progress_message="Waiting for a worker",
            )
    except IntegrityError:  # another beat run created it a moment ago
        return existing.get()
