"""The demo company with its directory given as snapshot exports, through the real pipeline.

The demo's HR history is replaced by what HR and Active Directory actually
export: three CSV snapshots of the people (UTF-8 with a byte-order mark, CRLF,
names quoted because they hold commas, departments by path of names) and two
LDIF snapshots of the departments (UTF-16, as ``ldifde -u`` writes them, names
base64-encoded). Between the snapshots a person moves, a leaver's extension
goes to a new hire, a person is missing from one snapshot, two departments are
renamed and one is moved under another division. Who should get each call is
worked out here from the snapshot files alone, not by the project's code.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from orchestration.serving.publish import current_publication
from tests.conftest import run_ringledger, settings_under

D1, D2, D3 = dt.date(2026, 8, 3), dt.date(2026, 8, 8), dt.date(2026, 8, 12)  # the demo runs 3-16 Aug
SITE = "berlin"
MOVER, LEAVER, NEW_HIRE, MISSING = (
    "Groß-Böhm, Jürgen Ä.",
    "Ağaoğlu, İlkay Işıl",
    "Ёлкина, Ирина",
    "Öztürk, Gül Şebnem",
)
RENAMED = {
    "sales-dach": "Satış ve Vertrieb DACH, Berlin",
    "logistics": "Отдел логистики",
    "finance": "Finanzen, Steuern & Zölle",
}
CONFIG = """
sources:
  - name: ad-units
    kind: departments
    format: ldif
    encoding: utf-16
    snapshots:
      - {path: directory/ad/units-start.ldif, instant: 2026-08-03}
      - {path: directory/ad/units-reorg.ldif, instant: 2026-08-12}
  - name: hr
    kind: assignments
    format: csv
    snapshots: directory/hr/people_*.csv
"""
PEOPLE_FILES = {D1: "people_2026-08-03.csv", D2: "people_20260808.csv", D3: "people_2026-08-12.csv"}
CALLS = """
SELECT calls.call_id, calls.started_at_local, parties.extension, parties.person_id, parties.department_id
FROM intermediate.int_calls_merged AS calls
JOIN intermediate.int_call_parties_attributed AS parties USING (call_id)
WHERE calls.site_id = ?
"""


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _busiest_extensions(truth_calls: Path) -> list[str]:
    counts = Counter(row["from"] for row in _read_csv(truth_calls) if row["site"] == SITE)
    return [extension for extension, _ in counts.most_common()]


def _ldif(departments: list[dict]) -> bytes:
    lines = ["version: 1", ""]
    for d in departments:
        name = d["name"]
        encoded = name.isascii() and "," not in name
        lines += [f"dn: OU={d['department_id']},DC=ringledger-demo,DC=example", "objectClass: top"]
        lines += ["objectClass: organizationalUnit", f"ou: {d['department_id']}"]
        lines.append(
            f"description: {name}" if encoded else f"description:: {base64.b64encode(name.encode()).decode()}"
        )
        lines += [f"parentOu: {d['parent_department_id']}"] if d["parent_department_id"] else []
        lines += [f"l: {d['site_id']}"] if d["site_id"] else []
        lines.append("")
    return "\r\n".join(lines).encode("utf-16")


def _paths(departments: list[dict]) -> dict[str, str]:
    by_id = {d["department_id"]: d for d in departments}

    def path(department_id: str) -> str:
        d = by_id[department_id]
        return f"{path(d['parent_department_id'])}/{d['name']}" if d["parent_department_id"] else d["name"]

    return {d: path(d) for d in by_id}


def _people_csv(rows: list[dict], paths: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)  # quotes what needs it, CRLF like a spreadsheet's export
    writer.writerow(["employee_id", "full_name", "email", "department", "site_id", "extension"])
    for r in rows:
        writer.writerow(
            [
                r["employee_id"],
                r["full_name"],
                r["email"],
                paths[r["department_id"]],
                r["site_id"],
                r["extension"],
            ]
        )
    return out.getvalue().encode("utf-8-sig")


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory, demo_company: Path) -> dict:
    """Copy the demo company, give it snapshot exports, run the pipeline; what was written and where."""
    root = tmp_path_factory.mktemp("snapshot-company")
    company = root / "company"
    shutil.copytree(demo_company, company)
    shutil.rmtree(company / "directory")
    hr = _read_csv(demo_company / "directory" / "hr_assignments.csv")
    units_start = _read_csv(demo_company / "directory" / "departments.csv")

    def as_of(day: dt.date) -> list[dict]:
        return [
            dict(r)
            for r in hr
            if r["valid_from"] <= day.isoformat() and (not r["valid_to"] or day.isoformat() < r["valid_to"])
        ]

    steady = {r["employee_id"] for r in hr if not r["valid_to"] and r["valid_from"] < D1.isoformat()}
    steady -= {r["employee_id"] for r in hr if r["valid_from"] >= D1.isoformat()}
    by_extension = {
        r["extension"]: r for r in as_of(D1) if r["site_id"] == SITE and r["employee_id"] in steady
    }
    busiest = _busiest_extensions(demo_company / "truth" / "calls.csv")
    mover, leaver, missing = [by_extension[e] for e in busiest if e in by_extension][:3]
    berlin_departments = sorted({r["department_id"] for r in hr if r["site_id"] == SITE})
    moved_to = next(d for d in berlin_departments if d != mover["department_id"])
    units = {d["department_id"]: d for d in units_start}
    new_division = next(
        d
        for d in ("div-operations", "div-technology", "div-corporate", "div-commercial")
        if d != units[moved_to]["parent_department_id"]
    )
    units_reorg = [
        {**d, "name": RENAMED.get(d["department_id"], d["name"])}
        | ({"parent_department_id": new_division} if d["department_id"] == moved_to else {})
        for d in units_start
    ]
    new_hire = {
        **leaver,
        "employee_id": "E09001",
        "full_name": NEW_HIRE,
        "email": "irina.yolkina@ringledger-demo.example",
    }

    snapshots: dict[dt.date, list[dict]] = {}
    for day in (D1, D2, D3):
        rows = []
        for r in as_of(day):
            if r["employee_id"] == leaver["employee_id"]:
                if day >= D2:
                    continue
                r["full_name"] = LEAVER
            if r["employee_id"] == missing["employee_id"]:
                if day == D2:
                    continue
                r["full_name"] = MISSING
            if r["employee_id"] == mover["employee_id"]:
                r["full_name"] = MOVER
                r["department_id"] = moved_to if day >= D2 else mover["department_id"]
            rows.append(r)
        rows += [new_hire] if day >= D2 else []
        snapshots[day] = rows
        paths = _paths(units_reorg if day >= D3 else units_start)
        path = company / "directory" / "hr" / PEOPLE_FILES[day]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_people_csv(rows, paths))
    (company / "directory" / "ad").mkdir()
    (company / "directory" / "ad" / "units-start.ldif").write_bytes(_ldif(units_start))
    (company / "directory" / "ad" / "units-reorg.ldif").write_bytes(_ldif(units_reorg))
    (company / "config" / "directory.yml").write_text(CONFIG, encoding="utf-8")

    settings = settings_under(root / "home", company)
    run_ringledger(settings, "pipeline", dagster_home=root / "home" / "dagster")
    return {
        "settings": settings,
        "snapshots": snapshots,
        "units": {D1: units_start, D3: units_reorg},
        "mover": mover,
        "moved_to": moved_to,
        "new_division": new_division,
        "leaver": leaver,
        "new_hire": new_hire,
        "missing": missing,
    }


@pytest.fixture(scope="module")
def warehouse(story):
    con = duckdb.connect(str(story["settings"].warehouse_path), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def published(story):
    con = duckdb.connect(str(current_publication(story["settings"].published_dir)), read_only=True)
    yield con
    con.close()


def _in_force(by_instant: dict[dt.date, list], moment: dt.datetime):
    """The snapshot in force at a local moment: the last one from before it, else the first."""
    days = sorted(by_instant)
    return by_instant[max([d for d in days if d <= moment.date()], default=days[0])]


def test_every_call_goes_to_who_held_its_extension_in_the_snapshot_in_force_at_its_start(story, warehouse):
    calls = warehouse.execute(CALLS, [SITE]).fetchall()
    assert len(calls) > 300
    wrong = []
    for call_id, started, extension, person, department in calls:
        holders = {r["extension"]: r for r in _in_force(story["snapshots"], started)}
        held = holders.get(extension)
        expected = (held["employee_id"], held["department_id"]) if held else (None, None)
        if (person, department) != expected:
            wrong.append((call_id, started, extension, (person, department), expected))
    assert wrong == []


def _calls_of(warehouse, extension: str) -> list[tuple]:
    return [c for c in warehouse.execute(CALLS, [SITE]).fetchall() if c[2] == extension]


def test_a_call_before_the_move_counts_for_the_old_department_and_after_it_for_the_new(story, warehouse):
    mover = story["mover"]
    calls = _calls_of(warehouse, mover["extension"])
    before = {c[4] for c in calls if c[1].date() < D2}
    after = {c[4] for c in calls if c[1].date() >= D2}
    assert before == {mover["department_id"]} and after == {story["moved_to"]}
    assert {c[3] for c in calls} == {mover["employee_id"]}


def test_a_leavers_extension_goes_to_the_new_hire_from_the_first_snapshot_without_the_leaver(
    story, warehouse
):
    calls = _calls_of(warehouse, story["leaver"]["extension"])
    assert {c[3] for c in calls if c[1].date() < D2} == {story["leaver"]["employee_id"]}
    assert {c[3] for c in calls if c[1].date() >= D2} == {"E09001"}


def test_a_person_missing_from_one_snapshot_has_no_calls_in_between_and_a_warning(story, warehouse):
    missing = story["missing"]
    calls = _calls_of(warehouse, missing["extension"])
    periods = {(c[1].date() >= D2) + (c[1].date() >= D3): c[3] for c in calls}
    assert periods == {0: missing["employee_id"], 1: None, 2: missing["employee_id"]}
    warnings = warehouse.execute(
        "SELECT kind, file, field, value, message FROM raw.directory_warnings"
    ).fetchall()
    assert [(kind, Path(file).name, value) for kind, file, _, value, _ in warnings] == [
        ("snapshot_gap", PEOPLE_FILES[D3], missing["employee_id"])
    ]


def test_names_come_out_byte_exact_in_the_published_dimensions(story, published):
    people = published.execute(
        "SELECT person_id, full_name, valid_from, valid_to FROM dim_person WHERE person_id IN (?, ?, ?, ?)"
        " ORDER BY person_id, valid_from",
        [story[k]["employee_id"] for k in ("mover", "leaver", "new_hire", "missing")],
    ).fetchall()
    names = {person: name for person, name, *_ in people}
    assert names == {
        story["mover"]["employee_id"]: MOVER,
        story["leaver"]["employee_id"]: LEAVER,
        "E09001": NEW_HIRE,
        story["missing"]["employee_id"]: MISSING,
    }
    periods = {(p, f, t) for p, _, f, t in people if p == story["missing"]["employee_id"]}
    assert periods == {
        (story["missing"]["employee_id"], dt.date(1900, 1, 1), D2),
        (story["missing"]["employee_id"], D3, dt.date(9999, 12, 31)),
    }
    departments = published.execute(
        "SELECT department_id, department_name, valid_from, valid_to FROM dim_department"
        " WHERE list_contains(?, department_id) ORDER BY 1, 3",
        [list(RENAMED)],
    ).fetchall()
    old = {d["department_id"]: d["name"] for d in story["units"][D1]}
    assert departments == [
        row
        for department in sorted(RENAMED)
        for row in (
            (department, old[department], dt.date(1900, 1, 1), D3),
            (department, RENAMED[department], D3, dt.date(9999, 12, 31)),
        )
    ]


def test_published_calls_carry_the_department_version_in_force_at_their_start(story, published):
    calls = published.execute(
        """
        SELECT calls.started_at_local, calls.department_id, departments.department_name,
               departments.parent_department_id
        FROM fct_calls AS calls JOIN dim_department AS departments USING (department_key)
        WHERE calls.site_id = ?
        """,
        [SITE],
    ).fetchall()
    assert calls
    for started, department, name, parent in calls:
        unit = next(d for d in _in_force(story["units"], started) if d["department_id"] == department)
        assert (name, parent) == (unit["name"], unit["parent_department_id"] or None), (started, department)


def test_after_the_re_parenting_the_movers_calls_roll_up_to_the_new_division(story, published):
    counted = published.execute(
        """
        SELECT calls.started_at_local >= ? AS reorganised, bridge.ancestor_department_id, count(*)
        FROM fct_calls AS calls
        JOIN dim_department_hierarchy AS bridge
          ON bridge.department_id = calls.department_id
          AND calls.started_at_local >= bridge.valid_from AND calls.started_at_local < bridge.valid_to
        WHERE calls.person_id = ? AND calls.started_at_local >= ?
        GROUP BY ALL
        """,
        [D3, story["mover"]["employee_id"], D2],
    ).fetchall()
    ancestors = {(later, ancestor) for later, ancestor, _ in counted}
    old_division = next(
        d["parent_department_id"] for d in story["units"][D1] if d["department_id"] == story["moved_to"]
    )
    assert (False, old_division) in ancestors and (True, old_division) not in ancestors
    assert (True, story["new_division"]) in ancestors and (False, story["new_division"]) not in ancestors
    assert {
        (later, ancestor) for later, ancestor in ancestors if ancestor in ("company", story["moved_to"])
    } == {
        (False, "company"),
        (True, "company"),
        (False, story["moved_to"]),
        (True, story["moved_to"]),
    }
