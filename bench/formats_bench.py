"""Records per second from landing files to a raw table, for one format at one scale.

``python -m bench.formats_bench FORMAT RECORDS WORK_DIR`` writes one synthetic
file of RECORDS records under WORK_DIR (sample records repeated with varied ids,
written in chunks so generating it costs little memory), lands it, loads it with
the raw loader, and prints JSON: the load's seconds and records/s, and the bare
floor (DuckDB counting the file's lines) for comparison. Run by ``python -m bench``
as its own process, so the step's peak RSS is the load's.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from bench.floor import count_records
from ingestion.collect.landing import land_source
from ingestion.config.company import Source
from ingestion.raw.load import load_pending

SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "samples"
CHUNK = 100_000


def asterisk_lines(first: int, count: int) -> bytes:
    """Asterisk cdr_csv records (a real sample line) with a unique uniqueid per record."""
    sample = (SAMPLES / "asterisk_cdr_csv" / "testsuite_cdrlib_good.csv").read_bytes().splitlines()
    template = sample[0].replace(b'"1231977075.0"', b'"%d.%d"')
    return b"".join(template % (1700000000 + i, i) + b"\n" for i in range(first, first + count))


def panasonic_lines(first: int, count: int) -> bytes:
    """Panasonic pattern-A lines, a page header every 60 records, varied extension and number."""
    record = b"03/14/24 09:12AM   %3d 01 03%08d" + b" " * 21 + b"00:01'05              \n"  # duration at 58
    header = (
        b"  Date     Time    Ext CO        Dial Number        Ring Duration  Acc code  CD\n"
        + b"-" * 79
        + b"\n"
    )
    return b"".join(
        (header if i % 60 == 0 else b"") + record % (100 + i % 900, i % 10**8)
        for i in range(first, first + count)
    )


FORMATS: dict[str, tuple[str, Callable[[int, int], bytes]]] = {
    "asterisk_cdr_csv": ("CSV", asterisk_lines),
    "panasonic_smdr": ("fixed width", panasonic_lines),
}


def _chunks(make: Callable[[int, int], bytes], records: int) -> Iterator[bytes]:
    for first in range(0, records, CHUNK):
        yield make(first, min(CHUNK, records - first))


def _landed(fmt: str, records: int, folder: Path) -> Path:
    """A landing folder holding one file of ``records`` records of ``fmt``."""
    drop = folder / "drop"
    drop.mkdir(parents=True)
    path = drop / "records.txt"
    with path.open("wb") as out:
        for chunk in _chunks(FORMATS[fmt][1], records):
            out.write(chunk)
    source = Source(name=fmt, site="bench", format=fmt, location=str(drop), pattern="*")
    land_source(source, folder / "landing")
    path.unlink()  # the landed copy is what the loader reads
    return folder / "landing"


def _load(fmt: str, landing: Path, warehouse: Path) -> tuple[list, float]:
    with duckdb.connect(str(warehouse)) as con:
        started = time.perf_counter()
        loads = load_pending(con, landing, {fmt})
        return loads, time.perf_counter() - started


def measure(fmt: str, records: int, work: Path) -> dict:
    """Write, land and load one file of ``fmt``; the load's figures."""
    _load(fmt, _landed(fmt, 10, work / "warm-up"), work / "warm-up" / "w.duckdb")  # imports, not timed
    landing = _landed(fmt, records, work / fmt)
    floor_started = time.perf_counter()
    lines = count_records(list(landing.rglob("*records.txt")))
    floor = time.perf_counter() - floor_started
    loads, seconds = _load(fmt, landing, work / fmt / "warehouse.duckdb")
    loaded = sum(x.records for x in loads)
    return {
        "format": fmt,
        "kind": FORMATS[fmt][0],
        "records": loaded,
        "quarantined": sum(x.quarantined for x in loads),
        "lines": lines,
        "seconds": seconds,
        "records_per_s": loaded / seconds,
        "floor_seconds": floor,
    }


def main(argv: list[str]) -> int:
    fmt, records, work = argv[0], int(argv[1]), Path(argv[2])
    result = measure(fmt, records, work)
    print(json.dumps(result))
    return 0 if result["records"] == records and result["quarantined"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
