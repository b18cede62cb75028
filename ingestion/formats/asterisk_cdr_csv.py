"""Asterisk ``cdr_csv`` Master.csv: 16 to 21 columns depending on cdr.conf options."""

from __future__ import annotations

from ingestion.formats.definition import Delimited, FormatDefinition, Signature, TimeBase
from ingestion.formats.patterns import ASTERISK_DISPOSITION, ISO_DATETIME, ISO_DATETIME_OR_EMPTY, SECONDS

ASTERISK_CDR_COLUMNS = (
    "accountcode",
    "src",
    "dst",
    "dcontext",
    "clid",
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
    "uniqueid",
    "userfield",
    "peeraccount",
    "linkedid",
    "sequence",
)

ASTERISK_SIGNATURE_FIELDS = {
    "start": ISO_DATETIME,
    "answer": ISO_DATETIME_OR_EMPTY,
    "end": ISO_DATETIME,
    "duration": SECONDS,
    "billsec": SECONDS,
    "disposition": ASTERISK_DISPOSITION,
}

ASTERISK_CDR_CSV = FormatDefinition(
    name="asterisk_cdr_csv",
    vendor="Asterisk / FreePBX",
    description=(
        "cdr_csv Master.csv; 16 base columns, + uniqueid, userfield (loguniqueid, "
        "loguserfield), + peeraccount, linkedid, sequence (newcdrcolumns)"
    ),
    columns=ASTERISK_CDR_COLUMNS,
    layout=Delimited(min_columns=16),
    time_base=TimeBase.LOCAL_WALL_CLOCK,
    duration_unit="seconds (duration = start to end, billsec = answer to end)",
    leg_link="legs of one call share linkedid (uniqueid when linkedid is absent)",
    signature=Signature(field_patterns=ASTERISK_SIGNATURE_FIELDS),
)
