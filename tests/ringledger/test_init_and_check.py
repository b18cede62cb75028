"""Onboarding a company: ``ringledger init`` writes a skeleton the loaders accept once filled in,
``ringledger check`` validates it and samples the files, ``land`` and ``pipeline`` say what they did.

The small company here is made from the skeleton as a user would: a site whose id is a slug
(``zrh-nord``) and whose HR branch is "Zürich Nord", Asterisk channels as the PBX writes them
(``SIP/carrierA-0000001f``, ``PJSIP/carrierB-00000a1b``) for trunks configured as ``SIP/carrierA``
and ``carrierB``. Its Master.csv lines follow the Asterisk cdr_csv layout of
/work/shared/samples/FORMATS.md, shaped like tests/acceptance/pbx/muc-asterisk (hand-made).
"""

from __future__ import annotations

import os
import re
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingestion.config.company import load_sites, load_sources, site_of_branch
from ingestion.config.settings import REPO_ROOT, Settings
from ingestion.config.tariffs import read_tariffs
from ingestion.directory.consolidated import read_directory
from ingestion.formats import FORMATS
from orchestration.serving.publish import current_publication
from ringledger.commands.init import skeleton_files
from tests.conftest import RINGLEDGER, run_ringledger, settings_under

MASTER = (
    # inbound on carrierB (PJSIP channel, the trunk configured by its peer name), answered by 101
    '"","0791234567","41441234500","from-trunk","""0791234567"" <0791234567>","PJSIP/carrierB-00000a1b",'
    '"SIP/101-00000011","Dial","SIP/101,30,t","2025-10-24 09:12:05","2025-10-24 09:12:11",'
    '"2025-10-24 09:15:15",190,184,"ANSWERED","DOCUMENTATION","1761289925.16","","","1761289925.16",16\n'
    # outbound from 102 on carrierA (configured with its technology)
    '"","102","0041449876543","from-internal","""Jürg Müller"" <102>","SIP/102-00000012",'
    '"SIP/carrierA-0000001f","Dial","SIP/carrierA/0041449876543,60","2025-10-24 10:05:00",'
    '"2025-10-24 10:05:09","2025-10-24 10:09:21",261,252,"ANSWERED","DOCUMENTATION","1761293100.18","","",'
    '"1761293100.18",18\n'
    # outbound on a trunk nobody configured: counted by check, a call without trunk in the warehouse
    '"","101","0041441112233","from-internal","""Anna Keller"" <101>","SIP/101-00000013",'
    '"SIP/othercarrier-00000020","Dial","SIP/othercarrier/0041441112233,60","2025-10-24 11:00:00",'
    '"2025-10-24 11:00:05","2025-10-24 11:01:05",65,60,"ANSWERED","DOCUMENTATION","1761296400.20","","",'
    '"1761296400.20",20\n'
    # a line cut short: quarantined with its file and line
    '"","101","102","from-internal"\n'
)
PEOPLE = (
    "employee_id,full_name,email,department,site_id,extension,valid_from,valid_to\n"
    'E1,Anna Keller,anna@example.ch,"Verkauf/Innendienst",Zürich Nord,101,2025-01-01,\n'
    'E2,Jürg Müller,juerg@example.ch,"Verkauf/Außendienst",Zürich Nord,102,2025-01-01,\n'
)


def _fill_in(company: Path) -> None:
    """What a user does after init: edit the example values, uncomment the fields they need."""
    sites = (company / "config" / "sites.yml").read_text(encoding="utf-8")
    for old, new in [
        ("id: hq ", "id: zrh-nord "),
        ('name: "Head office"', 'name: "Zürich Nord"'),
        ('# directory_branch: "Head office"', 'directory_branch: "Zürich Nord"'),
        ("timezone: Europe/Berlin", "timezone: Europe/Zurich"),
        ("country: DE", "country: CH"),
        ('country_code: "49"', 'country_code: "41"'),
        ('local_area_code: "30"', 'local_area_code: "44"'),
        ('dids: ["49301234500"]', 'dids: ["41441234500"]'),
        ("id: hq-carrier-a", "id: zrh-a"),
        ('pbx_name: "SIP/carrier-a"', 'pbx_name: "SIP/carrierA"'),
        ("    # business_hours:", "    business_hours:"),
        ('    #   opens: "08:00"', '      opens: "07:30"'),
        ('    #   closes: "18:00"', '      closes: "17:00"'),
    ]:
        assert old in sites, f"the skeleton's sites.yml has no {old!r} to edit"
        sites = sites.replace(old, new)
    sites += "      - {id: zrh-b, carrier: carrier-b, pbx_name: carrierB, channels: 10}\n"
    sites += '      - {id: zrh-isdn, carrier: carrier-b, pattern: "DAHDI/1-*", channels: 30}\n'
    (company / "config" / "sites.yml").write_text(sites, encoding="utf-8")
    sources = (company / "config" / "sources.yml").read_text(encoding="utf-8")
    sources = sources.replace("name: hq-pbx", "name: zrh-asterisk").replace("site: hq ", "site: zrh-nord ")
    (company / "config" / "sources.yml").write_text(sources, encoding="utf-8")
    (company / "pbx" / "hq-pbx" / "Master.csv").write_text(MASTER, encoding="utf-8")
    (company / "directory" / "people.csv").write_text(PEOPLE, encoding="utf-8")


def _run(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **settings.as_env()}
    return subprocess.run([RINGLEDGER, *args], env=env, cwd=REPO_ROOT, capture_output=True, text=True)


@pytest.fixture()
def company(tmp_path: Path) -> tuple[Settings, Path]:
    company = tmp_path / "company"
    settings = settings_under(tmp_path / "home", company)
    out = run_ringledger(settings, "init", str(company))
    assert "ringledger check" in out
    _fill_in(company)
    return settings, company


def test_init_writes_every_part_and_refuses_a_folder_in_use(tmp_path: Path):
    settings = settings_under(tmp_path / "home")
    target = tmp_path / "company"
    run_ringledger(settings, "init", str(target))
    written = {str(p) for p in skeleton_files()}
    for part in ("config/sites.yml", "config/sources.yml", "config/directory.yml"):
        assert part in written and (target / part).is_file()
    assert list((target / "tariffs").glob("*.csv")) and list((target / "directory").glob("*.csv"))
    sites = (target / "config" / "sites.yml").read_text(encoding="utf-8")
    for documented in ("directory_branch", "booking", "business_hours", "pattern", "emergency_numbers"):
        assert f"# {documented}:" in sites, f"sites.yml does not document {documented}"
    (target / "config" / "sites.yml").write_text("mine", encoding="utf-8")
    refused = _run(settings, "init", str(target))
    assert refused.returncode == 2 and "not empty" in refused.stderr and "--force" in refused.stderr
    assert (target / "config" / "sites.yml").read_text(encoding="utf-8") == "mine"
    run_ringledger(settings, "init", str(target), "--force")
    assert (target / "config" / "sites.yml").read_text(encoding="utf-8") == sites


def test_the_skeleton_as_written_and_filled_in_loads_with_the_pipelines_loaders(company):
    _, root = company
    (site,) = load_sites(root)
    assert (site.id, site.branch, site.timezone) == ("zrh-nord", "Zürich Nord", "Europe/Zurich")
    assert [t.id for t in site.trunks] == ["zrh-a", "zrh-b", "zrh-isdn"]
    assert site.business_calendar.opens.hour == 7
    (source,) = load_sources(root, set(FORMATS))
    assert (source.name, source.site, source.format) == ("zrh-asterisk", "zrh-nord", "asterisk_cdr_csv")
    assert {r.plan_id for r in read_tariffs(root)} == {site.tariff_plan}
    directory = read_directory(root, {site.id}, site_of_branch([site]))
    assert {a.site_id for a in directory.assignments} == {"zrh-nord"} and not directory.warnings


def test_check_samples_trunks_and_extensions_and_exits_0_on_warnings(company):
    settings, _ = company
    out = run_ringledger(settings, "check")
    assert "files: 1 found (Master.csv)" in out
    assert "sniff: Master.csv: asterisk_cdr_csv" in out
    assert "sample: 3 records from 1 file(s), 1 would be quarantined" in out
    assert "Master.csv:4: " in out  # the cut line, by file and line
    assert "external legs whose trunk is configured: 2/3 (67%)" in out
    assert "1 external leg(s) match no trunk of site zrh-nord, e.g. SIP/othercarrier-00000020" in out
    assert "parties whose extension is in the directory: 3/3 (100%)" in out
    assert "directory: 2 people, 3 departments, warnings: none" in out
    assert out.rstrip().endswith("configuration is usable: 0 error(s), 2 warning(s)")


def test_check_warns_where_sniff_disagrees_with_the_format(company):
    settings, root = company
    sources = root / "config" / "sources.yml"
    sources.write_text(
        sources.read_text(encoding="utf-8").replace("format: asterisk_cdr_csv", "format: threecx_cdr"),
        encoding="utf-8",
    )
    out = run_ringledger(settings, "check")
    disagrees = r"warning: Master.csv: sniff takes it for asterisk_cdr_csv \(.*\), configured threecx_cdr"
    assert re.search(disagrees, out), out


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("timezone: Europe/Zurich", "timezone: Europe/Zürich", "sites[1] (zrh-nord): unknown time zone"),
        ("tariff_plan: example-plan", "tariff_plan: none", "site zrh-nord: field 'tariff_plan': 'none'"),
        ("channels: 30", "channels: 0", "trunks[1]: field 'channels' should be a positive count"),
    ],
)
def test_check_exits_1_naming_file_entry_and_field(company, old: str, new: str, message: str):
    settings, root = company
    sites = root / "config" / "sites.yml"
    sites.write_text(sites.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    checked = _run(settings, "check")
    assert checked.returncode == 1, checked.stdout
    assert "ERROR: " in checked.stdout and str(sites) in checked.stdout and message in checked.stdout


@pytest.mark.slow
def test_land_pipeline_and_the_warehouse_follow_the_configuration(tmp_path: Path):
    """One small pipeline run: branch "Zürich Nord", trunks by channel, what land and pipeline print."""
    root = tmp_path / "company"
    settings = settings_under(tmp_path / "home", root)
    run_ringledger(settings, "init", str(root))
    _fill_in(root)
    first = run_ringledger(settings, "land")
    assert "zrh-asterisk: 1 landed, 0 already there" in first and "  landed: Master.csv" in first
    again = run_ringledger(settings, "land")
    assert "zrh-asterisk: 0 landed, 1 already there" in again and "  already there: Master.csv" in again
    built = run_ringledger(settings, "pipeline", with_stderr=True)
    # while it runs: a line per step with its time and what it built, not Dagster's event log
    assert re.search(r"\] ringledger_dbt done in [\d.]+ s: \d+ assets, \d+ checks\n", built), built
    assert "STEP_START" not in built and " - DEBUG - " not in built, built
    # how far the raw load is: files of the total, records, time and rate
    assert re.search(
        r"\] raw_records: raw load: 1 of 1 files, 3 records, [\d.]+ s, [\d,]+ records/s\n", built
    ), built
    assert "zrh-asterisk: 1 file(s), 3 records loaded, 1 quarantined" in built
    assert re.search(r"    Master\.csv:4: .+", built), built
    assert "SELECT * FROM raw.quarantine WHERE source = 'zrh-asterisk'" in built
    # the off-trunk finding's example as the load report names files: original name and line
    assert "e.g. Master.csv:3: SIP/101-00000013 -> SIP/othercarrier-00000020;" in built, built
    with duckdb.connect(str(current_publication(settings.published_dir)), read_only=True) as con:
        calls = con.execute(
            """SELECT f.caller_number, f.direction, f.trunk_id, f.person_id, f.department_id, b.site_id
               FROM fct_calls f LEFT JOIN dim_branch b USING (branch_key) ORDER BY f.started_at_utc"""
        ).fetchall()
    assert calls == [
        ("0791234567", "inbound", "zrh-b", "E1", "verkauf/innendienst", "zrh-nord"),
        ("102", "outbound", "zrh-a", "E2", "verkauf/aussendienst", "zrh-nord"),
        # a trunk not in sites.yml is not known to be one: what check warns about
        ("101", "internal", None, "E1", "verkauf/innendienst", "zrh-nord"),
    ]
    # ... and what the data-quality findings count, per source and call day (int_call_legs_off_trunk)
    with duckdb.connect(str(current_publication(settings.published_dir)), read_only=True) as con:
        off_trunk = con.execute(
            "SELECT source_name, finding_date, failing_rows, first_examples FROM rpt_data_quality_findings "
            "WHERE finding_kind = 'external_leg_on_no_trunk'"
        ).fetchall()
        patterns = con.execute("SELECT trunk_id, match_patterns FROM dim_trunk ORDER BY trunk_id").fetchall()
    assert [row[:3] for row in off_trunk] == [("zrh-asterisk", date(2025, 10, 24), 1)]
    # the example names the file as it was called on the PBX, with its line, as the load report does
    assert off_trunk[0][3] == "Master.csv:3: SIP/101-00000013 -> SIP/othercarrier-00000020"
    # dim_trunk says how each trunk is recognised, most specific pattern first (precedence in brackets)
    assert patterns == [
        ("zrh-a", "SIP/carrierA [1]; SIP/carrierA-% [3]"),
        ("zrh-b", "carrierB [2]; %/carrierB-% [4]"),
        ("zrh-isdn", "DAHDI/1-% [5]"),
    ]


def test_directory_branch_defaults_to_the_site_id_and_is_unique(company):
    _, root = company
    sites = root / "config" / "sites.yml"
    text = sites.read_text(encoding="utf-8")
    second = text.split("sites:\n", 1)[1].replace("id: zrh-nord ", "id: bern ")
    second = second.replace("id: zrh-", "id: bern-")  # trunk ids
    sites.write_text(text + second.replace('directory_branch: "Zürich Nord"', ""), encoding="utf-8")
    expected = {"Zürich Nord": "zrh-nord", "bern": "bern", "zrh-nord": "zrh-nord"}
    assert site_of_branch(load_sites(root)) == expected
    sites.write_text(text + second, encoding="utf-8")
    checked = _run(company[0], "check")
    assert checked.returncode == 1
    assert "sites (directory_branch): 'Zürich Nord' appears twice" in checked.stdout
