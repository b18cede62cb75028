"""Both clock changes in every demo time zone, from local-time and UTC sources, against the generator's truth.

Two demo companies over 2026-03-06 .. 2026-11-02, which holds the US changes (03-08, 11-01)
and the EU/UK ones (03-29, 10-25), with a busy night around each change
(``--clock-change-calls``): the default PBXs (Berlin Asterisk and London IP Office write
local time, Chicago Cisco UCM writes UTC) and the other way round (Chicago Asterisk; Berlin
and London Cisco UCM). The real pipeline runs once per company; every figure compared comes
from the generator's own call list (truth/calls_per_hour.csv, truth/calls.csv), never from
the project's parsing. The conversion rule itself is unit-tested in
dbt_project/models/intermediate/_time__unit_tests.yml (run by tests/dbt_project/test_dbt_unit_tests.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from ingestion.config.settings import Settings
from tests.conftest import run_ringledger, settings_under

pytestmark = [pytest.mark.slow, pytest.mark.reliability]

ZONES = {"berlin": "Europe/Berlin", "chicago": "America/Chicago", "london": "Europe/London"}
COMPANY = ["--start", "2026-03-06", "--days", "242", "--calls", "1500", "--employees", "40",
           "--seed", "11", "--clock-change-calls", "80"]  # fmt: skip
COMPANIES = {
    "asterisk_ipoffice_local": [],
    "asterisk_local_us": ["--pbx", "berlin=cucm,chicago=asterisk,london=cucm"],
}
NEAR = dt.timedelta(hours=3)  # calls starting this close to a change are checked one by one


def _utc(text: str) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None) if text else None


def _local(utc: dt.datetime, site: str) -> dt.datetime:
    return utc.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(ZONES[site])).replace(tzinfo=None)


@functools.cache
def _changes(site: str) -> list[tuple[dt.datetime, dt.timedelta]]:
    """(UTC instant, offset after - offset before) of the site's 2026 clock changes, by zoneinfo."""
    zone, found = ZoneInfo(ZONES[site]), []
    hour = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    while hour.year == 2026:
        before, after = (hour - dt.timedelta(hours=1)).astimezone(zone), hour.astimezone(zone)
        if before.utcoffset() != after.utcoffset():
            found.append((hour.replace(tzinfo=None), after.utcoffset() - before.utcoffset()))
        hour += dt.timedelta(hours=1)
    return found


def _query(settings: Settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module", params=list(COMPANIES))
def company(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Settings]:
    """A generated company across both clock changes and the pipeline run over it."""
    out = tmp_path_factory.mktemp(request.param)
    home = out / "home"
    run_ringledger(settings_under(home, out / "input"), "demo-data", "--out", str(out / "input"),
                   *COMPANY, *COMPANIES[request.param])  # fmt: skip
    settings = settings_under(home, out / "input")
    run_ringledger(settings, "pipeline", dagster_home=home / "dagster")
    return out / "input", settings


def _truth_calls(company_dir: Path) -> list[dict]:
    with open(company_dir / "truth" / "calls.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_calls_per_utc_hour_equal_the_truth_hour_by_hour(company):
    """No hour missing or doubled: calls per site and UTC hour of their start equal the generator's."""
    company_dir, settings = company
    truth: dict[tuple[str, str], int] = {}
    with open(company_dir / "truth" / "calls_per_hour.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            truth[(row["site"], row["hour_utc"])] = int(row["calls"])
    facts = {
        (site, hour): n
        for site, hour, n in _query(
            settings,
            "SELECT site_id, strftime(date_trunc('hour', started_at_utc), '%Y-%m-%dT%H:%M:%SZ'), count(*) "
            "FROM marts.fct_calls GROUP BY ALL",
        )
    }
    hours = set(truth) | set(facts)
    mismatched = sorted(h for h in hours if truth.get(h, 0) != facts.get(h, 0))
    print(f"\nclock changes: {len(hours)} site-hours compared, {sum(truth.values())} calls, "
          f"{len(mismatched)} mismatched")  # fmt: skip
    assert mismatched == []
    # the hours on either side of every change have calls, at every site
    for site in ZONES:
        for moment, _ in _changes(site):
            for k in range(-2, 2):
                key = (site, (moment + dt.timedelta(hours=k)).strftime("%Y-%m-%dT%H:%M:%SZ"))
                assert truth.get(key, 0) > 0, key


def test_the_repeated_hour_has_calls_in_both_readings_and_one_local_hour_holds_both(company):
    company_dir, settings = company
    calls = _truth_calls(company_dir)
    for site in ZONES:
        for moment, change in _changes(site):
            if change > dt.timedelta(0):
                continue  # spring: nothing is repeated
            starts = [_utc(c["start_utc"]) for c in calls if c["site"] == site]
            first = [s for s in starts if moment + change <= s < moment]
            second = [s for s in starts if moment <= s < moment - change]
            assert first and second, (site, moment)
            repeated_local_hour = _local(moment, site)  # the wall clock went back to this
            (counted,) = _query(
                settings,
                f"SELECT count(*) FROM marts.fct_calls WHERE site_id = '{site}' "
                f"AND date_trunc('hour', started_at_local) = TIMESTAMP '{repeated_local_hour}'",
            )[0]
            assert counted == len(first) + len(second)


def test_calls_near_every_change_have_their_true_start_answer_end_talk_and_ring(company):
    """Call by call within three hours of a change: UTC start, answer, end, local start, talk, ring."""
    company_dir, settings = company
    facts = {
        (site, call_id.split(":", 1)[1].split("-")[-1]): row
        for site, call_id, *row in _query(
            settings,
            "SELECT site_id, call_id, started_at_utc, answered_at_utc, ended_at_utc, started_at_local, "
            "talk_seconds, ring_seconds FROM marts.fct_calls",
        )
    }
    checked, across, wrong = 0, 0, []
    for call in _truth_calls(company_dir):
        site, start = call["site"], _utc(call["start_utc"])
        changes = [m for m, _ in _changes(site) if abs(start - m) <= NEAR]
        if not changes:
            continue
        answer, end = _utc(call["answer_utc"]), _utc(call["end_utc"])
        expected = [start, answer, end, _local(start, site), int(call["talk_seconds"]),
                    int(((answer or end) - start).total_seconds())]  # fmt: skip
        checked += 1
        across += any(start < m <= end for m in changes)
        if facts.get((site, call["call_key"])) != expected:
            wrong.append((site, call["call_key"], expected, facts.get((site, call["call_key"]))))
    print(f"\nclock changes: {checked} calls near a change checked ({across} across it), {len(wrong)} wrong")
    assert wrong == []
    # the generator puts calls across each change
    assert across >= 2 * sum(len(_changes(site)) for site in ZONES)


def test_local_time_legs_of_the_repeated_hour_were_told_apart_by_evidence(company):
    """Every repeated local time was decided by the PBX's fields or its write order, none by the fallback."""
    _, settings = company
    rules = dict(
        _query(
            settings,
            "SELECT utc_rule, count(*) FROM intermediate.int_call_legs_unioned "
            "WHERE pbx_format <> 'cisco_cucm_cdr' GROUP BY ALL",
        )
    )
    print(f"\nclock changes: local-time legs by rule {dict(sorted(rules.items()))}")
    assert "no_evidence_first" not in rules
    assert sum(rules.get(r, 0) for r in ("write_order_first", "write_order_second", "pbx_epoch")) > 0
