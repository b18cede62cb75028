"""Public holidays of the sites' countries, computed (no network, any year).

Only holidays that close offices count: Berlin (state of Berlin), the US
federal holidays a private company usually observes, and England's bank
holidays.
"""

from __future__ import annotations

import datetime as dt


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    lw = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * lw) // 451
    month = (h + lw - 7 * m + 114) // 31
    day = (h + lw - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th ``weekday`` (0 = Monday) of a month; n = -1 for the last one."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: dt.date) -> dt.date:
    """US rule: Saturday holidays move to Friday, Sunday holidays to Monday."""
    if day.weekday() == 5:
        return day - dt.timedelta(days=1)
    if day.weekday() == 6:
        return day + dt.timedelta(days=1)
    return day


def _substitute(day: dt.date, taken: set[dt.date]) -> dt.date:
    """UK rule: a weekend bank holiday moves to the next free weekday."""
    while day.weekday() >= 5 or day in taken:
        day += dt.timedelta(days=1)
    return day


def holidays_de_berlin(year: int) -> dict[dt.date, str]:
    easter = easter_sunday(year)
    return {
        dt.date(year, 1, 1): "Neujahr",
        dt.date(year, 3, 8): "Internationaler Frauentag",
        easter - dt.timedelta(days=2): "Karfreitag",
        easter + dt.timedelta(days=1): "Ostermontag",
        dt.date(year, 5, 1): "Tag der Arbeit",
        easter + dt.timedelta(days=39): "Christi Himmelfahrt",
        easter + dt.timedelta(days=50): "Pfingstmontag",
        dt.date(year, 10, 3): "Tag der Deutschen Einheit",
        dt.date(year, 12, 25): "1. Weihnachtstag",
        dt.date(year, 12, 26): "2. Weihnachtstag",
    }


def holidays_us(year: int) -> dict[dt.date, str]:
    return {
        _observed(dt.date(year, 1, 1)): "New Year's Day",
        nth_weekday(year, 1, 0, 3): "Martin Luther King Jr. Day",
        nth_weekday(year, 2, 0, 3): "Presidents' Day",
        nth_weekday(year, 5, 0, -1): "Memorial Day",
        _observed(dt.date(year, 6, 19)): "Juneteenth",
        _observed(dt.date(year, 7, 4)): "Independence Day",
        nth_weekday(year, 9, 0, 1): "Labor Day",
        nth_weekday(year, 11, 3, 4): "Thanksgiving Day",
        nth_weekday(year, 11, 3, 4) + dt.timedelta(days=1): "Day after Thanksgiving",
        _observed(dt.date(year, 12, 25)): "Christmas Day",
    }


def holidays_gb_england(year: int) -> dict[dt.date, str]:
    easter = easter_sunday(year)
    days = {
        easter - dt.timedelta(days=2): "Good Friday",
        easter + dt.timedelta(days=1): "Easter Monday",
        nth_weekday(year, 5, 0, 1): "Early May bank holiday",
        nth_weekday(year, 5, 0, -1): "Spring bank holiday",
        nth_weekday(year, 8, 0, -1): "Summer bank holiday",
    }
    taken: set[dt.date] = set(days)
    for month, day, name in ((1, 1, "New Year's Day"), (12, 25, "Christmas Day"), (12, 26, "Boxing Day")):
        moved = _substitute(dt.date(year, month, day), taken)
        taken.add(moved)
        days[moved] = name
    return days


RULES = {"DE": holidays_de_berlin, "US": holidays_us, "GB": holidays_gb_england}


def holidays(country: str, first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Holidays of ``country`` between ``first`` and ``last`` inclusive."""
    found: dict[dt.date, str] = {}
    for year in range(first.year, last.year + 1):
        found.update(RULES[country](year))
    return {day: name for day, name in sorted(found.items()) if first <= day <= last}
