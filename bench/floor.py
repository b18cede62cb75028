"""The bare floor: DuckDB counting the records of the configured sources' raw files, nothing else.

Each file is read by ``read_csv`` as one text column (no quoting, a delimiter
that never occurs), so the floor is reading every byte and splitting records:
what any loader must do at least. Run as ``python -m bench.floor INPUT_DIR``;
prints JSON.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

from ingestion.collect.landing import candidate_files
from ingestion.config.company import load_sources

LINE_SCAN = (
    "SELECT count(*) FROM read_csv(?, columns = {'line': 'VARCHAR'}, delim = '\x01', quote = '', "
    "escape = '', header = false, auto_detect = false, strict_mode = false)"
)


def raw_files(input_dir: Path) -> list[Path]:
    """Every file the landing stage would pick up from the configured sources."""
    return sorted({path for source in load_sources(input_dir) for path in candidate_files(source)})


def count_records(files: list[Path]) -> int:
    with duckdb.connect() as con:
        return con.execute(LINE_SCAN, [[str(f) for f in files]]).fetchall()[0][0]


def main(argv: list[str]) -> int:
    files = raw_files(Path(argv[0]))
    started = time.perf_counter()
    records = count_records(files)
    seconds = time.perf_counter() - started
    size = sum(f.stat().st_size for f in files)
    print(json.dumps({"seconds": seconds, "records": records, "files": len(files), "bytes": size}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
