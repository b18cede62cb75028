"""One more day built incrementally gives exactly the tables of one full build of every day."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from bench.company import mirror
from tests.conftest import generate_company, run_ringledger, settings_under, truth_summary
from tests.orchestration.test_reprocessing import call_table_hashes, published_equals_a_fresh_publish, query

pytestmark = pytest.mark.slow

# Four days, every source: the new day, the day before it (calls still running at midnight), and
# two days that an incremental build must leave alone.
COMPANY = ["--calls", "800", "--days", "4", "--employees", "30", "--seed", "7"]


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated company of this module (COMPANY); read-only."""
    return generate_company(tmp_path_factory.mktemp("incremental") / "generated", COMPANY)


def _last_day(truth: dict) -> dt.date:
    """The company's last local day, as generated."""
    generator = truth["generator"]
    return dt.date.fromisoformat(generator["start"]) + dt.timedelta(days=generator["days"] - 1)


def _transfer_after_midnight(company: Path, last_day: dt.date) -> str:
    """Append to the last day's Asterisk file a leg of the day before's last call; return its call_id."""
    folder = company / "pbx" / "berlin-asterisk"
    day_before = folder / f"Master.csv-{last_day - dt.timedelta(days=1):%Y%m%d}"
    leg = list(csv.reader(io.StringIO(day_before.read_text().splitlines()[-1])))[0]
    stamp = f"{last_day:%Y-%m-%d}"
    leg[6] = "PJSIP/2099-ffffffff"  # the extension the call was transferred to
    leg[9:16] = [
        f"{stamp} 00:02:00",
        f"{stamp} 00:02:05",
        f"{stamp} 00:04:05",
        "125",
        "120",
        "ANSWERED",
        "DOCUMENTATION",
    ]
    leg[16] = f"{leg[19]}9"  # uniqueid of the new channel; linkedid (leg[19]) ties it to the call
    leg[20] = "999999"
    line = io.StringIO()
    csv.writer(line, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerow(leg)
    last = folder / f"Master.csv-{last_day:%Y%m%d}"
    text = last.read_text()
    last.unlink()  # a hard link into the generated company: write a new file instead
    last.write_text(text.rstrip("\n") + "\n" + line.getvalue())
    return f"berlin-asterisk:{leg[19]}"


def test_one_more_day_incrementally_equals_a_full_build(tmp_path: Path, company: Path):
    """Build without the last day's files, let them arrive, build again; compare with a fresh build."""
    generated, company = company, tmp_path / "company"
    last_day = _last_day(truth_summary(generated))
    mirror(generated, company, last_day)
    incremental = settings_under(tmp_path / "incremental", company)
    run_ringledger(incremental, "pipeline")
    assert query(incremental, "SELECT max(call_date_local) FROM marts.fct_calls")[0][0] < last_day

    mirror(generated, company, None)
    transferred = _transfer_after_midnight(company, last_day)
    run_ringledger(incremental, "pipeline")
    # Only the new day (and the day before, for calls still running at midnight) was rebuilt.
    scope = query(incremental, "SELECT source_name, call_date_local FROM intermediate.int_rebuild_scope")
    days = {day for _, day in scope}
    assert last_day in days and days <= {last_day - dt.timedelta(days=1), last_day}
    assert ("berlin-asterisk", last_day - dt.timedelta(days=1)) in scope
    # Each build is in the rebuild log, the first as everything; the publish hashed only the groups
    # logged since its last one, and serves what a publish from nothing would.
    log = query(
        incremental,
        "SELECT build_id, entry, source_name, call_date_local FROM intermediate.int_rebuild_scope_log",
    )
    assert sorted(row[:2] for row in log if row[1] != "group") == [(1, "everything"), (2, "build")]
    assert {(source, day) for build, entry, source, day in log if entry == "group"} == set(scope)
    assert published_equals_a_fresh_publish(incremental)
    # The call keeps the day of its first leg, with the leg that arrived a day later.
    legs = query(
        incremental,
        "SELECT started_at_local::date, call_date_local FROM marts.fct_call_legs "
        f"WHERE call_id = '{transferred}'",
    )
    assert (last_day, last_day - dt.timedelta(days=1)) in legs

    full = settings_under(tmp_path / "full", company)
    run_ringledger(full, "pipeline")
    assert call_table_hashes(incremental, without_load_times=True) == call_table_hashes(
        full, without_load_times=True
    )
