"""The number plan as Parquet files, built once per phonenumbers version and kept in a cache.

Building the plan takes about 15 s, and every new warehouse needs it, so the files are kept in a
folder named by the phonenumbers version and a hash of the code that derives them: a new version
of either builds them again, anything else reads them. A folder is written under a temporary
name and renamed into place, so concurrent builders never see half a table.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import phonenumbers
import pyarrow as pa
import pyarrow.parquet as pq

from ingestion.numbering import classify, digit_patterns, plan

TEXT = pa.string()
TABLES: dict[str, tuple[pa.Schema, Callable[[], Iterable[tuple]]]] = {
    "number_plan": (
        pa.schema(
            [
                ("country_calling_code", TEXT),
                ("national_number_length", pa.int32()),
                ("prefix", TEXT),
                ("region_code", TEXT),
                ("number_type", TEXT),
                ("is_valid_number", pa.bool_()),
                ("country_name", TEXT),
                ("fallback_description", TEXT),
                ("fallback_city", TEXT),
                ("fallback_area", TEXT),
            ]
        ),
        plan.plan_rows,
    ),
    "number_places": (
        pa.schema([("e164_prefix", TEXT), ("place_name", TEXT), ("city", TEXT), ("area", TEXT)]),
        plan.place_rows,
    ),
    "number_country_codes": (
        pa.schema([("country_calling_code", TEXT), ("mobile_token", TEXT)]),
        plan.country_code_rows,
    ),
}


def version_key() -> str:
    """phonenumbers' version and a hash of the modules whose answers the tables hold."""
    digest = hashlib.sha256()
    for module in (classify, digit_patterns, plan):
        digest.update(Path(module.__file__ or "").read_bytes())
    return f"phonenumbers-{phonenumbers.__version__}-{digest.hexdigest()[:12]}"


def _write(folder: Path) -> None:
    folder.mkdir(parents=True)
    for name, (schema, rows) in TABLES.items():
        columns = list(zip(*rows(), strict=True)) or [()] * len(schema)
        table = pa.table(
            [pa.array(values, type=f.type) for values, f in zip(columns, schema, strict=True)], schema=schema
        )
        pq.write_table(table, folder / f"{name}.parquet")


def number_tables(cache_dir: Path) -> dict[str, Path]:
    """The Parquet file of each number plan table, built into ``cache_dir`` when missing."""
    folder = cache_dir / "number-plan" / version_key()
    paths = {name: folder / f"{name}.parquet" for name in TABLES}
    if all(path.exists() for path in paths.values()):
        return paths
    partial = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    _write(partial)
    try:
        partial.rename(folder)
    except OSError:  # another process put its copy in place first: same data
        shutil.rmtree(partial, ignore_errors=True)
    return paths
