"""The working-day calendar: the one module every deadline in the product uses.

A working day is Monday to Friday and not a bank holiday of the learner's nation (from the
`holidays` package, which includes substitute days such as 2026-12-28). England and Wales share
one list today; the nation stays a parameter so Scotland or Northern Ireland can be added.
"""

import datetime as dt
from functools import lru_cache

import holidays

# learners.Nation values -> the `holidays` package's GB subdivision codes.
NATION_SUBDIVISIONS = {"ENG": "ENG", "WLS": "WLS", "SCT": "SCT", "NIR": "NIR"}
SATURDAY = 5


@lru_cache(maxsize=64)
def bank_holidays(nation: str, year: int) -> frozenset[dt.date]:
    try:
        subdivision = NATION_SUBDIVISIONS[nation]
    except KeyError as exc:
        raise ValueError(f"No bank holiday calendar for nation {nation!r}") from exc
    return frozenset(holidays.country_holidays("GB", subdiv=subdivision, years=year))


def is_working_day(day: dt.date, *, nation: str) -> bool:
    return day.weekday() < SATURDAY and day not in bank_holidays(nation, day.year)


# Cached: a sweep's batch starts hundreds of stages on one day, a handful of (days, nation).
@lru_cache(maxsize=4096)
def add_working_days(start: dt.date, days: int, *, nation: str) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself is not counted).
    add_working_days(Friday, 1) is the next Monday, or Tuesday after a bank holiday Monday."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day, nation=nation):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, *, nation: str) -> int:
    """How many working days fall after ``start`` up to and including ``end`` (negative when
    ``end`` is before ``start``), so add_working_days(d, n) is n working days after d."""
    if end < start:
        return -working_days_between(end, start, nation=nation)
    return sum(
        is_working_day(start + dt.timedelta(days=offset), nation=nation)
        for offset in range(1, (end - start).days + 1)
    )


def previous_working_day(day: dt.date, *, nation: str) -> dt.date:
    day -= dt.timedelta(days=1)
    while not is_working_day(day, nation=nation):
        day -= dt.timedelta(days=1)
    return day


# Cached: the inactivity sweep asks once per (day, limit, nation) for every learner at once.
@lru_cache(maxsize=256)
def working_days_back(end: dt.date, days: int, *, nation: str) -> dt.date:
    """The latest date from which ``days`` working days have passed by ``end``: for any date
    ``d`` on or before it, working_days_between(d, end) >= days. With ``days`` working days
    from Monday to Friday and none missed, working_days_back(Friday, 5) is the Sunday before."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = end
    remaining = days
    while remaining:
        if is_working_day(day, nation=nation):
            remaining -= 1
        day -= dt.timedelta(days=1)
    return day
