"""Per-record tests of the staging models check only new files, and findings of older files stay."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from bench.company import mirror
from ingestion.config.settings import Settings
from tests.conftest import generate_company, run_ringledger, settings_under, truth_summary
from tests.orchestration.test_reprocessing import query

pytestmark = pytest.mark.slow

COMPANY = ["--calls", "300", "--days", "3", "--employees", "20", "--seed", "11"]
SOURCE = "berlin-asterisk"
CHECK = "not_null_stg_asterisk_cdr_csv__legs_linked_id"
STORED = "data_quality.record_checks_stg_asterisk_cdr_csv__legs"  # the record checks' failing rows
UNIQUEID, LINKEDID = 16, 19  # Master.csv's columns; a record without them is valid but names no call


def _spoil(company: Path, day: dt.date, line: int) -> str:
    """Empty uniqueid and linkedid of line ``line`` of the day's Asterisk file; return 'name line N'."""
    path = company / "pbx" / SOURCE / f"Master.csv-{day:%Y%m%d}"
    rows = list(csv.reader(io.StringIO(path.read_text())))
    rows[line - 1][UNIQUEID] = rows[line - 1][LINKEDID] = ""
    text = io.StringIO()
    csv.writer(text, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(rows)
    path.unlink()  # a hard link into the generated company: write a new file instead
    path.write_text(text.getvalue())
    return f"{path.name} line {line}"


def _findings(settings: Settings) -> list[tuple]:
    return query(
        settings,
        "SELECT source_name, check_name, failing_rows, first_examples, details_relation "
        "FROM marts.rpt_data_quality_findings WHERE finding_kind = 'test' ORDER BY ALL",
    )


def _spoiled(settings: Settings) -> list[str]:
    """The examples of the spoiled records' finding, file name and line."""
    rows = query(
        settings,
        f"SELECT first_examples FROM marts.rpt_data_quality_findings WHERE check_name = '{CHECK}'",
    )
    return sorted(_original_name(e) for (examples,) in rows for e in examples.split("; "))


def _original_name(landed: str) -> str:
    """A landed file's name as the PBX wrote it: '…/<sha256>--Master.csv-1' -> 'Master.csv-1'."""
    return landed.rsplit("/", 1)[-1].split("--", 1)[-1]


def test_new_files_are_tested_and_older_findings_kept(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
):
    generated = generate_company(tmp_path_factory.mktemp("scope") / "generated", COMPANY)
    generator = truth_summary(generated)["generator"]
    first_day = dt.date.fromisoformat(generator["start"])
    last_day = first_day + dt.timedelta(days=generator["days"] - 1)
    company = tmp_path / "company"

    mirror(generated, company, last_day)
    older = _spoil(company, first_day, 3)
    home = settings_under(tmp_path / "incremental", company)
    run_ringledger(home, "pipeline")
    assert _spoiled(home) == [older]

    mirror(generated, company, None)
    assert _spoil(company, first_day, 3) == older  # the same file, landed before
    newer = _spoil(company, last_day, 5)
    run_ringledger(home, "pipeline")
    # The test read only the new files: dbt's stored failures hold the new record alone …
    stored = query(home, f"SELECT landed_path, record_no FROM {STORED} WHERE check_name = '{CHECK}'")
    assert [(_original_name(path), line) for path, line in stored] == [(newer.split(" line ")[0], 5)]
    # … and the findings still have the older file's.
    assert _spoiled(home) == sorted([older, newer])

    run_ringledger(home, "pipeline")  # nothing new: nothing tested, nothing forgotten
    assert query(home, f"SELECT count(*) FROM {STORED}") == [(0,)]
    assert _spoiled(home) == sorted([older, newer])

    full = settings_under(tmp_path / "full", company)
    run_ringledger(full, "pipeline")
    assert _findings(home) == _findings(full)
