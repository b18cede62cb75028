"""A sample of a source's records, read with its format's reader into a throwaway in-memory DuckDB.

For ``ringledger check``: of the sampled records, how many are external legs, how many of those
the site's trunks match (``ingestion.config.trunk_matching``, the warehouse's rule), and how many
internal parties are extensions the directory knows. ``LEGS`` says, per format, which raw fields
hold the canonical leg's endpoints, extensions and numbers, exactly as the format's leg model
(``dbt_project/models/intermediate/legs/int_<format>__legs.sql`` over its staging model) reads
them; ``classify`` then decides as ``int_call_legs_staged`` (trunk, extension) and
``int_call_legs_off_trunk`` (external without a configured trunk) do.
``tests/dbt_project/test_formats_calls_end_to_end.py`` compares both, record by record, on every
format's sample.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from ingestion.config.company import Site, Source, trunk_patterns
from ingestion.config.trunk_matching import TrunkPattern, matching_trunk
from ingestion.formats import FORMATS, compression
from ingestion.raw.load import stage_file
from ingestion.raw.readers import BAD, STAGED
from ingestion.raw.validation import SourceRules

SAMPLE_FILES = 3
SAMPLE_RECORDS = 500  # per file
EXAMPLES = 3
MAX_EXTENSION_DIGITS = 6  # without internal_ranges, a number of up to 6 digits is an extension

Record = dict[str, str | None]
Get = Callable[[Record], str | None]
NO_TRUNK = {"cisco_cucm_cmr": "CMRs are voice-quality reports of one endpoint: they name no trunk"}


@dataclass(frozen=True)
class Leg:
    """The canonical leg columns that decide trunk, extension and whether the leg is external."""

    from_endpoint: str | None
    to_endpoint: str | None
    from_extension: str | None
    to_extension: str | None
    caller_number: str | None
    called_number: str | None
    to_is_external: bool = False


@dataclass(frozen=True)
class Sides:
    """Where a format's raw record holds each ``Leg`` column (a getter per column).

    ``trunk_fields``: the endpoints hold only trunk or line names (never an extension), so a
    named one makes the leg external. ``internal_channel``: whether an endpoint is a channel inside
    the PBX (an Asterisk Local channel half), neither trunk nor phone: on a leg with one, only a
    trunk makes it external. ``is_leg``: records the leg model keeps (summaries and pickups are
    not legs); ``once_by``: a field whose value counts once per source (first wins).
    """

    from_endpoint: Get
    to_endpoint: Get
    from_extension: Get
    to_extension: Get
    caller_number: Get
    called_number: Get
    trunk_fields: bool = False
    internal_channel: Callable[[str | None], bool] | None = None
    is_leg: Callable[[Record], bool] = lambda r: True
    once_by: str | None = None


def f(name: str) -> Get:
    """A raw field, empty as None (SQL ``nullif(field, '')``)."""
    return lambda r: r.get(name) or None


def first(*gets: Get) -> Get:
    """SQL ``coalesce``."""
    return lambda r: next((v for g in gets if (v := g(r)) is not None), None)


Test = Callable[[Record], bool | None]  # None: SQL null (neither true nor false)


def cases(*branches: tuple[Test, Get], otherwise: Get | None = None) -> Get:
    """SQL ``case when t1 then g1 when t2 then g2 … else otherwise end`` (a null test is not true)."""

    def get(r: Record) -> str | None:
        for test, value in branches:
            if test(r):
                return value(r)
        return otherwise(r) if otherwise else None

    return get


def when(test: Test, get: Get) -> Get:
    """SQL ``case when test then get end``."""
    return cases((test, get))


def is_not(test: Test) -> Test:
    """SQL ``not test`` (null stays null)."""
    return lambda r: None if (v := test(r)) is None else not v


def upper_in(name: str, values: tuple[str, ...]) -> Test:
    """SQL ``upper(field) in (values)``, null when the field is."""
    return lambda r: None if (v := r.get(name)) is None else v.upper() in values


def starts(name: str, prefix: str) -> Test:
    """SQL ``field like 'prefix%'``."""
    return lambda r: None if (v := r.get(name)) is None else v.startswith(prefix)


def contains(name: str, text: str) -> Test:
    """SQL ``field like '%text%'``."""
    return lambda r: None if (v := r.get(name)) is None else text in v


def extract(name: str, pattern: str) -> Get:
    """DuckDB ``nullif(regexp_extract(field, pattern, 1), '')``."""
    return lambda r: (m.group(1) or None) if (m := re.search(pattern, r.get(name) or "")) else None


def peer(name: str) -> Get:
    """As dbt's asterisk_channel_endpoint: 'SIP/101-0000001a' -> '101'; a Local channel half has none."""
    return extract(name, r"^[^/]+/(.+)-[0-9a-fA-F]+$")


_INTERNAL_PAIR_HALF = re.compile(r"^[^/]+/.+-[0-9a-fA-F]+;[12]$")


def asterisk_internal_channel(channel: str | None) -> bool:
    """As dbt's asterisk_internal_channel: one half of a channel pair inside Asterisk.

    'Local/ch1@TimeDelay-00000003;2': dialling Local/exten@context dials back into the PBX's own
    dialplan; Asterisk makes two channels, ';1' connected to the channel that dialled and ';2'
    running the dialplan at exten@context (main/core_unreal.c names every such pair
    '<type>/<name>-<seq>;1' and ';2'). Neither a trunk nor an extension's phone.
    """
    return bool(_INTERNAL_PAIR_HALF.match(channel or ""))


def _asterisk(is_leg: Callable[[Record], bool] = lambda r: True) -> Sides:
    return Sides(
        f("channel"),
        f("dstchannel"),
        peer("channel"),
        peer("dstchannel"),
        f("src"),
        f("dst"),
        internal_channel=asterisk_internal_channel,
        is_leg=is_leg,
    )


def _asterisk_db_call(r: Record) -> bool:
    """stg_asterisk_cdr_db__legs.is_call_record: calldate a valid time and a linkedid or uniqueid."""
    try:
        datetime.strptime(r.get("calldate") or "", "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return False
    return bool(r.get("linkedid") or r.get("uniqueid"))


# IP Office: party 2 a trunk line 'T…' named '<line>.<channel>', or an extension 'E…'; party 1 internal
_IPO_IN = upper_in("direction", ("I",))
_IPO_LINE = when(starts("party2_device", "T"), extract("party2_name", r"^(.*)\.[0-9]+$"))
_IPO_P1 = when(starts("party1_device", "E"), lambda r: (r.get("party1_device") or "")[1:])
_IPO_P2 = when(starts("party2_device", "E"), lambda r: (r.get("party2_device") or "")[1:])

_GRANDSTREAM = Sides(
    f("src_trunk_name"),
    f("dst_trunk_name"),
    f("channel_ext"),
    f("dstchannel_ext"),
    f("src"),
    f("dst"),
    trunk_fields=True,
    is_leg=lambda r: r.get("cdr_part") != "main_cdr" and r.get("lastapp") != "ParkedCall",
)

# Mitel 5000: IN and RG come in on the trunk; LOC, TLC, TLD go out on it
_M5K_IN = upper_in("call_type", ("IN", "RG"))


# Avaya CM condition codes: 9 incoming, 7 (ARS/AAR) and A (trunk access code) outgoing, others on the switch
def _cm_kind(r: Record) -> str:
    """stg_avaya_cm_cdr__legs.record_kind (never null: no condition code is on the switch)."""
    code = (r.get("condition_code") or "").upper()
    return "incoming" if code == "9" else "outgoing" if code in ("7", "A") else "intraswitch"


def _cm_in(r: Record) -> bool:
    return _cm_kind(r) == "incoming"


def _cm_out(r: Record) -> bool:
    return _cm_kind(r) == "outgoing"


# Panasonic dial number: '<I>' incoming (caller after it), '<D>' the DID, 'EXTnnn' intercom, '-' a transfer
_PANA_IN = contains("dial_number", "<I>")
_PANA_INTERCOM = starts("dial_number", "EXT")
_PANA_CALLED = cases(
    (_PANA_IN, first(extract("dial_number", r"<D>([0-9*#]+)"), f("ext"))),
    (_PANA_INTERCOM, lambda r: (r.get("dial_number") or "")[3:]),
    otherwise=lambda r: None if (v := r.get("dial_number")) is None else v.split("-")[0],
)


def _outside_written(number: str | None) -> bool:
    return bool(re.fullmatch(r"\+?[0-9]+", number or ""))


def _threecx(r: Record) -> Leg:
    """stg_threecx_cdr__legs: the parties at the end of the call (final_dn/final_number replace one side)."""
    src_replaced = r.get("reason_changed") == "ReplacedSrc"
    final_dn, final_number = r.get("final_dn") or None, r.get("final_number") or None
    from_dn = final_dn if src_replaced and final_dn else r.get("from_dn")
    to_dn = final_dn if not src_replaced and final_dn else r.get("to_dn")
    to_number = final_number if not src_replaced and final_number else r.get("to_no")
    caller = final_number if src_replaced and final_number else r.get("from_no")
    called = (
        final_number if not src_replaced and final_number else (r.get("dial_no") or None) or r.get("to_no")
    )

    def extension(dn: str | None, is_external: bool) -> str | None:
        return dn if re.fullmatch(r"[0-9]+", dn or "") and not is_external else None

    return Leg(
        from_dn,
        to_dn,
        extension(from_dn, _outside_written(caller)),
        extension(to_dn, _outside_written(to_number)),
        caller,
        called,
        _outside_written(to_number),
    )


def _cut(text: str | None, start: int, length: int | None = None, trim: bool = True) -> str | None:
    """SQL ``nullif([trim](substr(text, start, length)), '')``."""
    if text is None:
        return None
    part = text[start - 1 : None if length is None else start - 1 + length]
    return (part.strip() if trim else part) or None


def _nec(r: Record) -> Leg:
    """stg_nec_smdr__legs: flexible records by section, normal and extended by offset in the body."""
    kind = r.get("record_type") or ""
    incoming, outgoing = kind in ("KE", "KI", "KL"), kind in ("KA", "KH", "KK")
    if kind in ("KK", "KL", "KM"):
        route = _cut(r.get("s01_trunk"), 1, 3, trim=False)
        calling = _cut(r.get("s03_calling_number"), 4, trim=False)
        called_party = _cut(r.get("s05_called_number"), 4, trim=False)
        dial_code, station = r.get("s10_dial_code") or None, r.get("s16_calling_station_number") or None
    else:
        body, station = r.get("body"), None
        route = _cut(body, 1, 3) if incoming or outgoing else None
        calling = None if incoming else _cut(body, 10, 6)
        called_party = _cut(body, 10, 6) if incoming else None if outgoing else _cut(body, 60, 6)
        dial_code = _cut(body, 58, 24) if outgoing else None
    return Leg(
        route if incoming else None,
        route if outgoing else None,
        calling,
        called_party,
        station if incoming else calling,
        dial_code if outgoing else called_party,
    )


@dataclass(frozen=True)
class Computed:
    """A format whose leg columns need a few lines of code (as its staging model computes them)."""

    leg: Callable[[Record], Leg]
    trunk_fields: bool = False  # as Sides.trunk_fields


LEGS: dict[str, Sides | Computed] = {
    "asterisk_cdr_csv": _asterisk(),
    "asterisk_cdr_custom": _asterisk(),
    "asterisk_cdr_db": _asterisk(_asterisk_db_call),
    "cisco_cucm_cdr": Sides(
        f("origDeviceName"),
        f("destDeviceName"),
        f("callingPartyNumber"),
        f("finalCalledPartyNumber"),
        f("callingPartyNumber"),
        f("originalCalledPartyNumber"),
    ),
    "avaya_ipoffice_smdr": Sides(
        when(_IPO_IN, _IPO_LINE),
        when(is_not(_IPO_IN), _IPO_LINE),
        when(is_not(_IPO_IN), _IPO_P1),
        cases((_IPO_IN, _IPO_P1), otherwise=_IPO_P2),
        f("caller"),
        f("called_number"),
        trunk_fields=True,
    ),
    "avaya_cm_cdr": Sides(
        when(_cm_in, first(f("access_code_used"), f("incoming_circuit_id"))),
        when(_cm_out, first(f("access_code_used"), f("access_code_dialed"))),
        f("calling_number"),
        when(is_not(_cm_out), f("dialed_number")),
        f("calling_number"),
        f("dialed_number"),
        trunk_fields=True,
    ),
    "mitel_mivb_smdr": Sides(
        f("calling_party"),
        f("called_party"),
        f("calling_party"),
        f("called_party"),
        f("calling_party"),
        first(f("digits_dialed"), f("called_party")),
    ),
    "mitel_5000_smdr": Sides(
        when(_M5K_IN, f("trunk")),
        when(is_not(_M5K_IN), f("trunk")),
        when(is_not(_M5K_IN), f("extension")),
        when(_M5K_IN, f("extension")),
        cases((_M5K_IN, f("digits")), otherwise=f("extension")),
        cases((_M5K_IN, f("extension")), otherwise=f("digits")),
        trunk_fields=True,
    ),
    "freeswitch_cdr_csv": Sides(
        f("context"),
        lambda r: None,
        f("caller_id_number"),
        f("destination_number"),
        f("caller_id_number"),
        f("destination_number"),
        once_by="uuid",
    ),
    "grandstream_ucm_csv": _GRANDSTREAM,
    "grandstream_ucm_api": _GRANDSTREAM,
    "panasonic_smdr": Sides(
        when(_PANA_IN, f("co")),
        when(is_not(_PANA_IN), f("co")),
        when(is_not(_PANA_IN), f("ext")),
        cases((_PANA_IN, f("ext")), (_PANA_INTERCOM, _PANA_CALLED)),
        cases((_PANA_IN, extract("dial_number", r"<I>(.*)$")), otherwise=f("ext")),
        _PANA_CALLED,
        trunk_fields=True,
    ),
    "nec_smdr": Computed(_nec, trunk_fields=True),
    "threecx_cdr": Computed(_threecx),
}
# formats whose endpoints name only trunks (dbt: trunk_named_formats() in macros/off_trunk.sql)
TRUNK_NAMED_FORMATS = frozenset(name for name, sides in LEGS.items() if sides.trunk_fields)
# formats whose endpoints may be a channel inside the PBX (dbt: internal_channel_formats(), same file)
INTERNAL_CHANNEL_FORMATS = frozenset(
    name for name, sides in LEGS.items() if isinstance(sides, Sides) and sides.internal_channel
)


def has_internal_channel(pbx_format: str, leg: Leg) -> bool:
    """Whether a side of the leg is a channel inside the PBX (dbt: leg_has_internal_channel)."""
    sides = LEGS.get(pbx_format)
    test = sides.internal_channel if isinstance(sides, Sides) else None
    return bool(test and (test(leg.from_endpoint) or test(leg.to_endpoint)))


@dataclass(frozen=True)
class Classified:
    """One sampled leg as the warehouse will see it."""

    record_no: int
    record_part: str | None
    leg: Leg
    trunk_id: str | None
    extension: str | None
    external: bool


def classify(
    pbx_format: str, leg: Leg, patterns: list[TrunkPattern], internal: Callable[[str], bool]
) -> tuple[str | None, str | None, bool]:
    """(trunk id, extension, external) of a leg: int_call_legs_staged and int_call_legs_off_trunk."""
    trunk_in, trunk_out = (
        matching_trunk(patterns, leg.from_endpoint),
        matching_trunk(patterns, leg.to_endpoint),
    )
    trunk_id = trunk_in or trunk_out
    extension = leg.to_extension if trunk_in else leg.from_extension
    if pbx_format in TRUNK_NAMED_FORMATS:  # the PBX names the trunk: the name decides
        outside = bool(leg.from_endpoint or leg.to_endpoint)
    elif has_internal_channel(pbx_format, leg):  # one side is the PBX's own dialplan: the numbers
        outside = False  # are the whole call's (a Local half passes on the caller ID), only a trunk decides
    else:  # the endpoints may be phones: an outside number decides
        outside = any(
            bool(n and re.fullmatch(r"\+?[0-9]+", n) and not internal(n))
            for n in (leg.caller_number, leg.called_number)
        )
    return trunk_id, extension, trunk_id is not None or leg.to_is_external or outside


def legs_of(pbx_format: str, record: Record) -> Leg | None:
    """The record's canonical leg, or None when its leg model keeps no leg of it."""
    sides = LEGS[pbx_format]
    if isinstance(sides, Computed):
        return sides.leg(record)
    if not sides.is_leg(record):
        return None
    return Leg(
        sides.from_endpoint(record),
        sides.to_endpoint(record),
        sides.from_extension(record),
        sides.to_extension(record),
        sides.caller_number(record),
        sides.called_number(record),
    )


@dataclass
class SampleResult:
    files: int = 0
    records: int = 0
    quarantined: int = 0
    first_problems: list[str] = field(default_factory=list)
    measured: bool = False  # the format's legs are described in LEGS
    no_trunk: str = ""  # why the format has no trunk to measure (Cisco CMR)
    legs: int = 0
    external: int = 0
    trunk_matched: int = 0
    unmatched_endpoints: list[str] = field(default_factory=list)
    with_extension: int = 0
    extension_in_directory: int = 0
    unknown_extensions: list[str] = field(default_factory=list)

    @property
    def unmatched(self) -> int:
        return self.external - self.trunk_matched


def internal_number(site: Site) -> Callable[[str], bool]:
    """Whether a number is one of the site's extensions (its internal_ranges; else up to 6 digits)."""
    ranges = []
    for text in site.dial_plan.internal_ranges:
        low, _, high = text.partition("-")
        if low.isdigit() and (high or low).isdigit():
            ranges.append((len(low), int(low), int(high or low)))

    def internal(number: str) -> bool:
        if not number.isdigit():
            return False
        if not ranges:
            return len(number) <= MAX_EXTENSION_DIGITS
        return any(len(number) == width and low <= int(number) <= high for width, low, high in ranges)

    return internal


def _rules(source: Source) -> SourceRules:
    """The validation the raw load applies to this source (as orchestration/defs/ingest.py builds it)."""
    return SourceRules(source.max_call_seconds, source.date_format)


def read_records(
    source: Source, path: Path, result: SampleResult, limit: int = SAMPLE_RECORDS
) -> list[tuple[int, Record]]:
    """The file's first ``limit`` records as the raw load stages them, with their record numbers."""
    fmt = FORMATS[source.format]
    con = duckdb.connect()
    try:
        with compression.decompressed_copy(path) as readable:
            stage_file(con, fmt, readable, source.encoding, source.columns or None, _rules(source))
        columns = list(fmt.columns)
        quoted = ", ".join(f'"{c}"' for c in columns)
        rows = con.execute(
            f"SELECT _record_no, {quoted} FROM {STAGED} ORDER BY _record_no LIMIT {limit}"
        ).fetchall()
        bad = con.execute(f"SELECT line, reason FROM {BAD} ORDER BY line").fetchall()
    except (duckdb.Error, ValueError, OSError) as exc:
        result.first_problems.append(f"{path.name}: not readable as {fmt.name}: {str(exc).splitlines()[0]}")
        return []
    finally:
        con.close()
    result.quarantined += len(bad)
    for line, reason in bad[: max(0, EXAMPLES - len(result.first_problems))]:
        result.first_problems.append(f"{path.name}:{line}: {reason}")
    return [(row[0], dict(zip(columns, row[1:], strict=True))) for row in rows]


def classified_legs(
    source: Source, site: Site, records: list[tuple[int, Record]], seen: set[str] | None = None
) -> list[Classified]:
    """Each record's leg classified (records that are no leg left out); ``seen`` spans files."""
    if source.format not in LEGS:
        return []
    patterns, internal = trunk_patterns(site), internal_number(site)
    sides = LEGS[source.format]
    once_by = sides.once_by if isinstance(sides, Sides) else None
    seen = set() if seen is None else seen
    found = []
    for record_no, record in records:
        leg = legs_of(source.format, record)
        if leg is None:
            continue
        if once_by:
            if (key := record.get(once_by) or "") in seen:
                continue
            seen.add(key)
        trunk_id, extension, external = classify(source.format, leg, patterns, internal)
        found.append(
            Classified(record_no, record.get("cdr_part") or None, leg, trunk_id, extension, external)
        )
    return found


def sample(source: Source, site: Site, files: list[Path], directory_extensions: set[str]) -> SampleResult:
    """Read up to SAMPLE_FILES files of the source and measure trunks and extensions."""
    result = SampleResult(measured=source.format in LEGS, no_trunk=NO_TRUNK.get(source.format, ""))
    internal, seen = internal_number(site), set[str]()
    for path in files[:SAMPLE_FILES]:
        result.files += 1
        records = read_records(source, path, result)
        result.records += len(records)
        if result.no_trunk:  # no legs: only the endpoint's directory number
            _count_extensions(
                result, [r.get("directoryNum") for _, r in records], internal, directory_extensions
            )
        for leg in classified_legs(source, site, records, seen):
            result.legs += 1
            if leg.external:
                result.external += 1
                if leg.trunk_id:
                    result.trunk_matched += 1
                else:
                    sides = (
                        (leg.leg.from_endpoint, leg.leg.from_extension),
                        (leg.leg.to_endpoint, leg.leg.to_extension),
                    )
                    named = [e for e, x in sides if e and not (x and internal(x))]  # not a phone
                    numbers = f"{leg.leg.caller_number or '?'} -> {leg.leg.called_number or '?'}"
                    _example(result.unmatched_endpoints, ", ".join(named) or f"no trunk named, {numbers}")
            _count_extensions(result, [leg.extension], internal, directory_extensions)
    return result


def _count_extensions(
    result: SampleResult, extensions: list[str | None], internal: Callable[[str], bool], known: set[str]
) -> None:
    for extension in extensions:
        if extension and internal(extension):
            result.with_extension += 1
            if extension in known:
                result.extension_in_directory += 1
            else:
                _example(result.unknown_extensions, extension)


def _example(examples: list[str], value: str) -> None:
    if value not in examples and len(examples) < EXAMPLES:
        examples.append(value)
