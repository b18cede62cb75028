"""Directory import: CSV and LDIF exports, consolidation by employee id, warnings and errors."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from ingestion.config.errors import ConfigError
from ingestion.directory.consolidated import read_directory
from ingestion.directory.ldif import read_ldif
from ingestion.directory.load import load_directory
from ingestion.directory.sources import load_directory_sources
from tests.conftest import FIXTURES

LDIF_SAMPLE = FIXTURES / "directory" / "ad_export.ldif"
DEPARTMENTS = """department_id,name,parent_department_id,site_id
company,Demo Group,,
sales,Sales,company,berlin
people,People & HR,company,
"""
HEADER = "employee_id,full_name,email,department_id,site_id,extension,valid_from,valid_to\n"


def write_input(
    root: Path, assignments: str, departments: str = DEPARTMENTS, config: str | None = None
) -> Path:
    (root / "directory").mkdir(parents=True, exist_ok=True)
    (root / "directory" / "departments.csv").write_text(departments, encoding="utf-8")
    (root / "directory" / "hr_assignments.csv").write_text(HEADER + assignments, encoding="utf-8")
    if config is not None:
        (root / "config").mkdir(exist_ok=True)
        (root / "config" / "directory.yml").write_text(config, encoding="utf-8")
    return root


def kinds(directory) -> list[tuple[str, int, str]]:
    return sorted((w.kind, w.line, w.field) for w in directory.warnings)


def test_demo_layout_is_read_by_convention(tmp_path: Path):
    write_input(
        tmp_path,
        "E1,Zoë Krüger,zoe@x.example,sales,berlin,2013,2015-11-14,2026-08-08\n"
        "E1,Zoë Krüger,zoe@x.example,people,berlin,2013,2026-08-08,\n",
    )
    directory = read_directory(tmp_path, {"berlin"})
    assert [d.department_id for d in directory.departments] == ["company", "sales", "people"]
    first, second = directory.assignments
    assert (first.department_id, first.valid_to, second.valid_from, second.valid_to) == (
        "sales",
        dt.date(2026, 8, 8),
        dt.date(2026, 8, 8),
        None,
    )
    assert first.full_name == "Zoë Krüger" and second.origin.line == 3
    assert directory.warnings == []


def test_each_conflict_is_a_warning_naming_file_line_and_field(tmp_path: Path):
    write_input(
        tmp_path,
        "E1,Ann,,sales,berlin,2013,2020-01-01,\n"  # line 2
        "E2,Bob,,sales,berlin,2013,2026-08-01,\n"  # 3: extension 2013 held by E1 and E2 at once
        "E3,Cem,,finance,berlin,2014,2020-01-01,\n"  # 4: finance does not exist
        "E4,Dee,,sales,berlin,,2020-01-01,\n"  # 5: no extension
        "E5,Eve,,sales,berlin,2015,2020-01-01,2026-09-01\n"  # 6
        "E5,Eve,,people,berlin,2015,2026-08-01,\n"  # 7: overlaps line 6
        "E6,Fay,,sales,paris,2016,2020-01-01,\n",  # 8: unknown site
        departments=DEPARTMENTS + "legal,Legal,corporate,\n",  # line 5: parent does not exist
    )
    directory = read_directory(tmp_path, {"berlin"})
    assert kinds(directory) == [
        ("extension_shared", 3, "extension"),
        ("no_extension", 5, "extension"),
        ("overlapping_validity", 7, "valid_from"),
        ("unknown_department", 4, "department_id"),
        ("unknown_department", 5, "parent_department_id"),
        ("unknown_site", 8, "site_id"),
    ]
    shared = next(w for w in directory.warnings if w.kind == "extension_shared")
    assert shared.file.endswith("hr_assignments.csv") and shared.value == "2013"
    assert "E2" in shared.message and "E1" in shared.message and "hr_assignments.csv:2" in shared.message
    assert len(directory.assignments) == 7  # warnings never drop a row


def test_reassigned_extension_and_department_move_are_not_conflicts(tmp_path: Path):
    write_input(
        tmp_path,
        "E1,Ann,,sales,berlin,2013,2020-01-01,2026-08-10\n"
        "E2,Bob,,people,berlin,2013,2026-08-10,\n"
        "E3,Cem,,sales,berlin,2014,2020-01-01,2026-08-05\n"
        "E3,Cem,,people,berlin,2014,2026-08-05,\n",
    )
    assert read_directory(tmp_path, {"berlin"}).warnings == []


def test_same_person_and_start_twice_keeps_the_first_row(tmp_path: Path):
    write_input(tmp_path, "E1,Ann,,sales,berlin,2013,2020-01-01,\nE1,Ann,,people,berlin,2013,2020-01-01,\n")
    directory = read_directory(tmp_path)
    assert [a.department_id for a in directory.assignments] == ["sales"]
    assert kinds(directory) == [("overlapping_validity", 3, "valid_from")]


@pytest.mark.parametrize(
    ("rows", "line", "field", "expected"),
    [
        ("E1,Ann,,sales,berlin,2013,01.08.2026,\n", 2, "valid_from", "expected a date like 2026-08-03"),
        ("E1,Ann,,sales,berlin,2013,2026-08-01,2026-13-01\n", 2, "valid_to", "got '2026-13-01'"),
        ("E1,Ann,,sales,berlin,2013,2026-08-01,2026-08-01\n", 2, "valid_to", "should be after valid_from"),
        (",Ann,,sales,berlin,2013,2026-08-01,\n", 2, "employee_id", "is required but empty"),
        ("E1,Ann,,sales,berlin,2013,,\n", 2, "valid_from", "is required but empty"),
    ],
)
def test_malformed_rows_are_errors_naming_file_line_and_field(tmp_path, rows, line, field, expected):
    write_input(tmp_path, "E0,Zed,,sales,berlin,2010,2020-01-01,\n" + rows)
    with pytest.raises(ConfigError) as error:
        read_directory(tmp_path)
    assert error.value.path.endswith("hr_assignments.csv")
    assert error.value.where == f"line {line + 1}, field '{field}'"
    assert expected in error.value.problem


def test_missing_required_or_configured_column_and_short_row_are_errors(tmp_path: Path):
    write_input(tmp_path, "")
    path = tmp_path / "directory" / "hr_assignments.csv"
    path.write_text(HEADER.replace("employee_id,", "id,") + "E1,Ann,,sales,berlin,2013,2020-01-01,\n")
    with pytest.raises(ConfigError, match=r"line 1, field 'employee_id': column 'employee_id' is missing"):
        read_directory(tmp_path)
    path.write_text(HEADER + "E1,Ann,,sales,berlin,2013,2020-01-01\n")
    with pytest.raises(ConfigError, match=r"hr_assignments.csv: line 2: expected 8 fields, got 7"):
        read_directory(tmp_path)
    write_input(tmp_path, "", config=LDIF_OVER_HR)  # hr.csv's mapping names Durchwahl for the extension
    shutil.copy(LDIF_SAMPLE, tmp_path / "tests-ad.ldif")
    (tmp_path / "directory" / "hr.csv").write_text("PersNr;Name;Abteilung;Standort;Ab;Bis\n")
    with pytest.raises(ConfigError, match=r"hr.csv: line 1, field 'extension': column 'Durchwahl' is miss"):
        read_directory(tmp_path)


def test_optional_columns_may_be_left_out_of_the_export(tmp_path: Path):
    write_input(tmp_path, "")
    (tmp_path / "directory" / "hr_assignments.csv").write_text(
        "employee_id,full_name,department_id,site_id,extension,valid_from\nE1,Ann,sales,berlin,2013,2020-01-01\n"
    )
    (tmp_path / "directory" / "departments.csv").write_text("department_id,name\nsales,Sales\n")
    directory = read_directory(tmp_path, {"berlin"})
    (ann,) = directory.assignments
    assert (ann.email, ann.valid_to, ann.extension) == ("", None, "2013")
    assert [(d.department_id, d.parent_department_id, d.valid_from) for d in directory.departments] == [
        ("sales", "", None)
    ]
    assert directory.warnings == []


def test_a_hierarchy_that_loops_is_an_error(tmp_path: Path):
    write_input(
        tmp_path, "", departments=DEPARTMENTS.replace("company,Demo Group,,", "company,Demo Group,sales,")
    )
    with pytest.raises(ConfigError, match=r"departments.csv: line 2, field 'parent_department_id'.*loops"):
        read_directory(tmp_path)


def test_ldif_reader_unfolds_decodes_and_skips_comments():
    entries = read_ldif(LDIF_SAMPLE)
    assert [e.line for e in entries] == [7, 19, 30, 34]
    assert entries[0].first("displayName") == "Zoë Krüger"
    assert entries[0].attributes["objectclass"] == ["top", "person", "user"]
    assert entries[1].first("MAIL") == "felix.hoffmann@ringledger-demo.example"


def test_malformed_ldif_names_file_and_line(tmp_path: Path):
    path = tmp_path / "bad.ldif"
    path.write_text("dn: CN=A\nemployeeID E1\n")
    with pytest.raises(ConfigError, match=r"bad.ldif: line 2: expected 'attribute: value'"):
        read_ldif(path)
    path.write_text("dn: CN=A\ndisplayName:: not base64!\n")
    with pytest.raises(ConfigError, match=r"line 2, field 'displayName': bad base64"):
        read_ldif(path)


LDIF_OVER_HR = """
sources:
  - {name: hr-departments, kind: departments, format: csv, path: directory/departments.csv}
  - name: hr
    kind: assignments
    format: csv
    path: directory/hr.csv
    delimiter: ";"
    date_format: "%d.%m.%Y"
    columns: {employee_id: PersNr, full_name: Name, email: null, department_id: Abteilung,
              site_id: Standort, extension: Durchwahl, valid_from: Ab, valid_to: Bis}
  - name: ad
    kind: assignments
    format: ldif
    path: tests-ad.ldif
    precedence: 0
    date_format: "%Y%m%d%H%M%SZ"
    extension_digits: 4
    columns: {valid_from: rlValidFrom, valid_to: rlValidTo}
"""


def test_sources_consolidate_by_employee_id_with_configurable_precedence(tmp_path: Path):
    write_input(tmp_path, "", config=LDIF_OVER_HR)
    shutil.copy(LDIF_SAMPLE, tmp_path / "tests-ad.ldif")
    (tmp_path / "directory" / "hr.csv").write_text(
        "PersNr;Name;Abteilung;Standort;Durchwahl;Ab;Bis\n"
        "E00004;Zoe Krueger;sales;berlin;2013;14.11.2015;08.08.2026\n"  # AD: current row only
        "E00001;Felix Hoffmann;sales;berlin;2099;02.01.2020;\n"  # AD (precedence 0) wins for E00001
        "E00777;Only In HR;people;berlin;2077;01.01.2021;\n",
        encoding="utf-8",
    )
    sources = load_directory_sources(tmp_path)
    assert [s.name for s in sources] == ["ad", "hr-departments", "hr"]
    directory = read_directory(tmp_path, {"berlin"})
    by_person = {(a.employee_id, a.valid_from): a for a in directory.assignments}
    assert sorted(by_person) == [
        ("E00001", dt.date(2020, 1, 2)),
        ("E00004", dt.date(2015, 11, 14)),
        ("E00004", dt.date(2026, 8, 8)),
        ("E00777", dt.date(2021, 1, 1)),
        ("E00900", dt.date(2026, 8, 10)),
    ]
    assert by_person["E00004", dt.date(2015, 11, 14)].origin.source == "hr"
    assert by_person["E00004", dt.date(2026, 8, 8)].full_name == "Zoë Krüger"  # AD's, base64 in the LDIF
    felix = by_person["E00001", dt.date(2020, 1, 2)]
    assert (felix.extension, felix.department_id, felix.origin.source) == ("2010", "logistics", "ad")
    new_starter = by_person["E00900", dt.date(2026, 8, 10)]
    assert new_starter.valid_to == dt.date(2027, 1, 1) and new_starter.extension == ""
    disagreements = {(w.field, w.value) for w in directory.warnings if w.kind == "sources_disagree"}
    assert disagreements == {("department_id", "sales"), ("extension", "2099")}
    assert ("no_extension", 34, "extension") in kinds(directory)
    assert ("unknown_department", 19, "department_id") in kinds(directory)  # logistics is not a department


def test_weaker_source_fills_blank_fields(tmp_path: Path):
    config = LDIF_OVER_HR.replace("precedence: 0", "precedence: 9")
    write_input(tmp_path, "", config=config)
    shutil.copy(LDIF_SAMPLE, tmp_path / "tests-ad.ldif")
    (tmp_path / "directory" / "hr.csv").write_text(
        "PersNr;Name;Abteilung;Standort;Durchwahl;Ab;Bis\nE00001;Felix Hoffmann;sales;berlin;;02.01.2020;\n"
    )
    directory = read_directory(tmp_path)
    felix = next(a for a in directory.assignments if a.employee_id == "E00001")
    # HR wins now: its department stays, AD fills the e-mail HR does not export and the blank extension
    assert (felix.department_id, felix.email, felix.extension) == (
        "sales",
        "felix.hoffmann@ringledger-demo.example",
        "2010",
    )


def test_directory_config_errors_name_the_entry(tmp_path: Path):
    write_input(tmp_path, "", config="sources:\n  - {kind: people, format: csv, path: x.csv}\n")
    with pytest.raises(ConfigError, match=r"directory.yml: sources\[1\]: field 'kind' should be one of"):
        read_directory(tmp_path)
    write_input(
        tmp_path,
        "",
        config="sources:\n  - {kind: assignments, format: csv, path: x.csv, columns: {ext: E}}\n",
    )
    with pytest.raises(ConfigError, match=r"columns: unknown field\(s\) \['ext'\]"):
        read_directory(tmp_path)


def test_load_replaces_the_raw_tables(tmp_path: Path):
    write_input(
        tmp_path, "E1,Ann,,sales,berlin,2013,2020-01-01,2026-08-10\nE2,Bob,,nowhere,berlin,,2026-08-10,\n"
    )
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    for _ in range(2):
        counts = load_directory(con, read_directory(tmp_path))
    assert counts == {"departments": 3, "hr_assignments": 2, "directory_warnings": 2}
    assert con.execute(
        "SELECT employee_id, extension, valid_to, source_line FROM raw.hr_assignments ORDER BY 1"
    ).fetchall() == [("E1", "2013", dt.date(2026, 8, 10), 2), ("E2", None, None, 3)]
    assert con.execute("SELECT kind, line, field FROM raw.directory_warnings ORDER BY 1").fetchall() == [
        ("no_extension", 3, "extension"),
        ("unknown_department", 3, "department_id"),
    ]


def test_the_dagster_asset_loads_the_demo_directory(tmp_path: Path, demo_company: Path):
    import dagster as dg

    from orchestration.defs.directory import raw_directory
    from orchestration.resources import LocationsResource, WarehouseResource

    warehouse = tmp_path / "w.duckdb"
    result = dg.materialize(
        [raw_directory],
        resources={
            "warehouse": WarehouseResource(path=str(warehouse)),
            "locations": LocationsResource(
                input_dir=str(demo_company),
                landing_dir=str(tmp_path / "l"),
                published_dir=str(tmp_path / "p"),
            ),
        },
    )
    assert result.success
    with duckdb.connect(str(warehouse), read_only=True) as con:
        people = con.execute("SELECT count(DISTINCT employee_id) FROM raw.hr_assignments").fetchone()[0]
        departments = con.execute("SELECT count(*) FROM raw.departments").fetchone()[0]
    csv_text = (demo_company / "directory" / "hr_assignments.csv").read_text(encoding="utf-8")
    assert people == len({line.split(",")[0] for line in csv_text.splitlines()[1:]})
    assert departments == len((demo_company / "directory" / "departments.csv").read_text().splitlines()) - 1
