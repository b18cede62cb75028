"""Mitel MiVoice Business (3300 ICP / SX-2000) SMDR: 90-character fixed-width records, no year.

Positions are the standard template of the MiVoice Business "SMDR - Recorded
information" help; longer records (101/112/131 characters with extended digits,
ANI/DNIS, network OLI) keep their extra characters in ``extension_fields``.
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
from ingestion.formats.identity import LANDING_YEAR, RecordIdentity
from ingestion.formats.patterns import HOUR_MINUTE_24, MONTH_DAY

LAYOUT = FixedWidth(
    fields=(
        Field("long_call", 1, 1),
        Field("date", 2, 6),
        Field("start_time", 8, 12),
        Field("pm", 13, 13),
        Field("duration", 15, 22),
        Field("calling_party", 24, 27),
        Field("attendant", 29, 29),
        Field("time_to_answer", 30, 32),
        Field("digits_dialed", 34, 59),
        Field("completion_status", 60, 60),
        Field("speed_call_forward", 61, 61),
        Field("called_party", 62, 65),
        Field("transfer_conference", 66, 66),
        Field("third_party", 68, 71),
        Field("account_code", 73, 84),
        Field("system_id", 85, 88),
        Field("extension_fields", 91, 140),
    ),
    min_length=65,
    max_length=140,
)

MITEL_MIVB_SMDR = FormatDefinition(
    name="mitel_mivb_smdr",
    vendor="Mitel MiVoice Business / 3300 ICP",
    description="standard 90-character SMDR; date mm/dd without year, 12-hour clock with P for PM",
    columns=fixed_width_columns(LAYOUT),
    layout=LAYOUT,
    time_base=TimeBase.LOCAL_NO_YEAR,
    duration_unit="HH:MM:SS; time_to_answer in seconds",
    leg_link="none written: transfers and conferences flagged, third party named",
    signature=Signature(line_pattern=r"[ \-%+]\d{2}/\d{2} \d{2}:\d{2}[ P] \d{2}:\d{2}:\d{2} .*"),
    validation=Validation(
        required=("calling_party",),
        checks=(
            Shape("long_call", r"[-%+]", "blank, '-', '%' or '+'"),
            Shape("date", MONTH_DAY, "a date mm/dd that exists", optional=False),
            Shape("start_time", HOUR_MINUTE_24, "a start time hh:mm from 00:00 to 23:59", optional=False),
            Shape("pm", "P", "blank or P (PM)"),
            Duration("duration", DurationUnit.HH_MM_SS),
            Duration("time_to_answer", optional=True),
        ),
        notes=("29 February is accepted: the record has no year (staging takes the landing year)",),
    ),
    # FORMATS.md 9: no call id, a date mm/dd without year: the whole record + the landing year.
    identity=RecordIdentity(
        fields=fixed_width_columns(LAYOUT),
        reason="no id is written and the date has no year: every field, with the year the file landed",
        landed=LANDING_YEAR,
    ),
)
