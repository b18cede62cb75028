"""Helpers for collector tests: free ports, a sources config, waiting on a condition, reading what landed."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path

from ingestion.collect.landing import read_manifest

SITES = """
sites:
  - id: hq
    timezone: Europe/Berlin
    country: DE
    pbx: avaya
    tariff_plan: p1
    dial_plan: {access_code: "0", international_prefix: "00", national_prefix: "0", country_code: "49"}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_config(input_dir: Path, sources_yaml: str) -> Path:
    (input_dir / "config").mkdir(parents=True, exist_ok=True)
    (input_dir / "config" / "sites.yml").write_text(SITES)
    (input_dir / "config" / "sources.yml").write_text(sources_yaml)
    return input_dir


def wait_until(condition: Callable[[], bool], timeout: float = 15.0, what: str = "condition") -> None:
    """Poll ``condition`` until true; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.01)


def landed_bytes(landing_dir: Path, source: str) -> bytes:
    """Every chunk of ``source`` in the landing zone, in chunk order, end to end."""
    entries = sorted(
        (e for e in read_manifest(landing_dir) if e.source == source), key=lambda e: e.original_name
    )
    return b"".join((landing_dir / e.landed_path).read_bytes() for e in entries)


def spooled_bytes(spool_root: Path, landing_dir: Path, source: str) -> bytes:
    """What the source holds so far: landed chunks, chunks waiting to land, then the active file.

    Read while a collector runs, a file may be renamed between listing and reading: it is then
    skipped, and the caller simply looks again.
    """
    folder = spool_root / source
    pending = sorted((folder / "chunks").glob("*.stream")) if (folder / "chunks").exists() else []
    return landed_bytes(landing_dir, source) + b"".join(
        map(_bytes_if_present, [*pending, folder / "active.stream"])
    )


def _bytes_if_present(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""


def avaya_record(number: int) -> bytes:
    """A synthetic Avaya IP Office SMDR line, unique by ``number``."""
    second = number % 86400
    stamp = f"2024/03/01 {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
    return (
        f"{stamp},00:00:{number % 60:02d},3,2{number % 1000:03d},O,0049301234{number:06d},"
        f"0049301234{number:06d},,0,{1000000 + number},0,"
        f"E2{number % 1000:03d},Ext {number % 1000},T9001,Line 1.1\r\n"
    ).encode()
