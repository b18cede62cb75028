"""NEC NEAX / UNIVERGE SV8500-SV9500 SMDR: STX ... ETX frames, ``0!`` + record type + body.

Flexible-format records (KK outgoing, KL incoming, KM station-to-station) are a
chain of sections ``kind(2) length(2) payload``; optional sections may be absent,
so the chain is walked rather than cut at fixed offsets. The length field does
not always count the payload alone (number sections carry a 3-digit fusion
point code on top, some sections count the length digits themselves), so the
walker accepts those readings and keeps the one that consumes the record
exactly, with section kinds ascending; a last section shorter than its
length (seen in KL records) is kept as written. Normal and extended formats (KA, KB, KE,
KH, KI, KJ) are fixed offsets: their body is kept whole for staging to cut.
"""

from __future__ import annotations

from ingestion.formats.checks import DateTime, TimeLayout, Validation
from ingestion.formats.definition import FormatDefinition, Framed, RecordError, Signature, TimeBase
from ingestion.formats.framing import stx_etx_frames
from ingestion.formats.identity import RecordIdentity

FLEXIBLE_TYPES = {"KK", "KL", "KM"}
FIXED_TYPES = {"KA", "KB", "KE", "KH", "KI", "KJ"}
SECTION_KINDS = tuple(f"{kind:02d}" for kind in range(1, 20))
SECTION_NAMES = {
    "01": "trunk",
    "02": "calling_physical",
    "03": "calling_number",
    "04": "called_physical",
    "05": "called_number",
    "06": "start_end_time",
    "07": "account_code",
    "08": "condition_b",
    "09": "route",
    "10": "dial_code",
    "11": "office_code",
    "12": "authorization_code",
    "13": "condition_c_billing",
    "14": "condition_d",
    "15": "department_code",
    "16": "calling_station_number",
    "17": "converted_number",
    "18": "ma_id",
    "19": "trunk_received_time",
}
# Payload lengths to try for a length field L: as stated, + fusion point code, L counting itself.
_LENGTH_READINGS = (0, 3, -1, 1)


def section_column(kind: str) -> str:
    return f"s{kind}_{SECTION_NAMES[kind]}"


def walk_sections(chain: str) -> dict[str, str]:
    """Split a flexible record's section chain into {kind: payload}; RecordError if it does not fit."""
    found = _walk(chain, 0, "00")
    if found is None:
        raise RecordError(f"section chain does not parse (kind(2) length(2) payload...): {chain[:40]!r}")
    return dict(found)


def _walk(chain: str, at: int, previous: str) -> list[tuple[str, str]] | None:
    if at == len(chain):
        return []
    kind, length = chain[at : at + 2], chain[at + 2 : at + 4]
    if kind not in SECTION_KINDS or kind <= previous or not length.isdigit():
        return None
    for extra in _LENGTH_READINGS:
        size = int(length) + extra
        end = at + 4 + size
        if size < 0:
            continue
        if end > len(chain):  # a last section shorter than stated is kept as written
            end = len(chain) if extra == 0 and at + 4 < len(chain) else -1
        if end < 0:
            continue
        rest = _walk(chain, end, kind)
        if rest is not None:
            return [(kind, chain[at + 4 : end]), *rest]
    return None


def parse_record(text: str) -> list[dict[str, str | None]]:
    """One frame's text -> one raw row: record type, body as written, flexible sections."""
    if not text.startswith("0!") or len(text) < 4:
        raise RecordError(f"record header: expected '0!' and a 2-letter record type, got {text[:4]!r}")
    record_type, body = text[2:4], text[4:]
    row: dict[str, str | None] = {"record_type": record_type, "body": body}
    row.update({section_column(kind): None for kind in SECTION_KINDS})
    if record_type in FLEXIBLE_TYPES:
        for kind, payload in walk_sections(body).items():
            row[section_column(kind)] = payload
    elif record_type not in FIXED_TYPES:
        raise RecordError(
            f"record type: expected one of {sorted(FLEXIBLE_TYPES | FIXED_TYPES)}, got {record_type!r}"
        )
    return [row]


_FLEXIBLE = "record_type IN ('KK', 'KL', 'KM')"
_MILLISECONDS = TimeLayout("%Y%m%d%H%M%S%g", "YYYYMMDDhhmmss and 3 digits of milliseconds")
_SECONDS = TimeLayout("%Y%m%d%H%M%S", "MMDDhhmmss with its 2-digit year at offset 112")
# The fixed-offset times as staging cuts them: start MMDDhhmmss at 16, end at 26, years at 112 and 114.
_FIXED_START = "'20' || substr({v}, 112, 2) || substr({v}, 16, 10)"
_FIXED_END = (
    "'20' || coalesce(nullif(trim(substr({v}, 114, 2)), ''), substr({v}, 112, 2)) || substr({v}, 26, 10)"
)
VALIDATION = Validation(
    checks=(
        DateTime("s06_start_end_time", (_MILLISECONDS,), sql="substr({v}, 1, 17)", when=_FLEXIBLE),
        DateTime("s06_start_end_time", (_MILLISECONDS,), sql="substr({v}, 18, 17)", when=_FLEXIBLE),
        DateTime("body", (_SECONDS,), sql=_FIXED_START, when=f"NOT {_FLEXIBLE}"),
        DateTime("body", (_SECONDS,), sql=_FIXED_END, when=f"NOT {_FLEXIBLE}"),
    ),
)

NEC_SMDR = FormatDefinition(
    name="nec_smdr",
    vendor="NEC NEAX / UNIVERGE SV8500-SV9500",
    description="SMDR, STX/ETX framed; flexible sections (KK/KL/KM), normal/extended bodies kept whole",
    columns=("record_type", "body", *(section_column(kind) for kind in SECTION_KINDS)),
    layout=Framed(frames=stx_etx_frames, parse=parse_record, description="STX/ETX, section chain"),
    time_base=TimeBase.LOCAL_WALL_CLOCK,
    duration_unit="none written: end - start (flexible: YYYYMMDDhhmmss + milliseconds each)",
    leg_link="no call id: transfers flagged per record in condition codes (section 08)",
    signature=Signature(line_pattern=r"\x020!K[A-M].*"),
    validation=VALIDATION,
    # FORMATS.md 11a: no call id (transfers are condition codes); every record carries its start and
    # end with their years (flexible: to the millisecond): the record as written is its identity.
    identity=RecordIdentity(
        fields=("record_type", "body"),
        reason="no id is written: the frame's record type and body as written (start and end with years)",
    ),
)
