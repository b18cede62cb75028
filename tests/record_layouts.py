"""Records of every format written from the format's own layout, for the bad-input and fuzz suites.

Each ``RecordMaker`` starts from one real record of the format (its golden parse of a sample
in ``tests/fixtures/golden``), renders a record from field values the way the PBX writes it
(delimited with the format's delimiter, quote and header; fixed-width at the definition's
positions; NEC STX/ETX frames; Grandstream JSON lines) and knows where to put what: the
date-time to break, the duration and how it is written, the caller's name (a free-text
field) and a field that must be digits or a date.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingestion.formats import FORMATS
from ingestion.formats.asterisk_cdr_custom import STOCK_MAPPING
from ingestion.formats.definition import Delimited, FixedWidth, Framed, Header
from ingestion.formats.grandstream_ucm import UCM_COLUMNS
from ingestion.raw.validation import SourceRules
from tests.conftest import FIXTURES

GOLDEN = FIXTURES / "golden"
Record = dict[str, str]


def _golden(fmt: str, sample: str, index: int = 0) -> Record:
    records = json.loads((GOLDEN / fmt / f"{sample}.json").read_text(encoding="utf-8"))["records"]
    record = dict(records[index])
    record.pop("_record_no")
    record.pop("_flags", None)
    return record


def hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


@dataclass
class RecordMaker:
    """How to write records of one format, and where the fields the suites vary are."""

    format: str
    base: Record
    render: Callable[[Record], bytes]
    header: bytes = b""
    separator: bytes = b"\n"
    start: str | None = None  # a field holding a date-time (or date) that validation parses
    feb30: Callable[[Record], Record] | None = None
    hour25: Callable[[Record], Record] | None = None
    duration: str | None = None
    write_seconds: Callable[[int], str | None] | None = None  # a duration as the PBX writes it
    name: str | None = None  # a free-text field (a caller's name)
    number: str | None = None  # a field that must be digits or a date
    text: str | None = None  # where a name-like value goes (the name, else a free field)
    rules: SourceRules = field(default_factory=SourceRules)
    columns: tuple[str, ...] | None = None  # the source's configured column order
    fixed: FixedWidth | None = None

    def with_(self, **values: str) -> Record:
        return {**self.base, **values}

    def with_seconds(self, seconds: int) -> Record | None:
        """The base record with a duration of ``seconds`` (None when the format cannot write it)."""
        if self.duration is None or self.write_seconds is None:
            return None
        written = self.write_seconds(seconds)
        if written is None:
            return None
        values = {self.duration: written}
        if self.format in (
            "asterisk_cdr_csv",
            "asterisk_cdr_custom",
            "asterisk_cdr_db",
            "freeswitch_cdr_csv",
        ):
            values["billsec"] = written  # talk time, no longer than the duration
        if self.format in ("grandstream_ucm_csv", "grandstream_ucm_api"):
            values["billsec"] = written
        return self.with_(**values)

    def with_raw(self, column: str, raw: bytes) -> bytes:
        """The base record's bytes with ``column``'s value replaced by ``raw`` bytes (not valid text)."""
        # invisible separators, one character per byte (fixed-width positions stay put): no record holds it
        marker = "\u2063" * len(raw)
        rendered = self.render(self.with_(**{column: marker}))
        assert marker.encode() in rendered, (self.format, column)
        return rendered.replace(marker.encode(), raw)

    def file(self, records: list[bytes]) -> bytes:
        return self.header + self.separator.join(records) + (self.separator if records else b"")

    @property
    def line_width(self) -> int:
        return len(self.render(self.base))


def _quoted(value: str, quote: str) -> str:
    if not quote or not value:
        return value
    return quote + value.replace(quote, quote * 2) + quote


def delimited_renderer(fmt_name: str, order: tuple[str, ...]) -> Callable[[Record], bytes]:
    layout = FORMATS[fmt_name].layout
    assert isinstance(layout, Delimited)

    def render(record: Record) -> bytes:
        values = [_quoted(record.get(c, ""), layout.quote) for c in order]
        line = layout.delimiter.join(values) + (layout.delimiter if layout.trailing_delimiter else "")
        return line.encode("utf-8")

    return render


def fixed_renderer(layout: FixedWidth) -> Callable[[Record], bytes]:
    width = max(f.end for f in layout.fields)

    def render(record: Record) -> bytes:
        text = [" "] * width
        for f in layout.fields:
            value = record.get(f.name, "")[: f.end - f.start + 1]
            text[f.start - 1 : f.start - 1 + len(value)] = list(value)
        return "".join(text).rstrip().ljust(layout.min_length).encode("utf-8")

    return render


def _header(names: tuple[str, ...], type_row: bool) -> bytes:
    head = ",".join(f'"{n}"' for n in names) + "\n"
    if type_row:
        head += ",".join("VARCHAR(50)" for _ in names) + "\n"
    return head.encode()


def _asterisk_like(fmt: str, base: Record, order: tuple[str, ...], columns=None, header=b"") -> RecordMaker:
    return RecordMaker(
        fmt,
        base,
        delimited_renderer(fmt, order),
        header=header,
        start="calldate" if fmt == "asterisk_cdr_db" else "start",
        feb30=lambda r, s=("calldate" if fmt == "asterisk_cdr_db" else "start"): {
            **r,
            s: "2026-02-30 10:00:00",
        },
        hour25=lambda r, s=("calldate" if fmt == "asterisk_cdr_db" else "start"): {
            **r,
            s: "2026-02-28 25:00:00",
        },
        duration="duration",
        write_seconds=str,
        name="clid",
        number="src",
        text="clid",
        columns=columns,
    )


def _nec() -> RecordMaker:
    base = _golden("nec_smdr", "zombat_KKrecord")
    s06 = base["s06_start_end_time"]

    def render(record: Record) -> bytes:
        body = record["body"].replace(s06, record["s06_start_end_time"])
        return b"\x02" + f"0!{record['record_type']}{body}".encode() + b"\x03"

    return RecordMaker(
        "nec_smdr",
        base,
        render,
        separator=b"",
        start="s06_start_end_time",
        feb30=lambda r: {**r, "s06_start_end_time": "20260230120000001" + s06[17:]},
        hour25=lambda r: {**r, "s06_start_end_time": "20260228250000001" + s06[17:]},
        number="s06_start_end_time",
    )


def _grandstream_api() -> RecordMaker:
    records = json.loads(
        (GOLDEN / "grandstream_ucm_api" / "louis171_ucm_cdrapi_records_masked.json").read_text()
    )
    sub = next(r for r in records["records"] if r.get("cdr_part", "").startswith("sub_cdr"))
    base = {c: sub.get(c, "") for c in UCM_COLUMNS}

    def render(record: Record) -> bytes:
        return json.dumps({c: record.get(c, "") for c in UCM_COLUMNS}, ensure_ascii=False).encode("utf-8")

    return RecordMaker(
        "grandstream_ucm_api",
        base,
        render,
        start="start",
        feb30=lambda r: {**r, "start": "2026-02-30 10:00:00"},
        hour25=lambda r: {**r, "start": "2026-02-28 25:00:00"},
        duration="duration",
        write_seconds=str,
        name="clid",
        number="src",
        text="clid",
    )


def _grandstream_csv() -> RecordMaker:
    api = _grandstream_api()
    maker = _asterisk_like("grandstream_ucm_csv", api.base, UCM_COLUMNS, header=_header(UCM_COLUMNS, False))
    return maker


def _fixed(fmt: str, base: Record, **kw) -> RecordMaker:
    layout = FORMATS[fmt].layout
    assert isinstance(layout, FixedWidth)
    return RecordMaker(fmt, base, fixed_renderer(layout), fixed=layout, **kw)


def _avaya_cm() -> RecordMaker:
    base = _golden("avaya_cm_cdr", "constructed_teleseer_with_date_records")
    base.pop("record_date")
    layout = FORMATS["avaya_cm_cdr"].layout
    assert isinstance(layout, FixedWidth)
    plain = fixed_renderer(layout)

    def render(record: Record) -> bytes:
        line = plain(record)
        if "record_date" in record:  # a date record of its own before it, the good one after it
            return record["record_date"].encode() + b"\n" + line + b"\n062524"
        return line

    return RecordMaker(
        "avaya_cm_cdr",
        base,
        render,
        header=b"062524\n",
        start="record_date",
        feb30=lambda r: {**r, "record_date": "023026"},
        hour25=lambda r: {**r, "time_hour": "25"},
        duration="duration_minutes",
        write_seconds=lambda s: None if s >= 600 else (f"{s // 60:02d}" if s >= 0 else "-1"),
        number="dialed_number",
        text="account_code",
        fixed=layout,
    )


def makers() -> dict[str, RecordMaker]:
    """One maker per format (all 15)."""
    csv_base = _golden("asterisk_cdr_csv", "mineevburyat_Master_newcdrcolumns_masked")
    custom_order = (*STOCK_MAPPING, "sequence")
    db_base = _golden("asterisk_cdr_db", "aleksa5324_cdr_table_export_masked")
    db_order = tuple(
        c for c in FORMATS["asterisk_cdr_db"].columns if c in db_base or c in ("accountcode", "userfield")
    )
    cisco = FORMATS["cisco_cucm_cdr"].columns
    cmr = FORMATS["cisco_cucm_cmr"].columns
    ipo = FORMATS["avaya_ipoffice_smdr"].columns[:30]
    threecx = FORMATS["threecx_cdr"].columns
    fs = FORMATS["freeswitch_cdr_csv"].columns
    found = [
        _asterisk_like("asterisk_cdr_csv", csv_base, FORMATS["asterisk_cdr_csv"].columns),
        _asterisk_like(
            "asterisk_cdr_custom",
            _golden("asterisk_cdr_custom", "kelysaina_cdr_custom_Master"),
            custom_order,
            columns=custom_order,
        ),
        _asterisk_like("asterisk_cdr_db", db_base, db_order, header=",".join(db_order).encode() + b"\n"),
        RecordMaker(
            "cisco_cucm_cdr",
            _golden("cisco_cucm_cdr", "sieteunoseis_cdr_example"),
            delimited_renderer("cisco_cucm_cdr", cisco),
            header=_header(cisco, True),
            start="dateTimeOrigination",
            feb30=lambda r: {**r, "dateTimeOrigination": "2026-02-30 10:00:00"},
            hour25=lambda r: {**r, "dateTimeOrigination": "2026-02-28 25:00:00"},
            duration="duration",
            write_seconds=str,
            name="callingPartyUnicodeLoginUserID",
            number="callingPartyNumber",
            text="callingPartyUnicodeLoginUserID",
        ),
        RecordMaker(
            "cisco_cucm_cmr",
            _golden("cisco_cucm_cmr", "sieteunoseis_cmr_example"),
            delimited_renderer("cisco_cucm_cmr", cmr),
            header=_header(cmr, True),
            start="dateTimeStamp",
            feb30=lambda r: {**r, "dateTimeStamp": "2026-02-30 10:00:00"},
            hour25=lambda r: {**r, "dateTimeStamp": "2026-02-28 25:00:00"},
            duration="duration",
            write_seconds=str,
            number="globalCallID_callId",
            text="deviceName",
        ),
        RecordMaker(
            "avaya_ipoffice_smdr",
            _golden("avaya_ipoffice_smdr", "avaya_kb_smdr_examples"),
            delimited_renderer("avaya_ipoffice_smdr", ipo),
            start="call_start",
            feb30=lambda r: {**r, "call_start": "2026/02/30 10:00:00"},
            hour25=lambda r: {**r, "call_start": "2026/02/28 25:00:00"},
            duration="connected_time",
            write_seconds=lambda s: hms(s) if s >= 0 else str(s),
            name="party1_name",
            number="caller",
            text="party1_name",
        ),
        _avaya_cm(),
        _fixed(
            "mitel_mivb_smdr",
            _golden("mitel_mivb_smdr", "constructed_standard_90char"),
            start="date",
            feb30=lambda r: {**r, "date": "02/30"},
            hour25=lambda r: {**r, "start_time": "25:00"},
            duration="duration",
            write_seconds=lambda s: hms(s) if 0 <= s < 100 * 3600 else (str(s) if len(str(s)) <= 8 else None),
            number="digits_dialed",
            text="account_code",
        ),
        _fixed(
            "mitel_5000_smdr",
            _golden("mitel_5000_smdr", "mitel5000_doc_example_record"),
            start="start_time",
            hour25=lambda r: {**r, "start_time": "25:00"},
            duration="duration",
            write_seconds=lambda s: hms(s) if 0 <= s < 100 * 3600 else (str(s) if len(str(s)) <= 8 else None),
            number="start_time",
            text="digits",
        ),
        RecordMaker(
            "threecx_cdr",
            _golden("threecx_cdr", "dorel14_3cx_v16_cdr_2020_masked"),
            delimited_renderer("threecx_cdr", threecx),
            start="time_start",
            feb30=lambda r: {**r, "time_start": "2026/02/30 10:00:00"},
            hour25=lambda r: {**r, "time_start": "2026/02/28 25:00:00"},
            duration="duration",
            write_seconds=lambda s: hms(s) if s >= 0 else str(s),
            name="from_dispname",
            number="from_dn",
            text="from_dispname",
        ),
        RecordMaker(
            "freeswitch_cdr_csv",
            _golden("freeswitch_cdr_csv", "fsdocs_cdr_examples_Master"),
            delimited_renderer("freeswitch_cdr_csv", fs),
            start="start_stamp",
            feb30=lambda r: {**r, "start_stamp": "2026-02-30 10:00:00"},
            hour25=lambda r: {**r, "start_stamp": "2026-02-28 25:00:00"},
            duration="duration",
            write_seconds=str,
            name="caller_id_name",
            number="start_stamp",
            text="caller_id_name",
        ),
        _grandstream_csv(),
        _grandstream_api(),
        _fixed(
            "panasonic_smdr",
            _golden("panasonic_smdr", "constructed_pattern_a_pages"),
            start="date",
            feb30=lambda r: {**r, "date": "02/30/26"},
            hour25=lambda r: {**r, "time": "25:00PM"},
            duration="duration",
            write_seconds=lambda s: (
                f"{s // 3600:02d}:{s % 3600 // 60:02d}'{s % 60:02d}"
                if 0 <= s < 100 * 3600
                else (str(s) if len(str(s)) <= 8 else None)
            ),
            name="dial_number",
            number="ext",
            text="dial_number",
        ),
        _nec(),
    ]
    by_name = {m.format: m for m in found}
    assert set(by_name) == set(FORMATS), set(FORMATS) ^ set(by_name)
    return by_name


def frame_count(fmt_name: str, data: bytes, maker: RecordMaker) -> int:
    """Records (lines that are not blank, or frames) as the format's own framing cuts ``data``."""
    layout = FORMATS[fmt_name].layout
    if isinstance(layout, Framed):
        return sum(1 for _ in layout.frames(data))
    if isinstance(layout, FixedWidth) and layout.deframe:
        return sum(1 for _ in layout.deframe(data))
    return sum(1 for line in data.split(b"\n") if line.rstrip(b"\r"))


def header_lines(fmt_name: str) -> int:
    layout = FORMATS[fmt_name].layout
    if isinstance(layout, Delimited) and layout.header is not Header.NONE:
        return 1 + layout.rows_after_header
    return 0


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
