"""Panasonic KX-TDA / KX-TDE / KX-NS SMDR, printer style (pattern A, 80 columns).

Printed pages repeat a column-heading line and a dashed ruler; those are skipped.
The Time field is the END of the call on TDA/NS; dates are 2-digit-year, in the
order the PBX is set to (MM/DD/YY, DD/MM/YY or YY/MM/DD by country): the source's
``date_format`` in config/sources.yml says which, and staging reads the date with it.
"""

from __future__ import annotations

from ingestion.formats.checks import TWO_DIGIT_YEAR_DATES, DateTime, Duration, DurationUnit, Shape, Validation
from ingestion.formats.definition import (
    Field,
    FixedWidth,
    FormatDefinition,
    Signature,
    TimeBase,
    fixed_width_columns,
)
from ingestion.formats.identity import RecordIdentity

LAYOUT = FixedWidth(
    fields=(
        Field("date", 1, 8),
        Field("time", 10, 16),
        Field("ext", 18, 22),
        Field("co", 24, 25),
        Field("dial_number", 27, 51),
        Field("ring", 53, 56),
        Field("duration", 58, 65),
        Field("acc_code", 67, 76),
        Field("cd", 78, 79),
    ),
    min_length=65,
    max_length=80,
    skip_patterns=(r"\s*Date\s+Time\s+Ext\s+CO\s+Dial Number.*", r"\s*-{10,}\s*", r"\f*\s*"),
)

PANASONIC_SMDR = FormatDefinition(
    name="panasonic_smdr",
    vendor="Panasonic KX-TDA / KX-TDE / KX-NS",
    description="printer-style SMDR (RS-232 or port 2300), pattern A; page headers skipped",
    columns=fixed_width_columns(LAYOUT),
    layout=LAYOUT,
    time_base=TimeBase.LOCAL_END_OF_CALL,
    duration_unit="hh:mm'ss (apostrophe before seconds); ring m'ss",
    leg_link=(
        "none written: '-' in dial_number marks a transfer; a CO-to-CO call's two records "
        "(incoming + outgoing CD TR/FW/D0-D4, ending together) are paired into one in staging"
    ),
    signature=Signature(line_pattern=r"\d{2}/\d{2}/\d{2} [ \d]\d:\d{2}[AP]M .*\d{2}:\d{2}'\d{2}.*"),
    date_format_configurable=True,
    validation=Validation(
        required=("ext",),
        checks=(
            DateTime("date", date_formats=TWO_DIGIT_YEAR_DATES),
            Shape("time", "(?:0[0-9]|1[0-2]):[0-5][0-9][AP]M", "an end time hh:mmAM or hh:mmPM", False),
            Duration("duration", DurationUnit.HH_MM_APOSTROPHE_SS),
            Duration("ring", DurationUnit.M_APOSTROPHE_SS, optional=True),
        ),
        free_text=("dial_number",),  # <I> is followed by the caller's name or number
    ),
    # FORMATS.md 12: no call id; date and end time to the minute. A CO-to-CO call's two records differ
    # in the dialled number and CD code, so every field of the record is its identity.
    identity=RecordIdentity(
        fields=fixed_width_columns(LAYOUT),
        reason="no id is written: every field (date, end time, extension, CO, number, ring, duration, code)",
    ),
)
