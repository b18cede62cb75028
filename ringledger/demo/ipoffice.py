"""London's Avaya IP Office: ``smdr-YYYYMMDD.log``, 30-field SMDR records, CRLF, no header.

Times are local Europe/London; Call Start is identical on every segment of a
call; a transfer writes a first record with Continuation 1 and a second for
the new party with Continuation 0, sharing the Call ID. Trunk channels appear
as ``T9<line><channel>`` devices named ``<pbx_name>.<channel>`` ("Line 1.3").

SMDR has no disposition: connected time > 0 means answered, otherwise ring
time > 0 means no answer, and neither means busy (so London has no "failed").
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ringledger.demo import textcols as tc
from ringledger.demo.legs import TRANSFER, file_batches, file_ranges
from ringledger.demo.render import LegView, SiteOutput, day_stamp

TRAILING_EMPTY_FIELDS = 13  # fields 18-30: authorisation, charging, external targeting


def _join(*parts: tc.Cell) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def render(view: LegView, channels: np.ndarray, line_of_trunk: list[str]) -> pa.Array:
    """SMDR lines of the view's legs; ``channels`` is the trunk channel of each call."""
    plan = view.data.site.dial_plan
    inbound, internal = pa.array(view.inbound), view.internal
    transfer = view.leg("role") == TRANSFER
    call_start = view.call("start")
    start_text = pc.replace_substring(view.local_time(call_start), "-", "/")
    ring = np.where(transfer, view.call("ring2"), view.call("ring"))
    caller_ext = view.call("ext")
    leg_ext = view.leg("ext")
    callee_ext = view.call("ext2")
    caller = pc.if_else(
        inbound, view.remote_as(plan.national_prefix, plan.international_prefix), tc.ints(caller_ext)
    )
    called = pc.if_else(
        inbound,
        tc.ints(view.call("did")),
        pc.if_else(pa.array(internal), tc.ints(callee_ext), _join(plan.access_code, view.dialled)),
    )  # fmt: skip
    party1_ext = np.where(view.inbound, leg_ext, caller_ext)
    continues = (view.call("transfer_at") > 0) & ~transfer
    trunk = np.maximum(view.call("trunk"), 0)
    line = tc.pick(line_of_trunk, trunk)
    channel = tc.ints(channels[view.call_index])
    trunk_device = _join("T9", line, pc.utf8_lpad(channel, 2, "0"))
    trunk_name = _join(view.trunk_name, ".", channel)
    party2_device = pc.if_else(pa.array(internal), _join("E", tc.ints(callee_ext)), trunk_device)
    party2_name = pc.if_else(pa.array(internal), view.name_of(callee_ext, view.leg("start")), trunk_name)
    cells: list[tc.Cell] = [
        start_text,
        tc.clock(view.leg("billsec")),
        tc.ints(ring),
        caller,
        pc.if_else(inbound, "I", "O"),
        called,
        called,
        "",
        tc.where(internal, "1", "0"),
        tc.ints(view.data.serial[view.call_index]),
        tc.where(continues, "1", "0"),
        _join("E", tc.ints(party1_ext)),
        view.name_of(party1_ext, view.leg("start")),
        party2_device,
        party2_name,
        "0",
        "0",
    ] + [""] * TRAILING_EMPTY_FIELDS  # fmt: skip
    return tc.lines(cells, ",", "\r\n")


def write(output: SiteOutput, folder: Path, channels: np.ndarray) -> list[Path]:
    """Write the site's ``smdr-YYYYMMDD.log`` files into ``folder``."""
    day = output.record_local_day()
    line_of_trunk = [str(t.pbx_name.split()[-1]) for t in output.company.trunks]
    written: list[Path] = []
    for begin, end in file_batches(day):
        writer = tc.LineWriter(render(output.view(begin, end), channels, line_of_trunk))
        for key, first, last in file_ranges(day, begin, end):
            path = folder / f"smdr-{day_stamp(key)}.log"
            writer.write(path, first - begin, last - begin)
            written.append(path)
    return written
