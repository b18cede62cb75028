"""The sample files each format is tested on, and how to load one into a fresh warehouse."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.collect.landing import land_source
from ingestion.config.company import Source
from ingestion.formats import FORMATS
from ingestion.formats.asterisk_cdr_custom import STOCK_MAPPING
from ingestion.raw.load import FileLoad, load_pending
from ingestion.raw.validation import SourceRules
from tests.conftest import FIXTURES, SAMPLES

GOLDEN = FIXTURES / "golden"


@dataclass(frozen=True)
class SampleCase:
    format: str
    sample: str  # relative to tests/fixtures/samples
    encoding: str = "utf-8"
    columns: tuple[str, ...] | None = None
    date_format: str = "MM/DD/YY"  # the source's date order (Panasonic)

    @property
    def path(self) -> Path:
        return SAMPLES / self.sample

    @property
    def golden(self) -> Path:
        return GOLDEN / self.format / (Path(self.sample).stem + ".json")

    @property
    def id(self) -> str:
        return f"{self.format}:{Path(self.sample).name}"


CASES = (
    SampleCase("asterisk_cdr_csv", "asterisk_cdr_csv/testsuite_self_test_Master.csv"),
    SampleCase("asterisk_cdr_csv", "asterisk_cdr_csv/testsuite_cdrlib_good.csv"),
    SampleCase(
        "asterisk_cdr_csv", "asterisk_cdr_csv/mineevburyat_Master_newcdrcolumns_masked.csv", encoding="cp1251"
    ),
    SampleCase(
        "asterisk_cdr_custom",
        "asterisk_cdr_custom/kelysaina_cdr_custom_Master.csv",
        columns=(*STOCK_MAPPING, "sequence"),
    ),
    SampleCase("asterisk_cdr_db", "asterisk_cdr_mysql/aleksa5324_cdr_table_export_masked.csv"),
    SampleCase("cisco_cucm_cdr", "cisco_cucm_cdr/sieteunoseis_cdr_example.txt"),
    SampleCase("cisco_cucm_cdr", "cisco_cucm_cdr/gefot_cucm11_cdr_noheader_redacted.txt"),
    SampleCase("cisco_cucm_cmr", "cisco_cucm_cmr/sieteunoseis_cmr_example.txt"),
    SampleCase("avaya_ipoffice_smdr", "avaya_ipoffice_smdr/avaya_kb_smdr_examples.csv"),
    SampleCase("avaya_cm_cdr", "avaya_cm_cdr/constructed_teleseer_with_date_records.txt"),
    SampleCase("mitel_mivb_smdr", "mitel_mivb_smdr/constructed_standard_90char.txt"),
    SampleCase("mitel_5000_smdr", "mitel_5000_smdr/mitel5000_doc_example_record.txt"),
    SampleCase("threecx_cdr", "3cx_cdr_csv/dorel14_3cx_v16_cdr_2020_masked.csv"),
    SampleCase("threecx_cdr", "3cx_cdr_csv/dorel14_3cx_cdr_2024_masked.csv"),
    SampleCase("freeswitch_cdr_csv", "freeswitch_cdr_csv/fsdocs_cdr_examples_Master.csv"),
    SampleCase("freeswitch_cdr_csv", "freeswitch_cdr_csv/kxingyunliushui_Master_excel_resaved.csv"),
    SampleCase("grandstream_ucm_api", "grandstream_ucm_cdr/louis171_ucm_cdrapi_records_masked.jsonl"),
    SampleCase("panasonic_smdr", "panasonic_smdr/constructed_pattern_a_pages.txt"),
    SampleCase(
        "panasonic_smdr",
        "panasonic_smdr/constructed_pattern_a_day_first_co_to_co.txt",
        "utf-8",
        None,
        "DD/MM/YY",
    ),
    SampleCase("nec_smdr", "nec_neax_smdr/zombat_KKrecord.smdr"),
    SampleCase("nec_smdr", "nec_neax_smdr/zombat_KLrecord.smdr"),
    SampleCase("nec_smdr", "nec_neax_smdr/zombat_KMrecord.smdr"),
    SampleCase("nec_smdr", "nec_neax_smdr/constructed_KA_KE_normal.smdr"),
)


def load_through_landing(
    files: list[Path],
    fmt: str,
    tmp: Path,
    encoding: str = "utf-8",
    columns: tuple[str, ...] | None = None,
    rules: SourceRules | None = None,
) -> tuple[duckdb.DuckDBPyConnection, list[FileLoad]]:
    """Land ``files`` as one source of format ``fmt`` and load them into a DuckDB file under ``tmp``."""
    drop = tmp / "drop"
    drop.mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.copy(path, drop / path.name)
    source = Source(name="pbx", site="site", format=fmt, location=str(drop), pattern="*", encoding=encoding)
    land_source(source, tmp / "landing")
    con = duckdb.connect(str(tmp / "warehouse.duckdb"))
    orders = {"pbx": columns} if columns else None
    rules_by_source = {"pbx": rules} if rules else None
    return con, load_pending(con, tmp / "landing", {fmt}, {"pbx": encoding}, orders, rules_by_source)


def parsed(con: duckdb.DuckDBPyConnection, fmt: str) -> dict:
    """What a golden file holds: raw rows (non-empty columns only, flags too) and quarantined lines."""
    columns = FORMATS[fmt].columns
    names = ", ".join(f'"{c}"' for c in columns)
    rows = con.execute(
        f"SELECT {names}, _flags, _record_no FROM raw.{fmt} ORDER BY _record_no, rowid"
    ).fetchall()
    records = [
        {
            "_record_no": row[-1],
            **{c: v for c, v in zip((*columns, "_flags"), row[:-1], strict=True) if v is not None},
        }
        for row in rows
    ]
    quarantine = [
        {"line": line, "byte_offset": offset, "raw_record": raw, "reason": reason, "field": field}
        for line, offset, raw, reason, field in con.execute(
            "SELECT line, byte_offset, raw_record, reason, field FROM raw.quarantine ORDER BY line"
        ).fetchall()
    ]
    return {"records": records, "quarantine": quarantine}
