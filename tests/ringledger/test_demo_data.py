"""``ringledger demo-data``: a small run checked against the formats, its own truth and
the traffic it promises (determinism, shape, trunk limits, configuration)."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import fnmatch
import io
import json
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from ringledger.cli import build_parser_for, main

SMALL_RUN = ["--calls", "3000", "--days", "14", "--employees", "40", "--seed", "7"]
DISPOSITION_ORDER = ("answered", "busy", "no_answer", "failed")
ASTERISK_DISPOSITIONS = {"ANSWERED": "answered", "NO ANSWER": "no_answer", "BUSY": "busy",
                         "FAILED": "failed"}  # fmt: skip


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first = tmp_path_factory.mktemp("demo-a")
    second = tmp_path_factory.mktemp("demo-b")
    assert main(["demo-data", *SMALL_RUN, "--out", str(first)]) == 0
    assert main(["demo-data", *SMALL_RUN, "--out", str(second)]) == 0
    return first, second


@pytest.fixture(scope="module")
def out(runs: tuple[Path, Path]) -> Path:
    return runs[0]


@pytest.fixture(scope="module")
def sites(out: Path) -> dict[str, dict]:
    loaded = yaml.safe_load((out / "config" / "sites.yml").read_text(encoding="utf-8"))
    return {site["id"]: site for site in loaded["sites"]}


@pytest.fixture(scope="module")
def summary(out: Path) -> dict:
    return json.loads((out / "truth" / "summary.json").read_text(encoding="utf-8"))


def call_disposition(leg_dispositions: Iterable[str]) -> str:
    """The warehouse rule: answered if any leg was, else busy, else no answer, else failed."""
    found = set(leg_dispositions)
    return next(d for d in DISPOSITION_ORDER if d in found)


def site_counts(calls: dict[str, dict], records: int) -> dict:
    """A truth-summary entry recomputed from calls grouped out of the files."""
    pairs = collections.Counter(f"{c['direction']}|{c['disposition']}" for c in calls.values())
    return {
        "calls": len(calls),
        "records": records,
        "by_direction": dict(collections.Counter(c["direction"] for c in calls.values())),
        "by_disposition": dict(collections.Counter(c["disposition"] for c in calls.values())),
        "by_direction_disposition": dict(pairs),
        "talk_seconds": sum(c["talk"] for c in calls.values()),
    }


def nonzero(counts: dict) -> dict:
    return {k: (nonzero(v) if isinstance(v, dict) else v) for k, v in counts.items() if v != 0}


def max_concurrency(intervals: list[tuple[int, int]]) -> int:
    """Most calls active at any second, a call being active on start <= t < end."""
    events = sorted([(e, -1) for s, e in intervals if e > s] + [(s, 1) for s, e in intervals if e > s])
    level = peak = 0
    for _, step in events:
        level += step
        peak = max(peak, level)
    return peak


# --- readers for the three PBX layouts -------------------------------------------------


def asterisk_rows(out: Path) -> list[list[str]]:
    rows = []
    for path in sorted((out / "pbx" / "berlin-asterisk").glob("Master.csv-*")):
        with open(path, newline="", encoding="utf-8") as handle:
            rows += list(csv.reader(handle))
    return rows


def local_seconds(text: str, fmt: str = "%Y-%m-%d %H:%M:%S") -> int:
    return int(dt.datetime.strptime(text, fmt).replace(tzinfo=dt.UTC).timestamp())


def asterisk_calls(out: Path, trunk_names: set[str]) -> dict[str, dict]:
    calls: dict[str, dict] = {}
    for row in asterisk_rows(out):
        dcontext, dstchannel, dst = row[3], row[6], row[2]
        call = calls.setdefault(row[19], {"legs": [], "talk": 0, "start": None, "end": 0})
        if not call["legs"]:
            if dcontext == "from-trunk":
                call["direction"] = "inbound"
                call["trunk"] = row[5].split("/")[1].rsplit("-", 1)[0]
            elif dstchannel.split("/")[-1].rsplit("-", 1)[0] in trunk_names:
                call["direction"] = "outbound"
                call["trunk"] = dstchannel.split("/")[1].rsplit("-", 1)[0]
            else:
                assert len(dst) == 4, row
                call["direction"], call["trunk"] = "internal", None
        call["legs"].append(ASTERISK_DISPOSITIONS[row[14]])
        call["talk"] += int(row[13])
        start, end = local_seconds(row[9]), local_seconds(row[11])
        call["start"] = start if call["start"] is None else min(call["start"], start)
        call["end"] = max(call["end"], end)
    for call in calls.values():
        call["disposition"] = call_disposition(call["legs"])
    return calls


def cucm_records(out: Path, prefix: str) -> Iterable[tuple[Path, list[str], list[str], list[str]]]:
    for path in sorted((out / "pbx" / "chicago-cucm").glob(f"{prefix}_*")):
        with open(path, newline="", encoding="utf-8") as handle:
            lines = list(csv.reader(handle))
        for record in lines[2:]:
            yield path, lines[0], lines[1], record


def cucm_calls(out: Path, trunk_names: set[str]) -> tuple[dict[str, dict], int]:
    calls: dict[str, dict] = {}
    records = 0
    for _, names, _, record in cucm_records(out, "cdr"):
        records += 1
        r = dict(zip(names, record, strict=True))
        call = calls.setdefault(r["globalCallID_callId"], {"legs": [], "talk": 0, "start": None, "end": 0})
        if not call["legs"]:
            if r["origDeviceName"] in trunk_names:
                call["direction"], call["trunk"] = "inbound", r["origDeviceName"]
            elif r["destDeviceName"] in trunk_names:
                call["direction"], call["trunk"] = "outbound", r["destDeviceName"]
            else:
                call["direction"], call["trunk"] = "internal", None
        causes = {int(r["origCause_value"]), int(r["destCause_value"])}
        if int(r["dateTimeConnect"]) > 0:
            leg = "answered"
        elif 17 in causes:
            leg = "busy"
        elif causes <= {0, 16, 19}:
            leg = "no_answer"
        else:
            leg = "failed"
        call["legs"].append(leg)
        call["talk"] += int(r["duration"])
        start, end = int(r["dateTimeOrigination"]), int(r["dateTimeDisconnect"])
        call["start"] = start if call["start"] is None else min(call["start"], start)
        call["end"] = max(call["end"], end)
    for call in calls.values():
        call["disposition"] = call_disposition(call["legs"])
    return calls, records


def hms(text: str) -> int:
    h, m, s = (int(part) for part in text.split(":"))
    return 3600 * h + 60 * m + s


def ipoffice_calls(out: Path) -> tuple[dict[str, dict], int]:
    calls: dict[str, dict] = {}
    records = 0
    for path in sorted((out / "pbx" / "london-ipoffice").glob("smdr-*.log")):
        for row in csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")):
            records += 1
            call = calls.setdefault(row[9], {"legs": [], "talk": 0, "held": 0})
            connected, ring = hms(row[1]), int(row[2])
            call["legs"].append("answered" if connected else "no_answer" if ring else "busy")
            call["talk"] += connected
            call["held"] += connected + ring + int(row[15]) + int(row[16])
            call["start"] = local_seconds(row[0], "%Y/%m/%d %H:%M:%S")
            call["direction"] = "inbound" if row[4] == "I" else "internal" if row[8] == "1" else "outbound"
            call["trunk"] = row[14].rsplit(".", 1)[0] if row[13].startswith("T") else None
    for call in calls.values():
        call["disposition"] = call_disposition(call["legs"])
        call["end"] = call["start"] + call["held"]
    return calls, records


# --- tests -------------------------------------------------------------------------------


def test_same_options_give_byte_identical_output(runs: tuple[Path, Path]) -> None:
    first, second = runs
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert len(files) > 50
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_other_seed_gives_other_calls(tmp_path: Path, out: Path) -> None:
    assert main(["demo-data", "--calls", "300", "--days", "3", "--employees", "20", "--seed", "8",
                 "--out", str(tmp_path)]) == 0  # fmt: skip
    ours = (out / "truth" / "calls.csv").read_text()
    assert (tmp_path / "truth" / "calls.csv").read_text()[:2000] != ours[:2000]


def test_help_documents_every_option() -> None:
    parser = build_parser_for(["demo-data"])
    sub = parser._subparsers._group_actions[0].choices["demo-data"]  # type: ignore[union-attr]
    text = sub.format_help()
    for option in ("--seed", "--calls", "--days", "--start", "--employees", "--out"):
        assert option in text


def test_asterisk_lines_have_21_fields_and_every_disposition(out: Path) -> None:
    rows = asterisk_rows(out)
    assert rows and all(len(row) == 21 for row in rows)
    assert {row[14] for row in rows} == set(ASTERISK_DISPOSITIONS)
    folder = out / "pbx" / "berlin-asterisk"
    raw = b"".join(p.read_bytes() for p in sorted(folder.glob("Master.csv-*")))
    lines = raw.decode("utf-8").splitlines()
    for line, row in zip(lines, rows, strict=True):
        if row[10] == "":  # unanswered: a bare empty answer field between quoted start and end
            assert f'"{row[9]}",,"{row[11]}"' in line
            assert row[13] == "0" or row[14] == "ANSWERED"
        assert int(row[12]) >= int(row[13]) >= 0
        assert row[20].isdigit() and row[12].isdigit()
    linked = collections.Counter(row[19] for row in rows)
    assert max(linked.values()) >= 3  # ring groups and transfers write several legs


def test_asterisk_conventions(out: Path, sites: dict) -> None:
    trunks = {t["pbx_name"] for t in sites["berlin"]["trunks"]}
    dids = set(sites["berlin"]["dids"])
    for row in asterisk_rows(out):
        if row[3] == "from-trunk":
            assert row[5].split("/")[1].rsplit("-", 1)[0] in trunks
            assert row[2] in dids or len(row[2]) == 4
            assert row[1].startswith("0")
        elif row[6].split("/")[-1].rsplit("-", 1)[0] in trunks:
            assert row[2].startswith("0") and row[8].endswith(",60") and "@" in row[8]
            assert row[7] == "Dial"
    ring_group = [r for r in asterisk_rows(out) if "&" in r[8]]
    assert ring_group, "no parallel ringing"
    by_call = collections.defaultdict(set)
    for row in ring_group:
        by_call[row[19]].add(row[14])
    assert any(v == {"ANSWERED", "NO ANSWER"} for v in by_call.values())


def test_truth_matches_the_asterisk_files(out: Path, summary: dict, sites: dict) -> None:
    trunks = {t["pbx_name"] for t in sites["berlin"]["trunks"]}
    calls = asterisk_calls(out, trunks)
    truth = summary["sites"]["berlin"]
    expected = {k: truth[k] for k in ("calls", "records", "by_direction", "by_disposition",
                                      "by_direction_disposition", "talk_seconds")}  # fmt: skip
    assert nonzero(site_counts(calls, len(asterisk_rows(out)))) == nonzero(expected)


def test_truth_matches_the_cisco_and_ip_office_files(out: Path, summary: dict, sites: dict) -> None:
    trunks = {t["pbx_name"] for t in sites["chicago"]["trunks"]}
    calls, records = cucm_calls(out, trunks)
    fields = ("calls", "records", "by_direction", "by_disposition", "by_direction_disposition",
              "talk_seconds")  # fmt: skip
    chicago = {k: summary["sites"]["chicago"][k] for k in fields}
    assert nonzero(site_counts(calls, records)) == nonzero(chicago)
    calls, records = ipoffice_calls(out)
    london = {k: summary["sites"]["london"][k] for k in fields}
    assert nonzero(site_counts(calls, records)) == nonzero(london)


def test_calls_csv_agrees_with_summary(out: Path, summary: dict) -> None:
    with open(out / "truth" / "calls.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["site", "call_key", "direction", "disposition", "start_utc",
                             "talk_seconds", "from", "to", "answer_utc", "end_utc"]  # fmt: skip
    assert len(rows) == summary["totals"]["calls"]
    for site, truth in summary["sites"].items():
        mine = [r for r in rows if r["site"] == site]
        assert len(mine) == truth["calls"]
        assert sum(int(r["talk_seconds"]) for r in mine) == truth["talk_seconds"]
        assert len({r["call_key"] for r in mine}) == len(mine)


def test_cisco_files_have_two_header_lines_and_full_records(out: Path) -> None:
    cdr = list(cucm_records(out, "cdr"))
    cmr = list(cucm_records(out, "cmr"))
    assert cdr and cmr
    for _, names, types, record in cdr:
        assert len(names) == len(types) == len(record) == 133
        assert names[0] == "cdrRecordType" and types[0] == "INTEGER"
        assert record[0] == "1"
        assert int(record[names.index("dateTimeConnect")]) in (0,) or int(
            record[names.index("dateTimeConnect")]
        ) >= int(record[names.index("dateTimeOrigination")])
    for _, names, types, record in cmr:
        assert len(names) == len(types) == len(record) == 48 and record[0] == "2"
    keys = {r[2] for _, _, _, r in cdr}
    assert {r[2] for _, _, _, r in cmr} <= keys
    # IPv4 as signed little-endian int32 next to the dotted form
    names = cdr[0][1]
    for _, _, _, record in cdr[:50]:
        packed = int(record[names.index("origIpAddr")]).to_bytes(4, "little", signed=True)
        assert ".".join(str(b) for b in packed) == record[names.index("origIpv4v6Addr")]


def test_ip_office_lines_have_30_fields_and_crlf(out: Path) -> None:
    files = sorted((out / "pbx" / "london-ipoffice").glob("smdr-*.log"))
    assert files
    continuation = 0
    for path in files:
        raw = path.read_bytes()
        assert raw.endswith(b"\r\n")
        lines = raw.split(b"\r\n")[:-1]
        assert all(b"\n" not in line for line in lines)
        for line in lines:
            fields = line.decode("utf-8").split(",")
            assert len(fields) == 30
            assert fields[4] in ("I", "O")
            dt.datetime.strptime(fields[0], "%Y/%m/%d %H:%M:%S")
            continuation += fields[10] == "1"
    assert continuation > 0, "no transferred call"


def test_traffic_follows_the_working_day(out: Path, sites: dict) -> None:
    with open(out / "truth" / "calls.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_hour = collections.Counter()
    weekday_calls = weekend_calls = 0
    days = collections.Counter()
    for row in rows:
        zone = ZoneInfo(sites[row["site"]]["timezone"])
        local = dt.datetime.fromisoformat(row["start_utc"].replace("Z", "+00:00")).astimezone(zone)
        by_hour[local.hour] += 1
        days[local.date()] += 1
        if local.weekday() < 5:
            weekday_calls += 1
        else:
            weekend_calls += 1
    assert by_hour[10] > 5 * max(1, by_hour[3])
    assert by_hour[12] < by_hour[10]  # lunch dip
    weekdays = sum(1 for d in days if d.weekday() < 5)
    weekend_days = sum(1 for d in days if d.weekday() >= 5)
    assert weekday_calls / weekdays > 4 * weekend_calls / weekend_days


def test_no_trunk_exceeds_its_channels_and_one_is_full(out: Path, sites: dict) -> None:
    channels = {t["pbx_name"]: t["channels"] for s in sites.values() for t in s["trunks"]}
    intervals: dict[str, list[tuple[int, int]]] = collections.defaultdict(list)
    berlin = asterisk_calls(out, {t["pbx_name"] for t in sites["berlin"]["trunks"]})
    chicago, _ = cucm_calls(out, {t["pbx_name"] for t in sites["chicago"]["trunks"]})
    london, _ = ipoffice_calls(out)
    for calls in (berlin, chicago, london):
        for call in calls.values():
            if call["trunk"]:
                intervals[call["trunk"]].append((call["start"], call["end"]))
    assert set(intervals) == set(channels)
    peaks = {trunk: max_concurrency(spans) for trunk, spans in intervals.items()}
    for trunk, peak in peaks.items():
        assert peak <= channels[trunk], (trunk, peak, channels[trunk])
    assert any(peaks[t] == channels[t] for t in peaks), peaks


def test_configuration_loads_and_points_at_the_files(out: Path, sites: dict) -> None:
    assert list(sites) == ["berlin", "chicago", "london"]
    assert sites["chicago"]["dial_plan"]["international_prefix"] == "011"
    assert sites["london"]["dial_plan"]["country_code"] == "44"
    for site in sites.values():
        assert len({t["carrier"] for t in site["trunks"]}) >= 2
        assert all(isinstance(t["channels"], int) and t["channels"] > 0 for t in site["trunks"])
        assert (out / "tariffs" / f"{site['tariff_plan']}.csv").exists()
    sources = yaml.safe_load((out / "config" / "sources.yml").read_text(encoding="utf-8"))["sources"]
    assert {s["name"] for s in sources} == {"berlin-asterisk", "chicago-cucm", "chicago-cucm-cmr",
                                           "london-ipoffice"}  # fmt: skip
    for source in sources:
        folder = out / source["location"]
        assert folder.is_dir()
        assert any(fnmatch.fnmatch(p.name, source["pattern"]) for p in folder.iterdir())
        assert source["site"] in sites


def test_every_destination_is_priced_by_every_plan(out: Path) -> None:
    plans = collections.defaultdict(set)
    for path in (out / "tariffs").glob("*.csv"):
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                plans[row["plan_id"]].add(row["prefix"])
    assert len(plans) >= 3
    with open(out / "truth" / "calls.csv", newline="", encoding="utf-8") as handle:
        dialled = {r["to"] for r in csv.DictReader(handle) if r["direction"] == "outbound"}
    for prefixes in plans.values():
        for number in dialled:
            assert any(number[:n] in prefixes for n in range(1, 8)), number


def test_directory_has_history_and_unicode(out: Path) -> None:
    text = (out / "directory" / "hr_assignments.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert any(ord(ch) > 127 for ch in text)
    by_employee = collections.Counter(r["employee_id"] for r in rows)
    holders = collections.defaultdict(set)
    for r in rows:
        holders[(r["site_id"], r["extension"])].add(r["employee_id"])
        if r["valid_to"]:
            assert r["valid_from"] < r["valid_to"]
    assert any(n > 1 for n in by_employee.values()), "nobody changed department"
    assert any(len(h) > 1 for h in holders.values()), "no extension was reassigned"
    departments = list(csv.DictReader(open(out / "directory" / "departments.csv", encoding="utf-8")))
    ids = {d["department_id"] for d in departments}
    assert all(d["parent_department_id"] in ids | {""} for d in departments)
    assert {r["department_id"] for r in rows} <= ids
