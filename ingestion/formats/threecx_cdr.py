"""3CX CDR CSV: configurable fields (27 by default), no header, UTF-8 BOM possible, trailing comma."""

from __future__ import annotations

from ingestion.formats.checks import SLASH_SECONDS, DateTime, Duration, DurationUnit, Validation
from ingestion.formats.definition import Delimited, FormatDefinition, Signature, TimeBase
from ingestion.formats.identity import RecordIdentity
from ingestion.formats.patterns import SLASH_DATETIME

THREECX_CDR = FormatDefinition(
    name="threecx_cdr",
    vendor="3CX",
    description=(
        "CDR output (file or TCP); 3CX field names with '-' written as '_' (time-start -> time_start); "
        "order configurable per source"
    ),
    columns=(
        "historyid",
        "callid",
        "duration",
        "time_start",
        "time_answered",
        "time_end",
        "reason_terminated",
        "from_no",
        "to_no",
        "from_dn",
        "to_dn",
        "dial_no",
        "reason_changed",
        "final_number",
        "final_dn",
        "bill_code",
        "bill_rate",
        "bill_cost",
        "bill_name",
        "chain",
        "from_type",
        "to_type",
        "final_type",
        "from_dispname",
        "to_dispname",
        "final_dispname",
        "missed_queue_calls",
    ),
    layout=Delimited(min_columns=6, trailing_delimiter=True, configurable_columns=True),
    time_base=TimeBase.LOCAL_WALL_CLOCK,
    duration_unit="HH:MM:SS, empty when unanswered",
    leg_link="one row per call; transfers in reason_changed, final_number/final_dn and chain",
    signature=Signature(
        field_patterns={
            "historyid": r"(?:Call )?\d+",
            "duration": r"(?:\d{2}:\d{2}:\d{2})?",
            "time_start": SLASH_DATETIME,
            "reason_terminated": r"[A-Za-z_]+",
        }
    ),
    validation=Validation(
        required=("callid",),
        checks=(
            DateTime("time_start", (SLASH_SECONDS,)),
            DateTime("time_answered", (SLASH_SECONDS,), optional=True),
            DateTime("time_end", (SLASH_SECONDS,)),
            Duration("duration", DurationUnit.HH_MM_SS, optional=True),  # empty when unanswered
        ),
        free_text=("from_dispname", "to_dispname", "final_dispname", "bill_name", "chain"),
    ),
    # FORMATS.md 16: one row per call, named by historyid and callid; start and end keep apart rows
    # whose ids a re-installed 3CX numbers again.
    identity=RecordIdentity(
        fields=("historyid", "callid", "time_start", "time_end"),
        reason="historyid + callid (one row per call) with its start and end",
    ),
)
