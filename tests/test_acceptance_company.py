"""The acceptance company onboarded as a new user would, every call compared with a key made by hand.

``tests/acceptance/`` holds a small company (Kestrel Freight: Munich on Asterisk,
Manchester on IP Office, Denver on Cisco UCM) whose PBX files were adapted from
real samples, whose HR export is two snapshots, and whose answer key
(``answer_key.csv``) was worked out by hand from the format specifications, not by
running the project (``tests/acceptance/README.md`` says how, call by call).

The test runs ``ringledger init``, fills the skeleton in with the company's
configuration and files, runs ``ringledger check`` and ``ringledger pipeline``,
and compares every field of every call in the published ``fct_calls`` with the
key. On a mismatch it prints one table of all of them (call, field, expected,
got) before failing.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from ingestion.config.settings import Settings
from orchestration.serving.publish import current_publication
from tests.conftest import run_ringledger, settings_under
from tests.ingestion.raw.test_sample_legs import assert_check_agrees_with_warehouse

pytestmark = pytest.mark.slow

ACCEPTANCE = Path(__file__).parent / "acceptance"
KEY = ACCEPTANCE / "answer_key.csv"
SKELETON = ("config/sites.yml", "config/sources.yml", "config/directory.yml", "tariffs", "directory")
COMPANY_FOLDERS = ("tariffs", "directory", "pbx")  # the user's own files, put where the skeleton says
MISSING = "(no such column)"


def _fill_in(company: Path) -> None:
    """What a user does after ``init``: their configuration over the skeleton, their files beside it."""
    for name in SKELETON:
        assert (company / name).exists(), f"ringledger init did not write {name}"
    for config in sorted((ACCEPTANCE / "config").glob("*.yml")):
        shutil.copy(config, company / "config" / config.name)
    for folder in COMPANY_FOLDERS:
        shutil.rmtree(company / folder, ignore_errors=True)  # the skeleton's examples make way
        shutil.copytree(ACCEPTANCE / folder, company / folder)


@pytest.fixture(scope="module")
def onboarded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, str]:
    """init, fill in, check, pipeline: the settings of the run and what ``check`` printed."""
    root = tmp_path_factory.mktemp("acceptance")
    company = root / "company"
    settings = settings_under(root / "home", company)
    run_ringledger(settings, "init", str(company))
    _fill_in(company)
    checked = run_ringledger(settings, "check")  # exit 0, else run_ringledger fails with its output
    run_ringledger(settings, "pipeline", dagster_home=root / "home" / "dagster")
    return settings, checked


def _key() -> list[dict[str, str]]:
    with KEY.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _text(value: object) -> str:
    """A warehouse value as the key writes it: blank for null, seconds-precision timestamps."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _published_calls(settings: Settings, fields: list[str]) -> tuple[dict[str, dict[str, str]], set[str]]:
    path = current_publication(settings.published_dir)
    assert path is not None and path.exists(), "the pipeline published nothing"
    with duckdb.connect(str(path), read_only=True) as con:
        columns = {row[0] for row in con.execute("DESCRIBE fct_calls").fetchall()}
        present = [f for f in fields if f in columns]
        rows = con.execute(f"SELECT {', '.join(present)} FROM fct_calls").fetchall()
    calls = {}
    for row in rows:
        values = dict(zip(present, row, strict=True))
        calls[_text(values["call_id"])] = {f: _text(values[f]) if f in values else MISSING for f in fields}
    return calls, columns


Mismatch = tuple[str, str, str, str]  # call, field, expected, got


def mismatches(key: list[dict[str, str]], calls: dict[str, dict[str, str]]) -> list[Mismatch]:
    """(call, field, expected, got) for every difference between the key and the published calls."""
    found = []
    for expected in key:
        call_id = expected["call_id"]
        got = calls.get(call_id)
        if got is None:
            found.append((call_id, "(call)", "present", "missing"))
            continue
        found += [
            (call_id, field, value, got[field])
            for field, value in expected.items()
            if field != "call_id" and got[field] != value
        ]
    known = {row["call_id"] for row in key}
    found += [(call_id, "(call)", "absent", "present") for call_id in sorted(set(calls) - known)]
    return found


def diff_table(rows: list[Mismatch]) -> str:
    header = ("call", "field", "expected", "got")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
    lines = [" | ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)) for r in [header, *rows]]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def test_check_reports_every_source(onboarded: tuple[Settings, str]):
    _, checked = onboarded
    for source in ("muc-asterisk", "man-ipoffice", "den-cucm", "hr"):
        assert source in checked, f"ringledger check says nothing of {source}:\n{checked}"


def test_every_call_matches_the_hand_made_key(onboarded: tuple[Settings, str]):
    settings, _ = onboarded
    key = _key()
    calls, _ = _published_calls(settings, list(key[0]))
    found = mismatches(key, calls)
    if found:
        fields = ", ".join(sorted({field for _, field, _, _ in found}))
        print(f"\n{len(found)} mismatches in {len({c for c, *_ in found})} calls; fields: {fields}")
        print(diff_table(found))
    assert not found, f"{len(found)} fields differ from tests/acceptance/answer_key.csv (table above)"


def test_the_diff_table_names_call_field_expected_and_got():
    """The comparison itself, on a made-up pair: a wrong field, a missing call, an extra call."""
    key = [{"call_id": "a", "talk_seconds": "60"}, {"call_id": "b", "talk_seconds": "5"}]
    calls = {"a": {"call_id": "a", "talk_seconds": "61"}, "c": {"call_id": "c", "talk_seconds": "1"}}
    found = mismatches(key, calls)
    assert found == [
        ("a", "talk_seconds", "60", "61"),
        ("b", "(call)", "present", "missing"),
        ("c", "(call)", "absent", "present"),
    ]
    table = diff_table(found).splitlines()
    assert table[0].split(" | ")[0].strip() == "call" and "talk_seconds" in table[2]


def test_check_classifies_every_record_as_the_warehouse_built_it(onboarded: tuple[Settings, str]):
    """Asterisk, IP Office and Cisco files made outside the project (ingestion/raw/test_sample_legs.py)."""
    settings, _ = onboarded
    assert_check_agrees_with_warehouse(settings, current_publication(settings.published_dir))
