"""Every format's real sample through the real pipeline: calls, legs, directions, outcomes, talk time.

One input folder holds one site per format; its dial plan and trunk ``pbx_name``s
match the names the sample's PBX wrote, and its source points at copies of the
samples in ``tests/fixtures/samples``. The pipeline runs once for all formats.
Every expected figure below was worked out by reading the sample records by hand
(or, for the 600-line 3CX file, by counting its columns with the rules stated
next to the figure), not by running the models.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
import yaml

from ingestion.config.settings import Settings
from ingestion.formats.asterisk_cdr_custom import STOCK_MAPPING
from orchestration.serving.publish import current_publication
from tests.conftest import SAMPLES, run_ringledger, settings_under
from tests.ingestion.raw.test_sample_legs import assert_check_agrees_with_warehouse

pytestmark = pytest.mark.slow

PLAN = "sample-plan"
TARIFF = (
    "plan_id,carrier,prefix,destination,rate_per_minute,connect_fee,currency,initial_increment_s,"
    "next_increment_s,valid_from\n"
    f"{PLAN},carrier,1,NANP,0.0200,0.0000,EUR,1,1,2000-01-01\n"
    f"{PLAN},carrier,3,Europe,0.0500,0.0000,EUR,1,1,2000-01-01\n"
    f"{PLAN},carrier,4,Europe,0.0500,0.0000,EUR,1,1,2000-01-01\n"
)


def _dial_plan(country_code: str, area: str, access: str = "0", international: str = "00") -> dict:
    return {
        "access_code": access,
        "international_prefix": international,
        "national_prefix": "0" if country_code != "1" else "1",
        "country_code": country_code,
        "local_area_code": area,
    }


# site id -> (format, time zone, country, dial plan, trunk pbx_names, sample files, encoding)
SITES: dict[str, dict] = {
    "asterisk": {
        "format": "asterisk_cdr_csv",
        "timezone": "Asia/Irkutsk",  # Buryatia
        "country": "RU",
        "dial_plan": {**_dial_plan("7", "3012", access="", international="810"), "national_prefix": "8"},
        # the PSTN lines (SIP peers 211474, 211553: calls arrive in context stadion-pstn) and the
        # SIP peer of the other PBX, dialled as SIP/200@stadionpbx; Local/ch1@TimeDelay… are no trunk
        "trunks": ["211474", "211553", "stadionpbx"],
        "files": ["asterisk_cdr_csv/mineevburyat_Master_newcdrcolumns_masked.csv"],
        "encoding": "cp1251",
    },
    "custom": {
        "format": "asterisk_cdr_custom",
        "timezone": "Indian/Antananarivo",
        "country": "MG",
        "dial_plan": _dial_plan("261", "20"),
        "trunks": [],  # PJSIP/client1 <-> PJSIP/client2: lab phones only
        "files": ["asterisk_cdr_custom/kelysaina_cdr_custom_Master.csv"],
        "columns": [*STOCK_MAPPING, "sequence"],  # the stock cdr_custom.conf mapping plus sequence
    },
    "cdrdb": {
        "format": "asterisk_cdr_db",
        "timezone": "Europe/Kyiv",
        "country": "UA",
        "dial_plan": _dial_plan("380", "44"),
        "trunks": ["gsm0", "gsm1", "gsm2"],  # OpenVox GSM gateway ports (SIP/gsmN channels)
        "files": ["asterisk_cdr_mysql/aleksa5324_cdr_table_export_masked.csv"],
    },
    "threecx": {
        "format": "threecx_cdr",
        "timezone": "Europe/Paris",
        "country": "FR",
        "dial_plan": _dial_plan("33", "1"),
        "trunks": ["10000", "10001", "10020"],  # 3CX line DNs (v16: 10000/10001, v20: 10020)
        "files": [
            "3cx_cdr_csv/dorel14_3cx_v16_cdr_2020_masked.csv",
            "3cx_cdr_csv/dorel14_3cx_cdr_2024_masked.csv",
        ],
        "encoding": "utf-8-sig",
    },
    "freeswitch": {
        "format": "freeswitch_cdr_csv",
        "timezone": "Asia/Shanghai",
        "country": "CN",
        "dial_plan": _dial_plan("86", "10"),
        "trunks": ["public"],  # calls arriving in the 'public' dialplan context come from outside
        "files": [
            "freeswitch_cdr_csv/fsdocs_cdr_examples_Master.csv",
            "freeswitch_cdr_csv/kxingyunliushui_Master_excel_resaved.csv",
        ],
    },
    "grandstream": {
        "format": "grandstream_ucm_api",
        "timezone": "Europe/London",
        "country": "GB",
        "dial_plan": _dial_plan("44", "1922"),
        "trunks": ["Daisy"],  # src_trunk_name / dst_trunk_name
        "files": ["grandstream_ucm_cdr/louis171_ucm_cdrapi_records_masked.jsonl"],
    },
    "mitel5000": {
        "format": "mitel_5000_smdr",
        "timezone": "America/Phoenix",
        "country": "US",
        "dial_plan": _dial_plan("1", "480", access="9", international="011"),
        "trunks": ["94003"],
        "files": ["mitel_5000_smdr/mitel5000_doc_example_record.txt"],
    },
    "mivb": {
        "format": "mitel_mivb_smdr",
        "timezone": "America/Toronto",
        "country": "CA",
        "dial_plan": _dial_plan("1", "613", access="9", international="011"),
        "trunks": ["T054", "T061", "T102"],
        "files": ["mitel_mivb_smdr/constructed_standard_90char.txt"],
    },
    "avayacm": {
        "format": "avaya_cm_cdr",
        "timezone": "America/New_York",
        "country": "US",
        "dial_plan": _dial_plan("1", "212", access="9", international="011"),
        "trunks": ["101", "802", "012"],  # outgoing: access code used; incoming: circuit id
        "files": ["avaya_cm_cdr/constructed_teleseer_with_date_records.txt"],
    },
    "panasonic": {
        "format": "panasonic_smdr",
        "timezone": "Australia/Melbourne",
        "country": "AU",
        "dial_plan": _dial_plan("61", "3"),
        "trunks": ["01", "02", "03"],  # CO line numbers
        "files": ["panasonic_smdr/constructed_pattern_a_pages.txt"],
    },
    "panasonic_dmy": {
        "format": "panasonic_smdr",
        "timezone": "Europe/London",
        "country": "GB",
        "dial_plan": _dial_plan("44", "20", access=""),  # CO line keys: no access code dialled
        "trunks": ["01", "02", "03"],
        "files": ["panasonic_smdr/constructed_pattern_a_day_first_co_to_co.txt"],
        "date_format": "DD/MM/YY",  # the PBX's date order, set per source
    },
    "nec": {
        "format": "nec_smdr",
        "timezone": "America/New_York",
        "country": "US",
        "dial_plan": _dial_plan("1", "732", access="9", international="011"),
        "trunks": ["001", "002"],  # route numbers (first 3 digits of section 01)
        "files": [
            "nec_neax_smdr/zombat_KKrecord.smdr",
            "nec_neax_smdr/zombat_KLrecord.smdr",
            "nec_neax_smdr/zombat_KMrecord.smdr",
            "nec_neax_smdr/constructed_KA_KE_normal.smdr",
        ],
    },
    "cucm": {
        "format": "cisco_cucm_cdr",
        "timezone": "America/Los_Angeles",
        "country": "US",
        "dial_plan": _dial_plan("1", "503", access="9", international="011"),
        "trunks": [],
        "files": ["cisco_cucm_cdr/sieteunoseis_cdr_example.txt"],
        # the CMRs of the same cluster: a second source of the site, in the same folder
        "cmr_files": ["cisco_cucm_cmr/sieteunoseis_cmr_example.txt"],
    },
}


def build_input(root: Path, chosen: dict[str, dict] | None = None) -> Path:
    """An input folder: config/sites.yml, config/sources.yml, tariffs/, and a copy of each sample.

    ``chosen`` replaces SITES (tests/dbt_project/test_call_model_segments.py builds its own set).
    """
    sites, sources = [], []
    for site_id, site in (SITES if chosen is None else chosen).items():
        sites.append(
            {
                "id": site_id,
                "name": site_id,
                "timezone": site["timezone"],
                "country": site["country"],
                "pbx": site["format"],
                "tariff_plan": PLAN,
                "dial_plan": site["dial_plan"],
                "trunks": [
                    {"id": f"{site_id}-{name}", "carrier": "carrier", "pbx_name": name, "channels": 30}
                    for name in site["trunks"]
                ],
            }
        )
        folder = root / "pbx" / site_id
        folder.mkdir(parents=True)
        for sample in site["files"]:
            shutil.copy(SAMPLES / sample, folder / Path(sample).name)
        source = {
            "name": f"{site_id}-pbx",
            "site": site_id,
            "format": site["format"],
            "location": f"pbx/{site_id}",
            "pattern": "*",
            "encoding": site.get("encoding", "utf-8"),
        }
        for setting in ("columns", "date_format"):
            if setting in site:
                source[setting] = site[setting]
        sources.append(source)
        if site.get("cmr_files"):
            cmr_folder = root / "pbx" / f"{site_id}-cmr"
            cmr_folder.mkdir(parents=True)
            for sample in site["cmr_files"]:
                shutil.copy(SAMPLES / sample, cmr_folder / Path(sample).name)
            sources.append(
                {
                    "name": f"{site_id}-cmr",
                    "site": site_id,
                    "format": "cisco_cucm_cmr",
                    "location": f"pbx/{site_id}-cmr",
                    "pattern": "*",
                }
            )
    (root / "config").mkdir(parents=True)
    (root / "config" / "sites.yml").write_text(yaml.safe_dump({"sites": sites}, sort_keys=False))
    (root / "config" / "sources.yml").write_text(yaml.safe_dump({"sources": sources}, sort_keys=False))
    (root / "tariffs").mkdir()
    (root / "tariffs" / f"{PLAN}.csv").write_text(TARIFF)
    return root


# Per site: calls, legs, calls by direction, calls by disposition, total talk seconds in fct_calls.
EXPECTED: dict[str, dict] = {
    # 84 CDRs, 36 linkedids -> 36 calls (linkedid column 20, each of its CDRs a leg). The first leg
    # of each (earliest start, then sequence) comes in on SIP/211474 or SIP/211553: inbound, except
    # lines 83 and 84, one CDR each, SIP/211553 -> SIP/stadionpbx: transit. Five calls ring through
    # Local/ch1..ch3@TimeDelay (lines 7-38): their legs to and from the Local halves stay in the call.
    # Answered: any ANSWERED CDR; no answer: the calls of lines 7-13, 14-20, 63-64, 65-66; busy: line
    # 83. Talk = sum of billsec over all 84 lines (the Local CDRs bill 0) = 974.
    "asterisk": {
        "calls": 36,
        "legs": 84,
        "direction": {"inbound": 34, "transit": 2},
        "disposition": {"answered": 31, "no_answer": 4, "busy": 1},
        "talk": 974,
    },
    # 14 lines, 14 distinct uniqueids and no linkedid column -> 14 one-leg calls between the lab
    # phones client1/client2 (no trunk) -> internal. 11 ANSWERED, 3 NO ANSWER (lines 2, 5, 10).
    # billsec of the answered: 13+13+18+8+8+7+3+2+2+2+2 = 78.
    "custom": {
        "calls": 14,
        "legs": 14,
        "direction": {"internal": 14},
        "disposition": {"answered": 11, "no_answer": 3},
        "talk": 78,
    },
    # 31 rows; row 1 is the dump's empty row (calldate 0000-00-00): no call -> 30 one-leg calls.
    # inbound = channel SIP/gsm0|gsm2: rows 3,5,10,13,18,24-29,31 = 12, billsec 7+3+2+2+2+3+3+2+2+2+2+0 = 30.
    # outbound = dstchannel SIP/gsm0|gsm1: 16 rows; 11 ANSWERED (billsec 5+4+19+4+96+108+71+261+50+39+22
    # = 679), BUSY row 14, NO ANSWER rows 4, 15, 23, FAILED row 16.
    # internal: row 2 (501->500, ANSWERED 9 s) and row 22 (500->501 BUSY).
    "cdrdb": {
        "calls": 30,
        "legs": 30,
        "direction": {"inbound": 12, "outbound": 16, "internal": 2},
        "disposition": {"answered": 24, "busy": 2, "no_answer": 3, "failed": 1},
        "talk": 718,
    },
    # One row per call: 600 (v16) + 1 (v20) = 601. Counted on the files with the csv module by the
    # rules in stg_threecx_cdr__legs: the side at the end of the call (final_dn on the called side,
    # on the calling side for ReplacedSrc) is a line DN 10000/10001/10020 -> inbound/outbound;
    # answered = time-answered written; RouteBusy busy; Failed/NoRouteExists failed; else no answer;
    # talk = duration HH:MM:SS. inbound 178 answered (64298 s); outbound 214 answered over a line
    # (79459 s, the v20 call's 25 s included), 36 Failed attempts that never seized a line (no
    # line DN: the called party is the dialled number, written as a number, not Ext.NNN) and call
    # 10410 (MakeCall -> Ext.195, answered, then a failed blind transfer to 0232054084, the final
    # party); internal 157 answered, 2 failed, 12 no answer, 1 busy.
    "threecx": {
        "calls": 601,
        "legs": 601,
        "direction": {"inbound": 178, "outbound": 251, "internal": 172},
        "disposition": {"answered": 550, "failed": 38, "no_answer": 12, "busy": 1},
        "talk": 180610,
    },
    # fsdocs: 5 records in context 'public' (the inbound trunk), no answer stamp, billsec 0,
    # NORMAL_CLEARING -> 5 inbound no-answer calls. Spreadsheet file: 10 lines, uuid 7adced1a… three
    # times -> 8 calls in context 'default' (internal): 7 answered (billsec 9+61+21+327+20+32+20 = 490;
    # the RECOVERY_ON_TIMER_EXPIRE call was answered), 1 NO_USER_RESPONSE without answer.
    "freeswitch": {
        "calls": 13,
        "legs": 13,
        "direction": {"inbound": 5, "internal": 8},
        "disposition": {"no_answer": 6, "answered": 7},
        "talk": 490,
    },
    # 68 CDR objects: 8 main_cdr summaries and 2 ParkedCall pickups (lines 2 and 7/sub 2) are not legs
    # -> 58 legs. Calls = session of the first leg of each uniqueid: .2641 parked at 71 then taken by
    # 203 (2 legs, 35+30 = 65 s, as its main_cdr says); .2671 ring group (11 legs, 609 s); .2693 ring
    # group + park + pickup (13 legs, 445+75+34 = 554 s); .2733 IVR (2 legs, 2 s); .2737 (11 legs,
    # 370 s); .2758 (11 legs, 595 s) -> 6 inbound over trunk Daisy. Outbound over Daisy: 230 (420 s),
    # 203 (120 s). Internal: 230->203 1477 s, 203->230 no answer then voicemail 4 s (2 legs),
    # 230->203 1630 s, 221->231 895 s, 203->230 1428 s. 13 calls, all answered; talk 8169 s.
    "grandstream": {
        "calls": 13,
        "legs": 58,
        "direction": {"inbound": 6, "outbound": 2, "internal": 5},
        "disposition": {"answered": 13},
        "talk": 8169,
    },
    # One TLC record: extension 11202 out on trunk 94003, 00:00:03.
    "mitel5000": {
        "calls": 1,
        "legs": 1,
        "direction": {"outbound": 1},
        "disposition": {"answered": 1},
        "talk": 3,
    },
    # 4 records (the 5th line is cut short and quarantined): 214 -> T054 137 s; T102 -> 201 460 s;
    # 2201 -> T061 725 s (transferred to 2207); 2203 -> T054 status B (busy), 0 s.
    "mivb": {
        "calls": 4,
        "legs": 4,
        "direction": {"outbound": 3, "inbound": 1},
        "disposition": {"answered": 3, "busy": 1},
        "talk": 1322,
    },
    # 5 call records between 2 date records (the last line is too short): condition 7 via 101,
    # 0 03 5 = 3.5 min = 210 s; 9 on circuit 012, 0 00 4 = 24 s; A via 802, 1 12 0 = 4320 s;
    # C (conference, on the switch) 0 01 0 = 60 s; 9 on circuit 012, 0 00 7 = 42 s.
    "avayacm": {
        "calls": 5,
        "legs": 5,
        "direction": {"outbound": 2, "inbound": 2, "internal": 1},
        "disposition": {"answered": 5},
        "talk": 4656,
    },
    # 5 call lines (headers, rulers and the cut-off last line are not calls): 101 out on CO 01 65 s;
    # <I> on CO 02 270 s; 103 out on CO 01 transferred to 205 (TR) 131 s; <D>2001<I> on CO 03 48 s;
    # doorphone D01 -> EXT101 20 s.
    "panasonic": {
        "calls": 5,
        "legs": 5,
        "direction": {"outbound": 2, "inbound": 2, "internal": 1},
        "disposition": {"answered": 5},
        "talk": 534,
    },
    # A PBX set to DD/MM/YY: 101 out on CO 01 (13/03/24) 65 s; <I> on CO 03 to 106 (04/03/24) 120 s;
    # a CO-to-CO transfer by 104 (25/03/24 10:30AM): <I> on CO 02 and out on CO 01 with CD TR, one
    # transit call billed the outgoing line's 00:03'10 = 190 s.
    "panasonic_dmy": {
        "calls": 3,
        "legs": 3,
        "direction": {"outbound": 1, "inbound": 1, "transit": 1},
        "disposition": {"answered": 3},
        "talk": 375,
    },
    # KK outgoing on route 001: 12:00:00.001 -> 13:01:01.000 = 3660.999 s -> 3661; KL incoming on
    # route 002 and KM station-to-station: 21:57:41.398 -> 21:57:48.738 = 7.34 s -> 7 each.
    # Normal format, by its record type: KA out on route 001 90 s; KE in on route 002 30 s.
    "nec": {
        "calls": 5,
        "legs": 5,
        "direction": {"outbound": 2, "inbound": 2, "internal": 1},
        "disposition": {"answered": 5},
        "talk": 3795,
    },
}


@pytest.fixture(scope="module")
def samples_run(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The whole pipeline run once over every format's samples."""
    root = tmp_path_factory.mktemp("format-samples")
    settings = settings_under(root / "home", build_input(root / "input"))
    run_ringledger(settings, "pipeline", dagster_home=root / "home" / "dagster")
    return settings


def _published(settings: Settings) -> duckdb.DuckDBPyConnection:
    path = current_publication(settings.published_dir)
    assert path is not None and path.exists()
    return duckdb.connect(str(path), read_only=True)


def _by(con: duckdb.DuckDBPyConnection, column: str, site: str) -> dict[str, int]:
    return dict(
        con.execute(
            f"SELECT {column}, count(*) FROM fct_calls WHERE site_id = ? GROUP BY 1", [site]
        ).fetchall()
    )


@pytest.mark.parametrize("site", sorted(EXPECTED))
def test_sample_calls_match_the_records_read_by_hand(samples_run: Settings, site: str):
    expected = EXPECTED[site]
    con = _published(samples_run)
    calls, legs, talk = con.execute(
        "SELECT count(*), sum(leg_count), sum(talk_seconds) FROM fct_calls WHERE site_id = ?", [site]
    ).fetchone()
    assert (calls, legs, talk) == (expected["calls"], expected["legs"], expected["talk"])
    assert _by(con, "direction", site) == expected["direction"]
    assert _by(con, "disposition", site) == expected["disposition"]


def test_asterisk_local_channels_are_neither_trunk_nor_extension(samples_run: Settings):
    """Local/ch1@TimeDelay-…;1 and ;2 (a dialplan loop ringing 301 and the other PBX): no finding."""
    warehouse = duckdb.connect(str(samples_run.warehouse_path), read_only=True)
    legs = warehouse.execute(
        "SELECT record_no, leg_direction, trunk_id, extension FROM intermediate.int_call_legs_staged "
        "WHERE source_name = 'asterisk-pbx' AND (from_endpoint LIKE 'Local/%' OR to_endpoint LIKE 'Local/%') "
        "ORDER BY record_no"
    ).fetchall()
    # read by hand: SIP/211553 -> Local/…;1 (lines 9-11, 15-17, 23-25, 28-30, 35-37) comes in on the
    # trunk; Local/…;2 -> SIP/301 (lines 7, 14, 22, 27, 34) rings the phone, internal although src is
    # the outside caller's number; Local/…;2 -> SIP/stadionpbx (8, 12, 13, 18, 19, 20) goes out on the
    # trunk to the other PBX. No Local half is an extension.
    into = {9, 10, 11, 15, 16, 17, 23, 24, 25, 28, 29, 30, 35, 36, 37}
    to_phone = {7, 14, 22, 27, 34}
    onwards = {8, 12, 13, 18, 19, 20}
    assert {n for n, *_ in legs} == into | to_phone | onwards
    for record_no, direction, trunk, extension in legs:
        expected = (
            ("inbound", "asterisk-211553", None)
            if record_no in into
            else ("internal", None, None)
            if record_no in to_phone
            else ("outbound", "asterisk-stadionpbx", None)
        )
        assert (direction, trunk, extension) == expected, record_no
    off_trunk = warehouse.execute(
        "SELECT count(*) FROM intermediate.int_call_legs_off_trunk WHERE source_name = 'asterisk-pbx'"
    ).fetchone()
    assert off_trunk == (0,)
    # the calls answered through the loop: 301 took them (the CDR SIP/211553 -> SIP/301 written once
    # the Local pair optimized itself away: lines 26, 31, 38), not 'ch1@TimeDelay'
    con = _published(samples_run)
    answered = con.execute(
        "SELECT extension, count(*) FROM fct_calls WHERE site_id = 'asterisk' AND leg_count = 5 GROUP BY 1"
    ).fetchall()
    assert answered == [("301", 3)]


def test_threecx_bills_the_final_party(samples_run: Settings):
    con = _published(samples_run)
    # Call 9744: 0611110854 on line 10000 -> Ext.610, ReplacedDst by Ext.185 who talked 00:05:15.
    # Call 9846: Ext.125 out on line 10001, ReplacedSrc by Ext.700 who talked 00:04:30.
    rows = dict(
        con.execute(
            "SELECT call_id, extension || '/' || direction || '/' || talk_seconds FROM fct_calls "
            "WHERE call_id IN ('threecx-pbx:00000171DEE41BB3_2501', 'threecx-pbx:00000171DF908D6D_2626')"
        ).fetchall()
    )
    assert rows == {
        "threecx-pbx:00000171DEE41BB3_2501": "185/inbound/315",
        "threecx-pbx:00000171DF908D6D_2626": "700/outbound/270",
    }


def test_time_bases_place_calls_where_the_records_say(samples_run: Settings):
    con = _published(samples_run)
    first = dict(con.execute("SELECT site_id, min(started_at_local) FROM fct_calls GROUP BY 1").fetchall())
    # Panasonic stamps the end: 03/14/24 09:15AM - 4'30 talk - 0'12 ring (the earliest call).
    assert str(first["panasonic"]) == "2024-03-14 09:10:18"
    # ... in the order its source sets: 04/03/24 11:20AM day first is 4 March, - 2'00 - 0'06.
    assert str(first["panasonic_dmy"]) == "2024-03-04 11:17:54"
    # Avaya CM: the record after the second date record (062624) at 00:03 is on 2024-06-26.
    assert (
        con.execute(
            "SELECT count(*) FROM fct_calls "
            "WHERE site_id = 'avayacm' AND started_at_local = '2024-06-26 00:03:00'"
        ).fetchone()[0]
        == 1
    )
    # FreeSWITCH spreadsheet stamps keep the minute; NEC keeps milliseconds.
    assert str(first["freeswitch"]) == "2014-05-29 16:59:50"
    assert str(first["nec"]) == "2018-07-07 12:00:00.001000"
    # Mitel MiVB writes no year: 03/14 09:05 takes the year the file landed (today, Toronto time),
    # or the year before when 03/14 is more than a day after the landing day.
    today = datetime.now(ZoneInfo("America/Toronto")).date()
    year = today.year if date(today.year, 3, 14) <= today + timedelta(days=1) else today.year - 1
    assert first["mivb"] == datetime(year, 3, 14, 9, 5)


def test_cisco_cmr_quality_joins_both_endpoints_of_the_leg(samples_run: Settings):
    con = duckdb.connect(str(samples_run.warehouse_path), read_only=True)
    rows = con.execute(
        "SELECT call_id, orig_device_name, dest_device_name, orig_conceal_ratio, dest_conceal_ratio, "
        "worst_conceal_ratio, orig_max_jitter_ms, dest_max_jitter_ms, orig_latency_ms "
        "FROM intermediate.int_call_leg_quality"
    ).fetchall()
    # Call 2-25447: leg 47874239 (SEPCC7F750586B7) -> 47874240 (SEPCC8E7148AD29), one CMR each.
    assert rows == [("cucm-pbx:2-25447", "SEPCC7F750586B7", "SEPCC8E7148AD29", 0.0, 0.0011, 0.0011, 0, 8, 1)]


def test_recording_references_reach_the_calls_that_were_recorded(samples_run: Settings):
    """Grandstream names the recording of a leg; the call carries it (trailing '@' removed)."""
    sample = SAMPLES / "grandstream_ucm_cdr" / "louis171_ucm_cdrapi_records_masked.jsonl"
    dialled, everything = set(), set()
    for line in sample.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for part in record.values() if "main_cdr" in record else [record]:
            if isinstance(part, dict) and part.get("recordfiles"):
                everything.add(part["recordfiles"].rstrip("@"))
                if part.get("lastapp") == "Dial":
                    dialled.add(part["recordfiles"].rstrip("@"))
    con = _published(samples_run)
    refs = con.execute(
        "SELECT recording_ref FROM fct_calls WHERE site_id = 'grandstream' AND recording_ref IS NOT NULL"
    ).fetchall()
    found = {name for (ref,) in refs for name in ref.split(";")}
    assert dialled <= found <= everything


def test_panasonic_co_to_co_pair_is_one_call_from_its_raw_records(samples_run: Settings):
    """Lines 5 and 6 of the day-first sample (in on CO 02, out on CO 01, CD TR) are one call and one leg."""
    con = duckdb.connect(str(samples_run.warehouse_path), read_only=True)
    legs = con.execute(
        "SELECT record_no, paired_record_no, from_co_line, to_co_line, extension, caller_number, "
        "called_number FROM intermediate.int_panasonic_smdr__records_paired "
        "WHERE source_name = 'panasonic_dmy-pbx' ORDER BY record_no"
    ).fetchall()
    assert legs == [
        (3, None, None, "01", "101", "101", "01632960123"),
        (4, None, "03", None, "106", "07700900456", "106"),
        (5, 6, "02", "01", "104", "07700900123", "01632960999"),
    ]


def test_panasonic_co_to_co_call_is_transit_between_both_trunks(samples_run: Settings):
    con = duckdb.connect(str(samples_run.warehouse_path), read_only=True)
    leg = con.execute(
        "SELECT leg_direction, from_endpoint, to_endpoint, trunk_id, extension, external_number_e164 "
        "FROM intermediate.int_call_legs_unioned WHERE source_name = 'panasonic_dmy-pbx' AND record_no = 5"
    ).fetchone()
    assert leg == ("transit", "02", "01", "panasonic_dmy-02", "104", "441632960999")


def test_check_classifies_every_record_as_the_warehouse_built_it(samples_run: Settings):
    """check's trunk, extension and external verdicts are the warehouse's (raw/test_sample_legs.py)."""
    assert_check_agrees_with_warehouse(samples_run, current_publication(samples_run.published_dir))
