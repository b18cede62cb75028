"""FreeSWITCH ``mod_cdr_csv`` Master.csv with the shipped ``example`` template (15 fields).

The template is configurable per source; spreadsheet round-trips strip the quotes
and rewrite stamps as ``2020/2/10 22:41``: the raw table keeps them as written.
"""

from __future__ import annotations

from ingestion.formats.checks import ISO_SECONDS, SLASH_MINUTES, DateTime, Duration, Validation
from ingestion.formats.definition import Delimited, FormatDefinition, Signature, TimeBase
from ingestion.formats.identity import RecordIdentity
from ingestion.formats.patterns import ISO_DATETIME, SECONDS, SLASH_DATETIME

STAMPS = (ISO_SECONDS, SLASH_MINUTES)

FREESWITCH_CDR_CSV = FormatDefinition(
    name="freeswitch_cdr_csv",
    vendor="FreeSWITCH",
    description="mod_cdr_csv Master.csv, example template (13 fields in the compiled-in fallback)",
    columns=(
        "caller_id_name",
        "caller_id_number",
        "destination_number",
        "context",
        "start_stamp",
        "answer_stamp",
        "end_stamp",
        "duration",
        "billsec",
        "hangup_cause",
        "uuid",
        "bleg_uuid",
        "accountcode",
        "read_codec",
        "write_codec",
    ),
    layout=Delimited(min_columns=13, configurable_columns=True),
    time_base=TimeBase.LOCAL_WALL_CLOCK,
    duration_unit="seconds (duration = start to end, billsec = answer to end)",
    leg_link="one row per A-leg; the B-leg only through bleg_uuid",
    signature=Signature(
        field_patterns={
            "start_stamp": f"{ISO_DATETIME}|{SLASH_DATETIME}",
            "duration": SECONDS,
            "billsec": SECONDS,
            "hangup_cause": r"[A-Z_]+",
            "uuid": r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        }
    ),
    validation=Validation(
        required=("uuid",),
        checks=(
            # as written, or after a spreadsheet round-trip (no seconds)
            DateTime("start_stamp", STAMPS),
            DateTime("answer_stamp", STAMPS, optional=True),
            DateTime("end_stamp", STAMPS),
            Duration("duration"),
            Duration("billsec"),
        ),
        free_text=("caller_id_name",),
    ),
    # FORMATS.md 17: one row per leg (legs=a: A-legs), uuid the leg's own UUID. The stamps are left
    # out: a spreadsheet round-trip rewrites them. The kxingyunliushui sample holds one uuid three
    # times (once with another hangup cause): one leg hangs up once.
    identity=RecordIdentity(
        fields=("uuid",),
        reason="uuid, the leg's own UUID (not the stamps: a spreadsheet round-trip rewrites them)",
    ),
)
