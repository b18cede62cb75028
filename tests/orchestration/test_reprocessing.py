"""Reprocessing replaces exactly the days it touches, in the facts and the intermediate tables."""

from __future__ import annotations

import duckdb
import pytest

from ingestion.config.settings import Settings
from orchestration.serving.publish import current_publication, publish
from tests.conftest import run_ringledger
from tests.publish_support import published_content

pytestmark = pytest.mark.slow

FACTS_HASH = "SELECT md5(string_agg(CAST(f AS VARCHAR), '|' ORDER BY call_id)) FROM marts.fct_calls AS f"
# Every table incremental by (source, local call date), and those derived from them incrementally
# (by new key, by number, by local day).
CALL_TABLES = [
    "intermediate.int_call_legs_staged",
    "intermediate.int_call_legs_unioned",
    "intermediate.int_calls_merged",
    "intermediate.int_calls_rated",
    "intermediate.int_call_numbers",
    "intermediate.int_call_destinations",
    "intermediate.int_call_time_bands",
    "intermediate.int_call_party_shares",
    "intermediate.int_call_parties_attributed",
    "intermediate.int_call_leg_quality",
    "intermediate.int_destinations_classified",
    "intermediate.int_number_geography",
    "intermediate.int_call_legs_off_trunk",
    "marts.fct_calls",
    "marts.fct_call_legs",
    "marts.fct_inbound_service",
    "marts.fct_missed_calls",
    "marts.fct_call_cost_allocation",
    "marts.dim_destination",
    "marts.rpt_calls_daily",
    "marts.rpt_inbound_service_daily",
]


def call_table_hashes(settings: Settings, without_load_times: bool = False) -> dict[str, tuple]:
    """Row count and an order-independent hash of every call-level table (loaded_at left out on request)."""
    columns = "COLUMNS(lambda c: c <> 'loaded_at')" if without_load_times else "*"
    return {
        table: query(
            settings,
            f"SELECT count(*), md5(string_agg(CAST(t AS VARCHAR), '|' ORDER BY CAST(t AS VARCHAR))) "
            f"FROM (SELECT {columns} FROM {table}) AS t",
        )[0]
        for table in CALL_TABLES
    }


def _facts(settings: Settings, where: str = "true") -> list[tuple]:
    return query(settings, f"{FACTS_HASH} WHERE {where}")


def _busiest_day(settings: Settings) -> tuple[str, str]:
    ((source, day),) = query(
        settings,
        "SELECT source_name, call_date_local FROM marts.fct_calls "
        "GROUP BY ALL ORDER BY count(*) DESC LIMIT 1",
    )
    return source, day.isoformat()


def test_reprocessing_a_day_restores_exactly_its_facts_and_touches_nothing_else(published_demo: Settings):
    source, day = _busiest_day(published_demo)
    everything = _facts(published_demo)
    tables = call_table_hashes(published_demo)
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
    # The intermediate tables' rows of that day were deleted and rebuilt from raw too, identically.
    assert call_table_hashes(published_demo) == tables
    assert (
        _facts(published_demo, f"NOT (source_name = '{source}' AND call_date_local = DATE '{day}')") == others
    )
    assert published_equals_a_fresh_publish(published_demo)


def published_equals_a_fresh_publish(settings: Settings) -> bool:
    """Whether the served copy (maybe published from dbt's rebuild log) equals one published from nothing."""
    served = current_publication(settings.published_dir)
    fresh = publish(settings.warehouse_path, settings.published_dir.parent / "fresh-publish")
    return served is not None and published_content(served) == published_content(fresh.path)


def test_reprocess_rejects_an_unknown_source_or_a_reversed_range(published_demo: Settings):
    with pytest.raises(AssertionError, match="unknown source 'nowhere'"):
        run_ringledger(
            published_demo, "reprocess", "--source", "nowhere", "--from", "2026-08-03", "--to", "2026-08-03"
        )
    with pytest.raises(AssertionError, match="is before --from"):
        run_ringledger(published_demo, "reprocess", "--from", "2026-08-05", "--to", "2026-08-03")


def query(settings: Settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
