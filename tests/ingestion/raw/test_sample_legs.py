"""``ringledger check``'s sample (ingestion/raw/sample_legs.py) against the warehouse, record by record.

``assert_check_agrees_with_warehouse`` is the contract: for every source of a built company, each
record's leg as check classifies it (external or not, the trunk it matched, the extension it
books) is what the warehouse made of the same record (int_call_legs_staged: trunk_id,
extension, leg_direction; int_call_legs_off_trunk: external legs on no configured trunk), and
check counts per source what rpt_data_quality_findings reports. It runs in
tests/dbt_project/test_formats_calls_end_to_end.py on the warehouse that module builds from every format's
sample (no pipeline run of its own). The tests below need no pipeline.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from ingestion.collect.landing import candidate_files
from ingestion.config.company import load_sites, load_sources
from ingestion.config.settings import REPO_ROOT, Settings
from ingestion.config.trunk_matching import rank
from ingestion.formats import FORMATS
from ingestion.raw.sample_legs import (
    INTERNAL_CHANNEL_FORMATS,
    LEGS,
    NO_TRUNK,
    TRUNK_NAMED_FORMATS,
    Leg,
    SampleResult,
    classified_legs,
    classify,
    legs_of,
    read_records,
)

Key = tuple[str, str, int, str | None]  # source, landed file sha256, record number, record part
Verdict = tuple[str | None, str | None, bool]  # trunk id, extension, external


def _blank(value: str | None) -> str | None:
    return value or None


def _checked(settings: Settings, file_sha: dict[tuple[str, str], str]) -> dict[Key, Verdict]:
    """Every record of every file of every source, classified as ``ringledger check`` does."""
    sites = {s.id: s for s in load_sites(settings.input_dir)}
    found: dict[Key, Verdict] = {}
    for source in load_sources(settings.input_dir, known_formats=set(FORMATS)):
        seen: set[str] = set()
        for path in candidate_files(source):
            records = read_records(source, path, SampleResult(), limit=1_000_000)
            sha = file_sha[(source.name, path.name)]
            for leg in classified_legs(source, sites[source.site], records, seen):
                key = (source.name, sha, leg.record_no, leg.record_part)
                found[key] = (leg.trunk_id, _blank(leg.extension), leg.external)
    return found


def assert_check_agrees_with_warehouse(settings: Settings, published: Path) -> None:
    """The contract (see the module docstring); ``published`` is the build's published copy."""
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        file_sha = {
            (s, name): sha
            for s, name, sha in con.execute(
                "SELECT source, original_name, sha256 FROM raw.loaded_files"
            ).fetchall()
        }
        built = {
            (s, sha, n, part): (trunk, _blank(ext), direction != "internal" or off)
            for s, sha, n, part, trunk, ext, direction, off in con.execute(
                """SELECT l.source_name, l.landed_file_sha256, l.record_no, l.record_part, l.trunk_id,
                          l.extension, l.leg_direction, o.leg_id IS NOT NULL
                   FROM intermediate.int_call_legs_staged l
                   LEFT JOIN intermediate.int_call_legs_off_trunk o USING (leg_id)"""
            ).fetchall()
        }
        # records that are no leg of their own: the outgoing line of a Panasonic CO-to-CO pair,
        # and records seen before (raw.record_duplicates), which check's one-file sample cannot know
        paired = con.execute(  # int_panasonic_smdr__records_paired since the canonical-leg models
            "SELECT table_schema || '.' || table_name FROM information_schema.columns "
            "WHERE column_name = 'paired_record_no' AND table_name LIKE '%panasonic_smdr%' "
            "ORDER BY table_name"
        ).fetchone()
        assert paired is not None, "no Panasonic relation names the paired record"
        merged = set(
            con.execute(
                f"""SELECT source_name, paired_landed_file_sha256, paired_record_no, NULL
                   FROM {paired[0]} WHERE paired_record_no IS NOT NULL
                   UNION ALL SELECT source, file_sha256, record_no, NULL FROM raw.record_duplicates"""
            ).fetchall()
        )
    checked = _checked(settings, file_sha)
    assert built, "the warehouse holds no legs"
    missing = sorted(set(built) - set(checked))
    assert not missing, f"legs the warehouse built that check does not see: {missing[:5]}"
    extra = sorted(k for k in set(checked) - set(built) if (k[0], k[1], k[2], None) not in merged)
    assert not extra, f"records check takes for legs that the warehouse does not build: {extra[:5]}"
    differ = {k: (checked[k], built[k]) for k in built if checked[k] != built[k]}
    assert not differ, (
        f"{len(differ)} of {len(built)} legs classified otherwise by check than by the warehouse "
        f"((trunk, extension, external): check, warehouse): {dict(list(differ.items())[:5])}"
    )
    # per source, check's external legs on no trunk are what the findings count
    with duckdb.connect(str(published), read_only=True) as con:
        reported = dict(
            con.execute(
                "SELECT source_name, sum(failing_rows) FROM rpt_data_quality_findings "
                "WHERE finding_kind = 'external_leg_on_no_trunk' GROUP BY 1"
            ).fetchall()
        )
    off_trunk: dict[str, int] = {}
    for (source, *_), (trunk, _ext, external) in checked.items():
        if external and trunk is None and (source, *_) in built:
            off_trunk[source] = off_trunk.get(source, 0) + 1
    assert reported == off_trunk


def test_every_format_is_described_or_says_why_not():
    assert set(LEGS) | set(NO_TRUNK) == set(FORMATS)
    assert not set(LEGS) & set(NO_TRUNK)


def test_the_warehouse_knows_the_same_trunk_named_formats():
    macro = (REPO_ROOT / "dbt_project" / "macros" / "off_trunk.sql").read_text(encoding="utf-8")
    listed = re.search(r"macro trunk_named_formats\(\).*?return\(\[(.*?)\]\)", macro, re.S)
    assert listed is not None
    assert set(re.findall(r"'([a-z0-9_]+)'", listed.group(1))) == TRUNK_NAMED_FORMATS


def test_the_warehouse_knows_the_same_internal_channel_formats():
    macro = (REPO_ROOT / "dbt_project" / "macros" / "off_trunk.sql").read_text(encoding="utf-8")
    listed = re.search(r"macro internal_channel_formats\(\).*?return\(\[(.*?)\]\)", macro, re.S)
    assert listed is not None
    assert set(re.findall(r"'([a-z0-9_]+)'", listed.group(1))) == INTERNAL_CHANNEL_FORMATS
    assert INTERNAL_CHANNEL_FORMATS == {"asterisk_cdr_csv", "asterisk_cdr_custom", "asterisk_cdr_db"}


def test_a_local_channel_is_neither_trunk_nor_extension():
    """A Local channel half is the PBX's own dialplan: only a trunk opposite it makes a leg external."""
    patterns = rank("s", [("s-a", ["SIP/carrierA", "SIP/carrierA-%"])])
    internal = {"101", "301"}.__contains__

    def verdict(record: dict[str, str | None]) -> tuple[str | None, str | None, bool]:
        leg = legs_of("asterisk_cdr_csv", record)
        assert leg is not None
        return classify("asterisk_cdr_csv", leg, patterns, internal)

    # in on the trunk to the ;1 half of a Local channel: inbound, no extension
    inbound = {"src": "89240883282", "dst": "211553", "channel": "SIP/carrierA-00000006"}
    assert verdict({**inbound, "dstchannel": "Local/ch1@TimeDelay-00000000;1"}) == ("s-a", None, True)
    # the ;2 half rings the phone with the outside caller's number: internal, no finding
    ringing = {"src": "89240883282", "dst": "ch1", "channel": "Local/ch1@TimeDelay-00000000;2"}
    assert verdict({**ringing, "dstchannel": "SIP/301-00000007"}) == (None, None, False)
    # ... or goes out on the trunk: outbound, no extension
    assert verdict({**ringing, "dstchannel": "SIP/carrierA-00000008"}) == ("s-a", None, True)
    # a phone dials an outside number through a Local channel: that leg is not the outside one
    dialling = {"src": "101", "dst": "0041441112233", "channel": "SIP/101-00000013"}
    assert verdict({**dialling, "dstchannel": "Local/0041441112233@out-0000abcd;1"}) == (None, "101", False)
    # FreePBX rings extensions through Local/<ext>@from-internal: no extension '201@from-internal'
    looped = legs_of("asterisk_cdr_csv", {"channel": "Local/201@from-internal-0000abcd;1"})
    assert looped is not None and looped.from_extension is None
    # the same numbers between two phones' channels still say the party is outside
    assert verdict({**dialling, "dstchannel": "SIP/other-00000020"}) == (None, "101", True)


def test_external_by_trunk_by_line_or_by_an_outside_number():
    patterns = rank("s", [("s-a", ["SIP/carrierA", "SIP/carrierA-%"])])
    internal = {"101", "102"}.__contains__

    def verdict(fmt: str, record: dict[str, str | None]) -> tuple[str | None, str | None, bool]:
        leg = legs_of(fmt, record)
        assert leg is not None
        return classify(fmt, leg, patterns, internal)

    channel = {"src": "101", "dst": "0041441112233", "channel": "SIP/101-00000013"}
    assert verdict("asterisk_cdr_csv", {**channel, "dstchannel": "SIP/carrierA-0000001f"}) == (
        "s-a",
        "101",
        True,
    )
    assert verdict("asterisk_cdr_csv", {**channel, "dstchannel": "SIP/other-00000020"}) == (None, "101", True)
    assert verdict("asterisk_cdr_csv", {**channel, "dst": "102", "dstchannel": "SIP/102-1"}) == (
        None,
        "101",
        False,
    )
    # a line on no trunk is external whatever the numbers (IP Office party 2 a trunk line)
    line = {"direction": "O", "caller": "101", "called_number": "102", "party1_device": "E101"}
    assert verdict("avaya_ipoffice_smdr", {**line, "party2_device": "T9001", "party2_name": "Line 9.1"}) == (
        None,
        "101",
        True,
    )
    # feature codes and names are no outside number
    assert verdict("grandstream_ucm_api", {"src": "101", "dst": "*97", "channel_ext": "101"}) == (
        None,
        "101",
        False,
    )


def test_null_direction_is_neither_side_as_in_sql():
    leg = legs_of(
        "mitel_5000_smdr", {"call_type": None, "trunk": "94003", "extension": "201", "digits": "5551234"}
    )
    assert leg == Leg(None, None, None, None, "201", "5551234")
