"""The leaver panel's 8-week cycles, counted from an anchor date an admin sets.

Policy (Aspiration 2021 and 2022, MTT 2025): "learners that [we] fail to retain are reviewed
every 8 weeks in a leaver panel". A cycle is CYCLE_DAYS days, [start, start + 55], and cycles
run back and forth from the anchor without gaps, so every day lies in exactly one cycle.

The anchor is LeaverPanelSettings.anchor_date (Django admin, "Leaver panel settings"). Until
an admin sets one, DEFAULT_ANCHOR is used: Monday 4 August 2025, the first Monday of the ILR
year 2025/26, so cycles run Monday to Sunday, eight whole weeks.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

# Policy: "reviewed every 8 weeks in a leaver panel". The one place the length is written.
CYCLE_DAYS = 8 * 7
DEFAULT_ANCHOR = dt.date(2025, 8, 4)


@dataclass(frozen=True, order=True)
class Cycle:
    start: dt.date
    end: dt.date  # inclusive: start + CYCLE_DAYS - 1

    @property
    def label(self) -> str:
        return f"{self.start:%d %b %Y} to {self.end:%d %b %Y}"

    @property
    def short_label(self) -> str:
        return f"{self.start:%d %b %Y}"  # charts: each cycle by its first day

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """Local midnight at the start, and local midnight after the last day (exclusive)."""
        return day_start(self.start), day_start(self.end + dt.timedelta(days=1))

    def previous(self) -> "Cycle":
        return cycle_starting(self.start - dt.timedelta(days=CYCLE_DAYS))

    def next(self) -> "Cycle":
        return cycle_starting(self.end + dt.timedelta(days=1))


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def cycle_starting(start: dt.date) -> Cycle:
    return Cycle(start=start, end=start + dt.timedelta(days=CYCLE_DAYS - 1))


def cycle_anchor() -> dt.date:
    from reports.models import LeaverPanelSettings

    anchor = LeaverPanelSettings.objects.values_list("anchor_date", flat=True).first()
    return anchor or DEFAULT_ANCHOR


def cycle_containing(day: dt.date, *, anchor: dt.date | None = None) -> Cycle:
    anchor = anchor or cycle_anchor()
    offset = (day - anchor).days // CYCLE_DAYS  # floor division: days before the anchor too
    return cycle_starting(anchor + dt.timedelta(days=offset * CYCLE_DAYS))


def cycles_between(first: dt.date, last: dt.date, *, anchor: dt.date | None = None) -> list[Cycle]:
    """Every cycle that holds a day from ``first`` to ``last``, oldest first."""
    cycle, cycles = cycle_containing(first, anchor=anchor), []
    while cycle.start <= last:
        cycles.append(cycle)
        cycle = cycle.next()
    return cycles


def cycles_before(cycle: Cycle, *, count: int) -> list[Cycle]:
    """The ``count`` cycles before ``cycle``, oldest first."""
    cycles: list[Cycle] = []
    for _ in range(count):
        cycle = cycle.previous()
        cycles.insert(0, cycle)
    return cycles


def cycles_recent(*, today: dt.date, count: int) -> Iterator[Cycle]:
    """The cycle holding today and the ``count - 1`` before it, newest first."""
    current = cycle_containing(today)
    yield current
    yield from reversed(cycles_before(current, count=count - 1))


def cycle_last_ended(*, today: dt.date) -> Cycle:
    return cycle_containing(today).previous()


def cycle_from_start(start: dt.date) -> Cycle | None:
    """The cycle starting on ``start`` under the current anchor, or None (not a cycle start)."""
    try:
        cycle = cycle_containing(start)
    except OverflowError:  # a date at the calendar's edge (year 1, year 9999) starts no cycle
        return None
    return cycle if cycle.start == start else None
