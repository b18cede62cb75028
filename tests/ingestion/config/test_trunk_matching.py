"""Trunks are matched as the PBX writes them, by one rule that the warehouse and ``check`` share."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingestion.config.company import load_sites, trunk_patterns
from ingestion.config.errors import ConfigError
from ingestion.config.trunk_matching import glob_to_like, matching_trunk, patterns_for, rank
from ingestion.raw.reference import load_sites as load_site_tables

SITES = """
sites:
  - id: muc
    timezone: Europe/Berlin
    country: DE
    pbx: asterisk
    tariff_plan: p1
    dial_plan: {{access_code: "0", international_prefix: "00", national_prefix: "0", country_code: "49"}}
    trunks:
{trunks}
"""

TRUNKS = """\
      - {id: telekom, carrier: telekom, pbx_name: "SIP/carrierA", channels: 30}
      - {id: peer, carrier: sipgate, pbx_name: "carrierB", channels: 10}
      - {id: east, carrier: sipgate, pbx_name: "SIP/carrierA-east", channels: 4}
      - {id: dahdi, carrier: bt, pattern: "DAHDI/1-*", channels: 23}
      - {id: lumen, carrier: lumen, pbx_name: "DEN_VG01_PRI", channels: 23}
"""

# endpoint as the PBX writes it -> trunk it belongs to (None: an extension or unknown)
EXPECTED = {
    "SIP/carrierA-0000001f": "telekom",
    "SIP/carrierA": "telekom",
    "PJSIP/carrierA-00000a1b": None,  # configured with its technology: SIP only
    "SIP/carrierB-0000001f": "peer",
    "PJSIP/carrierB-00000a1b": "peer",
    "IAX2/carrierB-4": "peer",
    "carrierB": "peer",
    "SIP/carrierA-east-00000002": "east",  # the more specific trunk wins
    "DAHDI/1-1": "dahdi",
    "DAHDI/12-1": None,
    "DEN_VG01_PRI": "lumen",
    "DENXVG01YPRI": None,  # '_' in a name is literal, not LIKE's any-character
    "SIP/101-00000011": None,
    "carrierB-east": None,
    "": None,
}


def _company(root: Path, trunks: str = TRUNKS) -> Path:
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "config" / "sites.yml").write_text(SITES.format(trunks=trunks), encoding="utf-8")
    return root


def test_python_rule_matches_channels_as_the_pbx_writes_them(tmp_path: Path):
    (site,) = load_sites(_company(tmp_path))
    patterns = trunk_patterns(site)
    assert {e: matching_trunk(patterns, e) for e in EXPECTED} == EXPECTED


def test_warehouse_join_agrees_with_the_python_rule(tmp_path: Path):
    """The patterns loaded into raw.trunk_match_patterns, joined as int_call_legs_staged joins them."""
    sites = load_sites(_company(tmp_path))
    con = duckdb.connect()
    load_site_tables(con, sites)
    con.execute("CREATE TABLE endpoints (endpoint VARCHAR)")
    con.executemany("INSERT INTO endpoints VALUES (?)", [[e] for e in EXPECTED])
    rows = con.execute(
        """SELECT e.endpoint, t.trunk_id
           FROM endpoints e
           LEFT JOIN raw.trunk_match_patterns t
             ON t.site_id = 'muc' AND e.endpoint LIKE t.like_pattern ESCAPE '!'
           LEFT JOIN raw.trunk_match_patterns b
             ON b.site_id = t.site_id AND b.precedence < t.precedence
             AND e.endpoint LIKE b.like_pattern ESCAPE '!'
           WHERE b.trunk_id IS NULL"""
    ).fetchall()
    assert len(rows) == len(EXPECTED), "one row per endpoint: at most one trunk each"
    assert dict(rows) == EXPECTED


def test_patterns_of_a_name_and_a_glob():
    assert patterns_for("SIP/carrierA") == ["SIP/carrierA", "SIP/carrierA-%"]
    assert patterns_for("carrierA") == ["carrierA", "%/carrierA-%"]
    assert patterns_for("Line_1%") == ["Line!_1!%", "%/Line!_1!%-%"]
    assert glob_to_like("SIP/carrierA-*") == "SIP/carrierA-%" and glob_to_like("T?01") == "T_01"
    ranked = rank("s", [("a", ["%/a-%"]), ("b", ["b"]), ("c", ["SIP/a-east-%"])])
    assert [p.trunk_id for p in ranked] == ["b", "c", "a"]  # exact, then most literal characters


@pytest.mark.parametrize(
    ("trunks", "message"),
    [
        (
            '      - {id: a, carrier: c, pbx_name: "x", channels: 1}\n'
            '      - {id: b, carrier: c, pbx_name: "x", channels: 1}\n',
            "sites[1] (muc), trunk b: matches the same endpoints as trunk a",
        ),
        (
            '      - {id: a, carrier: c, pattern: "SIP/x", channels: 1}\n',
            "field 'pattern' should be a glob with * or ?",
        ),
        ("      - {id: a, carrier: c, channels: 1}\n", "field 'pbx_name' is missing"),
    ],
)
def test_trunk_mistakes_name_file_entry_and_field(tmp_path: Path, trunks: str, message: str):
    with pytest.raises(ConfigError) as error:
        load_sites(_company(tmp_path, trunks))
    assert "sites.yml" in str(error.value) and message in str(error.value)
