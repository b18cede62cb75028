"""Sniffing, quarantine per layout, source encodings, and the framing rules (continuations,
date records, page headers, length prefixes, configured column orders)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.formats import FORMATS
from ingestion.formats.asterisk_cdr_custom import STOCK_MAPPING
from ingestion.formats.sniff import sniff_file
from tests.conftest import SAMPLES
from tests.format_samples import CASES, SampleCase, load_through_landing


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_each_sample_sniffs_to_its_own_format_first(case: SampleCase):
    guesses = sniff_file(case.path)
    assert guesses, f"{case.sample}: nothing matched"
    assert guesses[0].format == case.format, [(g.format, g.confidence) for g in guesses[:3]]
    assert guesses[0].evidence


def test_cdr_custom_is_never_mistaken_for_cdr_csv_and_says_it_needs_the_mapping():
    guesses = {
        g.format: g for g in sniff_file(SAMPLES / "asterisk_cdr_custom" / "kelysaina_cdr_custom_Master.csv")
    }
    assert "asterisk_cdr_csv" not in guesses
    assert "cdr_custom.conf" in guesses["asterisk_cdr_custom"].caution


def test_formats_state_time_base_durations_and_leg_links():
    for fmt in FORMATS.values():
        assert fmt.time_base and fmt.duration_unit and fmt.leg_link and fmt.layout.kind
        assert len({c.lower() for c in fmt.columns}) == len(fmt.columns), fmt.name


BROKEN = {
    # format: (good sample, a broken record, the reason it must give)
    "asterisk_cdr_csv": (
        "asterisk_cdr_csv/testsuite_cdrlib_good.csv",
        b'"a",' * 30 + b'"b"',
        "TOO MANY COLUMNS",
    ),
    "avaya_ipoffice_smdr": ("avaya_ipoffice_smdr/avaya_kb_smdr_examples.csv", b"x," * 40, "TOO MANY COLUMNS"),
    "mitel_mivb_smdr": ("mitel_mivb_smdr/constructed_standard_90char.txt", b"03/14 09:05", "TOO SHORT"),
    "panasonic_smdr": (
        "panasonic_smdr/constructed_pattern_a_pages.txt",
        b"\xff\xfe broken",
        "INVALID ENCODING",
    ),
    "grandstream_ucm_api": (
        "grandstream_ucm_cdr/louis171_ucm_cdrapi_records_masked.jsonl",
        b'{"main_cdr": {"src": "1"',
        "UNPARSABLE RECORD: not JSON",
    ),
    "nec_smdr": (
        "nec_neax_smdr/zombat_KKrecord.smdr",
        b"\x020!KK99XX\x03",
        "UNPARSABLE RECORD: section chain",
    ),
}


@pytest.mark.parametrize("fmt", sorted(BROKEN))
def test_a_broken_record_is_quarantined_with_line_offset_and_reason(fmt: str, tmp_path: Path):
    sample, broken, reason = BROKEN[fmt]
    good = (SAMPLES / sample).read_bytes()
    separator = b"" if fmt == "nec_smdr" else b"\n"
    data = good.rstrip(b"\r\n") + separator + broken + separator + good
    (tmp_path / "in").mkdir()
    path = tmp_path / "in" / "with_broken_record.txt"
    path.write_bytes(data)
    con, (load,) = load_through_landing([path], fmt, tmp_path / "load")
    quarantined = con.execute(
        "SELECT line, byte_offset, raw_record FROM raw.quarantine WHERE reason LIKE ?", [f"%{reason}%"]
    ).fetchall()
    # The sample's own bad lines may be there too: find the one inserted here, by its offset.
    line, offset, raw = next(q for q in quarantined if data[q[1] :].startswith(broken[:8]))
    assert raw.strip("\x02\x03").startswith(broken.decode("utf-8", "replace").strip("\x02\x03")[:8])
    assert load.records > 0 and load.quarantined >= 1
    if fmt != "nec_smdr":
        assert data.split(b"\n")[line - 1].rstrip(b"\r") == broken


def test_cp1251_source_decodes_cyrillic_names(tmp_path: Path):
    line = '"","101","200","internal","\\"Иванов Пётр\\" <101>","SIP/101-1","SIP/200-2","Dial","SIP/200",'
    line = line.replace('\\"', '""')
    line += (
        '"2024-03-01 10:00:00","2024-03-01 10:00:05","2024-03-01 10:01:00",60,55,"ANSWERED","DOCUMENTATION"'
    )
    (tmp_path / "in").mkdir()
    path = tmp_path / "in" / "Master.csv"
    path.write_bytes((line + "\n").encode("cp1251"))
    con, (load,) = load_through_landing([path], "asterisk_cdr_csv", tmp_path / "load", encoding="cp1251")
    assert (load.records, load.quarantined) == (1, 0)
    assert con.execute("SELECT clid FROM raw.asterisk_cdr_csv").fetchone()[0] == '"Иванов Пётр" <101>'


def test_cp1251_fixed_width_keeps_byte_offsets_of_the_original_file(tmp_path: Path):
    sample = (SAMPLES / "panasonic_smdr" / "constructed_pattern_a_pages.txt").read_text()
    data = sample.replace("0312345678", "Пётр 01234").encode("cp1251")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "smdr.txt").write_bytes(data)
    con, _ = load_through_landing(
        [tmp_path / "in" / "smdr.txt"], "panasonic_smdr", tmp_path / "load", "cp1251"
    )
    assert con.execute("SELECT dial_number FROM raw.panasonic_smdr WHERE _record_no = 3").fetchone()[0] == (
        "Пётр 01234"
    )
    line, offset = con.execute("SELECT line, byte_offset FROM raw.quarantine").fetchone()
    assert data[offset:].startswith(b"03/15/24 00:05AM") and line == 10


def test_avaya_cm_records_carry_the_last_date_record(tmp_path: Path):
    sample = SAMPLES / "avaya_cm_cdr" / "constructed_teleseer_with_date_records.txt"
    con, (load,) = load_through_landing([sample], "avaya_cm_cdr", tmp_path)
    dates = con.execute("SELECT _record_no, record_date FROM raw.avaya_cm_cdr ORDER BY 1").fetchall()
    assert dates == [(2, "062524"), (3, "062524"), (4, "062524"), (5, "062524"), (7, "062624")]
    assert load.skipped_lines == 2


def test_panasonic_page_headers_are_skipped_not_quarantined(tmp_path: Path):
    sample = SAMPLES / "panasonic_smdr" / "constructed_pattern_a_pages.txt"
    con, (load,) = load_through_landing([sample], "panasonic_smdr", tmp_path)
    assert (load.records, load.quarantined, load.skipped_lines) == (5, 1, 4)
    assert con.execute("SELECT count(*) FROM raw.panasonic_smdr WHERE ext = 'Ext'").fetchone()[0] == 0


def test_ip_office_continuation_records_keep_call_id_and_flag(tmp_path: Path):
    con, _ = load_through_landing(
        [SAMPLES / "avaya_ipoffice_smdr" / "avaya_kb_smdr_examples.csv"], "avaya_ipoffice_smdr", tmp_path
    )
    legs = con.execute(
        "SELECT continuation, party1_device FROM raw.avaya_ipoffice_smdr "
        "WHERE call_id = '1000014160' ORDER BY _record_no"
    ).fetchall()
    assert legs == [("1", "E4750"), ("0", "V9502")]


def test_mitel_5000_length_prefixed_stream_reads_like_lines(tmp_path: Path):
    record = (SAMPLES / "mitel_5000_smdr" / "mitel5000_doc_example_record.txt").read_bytes()
    framed = b"".join(len(record).to_bytes(4, "little") + record for _ in range(3))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "spool.bin").write_bytes(framed)
    con, (load,) = load_through_landing([tmp_path / "in" / "spool.bin"], "mitel_5000_smdr", tmp_path / "load")
    assert (load.records, load.quarantined) == (3, 0)
    assert con.execute("SELECT DISTINCT digits, duration FROM raw.mitel_5000_smdr").fetchall() == [
        ("961-9000", "00:00:03")
    ]
    assert [
        r[0] for r in con.execute("SELECT _record_no FROM raw.mitel_5000_smdr ORDER BY 1").fetchall()
    ] == [1, 2, 3]


def test_cdr_custom_without_its_mapping_quarantines_rather_than_misreads(tmp_path: Path):
    sample = SAMPLES / "asterisk_cdr_custom" / "kelysaina_cdr_custom_Master.csv"
    con, (load,) = load_through_landing([sample], "asterisk_cdr_custom", tmp_path)
    # 19 columns, the stock mapping has 18: no line is a record, so the file is quarantined whole.
    assert load.records == 0 and load.quarantined == 1
    line, field, reason = con.execute("SELECT line, field, reason FROM raw.quarantine").fetchone()
    assert (line, field) == (0, "(file)")
    assert reason.startswith("NOT A asterisk_cdr_custom FILE: none of its 14 records")
    assert "TOO MANY COLUMNS" in reason
    _, (load,) = load_through_landing(
        [sample], "asterisk_cdr_custom", tmp_path / "b", columns=(*STOCK_MAPPING, "sequence")
    )
    assert (load.records, load.quarantined) == (14, 0)


def test_cisco_header_maps_by_name_whatever_the_order(tmp_path: Path):
    lines = (SAMPLES / "cisco_cucm_cmr" / "sieteunoseis_cmr_example.txt").read_text().splitlines()
    swapped = [",".join(reversed(line.split(","))) for line in lines]  # no commas inside fields in this file
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "cmr_swapped").write_text("\n".join(swapped) + "\n")
    con, _ = load_through_landing([tmp_path / "in" / "cmr_swapped"], "cisco_cucm_cmr", tmp_path / "load")
    assert con.execute("SELECT count(*) FROM raw.cisco_cucm_cmr WHERE cdrRecordType = '2'").fetchone()[0] == 2


def test_an_unreadable_configuration_quarantines_the_file_instead_of_crashing(tmp_path: Path):
    sample = SAMPLES / "asterisk_cdr_csv" / "testsuite_self_test_Master.csv"
    con, (load,) = load_through_landing([sample], "asterisk_cdr_csv", tmp_path, encoding="no-such-encoding")
    assert (load.records, load.quarantined) == (0, 1)
    assert "unknown encoding" in con.execute("SELECT reason FROM raw.quarantine").fetchone()[0]
