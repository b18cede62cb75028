"""Grandstream UCM CDR: the web CSV export (header by name) and the ``cdrapi`` JSON records.

In the API a multi-leg call is ``{main_cdr: {...totals}, sub_cdr_1: {...}, ...}``
while a single-leg call is one flat object; each becomes raw rows tagged with
``cdr_part`` (``main_cdr``, ``sub_cdr_N`` or empty for a flat record).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TypedDict

from ingestion.formats.asterisk_cdr_csv import ASTERISK_CDR_COLUMNS, ASTERISK_DISPOSITIONS
from ingestion.formats.checks import ISO_SECONDS, DateTime, Duration, Validation
from ingestion.formats.definition import (
    Delimited,
    FormatDefinition,
    Framed,
    Header,
    RecordError,
    Signature,
    TimeBase,
)
from ingestion.formats.framing import lines
from ingestion.formats.identity import RecordIdentity
from ingestion.formats.patterns import ISO_DATETIME, SECONDS

UCM_COLUMNS = (
    "AcctId",
    # Asterisk's own CDR fields, in cdr_csv order (accountcode … userfield)
    *ASTERISK_CDR_COLUMNS[: ASTERISK_CDR_COLUMNS.index("userfield") + 1],
    "channel_ext",
    "dstchannel_ext",
    "service",
    "caller_name",
    "recordfiles",
    "dstanswer",
    "chanext",
    "dstchanext",
    "session",
    "action_owner",
    "action_type",
    "src_trunk_name",
    "dst_trunk_name",
    "nat_call",
    "nat_call_peer",
    "video_call",
    "gdms_unique_code",
    "gds_call",
    "gsc_call",
    "wave_src_seqid",
    "wave_dst_seqid",
    "device_info",
    "device_info_peer",
    "recordfiles_desc",
)
# A multi-leg call's main_cdr holds totals only: no answer, no end, no disposition.
_VALIDATION = Validation(
    required=("session",),
    checks=(
        DateTime("start", (ISO_SECONDS,)),
        DateTime("answer", (ISO_SECONDS,), optional=True),
        DateTime("end", (ISO_SECONDS,), optional=True),
        Duration("duration"),
        Duration("billsec"),
        replace(ASTERISK_DISPOSITIONS, optional=True),
    ),
    free_text=("clid", "caller_name", "recordfiles_desc"),
)


class _Common(TypedDict):
    """The fields both Grandstream formats share (keyword arguments of FormatDefinition)."""

    validation: Validation
    time_base: TimeBase
    duration_unit: str
    leg_link: str


_COMMON: _Common = {
    "validation": _VALIDATION,
    "time_base": TimeBase.LOCAL_WALL_CLOCK,
    "duration_unit": "seconds (duration = start to end, billsec = answer to end)",
    "leg_link": "legs of one call share session; API main_cdr holds the call's totals",
}
_FIELDS = {"start": ISO_DATETIME, "duration": SECONDS, "billsec": SECONDS}
# FORMATS.md 15: session groups the legs of a call and a ring group writes one sub-CDR per phone,
# all in one session: a CDR is its session + AcctId (empty on main_cdr) + Asterisk's own CDR key.
_CDR_KEY = ("session", "AcctId", "uniqueid", "channel", "dstchannel", "start", "answer", "end", "disposition")
_REASON = (
    "session + AcctId + uniqueid, dialled channel, start/answer/end and disposition: one session "
    "holds every leg of a call, one sub-CDR per ringing phone"
)


def parse_api_record(text: str) -> list[dict[str, str | None]]:
    """One JSON line of ``cdrapi`` output -> one row per CDR it holds (flat, or main + subs)."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(f"not JSON at character {exc.pos}: {exc.msg}") from exc
    if not isinstance(record, dict):
        raise RecordError(f"expected a JSON object, got {type(record).__name__}")
    parts = {k: v for k, v in record.items() if k == "main_cdr" or k.startswith("sub_cdr")}
    if not parts:
        parts = {"": record}
    rows = []
    for part, cdr in parts.items():
        if not isinstance(cdr, dict):
            raise RecordError(f"field {part!r}: expected a CDR object, got {type(cdr).__name__}")
        row = {name: _text(cdr.get(name)) for name in UCM_COLUMNS}
        row["cdr_part"] = part
        rows.append(row)
    return rows


def _text(value: object) -> str | None:
    return None if value is None else value if isinstance(value, str) else json.dumps(value)


GRANDSTREAM_UCM_CSV = FormatDefinition(
    name="grandstream_ucm_csv",
    vendor="Grandstream UCM61xx/62xx/63xx",
    description="CDR CSV export from the web UI; columns by header name (32 -> 43 by firmware)",
    columns=UCM_COLUMNS,
    layout=Delimited(min_columns=20, header=Header.REQUIRED),
    signature=Signature(field_patterns=_FIELDS, header_names=frozenset({"AcctId", "session", "action_type"})),
    identity=RecordIdentity(fields=_CDR_KEY, reason=_REASON),
    **_COMMON,
)

GRANDSTREAM_UCM_API = FormatDefinition(
    name="grandstream_ucm_api",
    vendor="Grandstream UCM61xx/62xx/63xx",
    description="cdrapi JSON, one record per line; main_cdr + sub_cdr_N for multi-leg calls",
    columns=(*UCM_COLUMNS, "cdr_part"),
    layout=Framed(frames=lines, parse=parse_api_record, description="JSON lines, main/sub CDR nesting"),
    signature=Signature(line_pattern=r'\{.*"(?:main_cdr|AcctId)".*\}'),
    identity=RecordIdentity(fields=(*_CDR_KEY, "cdr_part"), reason=_REASON + "; cdr_part: main or sub_cdr_N"),
    **_COMMON,
)
