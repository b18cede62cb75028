"""Per-site rules beside the dial plan: short numbers (emergency, service) with per-country
defaults, and the business calendar (business hours, lunch, holiday region), validated.

``ingestion.config.company`` calls these while it reads ``config/sites.yml``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingestion.config.errors import ConfigError

# Numbers a PBX user dials as they are, without the outside-line code being required.
EMERGENCY_NUMBERS = {
    "DE": ("110", "112"),
    "US": ("911",),
    "CA": ("911",),
    "GB": ("999", "112"),
    "FR": ("15", "17", "18", "112"),
    "AT": ("112", "122", "133", "144"),
    "CH": ("112", "117", "118", "144"),
}
SERVICE_NUMBERS = {
    "DE": ("115", "116116", "116117"),
    "US": ("211", "311", "411", "511", "611", "711", "811"),
    "CA": ("211", "311", "411", "511", "611", "711", "811"),
    "GB": ("101", "105", "111", "119"),
}
DEFAULT_EMERGENCY = ("112",)


def default_emergency_numbers(country: str) -> tuple[str, ...]:
    return EMERGENCY_NUMBERS.get(country.upper(), DEFAULT_EMERGENCY)


def default_service_numbers(country: str) -> tuple[str, ...]:
    return SERVICE_NUMBERS.get(country.upper(), ())


def digit_strings(path: Path, where: str, raw: dict[str, Any], name: str, default: tuple[str, ...]):
    """The list of digit strings under ``name`` (numbers, area codes), or ``default`` when absent."""
    if raw.get(name) is None:
        return default
    values = raw[name]
    if not isinstance(values, list):
        raise ConfigError(path, where, f"field '{name}' should be a list of numbers, got {values!r}")
    numbers = tuple(str(v) for v in values)
    for number in numbers:
        if not number.isdigit():
            raise ConfigError(path, where, f"field '{name}' should hold digits only, got {number!r}")
    return numbers


@dataclass(frozen=True)
class BusinessCalendar:
    """When a site works, in its local time. End times are exclusive."""

    opens: dt.time = dt.time(8, 0)
    closes: dt.time = dt.time(18, 0)
    lunch_start: dt.time = dt.time(12, 0)
    lunch_end: dt.time = dt.time(13, 0)
    # Region of the site's country for public holidays (ISO 3166-2 part: BE, ENG, IL …); "" = national.
    holiday_subdivision: str = ""


def _clock(path: Path, where: str, raw: dict[str, Any], name: str, default: dt.time) -> dt.time:
    value = raw.get(name)
    if value is None:
        return default
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(path, where, f"field '{name}' should be a time HH:MM, got {value!r}") from exc


def business_calendar(path: Path, where: str, raw: Any) -> BusinessCalendar:
    """Read a site's optional ``business_hours`` mapping; absent fields take the defaults."""
    if raw is None:
        return BusinessCalendar()
    where = f"{where}, business_hours"
    if not isinstance(raw, dict):
        raise ConfigError(path, where, "should be a mapping (opens, closes, lunch_start, lunch_end)")
    default = BusinessCalendar()
    calendar = BusinessCalendar(
        opens=_clock(path, where, raw, "opens", default.opens),
        closes=_clock(path, where, raw, "closes", default.closes),
        lunch_start=_clock(path, where, raw, "lunch_start", default.lunch_start),
        lunch_end=_clock(path, where, raw, "lunch_end", default.lunch_end),
        holiday_subdivision=str(raw.get("holiday_subdivision") or ""),
    )
    if not calendar.opens < calendar.closes:
        raise ConfigError(
            path, where, f"'opens' {calendar.opens} should be before 'closes' {calendar.closes}"
        )
    if not calendar.opens <= calendar.lunch_start <= calendar.lunch_end <= calendar.closes:
        raise ConfigError(
            path,
            where,
            "lunch should lie within business hours (opens <= lunch_start <= lunch_end <= closes)",
        )
    return calendar
