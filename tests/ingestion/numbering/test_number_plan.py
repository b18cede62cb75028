"""phonenumbers' metadata as prefix tables: every pattern read exactly, every answer the library's.

The last test builds ``int_number_geography`` with dbt from the cached tables and holds every row
to phonenumbers' own classification, on the first build and on an incremental one.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
from pathlib import Path

import duckdb
import phonenumbers
import pytest

from ingestion.config.settings import DBT_PROJECT_DIR, Settings
from ingestion.numbering import plan
from ingestion.numbering.classify import classify
from ingestion.numbering.digit_patterns import ALL, NONE, SOME, DigitPattern, PatternSyntaxError
from ingestion.numbering.tables import number_tables
from ingestion.raw.reference import load_number_tables
from orchestration.defs.transform import dbt_executable

DESCS = ("general_desc", "fixed_line", "mobile", *plan.SPECIAL_TYPES)


def _metadata_patterns() -> set[tuple[str, bool]]:
    found = set()
    for country_code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items():
        for region in regions:
            metadata = plan._metadata(country_code, region)
            found |= {
                (getattr(metadata, d).national_number_pattern, False) for d in DESCS if getattr(metadata, d)
            }
            if metadata.leading_digits:
                found.add((metadata.leading_digits, True))
    return {(text, prefix) for text, prefix in found if text}


def test_every_metadata_pattern_matches_as_python_re_does():
    generator = random.Random(7)
    patterns = _metadata_patterns()
    assert len(patterns) > 1000
    for text, prefix_match in patterns:
        automaton, expected = DigitPattern(text, prefix_match=prefix_match), re.compile(text)
        for _ in range(50):
            digits = "".join(generator.choice("0123456789") for _ in range(generator.randint(0, 14)))
            want = expected.match(digits) if prefix_match else expected.fullmatch(digits)
            assert automaton.matches(digits) == bool(want), (text, digits)


def test_completions_say_all_none_or_some():
    mobile = DigitPattern(r"1(?:5\d|6[023])\d{7}")
    after_15 = mobile.step(mobile.step(mobile.start, "1"), "5")
    assert mobile.completions(after_15, 8) == ALL
    assert mobile.completions(after_15, 9) == NONE
    assert mobile.completions(mobile.step(mobile.start, "1"), 9) == SOME
    assert (
        DigitPattern("2|3", prefix_match=True).completions(DigitPattern("2|3", prefix_match=True).start, 4)
        == SOME
    )


def test_syntax_outside_the_metadata_subset_is_refused():
    with pytest.raises(PatternSyntaxError, match=r"unsupported '\$'"):
        DigitPattern(r"([59]\d{7})$|0")


def _plan_rows_sample(count: int, seed: int) -> list[str]:
    """Numbers under real plan prefixes of their own length, and random digits after real codes."""
    generator = random.Random(seed)
    plan_file = number_tables(Settings.from_env().cache_dir)["number_plan"]
    query = "SELECT country_calling_code, national_number_length, prefix FROM read_parquet(?) ORDER BY ALL"
    rows = duckdb.execute(query, [str(plan_file)]).fetchall()
    codes = sorted(code for code, _token in plan.country_code_rows())
    numbers = []
    for _ in range(count):
        country_code, length, prefix = generator.choice(rows)
        tail = "".join(generator.choice("0123456789") for _ in range(max(0, length - len(prefix))))
        numbers.append(country_code + prefix + tail)
        random_code = generator.choice(codes)
        numbers.append(
            random_code + "".join(generator.choice("0123456789") for _ in range(generator.randint(1, 15)))
        )
    return numbers


EDGE_NUMBERS = [
    "4930123456",  # Berlin
    "13125550100",  # Chicago, a NANPA number: the geocoder names the state too
    "5491123456789",  # Argentina's mobile token 9 before Buenos Aires' area code
    "8816123456789",  # an international network (region 001)
    "442079460000",  # London
    "4930",  # too short after the country code
    "999123",  # no such country code
    "49123456789012345678",  # too long
    "49301234x6",  # not digits
    "1800356937",  # toll free
]


def _build_geography(warehouse: Path, days: dict[str, list[str]], work: Path) -> None:
    """The numbers of each local day as int_call_numbers, every day the rebuild scope; then dbt builds
    the plan's staging and int_number_geography."""
    con = duckdb.connect(str(warehouse))
    try:
        load_number_tables(con, number_tables(Settings.from_env().cache_dir))
        con.execute("CREATE SCHEMA IF NOT EXISTS intermediate")
        con.execute(
            "CREATE TABLE IF NOT EXISTS intermediate.int_call_numbers "
            "(source_name VARCHAR, call_date_local DATE, number_e164 VARCHAR)"
        )
        con.execute(
            "CREATE OR REPLACE TABLE intermediate.int_rebuild_scope "
            "(source_name VARCHAR, call_date_local DATE)"
        )
        for day, numbers in days.items():
            con.execute("DELETE FROM intermediate.int_call_numbers WHERE call_date_local = ?::DATE", [day])
            con.execute(
                "INSERT INTO intermediate.int_call_numbers SELECT 'pbx', ?::DATE, unnest(?::VARCHAR[])",
                [day, numbers],
            )
            con.execute("INSERT INTO intermediate.int_rebuild_scope VALUES ('pbx', ?::DATE)", [day])
    finally:
        con.close()
    models = [
        "stg_geography__number_plan",
        "stg_geography__number_places",
        "stg_geography__number_country_codes",
    ]
    command = [dbt_executable(), "run", "--select", *models, "int_number_geography"]
    command += ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    command += ["--target-path", str(work / "target"), "--log-path", str(work / "target")]
    env = {**os.environ, "RINGLEDGER_WAREHOUSE": str(warehouse)}
    completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-4000:]


def _classified(warehouse: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute("SELECT * FROM intermediate.int_number_geography").fetchall()
    finally:
        con.close()
    return {row[0]: row[1:] for row in rows}


def _reference(e164: str) -> tuple | None:
    got = classify(e164)
    if not got.country_calling_code:
        return None
    fields = ("country_calling_code", "region_code", "national_number", "number_type", "is_valid")
    return (*(getattr(got, f) for f in fields), got.geo_description, got.country_name, got.city, got.area)


def _written_as_dialled(e164: str) -> bool:
    """False where phonenumbers strips a national prefix written after the country code."""
    number = phonenumbers.parse("+" + e164)
    return phonenumbers.national_significant_number(number) == e164[len(str(number.country_code)) :]


def _as_model_row(e164: str) -> tuple:
    """classify()'s answer in int_number_geography's columns (blanks are null)."""
    got = classify(e164)
    fields = ("country_calling_code", "region_code", "national_number", "number_type", "is_valid")
    values = (*(getattr(got, f) for f in fields), got.geo_description, got.country_name, got.city, got.area)
    return tuple(None if value == "" else value for value in values)


@pytest.mark.slow
def test_the_warehouse_classifies_numbers_as_phonenumbers_does(tmp_path: Path):
    """int_number_geography, built by dbt from the prefix tables, against phonenumbers on 40,000 numbers."""
    first, second = EDGE_NUMBERS + _plan_rows_sample(10_000, 2026), _plan_rows_sample(10_000, 7)
    warehouse = tmp_path / "numbers.duckdb"
    _build_geography(warehouse, {"2026-03-01": first}, tmp_path)
    assert set(_classified(warehouse)) == {n for n in first}
    # incremental: only the new numbers of the rebuilt day; a day outside the scope is not read
    _build_geography(warehouse, {"2026-03-02": first[:100] + second}, tmp_path)
    assert "4930901820" not in first + second
    con = duckdb.connect(str(warehouse))
    con.execute("INSERT INTO intermediate.int_call_numbers VALUES ('pbx', DATE '2026-03-01', '4930901820')")
    con.close()
    _build_geography(warehouse, {}, tmp_path)
    classified = _classified(warehouse)
    assert len(classified) == len(set(first) | set(second)) and "4930901820" not in classified
    numbers = list(classified)
    stripped = [n for n in numbers if _reference(n) is not None and not _written_as_dialled(n)]
    differing = {
        n: (classified[n], _as_model_row(n))
        for n in numbers
        if n not in stripped and classified[n] != _as_model_row(n)
    }
    assert differing == {}
    assert (
        len(stripped) < len(numbers) / 50
    )  # the one documented difference (plan.py): 1.3 % of random digits
    assert classified["5491123456789"][1:] == (
        "AR",
        "91123456789",
        "mobile",
        True,
        "Buenos Aires",
        "Argentina",
        "Buenos Aires",
        None,
    )
    assert classified["49301234x6"] == (None, None, None, "unknown", False, None, None, None, None)
