"""A sample of a source's records, read with its format's reader into a throwaway in-memory DuckDB.

For ``ringledger check``: of the sampled records, how many have an external leg (a party outside
the site's extensions, or an endpoint that is a trunk), how many of those the site's trunks match
(``ingestion.config.trunk_matching``, the warehouse's rule), and how many internal parties are extensions
the directory knows. Which raw fields hold the endpoints and extensions is said per format below,
as the format's staging model reads them; a format not listed is counted without trunk figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingestion.config.company import Site, Source, trunk_patterns
from ingestion.config.trunk_matching import matching_trunk
from ingestion.formats import FORMATS, compression
from ingestion.raw.load import stage_file
from ingestion.raw.readers import BAD, STAGED
from ingestion.raw.validation import SourceRules

SAMPLE_FILES = 3
SAMPLE_RECORDS = 500  # per file
EXAMPLES = 3

Record = dict[str, str | None]


@dataclass(frozen=True)
class Parties:
    """What one record says about its parties: endpoints that may be trunks, extensions, numbers."""

    endpoints: tuple[str, ...]
    extensions: tuple[str, ...]
    numbers: tuple[str, ...]  # caller and called numbers: an external one makes the leg external


def _asterisk_peer(channel: str | None) -> str:
    """As dbt's asterisk_channel_endpoint: 'SIP/101-0000001a' -> '101'."""
    found = re.fullmatch(r"[^/]+/(.+)-[0-9a-fA-F]+(;[0-9])?", channel or "")
    return found.group(1) if found else ""


def _asterisk(r: Record) -> Parties:
    channels = (r.get("channel") or "", r.get("dstchannel") or "")
    return Parties(
        channels, tuple(_asterisk_peer(c) for c in channels), (r.get("src") or "", r.get("dst") or "")
    )


def _ipoffice(r: Record) -> Parties:
    line = ""
    if (r.get("party2_device") or "").startswith("T"):
        line = re.sub(r"\.[0-9]+$", "", r.get("party2_name") or "")
    devices = (r.get("party1_device") or "", r.get("party2_device") or "")
    extensions = tuple(d[1:] for d in devices if d.startswith("E"))
    # a party 2 that is a trunk line makes the leg external, whatever the numbers say
    numbers = ("+external",) if line else ()
    return Parties((line,), extensions, numbers)


def _cisco(r: Record) -> Parties:
    return Parties(
        (r.get("origDeviceName") or "", r.get("destDeviceName") or ""),
        (r.get("callingPartyNumber") or "", r.get("finalCalledPartyNumber") or ""),
        (r.get("callingPartyNumber") or "", r.get("finalCalledPartyNumber") or ""),
    )


def _grandstream(r: Record) -> Parties:
    return Parties(
        (r.get("src_trunk_name") or "", r.get("dst_trunk_name") or ""),
        (r.get("channel_ext") or "", r.get("dstchannel_ext") or ""),
        (r.get("src") or "", r.get("dst") or ""),
    )


PARTIES: dict[str, Callable[[Record], Parties]] = {
    "asterisk_cdr_csv": _asterisk,
    "asterisk_cdr_custom": _asterisk,
    "asterisk_cdr_db": _asterisk,
    "avaya_ipoffice_smdr": _ipoffice,
    "cisco_cucm_cdr": _cisco,
    "grandstream_ucm_csv": _grandstream,
    "grandstream_ucm_api": _grandstream,
}


@dataclass
class SampleResult:
    files: int = 0
    records: int = 0
    quarantined: int = 0
    first_problems: list[str] = field(default_factory=list)
    measured: bool = False  # the format's parties are known here
    external: int = 0
    trunk_matched: int = 0
    unmatched_endpoints: list[str] = field(default_factory=list)
    with_extension: int = 0
    extension_in_directory: int = 0
    unknown_extensions: list[str] = field(default_factory=list)

    @property
    def unmatched(self) -> int:
        return self.external - self.trunk_matched


def _internal(site: Site) -> Callable[[str], bool]:
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
            return len(number) <= 6
        return any(len(number) == width and low <= int(number) <= high for width, low, high in ranges)

    return internal


def _rules(source: Source) -> SourceRules:
    """The validation the raw load applies to this source (as orchestration/defs/ingest.py builds it)."""
    return SourceRules(source.max_call_seconds, source.date_format)


def _records(source: Source, path: Path, result: SampleResult) -> list[Record]:
    fmt = FORMATS[source.format]
    con = duckdb.connect()
    try:
        with compression.decompressed_copy(path) as readable:
            stage_file(con, fmt, readable, source.encoding, source.columns or None, _rules(source))
        columns = list(fmt.columns)
        quoted = ", ".join(f'"{c}"' for c in columns)
        rows = con.execute(
            f"SELECT {quoted} FROM {STAGED} ORDER BY _record_no LIMIT {SAMPLE_RECORDS}"
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
    return [dict(zip(columns, row, strict=True)) for row in rows]


def sample(source: Source, site: Site, files: list[Path], directory_extensions: set[str]) -> SampleResult:
    """Read up to SAMPLE_FILES files of the source and measure trunks and extensions."""
    result = SampleResult()
    patterns = trunk_patterns(site)
    internal = _internal(site)
    parties_of = PARTIES.get(source.format)
    result.measured = parties_of is not None
    for path in files[:SAMPLE_FILES]:
        result.files += 1
        for record in _records(source, path, result):
            result.records += 1
            if parties_of is None:
                continue
            parties = parties_of(record)
            trunks = [e for e in parties.endpoints if matching_trunk(patterns, e)]
            external_number = any(n and not internal(n) for n in parties.numbers)
            if trunks or external_number:
                result.external += 1
                if trunks:
                    result.trunk_matched += 1
                else:
                    named = [e for e in parties.endpoints if e and not internal(_asterisk_peer(e) or e)]
                    _example(result.unmatched_endpoints, ", ".join(named) or "(no trunk named)")
            extensions = [x for x in parties.extensions if x and internal(x)]
            if extensions:
                result.with_extension += 1
                if any(x in directory_extensions for x in extensions):
                    result.extension_in_directory += 1
                else:
                    _example(result.unknown_extensions, extensions[0])
    return result


def _example(examples: list[str], value: str) -> None:
    if value not in examples and len(examples) < EXAMPLES:
        examples.append(value)
