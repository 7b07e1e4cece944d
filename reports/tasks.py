"""Celery entry points for the leaver panel's reports; the work is in leaver_services.py."""

import datetime as dt

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from reports.leaver_services import leaver_report_build, leaver_report_schedule


@shared_task(ignore_result=False)
def build_leaver_report(report_id: int) -> dict:
    """Build one queued report (given its id); a second delivery finds it claimed."""
    return {"report": report_id, "built": leaver_report_build(report_id=report_id)}


def leaver_report_build_after_commit(*, report_id: int) -> None:
    transaction.on_commit(lambda: build_leaver_report.delay(report_id))


@shared_task(ignore_result=False)
def schedule_leaver_reports(today: str | None = None) -> dict:
    """Daily (beat): the report of the cycle that ended most recently, once, built here and the
    leaver panel told. A day missed is caught up the next day; older cycles are not
    back-filled (a person can generate any cycle from the leaver panel's page)."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    report = leaver_report_schedule(today=day)
    built = leaver_report_build(report_id=report.pk, today=day)
    return {"report": report.pk, "cycle_start": report.cycle_start.isoformat(), "built": built}
