"""The leaver panel's 8-week cycles: boundaries, the anchor and its default."""

import datetime as dt

import pytest

from reports.cycles import (
    CYCLE_DAYS,
    DEFAULT_ANCHOR,
    cycle_containing,
    cycle_from_start,
    cycle_last_ended,
    cycles_before,
    cycles_between,
    cycles_recent,
)
from reports.models import LeaverPanelSettings

ANCHOR = dt.date(2026, 9, 28)


def test_rule_a_cycle_is_8_weeks_from_the_anchor():
    cycle = cycle_containing(ANCHOR, anchor=ANCHOR)
    assert CYCLE_DAYS == 56
    assert (cycle.start, cycle.end) == (ANCHOR, dt.date(2026, 11, 22))


def test_rule_the_last_day_is_in_the_cycle_and_the_next_day_in_the_next():
    last = dt.date(2026, 11, 22)
    assert cycle_containing(last, anchor=ANCHOR).start == ANCHOR
    assert cycle_containing(last + dt.timedelta(days=1), anchor=ANCHOR).start == dt.date(
        2026, 11, 23
    )


def test_it_counts_cycles_before_the_anchor_too():
    cycle = cycle_containing(dt.date(2026, 9, 27), anchor=ANCHOR)
    assert (cycle.start, cycle.end) == (dt.date(2026, 8, 3), dt.date(2026, 9, 27))


def test_it_lists_cycles_between_two_days_and_before_one():
    cycles = cycles_between(dt.date(2026, 9, 27), dt.date(2026, 11, 23), anchor=ANCHOR)
    assert [c.start for c in cycles] == [
        dt.date(2026, 8, 3),
        dt.date(2026, 9, 28),
        dt.date(2026, 11, 23),
    ]
    before = cycles_before(cycles[1], count=2)
    assert [c.start for c in before] == [dt.date(2026, 6, 8), dt.date(2026, 8, 3)]


@pytest.mark.django_db
def test_it_uses_the_default_anchor_until_an_admin_sets_one():
    assert cycle_containing(DEFAULT_ANCHOR).start == DEFAULT_ANCHOR
    assert DEFAULT_ANCHOR.weekday() == 0  # Monday to Sunday cycles
    LeaverPanelSettings.objects.create(anchor_date=ANCHOR)
    assert cycle_containing(dt.date(2026, 10, 1)).start == ANCHOR
    assert cycle_from_start(ANCHOR) is not None
    assert cycle_from_start(ANCHOR + dt.timedelta(days=1)) is None


@pytest.mark.django_db
def test_it_moves_every_cycle_when_the_anchor_changes():
    settings = LeaverPanelSettings.objects.create(anchor_date=ANCHOR)
    assert cycle_last_ended(today=dt.date(2026, 11, 23)).start == ANCHOR
    settings.anchor_date = dt.date(2026, 10, 5)
    settings.save()
    assert LeaverPanelSettings.objects.count() == 1
    assert cycle_last_ended(today=dt.date(2026, 11, 23)).start == dt.date(2026, 8, 10)
    recent = list(cycles_recent(today=dt.date(2026, 11, 23), count=3))
    assert [c.start for c in recent] == [
        dt.date(2026, 10, 5),
        dt.date(2026, 8, 10),
        dt.date(2026, 6, 15),
    ]


@pytest.mark.django_db
def test_rule_there_is_one_settings_row():
    LeaverPanelSettings.objects.create(anchor_date=ANCHOR)
    LeaverPanelSettings(anchor_date=dt.date(2026, 1, 5)).save()
    assert LeaverPanelSettings.objects.get().anchor_date == dt.date(2026, 1, 5)


@pytest.mark.django_db
def test_the_demo_has_an_anchor_and_the_last_cycles_report():
    import io

    from django.core.management import call_command

    from reports.models import LeaverReport, ReportStatus

    call_command("seed_demo", stdout=io.StringIO())
    report = LeaverReport.objects.get()
    assert report.automatic and report.status == ReportStatus.READY
    assert report.leaver_count and report.leaver_count > 0
    settings = LeaverPanelSettings.objects.get()
    assert report.cycle_end == settings.anchor_date - dt.timedelta(days=1)
