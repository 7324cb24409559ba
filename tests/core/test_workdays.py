"""The Polish working-day calendar."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.workdays import add_working_days, easter_sunday, is_working_day, public_holidays

D = datetime.date


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, D(2024, 3, 31)),
        (2025, D(2025, 4, 20)),
        (2026, D(2026, 4, 5)),
        (2027, D(2027, 3, 28)),
        (2038, D(2038, 4, 25)),
    ],
)
def test_easter_sunday(year, easter):
    assert easter_sunday(year) == easter


def test_the_movable_holidays_of_2026():
    holidays = public_holidays(2026)
    assert D(2026, 4, 6) in holidays  # Easter Monday
    assert D(2026, 5, 24) in holidays  # Whit Sunday
    assert D(2026, 6, 4) in holidays  # Corpus Christi (Thursday)
    assert D(2026, 6, 5) not in holidays


def test_christmas_eve_is_a_holiday_from_2025_only():
    assert D(2024, 12, 24) not in public_holidays(2024)
    assert D(2025, 12, 24) in public_holidays(2025)
    assert D(2026, 12, 24) in public_holidays(2026)


def test_every_year_has_thirteen_or_fourteen_holidays():
    assert len(public_holidays(2024)) == 13
    assert len(public_holidays(2026)) == 14


def test_weekends_and_holidays_are_not_working_days():
    assert is_working_day(D(2026, 11, 10))  # Tuesday
    assert not is_working_day(D(2026, 11, 11))  # Independence Day, a Wednesday
    assert not is_working_day(D(2026, 11, 14))  # Saturday
    assert not is_working_day(D(2026, 11, 15))  # Sunday


def test_seven_working_days_over_christmas_and_new_year():
    # Monday 21 December 2026: 22, 23, 28, 29, 30, 31 December and 4 January are the working days.
    assert add_working_days(D(2026, 12, 21), 7) == D(2027, 1, 4)


def test_seven_working_days_over_corpus_christi():
    # Wednesday 3 June 2026: 5, 8, 9, 10, 11, 12, 15 June (4 June is Corpus Christi).
    assert add_working_days(D(2026, 6, 3), 7) == D(2026, 6, 15)


def test_seven_working_days_in_an_ordinary_week_are_nine_calendar_days():
    assert add_working_days(D(2026, 3, 2), 7) == D(2026, 3, 11)


def test_zero_working_days_is_the_day_itself_and_negative_is_refused():
    assert add_working_days(D(2026, 12, 24), 0) == D(2026, 12, 24)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 12, 24), -1)


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 1)), st.integers(min_value=1, max_value=40))
def test_the_result_is_a_working_day_with_exactly_n_working_days_counted(day, n):
    result = add_working_days(day, n)
    assert is_working_day(result)
    counted = sum(is_working_day(day + datetime.timedelta(days=i)) for i in range(1, (result - day).days + 1))
    assert counted == n
