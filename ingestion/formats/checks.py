"""What a record must hold to be loaded, declared per format as data (``ingestion.raw.validation``).

A format declares its required fields, the date-times, durations and codes whose
shape its specification fixes, and its free-text fields (names a person typed,
where an undecodable byte is replaced and flagged instead of failing the record).
A check names the raw column it reads, so a failure names that field; a record
whose field is empty passes an ``optional`` check.

Date-time layouts are written as DuckDB ``strptime`` formats, the very formats the
dbt staging models parse with, so that a record accepted here types without NULL
in staging (``tests/test_load_validation.py`` holds the two together).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

# A duration is a number of seconds that staging keeps as a 32-bit INTEGER.
MAX_REPRESENTABLE_SECONDS = 2**31 - 1


@dataclass(frozen=True)
class TimeLayout:
    """A date-time as a PBX writes it: the ``strptime`` format staging reads it with, and in words."""

    strptime: str
    shown: str


ISO_SECONDS = TimeLayout("%Y-%m-%d %H:%M:%S", "YYYY-MM-DD HH:MM:SS")
SLASH_SECONDS = TimeLayout("%Y/%m/%d %H:%M:%S", "YYYY/MM/DD HH:MM:SS")
SLASH_MINUTES = TimeLayout("%Y/%m/%d %H:%M", "YYYY/M/D HH:MM")
# Two-digit-year dates in the order a source configures (config/sources.yml date_format).
TWO_DIGIT_YEAR_DATES = {
    "MM/DD/YY": TimeLayout("%m/%d/%y", "MM/DD/YY"),
    "DD/MM/YY": TimeLayout("%d/%m/%y", "DD/MM/YY"),
    "YY/MM/DD": TimeLayout("%y/%m/%d", "YY/MM/DD"),
}


class DurationUnit(StrEnum):
    """How a duration is written; the value says it in words."""

    SECONDS = "whole seconds"
    HH_MM_SS = "HH:MM:SS"
    HH_MM_APOSTROPHE_SS = "hh:mm'ss"
    M_APOSTROPHE_SS = "m'ss"
    H_MM_T = "h mm t (hours, minutes, tenths of a minute)"


@dataclass(frozen=True)
class DateTime:
    """A date-time field (or a part of one) that must parse by one of ``layouts``.

    ``date_formats`` replaces ``layouts`` for a PBX whose date order a source configures.
    ``sql`` builds the text to parse from the field's value ``{v}`` (a part of a record body, as
    staging cuts it); ``when`` is an SQL condition on the raw columns that limits the check to
    some records (by record type).
    """

    field: str
    layouts: tuple[TimeLayout, ...] = ()
    optional: bool = False
    date_formats: Mapping[str, TimeLayout] | None = None
    sql: str = ""
    when: str = ""


@dataclass(frozen=True)
class Duration:
    """A duration: written in ``unit``, from 0 to the source's ``max_call_seconds`` (above it: flagged).

    ``parts`` are further fields whose text follows ``field``'s to make the value (Avaya's h, mm, t).
    """

    field: str
    unit: DurationUnit = DurationUnit.SECONDS
    optional: bool = False
    parts: tuple[str, ...] = ()
    when: str = ""


@dataclass(frozen=True)
class Shape:
    """A number or code whose shape the format's specification fixes: a regular expression, full match."""

    field: str
    pattern: str
    expected: str  # in words, for the quarantine reason
    optional: bool = True
    when: str = ""


Check = DateTime | Duration | Shape


@dataclass(frozen=True)
class Validation:
    """A format's load-time rules: required fields, checks in order, free-text fields, field length."""

    required: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()
    free_text: tuple[str, ...] = ()
    max_field_chars: int = 4096
    notes: tuple[str, ...] = field(default=())  # what the rules do not cover, for the documentation
