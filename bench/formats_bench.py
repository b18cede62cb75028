"""Records per second from a landed file to its raw table, for a CSV format and a fixed-width one.

Synthetic files are written under /tmp by repeating sample records with varied ids
(never committed). Run: .venv/bin/python bench/formats_bench.py [--records 1000000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from ingestion.config import Source
from ingestion.landing import land_source
from ingestion.raw_load import load_pending

SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "samples"


def asterisk_lines(n: int) -> bytes:
    """Asterisk cdr_csv records (UTF-8 sample lines) with a unique uniqueid per record."""
    sample = (SAMPLES / "asterisk_cdr_csv" / "testsuite_cdrlib_good.csv").read_bytes().splitlines()
    template = sample[0].replace(b'"1231977075.0"', b'"%d.%d"')
    if b"%d" not in template:
        template = template + b',"%d.%d"'
    return b"".join(template % (1700000000 + i, i) + b"\n" for i in range(n))


def panasonic_lines(n: int) -> bytes:
    """Panasonic pattern-A lines, a page header every 60 records, varied extension and number."""
    record = b"03/14/24 09:12AM   %3d 01 03%08d                   00:01'05              \n"
    header = (
        b"  Date     Time    Ext CO        Dial Number        Ring Duration  Acc code  CD\n"
        + b"-" * 79
        + b"\n"
    )
    parts = []
    for i in range(n):
        if i % 60 == 0:
            parts.append(header)
        parts.append(record % (100 + i % 900, i))
    return b"".join(parts)


def measure(fmt: str, data: bytes, work: Path) -> tuple[int, float]:
    drop = work / fmt
    drop.mkdir()
    (drop / "records.txt").write_bytes(data)
    source = Source(name=fmt, site="bench", format=fmt, location=str(drop), pattern="*")
    land_source(source, work / "landing")
    con = duckdb.connect(str(work / f"{fmt}.duckdb"))
    started = time.perf_counter()
    (load,) = load_pending(con, work / "landing", {fmt})
    elapsed = time.perf_counter() - started
    assert load.quarantined == 0, load
    return load.records, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ringledger-bench-", dir="/tmp") as folder:
        for fmt, make in (("asterisk_cdr_csv", asterisk_lines), ("panasonic_smdr", panasonic_lines)):
            records, seconds = measure(fmt, make(args.records), Path(folder))
            print(
                f"{fmt:18s} {records:>10,d} records  {seconds:6.2f} s  {records / seconds:>12,.0f} records/s"
            )


if __name__ == "__main__":
    main()
