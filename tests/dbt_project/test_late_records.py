"""Records of day D that arrive three days late land once, in their own day, and change no other day.

A small demo company is built up to D+3 without some of day D's records: a few Berlin
(Asterisk, local time) calls cut out of D's Master.csv and one Chicago (Cisco UCM, UTC)
hourly CDR file of D held back, and one Chicago CMR file (voice quality) of D+1 whose CDRs
came in time. After D+3's facts are built and published the late records arrive as new files;
the next run counts them on day D (call_date_local = D), exactly once, joins the late CMRs to
their calls of D+1, and leaves every other day's facts as they were. A further run, with the same two files
dropped again under other names, adds nothing. Figures are checked against the generator's
truth (truth/calls.csv), not the project's parsing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import time
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from bench.company import mirror
from ingestion.config.settings import Settings
from tests.conftest import run_ringledger, settings_under

pytestmark = [pytest.mark.slow, pytest.mark.reliability]

START = dt.date(2026, 9, 7)
COMPANY = ["--start", START.isoformat(), "--days", "8", "--calls", "1500", "--employees", "40", "--seed", "5"]
DAY = START + dt.timedelta(days=2)  # D: its records arrive after D+3 was built
LAST_BUILT = DAY + dt.timedelta(days=3)
ZONES = {"berlin": "Europe/Berlin", "chicago": "America/Chicago", "london": "Europe/London"}
CUCM_LATE_HOUR = dt.datetime.combine(DAY, dt.time(15))  # UTC; 10:00 in Chicago
CMR_LATE_HOUR = CUCM_LATE_HOUR + dt.timedelta(days=1)  # its CDR file arrives in time
LINKEDID = 19  # cdr_csv field: the call every leg belongs to
FACTS_BY_DAY = (
    "SELECT source_name, call_date_local, count(*), "
    "md5(string_agg(CAST(t AS VARCHAR), '|' ORDER BY CAST(t AS VARCHAR))) FROM {table} AS t GROUP BY ALL"
)


def _query(settings: Settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _facts_by_day(settings: Settings) -> dict[tuple[str, dt.date], tuple[int, str]]:
    """Rows and a hash of fct_calls and fct_call_legs per (source, local day)."""
    days: dict[tuple[str, dt.date], tuple[int, str]] = {}
    for table in ("marts.fct_calls", "marts.fct_call_legs"):
        for source, day, rows, digest in _query(settings, FACTS_BY_DAY.format(table=table)):
            days[(source, day)] = (*days.get((source, day), ()), rows, digest)
    return days


def _truth(company: Path) -> list[dict]:
    with open(company / "truth" / "calls.csv", newline="", encoding="utf-8") as handle:
        calls = list(csv.DictReader(handle))
    for call in calls:
        start = dt.datetime.fromisoformat(call["start_utc"].replace("Z", "+00:00"))
        call["day"] = start.astimezone(ZoneInfo(ZONES[call["site"]])).date()
    return calls


def _settled(path: Path, text: str) -> Path:
    """Write a file as a PBX would have left it some minutes ago (complete, not being written)."""
    path.write_text(text, encoding="utf-8")
    past = time.time() - 600
    os.utime(path, (past, past))
    return path


def _cut_berlin_calls(company: Path, truth: list[dict]) -> tuple[str, set[str]]:
    """Take every third call of day D out of D's Master.csv; return their lines and linkedids."""
    path = company / "pbx" / "berlin-asterisk" / f"Master.csv-{DAY:%Y%m%d}"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    of_day = sorted({c["call_key"] for c in truth if c["site"] == "berlin" and c["day"] == DAY})
    late = set(of_day[::3])
    keep, cut = [], []
    for line in lines:
        (fields,) = csv.reader(io.StringIO(line))
        (cut if fields[LINKEDID] in late else keep).append(line)
    path.unlink()  # a hard link into the generated company: write a new file instead
    _settled(path, "".join(keep))
    return "".join(cut), {k for k in late if any(k in line for line in cut)}


def _cucm_calls(text: str) -> int:
    """Calls in a CUCM CDR file (names line, types line, then records): distinct global call ids."""
    names, _types, *records = csv.reader(io.StringIO(text))
    node, call = names.index("globalCallID_callManagerId"), names.index("globalCallID_callId")
    return len({(r[node], r[call]) for r in records if r})


def _cmr_call_keys(text: str) -> set[str]:
    """The global call ids (callManagerId-callId) a CMR file measures, as call_key_in_source."""
    names, _types, *records = csv.reader(io.StringIO(text))
    node, call = names.index("globalCallID_callManagerId"), names.index("globalCallID_callId")
    return {f"{r[node]}-{r[call]}" for r in records if r}


def _measured_legs(settings: Settings, keys: set[str]) -> int:
    calls = ", ".join(f"'chicago-cucm:{k}'" for k in sorted(keys))
    return _query(
        settings, f"SELECT count(*) FROM intermediate.int_call_leg_quality WHERE call_id IN ({calls})"
    )[0][0]


def test_records_three_days_late_count_once_in_their_own_day(tmp_path: Path):
    generated = tmp_path / "generated"
    unused = settings_under(tmp_path / "unused", generated)
    run_ringledger(unused, "demo-data", "--out", str(generated), *COMPANY)
    truth = _truth(generated)
    company = tmp_path / "company"
    mirror(generated, company, LAST_BUILT + dt.timedelta(days=1))  # PBX files up to D+3
    berlin_late_text, berlin_late = _cut_berlin_calls(company, truth)
    cucm_folder = company / "pbx" / "chicago-cucm"
    (cucm_file,) = cucm_folder.glob(f"cdr_*_{CUCM_LATE_HOUR:%Y%m%d%H%M}_*")
    cucm_text = cucm_file.read_text(encoding="utf-8")
    cucm_file.unlink()
    (cmr_file,) = cucm_folder.glob(f"cmr_*_{CMR_LATE_HOUR:%Y%m%d%H%M}_*")
    cmr_text = cmr_file.read_text(encoding="utf-8")
    cmr_file.unlink()
    cmr_keys = _cmr_call_keys(cmr_text)
    settings = settings_under(tmp_path / "home", company)

    run_ringledger(settings, "pipeline")
    built = _facts_by_day(settings)
    assert cmr_keys and _measured_legs(settings, cmr_keys) == 0  # their CDRs are in, the CMRs not yet
    assert max(day for _, day in built) >= LAST_BUILT
    calls_before = dict(_query(settings, "SELECT source_name, count(*) FROM marts.fct_calls GROUP BY ALL"))

    # D's records arrive after D+3 was built and published: new files
    _settled(company / "pbx" / "berlin-asterisk" / f"Master.csv-{DAY:%Y%m%d}-late", berlin_late_text)
    _settled(cucm_file, cucm_text)
    _settled(cmr_file, cmr_text)
    run_ringledger(settings, "pipeline")
    after = _facts_by_day(settings)
    measured = _measured_legs(settings, cmr_keys)
    assert measured >= len(cmr_keys)  # every measured call's legs joined their late CMRs

    # every day up to D+2 holds exactly the calls the generator started on it (D included)
    counted = Counter(
        {(s, d): n for s, d, n in _query(
            settings, "SELECT site_id, call_date_local, count(*) FROM marts.fct_calls GROUP BY ALL")}
    )  # fmt: skip
    expected = Counter((c["site"], c["day"]) for c in truth if c["day"] < LAST_BUILT)
    assert {k: v for k, v in counted.items() if k[1] < LAST_BUILT} == dict(expected)
    # the late calls are on day D, once each, with all their legs once
    late_ids = [f"berlin-asterisk:{k}" for k in sorted(berlin_late)]
    rows = _query(
        settings,
        "SELECT call_id, call_date_local, count(*) FROM marts.fct_calls "
        f"WHERE call_id IN ({', '.join(repr(i) for i in late_ids)}) GROUP BY ALL",
    )
    assert sorted(rows) == [(i, DAY, 1) for i in late_ids]
    (late_legs,) = _query(
        settings,
        f"SELECT count(*) FROM marts.fct_call_legs WHERE call_id IN ({', '.join(repr(i) for i in late_ids)})",
    )[0]
    assert late_legs == len(berlin_late_text.splitlines())
    cucm_late = _cucm_calls(cucm_text)
    calls_after = dict(_query(settings, "SELECT source_name, count(*) FROM marts.fct_calls GROUP BY ALL"))
    assert calls_after["berlin-asterisk"] - calls_before["berlin-asterisk"] == len(late_ids)
    assert cucm_late > 0 and calls_after["chicago-cucm"] - calls_before["chicago-cucm"] == cucm_late
    # and no other day changed, in any source
    changed = {key for key in set(built) | set(after) if built.get(key) != after.get(key)}
    assert changed == {("berlin-asterisk", DAY), ("chicago-cucm", DAY)}
    print(f"\nlate records: {len(late_ids)} Berlin calls ({late_legs} legs) and a Chicago file of "
          f"{cucm_late} calls three days late; {len(after)} source-days compared, "
          f"changed only {sorted(changed)}")  # fmt: skip

    # the same files again under other names, and a re-run: nothing changes
    _settled(company / "pbx" / "berlin-asterisk" / f"Master.csv-{DAY:%Y%m%d}-resent", berlin_late_text)
    _settled(cucm_folder / f"{cucm_file.name}_resent", cucm_text)
    _settled(cucm_folder / f"{cmr_file.name}_resent", cmr_text)
    files_before = _query(settings, "SELECT count(*) FROM raw.loaded_files")[0][0]
    run_ringledger(settings, "pipeline")
    assert _facts_by_day(settings) == after
    assert _measured_legs(settings, cmr_keys) == measured
    assert _query(settings, "SELECT count(*) FROM raw.loaded_files")[0][0] == files_before
