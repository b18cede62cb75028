"""Asterisk ``cdr_custom`` Master.csv: the columns are whatever ``cdr_custom.conf`` maps.

The source's configuration gives the column order; without one the stock
``cdr_custom.conf.sample`` mapping applies. Same fields as cdr_csv in another
order, so the sniffer never settles this format on its own.
"""

from __future__ import annotations

from ingestion.formats.asterisk_cdr_csv import (
    ASTERISK_CDR_COLUMNS,
    ASTERISK_IDENTITY,
    ASTERISK_SIGNATURE_FIELDS,
    ASTERISK_VALIDATION,
)
from ingestion.formats.definition import Delimited, FormatDefinition, Signature, TimeBase

STOCK_MAPPING = (
    "clid",
    "src",
    "dst",
    "dcontext",
    "channel",
    "dstchannel",
    "lastapp",
    "lastdata",
    "start",
    "answer",
    "end",
    "duration",
    "billsec",
    "disposition",
    "amaflags",
    "accountcode",
    "uniqueid",
    "userfield",
)

ASTERISK_CDR_CUSTOM = FormatDefinition(
    name="asterisk_cdr_custom",
    vendor="Asterisk / FreePBX",
    description="cdr_custom Master.csv; column order from the source's cdr_custom.conf mapping",
    columns=ASTERISK_CDR_COLUMNS,
    layout=Delimited(min_columns=1, configurable_columns=True, default_order=STOCK_MAPPING),
    time_base=TimeBase.LOCAL_WALL_CLOCK,
    duration_unit="seconds (duration = start to end, billsec = answer to end)",
    leg_link="legs of one call share linkedid (uniqueid when linkedid is not mapped)",
    signature=Signature(
        field_patterns=ASTERISK_SIGNATURE_FIELDS,
        caution="column order comes from cdr_custom.conf: put it in the source's 'columns'",
    ),
    validation=ASTERISK_VALIDATION,
    identity=ASTERISK_IDENTITY,  # same fields as cdr_csv, in the order cdr_custom.conf maps
)
