"""Asterisk ``cdr_csv`` Master.csv: 16 to 21 columns depending on cdr.conf options."""

from __future__ import annotations

from ingestion.formats.definition import FormatDefinition, TimeBase

ASTERISK_CDR_CSV = FormatDefinition(
    name="asterisk_cdr_csv",
    vendor="Asterisk / FreePBX",
    description=(
        "cdr_csv Master.csv; 16 base columns, + uniqueid, userfield (loguniqueid, "
        "loguserfield), + peeraccount, linkedid, sequence (newcdrcolumns)"
    ),
    columns=(
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
    ),
    min_columns=16,
    time_base=TimeBase.LOCAL_WALL_CLOCK,
    duration_unit="seconds (duration = start to end, billsec = answer to end)",
    leg_link="legs of one call share linkedid (uniqueid when linkedid is absent)",
)
