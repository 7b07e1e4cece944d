import datetime as dt

import pytest

from escalation.calendar import (
    add_working_days,
    is_working_day,
    previous_working_day,
    working_days_between,
)

D = dt.date


@pytest.mark.parametrize("nation", ["ENG", "WLS"])
class TestBankHolidays:
    @pytest.mark.parametrize(
        "day",
        [
            D(2026, 4, 3),  # Good Friday
            D(2026, 4, 6),  # Easter Monday
            D(2026, 5, 4),  # Early May bank holiday
            D(2026, 5, 25),  # Spring bank holiday
            D(2026, 8, 31),  # Late August (summer) bank holiday
            D(2026, 12, 25),  # Christmas Day (Friday)
            D(2026, 12, 28),  # Boxing Day falls on Saturday: substitute Monday
            D(2027, 12, 27),  # Christmas Day falls on Saturday: substitute Monday
            D(2027, 12, 28),  # Boxing Day falls on Sunday: substitute Tuesday
            D(2027, 3, 26),  # Good Friday 2027
            D(2027, 3, 29),  # Easter Monday 2027
        ],
    )
    def test_bank_holidays_are_not_working_days(self, nation, day):
        assert not is_working_day(day, nation=nation)

    def test_weekends_are_not_working_days(self, nation):
        assert not is_working_day(D(2026, 11, 28), nation=nation)  # Saturday
        assert not is_working_day(D(2026, 11, 29), nation=nation)  # Sunday
        assert is_working_day(D(2026, 11, 30), nation=nation)

    def test_five_working_days_over_christmas_2026(self, nation):
        # Wed 23 Dec + 5: Thu 24, Tue 29, Wed 30, Thu 31, (Fri 1 Jan holiday) Mon 4 Jan.
        assert add_working_days(D(2026, 12, 23), 5, nation=nation) == D(2027, 1, 4)

    def test_three_working_days_over_easter_2026(self, nation):
        # Thu 2 Apr + 3: (Good Friday, weekend, Easter Monday) Tue 7, Wed 8, Thu 9.
        assert add_working_days(D(2026, 4, 2), 3, nation=nation) == D(2026, 4, 9)

    def test_christmas_2027_substitute_days(self, nation):
        # Fri 24 Dec 2027 + 1: Mon 27 and Tue 28 are substitute days, so Wed 29.
        assert add_working_days(D(2027, 12, 24), 1, nation=nation) == D(2027, 12, 29)

    def test_the_late_august_holiday(self, nation):
        assert add_working_days(D(2026, 8, 28), 1, nation=nation) == D(2026, 9, 1)


def test_counting_matches_adding():
    start = D(2026, 12, 21)
    for n in range(0, 15):
        end = add_working_days(start, n, nation="ENG")
        assert working_days_between(start, end, nation="ENG") == n


def test_counting_backwards_is_negative():
    assert working_days_between(D(2026, 11, 30), D(2026, 11, 23), nation="ENG") == -5


def test_the_previous_working_day_skips_weekends_and_holidays():
    assert previous_working_day(D(2026, 12, 29), nation="ENG") == D(2026, 12, 24)


def test_an_unknown_nation_is_refused():
    with pytest.raises(ValueError):
        is_working_day(D(2026, 1, 5), nation="FRA")


def test_scotland_can_be_added_because_the_nation_is_a_parameter():
    # St Andrew's Day substitute (30 Nov 2026 is a Monday) is a Scottish holiday only.
    assert not is_working_day(D(2026, 11, 30), nation="SCT")
    assert is_working_day(D(2026, 11, 30), nation="ENG")
