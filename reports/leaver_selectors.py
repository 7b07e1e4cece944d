"""Reads for the leaver panel's pages: recent cycles with their leavers and reports, and the
archive. Each runs a fixed number of queries, however many cycles or reports there are."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from reports.cycles import Cycle, cycles_recent
from reports.leavers import leaver_counts_by_cycle
from reports.models import LeaverReport, ReportStatus

CYCLES_SHOWN = 12


@dataclass
class CycleRow:
    cycle: Cycle
    leavers: int
    ended: bool
    latest_ready: LeaverReport | None = None
    pending: LeaverReport | None = None


def leaver_cycles_recent(*, today: dt.date, count: int = CYCLES_SHOWN) -> list[CycleRow]:
    cycles = list(cycles_recent(today=today, count=count))
    counts = leaver_counts_by_cycle(cycles)
    rows = {
        (c.start, c.end): CycleRow(c, sum(counts[c].values()), ended=c.end < today) for c in cycles
    }
    reports = (
        LeaverReport.objects.filter(
            cycle_start__gte=cycles[-1].start,
            cycle_start__lte=cycles[0].start,
            status__in=(ReportStatus.READY, ReportStatus.QUEUED, ReportStatus.RUNNING),
        )
        .select_related("generated_by")
        .defer("figures")
        .order_by("-created_at", "-pk")
    )
    for report in reports:
        row = rows.get((report.cycle_start, report.cycle_end))
        if row is None:  # a cycle of an earlier anchor
            continue
        if report.status == ReportStatus.READY and row.latest_ready is None:
            row.latest_ready = report
        elif report.is_pending and row.pending is None:
            row.pending = report
    return list(rows.values())


def leaver_reports_archive() -> QuerySet[LeaverReport]:
    return LeaverReport.objects.select_related("generated_by").defer("figures")
