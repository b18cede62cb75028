"""Reprocessing and incremental builds replace exactly the days they touch."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from ringledger.settings import Settings
from tests.conftest import run_ringledger, settings_under

pytestmark = pytest.mark.slow

FACTS_HASH = "SELECT md5(string_agg(CAST(f AS VARCHAR), '|' ORDER BY call_id)) FROM marts.fct_calls AS f"


def _facts(settings: Settings, where: str = "true") -> list[tuple]:
    return _query(settings, f"{FACTS_HASH} WHERE {where}")


def _busiest_day(settings: Settings) -> tuple[str, str]:
    ((source, day),) = _query(
        settings,
        "SELECT source_name, call_date_local FROM marts.fct_calls "
        "GROUP BY ALL ORDER BY count(*) DESC LIMIT 1",
    )
    return source, day.isoformat()


def test_reprocessing_a_day_restores_exactly_its_facts_and_touches_nothing_else(published_demo: Settings):
    source, day = _busiest_day(published_demo)
    everything = _facts(published_demo)
    others = _facts(published_demo, f"NOT (source_name = '{source}' AND call_date_local = DATE '{day}')")

    # Lose that day's facts (as a bad parser release would), then rebuild it from raw.
    con = duckdb.connect(str(published_demo.warehouse_path))
    deleted = con.execute(
        "DELETE FROM marts.fct_calls WHERE source_name = ? AND call_date_local = ?", [source, day]
    ).fetchone()[0]
    con.close()
    assert deleted > 0
    run_ringledger(published_demo, "reprocess", "--source", source, "--from", day, "--to", day)

    assert _facts(published_demo) == everything
    assert (
        _facts(published_demo, f"NOT (source_name = '{source}' AND call_date_local = DATE '{day}')") == others
    )


def test_reprocess_rejects_an_unknown_source_or_a_reversed_range(published_demo: Settings):
    with pytest.raises(AssertionError, match="unknown source 'nowhere'"):
        run_ringledger(
            published_demo, "reprocess", "--source", "nowhere", "--from", "2026-08-03", "--to", "2026-08-03"
        )
    with pytest.raises(AssertionError, match="is before --from"):
        run_ringledger(published_demo, "reprocess", "--from", "2026-08-05", "--to", "2026-08-03")


def test_a_new_day_is_added_without_rebuilding_the_others(tmp_path: Path, demo_company: Path):
    """Hold back the Asterisk site's last daily file, build, then let it arrive."""
    company = tmp_path / "company"
    shutil.copytree(demo_company, company)
    files = sorted((company / "pbx" / "berlin-asterisk").glob("Master.csv-*"))
    last_day = files[-1].name.removeprefix("Master.csv-")
    held_back = files[-1].rename(tmp_path / files[-1].name)
    settings = settings_under(tmp_path / "home", company)
    run_ringledger(settings, "pipeline")
    before = _query(settings, "SELECT count(*) FROM marts.fct_calls")

    held_back.rename(files[-1])
    run_ringledger(settings, "pipeline")
    rebuilt = _query(
        settings,
        "SELECT source_name, strftime(call_date_local, '%Y%m%d') FROM intermediate.int_rebuild_scope",
    )
    # Only the new file's day (and the day before, for calls that crossed midnight) is rebuilt.
    assert ("berlin-asterisk", last_day) in rebuilt
    assert all(source == "berlin-asterisk" and day >= _day_before(last_day) for source, day in rebuilt)
    assert _query(settings, "SELECT count(*) FROM marts.fct_calls")[0][0] > before[0][0]

    # The result equals a build that had every file from the start.
    fresh = settings_under(tmp_path / "fresh", company)
    run_ringledger(fresh, "pipeline")
    assert _facts_without_load_times(settings) == _facts_without_load_times(fresh)


def _day_before(day: str) -> str:
    import datetime as dt

    return (dt.datetime.strptime(day, "%Y%m%d") - dt.timedelta(days=1)).strftime("%Y%m%d")


def _query(settings: Settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _facts_without_load_times(settings: Settings) -> list[tuple]:
    return _query(
        settings,
        "SELECT md5(string_agg(CAST(f AS VARCHAR), '|' ORDER BY call_id)) "
        "FROM (SELECT * EXCLUDE (loaded_at) FROM marts.fct_calls) AS f",
    )
