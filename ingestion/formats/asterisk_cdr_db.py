"""Asterisk / FreePBX / Issabel ``asteriskcdrdb.cdr`` table exported as CSV with a header row."""

from __future__ import annotations

from ingestion.formats.asterisk_cdr_csv import ASTERISK_DISPOSITIONS
from ingestion.formats.checks import ISO_SECONDS, DateTime, Duration, Shape, Validation
from ingestion.formats.definition import Delimited, FormatDefinition, Header, Signature, TimeBase
from ingestion.formats.identity import RecordIdentity
from ingestion.formats.patterns import ISO_DATETIME, SECONDS

ASTERISK_CDR_DB = FormatDefinition(
    name="asterisk_cdr_db",
    vendor="Asterisk / FreePBX / Issabel",
    description="cdr table export (cdr_mysql, cdr_adaptive_odbc); columns by header name",
    columns=(
        "id",
        "calldate",
        "clid",
        "src",
        "dst",
        "dcontext",
        "channel",
        "dstchannel",
        "lastapp",
        "lastdata",
        "duration",
        "billsec",
        "disposition",
        "amaflags",
        "accountcode",
        "uniqueid",
        "userfield",
        "did",
        "recordingfile",
        "cnum",
        "cnam",
        "outbound_cnum",
        "outbound_cnam",
        "dst_cnam",
        "linkedid",
        "peeraccount",
        "sequence",
    ),
    layout=Delimited(min_columns=2, header=Header.REQUIRED),
    time_base=TimeBase.LOCAL_WALL_CLOCK,
    duration_unit="seconds from calldate (start); answer = calldate + duration - billsec",
    leg_link="legs of one call share linkedid when exported, else uniqueid",
    signature=Signature(
        field_patterns={"calldate": ISO_DATETIME, "duration": SECONDS, "billsec": SECONDS},
        header_names=frozenset({"calldate", "billsec", "disposition"}),
    ),
    validation=Validation(
        required=("uniqueid",),
        checks=(
            # MySQL's zero date (0000-00-00 00:00:00) is no call: it fails here with its reason
            DateTime("calldate", (ISO_SECONDS,)),
            Duration("duration"),
            Duration("billsec"),
            ASTERISK_DISPOSITIONS,
            Shape("sequence", r"[0-9]+", "a whole number"),
        ),
        free_text=("clid", "userfield", "cnam", "outbound_cnam", "dst_cnam"),
    ),
    # FORMATS.md 3: the table's id is its database's row number, not the PBX's (a table migrated
    # or re-imported renumbers it); the CDR is its uniqueid + sequence with the dialled channel and
    # calldate, duration, billsec (answer and end follow from them) and disposition, as in cdr_csv.
    identity=RecordIdentity(
        fields=(
            "uniqueid",
            "sequence",
            "channel",
            "dstchannel",
            "calldate",
            "duration",
            "billsec",
            "disposition",
        ),
        reason=(
            "the CDR as in cdr_csv (uniqueid + sequence, dialled channel, calldate, duration, billsec, "
            "disposition); not id, the database's row number, which a re-import renumbers"
        ),
    ),
)
