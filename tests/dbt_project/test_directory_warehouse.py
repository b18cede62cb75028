"""Calls follow the directory's history in the warehouse built from the demo company.

The expected holder of every call is computed here from the generator's own
``hr_assignments.csv``, independently of the dbt models.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from ingestion.config.settings import DBT_PROJECT_DIR, Settings
from orchestration.defs.transform import dbt_executable

CALLS = """
SELECT calls.call_id, calls.site_id, parties.extension, calls.started_at_local,
       parties.person_id, parties.department_id, parties.person_key, parties.department_key
FROM intermediate.int_calls_merged AS calls
JOIN intermediate.int_call_parties_attributed AS parties USING (call_id)
"""
# The bridge as documented: as of the call's local start.
AS_OF_START = """
FROM intermediate.int_call_parties_attributed AS parties
JOIN intermediate.int_calls_merged AS calls USING (call_id)
JOIN marts.dim_department_hierarchy AS bridge
  ON bridge.department_id = parties.department_id
  AND calls.started_at_local >= bridge.valid_from AND calls.started_at_local < bridge.valid_to
"""
COUNTED_FOR = f"""
SELECT bridge.ancestor_department_id, count(*) {AS_OF_START}
WHERE list_contains(?, parties.call_id)
GROUP BY 1 ORDER BY 1
"""


@pytest.fixture(scope="module")
def warehouse(published_demo: Settings):
    con = duckdb.connect(str(published_demo.warehouse_path), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def hr_rows(demo_company: Path) -> list[dict]:
    with (demo_company / "directory" / "hr_assignments.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["valid_from"] = dt.date.fromisoformat(row["valid_from"])
        row["valid_to"] = dt.date.fromisoformat(row["valid_to"]) if row["valid_to"] else dt.date.max
    return rows


@pytest.fixture(scope="module")
def ancestors(demo_company: Path) -> dict[str, set[str]]:
    """Each department with itself and all its parents, from departments.csv."""
    with (demo_company / "directory" / "departments.csv").open(encoding="utf-8") as handle:
        parent = {row["department_id"]: row["parent_department_id"] for row in csv.DictReader(handle)}
    chains = {}
    for department in parent:
        chain, current = set(), department
        while current:
            chain.add(current)
            current = parent[current]
        chains[department] = chain
    return chains


def holder(hr_rows: list[dict], site: str, extension: str | None, moment: dt.datetime) -> dict | None:
    held = [
        r
        for r in hr_rows
        if (r["site_id"], r["extension"]) == (site, extension)
        and r["valid_from"] <= moment.date() < r["valid_to"]
    ]
    assert len(held) <= 1, f"the demo directory has {extension} at {site} held twice on {moment}"
    return held[0] if held else None


def test_every_call_goes_to_who_held_its_extension_at_its_local_start(warehouse, hr_rows):
    calls = warehouse.execute(CALLS).fetchall()
    assert calls
    mismatches = []
    for call_id, site, extension, started, person, department, _, _ in calls:
        expected = holder(hr_rows, site, extension, started)
        want = (expected["employee_id"], expected["department_id"]) if expected else (None, None)
        if (person, department) != want:
            mismatches.append((call_id, site, extension, started, (person, department), want))
    assert mismatches == []
    attributed = sum(1 for call in calls if call[4] is not None)
    assert attributed / len(calls) > 0.95


def test_a_call_before_a_move_counts_for_the_old_department_and_after_for_the_new(
    warehouse, hr_rows, ancestors
):
    movers = {}
    for row in hr_rows:
        movers.setdefault(row["employee_id"], []).append(row)
    moves = [sorted(rows, key=lambda r: r["valid_from"]) for rows in movers.values() if len(rows) == 2]
    calls = warehouse.execute(CALLS).fetchall()
    checked = 0
    for old, new in moves:
        if old["department_id"] == new["department_id"]:
            continue
        own = [c for c in calls if c[4] == old["employee_id"]]
        before = [c for c in own if c[3].date() < new["valid_from"]]
        after = [c for c in own if c[3].date() >= new["valid_from"]]
        if not before or not after:
            continue
        assert {c[5] for c in before} == {old["department_id"]}
        assert {c[5] for c in after} == {new["department_id"]}
        assert len({c[6] for c in before} | {c[6] for c in after}) == 2  # one person, two versions
        for calls_of, department in ((before, old["department_id"]), (after, new["department_id"])):
            counted_for = warehouse.execute(COUNTED_FOR, [[c[0] for c in calls_of]]).fetchall()
            assert counted_for == [(d, len(calls_of)) for d in sorted(ancestors[department])]
        checked += 1
    assert checked, "the demo company should have a mover with calls before and after the move"


def test_bridge_counts_each_call_once_per_department_up_the_tree(warehouse):
    per_level = warehouse.execute(
        f"SELECT bridge.ancestor_department_id, count(*) {AS_OF_START} GROUP BY 1"
    ).fetchall()
    counts = dict(per_level)
    attributed = warehouse.execute(
        "SELECT count(*) FROM intermediate.int_call_parties_attributed WHERE department_id IS NOT NULL"
    ).fetchone()[0]
    assert counts["company"] == attributed
    divisions = warehouse.execute(
        "SELECT department_id FROM marts.dim_department WHERE parent_department_id = 'company'"
    ).fetchall()
    assert sum(counts.get(d, 0) for (d,) in divisions) == attributed


def test_dimensions_are_loaded_with_history(warehouse, hr_rows):
    people, versions, current = warehouse.execute(
        "SELECT count(DISTINCT person_id), count(*), count(*) FILTER (WHERE is_current) FROM marts.dim_person"
    ).fetchone()
    assert versions == len(hr_rows) and people == len({r["employee_id"] for r in hr_rows})
    assert current == sum(1 for r in hr_rows if r["valid_to"] == dt.date.max)
    assert warehouse.execute("SELECT count(*) FROM raw.directory_warnings").fetchone()[0] == 0
    for table in ("dim_branch", "dim_department", "dim_extension", "dim_trunk", "dim_carrier"):
        assert warehouse.execute(f"SELECT count(*) FROM marts.{table}").fetchone()[0] > 0, table


def _re_parent_in_snapshot(
    con: duckdb.DuckDBPyConnection, department: str, parent: str, day: dt.date
) -> None:
    """Record what `dbt snapshot` writes when HR moves ``department`` under ``parent``, seen on ``day``.

    The pipeline ran today, after the demo's calls: its snapshot rows are dated back to
    before ``day``, as if the warehouse had known the old tree since then.
    """
    learned = dt.datetime.combine(day, dt.time(6))
    con.execute(
        "UPDATE snapshots.snap_directory__departments SET dbt_valid_from = ?, dbt_updated_at = ? "
        "WHERE dbt_valid_to IS NULL",
        [learned - dt.timedelta(days=30)] * 2,
    )
    con.execute(
        """
        INSERT INTO snapshots.snap_directory__departments
        SELECT * REPLACE (? AS parent_department_id, ? AS dbt_valid_from, ? AS dbt_updated_at,
                          NULL AS dbt_valid_to, md5(department_id || ?) AS dbt_scd_id)
        FROM snapshots.snap_directory__departments WHERE department_id = ? AND dbt_valid_to IS NULL
        """,
        [parent, learned, learned, str(learned), department],
    )
    con.execute(
        "UPDATE snapshots.snap_directory__departments SET dbt_valid_to = ? "
        "WHERE department_id = ? AND dbt_valid_to IS NULL AND dbt_valid_from < ?",
        [learned, department, learned],
    )


def _build_org_models(warehouse: Path, target: Path) -> None:
    """Run the real `dbt build` (models, tests, unit tests) of the department models on ``warehouse``."""
    models = ["int_departments_versioned", "int_department_ancestors", "int_department_paths_current"]
    models += ["dim_department", "dim_department_hierarchy"]
    command = [dbt_executable(), "build", "--quiet", "--select", *models]
    command += ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    command += ["--target-path", str(target), "--log-path", str(target)]
    env = {**os.environ, "RINGLEDGER_WAREHOUSE": str(warehouse)}
    completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]


def test_after_a_re_parenting_earlier_calls_roll_up_to_the_old_parent_and_later_ones_to_the_new(
    published_demo: Settings, ancestors, tmp_path: Path
):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(published_demo.warehouse_path, warehouse)
    con = duckdb.connect(str(warehouse))
    # the department with the most calls, its parent, and the day that splits its calls in two
    department, old_parent, day = con.execute(
        """
        SELECT parties.department_id, any_value(departments.parent_department_id),
               cast(median(calls.started_at_local) AS date)
        FROM intermediate.int_call_parties_attributed AS parties
        JOIN intermediate.int_calls_merged AS calls USING (call_id)
        JOIN marts.dim_department AS departments USING (department_key)
        GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1
        """
    ).fetchone()
    # a new parent outside its subtree whose own chain does not pass through the old parent
    new_parent = min(
        d for d, chain in ancestors.items() if department not in chain and old_parent not in chain
    )
    _re_parent_in_snapshot(con, department, new_parent, day)
    con.close()
    _build_org_models(warehouse, tmp_path / "dbt")

    con = duckdb.connect(str(warehouse), read_only=True)
    counted = con.execute(
        f"""
        SELECT calls.started_at_local >= ? AS later, bridge.ancestor_department_id, count(DISTINCT call_id),
               count(*)
        {AS_OF_START} WHERE parties.department_id = ? GROUP BY ALL
        """,
        [day, department],
    ).fetchall()
    assert all(calls == rows for *_, calls, rows in counted), "a call counted twice for one department"
    before = {ancestor: calls for later, ancestor, calls, _ in counted if not later}
    after = {ancestor: calls for later, ancestor, calls, _ in counted if later}
    calls_before, calls_after = before[department], after[department]
    assert calls_before and calls_after
    assert old_parent in before and old_parent not in after and new_parent in after
    assert before == {d: calls_before for d in ancestors[department]}
    assert after == {d: calls_after for d in {department} | ancestors[new_parent]}
