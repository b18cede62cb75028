"""Who a call is booked to after a transfer, and the class of its remote party.

One booking rule per site (``booking`` in sites.yml: final_party by default, first_party,
split) decides both the person, department and branch of ``fct_calls`` and the cost
allocation. An internal call to an extension is internal even where the digits are an
emergency number; an inbound call is classed by its caller. The rules are dbt unit tests
(``_org__unit_tests.yml``, ``_calls__unit_tests.yml``, ``_destinations__unit_tests.yml``),
run by tests/dbt_project/test_dbt_unit_tests.py; the invariants are checked on the real pipeline build
of the demo company (the session's ``published_demo``), against the generator's own HR file.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingestion.config.company import load_sites
from ingestion.config.errors import ConfigError
from ingestion.config.settings import Settings

SITE = """
sites:
  - id: berlin
    timezone: Europe/Berlin
    country: DE
    pbx: asterisk
    tariff_plan: p1
    dial_plan: {{access_code: "0", international_prefix: "00", national_prefix: "0", country_code: "49"}}
{extra}"""


def _sites(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "sites.yml").write_text(SITE.format(extra=extra))
    return tmp_path


def test_booking_is_final_party_unless_the_site_says_otherwise(tmp_path: Path):
    (site,) = load_sites(_sites(tmp_path))
    assert site.booking == "final_party"
    for rule in ("final_party", "first_party", "split"):
        (site,) = load_sites(_sites(tmp_path, f"    booking: {rule}\n"))
        assert site.booking == rule


def test_a_bad_booking_names_the_file_the_site_and_the_field(tmp_path: Path):
    with pytest.raises(ConfigError) as error:
        load_sites(_sites(tmp_path, "    booking: receptionist\n"))
    assert error.value.path == str(tmp_path / "config" / "sites.yml")
    assert error.value.where == "sites[1] (berlin)"
    assert (
        "field 'booking' should be one of ['final_party', 'first_party', 'split'], got 'receptionist'"
        in str(error.value)
    )


def test_the_former_field_name_is_read_and_must_not_contradict_booking(tmp_path: Path):
    (site,) = load_sites(_sites(tmp_path, "    transfer_cost_allocation: split\n"))
    assert site.booking == "split"
    (site,) = load_sites(_sites(tmp_path, "    booking: split\n    transfer_cost_allocation: split\n"))
    assert site.booking == "split"
    with pytest.raises(ConfigError, match=r"sites\[1\] \(berlin\): field 'booking' is 'first_party' but"):
        load_sites(_sites(tmp_path, "    booking: first_party\n    transfer_cost_allocation: split\n"))


@pytest.fixture(scope="module")
def warehouse(published_demo: Settings):
    con = duckdb.connect(str(published_demo.warehouse_path), read_only=True)
    yield con
    con.close()


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.mark.slow
def test_the_cost_allocation_agrees_with_fct_calls_call_by_call(warehouse):
    calls = {r["call_id"]: r for r in _rows(warehouse, "SELECT * FROM marts.fct_calls")}
    allocations: dict[str, list[dict]] = {}
    for row in _rows(warehouse, "SELECT * FROM marts.fct_call_cost_allocation"):
        allocations.setdefault(row["call_id"], []).append(row)
    charged = {call_id for call_id, call in calls.items() if call["cost"] is not None and call["cost"] > 0}
    assert len(charged) > 100
    assert set(allocations) == charged
    for call_id, rows in allocations.items():
        call = calls[call_id]
        assert sum((r["allocated_cost"] for r in rows), Decimal(0)) == call["cost"], call_id
        assert all(isinstance(r["allocated_cost"], Decimal) for r in rows)
        # the demo's sites take the default: the whole cost on the one booked party, fct_calls' own
        (row,) = rows
        assert row["is_booked"] and row["allocation_rule"] == call["booking"] == "final_party"
        booked = (
            row["extension"],
            row["person_key"],
            row["person_id"],
            row["department_key"],
            row["branch_key"],
        )
        shown = (call["booked_extension"], call["person_key"], call["person_id"], call["department_key"])
        assert booked == (*shown, call["branch_key"]), call_id
        assert row["currency"] == call["currency"]


def _holders(demo_company: Path) -> dict[tuple[str, str], list[dict]]:
    with (demo_company / "directory" / "hr_assignments.csv").open(encoding="utf-8") as handle:
        held: dict[tuple[str, str], list[dict]] = {}
        for row in csv.DictReader(handle):
            held.setdefault((row["site_id"], row["extension"]), []).append(row)
    return held


def _holder(held: dict, site: str, extension: str | None, moment: dt.datetime) -> str | None:
    day = moment.date().isoformat()
    for row in held.get((site, extension), []):
        if row["valid_from"] <= day and (not row["valid_to"] or day < row["valid_to"]):
            return row["employee_id"]
    return None


@pytest.mark.slow
def test_a_transferred_call_is_booked_to_whoever_held_the_final_extension(warehouse, demo_company: Path):
    held = _holders(demo_company)
    calls = _rows(warehouse, "SELECT * FROM marts.fct_calls WHERE disposition = 'answered'")
    transferred = [c for c in calls if c["transfer_count"] > 0]
    assert len(transferred) > 20, "the demo company should transfer some calls through reception"
    assert all(c["booked_extension"] == c["final_extension"] for c in calls)
    wrong = [
        (c["call_id"], c["final_extension"], c["person_id"])
        for c in transferred
        if c["person_id"] != _holder(held, c["site_id"], c["final_extension"], c["started_at_local"])
    ]
    assert wrong == []
    # and not to the first who answered, where someone else held that extension
    assert any(
        c["person_id"] != _holder(held, c["site_id"], c["extension"], c["started_at_local"])
        for c in transferred
    )


@pytest.mark.slow
def test_an_inbound_calls_remote_party_is_its_caller(warehouse):
    inbound = _rows(
        warehouse,
        "SELECT site_id, caller_number_e164, destination_id, destination_category FROM marts.fct_calls"
        " WHERE direction = 'inbound'",
    )
    assert len(inbound) > 100
    for call in inbound:
        caller = call["caller_number_e164"]
        party = f"+{caller}" if caller and len(caller) >= 4 else "unknown"
        assert call["destination_id"] == f"{call['site_id']}:{party}"
        assert call["destination_category"] not in {"internal", "emergency", "service"}
    assert {"mobile", "local", "national", "international"} <= {c["destination_category"] for c in inbound}
