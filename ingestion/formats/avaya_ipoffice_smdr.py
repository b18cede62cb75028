"""Avaya IP Office SMDR: unquoted CSV, 17 fields (old releases), 30 (later), 35 (R11).

A transferred call is several records with the same call_id; continuation = 1
says more records of that call follow, 0 that this is the last.
"""

from __future__ import annotations

from ingestion.formats.checks import SLASH_SECONDS, DateTime, Duration, DurationUnit, Shape, Validation
from ingestion.formats.definition import Delimited, FormatDefinition, Signature, TimeBase
from ingestion.formats.identity import RecordIdentity
from ingestion.formats.patterns import HMS, SECONDS, SLASH_DATETIME

AVAYA_IPOFFICE_SMDR = FormatDefinition(
    name="avaya_ipoffice_smdr",
    vendor="Avaya IP Office",
    description="SMDR CSV over TCP (IP Office is the client); 17, 30 or 35 fields by release",
    columns=(
        "call_start",
        "connected_time",
        "ring_time",
        "caller",
        "direction",
        "called_number",
        "dialled_number",
        "account",
        "is_internal",
        "call_id",
        "continuation",
        "party1_device",
        "party1_name",
        "party2_device",
        "party2_name",
        "hold_time",
        "park_time",
        "auth_valid",
        "auth_code",
        "user_charged",
        "call_charge",
        "currency",
        "amount_at_last_user_change",
        "call_units",
        "units_at_last_user_change",
        "cost_per_unit",
        "mark_up",
        "external_targeting_cause",
        "external_targeter_id",
        "external_targeted_number",
        "calling_party_server_ip",
        "unique_call_id_for_caller_ext",
        "called_party_server_ip",
        "unique_call_id_for_called_ext",
        "smdr_record_time",
    ),
    layout=Delimited(min_columns=17, quote=""),
    time_base=TimeBase.LOCAL_WALL_CLOCK,
    duration_unit="connected_time HH:MM:SS (talk only); ring_time, hold_time, park_time in seconds",
    leg_link="records of one call share call_id; continuation 1 = more follow, 0 = last",
    signature=Signature(
        field_patterns={
            "call_start": SLASH_DATETIME,
            "connected_time": HMS,
            "ring_time": SECONDS,
            "direction": "I|O",
            "continuation": "0|1",
        }
    ),
    validation=Validation(
        checks=(
            DateTime("call_start", (SLASH_SECONDS,)),
            Duration("connected_time", DurationUnit.HH_MM_SS),
            Duration("ring_time"),
            Shape("direction", "I|O", "I (inbound) or O (outbound)", optional=False),
            Shape("call_id", r"[0-9]{1,18}", "a whole number", optional=False),
            Shape("continuation", "0|1", "0 (last record of the call) or 1 (more follow)", optional=False),
            Duration("hold_time"),
            Duration("park_time"),
        ),
        free_text=("party1_name", "party2_name"),
    ),
    # FORMATS.md 7: Call ID is shared by every segment of a call and Call Start is identical on
    # all of them; a segment is told apart by its parties, continuation and durations (R11 adds
    # the record's own UTC time).
    identity=RecordIdentity(
        fields=(
            "call_id",
            "call_start",
            "continuation",
            "party1_device",
            "party2_device",
            "connected_time",
            "ring_time",
            "hold_time",
            "park_time",
            "smdr_record_time",
        ),
        reason=(
            "call id + call start + the segment's continuation, parties and ring/connected/hold/park "
            "times (+ the R11 SMDR record time): every segment of a call carries its call id and start"
        ),
    ),
)
