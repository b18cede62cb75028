"""Mitel 5000 CP / MiVoice Office 250 / Inter-Tel Axxess SMDR: 80-column records, no date.

On TCP every record is prefixed by a 4-byte little-endian length; a landed spool
may keep those prefixes, a file written by a logger usually has plain lines.
Both read the same.
"""

from __future__ import annotations

from ingestion.formats.checks import Duration, DurationUnit, Shape, Validation
from ingestion.formats.definition import (
    Field,
    FixedWidth,
    FormatDefinition,
    Signature,
    TimeBase,
    fixed_width_columns,
)
from ingestion.formats.framing import length_prefixed_or_lines
from ingestion.formats.identity import LANDING_DATE, RecordIdentity
from ingestion.formats.patterns import HOUR_MINUTE_24

LAYOUT = FixedWidth(
    fields=(
        Field("call_type", 1, 3),
        Field("extension", 5, 9),
        Field("trunk", 11, 15),
        Field("digits", 17, 44),
        Field("start_time", 46, 50),
        Field("duration", 52, 59),
        Field("cost", 61, 66),
        Field("trailer", 67, 80),
    ),
    min_length=59,
    max_length=80,
    deframe=length_prefixed_or_lines,
)

MITEL_5000_SMDR = FormatDefinition(
    name="mitel_5000_smdr",
    vendor="Mitel 5000 CP / MiVoice Office 250",
    description="80-column SMDR over TCP (4-byte length prefix per record) or as lines",
    columns=fixed_width_columns(LAYOUT),
    layout=LAYOUT,
    time_base=TimeBase.LOCAL_NO_DATE,
    duration_unit="HH:MM:SS",
    leg_link="none written: one record per call segment",
    signature=Signature(line_pattern=r"[A-Z ]{3} [ \d]{5} .{35}\d{2}:\d{2} \d{2}:\d{2}:\d{2}.*"),
    validation=Validation(
        required=("extension",),
        checks=(
            Shape("start_time", HOUR_MINUTE_24, "a start time hh:mm from 00:00 to 23:59", optional=False),
            Duration("duration", DurationUnit.HH_MM_SS),
        ),
    ),
    # FORMATS.md 10: no call id and no date (start hh:mm only): the whole record + the landing day.
    identity=RecordIdentity(
        fields=fixed_width_columns(LAYOUT),
        reason=(
            "no id and no date are written: every field, with the day the file landed (two identical "
            "records of one day, same extension, number, minute and duration, count once)"
        ),
        landed=LANDING_DATE,
    ),
)
