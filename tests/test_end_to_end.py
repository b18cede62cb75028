"""The thin path end to end on a small demo company: PBX files to published fct_calls.

Numbers in the published ``fct_calls`` must equal what the generator knows it
produced (its truth file is written from its own call list, not from the files).
"""

from __future__ import annotations

import csv
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from ingestion.config.settings import Settings
from orchestration.serving.publish import current_publication, publish
from tests.conftest import run_ringledger
from tests.publish_support import published_content

pytestmark = pytest.mark.slow

SITES = ["berlin", "chicago", "london"]  # Asterisk, Cisco UCM, Avaya IP Office
UTC_OFFSETS = {"berlin": {1, 2}, "chicago": {-6, -5}, "london": {0, 1}}  # standard / summer time


def _published(settings: Settings) -> duckdb.DuckDBPyConnection:
    path = current_publication(settings.published_dir)
    assert path is not None and path.exists()
    return duckdb.connect(str(path), read_only=True)


def _counts(con: duckdb.DuckDBPyConnection, column: str, site: str) -> dict[str, int]:
    rows = con.execute(
        f"SELECT {column}, count(*) FROM fct_calls WHERE site_id = ? GROUP BY 1", [site]
    ).fetchall()
    return dict(rows)


@pytest.mark.parametrize("site", SITES)
def test_calls_match_what_the_generator_produced(published_demo: Settings, demo_truth: dict, site: str):
    truth = demo_truth["sites"][site]
    con = _published(published_demo)
    calls = con.execute("SELECT count(*) FROM fct_calls WHERE site_id = ?", [site]).fetchone()[0]
    assert calls == truth["calls"]
    assert _counts(con, "direction", site) == {k: v for k, v in truth["by_direction"].items() if v}
    assert _counts(con, "disposition", site) == {k: v for k, v in truth["by_disposition"].items() if v}
    both = _counts(con, "direction || '|' || disposition", site)
    assert both == {k: v for k, v in truth["by_direction_disposition"].items() if v}
    talk = con.execute("SELECT sum(talk_seconds) FROM fct_calls WHERE site_id = ?", [site]).fetchone()[0]
    assert talk == truth["talk_seconds"]
    legs = con.execute("SELECT sum(leg_count) FROM fct_calls WHERE site_id = ?", [site]).fetchone()[0]
    assert legs == truth["records"]


@pytest.mark.parametrize("site", SITES)
def test_every_answered_outbound_call_is_rated_and_costs_what_the_tariff_says(
    published_demo: Settings, demo_company: Path, site: str
):
    con = _published(published_demo)
    unrated = con.execute(
        "SELECT count(*) FROM fct_calls WHERE direction = 'outbound' AND disposition = 'answered' "
        "AND cost IS NULL"
    ).fetchone()[0]
    assert unrated == 0
    plan = _site_plan(demo_company, site)
    rates = _read_plan(demo_company / "tariffs" / f"{plan}.csv")
    rows = con.execute(
        "SELECT called_number_e164, talk_seconds, cost, tariff_plan FROM fct_calls "
        "WHERE site_id = ? AND direction = 'outbound' AND disposition = 'answered'",
        [site],
    ).fetchall()
    assert rows, "the demo company makes answered outbound calls"
    for number, talk, cost, rated_plan in rows:
        assert rated_plan == plan
        assert cost == _expected_cost(rates, number, talk), number


def test_unanswered_and_inbound_calls_cost_nothing(published_demo: Settings):
    con = _published(published_demo)
    charged = con.execute(
        "SELECT count(*) FROM fct_calls WHERE (disposition <> 'answered' OR direction <> 'outbound') "
        "AND cost <> 0"
    ).fetchone()[0]
    assert charged == 0


@pytest.mark.parametrize("site", SITES)
def test_times_are_utc_with_the_site_clock_beside_them(published_demo: Settings, site: str):
    con = _published(published_demo)
    offsets = con.execute(
        "SELECT DISTINCT date_diff('hour', started_at_utc, started_at_local) "
        "FROM fct_calls WHERE site_id = ?",
        [site],
    ).fetchall()
    assert offsets and {o for (o,) in offsets} <= UTC_OFFSETS[site]


def test_running_the_pipeline_again_adds_nothing(published_demo: Settings, tmp_path: Path):
    before = (
        _published(published_demo).execute("SELECT count(*), sum(talk_seconds) FROM fct_calls").fetchone()
    )
    first = current_publication(published_demo.published_dir)
    output = run_ringledger(published_demo, "pipeline")
    second = current_publication(published_demo.published_dir)
    assert second is not None and second == first  # nothing new: the served version stays ...
    assert "published: nothing changed" in output and "(full copy)" not in output
    after = _published(published_demo).execute("SELECT count(*), sum(talk_seconds) FROM fct_calls").fetchone()
    assert after == before  # ... with the same facts: the same as a full copy of the warehouse
    fresh = publish(published_demo.warehouse_path, tmp_path / "fresh")
    assert published_content(second) == published_content(fresh.path)
    manifest = (published_demo.landing_dir / "manifest.jsonl").read_text().splitlines()
    assert len(manifest) == len({json.loads(line)["sha256"] for line in manifest})


def _site_plan(demo_company: Path, site: str) -> str:
    import yaml

    sites = yaml.safe_load((demo_company / "config" / "sites.yml").read_text())["sites"]
    return next(s["tariff_plan"] for s in sites if s["id"] == site)


def _read_plan(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _expected_cost(rates: list[dict[str, str]], number: str, talk: int) -> Decimal:
    """Longest-prefix rating written independently of the SQL, straight from the plan file."""
    rate = max((r for r in rates if number.startswith(r["prefix"])), key=lambda r: len(r["prefix"]))
    first, step = int(rate["initial_increment_s"]), int(rate["next_increment_s"])
    if talk <= 0:
        billed = 0
    elif talk <= first:
        billed = first
    else:
        billed = first + -(-(talk - first) // step) * step
    cost = Decimal(rate["connect_fee"]) + Decimal(billed) * Decimal(rate["rate_per_minute"]) / 60
    return cost.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
