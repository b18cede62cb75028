"""Directory exports as a series of snapshots: consolidation into history, instants, paths, encodings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from ingestion.config.errors import ConfigError
from ingestion.directory.consolidated import read_directory
from ingestion.directory.history import Taken, versions_from_snapshots
from ingestion.directory.load import load_directory
from ingestion.directory.paths import path_id
from ingestion.directory.records import EARLIEST, Assignment, Department, Origin

D = dt.date.fromisoformat
AUG1, AUG10, AUG20 = D("2026-08-01"), D("2026-08-10"), D("2026-08-20")


# --- consolidation of typed snapshots (ingestion.directory.history) -------------------------------


def person(employee: str, department: str = "sales", extension: str = "2013", name: str = "") -> Assignment:
    return Assignment(employee, name or employee, "", department, "berlin", extension, None, None, ORIGIN)  # type: ignore[arg-type]


def unit(department: str, name: str, parent: str = "company") -> Department:
    return Department(department, name, parent, "", ORIGIN)


ORIGIN = Origin("hr", "people.csv", 2)


def snapshot(day: dt.date, *records):
    return Taken(day, f"people_{day}.csv", list(records))


def history(*series, extend_back=True):
    warnings: list = []
    versions = versions_from_snapshots(list(series), warnings, extend_back)
    return [(v.key, v.valid_from, v.valid_to) for v in versions], versions, warnings


def test_a_move_ends_one_version_and_starts_the_next_at_the_snapshot_that_shows_it():
    periods, versions, warnings = history(
        snapshot(AUG1, person("E1", "sales")),
        snapshot(AUG10, person("E1", "people")),
        snapshot(AUG20, person("E1", "people")),
    )
    assert periods == [("E1", EARLIEST, AUG10), ("E1", AUG10, None)]
    assert [v.department_id for v in versions] == ["sales", "people"]
    assert warnings == []


def test_a_leaver_ends_at_the_first_snapshot_without_them_and_their_extension_passes_to_the_new_hire():
    periods, versions, warnings = history(
        snapshot(AUG1, person("E1", extension="2013"), person("E2", extension="2014")),
        snapshot(AUG10, person("E2", extension="2014"), person("E9", extension="2013")),
    )
    assert periods == [("E1", EARLIEST, AUG10), ("E2", EARLIEST, None), ("E9", AUG10, None)]
    holders = {(v.extension, v.valid_from): v.employee_id for v in versions}
    assert holders == {("2013", EARLIEST): "E1", ("2014", EARLIEST): "E2", ("2013", AUG10): "E9"}
    assert warnings == []


def test_any_change_of_content_is_a_new_version_and_no_change_is_none():
    periods, versions, _ = history(
        snapshot(AUG1, person("E1", name="Ayşe Yılmaz")),
        snapshot(AUG10, person("E1", name="Ayşe Yılmaz")),
        snapshot(AUG20, person("E1", name="Ayşe Demir")),  # a new surname
    )
    assert periods == [("E1", EARLIEST, AUG20), ("E1", AUG20, None)]
    assert [v.full_name for v in versions] == ["Ayşe Yılmaz", "Ayşe Demir"]


def test_a_department_renamed_or_re_parented_under_its_id_is_a_new_version_of_it():
    periods, versions, _ = history(
        snapshot(AUG1, unit("sales", "Vertrieb"), unit("marketing", "Marketing", "commercial")),
        snapshot(AUG10, unit("sales", "Satış"), unit("marketing", "Marketing", "commercial")),
        snapshot(AUG20, unit("sales", "Satış"), unit("marketing", "Marketing", "operations")),
    )
    assert periods == [
        ("marketing", EARLIEST, AUG20),
        ("marketing", AUG20, None),
        ("sales", EARLIEST, AUG10),
        ("sales", AUG10, None),
    ]
    assert [(v.name, v.parent_department_id) for v in versions] == [
        ("Marketing", "commercial"),
        ("Marketing", "operations"),
        ("Vertrieb", "company"),
        ("Satış", "company"),
    ]


def test_a_gap_is_read_as_gone_in_between_with_a_warning_naming_the_snapshot_missing_them():
    periods, _, warnings = history(
        snapshot(AUG1, person("E1"), person("E2", extension="2014")),
        snapshot(AUG10, person("E2", extension="2014")),
        snapshot(AUG20, person("E1"), person("E2", extension="2014")),
    )
    assert periods == [("E1", EARLIEST, AUG10), ("E1", AUG20, None), ("E2", EARLIEST, None)]
    (gap,) = warnings
    assert (gap.kind, gap.value, gap.file, gap.line) == ("snapshot_gap", "E1", "people.csv", 2)
    assert "people_2026-08-10.csv" in gap.message and "gone from 2026-08-10 to 2026-08-20" in gap.message


def test_the_first_snapshot_holds_before_its_instant_unless_the_source_says_unknown():
    series = (snapshot(AUG1, person("E1")), snapshot(AUG10, person("E1"), person("E2", extension="2014")))
    assert history(*series)[0] == [("E1", EARLIEST, None), ("E2", AUG10, None)]
    assert history(*series, extend_back=False)[0] == [("E1", AUG1, None), ("E2", AUG10, None)]


def test_a_key_twice_in_one_snapshot_keeps_the_first_row():
    twice = Assignment("E1", "E1", "", "people", "berlin", "2099", None, None, Origin("hr", "people.csv", 7))  # type: ignore[arg-type]
    periods, versions, warnings = history(snapshot(AUG1, person("E1"), twice))
    assert periods == [("E1", EARLIEST, None)] and versions[0].department_id == "sales"
    assert [(w.kind, w.line, w.value) for w in warnings] == [("duplicate_in_snapshot", 7, "E1")]
    assert "people.csv:2" in warnings[0].message


# --- snapshot series read from files (config/directory.yml) ---------------------------------------

PEOPLE = "employee_id,full_name,department_id,site_id,extension\n"
SERIES = """
sources:
  - {name: units, kind: departments, format: csv, path: directory/departments.csv}
  - {name: hr, kind: assignments, format: csv, snapshots: "directory/hr/people_*.csv"}
"""


def company(root: Path, config: str, files: dict[str, str | bytes], departments: str | None = None) -> Path:
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "config" / "directory.yml").write_text(config, encoding="utf-8")
    files = {
        "directory/departments.csv": departments or "department_id,name\nsales,Sales\npeople,People\n",
        **files,
    }
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def people_history(directory) -> list[tuple]:
    return sorted(
        (a.employee_id, a.department_id, a.extension, a.valid_from, a.valid_to) for a in directory.assignments
    )


def test_a_series_of_exports_becomes_the_history_of_people(tmp_path: Path):
    company(
        tmp_path,
        SERIES,
        {
            "directory/hr/people_2026-08-01.csv": PEOPLE
            + "E1,Ann,sales,berlin,2013\nE2,Bob,sales,berlin,2014\n",
            "directory/hr/people_20260810.csv": PEOPLE
            + "E1,Ann,people,berlin,2013\nE3,Cem,sales,berlin,2014\n",
        },
    )
    directory = read_directory(tmp_path, {"berlin"})
    assert people_history(directory) == [
        ("E1", "people", "2013", AUG10, None),
        ("E1", "sales", "2013", EARLIEST, AUG10),
        ("E2", "sales", "2014", EARLIEST, AUG10),
        ("E3", "sales", "2014", AUG10, None),
    ]
    new_hire = next(a for a in directory.assignments if a.employee_id == "E3")
    assert (Path(new_hire.origin.file).name, new_hire.origin.line) == ("people_20260810.csv", 3)
    assert directory.warnings == []  # extension 2014 passes from E2 to E3: no overlap
    assert [(r.source, Path(r.file).name, r.instant, r.rows) for r in directory.read] == [
        ("units", "departments.csv", None, 2),
        ("hr", "people_2026-08-01.csv", AUG1, 2),
        ("hr", "people_20260810.csv", AUG10, 2),
    ]


def test_instants_from_a_file_name_format_a_column_or_the_configuration(tmp_path: Path):
    rows = {"directory/hr/hr-export-0108-2026.csv": PEOPLE + "E1,Ann,sales,berlin,2013\n"}
    rows["directory/hr/hr-export-1008-2026.csv"] = PEOPLE + "E1,Ann,people,berlin,2013\n"
    by_format = SERIES.replace(
        'snapshots: "directory/hr/people_*.csv"}',
        'snapshots: "directory/hr/*.csv", instant: {format: "hr-export-%d%m-%Y"}}',
    )
    moved = [("E1", "people", "2013", AUG10, None), ("E1", "sales", "2013", EARLIEST, AUG10)]
    assert people_history(read_directory(company(tmp_path / "format", by_format, rows))) == moved

    stacked = "Stichtag;employee_id;full_name;department_id;site_id;extension\n"
    stacked += "10.08.2026;E1;Ann;people;berlin;2013\n01.08.2026;E1;Ann;sales;berlin;2013\n"
    by_column = SERIES.replace(
        'snapshots: "directory/hr/people_*.csv"}',
        'snapshots: "directory/headcount.csv", delimiter: ";",\n'
        '     instant: {from: column, column: Stichtag, format: "%d.%m.%Y"}}',
    )
    directory = read_directory(company(tmp_path / "column", by_column, {"directory/headcount.csv": stacked}))
    assert people_history(directory) == moved

    listed = SERIES.replace(
        'snapshots: "directory/hr/people_*.csv"}',
        "snapshots: [{path: directory/july.csv, instant: 2026-08-01},\n"
        "            {path: directory/aug.csv, instant: 2026-08-10}]}",
    )
    files = {"directory/july.csv": rows["directory/hr/hr-export-0108-2026.csv"]}
    files["directory/aug.csv"] = rows["directory/hr/hr-export-1008-2026.csv"]
    assert people_history(read_directory(company(tmp_path / "listed", listed, files))) == moved


def test_instants_that_cannot_be_read_are_errors_naming_the_file_and_line(tmp_path: Path):
    company(tmp_path, SERIES, {"directory/hr/people_latest.csv": PEOPLE + "E1,Ann,sales,berlin,2013\n"})
    with pytest.raises(ConfigError, match=r"people_latest.csv: file name: no snapshot date in the name"):
        read_directory(tmp_path)
    by_column = SERIES.replace(
        'snapshots: "directory/hr/people_*.csv"}',
        'snapshots: "directory/h.csv", instant: {from: column, column: as_of}}',
    )
    headcount = (
        "as_of," + PEOPLE + "2026-08-01,E1,Ann,sales,berlin,2013\n01.08.2026,E2,Bob,sales,berlin,2014\n"
    )
    company(tmp_path, by_column, {"directory/h.csv": headcount})
    with pytest.raises(ConfigError) as error:
        read_directory(tmp_path)
    assert (error.value.where, error.value.path) == (
        "line 3, field 'as_of'",
        str(tmp_path / "directory/h.csv"),
    )
    assert "expected an instant like '2026-08-03' (%Y-%m-%d), got '01.08.2026'" in error.value.problem
    company(tmp_path, by_column, {"directory/h.csv": PEOPLE + "E1,Ann,sales,berlin,2013\n"})
    with pytest.raises(
        ConfigError, match=r"h.csv: line 1, field 'snapshot_instant': column 'as_of' is missing"
    ):
        read_directory(tmp_path)


def test_a_duplicate_instant_is_a_warning_when_the_snapshots_agree_and_an_error_when_they_differ(
    tmp_path: Path,
):
    same = PEOPLE + "E1,Ann,sales,berlin,2013\n"
    company(
        tmp_path,
        SERIES,
        {"directory/hr/people_2026-08-01.csv": same, "directory/hr/people_20260801.csv": same},
    )
    directory = read_directory(tmp_path)
    assert people_history(directory) == [("E1", "sales", "2013", EARLIEST, None)]
    (warning,) = directory.warnings
    assert (warning.kind, Path(warning.file).name, warning.line) == (
        "snapshot_duplicate",
        "people_20260801.csv",
        0,
    )
    assert "people_2026-08-01.csv; that one is used" in warning.message

    (tmp_path / "directory/hr/people_20260801.csv").write_text(PEOPLE + "E1,Ann,people,berlin,2013\n")
    with pytest.raises(ConfigError) as error:
        read_directory(tmp_path)
    assert error.value.path.endswith("people_20260801.csv") and error.value.where == "snapshot instant"
    assert "2026-08-01 is also the instant of" in error.value.problem
    assert "people_2026-08-01.csv, whose rows differ" in error.value.problem


def test_snapshots_listed_out_of_order_are_used_in_the_order_of_their_instants_with_a_warning(tmp_path: Path):
    listed = SERIES.replace(
        'snapshots: "directory/hr/people_*.csv"}',
        "snapshots: [{path: directory/b.csv, instant: 2026-08-10},\n"
        "            {path: directory/a.csv, instant: 2026-08-01}]}",
    )
    files = {"directory/a.csv": PEOPLE + "E1,Ann,sales,berlin,2013\n"}
    files["directory/b.csv"] = PEOPLE + "E1,Ann,people,berlin,2013\n"
    directory = read_directory(company(tmp_path, listed, files))
    assert people_history(directory) == [
        ("E1", "people", "2013", AUG10, None),
        ("E1", "sales", "2013", EARLIEST, AUG10),
    ]
    assert [(w.kind, Path(w.file).name, w.value) for w in directory.warnings] == [
        ("snapshot_out_of_order", "a.csv", "2026-08-01")
    ]


def test_an_empty_snapshot_is_left_out_with_a_warning_rather_than_making_everyone_a_leaver(tmp_path: Path):
    files = {"directory/hr/people_2026-08-01.csv": PEOPLE + "E1,Ann,sales,berlin,2013\n"}
    files["directory/hr/people_2026-08-10.csv"] = PEOPLE
    directory = read_directory(company(tmp_path, SERIES, files))
    assert people_history(directory) == [("E1", "sales", "2013", EARLIEST, None)]
    assert [(w.kind, Path(w.file).name) for w in directory.warnings] == [
        ("snapshot_empty", "people_2026-08-10.csv")
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('snapshots: "directory/hr/people_*.csv"', "'snapshots' should be a glob pattern or a list"),
        ('snapshots: "directory/hr/none_*.csv"', "snapshots: no file matches"),
        ('snapshots: "directory/hr/people_*.csv", instant: {from: column}', "'from: column' needs 'column'"),
        ('snapshots: "directory/hr/people_*.csv", instant: {from: header}', "should be one of ['file_name'"),
        ('snapshots: "directory/hr/people_*.csv", columns: {valid_to: Bis}', "valid from its instant"),
        ('snapshots: "directory/hr/people_*.csv", path: x.csv', "either 'path' (one export) or 'snapshots'"),
        ('snapshots: "directory/hr/people_*.csv", encoding: klingon', "unknown encoding 'klingon'"),
    ],
)
def test_snapshot_configuration_errors_name_the_entry(tmp_path: Path, change: str, message: str):
    config = SERIES.replace('snapshots: "directory/hr/people_*.csv"', change)
    if "should be a glob" in message:
        config = config.replace('snapshots: "directory/hr/people_*.csv"', "snapshots: 42")
    company(tmp_path, config, {"directory/hr/people_2026-08-01.csv": PEOPLE + "E1,Ann,sales,berlin,2013\n"})
    with pytest.raises(ConfigError) as error:
        read_directory(tmp_path)
    assert message in str(error.value)
    assert error.value.path.endswith(("directory.yml", "people_*.csv", "none_*.csv"))


# --- departments by name or path -------------------------------------------------------------------


def test_path_ids_are_derived_from_the_names_the_same_way_every_time():
    assert path_id(("Sales", "Inside  Sales")) == "sales/inside-sales"
    assert path_id(("Vertrieb", "Außendienst Süd")) == "vertrieb/aussendienst-süd"
    assert path_id(("Satış", "İç Satış")) == "satış/i\u0307ç-satış"
    assert path_id(("Отдел продаж",)) == "отдел-продаж"
    assert path_id(("Ｓａｌｅｓ",)) == path_id(("SALES",))  # full-width letters fold by NFKC


def test_people_given_departments_by_path_imply_the_departments_and_their_parents(tmp_path: Path):
    config = (
        "sources:\n  - {name: hr, kind: assignments, format: csv, snapshots: 'directory/hr/people_*.csv'}\n"
    )
    header = "employee_id,full_name,department,site_id,extension\n"
    company(
        tmp_path,
        config,
        {
            "directory/hr/people_2026-08-01.csv": header + "E1,Ann,Sales/Inside Sales,berlin,2013\n"
            "E2,Bob,Sales,berlin,2014\n",
            # the team renamed: known only by its path, it is a new department
            "directory/hr/people_2026-08-10.csv": header
            + "E1,Ann,Sales / Inside Sales & Support,berlin,2013\n"
            "E2,Bob,Sales,berlin,2014\n",
        },
    )
    (tmp_path / "directory" / "departments.csv").unlink()
    directory = read_directory(tmp_path, {"berlin"})
    assert sorted(
        (d.department_id, d.name, d.parent_department_id, d.valid_from, d.valid_to)
        for d in directory.departments
    ) == [
        ("sales", "Sales", "", EARLIEST, None),
        ("sales/inside-sales", "Inside Sales", "sales", EARLIEST, AUG10),
        ("sales/inside-sales-&-support", "Inside Sales & Support", "sales", AUG10, None),
    ]
    assert people_history(directory)[:2] == [
        ("E1", "sales/inside-sales", "2013", EARLIEST, AUG10),
        ("E1", "sales/inside-sales-&-support", "2013", AUG10, None),
    ]
    assert directory.warnings == []


def test_a_department_name_or_path_finds_the_id_the_departments_export_gives(tmp_path: Path):
    departments = (
        "department_id,name,parent_department_id\nco,Gruppe,\nd-17,Vertrieb,co\nd-18,Außendienst,d-17\n"
    )
    header = "employee_id,full_name,department,site_id,extension\n"
    rows = "E1,Ann,Gruppe/Vertrieb/Außendienst,berlin,2013\nE2,Bob,vertrieb,berlin,2014\n"
    rows += "E3,Cem,d-18,berlin,2015\n"  # an id in the department column
    rows += "E4,Dee,Gruppe/Einkauf,berlin,2016\n"  # no such department: implied under the group
    company(tmp_path, SERIES, {"directory/hr/people_2026-08-01.csv": header + rows}, departments)
    directory = read_directory(tmp_path)
    assert [a.department_id for a in sorted(directory.assignments, key=lambda a: a.employee_id)] == [
        "d-18",
        "d-17",
        "d-18",
        "gruppe/einkauf",
    ]
    einkauf = next(d for d in directory.departments if d.department_id == "gruppe/einkauf")
    assert (einkauf.name, einkauf.parent_department_id) == ("Einkauf", "co")
    assert directory.warnings == []


def test_departments_exported_by_path_get_their_parents_from_it(tmp_path: Path):
    config = """
sources:
  - name: units
    kind: departments
    format: csv
    path_separator: " > "
    snapshots: [{path: directory/units.csv, instant: 2026-08-01}]
  - {name: hr, kind: assignments, format: csv, path: directory/hr.csv, path_separator: " > "}
"""
    units = "code,path,site_id\nCO,Группа,\n,Группа > Отдел продаж > Москва,\n"
    company(
        tmp_path,
        config.replace(
            "format: csv\n    path_separator",
            "format: csv\n    columns: {department_id: code}\n    path_separator",
        ),
        {
            "directory/units.csv": units,
            "directory/hr.csv": "employee_id,department,valid_from\n"
            "E1,Группа > Отдел продаж > Москва,2026-08-01\n",
        },
    )
    directory = read_directory(tmp_path)
    assert sorted((d.department_id, d.name, d.parent_department_id) for d in directory.departments) == [
        ("CO", "Группа", ""),
        ("группа/отдел-продаж", "Отдел продаж", "CO"),
        ("группа/отдел-продаж/москва", "Москва", "группа/отдел-продаж"),
    ]
    assert [a.department_id for a in directory.assignments] == ["группа/отдел-продаж/москва"]


# --- encodings, quoting, malformed files -----------------------------------------------------------

NAMES = {
    "E1": "Yılmaz, Ayşe İpek Ağaoğlu",
    "E2": "Groß-Böhm, Jürgen Ä.",
    "E3": "Страхов, Дмитрий Ёлкин",
}


def _quoted_people() -> str:
    return PEOPLE + "".join(
        f'{e},"{name}",sales,berlin,20{n}0\n' for n, (e, name) in enumerate(NAMES.items())
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "utf-16"])
def test_quoted_non_ascii_names_round_trip_into_raw_whatever_the_byte_order_mark(
    tmp_path: Path, encoding: str
):
    setting = (
        ", encoding: utf-16}" if encoding == "utf-16" else "}"
    )  # utf-8 with or without a BOM: no setting
    config = SERIES.replace('"directory/hr/people_*.csv"}', '"directory/hr/people_*.csv"' + setting)
    company(tmp_path, config, {"directory/hr/people_2026-08-01.csv": _quoted_people().encode(encoding)})
    directory = read_directory(tmp_path)
    assert {a.employee_id: a.full_name for a in directory.assignments} == NAMES
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    load_directory(con, directory)
    assert dict(con.execute("SELECT employee_id, full_name FROM raw.hr_assignments").fetchall()) == NAMES


def test_a_legacy_encoding_is_a_setting_for_csv_and_ldif(tmp_path: Path):
    config = """
sources:
  - {name: ad, kind: departments, format: ldif, encoding: utf-16, path: directory/units.ldif}
  - {name: hr, kind: assignments, format: csv, encoding: cp1252, snapshots: "directory/hr/people_*.csv"}
"""
    ldif = "version: 1\n\ndn: OU=Vertrieb\nobjectClass: organizationalUnit\n"
    ldif += "ou: sales\ndescription: Vertrieb Süd\n"
    files = {
        "directory/units.ldif": ldif.encode("utf-16"),
        "directory/hr/people_2026-08-01.csv": (PEOPLE + 'E1,"Weiß, Jürgen",sales,berlin,2013\n').encode(
            "cp1252"
        ),
    }
    company(tmp_path, config, files)
    (tmp_path / "directory" / "departments.csv").unlink()
    directory = read_directory(tmp_path)
    assert [(d.department_id, d.name) for d in directory.departments] == [("sales", "Vertrieb Süd")]
    assert [a.full_name for a in directory.assignments] == ["Weiß, Jürgen"]


def test_an_ldif_export_with_a_byte_order_mark_reads_like_one_without(tmp_path: Path):
    ldif = "version: 1\n\ndn: CN=A\nobjectClass: user\nemployeeID: E1\ndisplayName:: w5xtaXQgw5Z6dMO8cms=\n"
    ldif += "departmentNumber: sales\nl: berlin\ntelephoneNumber: 2013\n"
    config = SERIES.replace(
        '{name: hr, kind: assignments, format: csv, snapshots: "directory/hr/people_*.csv"}',
        '{name: ad, kind: assignments, format: ldif, snapshots: "directory/ad/ad_*.ldif"}',
    )
    company(tmp_path, config, {"directory/ad/ad_20260801.ldif": b"\xef\xbb\xbf" + ldif.encode()})
    (ann,) = read_directory(tmp_path).assignments
    assert (ann.employee_id, ann.full_name, ann.extension, ann.valid_from) == (
        "E1",
        "Ümit Öztürk",
        "2013",
        EARLIEST,
    )


@pytest.mark.parametrize(
    ("content", "where", "expected"),
    [
        (PEOPLE.encode() + "E1,Jürgen,sales,berlin,2013\n".encode("latin-1"), "line 2", "is not utf-8"),
        (
            PEOPLE.encode() + b'E1,"Ann,sales,berlin,2013\nE2,Bob,sales,berlin,2014\n',
            "line 2",
            "runs to line 3",
        ),
        (PEOPLE.encode() + b"E1,Ann,sales,berlin\n", "line 2", "expected 5 fields, got 4"),
        (
            PEOPLE.encode() + b",Ann,sales,berlin,2013\n",
            "line 2, field 'employee_id'",
            "is required but empty",
        ),
    ],
)
def test_malformed_snapshot_files_are_errors_naming_file_line_and_field(tmp_path, content, where, expected):
    company(tmp_path, SERIES, {"directory/hr/people_2026-08-01.csv": content})
    with pytest.raises(ConfigError) as error:
        read_directory(tmp_path)
    assert error.value.path.endswith("people_2026-08-01.csv") and error.value.where == where
    assert expected in error.value.problem


def test_a_department_loop_at_one_snapshot_is_an_error_naming_the_day(tmp_path: Path):
    config = SERIES.replace(
        "{name: units, kind: departments, format: csv, path: directory/departments.csv}",
        "{name: units, kind: departments, format: csv, snapshots: 'directory/units_*.csv'}",
    )
    units = "department_id,name,parent_department_id\n"
    files = {
        "directory/units_2026-08-01.csv": units + "a,A,\nb,B,a\n",
        "directory/units_2026-08-10.csv": units + "a,A,b\nb,B,a\n",
        "directory/hr/people_2026-08-01.csv": PEOPLE + "E1,Ann,b,berlin,2013\n",
    }
    company(tmp_path, config, files)
    with pytest.raises(
        ConfigError,
        match=r"units_2026-08-10.csv: line 2, field 'parent_department_id': "
        r"the hierarchy loops: a > b > a \(on 2026-08-10\)",
    ):
        read_directory(tmp_path)


def test_a_name_two_departments_share_is_a_warning_and_the_first_id_is_used(tmp_path: Path):
    departments = "department_id,name,parent_department_id\nsales,Sales,\nops,Operations,\n"
    departments += "s-support,Support,sales\no-support,Support,ops\n"
    header = "employee_id,full_name,department,site_id,extension\n"
    rows = "E1,Ann,Support,berlin,2013\nE2,Bob,Operations/Support,berlin,2014\n"
    company(tmp_path, SERIES, {"directory/hr/people_2026-08-01.csv": header + rows}, departments)
    directory = read_directory(tmp_path)
    assert sorted((a.employee_id, a.department_id) for a in directory.assignments) == [
        ("E1", "o-support"),
        ("E2", "o-support"),
    ]
    assert [(w.kind, w.line, w.value) for w in directory.warnings] == [("ambiguous_department", 2, "Support")]
    assert "['o-support', 's-support']" in directory.warnings[0].message


def test_a_person_in_a_department_the_departments_snapshots_dropped_is_a_warning_naming_the_day(
    tmp_path: Path,
):
    config = SERIES.replace(
        "{name: units, kind: departments, format: csv, path: directory/departments.csv}",
        "{name: units, kind: departments, format: csv, snapshots: 'directory/units_*.csv',\n"
        "     before_first_snapshot: unknown}",
    )
    units = "department_id,name\n"
    files = {
        "directory/units_2026-08-01.csv": units + "sales,Sales\nlegal,Legal\n",
        "directory/units_2026-08-10.csv": units + "sales,Sales\n",
        "directory/hr/people_2026-08-01.csv": PEOPLE + "E1,Ann,legal,berlin,2013\n",
        "directory/hr/people_2026-08-20.csv": PEOPLE + "E1,Ann,legal,berlin,2013\nE2,Bob,legal,berlin,2014\n",
    }
    directory = read_directory(company(tmp_path, config, files))
    assert sorted((d.department_id, d.valid_from, d.valid_to) for d in directory.departments) == [
        ("legal", AUG1, AUG10),
        ("sales", AUG1, None),
    ]
    # E1's one version starts in 1900 (people extend back), before the units' first snapshot
    assert sorted((w.kind, w.value, w.message.rsplit(" ", 1)[-1]) for w in directory.warnings) == [
        ("unknown_department", "legal", "1900-01-01"),
        ("unknown_department", "legal", "2026-08-20"),
    ]
