"""Asterisk ``cdr_csv`` Master.csv: 16 to 21 columns depending on cdr.conf options."""

from __future__ import annotations

from ingestion.formats.checks import ISO_SECONDS, DateTime, Duration, Shape, Validation
from ingestion.formats.definition import Delimited, FormatDefinition, Signature, TimeBase
from ingestion.formats.identity import RecordIdentity
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

ASTERISK_DISPOSITIONS = Shape(
    "disposition", ASTERISK_DISPOSITION, "ANSWERED, NO ANSWER, BUSY, FAILED or CONGESTION", optional=False
)
# The CDR's times and durations as cdr_csv and cdr_custom write them. uniqueid is not required: a
# 16-column file (without loguniqueid) has none, and its records are valid cdr_csv records.
ASTERISK_VALIDATION = Validation(
    checks=(
        DateTime("start", (ISO_SECONDS,)),
        DateTime("answer", (ISO_SECONDS,), optional=True),
        DateTime("end", (ISO_SECONDS,)),
        Duration("duration"),
        Duration("billsec"),
        ASTERISK_DISPOSITIONS,
        Shape("sequence", r"[0-9]+", "a whole number"),
    ),
    free_text=("clid", "userfield"),
    notes=("a 16-column record (no uniqueid, no linkedid) names no call: staging has no call key for it",),
)

# FORMATS.md 1: uniqueid names the channel, not the CDR (a Dial() to several phones writes one CDR
# per dialled channel, all with one uniqueid), so the dialled channel, the times and the disposition
# are part of the key; sequence (newcdrcolumns) counts CDRs. A 16-column file has no uniqueid: its
# channel names (numbered per channel) and times then tell its records apart.
ASTERISK_IDENTITY = RecordIdentity(
    fields=("uniqueid", "sequence", "channel", "dstchannel", "start", "answer", "end", "disposition"),
    reason=(
        "uniqueid + sequence, with the dialled channel, start/answer/end and disposition: one uniqueid "
        "covers every CDR of a parallel Dial(), and a 16-column file has neither uniqueid nor sequence"
    ),
)

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
    validation=ASTERISK_VALIDATION,
    identity=ASTERISK_IDENTITY,
)
