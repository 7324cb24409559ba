"""The Polish working-day calendar: public holidays (*dni ustawowo wolne od pracy*, the Act of
18 January 1951 on days free from work) and counting working days.

A working day is Monday to Friday and not a public holiday; Saturdays and Sundays never count.
24 December (Wigilia) is a public holiday from 2025 (the amendment of 2024).
"""

import datetime
from functools import lru_cache

CHRISTMAS_EVE_FROM = 2025  # the first year in which 24 December is a public holiday

# (month, day) of the holidays with a fixed date, every year
FIXED_HOLIDAYS = (
    (1, 1),  # Nowy Rok
    (1, 6),  # Trzech Króli
    (5, 1),  # Święto Pracy
    (5, 3),  # Święto Konstytucji 3 Maja
    (8, 15),  # Wniebowzięcie NMP
    (11, 1),  # Wszystkich Świętych
    (11, 11),  # Narodowe Święto Niepodległości
    (12, 25),  # Boże Narodzenie (pierwszy dzień)
    (12, 26),  # Boże Narodzenie (drugi dzień)
)


def easter_sunday(year) -> datetime.date:
    """Easter Sunday of ``year`` in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


@lru_cache(maxsize=64)
def public_holidays(year) -> frozenset:
    """The public holidays of ``year`` in Poland."""
    easter = easter_sunday(year)
    days = {datetime.date(year, month, day) for month, day in FIXED_HOLIDAYS}
    days |= {
        easter,  # Wielkanoc
        easter + datetime.timedelta(days=1),  # Poniedziałek Wielkanocny
        easter + datetime.timedelta(days=49),  # Zielone Świątki (Zesłanie Ducha Świętego)
        easter + datetime.timedelta(days=60),  # Boże Ciało
    }
    if year >= CHRISTMAS_EVE_FROM:
        days.add(datetime.date(year, 12, 24))
    return frozenset(days)


def is_public_holiday(day) -> bool:
    return day in public_holidays(day.year)


def is_working_day(day) -> bool:
    """Monday to Friday, and not a public holiday."""
    return day.weekday() < 5 and not is_public_holiday(day)


def add_working_days(day, n) -> datetime.date:
    """The ``n``-th working day after ``day`` (``day`` itself never counts; ``n`` ≥ 0).

    With ``n`` = 0 the answer is ``day``. E.g. 7 working days from an offer received on Monday
    21 December 2026 end on Monday 4 January 2027 (24–27 December and 1 January are not working days).
    """
    if n < 0:
        raise ValueError("n must not be negative")
    current = day
    left = int(n)
    while left:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current
