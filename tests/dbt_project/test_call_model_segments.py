"""Segment times, hold and park, and who released the call, from real sample records through the pipeline.

One input folder (the builder of tests/dbt_project/test_formats_calls_end_to_end.py) holds an IP Office site
(the Avaya KB's SMDR examples), two Cisco UCM sites (the CUCM 15 and CUCM 11 samples), a 3CX
site and a Grandstream site; the pipeline (raw load, dbt build, publish) runs once for all of
them. Every expected figure was worked out by hand from the records and FORMATS.md (or, for
the 300-line CUCM and 600-line 3CX files, by counting their columns with the csv module by
the rule stated next to the figure), not by running the models. The rules are in
docs/call-model.md.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from ingestion.config.settings import Settings
from orchestration.serving.publish import current_publication
from tests.conftest import run_ringledger, settings_under
from tests.dbt_project.test_formats_calls_end_to_end import SITES, _dial_plan, build_input

pytestmark = pytest.mark.slow

CHOSEN: dict[str, dict] = {
    "ipoffice": {
        "format": "avaya_ipoffice_smdr",
        "timezone": "Europe/London",
        "country": "GB",
        "dial_plan": _dial_plan("44", "1707", access="9"),
        "trunks": ["LINE 5", "LINE 1", "Line 1"],  # Party2Name "LINE 5.1" is line 5, channel 1
        "files": ["avaya_ipoffice_smdr/avaya_kb_smdr_examples.csv"],
    },
    "cucm": SITES["cucm"],
    "cucm11": {**SITES["cucm"], "files": ["cisco_cucm_cdr/gefot_cucm11_cdr_noheader_redacted.txt"]},
    "threecx": SITES["threecx"],
    "grandstream": SITES["grandstream"],
}
CHOSEN["cucm11"].pop("cmr_files")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    """The pipeline run once over the chosen samples; its published copy, read-only."""
    root = tmp_path_factory.mktemp("call-model")
    settings: Settings = settings_under(root / "home", build_input(root / "input", CHOSEN))
    run_ringledger(settings, "pipeline", dagster_home=root / "home" / "dagster")
    path = current_publication(settings.published_dir)
    assert path is not None
    return duckdb.connect(str(path), read_only=True)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_ipoffice_transferred_call_segments_follow_one_another(warehouse):
    """KB "call transferred to voicemail", Call ID 1000014160, London in June (UTC+1).

    Both records carry Call Start 09:30:57. Segment 1 (E4750): ring 7, connected 13, hold 11,
    park 0 -> answered 09:31:04, ends 09:30:57 + 31 s = 09:31:28. Segment 2 (voicemail V9502):
    ring 0, connected 21 -> starts and is answered at 09:31:28, ends 09:31:49.
    """
    legs = warehouse.execute(
        "SELECT leg_order, extension, started_at_utc, answered_at_utc, ended_at_utc, billable_seconds, "
        "hold_seconds, park_seconds, released_by FROM fct_call_legs "
        "WHERE call_id = 'ipoffice-pbx:1000014160' ORDER BY leg_order"
    ).fetchall()
    assert legs == [
        (1, "4750", _at("2008-06-28 08:30:57"), _at("2008-06-28 08:31:04"), _at("2008-06-28 08:31:28"),
         13, 11, 0, None),
        (2, None, _at("2008-06-28 08:31:28"), _at("2008-06-28 08:31:28"), _at("2008-06-28 08:31:49"),
         21, 0, 0, None),
    ]  # fmt: skip
    call = warehouse.execute(
        "SELECT started_at_local, answered_at_utc, ended_at_utc, ring_seconds, talk_seconds, "
        "duration_seconds, hold_seconds, park_seconds, released_by, leg_count, direction, disposition "
        "FROM fct_calls "
        "WHERE call_id = 'ipoffice-pbx:1000014160'"
    ).fetchone()
    assert call == (
        _at("2008-06-28 09:30:57"), _at("2008-06-28 08:31:04"), _at("2008-06-28 08:31:49"),
        7, 34, 52, 11, 0, None, 2, "inbound", "answered",
    )  # fmt: skip


def test_ipoffice_single_segment_calls_keep_ring_hold_and_park(warehouse):
    """The other KB examples: lost call (ring 9, nothing connected), inbound external (ring 7,
    connected 5), VM answer (ring 21, 10 s), internal (ring 4, 44 s); all hold 0, park 0."""
    rows = dict(
        warehouse.execute(
            "SELECT call_id, [ring_seconds, talk_seconds, duration_seconds, hold_seconds, park_seconds] "
            "FROM fct_calls WHERE site_id = 'ipoffice' AND call_id <> 'ipoffice-pbx:1000014160'"
        ).fetchall()
    )
    assert rows == {
        "ipoffice-pbx:1000014155": [9, 0, 9, 0, 0],
        "ipoffice-pbx:1000013": [7, 5, 12, 0, 0],
        "ipoffice-pbx:28": [21, 10, 31, 0, 0],
        "ipoffice-pbx:1000013898": [4, 44, 48, 0, 0],
    }


def test_cisco_release_follows_cause_and_on_behalf_of(warehouse):
    """CUCM 15 sample: the answered call 2-25447 has origCause 16, destCause 0, orig OnBehalfOf 12:
    the caller hung up. CUCM 11 sample, 300 CDRs by (origCause, destCause, origOnBehalfOf,
    destOnBehalfOf): (16,0,12,0) 148 + (16,0,12,10) 3 + (41,0,12,0) 1 = 152 caller;
    (0,16,0,12) 131 + (0,16,10,12) 4 = 135 called; (393216,393216,10,10) 13 transferred: null.
    Cisco writes no hold or park time: null."""
    assert warehouse.execute(
        "SELECT released_by, hold_seconds, park_seconds FROM fct_calls WHERE call_id = 'cucm-pbx:2-25447'"
    ).fetchone() == ("caller", None, None)
    by_release = dict(
        warehouse.execute(
            "SELECT released_by, count(*) FROM fct_call_legs WHERE site_id = 'cucm11' GROUP BY 1"
        ).fetchall()
    )
    assert by_release == {"caller": 152, "called": 135, None: 13}


def test_threecx_release_is_reason_terminated(warehouse):
    """v16 file: 339 TerminatedBySrc, 208 TerminatedByDst, 53 other reasons; the v20 record is
    TerminatedBySrc. Call 9744 (inbound, handed from 610 to 185) was ended by 185."""
    by_release = dict(
        warehouse.execute(
            "SELECT released_by, count(*) FROM fct_calls WHERE site_id = 'threecx' GROUP BY 1"
        ).fetchall()
    )
    assert by_release == {"caller": 340, "called": 208, None: 53}
    assert warehouse.execute(
        "SELECT extension, direction, released_by FROM fct_calls "
        "WHERE call_id = 'threecx-pbx:00000171DEE41BB3_2501'"
    ).fetchone() == ("185", "inbound", "called")


def test_grandstream_parked_caller_time_is_park_time(warehouse):
    """Uniqueid .2641: parked at lot 71 09:34:32-09:35:07 (35 s), then talked 30 s with 203.
    Uniqueid .2693: parked 11:04:18-11:05:34 (75 s). No other call has a parked caller's leg:
    null, as is hold time (the UCM writes none)."""
    park = dict(
        warehouse.execute(
            "SELECT coalesce(park_seconds, -1), count(*) FROM fct_calls "
            "WHERE site_id = 'grandstream' GROUP BY 1"
        ).fetchall()
    )
    assert park == {35: 1, 75: 1, -1: 11}
    assert warehouse.execute(
        "SELECT count(*) FROM fct_calls WHERE site_id = 'grandstream' AND hold_seconds IS NOT NULL"
    ).fetchone() == (0,)
