"""Berlin's Asterisk: ``Master.csv-YYYYMMDD`` files in cdr_csv layout, 21 columns.

Layout and quoting as FORMATS.md section 1: strings quoted (quotes doubled),
integers bare, the answer time of an unanswered leg a bare empty field, local
Europe/Berlin wall-clock times. One file per local day, as logrotate leaves it,
holding the records written that day (a record is written when its call ends).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ringledger.demo import textcols as tc
from ringledger.demo.legs import RING_MEMBER, TRANSFER, file_batches, file_ranges
from ringledger.demo.model import FAILED
from ringledger.demo.render import LegView, SiteOutput, day_stamp

DISPOSITION_TEXT = ("ANSWERED", "NO ANSWER", "BUSY", "FAILED")
RING_TIMEOUT, DIAL_TIMEOUT = 30, 60


def _wrap(values: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise('"', values, '"', "")


def _join(*parts: tc.Cell) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def render(view: LegView, sequence_start: int) -> pa.Array:
    """The cdr_csv lines of the view's legs."""
    n = view.end - view.begin
    plan = view.data.site.dial_plan
    inbound, outbound = view.inbound, view.outbound
    leg_ext = view.leg("ext")
    role = view.leg("role")
    start, answer, end = view.leg("start"), view.leg("answer"), view.leg("end")
    disposition = view.leg("disposition")
    caller_ext = tc.ints(view.call("ext"))
    callee_ext = tc.ints(view.call("ext2"))
    leg_ext_text = tc.ints(leg_ext)
    caller_id = view.remote_as(plan.national_prefix, plan.international_prefix)
    did = tc.ints(view.call("did"))
    serial = view.data.serial[view.call_index]
    hex_a = tc.hex_ids(serial)
    hex_b = tc.hex_ids(serial + 1 + view.rank)
    trunk = view.trunk_name

    src = pc.if_else(pa.array(inbound), caller_id, caller_ext)
    to_leg_ext = pa.array(inbound & (role == TRANSFER))
    dst = pc.if_else(
        pa.array(inbound),
        pc.if_else(to_leg_ext, leg_ext_text, did),
        pc.if_else(pa.array(outbound), _join(plan.access_code, view.dialled), callee_ext),
    )
    dcontext = tc.where(inbound, "from-trunk", "from-internal")
    names = view.name_of(view.call("ext"), view.call("start"))
    clid = pc.if_else(
        pa.array(inbound),
        _join('"', caller_id, '" <', caller_id, ">"),
        _join('"', names, '" <', caller_ext, ">"),
    )
    channel = _join("PJSIP/", pc.if_else(pa.array(inbound), trunk, caller_ext), "-", hex_a)
    far_end = pc.if_else(pa.array(inbound), leg_ext_text, pc.if_else(pa.array(outbound), trunk, callee_ext))
    no_far_channel = (disposition == FAILED) & ~outbound
    dstchannel = tc.where(no_far_channel, "", _join("PJSIP/", far_end, "-", hex_b))
    members = ["&".join(f"PJSIP/{m}" for m in group.members) for group in view.data.site.groups] or [""]
    group = view.call("group")
    ring_all = tc.pick(members, np.maximum(group, 0))
    ring_all_mask = pa.array(inbound & (group >= 0) & ((role == 0) | (role == RING_MEMBER)))
    lastdata = pc.if_else(
        pa.array(outbound),
        _join("PJSIP/", view.dialled, "@", trunk, f",{DIAL_TIMEOUT}"),
        _join(
            pc.if_else(
                ring_all_mask,
                ring_all,
                _join("PJSIP/", pc.if_else(pa.array(inbound), leg_ext_text, callee_ext)),
            ),
            f",{RING_TIMEOUT}",
        ),
    )
    uniqueid = _join(tc.ints(view.call("start")), ".", tc.ints(serial))
    answered = answer >= 0
    answer_text = tc.where(answered, _wrap(view.local_time(np.where(answered, answer, start))), "")
    cells: list[tc.Cell] = [
        '""',
        _wrap(src),
        _wrap(dst),
        _wrap(dcontext),
        tc.quoted(clid),
        _wrap(channel),
        _wrap(dstchannel),
        '"Dial"',
        _wrap(lastdata),
        _wrap(view.local_time(start)),
        answer_text,
        _wrap(view.local_time(end)),
        tc.ints(end - start),
        tc.ints(view.leg("billsec")),
        _wrap(tc.pick(DISPOSITION_TEXT, disposition)),
        '"DOCUMENTATION"',
        _wrap(uniqueid),
        '""',
        '""',
        _wrap(uniqueid),
        tc.ints(np.arange(sequence_start, sequence_start + n)),
    ]
    return tc.lines(cells, ",")


def write(output: SiteOutput, folder: Path) -> list[Path]:
    """Write the site's ``Master.csv-YYYYMMDD`` files into ``folder``."""
    day = output.record_local_day()
    written: list[Path] = []
    for begin, end in file_batches(day):
        writer = tc.LineWriter(render(output.view(begin, end), begin + 1))
        for key, first, last in file_ranges(day, begin, end):
            path = folder / f"Master.csv-{day_stamp(key)}"
            writer.write(path, first - begin, last - begin)
            written.append(path)
    return written
