"""Avaya Communication Manager CDR, TELESEER legacy fixed-width layout, with date records.

Legacy layouts carry only the time of day; CM sends a date record when the link
comes up and at midnight. Each call record gets the date of the last date record
before it (``record_date``, as written); records before any date record keep it empty.
The date record's exact text is not in the sources found: a line holding only a
date (``MMDDYY``, ``MM/DD/YY`` or ``MM/DD``) is taken as one *(verify on a real link)*.
"""

from __future__ import annotations

from ingestion.formats.checks import DateTime, Duration, DurationUnit, Shape, TimeLayout, Validation
from ingestion.formats.definition import (
    DateRecord,
    Field,
    FixedWidth,
    FormatDefinition,
    Signature,
    TimeBase,
    fixed_width_columns,
)
from ingestion.formats.identity import LANDING_DATE, RecordIdentity
from ingestion.formats.patterns import MONTH_DAY

LAYOUT = FixedWidth(
    fields=(
        Field("time_hour", 4, 5),
        Field("time_minute", 6, 7),
        Field("duration_hours", 8, 8),
        Field("duration_minutes", 9, 10),
        Field("duration_tenths", 11, 11),
        Field("condition_code", 12, 12),
        Field("access_code_dialed", 13, 15),
        Field("access_code_used", 16, 18),
        Field("dialed_number", 19, 33),
        Field("calling_number", 34, 38),
        Field("account_code", 39, 53),
        Field("frl", 54, 54),
        Field("ixc_code", 55, 55),
        Field("incoming_circuit_id", 56, 58),
        Field("outgoing_circuit_id", 59, 61),
        Field("feature_flag", 62, 62),
        Field("auth_code", 63, 69),
    ),
    min_length=38,
    max_length=80,
    date_record=DateRecord(pattern=r"\s*(\d{6}|\d{2}/\d{2}(?:/\d{2})?)\s*"),
)

AVAYA_CM_CDR = FormatDefinition(
    name="avaya_cm_cdr",
    vendor="Avaya Communication Manager (Definity / Aura)",
    description="TELESEER legacy fixed-width CDR; date carried forward from the daily date record",
    columns=fixed_width_columns(LAYOUT),
    layout=LAYOUT,
    time_base=TimeBase.LOCAL_NO_DATE,
    duration_unit="hours, minutes and tenths of a minute (h mm t)",
    leg_link="none written: condition_code classifies the record (C conference, 7/A outgoing, 9 incoming)",
    signature=Signature(line_pattern=r"   \d{4}\d{4}[0-9A-Z].{20,}"),
    validation=Validation(
        checks=(
            Shape("time_hour", "[01][0-9]|2[0-3]", "an hour from 00 to 23", optional=False),
            Shape("time_minute", "[0-5][0-9]", "a minute from 00 to 59", optional=False),
            Duration("duration_hours", DurationUnit.H_MM_T, parts=("duration_minutes", "duration_tenths")),
            Shape("condition_code", "[0-9A-Z]", "one letter or digit"),
            # the carried date record: staging reads MMDDYY, MM/DD/YY, or MM/DD in the landing year
            DateTime(
                "record_date",
                (TimeLayout("%m%d%y", "MMDDYY"), TimeLayout("%m/%d/%y", "MM/DD/YY")),
                optional=True,
                when=f"NOT regexp_full_match(coalesce(record_date, ''), '{MONTH_DAY}')",
            ),
        ),
    ),
    # FORMATS.md 8: no call id and no date in the record: the whole record with the carried date,
    # and the landing day for a record before any date record or under a date without its year.
    identity=RecordIdentity(
        fields=fixed_width_columns(LAYOUT),
        reason=(
            "no id is written: every field with the carried date record; the day the file landed "
            "where that date is missing or has no year"
        ),
        landed=LANDING_DATE,
        landed_when="NOT regexp_full_match(coalesce(record_date, ''), '[0-9]{6}|[0-9]{2}/[0-9]{2}/[0-9]{2}')",
    ),
)
