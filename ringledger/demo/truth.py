"""Ground truth from the generator's own call list: ``truth/summary.json``,
``calls_per_hour.csv`` and ``calls.csv``.

Call-level semantics (the warehouse uses the same): a call is every record
sharing its key (Asterisk linkedid, CUCM globalCallID_callId, IP Office Call
ID); it is answered if any leg was, else busy, else no answer, else failed;
its talk time is the sum of its legs' billable seconds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ringledger.demo import textcols as tc
from ringledger.demo.legs import SiteCalls
from ringledger.demo.model import ANSWERED, DIRECTIONS, DISPOSITIONS, INBOUND, OUTBOUND, Params
from ringledger.demo.pbx import call_keys

CALLS_CSV_LIMIT = 200_000


@dataclass
class SiteTruth:
    """Counts for one site."""

    site: str
    calls: int
    records: int
    by_direction: dict[str, int]
    by_disposition: dict[str, int]
    by_direction_disposition: dict[str, int]
    talk_seconds: int
    extra: dict[str, int]


def site_truth(data: SiteCalls, extra: dict[str, int]) -> SiteTruth:
    calls = data.calls
    pairs = {
        f"{d}|{s}": int(((calls.direction == i) & (calls.disposition == j)).sum())
        for i, d in enumerate(DIRECTIONS)
        for j, s in enumerate(DISPOSITIONS)
    }
    return SiteTruth(
        site=data.site.id,
        calls=len(calls),
        records=len(data.legs),
        by_direction={d: int((calls.direction == i).sum()) for i, d in enumerate(DIRECTIONS)},
        by_disposition={s: int((calls.disposition == j).sum()) for j, s in enumerate(DISPOSITIONS)},
        by_direction_disposition=pairs,
        talk_seconds=int(calls.talk.astype(np.int64).sum()),
        extra=extra,
    )


def write_summary(params: Params, truths: list[SiteTruth], totals: dict[str, int], out_dir: Path) -> Path:
    sites = {}
    for t in truths:
        entry = {
            "calls": t.calls,
            "records": t.records,
            "by_direction": t.by_direction,
            "by_disposition": t.by_disposition,
            "by_direction_disposition": t.by_direction_disposition,
            "talk_seconds": t.talk_seconds,
        }
        entry.update(t.extra)
        sites[t.site] = entry
    summary = {
        "generator": {
            "seed": params.seed,
            "calls_requested": params.calls,
            "days": params.days,
            "start": params.start.isoformat(),
            "employees": params.employees,
            **({"pbx": dict(params.pbx)} if params.pbx else {}),
            **({"clock_change_calls": params.clock_change_calls} if params.clock_change_calls else {}),
        },
        "totals": totals,
        "sites": sites,
    }
    path = out_dir / "truth" / "summary.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _utc_text(epoch: np.ndarray) -> pa.Array:
    """``YYYY-MM-DDTHH:MM:SSZ`` of UTC epoch seconds."""
    return pc.binary_join_element_wise(pc.replace_substring(tc.timestamps(epoch), " ", "T"), "Z", "")


def write_calls_per_hour(sites: list[SiteCalls], out_dir: Path) -> Path:
    """Calls per site and UTC hour of their start (only hours with calls), in site and hour order."""
    tables = []
    for data in sites:
        hours, counts = np.unique(data.calls.start // 3600, return_counts=True)
        tables.append(
            pa.table(
                {
                    "site": pa.array([data.site.id] * len(hours), pa.string()),
                    "hour_utc": _utc_text(hours * 3600),
                    "calls": pa.array(counts.astype(np.int64)),
                }
            )
        )
    path = out_dir / "truth" / "calls_per_hour.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(pa.concat_tables(tables), path, pacsv.WriteOptions(quoting_style="none"))
    return path


def write_calls_csv(sites: list[SiteCalls], out_dir: Path) -> Path | None:
    """One row per call, only for runs small enough to inspect by hand."""
    if sum(len(s.calls) for s in sites) > CALLS_CSV_LIMIT:
        return None
    tables = []
    for data in sites:
        calls = data.calls
        n = len(calls)
        external = tc.ints(calls.remote)
        caller = tc.ints(calls.ext)
        to = pc.if_else(
            pa.array(calls.direction == INBOUND),
            tc.ints(calls.did),
            pc.if_else(pa.array(calls.direction == OUTBOUND), external, tc.ints(calls.ext2)),
        )
        answered = calls.disposition == ANSWERED
        answer = tc.where(answered, _utc_text(calls.start + calls.ring), "")
        tables.append(
            pa.table(
                {
                    "site": pa.array([data.site.id] * n, pa.string()),
                    "call_key": call_keys(data.site.pbx, calls, data.serial),
                    "direction": tc.pick(DIRECTIONS, calls.direction),
                    "disposition": tc.pick(DISPOSITIONS, calls.disposition),
                    "start_utc": _utc_text(calls.start),
                    "talk_seconds": pa.array(calls.talk.astype(np.int64)),
                    "from": pc.if_else(pa.array(calls.direction == INBOUND), external, caller),
                    "to": to,
                    "answer_utc": answer,
                    "end_utc": _utc_text(calls.end),
                }
            )
        )
    path = out_dir / "truth" / "calls.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.concat_tables(tables)
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="none"))
    return path
